//! `Serverside<T>` belongs on a store: a parameter or returned value of that type must go with
//! a `data` property, and a typed id's component must be `StoreLike` (`dcc.Store`). String ids
//! are recorded for start-up validation, which checks that the layout's component is a
//! `dcc.Store`.

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::Type;

use super::parse::{CallbackArgs, Dep, IdLit};
use super::typed::{grouped_types, output_types};
use super::validate::Checked;
use crate::errors::Errors;

/// The property a `Serverside` value lives in.
const STORE_PROPERTY: &str = "data";

/// Whether a type mentions `Serverside` (`Serverside<T>`, `Option<Serverside<T>>`,
/// `Vec<Serverside<T>>`, ...).
fn mentions_serverside(ty: &Type) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(i) => i == "Serverside",
            TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(ty.to_token_stream())
}

/// One dependency whose value is a `Serverside` type.
struct Use<'a> {
    dep: &'a Dep,
    ty: &'a Type,
    output: bool,
}

/// Every dependency whose parameter or returned value is a `Serverside` type, as far as the
/// tokens tell (a named group's struct fields cannot be seen).
fn uses<'a>(args: &'a CallbackArgs, checked: &'a Checked) -> Vec<Use<'a>> {
    let grouped = grouped_types(checked);
    let mut out = Vec::new();
    for (index, dep) in args.inputs.iter().chain(&args.state).enumerate() {
        let ty = checked
            .param_type_of(index)
            .or_else(|| grouped.get(&index).copied());
        if let Some(ty) = ty.filter(|t| dep.kind != "Trigger" && mentions_serverside(t)) {
            out.push(Use {
                dep,
                ty,
                output: false,
            });
        }
    }
    if let Some(outputs) = &args.output {
        let types = output_types(outputs, &checked.ret);
        for (i, dep) in outputs.deps().iter().enumerate() {
            if let Some(ty) = types
                .get(i)
                .copied()
                .flatten()
                .filter(|t| mentions_serverside(t))
            {
                out.push(Use {
                    dep,
                    ty,
                    output: true,
                });
            }
        }
    }
    out
}

/// The dependency as the user wrote it, for messages: `Input("name", "value")`.
fn written(dep: &Dep) -> String {
    let id = match &dep.id {
        IdLit::Str(s) => format!("{:?}", s.value()),
        IdLit::Dict(..) => "{..}".to_owned(),
        IdLit::Typed(path) => path.to_token_stream().to_string().replace(' ', ""),
    };
    format!("{}({id}, {:?})", dep.kind, dep.property.value())
}

/// Report `Serverside` values on a property other than `data`.
pub fn check(args: &CallbackArgs, checked: &Checked, errors: &mut Errors) {
    for u in uses(args, checked) {
        if u.dep.property.value() == STORE_PROPERTY {
            continue;
        }
        let what = if u.output {
            "a `Serverside` value can only be sent to a `dcc.Store`'s `data`"
        } else {
            "a `Serverside` parameter can only receive a `dcc.Store`'s `data`"
        };
        errors.spanned(
            u.ty,
            format!(
                "{what}, but this is {}; use e.g. `{}(\"my-store\", \"data\")` with `dcc::Store::new().id(\"my-store\")` in the layout",
                written(u.dep),
                u.dep.kind
            ),
        );
    }
}

/// The typed-id checks (the component is `StoreLike`) and the start-up validation records of
/// string ids; empty when the callback has no `Serverside` value.
pub fn registration(args: &CallbackArgs, checked: &Checked, name: &str) -> TokenStream {
    let mut body = TokenStream::new();
    let mut typed = TokenStream::new();
    for u in uses(args, checked) {
        let property = &u.dep.property;
        match &u.dep.id {
            IdLit::Typed(path) => typed.extend(quote_spanned! {path.span()=>
                __dash::serverside_store(&#path);
            }),
            IdLit::Str(id) => {
                let output = u.output;
                body.extend(quote! {
                    __dash::inventory::submit! {
                        __dash::ServersideUse {
                            callback: #name,
                            file: ::core::file!(),
                            line: ::core::line!(),
                            id: #id,
                            property: #property,
                            output: #output,
                        }
                    }
                });
            }
            IdLit::Dict(..) => {}
        }
    }
    if body.is_empty() && typed.is_empty() {
        return body;
    }
    let runtime_root = crate::errors::runtime(args.krate.as_ref());
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, dead_code, clippy::all)]
        const _: () = {
            use #runtime_root::__private as __dash;
            fn __dash_serverside_checks() {
                #typed
            }
            #body
        };
    }
}
