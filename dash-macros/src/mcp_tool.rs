//! `#[mcp_tool]`: a plain function offered as a tool by the app's MCP server.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, LitStr, ReturnType, Token, Type};

use crate::callback::mcp::{doc_text, param_name, schema_fn};

/// `name = ".."`, the only option.
#[derive(Default)]
struct ToolArgs {
    name: Option<LitStr>,
    /// `crate = "path"`: where the expansion finds dash_runtime.
    krate: Option<syn::Path>,
}

impl Parse for ToolArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = ToolArgs::default();
        while !input.is_empty() {
            // `crate` is a keyword: read any identifier.
            let key: syn::Ident = syn::ext::IdentExt::parse_any(input)?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "name" => args.name = Some(input.parse()?),
                "crate" => args.krate = Some(crate::errors::runtime_path(input)?),
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown `#[mcp_tool]` option `{other}`: the options are `name = \"..\"` and `crate = \"..\"`"),
                    ))
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// `Result<T, E>` → `Some(T)`, by the last path segment's name.
fn result_ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
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

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new_spanned(&item, "#[mcp_tool] can only be used on a function")
                .to_compile_error();
            return quote! { #err #item };
        }
    };
    let args: ToolArgs = match syn::parse2(attr) {
        Ok(a) => a,
        Err(e) => {
            let err = e.to_compile_error();
            return quote! { #err #func };
        }
    };
    let mut errors = Vec::new();
    if let Some(g) = func.sig.generics.params.first() {
        errors.push(syn::Error::new(
            g.span(),
            "an MCP tool cannot be generic: its parameters are read from JSON by their types",
        ));
    }
    let mut takes = Vec::new();
    let mut arg_names = Vec::new();
    let mut schema_fns = Vec::new();
    let mut params = Vec::new();
    for (i, arg) in func.sig.inputs.iter().enumerate() {
        let FnArg::Typed(typed) = arg else {
            errors.push(syn::Error::new(
                arg.span(),
                "an MCP tool is a free function: `self` is not allowed",
            ));
            continue;
        };
        let Some(name) = param_name(arg) else {
            errors.push(syn::Error::new(
                typed.pat.span(),
                "MCP tool parameters need plain names: they are the tool's argument names",
            ));
            continue;
        };
        let ty = &typed.ty;
        let local = format_ident!("__dash_arg{}", i);
        let f = format_ident!("__dash_mcp_schema_{}", i);
        takes.push(quote_spanned! {ty.span()=> let #local: #ty = __args.take(#name)?; });
        arg_names.push(local);
        schema_fns.push(schema_fn(&f, ty));
        params.push(quote! { __dash::McpParam { name: #name, schema: #f } });
    }
    if !errors.is_empty() {
        let errs = errors.iter().map(syn::Error::to_compile_error);
        return quote! { #(#errs)* #func };
    }

    let fn_name = &func.sig.ident;
    let tool_name = args
        .name
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_else(|| fn_name.to_string());
    let description = doc_text(&func.attrs);
    let (value_ty, is_result) = match &func.sig.output {
        ReturnType::Default => (None, false),
        ReturnType::Type(_, ty) => match result_ok_type(ty) {
            Some(ok) => (Some(ok.clone()), true),
            None => (Some((**ty).clone()), false),
        },
    };
    let output_fn = format_ident!("__dash_mcp_output");
    let output = match &value_ty {
        Some(ty) => schema_fn(&output_fn, ty),
        None => quote! {
            fn #output_fn() -> __dash::Value { __dash::Value::Null }
        },
    };
    let call = quote! { #fn_name(#(#arg_names),*) };
    let call = if func.sig.asyncness.is_some() {
        quote! { #call.await }
    } else {
        call
    };
    let finish = if is_result {
        quote! {
            match __ret {
                ::core::result::Result::Ok(__v) => __dash::mcp_tool_value(__v),
                ::core::result::Result::Err(__e) => ::core::result::Result::Err(::std::string::ToString::to_string(&__e)),
            }
        }
    } else {
        quote! { __dash::mcp_tool_value(__ret) }
    };
    let handler = if func.sig.asyncness.is_some() {
        quote! {
            fn __dash_mcp_call(mut __args: __dash::McpArgs) -> __dash::BoxFuture<'static, ::core::result::Result<__dash::Value, ::std::string::String>> {
                ::std::boxed::Box::pin(async move {
                    #(#takes)*
                    let __ret = #call;
                    #finish
                })
            }
        }
    } else {
        quote! {
            fn __dash_mcp_call(__args: &mut __dash::McpArgs) -> ::core::result::Result<__dash::Value, ::std::string::String> {
                #(#takes)*
                let __ret = #call;
                #finish
            }
        }
    };
    let kind = if func.sig.asyncness.is_some() {
        quote!(Async)
    } else {
        quote!(Sync)
    };
    let runtime_root = crate::errors::runtime(args.krate.as_ref());
    quote! {
        #func
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            use #runtime_root::__private as __dash;
            #(#schema_fns)*
            #output
            #handler
            __dash::inventory::submit! {
                __dash::McpToolSpec {
                    name: #tool_name,
                    description: #description,
                    params: &[#(#params),*],
                    output: #output_fn,
                    handler: __dash::McpToolHandler::#kind(__dash_mcp_call),
                    file: ::core::file!(),
                    line: ::core::line!(),
                }
            }
        };
    }
}
