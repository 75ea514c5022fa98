//! Checks that need only the attribute and the function signature.

use quote::ToTokens;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use proc_macro2::Ident;

use super::parse::{ArgGroup, CallbackArgs, Dep, IdLit, IdVal, Outputs};
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

/// The arguments one parameter receives.
pub struct Slot {
    /// Flat argument indices (inputs first, then state).
    pub indices: Vec<usize>,
    /// Field names for a named group (the parameter is a struct).
    pub names: Option<Vec<String>>,
    /// A single dependency (not a group).
    pub single: bool,
}

/// What expansion needs after the checks passed.
pub struct Checked {
    /// Parameter types, in the function's order.
    pub arg_types: Vec<Type>,
    /// What each parameter receives, in the function's order.
    pub slots: Vec<Slot>,
    pub ret: Ret,
}

impl Checked {
    /// The type of the parameter that receives flat argument `index` on its own, if any.
    pub fn param_type_of(&self, index: usize) -> Option<&Type> {
        self.slots
            .iter()
            .position(|s| s.single && s.indices == [index])
            .and_then(|p| self.arg_types.get(p))
    }
}

/// The parameter slots of the inputs and state, in declaration order, with their names.
fn declared_slots(args: &CallbackArgs) -> Vec<(Option<Ident>, Slot)> {
    let mut out = Vec::new();
    let mut flat = 0usize;
    for grouping in [&args.input_groups, &args.state_groups] {
        for (name, group) in &grouping.groups {
            let n = group.deps().len();
            let indices: Vec<usize> = (flat..flat + n).collect();
            flat += n;
            if group.is_trigger() {
                continue;
            }
            let slot = match group {
                ArgGroup::Single(_) => Slot {
                    indices,
                    names: None,
                    single: true,
                },
                ArgGroup::Tuple(_) => Slot {
                    indices,
                    names: None,
                    single: false,
                },
                ArgGroup::Named(named) => Slot {
                    indices,
                    names: Some(named.iter().map(|(n, _)| n.to_string()).collect()),
                    single: false,
                },
            };
            out.push((name.clone(), slot));
        }
    }
    out
}

fn check_kind(dep: &Dep, expected: &[&str], key: &str, errors: &mut Errors) {
    if !expected.iter().any(|e| dep.kind == e) {
        errors.spanned(
            &dep.kind,
            format!(
                "`{key}` takes {}(..) dependencies, found `{}`",
                expected.join("(..) or "),
                dep.kind
            ),
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
                    errors.spanned(
                        key,
                        format!("key {:?} appears twice in this id", key.value()),
                    );
                }
                if let (true, IdVal::Wildcard(w)) = (is_output, value) {
                    if w == "ALLSMALLER" {
                        errors.spanned(
                            w,
                            "ALLSMALLER is only allowed in inputs and state, not in outputs",
                        );
                    }
                }
            }
        }
        IdLit::Typed(_) => {}
    }
    let prop = dep.property.value();
    if prop.is_empty() || prop.contains('.') || prop.contains('@') {
        errors.spanned(
            &dep.property,
            format!(
                "invalid property name {prop:?}: it must be non-empty and contain no `.` or `@`"
            ),
        );
    }
    if is_output {
        if let Some(opt) = &dep.allow_optional {
            errors.spanned(
                opt,
                "`allow_optional` applies to Input and State, not Output",
            );
        }
    } else if let Some(dup) = &dep.allow_duplicate {
        errors.spanned(
            dup,
            "`allow_duplicate` applies to Output, not Input or State",
        );
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
                        IdVal::Int(n, neg) => {
                            format!("{}{}", if *neg { "-" } else { "" }, n.base10_digits())
                        }
                        IdVal::Bool(b) => b.value.to_string(),
                        IdVal::Wildcard(w) => format!("[{w}]"),
                    };
                    format!("{:?}:{v}", k.value())
                })
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
        IdLit::Typed(path) => quote::ToTokens::to_token_stream(path).to_string(),
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

