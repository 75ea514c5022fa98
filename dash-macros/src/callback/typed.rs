//! Compile-time checks of typed ids (`TypedId<Component>` constants in dependencies).
//!
//! For each dependency whose id is a path, the expansion reads the property's field of the
//! component's property table (so an unknown property is rustc's "no field" error at the
//! property literal) and calls `input_fits::<Param>()` or `output_fits::<Value>()` on it (so a
//! type the property's kind does not accept is an unsatisfied bound at the user's type). The
//! checks live in a function that is never called: they cost nothing at run time.

use std::collections::HashMap;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{LitStr, Type};

use super::parse::{CallbackArgs, Dep, IdLit, Outputs};
use super::validate::{Checked, Ret};

/// Keywords that must be written as raw identifiers to name a field (all editions).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Names that cannot be fields even as raw identifiers.
const NOT_RAW: &[&str] = &["_", "self", "Self", "super", "crate"];

/// The checks for every typed-id dependency of a callback; empty when there is none.
pub fn checks(args: &CallbackArgs, checked: &Checked) -> TokenStream {
    let grouped = grouped_types(checked);
    let mut body = TokenStream::new();
    for (index, dep) in args.inputs.iter().chain(&args.state).enumerate() {
        let ty = checked
            .param_type_of(index)
            .or_else(|| grouped.get(&index).copied())
            .filter(|_| dep.kind != "Trigger");
        body.extend(dep_check(dep, ty.map(|t| (t, Direction::Input))));
    }
    if let Some(outputs) = &args.output {
        let types = output_types(outputs, &checked.ret);
        for (i, dep) in outputs.deps().iter().enumerate() {
            let ty = types.get(i).copied().flatten();
            body.extend(dep_check(dep, ty.map(|t| (t, Direction::Output))));
        }
    }
    for (dep, _, _) in &args.running {
        body.extend(dep_check(dep, None));
    }
    if body.is_empty() {
        return body;
    }
    let runtime_root = crate::errors::runtime(args.krate.as_ref());
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, dead_code, clippy::all)]
        const _: () = {
            use #runtime_root::__private as __dash;
            fn __dash_typed_id_checks() {
                #body
            }
        };
    }
}

#[derive(Clone, Copy)]
enum Direction {
    Input,
    Output,
}

/// The types receiving the flat argument indices (inputs, then state) of tuple groups, where
/// the parameter is written as a tuple of as many elements.
pub(super) fn grouped_types(checked: &Checked) -> HashMap<usize, &Type> {
    let mut out = HashMap::new();
    for (slot, ty) in checked.slots.iter().zip(&checked.arg_types) {
        if !slot.single && slot.names.is_none() {
            if let Type::Tuple(tuple) = peel(ty) {
                if tuple.elems.len() == slot.indices.len() {
                    out.extend(slot.indices.iter().copied().zip(tuple.elems.iter()));
                }
            }
        }
    }
    out
}

/// The value type sent to each output, where the return type's tokens tell.
pub(super) fn output_types<'a>(outputs: &Outputs, ret: &'a Ret) -> Vec<Option<&'a Type>> {
    let value = match ret {
        Ret::Unit => None,
        Ret::Plain(t) | Ret::Result(t) => Some(peel(t)),
    };
    match (outputs, value) {
        (Outputs::Single(_), Some(ty)) => vec![Some(ty)],
        (Outputs::List(deps), Some(Type::Tuple(tuple))) if tuple.elems.len() == deps.len() => {
            tuple.elems.iter().map(Some).collect()
        }
        _ => Vec::new(),
    }
}

/// A type without surrounding parentheses or invisible groups.
fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Paren(p) => peel(&p.elem),
        Type::Group(g) => peel(&g.elem),
        other => other,
    }
}

/// Whether a type can be written as a turbofish argument in the check (`impl Trait` and `_`
/// cannot).
fn nameable(ty: &Type) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        tokens.into_iter().all(|tt| match tt {
            TokenTree::Ident(i) => i != "impl" && i != "_",
            TokenTree::Group(g) => walk(g.stream()),
            _ => true,
        })
    }
    walk(ty.to_token_stream())
}

fn dep_check(dep: &Dep, ty: Option<(&Type, Direction)>) -> TokenStream {
    let IdLit::Typed(path) = &dep.id else {
        return TokenStream::new();
    };
    let property = &dep.property;
    let Some(field) = field_ident(&property.value(), property.span()) else {
        return unlisted_check(path, property);
    };
    let access = quote_spanned! {property.span()=> __dash::prop_table(&#path).#field };
    match ty.filter(|(t, _)| nameable(t)) {
        None => quote! { let _ = #access; },
        Some((ty, direction)) => {
            let method = match direction {
                Direction::Input => Ident::new("input_fits", property.span()),
                Direction::Output => Ident::new("output_fits", property.span()),
            };
            quote_spanned! {ty.span()=> #access.#method::<#ty>(); }
        }
    }
}

/// A property name that cannot be a field (`data-row`): a compile-time assertion that the
/// component declares it or accepts it under a wildcard prefix.
fn unlisted_check(path: &syn::Path, property: &LitStr) -> TokenStream {
    let name = property.value();
    let message = format!(
        "the component of `{}` has no property `{name}` (nor a `data-*` or `aria-*` wildcard that takes it)",
        path.to_token_stream().to_string().replace(' ', "")
    )
    .replace('{', "{{")
    .replace('}', "}}");
    let message = LitStr::new(&message, property.span());
    quote_spanned! {property.span()=>
        const _: () = if !__dash::accepts_property(&#path, #property) {
            ::core::panic!(#message)
        };
    }
}

/// The property table field named `name`, spanned at the property literal; `None` when the
/// name is not a Rust identifier (the generator gives such props no field).
fn field_ident(name: &str, span: Span) -> Option<Ident> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') || NOT_RAW.contains(&name)
    {
        return None;
    }
    Some(if KEYWORDS.contains(&name) {
        Ident::new_raw(name, span)
    } else {
        Ident::new(name, span)
    })
}
