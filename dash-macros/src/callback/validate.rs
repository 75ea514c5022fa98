//! Checks that need only the attribute and the function signature.

use quote::ToTokens;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use super::parse::{CallbackArgs, Dep, IdLit, IdVal};
use crate::errors::Errors;

/// What the return type is, as far as the macro can tell from its tokens.
pub enum Ret {
    /// `()` or no return type.
    Unit,
    /// A plain value.
    Plain(Type),
    /// `Result<T, E>` (or an alias named `Result`): the `Ok` type.
    Result(Type),
}

/// What expansion needs after the checks passed.
pub struct Checked {
    pub arg_types: Vec<Type>,
    pub ret: Ret,
}

fn check_kind(dep: &Dep, expected: &str, key: &str, errors: &mut Errors) {
    if dep.kind != expected {
        errors.spanned(
            &dep.kind,
            format!("`{key}` takes {expected}(..) dependencies, found `{}`", dep.kind),
        );
    }
}

fn check_ids(dep: &Dep, is_output: bool, errors: &mut Errors) {
    match &dep.id {
        IdLit::Str(s) => {
            let v = s.value();
            if v.is_empty() {
                errors.spanned(s, "component ids must not be empty");
            } else if v.contains('.') || v.contains('{') {
                errors.spanned(
                    s,
                    format!("invalid component id {v:?}: Dash ids may not contain `.` or `{{`"),
                );
            }
        }
        IdLit::Dict(entries, tokens) => {
            if entries.is_empty() {
                errors.spanned(tokens, "a dict id needs at least one key");
            }
            for (i, (key, value)) in entries.iter().enumerate() {
                if entries[..i].iter().any(|(k, _)| k.value() == key.value()) {
                    errors.spanned(key, format!("key {:?} appears twice in this id", key.value()));
                }
                if let (true, IdVal::Wildcard(w)) = (is_output, value) {
                    if w == "ALLSMALLER" {
                        errors.spanned(w, "ALLSMALLER is only allowed in inputs and state, not in outputs");
                    }
                }
            }
        }
    }
    let prop = dep.property.value();
    if prop.is_empty() || prop.contains('.') || prop.contains('@') {
        errors.spanned(
            &dep.property,
            format!("invalid property name {prop:?}: it must be non-empty and contain no `.` or `@`"),
        );
    }
    if is_output {
        if let Some(opt) = &dep.allow_optional {
            errors.spanned(opt, "`allow_optional` applies to Input and State, not Output");
        }
    } else if let Some(dup) = &dep.allow_duplicate {
        errors.spanned(dup, "`allow_duplicate` applies to Output, not Input or State");
    }
}

/// A comparable key of a dependency's id and property.
fn dep_key(dep: &Dep) -> String {
    let id = match &dep.id {
        IdLit::Str(s) => s.value(),
        IdLit::Dict(entries, _) => {
            let mut parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        IdVal::Str(s) => format!("{:?}", s.value()),
                        IdVal::Int(n, neg) => format!("{}{}", if *neg { "-" } else { "" }, n.base10_digits()),
                        IdVal::Bool(b) => b.value.to_string(),
                        IdVal::Wildcard(w) => format!("[{w}]"),
                    };
                    format!("{:?}:{v}", k.value())
                })
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
    };
    format!("{id}.{}", dep.property.value())
}

