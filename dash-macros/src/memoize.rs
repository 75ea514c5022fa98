//! Memoization: the `memoize`/`memoize_by` options of `#[callback]`, and `#[memoize]` on
//! plain functions.
//!
//! Both store results in the app's data store under a hash of what decides the result: the
//! function's tokens (a fingerprint, so an edited function never answers from an old entry),
//! its arguments, and for callbacks the chosen parts of the request.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Ident, ItemFn, LitStr, ReturnType, Token, Type};

use crate::callback::{fingerprint, parse_duration_ms};
use crate::errors::Errors;

/// One `memoize_by` part, checked.
pub enum ByPart {
    Session,
    /// `"triggered"`: which inputs triggered the call.
    Triggered,
    /// A header name, lower-cased.
    Header(String),
    Cookie(String),
}

/// `memoize = ".."` (and `memoize_by`) of a callback, checked.
pub struct CallbackMemo {
    pub ttl_ms: u64,
    pub by: Vec<ByPart>,
}

impl CallbackMemo {
    /// The `Memoize` value of the callback's spec.
    pub fn spec_tokens(&self, func: &ItemFn) -> TokenStream {
        let ttl = self.ttl_ms;
        let by = self.by.iter().map(|part| match part {
            ByPart::Session => quote! { __dash::MemoizeBy::Session },
            ByPart::Triggered => quote! { __dash::MemoizeBy::Triggered },
            ByPart::Header(name) => quote! { __dash::MemoizeBy::Header(#name) },
            ByPart::Cookie(name) => quote! { __dash::MemoizeBy::Cookie(#name) },
        });
        let fingerprint = fingerprint(func);
        quote! {
            ::core::option::Option::Some(__dash::Memoize {
                ttl: ::core::time::Duration::from_millis(#ttl),
                by: &[#(#by),*],
                fingerprint: #fingerprint,
            })
        }
    }
}

/// A TTL literal in milliseconds; errors name the option (`memoize`, `ttl`).
fn ttl_ms(lit: &LitStr, option: &str, errors: &mut Errors) -> Option<u64> {
    match parse_duration_ms(&lit.value()) {
        Some(0) => {
            errors.spanned(lit, format!("`{option}` must be above zero"));
            None
        }
        Some(ms) => Some(ms),
        None => {
            errors.spanned(
                lit,
                format!(
                    "`{option}` must be a duration such as \"30s\", \"10m\", \"1h\" or \"1h30m\""
                ),
            );
            None
        }
    }
}

/// Whether `name` is a valid HTTP header name (an RFC 9110 token).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Checks `memoize` and `memoize_by` of a `#[callback]`.
pub fn check_callback(
    memoize: Option<&LitStr>,
    memoize_by: Option<&(Ident, syn::Expr)>,
    background: bool,
    errors: &mut Errors,
) -> Option<CallbackMemo> {
    let Some(lit) = memoize else {
        if let Some((key, _)) = memoize_by {
            errors.spanned(
                key,
                "`memoize_by` needs `memoize = \"10m\"` (how long answers are kept)",
            );
        }
        return None;
    };
    if background {
        errors.spanned(
            lit,
            "`memoize` is not an option of background callbacks: share their results with `cache_by = [..]`",
        );
        return None;
    }
    let ttl = ttl_ms(lit, "memoize", errors);
    let mut by = Vec::new();
    if let Some((_, value)) = memoize_by {
        let syn::Expr::Array(array) = value else {
            errors.spanned(
                value,
                "`memoize_by` takes a list such as [\"session\", \"header:x-tenant\", \"cookie:name\"]",
            );
            return None;
        };
        let mut seen: Vec<String> = Vec::new();
        for item in &array.elems {
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(part),
                ..
            }) = item
            else {
                errors.spanned(item, "`memoize_by` parts are string literals such as \"session\", \"header:x-tenant\" or \"cookie:name\"");
                continue;
            };
            let text = part.value();
            let parsed = match text.split_once(':') {
                None if text == "session" => Some(ByPart::Session),
                None if text == "triggered" => Some(ByPart::Triggered),
                Some(("header", name)) if is_header_name(name) => {
                    Some(ByPart::Header(name.to_ascii_lowercase()))
                }
                Some(("cookie", name))
                    if !name.is_empty()
                        && !name
                            .chars()
                            .any(|c| c.is_whitespace() || c.is_control() || "=;,".contains(c)) =>
                {
                    Some(ByPart::Cookie(name.to_owned()))
                }
                _ => None,
            };
            let Some(parsed) = parsed else {
                errors.spanned(
                    part,
                    format!("unknown `memoize_by` part {text:?}: expected \"session\", \"triggered\", \"header:<name>\" or \"cookie:<name>\""),
                );
                continue;
            };
            let canonical = match &parsed {
                ByPart::Session => "session".to_owned(),
                ByPart::Triggered => "triggered".to_owned(),
                ByPart::Header(n) => format!("header:{n}"),
                ByPart::Cookie(n) => format!("cookie:{n}"),
            };
            if seen.contains(&canonical) {
                errors.spanned(part, format!("`{canonical}` appears twice in `memoize_by`"));
                continue;
            }
            seen.push(canonical);
            by.push(parsed);
        }
    }
    Some(CallbackMemo { ttl_ms: ttl?, by })
}

/// Errors for `memoize`/`memoize_by` on a clientside callback.
pub fn check_clientside(
    memoize: Option<&LitStr>,
    memoize_by: Option<&(Ident, syn::Expr)>,
    errors: &mut Errors,
) {
    if let Some(lit) = memoize {
        errors.spanned(
            lit,
            "`memoize` is for server callbacks; a clientside callback runs in the browser",
        );
    }
    if let Some((key, _)) = memoize_by {
        errors.spanned(
            key,
            "`memoize_by` is for server callbacks; a clientside callback runs in the browser",
        );
    }
}

/// The arguments of `#[memoize(..)]`.
struct MemoArgs {
    ttl: Option<LitStr>,
    /// `crate = "path"`: where the expansion finds dash_runtime.
    krate: Option<syn::Path>,
}

impl Parse for MemoArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = MemoArgs {
            ttl: None,
            krate: None,
        };
        while !input.is_empty() {
            // `crate` is a keyword: read any identifier.
            let key: Ident = syn::ext::IdentExt::parse_any(input)?;
            input.parse::<Token![=]>()?;
            if key == "crate" {
                args.krate = Some(crate::errors::runtime_path(input)?);
                if input.is_empty() {
                    break;
                }
                input.parse::<Token![,]>()?;
                continue;
            }
            if key != "ttl" {
                return Err(syn::Error::new_spanned(
                    &key,
                    format!("unknown #[memoize] option `{key}` (expected `ttl = \"1h\"` or `crate = \"..\"`)"),
                ));
            }
            if args.ttl.is_some() {
                return Err(syn::Error::new_spanned(
                    &key,
                    "`ttl` is given more than once",
                ));
            }
            args.ttl = Some(input.parse().map_err(|e| {
                syn::Error::new(e.span(), "`ttl` takes a duration string such as \"1h\"")
            })?);
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }
}

/// `#[memoize(ttl = "1h")]` on a plain function.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new_spanned(&item, "#[memoize] can only be used on a function")
                .to_compile_error();
            return quote! { #err #item };
        }
    };
    let mut errors = Errors::default();
    let (ttl, krate) = match syn::parse2::<MemoArgs>(attr) {
        Ok(args) => (
            args.ttl.map(|lit| ttl_ms(&lit, "ttl", &mut errors)),
            args.krate,
        ),
        Err(e) => {
            errors.push(e);
            (None, None)
        }
    };
    check_function(&func, &mut errors);
    if !errors.is_empty() {
        let errs = errors.into_compile_errors();
        return quote! { #errs #func };
    }
    memoized(&func, ttl.flatten(), crate::errors::runtime(krate.as_ref()))
}

/// The signature checks of `#[memoize]`.
fn check_function(func: &ItemFn, errors: &mut Errors) {
    let sig = &func.sig;
    if let Some(c) = &sig.constness {
        errors.spanned(c, "#[memoize] cannot be used on a `const fn`");
    }
    for param in &sig.generics.params {
        if !matches!(param, GenericParam::Lifetime(_)) {
            errors.spanned(
                param,
                "#[memoize] functions cannot be generic: the cache key and the stored value need concrete types",
            );
        }
    }
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) => errors.spanned(
                r,
                "#[memoize] works on free functions, not methods: `self` cannot be part of the cache key",
            ),
            FnArg::Typed(t) => {
                if let Type::ImplTrait(i) = t.ty.as_ref() {
                    errors.spanned(
                        i,
                        "#[memoize] functions cannot be generic: take a concrete type, not `impl Trait`",
                    );
                }
            }
        }
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        if let Type::ImplTrait(i) = ty.as_ref() {
            errors.spanned(
                i,
                "#[memoize] functions return a concrete type (it is stored and deserialised), not `impl Trait`",
            );
        }
    }
}

