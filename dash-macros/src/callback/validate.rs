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
    /// Parameter types, in the function's order (the progress setter excluded).
    pub arg_types: Vec<Type>,
    /// What each parameter receives, in the function's order.
    pub slots: Vec<Slot>,
    pub ret: Ret,
    /// Set for `background = true`.
    pub background: Option<BackgroundChecked>,
    /// `timeout`, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// `memoize` and `memoize_by`.
    pub memoize: Option<crate::memoize::CallbackMemo>,
}

/// The options of a background callback, checked.
pub struct BackgroundChecked {
    /// The type of the progress setter (the first parameter), when `progress` is given.
    pub progress_param: Option<Type>,
    pub interval: Option<syn::Expr>,
    pub expire: Option<syn::Expr>,
    /// One value per progress output.
    pub progress_default: Option<Vec<syn::Expr>>,
    /// `cache_by` functions; `Some` turns caching on.
    pub cache_by: Option<Vec<syn::Expr>>,
    /// Flat argument indices left out of the cache key.
    pub ignore_args: Vec<usize>,
    pub ignore_triggered: bool,
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
    // Left unset, `prevent_initial_call` follows the app's `prevent_initial_callbacks`: the
    // startup validation checks it then.
    let runs_on_load = args.prevent_initial_call.as_ref().is_some_and(|b| !b.value);
    for dep in outputs {
        if let Some(dup) = &dep.allow_duplicate {
            if dup.value && runs_on_load {
                errors.spanned(
                    dup,
                    "`allow_duplicate = true` needs `prevent_initial_call = true` (or the app's `prevent_initial_callbacks`): several callbacks writing one output must not all run on page load",
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
    let background_on = check_background_keys(args, errors);
    let mut progress_param = None;
    if background_on && args.progress.is_some() {
        if params.is_empty() {
            errors.spanned(
                &sig.ident,
                "with `progress`, the first parameter receives the progress setter: add e.g. `progress: Progress<(u32, u32)>`",
            );
        } else if is_progress_type(&params[0].1) {
            let (_, ty) = params.remove(0);
            check_progress_type(args, &ty, errors);
            progress_param = Some(ty);
        } else {
            check_progress_type(args, &params[0].1, errors);
        }
    }
    // A misplaced progress setter is reported once, not again as a parameter-count problem.
    params.retain(|(_, ty)| {
        if is_progress_type(ty) {
            errors.spanned(
                ty,
                if background_on {
                    "the progress setter must be the first parameter, and needs `progress = [Output(..)]`"
                } else {
                    "a `Progress` parameter needs `background = true` and `progress = [Output(..)]`"
                },
            );
            return false;
        }
        true
    });
    let mut slot_names: Vec<Option<Ident>> = Vec::new();
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
                    slot_names.push(name.clone());
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
        for ((name, ty), (_, slot)) in params.into_iter().zip(declared) {
            arg_types.push(ty);
            slots.push(slot);
            slot_names.push(name);
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
    let background = background_on.then(|| BackgroundChecked {
        progress_param,
        ..check_background(args, &slots, &slot_names, errors)
    });
    let timeout_ms = check_run_options(args, func, background_on, errors);
    let memoize = crate::memoize::check_callback(
        args.memoize.as_ref(),
        args.memoize_by.as_ref(),
        background_on,
        errors,
    );
    Checked {
        arg_types,
        slots,
        ret,
        background,
        timeout_ms,
        memoize,
    }
}

/// `timeout` and `blocking`: options of regular server callbacks. Returns the timeout in
/// milliseconds.
fn check_run_options(
    args: &CallbackArgs,
    func: &ItemFn,
    background_on: bool,
    errors: &mut Errors,
) -> Option<u64> {
    if let (Some(b), Some((key, _))) = (&args.websocket, &args.cancel) {
        if background_on && b.value {
            errors.spanned(key, "`cancel` inputs are not supported with `websocket = true` yet: the page cancels a job it follows over the websocket by going away; drop `websocket` to keep `cancel`");
        }
    }
    if let Some(b) = &args.persistent {
        if background_on && b.value {
            errors.spanned(b, "`persistent` is not an option of background callbacks: use `running` to show what runs");
        }
    }
    if let Some(b) = &args.blocking {
        if background_on {
            errors.spanned(b, "`blocking` is not an option of background callbacks: their jobs already run outside the request");
        } else if func.sig.asyncness.is_some() {
            errors.spanned(b, "`blocking` is for plain `fn` callbacks: an `async fn` callback already runs on the async runtime");
        }
    }
    let lit = args.timeout.as_ref()?;
    if background_on {
        errors.spanned(lit, "`timeout` is not an option of background callbacks: a job runs until it ends or is cancelled (see `cancel`)");
        return None;
    }
    match parse_duration_ms(&lit.value()) {
        Some(0) => {
            errors.spanned(lit, "`timeout` must be above zero");
            None
        }
        Some(ms) => Some(ms),
        None => {
            errors.spanned(
                lit,
                "`timeout` must be a duration such as \"500ms\", \"30s\", \"2m\" or \"1h30m\"",
            );
            None
        }
    }
}

/// `"500ms"`, `"30s"`, `"2m"`, `"1h30m"` in milliseconds; `None` if malformed or too long.
pub fn parse_duration_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match rest[..unit_len].trim() {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total = total.checked_add(n.checked_mul(factor)?)?;
    }
    Some(total)
}

/// The key of an option as the user wrote it, for errors.
fn option<'a>(args: &'a CallbackArgs, key: &str) -> Option<&'a (Ident, syn::Expr)> {
    args.background_options.iter().find(|(k, _)| k == key)
}

/// Options of background callbacks given without `background = true` are errors. Returns
/// whether the callback is a background callback.
fn check_background_keys(args: &CallbackArgs, errors: &mut Errors) -> bool {
    let on = args.background.as_ref().is_some_and(|b| b.value);
    if !on {
        for key in &args.background_keys {
            errors.spanned(
                key,
                format!("`{key}` is an option of background callbacks: add `background = true`"),
            );
        }
        return false;
    }
    if let Some((key, _)) = option(args, "manager") {
        errors.spanned(
            key,
            "per-callback managers are not supported: the app's manager runs every background callback (`Dash::background_manager`, or `REDIS_URL`)",
        );
    }
    for (key, kind, deps) in [
        ("progress", "Output", args.progress.as_ref().map(|(_, d)| d)),
        ("cancel", "Input", args.cancel.as_ref().map(|(_, d)| d)),
    ] {
        for dep in deps.into_iter().flatten() {
            check_kind(dep, &[kind], key, errors);
            check_ids(dep, kind == "Output", errors);
            if let IdLit::Dict(entries, _) = &dep.id {
                for (_, value) in entries {
                    if let IdVal::Wildcard(w) = value {
                        errors.spanned(
                            w,
                            format!("background callbacks take no wildcards in `{key}`: name one component"),
                        );
                    }
                }
            }
            if let (true, Some(dup)) = (kind == "Output", &dep.allow_duplicate) {
                errors.spanned(dup, "progress outputs take no `allow_duplicate`");
            }
        }
    }
    if let Some((key, deps)) = &args.progress {
        if deps.is_empty() {
            errors.spanned(key, "`progress` needs at least one Output(..)");
        }
    }
    true
}

/// The last path segment of a type, if it is a plain path.
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Paren(p) => last_segment(&p.elem),
        Type::Group(g) => last_segment(&g.elem),
        _ => None,
    }
}