/// Checks of the dependencies alone (shared by server and clientside callbacks).
pub fn check_dependencies(args: &CallbackArgs, errors: &mut Errors) {
    for e in &args.errors {
        errors.push(e.clone());
    }
    let outputs = args.output.as_ref().map(|o| o.deps()).unwrap_or(&[]);
    for dep in outputs {
        check_kind(dep, &["Output"], "output", errors);
        check_ids(dep, true, errors);
    }
    for (_, group) in &args.input_groups.groups {
        let nested = !matches!(group, ArgGroup::Single(_));
        for dep in group.deps() {
            check_kind(dep, &["Input", "Trigger"], "inputs", errors);
            if nested && dep.kind == "Trigger" {
                errors.spanned(
                    &dep.kind,
                    "a Trigger passes no value, so it cannot be part of a group",
                );
            }
            check_ids(dep, false, errors);
        }
    }
    for dep in &args.state {
        check_kind(dep, &["State"], "state", errors);
        check_ids(dep, false, errors);
    }
    for (dep, _, _) in &args.running {
        check_kind(dep, &["Output"], "running", errors);
        check_ids(dep, true, errors);
    }
    for (i, dep) in outputs.iter().enumerate() {
        if outputs[..i].iter().any(|d| dep_key(d) == dep_key(dep)) {
            errors.spanned(
                &dep.tokens,
                format!(
                    "the output `{}` appears twice in this callback",
                    dep_key(dep)
                ),
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
}

/// The `#[callback]` checks: dependencies, then the function against them.
pub fn check(args: &CallbackArgs, func: &ItemFn, errors: &mut Errors) -> Checked {
    check_dependencies(args, errors);
    for (key, lit) in [
        ("js", &args.js),
        ("namespace", &args.namespace),
        ("function", &args.function),
    ] {
        if let Some(lit) = lit {
            errors.spanned(
                lit,
                format!("`{key}` is for clientside callbacks: use `clientside_callback!`"),
            );
        }
    }
    let sig = &func.sig;
    if !sig.generics.params.is_empty() {
        errors.spanned(
            &sig.generics,
            "a callback cannot be generic: its parameter types decide how inputs are deserialised",
        );
    }
    let mut params: Vec<(Option<Ident>, Type)> = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) => {
                errors.spanned(r, "a callback must be a free function, not a method")
            }
            FnArg::Typed(t) => {
                if let Type::Reference(r) = t.ty.as_ref() {
                    errors.spanned(r, "callback parameters must be owned types (e.g. `String`, not `&str`): values are deserialised from the request");
                }
                let name = match t.pat.as_ref() {
                    syn::Pat::Ident(p) => Some(p.ident.clone()),
                    _ => None,
                };
                params.push((name, (*t.ty).clone()));
            }
        }
    }
    let declared = declared_slots(args);
    let named = args.input_groups.named || args.state_groups.named;
    let mixed = named
        && [&args.input_groups, &args.state_groups]
            .iter()
            .any(|g| !g.named && !g.groups.is_empty());
    let mut arg_types = Vec::new();
    let mut slots = Vec::new();
    if mixed {
        errors.spanned(
            &sig.ident,
            "name both the inputs and the state (`{name: Input(..)}`), or neither",
        );
    } else if named {
        let mut remaining: Vec<(Option<Ident>, Slot)> = declared;
        for (name, ty) in &params {
            let found = name
                .as_ref()
                .and_then(|n| remaining.iter().position(|(k, _)| k.as_ref() == Some(n)));
            match found {
                Some(i) => {
                    let (_, slot) = remaining.remove(i);
                    arg_types.push(ty.clone());
                    slots.push(slot);
                }
                None => errors.spanned(
                    ty,
                    format!(
                        "parameter `{}` matches no named input or state (named: {})",
                        name.as_ref()
                            .map_or_else(|| "_".to_owned(), ToString::to_string),
                        declared_names(args).join(", ")
                    ),
                ),
            }
        }
        for (name, _) in remaining {
            if let Some(name) = name {
                errors.spanned(&name, format!("`{name}` has no parameter of the same name"));
            }
        }
    } else {
        let n_slots = declared.len();
        if params.len() != n_slots {
            let what = format!(
                "this callback has {} parameter{} but declares {} input{} and {} state value{}{}; parameters receive the inputs, then the state, in order",
                params.len(),
                if params.len() == 1 { "" } else { "s" },
                args.input_groups.groups.iter().filter(|(_, g)| !g.is_trigger()).count(),
                if args.input_groups.groups.len() == 1 { "" } else { "s" },
                args.state_groups.groups.len(),
                if args.state_groups.groups.len() == 1 { "" } else { "s" },
                if args.input_groups.groups.iter().any(|(_, g)| g.is_trigger()) { " (triggers pass no value)" } else { "" },
            );
            if sig.inputs.is_empty() {
                errors.spanned(&sig.ident, what);
            } else {
                errors.spanned(&sig.inputs, what);
            }
        }
        for ((_, ty), (_, slot)) in params.into_iter().zip(declared) {
            arg_types.push(ty);
            slots.push(slot);
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
                    format!(
                        "this callback declares {n} output{} but returns nothing",
                        if n == 1 { "" } else { "s" }
                    ),
                ),
                Some(Type::Tuple(t)) if matches!(out, Outputs::List(..)) && t.elems.len() != n => {
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
    if let Some(Outputs::Named(..)) = &args.output {
        if let Some(Type::Tuple(t)) = value_ty {
            errors.spanned(t, "named outputs (`output = {name: Output(..)}`) need a struct with those fields, not a tuple");
        }
    }
    Checked {
        arg_types,
        slots,
        ret,
    }
}

fn declared_names(args: &CallbackArgs) -> Vec<String> {
    [&args.input_groups, &args.state_groups]
        .iter()
        .flat_map(|g| {
            g.groups
                .iter()
                .filter_map(|(n, _)| n.as_ref().map(ToString::to_string))
        })
        .collect()
}

/// The checks of `clientside_callback!` beyond the dependencies.
pub fn check_clientside(args: &CallbackArgs, errors: &mut Errors) {
    if let Some(path) = &args.on_error {
        errors.spanned(path, "`on_error` is for server callbacks; a clientside callback handles its errors in JavaScript");
    }
    for (_, group) in [&args.input_groups, &args.state_groups]
        .iter()
        .flat_map(|g| &g.groups)
    {
        if !matches!(group, ArgGroup::Single(_)) {
            errors.spanned(
                &group.deps()[0].tokens,
                "clientside callbacks receive their values positionally: groups are not supported",
            );
        }
    }
    if args.input_groups.named || args.state_groups.named {
        errors.at(
            proc_macro2::Span::call_site(),
            "clientside callbacks receive their values positionally: name no inputs or state",
        );
    }
    match (&args.js, &args.namespace, &args.function) {
        (Some(js), ns, f) => {
            for lit in [ns, f].into_iter().flatten() {
                errors.spanned(lit, "give either `js = \"...\"` or `namespace` and `function`, not both");
            }
            if js.value().trim().is_empty() {
                errors.spanned(js, "the clientside function's source is empty");
            }
        }
        (None, Some(ns), Some(f)) => {
            if ns.value().starts_with("_dashprivate_") {
                errors.spanned(ns, "namespaces starting with `_dashprivate_` are reserved by Dash");
            }
            if matches!(f.value().as_str(), "PreventUpdate" | "no_update") {
                errors.spanned(f, "`PreventUpdate` and `no_update` are reserved names in `dash_clientside`");
            }
            if ns.value().is_empty() || f.value().is_empty() {
                errors.spanned(ns, "`namespace` and `function` must not be empty");
            }
        }
        (None, Some(ns), None) => errors.spanned(ns, "a namespaced clientside callback also needs `function = \"name\"`"),
        (None, None, Some(f)) => errors.spanned(f, "a namespaced clientside callback also needs `namespace = \"name\"`"),
        (None, None, None) => errors.at(
            proc_macro2::Span::call_site(),
            "clientside_callback! needs its JavaScript: `js = \"function(..) {..}\"`, or `namespace = \"..\", function = \"..\"` for a function defined in an assets file",
        ),
    }
}