fn return_kind(output: &ReturnType) -> Ret {
    let ty = match output {
        ReturnType::Default => return Ret::Unit,
        ReturnType::Type(_, ty) => ty.as_ref(),
    };
    if let Type::Tuple(t) = ty {
        if t.elems.is_empty() {
            return Ret::Unit;
        }
    }
    if let Type::Path(p) = ty {
        if let Some(last) = p.path.segments.last() {
            if last.ident == "Result" {
                if let PathArguments::AngleBracketed(args) = &last.arguments {
                    if let Some(GenericArgument::Type(ok)) = args.args.first() {
                        return Ret::Result(ok.clone());
                    }
                }
            }
        }
    }
    Ret::Plain(ty.clone())
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

pub fn check(args: &CallbackArgs, func: &ItemFn, errors: &mut Errors) -> Checked {
    for e in &args.errors {
        errors.push(e.clone());
    }
    let outputs = args.output.as_ref().map(|o| o.deps()).unwrap_or(&[]);
    for dep in outputs {
        check_kind(dep, "Output", "output", errors);
        check_ids(dep, true, errors);
    }
    for dep in &args.inputs {
        check_kind(dep, "Input", "inputs", errors);
        check_ids(dep, false, errors);
    }
    for dep in &args.state {
        check_kind(dep, "State", "state", errors);
        check_ids(dep, false, errors);
    }
    for (i, dep) in outputs.iter().enumerate() {
        if outputs[..i].iter().any(|d| dep_key(d) == dep_key(dep)) {
            errors.spanned(
                &dep.tokens,
                format!("the output `{}` appears twice in this callback", dep_key(dep)),
            );
        }
    }
    let prevent = args.prevent_initial_call.as_ref().is_some_and(|b| b.value);
    for dep in outputs {
        if let Some(dup) = &dep.allow_duplicate {
            if dup.value && !prevent {
                errors.spanned(
                    dup,
                    "`allow_duplicate = true` needs `prevent_initial_call = true`: several callbacks writing one output must not all run on page load",
                );
            }
        }
    }

    let sig = &func.sig;
    if !sig.generics.params.is_empty() {
        errors.spanned(&sig.generics, "a callback cannot be generic: its parameter types decide how inputs are deserialised");
    }
    let mut arg_types = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) => errors.spanned(r, "a callback must be a free function, not a method"),
            FnArg::Typed(t) => {
                if let Type::Reference(r) = t.ty.as_ref() {
                    errors.spanned(r, "callback parameters must be owned types (e.g. `String`, not `&str`): values are deserialised from the request");
                }
                arg_types.push((*t.ty).clone());
            }
        }
    }
    let declared = args.inputs.len() + args.state.len();
    if arg_types.len() != declared {
        let what = format!(
            "this callback has {} parameter{} but declares {} input{} and {} state value{}; parameters receive the inputs, then the state, in order",
            arg_types.len(),
            if arg_types.len() == 1 { "" } else { "s" },
            args.inputs.len(),
            if args.inputs.len() == 1 { "" } else { "s" },
            args.state.len(),
            if args.state.len() == 1 { "" } else { "s" },
        );
        if sig.inputs.is_empty() {
            errors.spanned(&sig.ident, what);
        } else {
            errors.spanned(&sig.inputs, what);
        }
    }

    let ret = return_kind(&sig.output);
    let value_ty = match &ret {
        Ret::Unit => None,
        Ret::Plain(t) | Ret::Result(t) => Some(t),
    };
    match &args.output {
        None => {
            if let Some(t) = value_ty.filter(|t| !is_unit(t)) {
                errors.spanned(
                    t,
                    "a callback without outputs must return `()` (or `Result<(), E>`); use `set_props` to update components",
                );
            }
        }
        Some(out) => {
            let n = out.deps().len();
            match value_ty {
                None => errors.spanned(
                    match &sig.output {
                        ReturnType::Default => sig.ident.to_token_stream(),
                        ReturnType::Type(..) => sig.output.to_token_stream(),
                    },
                    format!("this callback declares {n} output{} but returns nothing", if n == 1 { "" } else { "s" }),
                ),
                Some(Type::Tuple(t)) if matches!(out, super::parse::Outputs::List(..)) && t.elems.len() != n => {
                    errors.spanned(
                        t,
                        format!(
                            "this callback declares {n} output{} but returns a tuple of {} value{}",
                            if n == 1 { "" } else { "s" },
                            t.elems.len(),
                            if t.elems.len() == 1 { "" } else { "s" },
                        ),
                    );
                }
                _ => {}
            }
        }
    }
    Checked { arg_types, ret }
}
