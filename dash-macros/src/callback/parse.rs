//! Parsing the `#[callback(...)]` attribute into plain data.

use proc_macro2::{Delimiter, Group, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{braced, Ident, LitBool, LitInt, LitStr, Token};

/// The keys `#[callback]` understands.
pub const KEYS: &[&str] = &[
    "output",
    "inputs",
    "state",
    "prevent_initial_call",
    "running",
    "on_error",
    "timeout",
    "blocking",
    "background",
    "memoize",
    "memoize_by",
    "websocket",
    "persistent",
    "mcp",
    "app",
    "crate",
];

/// Options that only apply to background callbacks.
pub const BACKGROUND_KEYS: &[&str] = &[
    "progress",
    "progress_default",
    "cancel",
    "interval",
    "cache_by",
    "cache_args_to_ignore",
    "cache_ignore_triggered",
    "expire",
    "manager",
];

/// The parsed attribute.
pub struct CallbackArgs {
    pub output: Option<Outputs>,
    /// Every input dependency, flattened in declaration order (triggers included).
    pub inputs: Vec<Dep>,
    /// Every state dependency, flattened in declaration order.
    pub state: Vec<Dep>,
    /// How the inputs map to parameters.
    pub input_groups: Grouping,
    /// How the state maps to parameters.
    pub state_groups: Grouping,
    pub prevent_initial_call: Option<LitBool>,
    /// `running = [(Output(..), while_running, after), ..]`.
    pub running: Vec<(Dep, syn::Expr, syn::Expr)>,
    /// `on_error = handler`.
    pub on_error: Option<syn::Path>,
    /// `timeout = "30s"`.
    pub timeout: Option<LitStr>,
    /// `blocking = false`.
    pub blocking: Option<LitBool>,
    /// `background = true`.
    pub background: Option<LitBool>,
    /// `memoize = "10m"`.
    pub memoize: Option<LitStr>,
    /// `websocket = true`.
    pub websocket: Option<LitBool>,
    /// `persistent = true`.
    pub persistent: Option<LitBool>,
    /// `mcp = false`: not offered as a tool by the app's MCP server.
    pub mcp: Option<LitBool>,
    /// `app = "admin"`: the named app the callback belongs to.
    pub app: Option<LitStr>,
    /// `crate = "path::to::dash_runtime"`: where the expansion finds the runtime.
    pub krate: Option<syn::Path>,
    /// `memoize_by = ["session", "header:x-tenant", ..]` (the key and its value).
    pub memoize_by: Option<(Ident, syn::Expr)>,
    /// Background-only options given as expressions (key and value tokens): every key of
    /// [`BACKGROUND_KEYS`] except `progress` and `cancel`.
    pub background_options: Vec<(Ident, syn::Expr)>,
    /// `progress = Output(..)` or `progress = [Output(..), ..]`.
    pub progress: Option<(Ident, Vec<Dep>)>,
    /// `cancel = Input(..)` or `cancel = [Input(..), ..]`.
    pub cancel: Option<(Ident, Vec<Dep>)>,
    /// Every background-only key, in the order given.
    pub background_keys: Vec<Ident>,
    /// Clientside only: `js = "function(..) {..}"`.
    pub js: Option<LitStr>,
    /// Clientside only: `namespace = ".."`.
    pub namespace: Option<LitStr>,
    /// Clientside only: `function = ".."`.
    pub function: Option<LitStr>,
    /// Problems that did not stop parsing (unknown or repeated keys, wrong kinds).
    pub errors: Vec<syn::Error>,
}

/// `output = Output(..)`, `output = [Output(..), ..]` or `output = {name: Output(..), ..}`.
pub enum Outputs {
    Single(Dep),
    List(Vec<Dep>),
    Named(Vec<(Ident, Dep)>, Vec<Dep>),
}

impl Outputs {
    pub fn deps(&self) -> &[Dep] {
        match self {
            Outputs::Single(d) => std::slice::from_ref(d),
            Outputs::List(deps) | Outputs::Named(_, deps) => deps,
        }
    }

    /// Whether the outputs form a list or dict (the callback returns several values).
    pub fn is_multi(&self) -> bool {
        !matches!(self, Outputs::Single(_))
    }
}

/// How a list of inputs (or state) maps to parameters.
#[derive(Default)]
pub struct Grouping {
    /// `{name: ..}`: parameters are matched by name.
    pub named: bool,
    /// One entry per parameter (triggers have no parameter but are listed, with `Single`).
    pub groups: Vec<(Option<Ident>, ArgGroup)>,
}

/// What one parameter receives.
pub enum ArgGroup {
    /// One dependency.
    Single(Dep),
    /// `(Input(..), Input(..))`: a tuple of values.
    Tuple(Vec<Dep>),
    /// `{a: Input(..), b: Input(..)}`: an object of values (a struct parameter).
    Named(Vec<(Ident, Dep)>),
}

impl ArgGroup {
    pub fn deps(&self) -> Vec<&Dep> {
        match self {
            ArgGroup::Single(d) => vec![d],
            ArgGroup::Tuple(ds) => ds.iter().collect(),
            ArgGroup::Named(ds) => ds.iter().map(|(_, d)| d).collect(),
        }
    }

    /// A `Trigger(..)`: the input fires the callback but passes no value.
    pub fn is_trigger(&self) -> bool {
        matches!(self, ArgGroup::Single(d) if d.kind == "Trigger")
    }
}

/// One `Output(..)`, `Input(..)`, `Trigger(..)` or `State(..)`.
#[derive(Clone)]
pub struct Dep {
    pub kind: Ident,
    pub id: IdLit,
    pub property: LitStr,
    pub allow_duplicate: Option<LitBool>,
    pub allow_optional: Option<LitBool>,
    pub tokens: TokenStream,
}

/// A component id as written: a string, a dict of key/value pairs, or a typed id constant.
#[derive(Clone)]
pub enum IdLit {
    Str(LitStr),
    Dict(Vec<(LitStr, IdVal)>, TokenStream),
    /// A path to a `TypedId<Component>` constant: its property names and value types are
    /// checked at compile time.
    Typed(syn::Path),
}

/// A value inside a dict id.
#[derive(Clone)]
pub enum IdVal {
    Str(LitStr),
    Int(LitInt, bool),
    Bool(LitBool),
    Wildcard(Ident),
}

fn parse_id(input: ParseStream) -> syn::Result<IdLit> {
    if input.peek(LitStr) {
        return Ok(IdLit::Str(input.parse()?));
    }
    if input.peek(syn::token::Brace) {
        let content;
        let brace = braced!(content in input);
        let mut entries = Vec::new();
        while !content.is_empty() {
            let key: LitStr = content.parse().map_err(|e| {
                syn::Error::new(e.span(), "dict id keys must be string literals, e.g. {\"type\": \"item\", \"index\": MATCH}")
            })?;
            content.parse::<Token![:]>()?;
            let value = if content.peek(LitStr) {
                IdVal::Str(content.parse()?)
            } else if content.peek(LitBool) {
                IdVal::Bool(content.parse()?)
            } else if content.peek(Token![-]) {
                content.parse::<Token![-]>()?;
                IdVal::Int(content.parse()?, true)
            } else if content.peek(LitInt) {
                IdVal::Int(content.parse()?, false)
            } else if content.peek(Ident) {
                let ident: Ident = content.parse()?;
                if !matches!(ident.to_string().as_str(), "MATCH" | "ALL" | "ALLSMALLER") {
                    return Err(syn::Error::new_spanned(
                        &ident,
                        "a dict id value must be a string, an integer, a bool, or one of the wildcards MATCH, ALL, ALLSMALLER",
                    ));
                }
                IdVal::Wildcard(ident)
            } else {
                return Err(content.error(
                    "a dict id value must be a string, an integer, a bool, or one of the wildcards MATCH, ALL, ALLSMALLER",
                ));
            };
            entries.push((key, value));
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        let mut tokens = TokenStream::new();
        brace.surround(&mut tokens, |_| {});
        return Ok(IdLit::Dict(entries, tokens));
    }
    if input.peek(Ident)
        || input.peek(Token![::])
        || input.peek(Token![crate])
        || input.peek(Token![self])
        || input.peek(Token![super])
    {
        return Ok(IdLit::Typed(input.parse()?));
    }
    Err(input.error("expected a component id: a string literal such as \"my-id\", a dict such as {\"type\": \"item\", \"index\": MATCH}, or a typed id constant"))
}

impl Parse for Dep {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let kind: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a dependency such as Input(\"id\", \"property\")",
            )
        })?;
        let group: Group = input.parse()?;
        if group.delimiter() != Delimiter::Parenthesis {
            return Err(syn::Error::new_spanned(
                &group,
                "expected `(id, property)` after the dependency kind",
            ));
        }
        let tokens = quote::quote!(#kind #group);
        let parser = |content: ParseStream| -> syn::Result<Dep> {
            let id = parse_id(content)?;
            content.parse::<Token![,]>()?;
            let property: LitStr = content.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected the property name as a string literal, e.g. \"value\"",
                )
            })?;
            let mut allow_duplicate = None;
            let mut allow_optional = None;
            while content.peek(Token![,]) {
                content.parse::<Token![,]>()?;
                if content.is_empty() {
                    break;
                }
                let key: Ident = content.parse()?;
                content.parse::<Token![=]>()?;
                let value: LitBool = content.parse()?;
                match key.to_string().as_str() {
                    "allow_duplicate" => allow_duplicate = Some(value),
                    "allow_optional" => allow_optional = Some(value),
                    other => {
                        return Err(syn::Error::new_spanned(
                            &key,
                            format!("unknown dependency option `{other}`; expected `allow_duplicate` (outputs) or `allow_optional` (inputs and state)"),
                        ))
                    }
                }
            }
            if !content.is_empty() {
                return Err(content.error("unexpected tokens in dependency"));
            }
            Ok(Dep {
                kind: kind.clone(),
                id,
                property,
                allow_duplicate,
                allow_optional,
                tokens: tokens.clone(),
            })
        };
        parser.parse2(group.stream())
    }
}

