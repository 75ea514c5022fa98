//! `#[page]`: a layout function registered as a page of a multi-page app.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, ItemFn, LitInt, LitStr, Token, Type};

use crate::errors::Errors;

const KEYS: &[&str] = &[
    "path",
    "path_template",
    "name",
    "title",
    "description",
    "image",
    "order",
    "redirect_from",
    "not_found",
    "app",
    "crate",
];

#[derive(Default)]
struct PageArgs {
    path: Option<LitStr>,
    path_template: Option<LitStr>,
    name: Option<LitStr>,
    title: Option<LitStr>,
    description: Option<LitStr>,
    image: Option<LitStr>,
    order: Option<(bool, LitInt)>,
    redirect_from: Vec<LitStr>,
    not_found: Option<Ident>,
    app: Option<LitStr>,
    krate: Option<syn::Path>,
    errors: Vec<syn::Error>,
}

impl Parse for PageArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = PageArgs::default();
        while !input.is_empty() {
            // `crate` is a keyword: read any identifier.
            let key: Ident = syn::ext::IdentExt::parse_any(input)?;
            let name = key.to_string();
            if name == "not_found" {
                args.not_found = Some(key);
            } else {
                input.parse::<Token![=]>()?;
                match name.as_str() {
                    "path" => args.path = Some(input.parse()?),
                    "crate" => args.krate = Some(crate::errors::runtime_path(input)?),
                    "app" => {
                        args.app = Some(crate::errors::app_name(input, "page", &mut args.errors)?)
                    }
                    "path_template" => args.path_template = Some(input.parse()?),
                    "name" => args.name = Some(input.parse()?),
                    "title" => args.title = Some(input.parse()?),
                    "description" => args.description = Some(input.parse()?),
                    "image" | "image_url" => args.image = Some(input.parse()?),
                    "order" => {
                        let neg = input.parse::<Option<Token![-]>>()?.is_some();
                        args.order = Some((neg, input.parse()?));
                    }
                    "redirect_from" => {
                        let content;
                        syn::bracketed!(content in input);
                        let list = content
                            .parse_terminated(|p: ParseStream| p.parse::<LitStr>(), Token![,])?;
                        args.redirect_from = list.into_iter().collect();
                    }
                    _ => {
                        args.errors.push(syn::Error::new_spanned(
                            &key,
                            format!(
                                "unknown page option `{name}` (expected one of: {})",
                                KEYS.join(", ")
                            ),
                        ));
                        input.parse::<syn::Expr>()?;
                    }
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }
}

/// The variable names of a path template.
fn template_vars(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}

/// Whether a type is optional in a URL: `Option<..>` or `Vec<..>`.
fn is_optional(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option" || s.ident == "Vec"))
}

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err =
                syn::Error::new_spanned(&item, "#[page] can only be used on a layout function")
                    .to_compile_error();
            return quote! { #err #item };
        }
    };
    let args: PageArgs = match syn::parse2(attr) {
        Ok(a) => a,
        Err(e) => {
            let e = e.to_compile_error();
            return quote! { #e #func };
        }
    };
    let mut errors = Errors::default();
    for e in &args.errors {
        errors.push(e.clone());
    }
    for lit in args
        .path
        .iter()
        .chain(args.path_template.iter())
        .chain(args.redirect_from.iter())
    {
        if !lit.value().starts_with('/') {
            errors.spanned(lit, "page paths start with `/`");
        }
    }
    let vars = args
        .path_template
        .as_ref()
        .map(|t| template_vars(&t.value()))
        .unwrap_or_default();
    if let Some(t) = &args.path_template {
        for v in &vars {
            let ok = !v.is_empty()
                && v.chars().all(|c| c.is_alphanumeric() || c == '_')
                && !v.starts_with(|c: char| c.is_ascii_digit());
            if !ok {
                errors.spanned(t, format!("`<{v}>` is not a valid path variable name"));
            }
        }
    }
    if let (Some(nf), Some(_)) = (&args.not_found, &args.path_template) {
        errors.spanned(nf, "the not-found page cannot have a path template");
    }
    if func.sig.asyncness.is_some() {
        errors.spanned(
            func.sig.asyncness,
            "page layout functions must be synchronous",
        );
    }
    if !func.sig.generics.params.is_empty() {
        errors.spanned(
            &func.sig.generics,
            "a page layout function cannot be generic",
        );
    }
    let mut takes = Vec::new();
    let mut names = Vec::new();
    for arg in &func.sig.inputs {
        match arg {
            FnArg::Receiver(r) => {
                errors.spanned(r, "a page layout function must be a free function")
            }
            FnArg::Typed(t) => {
                let syn::Pat::Ident(pat) = t.pat.as_ref() else {
                    errors.spanned(&t.pat, "page parameters must be plain names: each is a path variable or a query parameter");
                    continue;
                };
                let ident = &pat.ident;
                let key = ident.to_string();
                let key = key.strip_prefix("r#").unwrap_or(&key).to_owned();
                let ty = &t.ty;
                if !vars.contains(&key) && !is_optional(ty) {
                    errors.spanned(
                        ty,
                        format!(
                            "`{key}` is not a path variable of this page{}, so it comes from the query string and may be absent: use `Option<T>` (or `Vec<String>` for repeated keys)",
                            args.path_template.as_ref().map(|t| format!(" ({})", t.value())).unwrap_or_default()
                        ),
                    );
                }
                let var = quote::format_ident!("__dash_p_{}", key);
                takes.push(quote_spanned! {ty.span()=> let #var: #ty = __args.get(#key)?; });
                names.push(var);
            }
        }
    }
    if !errors.is_empty() {
        let errs = errors.into_compile_errors();
        return quote! { #errs #func };
    }

    let fn_name = &func.sig.ident;
    let fn_str = fn_name.to_string();
    let opt = |lit: &Option<LitStr>| match lit {
        Some(l) => quote! { ::core::option::Option::Some(#l) },
        None => quote! { ::core::option::Option::None },
    };
    let app = opt(&args.app);
    let (path, template, name, title, description, image) = (
        opt(&args.path),
        opt(&args.path_template),
        opt(&args.name),
        opt(&args.title),
        opt(&args.description),
        opt(&args.image),
    );
    let order = match &args.order {
        Some((neg, n)) => {
            let sign = if *neg { quote!(-) } else { quote!() };
            quote! { ::core::option::Option::Some(#sign #n) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let redirects = &args.redirect_from;
    let not_found = args.not_found.is_some();
    let runtime_root = crate::errors::runtime(args.krate.as_ref());
    quote! {
        #func
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            use #runtime_root::__private as __dash;
            fn __dash_page(__args: &__dash::PageArgs) -> ::core::result::Result<__dash::Value, __dash::PageParamError> {
                #(#takes)*
                ::core::result::Result::Ok(__dash::page_layout(#fn_name(#(#names),*)))
            }
            __dash::inventory::submit! {
                __dash::PageSpec {
                    fn_name: #fn_str,
                    module: ::core::module_path!(),
                    file: ::core::file!(),
                    line: ::core::line!(),
                    path: #path,
                    path_template: #template,
                    name: #name,
                    title: #title,
                    description: #description,
                    image: #image,
                    order: #order,
                    redirect_from: &[#(#redirects),*],
                    not_found: #not_found,
                    layout: __dash_page,
                    app: #app,
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(attr: TokenStream, item: TokenStream) -> String {
        expand(attr, item).to_string().replace(' ', "")
    }

    #[test]
    fn template_variables_in_order() {
        assert_eq!(template_vars("/a/<x>/b/<y_2>"), ["x", "y_2"]);
        assert!(template_vars("/plain").is_empty());
    }

    #[test]
    fn app_crate_and_parameters_reach_the_spec() {
        let out = compact(
            quote!(
                path_template = "/r/<id>",
                app = "admin",
                crate = "crate::rt"
            ),
            quote!(
                fn report(id: u32, tab: Option<String>) -> html::Div {
                    todo!()
                }
            ),
        );
        assert!(out.contains("usecrate::rt::__privateas__dash;"), "{out}");
        assert!(
            out.contains("app:::core::option::Option::Some(\"admin\")"),
            "{out}"
        );
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn query_parameters_must_be_optional() {
        let out = compact(
            quote!(path_template = "/r/<id>"),
            quote!(
                fn report(id: u32, tab: String) -> html::Div {
                    todo!()
                }
            ),
        );
        assert!(out.contains("isnotapathvariableofthispage"), "{out}");
    }
}
