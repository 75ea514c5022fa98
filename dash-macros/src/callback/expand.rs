//! Emitting the registration: static dependency data, a dispatch shim and `inventory::submit!`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ItemFn;

use super::parse::{CallbackArgs, Dep, IdLit, IdVal, Outputs};
use super::validate::{Checked, Ret};

fn id_tokens(id: &IdLit) -> TokenStream {
    match id {
        IdLit::Str(s) => quote! { __dash::IdSpec::Str(#s) },
        IdLit::Dict(entries, _) => {
            let items = entries.iter().map(|(k, v)| {
                let v = match v {
                    IdVal::Str(s) => quote! { __dash::IdValue::Str(#s) },
                    IdVal::Int(n, neg) => {
                        let sign = if *neg { quote!(-) } else { quote!() };
                        quote! { __dash::IdValue::Int(#sign #n) }
                    }
                    IdVal::Bool(b) => quote! { __dash::IdValue::Bool(#b) },
                    IdVal::Wildcard(w) => {
                        let variant = match w.to_string().as_str() {
                            "MATCH" => quote!(Match),
                            "ALL" => quote!(All),
                            _ => quote!(AllSmaller),
                        };
                        quote! { __dash::IdValue::Wildcard(__dash::Wildcard::#variant) }
                    }
                };
                quote! { (#k, #v) }
            });
            quote! { __dash::IdSpec::Dict(&[#(#items),*]) }
        }
    }
}

fn dependency(dep: &Dep) -> TokenStream {
    let id = id_tokens(&dep.id);
    let prop = &dep.property;
    let optional = dep.allow_optional.as_ref().is_some_and(|b| b.value);
    quote! { __dash::Dependency { id: #id, property: #prop, allow_optional: #optional } }
}

fn output(dep: &Dep) -> TokenStream {
    let id = id_tokens(&dep.id);
    let prop = &dep.property;
    let dup = dep.allow_duplicate.as_ref().is_some_and(|b| b.value);
    quote! { __dash::OutputDep { id: #id, property: #prop, allow_duplicate: #dup } }
}

pub fn registration(args: &CallbackArgs, func: &ItemFn, checked: &Checked) -> TokenStream {
    let fn_name = &func.sig.ident;
    let name_str = fn_name.to_string();
    let outputs: Vec<TokenStream> = args.output.as_ref().map(|o| o.deps().iter().map(output).collect()).unwrap_or_default();
    let n_outputs = outputs.len();
    let multi = matches!(args.output, Some(Outputs::List(..)));
    let inputs: Vec<TokenStream> = args.inputs.iter().map(dependency).collect();
    let state: Vec<TokenStream> = args.state.iter().map(dependency).collect();
    let prevent = match &args.prevent_initial_call {
        Some(b) => quote! { ::core::option::Option::Some(#b) },
        None => quote! { ::core::option::Option::None },
    };

    let arg_names: Vec<_> = (0..checked.arg_types.len()).map(|i| format_ident!("__dash_arg{}", i)).collect();
    let takes = checked.arg_types.iter().zip(&arg_names).enumerate().map(|(i, (ty, name))| {
        quote_spanned! {ty.span()=> let #name: #ty = __args.take(#i)?; }
    });

    let convert = {
        let ret_span = match &func.sig.output {
            syn::ReturnType::Default => fn_name.span(),
            syn::ReturnType::Type(_, ty) => ty.span(),
        };
        match (&checked.ret, args.output.is_some(), multi) {
            (Ret::Result(_), false, _) => quote_spanned! {ret_span=> __dash::result_none(__ret) },
            (_, false, _) => quote_spanned! {ret_span=> __dash::output_none(__ret) },
            (Ret::Result(_), true, true) => quote_spanned! {ret_span=> __dash::result_multi::<_, _, #n_outputs>(__ret) },
            (_, true, true) => quote_spanned! {ret_span=> __dash::output_multi::<_, #n_outputs>(__ret) },
            (Ret::Result(_), true, false) => quote_spanned! {ret_span=> __dash::result_single(__ret) },
            (_, true, false) => quote_spanned! {ret_span=> __dash::output_single(__ret) },
        }
    };

    let handler = if func.sig.asyncness.is_some() {
        quote! {
            fn __dash_handler(mut __args: __dash::Args) -> __dash::BoxFuture<'static, __dash::CallResult> {
                ::std::boxed::Box::pin(async move {
                    #(#takes)*
                    let __ret = #fn_name(#(#arg_names),*).await;
                    #convert
                })
            }
            const __DASH_HANDLER: __dash::Handler = __dash::Handler::Async(__dash_handler);
        }
    } else {
        quote! {
            fn __dash_handler(__args: &mut __dash::Args) -> __dash::CallResult {
                #(#takes)*
                let __ret = #fn_name(#(#arg_names),*);
                #convert
            }
            const __DASH_HANDLER: __dash::Handler = __dash::Handler::Sync(__dash_handler);
        }
    };

    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            use ::dash_runtime::__private as __dash;
            #handler
            __dash::inventory::submit! {
                __dash::CallbackSpec {
                    name: #name_str,
                    module: ::core::module_path!(),
                    file: ::core::file!(),
                    line: ::core::line!(),
                    outputs: &[#(#outputs),*],
                    multi_output: #multi,
                    inputs: &[#(#inputs),*],
                    state: &[#(#state),*],
                    prevent_initial_call: #prevent,
                    handler: __DASH_HANDLER,
                }
            }
        };
    }
}