fn parse_dep_list(input: ParseStream) -> syn::Result<Vec<Dep>> {
    let group: Group = input.parse()?;
    let deps = Punctuated::<Dep, Token![,]>::parse_terminated.parse2(group.stream())?;
    Ok(deps.into_iter().collect())
}

/// `{name: Dep, ..}`.
fn parse_named_deps(input: ParseStream) -> syn::Result<Vec<(Ident, Dep)>> {
    let content;
    braced!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        let name: Ident = content.parse()?;
        content.parse::<Token![:]>()?;
        out.push((name, content.parse()?));
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

/// One element of an inputs/state list: a dependency, a `(..)` tuple group or a `{..}` named group.
fn parse_arg_group(input: ParseStream) -> syn::Result<ArgGroup> {
    if input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        let deps = Punctuated::<Dep, Token![,]>::parse_terminated(&content)?;
        return Ok(ArgGroup::Tuple(deps.into_iter().collect()));
    }
    if input.peek(syn::token::Brace) {
        return Ok(ArgGroup::Named(parse_named_deps(input)?));
    }
    Ok(ArgGroup::Single(input.parse()?))
}

/// `inputs = Dep`, `inputs = [group, ..]` or `inputs = {name: group, ..}`.
fn parse_grouping(input: ParseStream) -> syn::Result<Grouping> {
    if input.peek(syn::token::Bracket) {
        let content;
        syn::bracketed!(content in input);
        let groups =
            Punctuated::<ArgGroup, Token![,]>::parse_terminated_with(&content, parse_arg_group)?;
        return Ok(Grouping {
            named: false,
            groups: groups.into_iter().map(|g| (None, g)).collect(),
        });
    }
    if input.peek(syn::token::Brace) {
        let content;
        braced!(content in input);
        let mut groups = Vec::new();
        while !content.is_empty() {
            let name: Ident = content.parse()?;
            content.parse::<Token![:]>()?;
            groups.push((Some(name), parse_arg_group(&content)?));
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        return Ok(Grouping {
            named: true,
            groups,
        });
    }
    Ok(Grouping {
        named: false,
        groups: vec![(None, ArgGroup::Single(input.parse()?))],
    })
}

impl Grouping {
    fn flat(&self) -> Vec<Dep> {
        self.groups
            .iter()
            .flat_map(|(_, g)| g.deps().into_iter().cloned())
            .collect()
    }
}

/// `[(Output(..), expr, expr), ..]`.
fn parse_running(input: ParseStream) -> syn::Result<Vec<(Dep, syn::Expr, syn::Expr)>> {
    let content;
    syn::bracketed!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        let inner;
        syn::parenthesized!(inner in content);
        let dep: Dep = inner.parse()?;
        inner.parse::<Token![,]>()?;
        let on: syn::Expr = inner.parse()?;
        inner.parse::<Token![,]>()?;
        let off: syn::Expr = inner.parse()?;
        let _ = inner.parse::<Option<Token![,]>>()?;
        if !inner.is_empty() {
            return Err(inner.error(
                "a running entry is (Output(id, property), value_while_running, value_after)",
            ));
        }
        out.push((dep, on, off));
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

impl Parse for CallbackArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = CallbackArgs {
            output: None,
            inputs: Vec::new(),
            state: Vec::new(),
            input_groups: Grouping::default(),
            state_groups: Grouping::default(),
            prevent_initial_call: None,
            running: Vec::new(),
            on_error: None,
            timeout: None,
            blocking: None,
            background: None,
            memoize: None,
            memoize_by: None,
            websocket: None,
            persistent: None,
            mcp: None,
            app: None,
            krate: None,
            background_options: Vec::new(),
            progress: None,
            cancel: None,
            background_keys: Vec::new(),
            js: None,
            namespace: None,
            function: None,
            errors: Vec::new(),
        };
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            // `crate` is a keyword: read any identifier.
            let key: Ident = syn::ext::IdentExt::parse_any(input)?;
            let key_ident = key.clone();
            input.parse::<Token![=]>()?;
            let name = key.to_string();
            if seen.contains(&name) {
                args.errors.push(syn::Error::new_spanned(
                    &key,
                    format!("`{name}` is given more than once"),
                ));
            }
            seen.push(name.clone());
            match name.as_str() {
                "output" => {
                    args.output = Some(if input.peek(syn::token::Bracket) {
                        Outputs::List(parse_dep_list(input)?)
                    } else if input.peek(syn::token::Brace) {
                        let named = parse_named_deps(input)?;
                        let deps = named.iter().map(|(_, d)| d.clone()).collect();
                        Outputs::Named(named, deps)
                    } else {
                        Outputs::Single(input.parse()?)
                    });
                }
                "inputs" => {
                    args.input_groups = parse_grouping(input)?;
                    args.inputs = args.input_groups.flat();
                }
                "state" => {
                    args.state_groups = parse_grouping(input)?;
                    args.state = args.state_groups.flat();
                }
                "prevent_initial_call" => args.prevent_initial_call = Some(input.parse()?),
                "running" => args.running = parse_running(input)?,
                "on_error" => args.on_error = Some(input.parse()?),
                "timeout" => args.timeout = Some(input.parse()?),
                "blocking" => args.blocking = Some(input.parse()?),
                "background" => args.background = Some(input.parse()?),
                "memoize" => args.memoize = Some(input.parse()?),
                "websocket" => args.websocket = Some(input.parse()?),
                "persistent" => args.persistent = Some(input.parse()?),
                "mcp" => args.mcp = Some(input.parse()?),
                "crate" => args.krate = Some(crate::errors::runtime_path(input)?),
                "app" => {
                    args.app = Some(crate::errors::app_name(
                        input,
                        "callback",
                        &mut args.errors,
                    )?)
                }
                "memoize_by" => args.memoize_by = Some((key_ident.clone(), input.parse()?)),
                "progress" | "cancel" => {
                    args.background_keys.push(key_ident.clone());
                    let deps = if input.peek(syn::token::Bracket) {
                        parse_dep_list(input)?
                    } else {
                        vec![input.parse()?]
                    };
                    if name == "progress" {
                        args.progress = Some((key_ident.clone(), deps));
                    } else {
                        args.cancel = Some((key_ident.clone(), deps));
                    }
                }
                key if BACKGROUND_KEYS.contains(&key) => {
                    args.background_keys.push(key_ident.clone());
                    let value: syn::Expr = input.parse()?;
                    args.background_options.push((key_ident.clone(), value));
                }
                "js" => args.js = Some(input.parse()?),
                "namespace" => args.namespace = Some(input.parse()?),
                "function" => args.function = Some(input.parse()?),
                _ => {
                    let hint = suggest(&name)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    args.errors.push(syn::Error::new_spanned(
                        &key,
                        format!("unknown callback option `{name}`{hint} (expected one of: {}; clientside_callback! also takes js, namespace, function)", KEYS.join(", ")),
                    ));
                    // Skip its value so the rest can still be checked.
                    input.parse::<syn::Expr>()?;
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }
}

/// The closest known key, for typos such as `input` or `outputs`.
fn suggest(name: &str) -> Option<&'static str> {
    let aliases: &[(&str, &str)] = &[
        ("input", "inputs"),
        ("outputs", "output"),
        ("states", "state"),
        ("prevent_initial_callback", "prevent_initial_call"),
        ("prevent_initial_calls", "prevent_initial_call"),
    ];
    aliases.iter().find(|(a, _)| *a == name).map(|(_, k)| *k)
}
