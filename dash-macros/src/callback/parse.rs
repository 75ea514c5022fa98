//! Parsing the `#[callback(...)]` attribute into plain data.

use proc_macro2::{Delimiter, Group, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{braced, Ident, LitBool, LitInt, LitStr, Token};

/// The keys `#[callback]` understands.
pub const KEYS: &[&str] = &["output", "inputs", "state", "prevent_initial_call"];

/// The parsed attribute.
pub struct CallbackArgs {
    pub output: Option<Outputs>,
    pub inputs: Vec<Dep>,
    pub state: Vec<Dep>,
    pub prevent_initial_call: Option<LitBool>,
    /// Problems that did not stop parsing (unknown or repeated keys, wrong kinds).
    pub errors: Vec<syn::Error>,
}

/// `output = Output(..)` or `output = [Output(..), ..]`.
pub enum Outputs {
    Single(Dep),
    List(Vec<Dep>),
}

impl Outputs {
    pub fn deps(&self) -> &[Dep] {
        match self {
            Outputs::Single(d) => std::slice::from_ref(d),
            Outputs::List(deps) => deps,
        }
    }
}

/// One `Output(..)`, `Input(..)` or `State(..)`.
pub struct Dep {
    pub kind: Ident,
    pub id: IdLit,
    pub property: LitStr,
    pub allow_duplicate: Option<LitBool>,
    pub allow_optional: Option<LitBool>,
    pub tokens: TokenStream,
}

/// A component id as written: a string or a dict of key/value pairs.
pub enum IdLit {
    Str(LitStr),
    Dict(Vec<(LitStr, IdVal)>, TokenStream),
}

/// A value inside a dict id.
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
    Err(input.error("expected a component id: a string literal such as \"my-id\" or a dict such as {\"type\": \"item\", \"index\": MATCH}"))
}

impl Parse for Dep {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let kind: Ident = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "expected a dependency such as Input(\"id\", \"property\")")
        })?;
        let group: Group = input.parse()?;
        if group.delimiter() != Delimiter::Parenthesis {
            return Err(syn::Error::new_spanned(&group, "expected `(id, property)` after the dependency kind"));
        }
        let tokens = quote::quote!(#kind #group);
        let parser = |content: ParseStream| -> syn::Result<Dep> {
            let id = parse_id(content)?;
            content.parse::<Token![,]>()?;
            let property: LitStr = content.parse().map_err(|e| {
                syn::Error::new(e.span(), "expected the property name as a string literal, e.g. \"value\"")
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
            Ok(Dep { kind: kind.clone(), id, property, allow_duplicate, allow_optional, tokens: tokens.clone() })
        };
        parser.parse2(group.stream())
    }
}

fn parse_dep_list(input: ParseStream) -> syn::Result<Vec<Dep>> {
    let group: Group = input.parse()?;
    let deps = Punctuated::<Dep, Token![,]>::parse_terminated.parse2(group.stream())?;
    Ok(deps.into_iter().collect())
}

impl Parse for CallbackArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = CallbackArgs {
            output: None,
            inputs: Vec::new(),
            state: Vec::new(),
            prevent_initial_call: None,
            errors: Vec::new(),
        };
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let name = key.to_string();
            if seen.contains(&name) {
                args.errors.push(syn::Error::new_spanned(&key, format!("`{name}` is given more than once")));
            }
            seen.push(name.clone());
            match name.as_str() {
                "output" => {
                    args.output = Some(if input.peek(syn::token::Bracket) {
                        Outputs::List(parse_dep_list(input)?)
                    } else {
                        Outputs::Single(input.parse()?)
                    });
                }
                "inputs" => args.inputs = parse_deps_or_single(input)?,
                "state" => args.state = parse_deps_or_single(input)?,
                "prevent_initial_call" => args.prevent_initial_call = Some(input.parse()?),
                _ => {
                    let hint = suggest(&name).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    args.errors.push(syn::Error::new_spanned(
                        &key,
                        format!("unknown callback option `{name}`{hint} (expected one of: {})", KEYS.join(", ")),
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

fn parse_deps_or_single(input: ParseStream) -> syn::Result<Vec<Dep>> {
    if input.peek(syn::token::Bracket) {
        parse_dep_list(input)
    } else {
        Ok(vec![input.parse()?])
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