fn is_progress_type(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Progress")
}

/// The progress setter is `Progress<T>`; a tuple `T` has one element per progress output.
fn check_progress_type(args: &CallbackArgs, ty: &Type, errors: &mut Errors) {
    let n = args.progress.as_ref().map_or(0, |(_, d)| d.len());
    let Some(segment) = last_segment(ty).filter(|s| s.ident == "Progress") else {
        errors.spanned(
            ty,
            format!(
                "with `progress`, the first parameter is the progress setter: add `progress: Progress<{}>` before the others",
                if n == 1 {
                    "f64".to_owned()
                } else {
                    format!("({})", vec!["u32"; n].join(", "))
                }
            ),
        );
        return;
    };
    let value = match &segment.arguments {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    if let Some(Type::Tuple(t)) = value {
        if n > 1 && t.elems.len() != n {
            errors.spanned(
                t,
                format!(
                    "`progress` declares {n} outputs but the progress setter takes a tuple of {} value{}",
                    t.elems.len(),
                    if t.elems.len() == 1 { "" } else { "s" }
                ),
            );
        }
    }
}

fn int_literal(expr: &syn::Expr) -> Option<u64> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

/// The values of background options (without the progress parameter).
fn check_background(
    args: &CallbackArgs,
    slots: &[Slot],
    slot_names: &[Option<Ident>],
    errors: &mut Errors,
) -> BackgroundChecked {
    let n_progress = args.progress.as_ref().map_or(0, |(_, d)| d.len());
    let mut out = BackgroundChecked {
        progress_param: None,
        interval: None,
        expire: None,
        progress_default: None,
        cache_by: None,
        ignore_args: Vec::new(),
        ignore_triggered: true,
    };
    for (key, value) in &args.background_options {
        match key.to_string().as_str() {
            "interval" => {
                if int_literal(value) == Some(0) {
                    errors.spanned(value, "`interval` is in milliseconds and must be above 0");
                }
                out.interval = Some(value.clone());
            }
            "expire" => out.expire = Some(value.clone()),
            "progress_default" => {
                if args.progress.is_none() {
                    errors.spanned(key, "`progress_default` needs `progress = [Output(..)]`");
                }
                let values: Vec<syn::Expr> = match value {
                    syn::Expr::Array(a) => a.elems.iter().cloned().collect(),
                    other if n_progress == 1 => vec![other.clone()],
                    other => {
                        errors.spanned(other, format!("`progress_default` takes a list of {n_progress} values, one per progress output"));
                        Vec::new()
                    }
                };
                if args.progress.is_some() && !values.is_empty() && values.len() != n_progress {
                    errors.spanned(
                        value,
                        format!(
                            "`progress` and `progress_default` need the same length: {n_progress} output{} but {} value{}",
                            if n_progress == 1 { "" } else { "s" },
                            values.len(),
                            if values.len() == 1 { "" } else { "s" }
                        ),
                    );
                }
                out.progress_default = Some(values);
            }
            "cache_by" => match value {
                syn::Expr::Array(a) => out.cache_by = Some(a.elems.iter().cloned().collect()),
                other => errors.spanned(
                    other,
                    "`cache_by` takes a list of functions whose values join the cache key, e.g. `[app_version]` (`[]` to cache on the arguments alone)",
                ),
            },
            "cache_ignore_triggered" => match value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. }) => {
                    out.ignore_triggered = b.value;
                }
                other => errors.spanned(other, "`cache_ignore_triggered` takes `true` or `false`"),
            },
            "cache_args_to_ignore" => {
                let items: Vec<&syn::Expr> = match value {
                    syn::Expr::Array(a) => a.elems.iter().collect(),
                    other => vec![other],
                };
                for item in items {
                    let slot = match item {
                        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) => i
                            .base10_parse::<usize>()
                            .ok()
                            .and_then(|i| slots.get(i)),
                        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. }) => slot_names
                            .iter()
                            .position(|n| n.as_ref().is_some_and(|n| *n == name.value()))
                            .and_then(|i| slots.get(i)),
                        _ => {
                            errors.spanned(item, "`cache_args_to_ignore` takes parameter positions (`0`) or names (`\"n_clicks\"`)");
                            continue;
                        }
                    };
                    match slot {
                        Some(slot) => out.ignore_args.extend(slot.indices.iter().copied()),
                        None => errors.spanned(
                            item,
                            format!(
                                "no parameter {} receives an input or state value (the progress setter does not count)",
                                item.to_token_stream()
                            ),
                        ),
                    }
                }
            }
            _ => {}
        }
    }
    if out.cache_by.is_none() {
        for key in ["cache_args_to_ignore", "cache_ignore_triggered"] {
            if let Some((k, _)) = option(args, key) {
                errors.spanned(k, format!("`{key}` needs `cache_by = [..]`"));
            }
        }
    }
    out
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
    if let Some(b) = &args.background {
        errors.spanned(
            b,
            "clientside callbacks run in the browser: they cannot be background callbacks",
        );
    }
    if let Some(path) = &args.on_error {
        errors.spanned(path, "`on_error` is for server callbacks; a clientside callback handles its errors in JavaScript");
    }
    if let Some(lit) = &args.timeout {
        errors.spanned(
            lit,
            "`timeout` is for server callbacks; a clientside callback runs in the browser",
        );
    }
    if let Some(b) = &args.blocking {
        errors.spanned(
            b,
            "`blocking` is for server callbacks; a clientside callback runs in the browser",
        );
    }
    if let Some(b) = &args.websocket {
        errors.spanned(
            b,
            "`websocket` is for server callbacks; a clientside callback runs in the browser",
        );
    }
    if let Some(b) = &args.persistent {
        errors.spanned(
            b,
            "`persistent` is for server callbacks; a clientside callback runs in the browser",
        );
    }
    if let Some(b) = &args.mcp {
        errors.spanned(
            b,
            "`mcp` is for server callbacks: the MCP server cannot run a clientside callback",
        );
    }
    crate::memoize::check_clientside(args.memoize.as_ref(), args.memoize_by.as_ref(), errors);
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

#[cfg(test)]
mod tests {
    use super::parse_duration_ms;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("500ms"), Some(500));
        assert_eq!(parse_duration_ms("30s"), Some(30_000));
        assert_eq!(parse_duration_ms("2m"), Some(120_000));
        assert_eq!(parse_duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration_ms(" 0s "), Some(0));
        for bad in [
            "",
            "30",
            "s",
            "1.5s",
            "10 sec",
            "-1s",
            "99999999999999999999h",
        ] {
            assert_eq!(parse_duration_ms(bad), None, "{bad}");
        }
    }
}
