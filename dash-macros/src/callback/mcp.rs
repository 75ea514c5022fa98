//! What the app's MCP server says about a callback: the doc comment as its description and one
//! parameter per input and state, typed by the Rust parameter that receives it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, Pat, Type};

use super::parse::{CallbackArgs, Dep, IdLit};
use super::validate::Checked;

/// The doc comment of an item, its lines joined as written (one leading space dropped).
pub fn doc_text(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).to_owned())
        .collect();
    lines.join("\n").trim().to_owned()
}

/// The name of a parameter pattern (`_`-prefixes dropped), if it is a plain binding.
pub fn param_name(arg: &FnArg) -> Option<String> {
    let FnArg::Typed(typed) = arg else {
        return None;
    };
    match &*typed.pat {
        Pat::Ident(p) => {
            let name = p.ident.to_string();
            let trimmed = name.trim_start_matches('_');
            Some(if trimmed.is_empty() {
                name
            } else {
                trimmed.to_owned()
            })
        }
        _ => None,
    }
}

/// A function returning the JSON schema of `ty`: derived with `schemars` when the type
/// implements `JsonSchema`, otherwise `{}` (any value).
pub fn schema_fn(ident: &syn::Ident, ty: &Type) -> TokenStream {
    quote_spanned! {ty.span()=>
        fn #ident() -> __dash::Value {
            #[allow(unused_imports)]
            use __dash::{McpSchemaAny as _, McpSchemaDerived as _};
            (&__dash::McpSchemaProbe::<#ty>::new()).mcp_schema()
        }
    }
}

/// `__dash::McpParam { .. }` entries need functions; this is the "any value" one.
fn any_schema_fn(ident: &syn::Ident) -> TokenStream {
    quote! {
        fn #ident() -> __dash::Value {
            __dash::McpSchemaProbe::<__dash::Value>::any()
        }
    }
}

/// A short name for a dependency's component: its string id, `_`-separated.
fn dep_label(dep: &Dep, index: usize) -> String {
    let id = match &dep.id {
        IdLit::Str(s) => s.value(),
        IdLit::Dict(entries, _) => entries
            .iter()
            .map(|(k, _)| k.value())
            .collect::<Vec<_>>()
            .join("_"),
        IdLit::Typed(path) => path
            .segments
            .last()
            .map(|s| s.ident.to_string().to_lowercase())
            .unwrap_or_else(|| format!("param_{index}")),
    };
    let clean: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{}__{}", clean, dep.property.value())
}

/// The functions and the `McpInfo` expression of a server callback.
pub fn info(args: &CallbackArgs, func: &ItemFn, checked: &Checked) -> (TokenStream, TokenStream) {
    let enabled = args.mcp.as_ref().is_none_or(|b| b.value);
    let description = doc_text(&func.attrs);
    let skip = usize::from(
        checked
            .background
            .as_ref()
            .is_some_and(|bg| bg.progress_param.is_some()),
    );
    let names: Vec<Option<String>> = func.sig.inputs.iter().skip(skip).map(param_name).collect();
    let deps: Vec<&Dep> = args.inputs.iter().chain(args.state.iter()).collect();
    let mut fns = Vec::new();
    let mut params = Vec::new();
    for (i, dep) in deps.iter().enumerate() {
        let f = format_ident!("__dash_mcp_schema_{}", i);
        let owner = checked
            .slots
            .iter()
            .position(|slot| slot.indices.contains(&i));
        let name = match owner {
            Some(p) => {
                let base = names
                    .get(p)
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| format!("param_{p}"));
                if checked.slots[p].single {
                    fns.push(schema_fn(&f, &checked.arg_types[p]));
                    base
                } else {
                    fns.push(any_schema_fn(&f));
                    format!("{base}_{}", dep_label(dep, i))
                }
            }
            // A trigger-only dependency: no parameter receives its value.
            None => {
                fns.push(any_schema_fn(&f));
                dep_label(dep, i)
            }
        };
        params.push(quote! { __dash::McpParam { name: #name, schema: #f } });
    }
    let info = quote! {
        __dash::McpInfo {
            enabled: #enabled,
            description: #description,
            params: &[#(#params),*],
        }
    };
    (quote! { #(#fns)* }, info)
}
