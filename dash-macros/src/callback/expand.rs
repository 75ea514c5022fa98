//! Emitting the registration: static dependency data, a dispatch shim and `inventory::submit!`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ItemFn;

use super::parse::{CallbackArgs, Dep, IdLit, IdVal, Outputs};
use super::validate::{BackgroundChecked, Checked, Ret};

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
        IdLit::Typed(path) => quote_spanned! {path.span()=> #path.spec() },
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
fn submit(
    args: &CallbackArgs,
    name: &str,
    handler: TokenStream,
    run: RunOptions,
    mcp: TokenStream,
) -> TokenStream {
    let RunOptions {
        on_error,
        timeout_ms,
        blocking,
        memoize,
    } = run;
    let memoize = memoize.unwrap_or_else(|| quote! { ::core::option::Option::None });
    let websocket = args.websocket.as_ref().is_some_and(|b| b.value);
    let persistent = args.persistent.as_ref().is_some_and(|b| b.value);
    let app = match &args.app {
        Some(name) => quote! { ::core::option::Option::Some(#name) },
        None => quote! { ::core::option::Option::None },
    };
    let on_error = match on_error {
        Some(f) => quote! { ::core::option::Option::Some(#f) },
        None => quote! { ::core::option::Option::None },
    };
    let timeout = match timeout_ms {
        Some(ms) => {
            quote! { ::core::option::Option::Some(::core::time::Duration::from_millis(#ms)) }
        }
        None => quote! { ::core::option::Option::None },
    };
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
                on_error: #on_error,
                timeout: #timeout,
                blocking: #blocking,
                memoize: #memoize,
                websocket: #websocket,
                persistent: #persistent,
                mcp: #mcp,
                app: #app,
            }
        }
    }
}

/// How the runtime runs a callback: its `on_error` function, `timeout` and `blocking`.
struct RunOptions {
    on_error: Option<TokenStream>,
    timeout_ms: Option<u64>,
    blocking: bool,
    /// The `Memoize` value (`None` when the callback is not memoized).
    memoize: Option<TokenStream>,
}

impl RunOptions {
    /// Clientside and background callbacks: the runtime applies none of these.
    fn none() -> Self {
        RunOptions {
            on_error: None,
            timeout_ms: None,
            blocking: false,
            memoize: None,
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

/// For each output with an `ALL` wildcard whose value type shows in the signature, a check
/// that the type holds one value per component (a `Vec`, ..): a compile error at the type.
fn all_output_checks(args: &CallbackArgs, checked: &Checked) -> TokenStream {
    let Some(out) = &args.output else {
        return TokenStream::new();
    };
    let value_ty = match &checked.ret {
        Ret::Plain(t) | Ret::Result(t) => t,
        Ret::Unit => return TokenStream::new(),
    };
    let is_all = |dep: &Dep| matches!(&dep.id, IdLit::Dict(entries, _) if entries.iter().any(|(_, v)| matches!(v, IdVal::Wildcard(w) if w == "ALL")));
    let types: Vec<&syn::Type> = match out {
        Outputs::Single(dep) if is_all(dep) => vec![value_ty],
        Outputs::List(deps) => match value_ty {
            syn::Type::Tuple(t) => deps
                .iter()
                .zip(&t.elems)
                .filter(|(d, _)| is_all(d))
                .map(|(_, ty)| ty)
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    // `impl Trait` cannot be named in a turbofish: such a return type is not checked.
    let nameable = |ty: &&&syn::Type| {
        !quote!(#ty)
            .into_iter()
            .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "impl"))
    };
    let checks = types.iter().filter(nameable).map(|ty| {
        quote_spanned! {ty.span()=> __dash::assert_all_output::<#ty>(); }
    });
    quote! {
        #[allow(dead_code)]
        fn __dash_all_outputs() { #(#checks)* }
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
        quote_spanned!(ret_span=> __ret),
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

    let (mcp_fns, mcp_info) = super::mcp::info(args, func, checked);
    let all_checks = all_output_checks(args, checked);
    if let Some(bg) = &checked.background {
        let job = background_job(
            func,
            bg,
            &takes.collect::<Vec<_>>(),
            &arg_names,
            &convert,
            &on_error,
        );
        let spec = background_spec(args, func, bg);
        let submit = submit(
            args,
            &name_str,
            quote! { __dash::Handler::Background(&__DASH_BACKGROUND) },
            RunOptions::none(),
            mcp_info,
        );
        let runtime_root = crate::errors::runtime(args.krate.as_ref());
        return quote! {
            #[doc(hidden)]
            #[allow(non_upper_case_globals, clippy::all)]
            const _: () = {
                use #runtime_root::__private as __dash;
                #job
                #spec
                #mcp_fns
                #all_checks
                #submit
            };
        };
    }

    // Panics are caught by the runtime, which hands errors and panics alike to `on_error`.
    let handler = if func.sig.asyncness.is_some() {
        quote! {
            fn __dash_handler(mut __args: __dash::Args) -> __dash::BoxFuture<'static, __dash::CallResult> {
                ::std::boxed::Box::pin(async move {
                    #(#takes)*
                    let __ret = #fn_name(#(#arg_names),*).await;
                    #convert
                })
            }
        }
    } else {
        quote! {
            fn __dash_handler(__args: &mut __dash::Args) -> __dash::CallResult {
                #(#takes)*
                let __ret = #fn_name(#(#arg_names),*);
                #convert
            }
        }
    };
    let on_error_fn = args.on_error.as_ref().map(|handler| {
        let handled = conversion(args, false, quote!(#handler(__err)), handler.span());
        quote! {
            fn __dash_on_error(__err: &__dash::CallbackError) -> __dash::CallResult {
                #handled
            }
        }
    });
    let run = RunOptions {
        on_error: on_error_fn.as_ref().map(|_| quote!(__dash_on_error)),
        timeout_ms: checked.timeout_ms,
        blocking: args.blocking.as_ref().is_none_or(|b| b.value),
        memoize: checked.memoize.as_ref().map(|m| m.spec_tokens(func)),
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
        run,
        mcp_info,
    );

    let runtime_root = crate::errors::runtime(args.krate.as_ref());
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            use #runtime_root::__private as __dash;
            #handler
            #on_error_fn
            #mcp_fns
            #all_checks
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
    let submit = submit(
        args,
        &name,
        handler,
        RunOptions::none(),
        quote! { __dash::McpInfo::NONE },
    );
    let runtime_root = crate::errors::runtime(args.krate.as_ref());
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            use #runtime_root::__private as __dash;
            #submit
        };
    }
}

/// The job shim of a background callback: arguments are taken at once (errors are the
/// request's), the function runs in the returned future.
fn background_job(
    func: &ItemFn,
    bg: &BackgroundChecked,
    takes: &[TokenStream],
    arg_names: &[proc_macro2::Ident],
    convert: &TokenStream,
    on_error: &TokenStream,
) -> TokenStream {
    let fn_name = &func.sig.ident;
    let (progress_take, progress_arg) = match &bg.progress_param {
        Some(ty) => (
            quote_spanned! {ty.span()=> let __dash_progress: #ty = __job.progress(); },
            quote! { __dash_progress, },
        ),
        None => (quote! { let _ = &__job; }, quote! {}),
    };
    let body = if func.sig.asyncness.is_some() {
        quote! {
            let __result: __dash::CallResult =
                match __dash::catch_panic_async(#fn_name(#progress_arg #(#arg_names),*)).await {
                    ::core::result::Result::Ok(__ret) => #convert,
                    ::core::result::Result::Err(__panic) => ::core::result::Result::Err(__panic),
                };
            #on_error
        }
    } else {
        quote! {
            let __result: __dash::CallResult =
                match __dash::run_blocking(move || #fn_name(#progress_arg #(#arg_names),*)).await {
                    ::core::result::Result::Ok(__ret) => #convert,
                    ::core::result::Result::Err(__panic) => ::core::result::Result::Err(__panic),
                };
            #on_error
        }
    };
    quote! {
        fn __dash_job(
            mut __args: __dash::Args,
            __job: __dash::JobContext,
        ) -> ::core::result::Result<__dash::BoxFuture<'static, __dash::CallResult>, __dash::CallbackError> {
            let _ = &mut __args;
            #progress_take
            #(#takes)*
            ::core::result::Result::Ok(::std::boxed::Box::pin(async move { #body }))
        }
    }
}

/// FNV-1a (64 bit) of the function's tokens: a stable fingerprint for the cache key.
pub fn fingerprint(func: &ItemFn) -> String {
    let text = quote!(#func).to_string();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The `Background` static of a background callback.
fn background_spec(args: &CallbackArgs, func: &ItemFn, bg: &BackgroundChecked) -> TokenStream {
    let interval = match &bg.interval {
        Some(e) => quote! { #e },
        None => quote! { 1000 },
    };
    let expire = match &bg.expire {
        Some(e) => quote! { ::core::option::Option::Some(#e) },
        None => quote! { ::core::option::Option::None },
    };
    let progress: Vec<TokenStream> = args
        .progress
        .as_ref()
        .map(|(_, deps)| deps.iter().map(output).collect())
        .unwrap_or_default();
    let cancel: Vec<TokenStream> = args
        .cancel
        .as_ref()
        .map(|(_, deps)| deps.iter().map(dependency).collect())
        .unwrap_or_default();
    let (default_fn, default_ref) = match &bg.progress_default {
        Some(values) => (
            quote! {
                fn __dash_progress_default() -> ::std::vec::Vec<__dash::Value> {
                    ::std::vec![#(__dash::to_value(#values).unwrap_or(__dash::Value::Null)),*]
                }
            },
            quote! { ::core::option::Option::Some(__dash_progress_default) },
        ),
        None => (quote! {}, quote! { ::core::option::Option::None }),
    };
    let (cache_fns, cache) = match &bg.cache_by {
        Some(by) => {
            let names: Vec<_> = (0..by.len())
                .map(|i| format_ident!("__dash_cache_by_{}", i))
                .collect();
            let fns = by.iter().zip(&names).map(|(f, name)| {
                quote_spanned! {f.span()=>
                    fn #name() -> __dash::Value {
                        __dash::to_value((#f)()).unwrap_or(__dash::Value::Null)
                    }
                }
            });
            let ignore = &bg.ignore_args;
            let triggered = bg.ignore_triggered;
            (
                quote! { #(#fns)* },
                quote! {
                    ::core::option::Option::Some(__dash::CacheSpec {
                        by: &[#(#names),*],
                        ignore_args: &[#(#ignore),*],
                        ignore_triggered: #triggered,
                    })
                },
            )
        }
        None => (quote! {}, quote! { ::core::option::Option::None }),
    };
    let fingerprint = fingerprint(func);
    quote! {
        #default_fn
        #cache_fns
        static __DASH_BACKGROUND: __dash::Background = __dash::Background {
            run: __dash_job,
            interval_ms: #interval,
            progress: &[#(#progress),*],
            progress_default: #default_ref,
            cancel: &[#(#cancel),*],
            cache: #cache,
            expire_secs: #expire,
            fingerprint: #fingerprint,
        };
    }
}