/// The `Ok` type of a return type named `Result` (with its first type argument), if any.
fn result_ok(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The memoized function: the original body becomes an inner function; the outer one keys,
/// looks up and stores.
fn memoized(func: &ItemFn, ttl_ms: Option<u64>, runtime_root: TokenStream) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = func;
    let name = &sig.ident;
    let inner_name = format_ident!("__dash_memo_{}", name);
    let mut inner_sig = sig.clone();
    inner_sig.ident = inner_name.clone();
    let arg_names: Vec<Ident> = (0..sig.inputs.len())
        .map(|i| format_ident!("__dash_memo_arg{}", i))
        .collect();
    let mut outer_sig = sig.clone();
    for (arg, new_name) in outer_sig.inputs.iter_mut().zip(&arg_names) {
        if let FnArg::Typed(t) = arg {
            *t.pat = syn::parse_quote!(#new_name);
            t.attrs.clear();
        }
    }
    let key_args = sig.inputs.iter().zip(&arg_names).map(|(arg, n)| match arg {
        FnArg::Typed(t) => {
            let ty = &t.ty;
            quote_spanned! {ty.span()=> __dash_key.arg::<#ty>(&#n); }
        }
        FnArg::Receiver(_) => quote! {},
    });
    let (ret_ty, ok_ty, result) = match &sig.output {
        ReturnType::Default => (quote!(()), None, false),
        ReturnType::Type(_, ty) => match result_ok(ty) {
            Some(ok) => (ty.to_token_stream(), Some(ok), true),
            None => (ty.to_token_stream(), Some(ty.as_ref()), false),
        },
    };
    let ret_span = ok_ty.map_or_else(|| name.span(), Spanned::span);
    let mode = if result {
        quote_spanned!(ret_span=> OkOnly)
    } else {
        quote_spanned!(ret_span=> Plain)
    };
    // A value that cannot be stored is reported at the (`Ok`) return type, with our message.
    let value_check =
        ok_ty.map(|ty| quote_spanned! {ret_span=> __dash::memo_value_check::<#ty>(); });
    let path = name.to_string();
    let fingerprint = fingerprint(func);
    let ttl = match ttl_ms {
        Some(ms) => {
            quote! { ::core::option::Option::Some(::core::time::Duration::from_millis(#ms)) }
        }
        None => quote! { ::core::option::Option::None },
    };
    // Spanned at the (Ok) return type: a value that cannot be stored is reported there.
    let call = if sig.asyncness.is_some() {
        quote_spanned! {ret_span=>
            __dash::memo_async::<#ret_ty, __dash::#mode, _>(
                &__DASH_MEMO,
                __dash_key,
                #inner_name(#(#arg_names),*),
            ).await
        }
    } else {
        quote_spanned! {ret_span=>
            __dash::memo_sync::<#ret_ty, __dash::#mode, _>(
                &__DASH_MEMO,
                __dash_key,
                move || #inner_name(#(#arg_names),*),
            )
        }
    };
    quote! {
        #(#attrs)*
        #vis #outer_sig {
            use #runtime_root::__private as __dash;
            #[allow(clippy::too_many_arguments)]
            #inner_sig #block
            #value_check
            static __DASH_MEMO: __dash::MemoFn = __dash::MemoFn {
                path: ::core::concat!(::core::module_path!(), "::", #path),
                fingerprint: #fingerprint,
                ttl: #ttl,
            };
            #[allow(unused_mut)]
            let mut __dash_key = __DASH_MEMO.key();
            #(#key_args)*
            let __dash_key = __dash_key.finish();
            #call
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names() {
        assert!(is_header_name("x-tenant"));
        assert!(!is_header_name("x tenant"));
        assert!(!is_header_name(""));
    }

    #[test]
    fn memoize_by_parts() {
        let lit: LitStr = syn::parse_quote!("10m");
        let by: syn::Expr = syn::parse_quote!(["session", "header:X-Tenant", "cookie:theme"]);
        let key: Ident = syn::parse_quote!(memoize_by);
        let mut errors = Errors::default();
        let memo = check_callback(Some(&lit), Some(&(key.clone(), by)), false, &mut errors);
        assert!(errors.is_empty());
        let memo = memo.expect("checked");
        assert_eq!(memo.ttl_ms, 600_000);
        assert!(matches!(&memo.by[1], ByPart::Header(h) if h == "x-tenant"));
        let bad: syn::Expr = syn::parse_quote!(["tenant", "header:", "session", "session"]);
        let mut errors = Errors::default();
        check_callback(Some(&lit), Some(&(key, bad)), false, &mut errors);
        assert_eq!(
            errors
                .into_compile_errors()
                .to_string()
                .matches("compile_error")
                .count(),
            3
        );
    }

    #[test]
    fn rejects_methods_generics_and_bad_ttl() {
        let out = expand(
            quote!(ttl = "soon"),
            quote!(
                fn f(x: u32) -> u32 {
                    x
                }
            ),
        );
        assert!(out.to_string().contains("must be a duration"));
        let out = expand(
            quote!(),
            quote!(
                fn f<T>(x: T) -> u32 {
                    1
                }
            ),
        );
        assert!(out.to_string().contains("cannot be generic"));
        let out = expand(
            quote!(),
            quote!(
                fn f(&self) -> u32 {
                    1
                }
            ),
        );
        assert!(out.to_string().contains("not methods"));
        let out = expand(
            quote!(),
            quote!(
                fn f<'a>(x: &'a str) -> u32 {
                    1
                }
            ),
        );
        assert!(!out.to_string().contains("compile_error"));
    }
}
