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
        IdLit::Typed(path) => quote! { #path.spec() },
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

/// The static description shared by server and clientside callbacks; `handler` is the
/// expression of the `Handler`.
fn submit(args: &CallbackArgs, name: &str, handler: TokenStream) -> TokenStream {
    let outputs: Vec<TokenStream> = args
        .output
        .as_ref()
        .map(|o| o.deps().iter().map(output).collect())
        .unwrap_or_default();
    let multi = args.output.as_ref().is_some_and(Outputs::is_multi);
    let inputs: Vec<TokenStream> = args.inputs.iter().map(dependency).collect();
    let state: Vec<TokenStream> = args.state.iter().map(dependency).collect();
    let prevent = match &args.prevent_initial_call {
        Some(b) => quote! { ::core::option::Option::Some(#b) },
        None => quote! { ::core::option::Option::None },
    };
    let running_fns = args.running.iter().enumerate().map(|(i, (_, on, off))| {
        let f = format_ident!("__dash_running_{}", i);
        quote! {
            fn #f() -> (__dash::Value, __dash::Value) {
                (
                    __dash::to_value(#on).unwrap_or(__dash::Value::Null),
                    __dash::to_value(#off).unwrap_or(__dash::Value::Null),
                )
            }
        }
    });
    let running = args.running.iter().enumerate().map(|(i, (dep, _, _))| {
        let f = format_ident!("__dash_running_{}", i);
        let out = output(dep);
        quote! { __dash::Running { output: #out, values: #f } }
    });
    quote! {
        #(#running_fns)*
        __dash::inventory::submit! {
            __dash::CallbackSpec {
                name: #name,
                module: ::core::module_path!(),
                file: ::core::file!(),
                line: ::core::line!(),
                outputs: &[#(#outputs),*],
                multi_output: #multi,
                inputs: &[#(#inputs),*],
                state: &[#(#state),*],
                prevent_initial_call: #prevent,
                running: &[#(#running),*],
                handler: #handler,
            }
        }
    }
}

/// How the return value (or an `on_error` handler's value) becomes output values.
fn conversion(
    args: &CallbackArgs,
    is_result: bool,
    value: TokenStream,
    span: proc_macro2::Span,
) -> TokenStream {
    let n_outputs = args.output.as_ref().map_or(0, |o| o.deps().len());
    match (&args.output, is_result) {
        (None, true) => quote_spanned! {span=> __dash::result_none(#value) },
        (None, false) => quote_spanned! {span=> __dash::output_none(#value) },
        (Some(Outputs::Single(_)), true) => quote_spanned! {span=> __dash::result_single(#value) },
        (Some(Outputs::Single(_)), false) => quote_spanned! {span=> __dash::output_single(#value) },
        (Some(Outputs::List(_)), true) => {
            quote_spanned! {span=> __dash::result_multi::<_, _, #n_outputs>(#value) }
        }
        (Some(Outputs::List(_)), false) => {
            quote_spanned! {span=> __dash::output_multi::<_, #n_outputs>(#value) }
        }
        (Some(Outputs::Named(named, _)), result) => {
            let keys = named.iter().map(|(k, _)| k.to_string());
            if result {
                quote_spanned! {span=> __dash::result_named(#value, &[#(#keys),*]) }
            } else {
                quote_spanned! {span=> __dash::output_named(#value, &[#(#keys),*]) }
            }
        }
    }
}

pub fn registration(args: &CallbackArgs, func: &ItemFn, checked: &Checked) -> TokenStream {
    let fn_name = &func.sig.ident;
    let name_str = fn_name.to_string();

    let arg_names: Vec<_> = (0..checked.arg_types.len())
        .map(|i| format_ident!("__dash_arg{}", i))
        .collect();
    let takes = checked.arg_types.iter().zip(&checked.slots).zip(&arg_names).map(|((ty, slot), name)| {
        if slot.single {
            let i = slot.indices[0];
            quote_spanned! {ty.span()=> let #name: #ty = __args.take(#i)?; }
        } else {
            let indices = &slot.indices;
            let names = match &slot.names {
                Some(names) => quote! { ::core::option::Option::Some(&[#(#names),*]) },
                None => quote! { ::core::option::Option::None },
            };
            quote_spanned! {ty.span()=> let #name: #ty = __args.take_group(&[#(#indices),*], #names)?; }
        }
    });

    let ret_span = match &func.sig.output {
        syn::ReturnType::Default => fn_name.span(),
        syn::ReturnType::Type(_, ty) => ty.span(),
    };
    let convert = conversion(
        args,
        matches!(checked.ret, Ret::Result(_)),
        quote!(__ret),
        ret_span,
    );
    let on_error = match &args.on_error {
        Some(handler) => {
            let handled = conversion(args, false, quote!(#handler(&__err)), handler.span());
            quote! {
                match __result {
                    ::core::result::Result::Err(__err) if __err.is_handled_by_on_error() => #handled,
                    __other => __other,
                }
            }
        }
        None => quote! { __result },
    };

    let handler = if func.sig.asyncness.is_some() {
        quote! {
            fn __dash_handler(mut __args: __dash::Args) -> __dash::BoxFuture<'static, __dash::CallResult> {
                ::std::boxed::Box::pin(async move {
                    #(#takes)*
                    let __ret = #fn_name(#(#arg_names),*).await;
                    let __result: __dash::CallResult = #convert;
                    #on_error
                })
            }
        }
    } else {
        let call = if args.on_error.is_some() {
            // With an on_error handler, a panic is an error the handler sees too.
            quote! { __dash::catch_panic(move || #fn_name(#(#arg_names),*)) }
        } else {
            quote! { ::core::result::Result::<_, __dash::CallbackError>::Ok(#fn_name(#(#arg_names),*)) }
        };
        quote! {
            fn __dash_handler(__args: &mut __dash::Args) -> __dash::CallResult {
                #(#takes)*
                let __result: __dash::CallResult = match #call {
                    ::core::result::Result::Ok(__ret) => #convert,
                    ::core::result::Result::Err(__panic) => ::core::result::Result::Err(__panic),
                };
                #on_error
            }
        }
    };
    let kind = if func.sig.asyncness.is_some() {
        quote!(Async)
    } else {
        quote!(Sync)
    };
    let submit = submit(
        args,
        &name_str,
        quote! { __dash::Handler::#kind(__dash_handler) },
    );

    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            use ::dash_runtime::__private as __dash;
            #handler
            #submit
        };
    }
}

/// `clientside_callback!`: the registration alone, with the JavaScript as handler.
pub fn clientside_registration(args: &CallbackArgs) -> TokenStream {
    let handler = match (&args.js, &args.namespace, &args.function) {
        (Some(js), _, _) => quote! { __dash::Handler::Clientside(__dash::Clientside::Inline(#js)) },
        (None, Some(ns), Some(f)) => quote! {
            __dash::Handler::Clientside(__dash::Clientside::Namespaced { namespace: #ns, function_name: #f })
        },
        _ => return TokenStream::new(),
    };
    let name = match (&args.js, &args.function) {
        (None, Some(f)) => f.value(),
        _ => "clientside".to_owned(),
    };
    let submit = submit(args, &name, handler);
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            use ::dash_runtime::__private as __dash;
            #submit
        };
    }
}
