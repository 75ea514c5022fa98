//! Component ids: plain strings and pattern-matching (dict) ids with wildcards.

use std::fmt::Write;

use serde_json::Value;

/// A pattern-matching wildcard inside a dict id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Wildcard {
    /// `MATCH`: the same value as the triggering component.
    Match,
    /// `ALL`: every component whose other keys match.
    All,
    /// `ALLSMALLER`: every matching component with a smaller value than the trigger's.
    AllSmaller,
}

impl Wildcard {
    /// The wildcard's name as Dash spells it.
    pub fn name(self) -> &'static str {
        match self {
            Wildcard::Match => "MATCH",
            Wildcard::All => "ALL",
            Wildcard::AllSmaller => "ALLSMALLER",
        }
    }
}

/// One value of a dict id as written in a callback declaration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IdValue {
    /// A string value.
    Str(&'static str),
    /// An integer value.
    Int(i64),
    /// A boolean value.
    Bool(bool),
    /// A wildcard.
    Wildcard(Wildcard),
}

/// A component id in a callback declaration: a string or a dict whose values may be wildcards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IdSpec {
    /// A plain string id.
    Str(&'static str),
    /// A pattern-matching id; keys as declared.
    Dict(&'static [(&'static str, IdValue)]),
}

impl IdSpec {
    /// The id in Dash's string form (§0.3 of the protocol): string ids verbatim, dict ids with
    /// sorted keys, compact separators and wildcards as `["MATCH"]`.
    ///
    /// ```
    /// use dash_runtime::dependencies::{IdSpec, IdValue, Wildcard};
    /// static KEYS: [(&str, IdValue); 2] = [("type", IdValue::Str("pm")), ("index", IdValue::Wildcard(Wildcard::Match))];
    /// assert_eq!(IdSpec::Dict(&KEYS).stringify(), r#"{"index":["MATCH"],"type":"pm"}"#);
    /// assert_eq!(IdSpec::Str("btn").stringify(), "btn");
    /// ```
    pub fn stringify(&self) -> String {
        match self {
            IdSpec::Str(s) => (*s).to_owned(),
            IdSpec::Dict(entries) => {
                let mut sorted: Vec<&(&str, IdValue)> = entries.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                let mut out = String::from("{");
                for (i, (key, value)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_str(&mut out, key);
                    out.push(':');
                    match value {
                        IdValue::Str(s) => push_json_str(&mut out, s),
                        IdValue::Int(n) => {
                            let _ = write!(out, "{n}");
                        }
                        IdValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                        IdValue::Wildcard(w) => {
                            out.push_str("[\"");
                            out.push_str(w.name());
                            out.push_str("\"]");
                        }
                    }
                }
                out.push('}');
                out
            }
        }
    }

    /// Whether the id contains any wildcard.
    pub fn has_wildcard(&self) -> bool {
        self.wildcards().next().is_some()
    }

    /// The wildcards of a dict id, in declaration order.
    pub fn wildcards(&self) -> impl Iterator<Item = (&'static str, Wildcard)> {
        let entries: &'static [(&'static str, IdValue)] = match self {
            IdSpec::Str(_) => &[],
            IdSpec::Dict(entries) => entries,
        };
        entries.iter().filter_map(|(k, v)| match v {
            IdValue::Wildcard(w) => Some((*k, *w)),
            _ => None,
        })
    }

    /// Whether a concrete id from a request (or a layout) matches this declaration.
    pub fn matches(&self, id: &Value) -> bool {
        match (self, id) {
            (IdSpec::Str(s), Value::String(v)) => s == v,
            (IdSpec::Dict(entries), Value::Object(map)) => {
                map.len() == entries.len()
                    && entries.iter().all(|(k, want)| match (map.get(*k), want) {
                        (None, _) => false,
                        (Some(_), IdValue::Wildcard(_)) => true,
                        (Some(Value::String(v)), IdValue::Str(s)) => v == s,
                        (Some(Value::Bool(v)), IdValue::Bool(b)) => v == b,
                        (Some(Value::Number(v)), IdValue::Int(n)) => v.as_i64() == Some(*n),
                        _ => false,
                    })
            }
            _ => false,
        }
    }
}

/// Stringify a concrete id from a request or a layout the way Python Dash does (§0.3).
///
/// ```
/// use dash_runtime::dependencies::stringify_id;
/// let id = serde_json::json!({"type": "item", "index": 2});
/// assert_eq!(stringify_id(&id), r#"{"index":2,"type":"item"}"#);
/// ```
pub fn stringify_id(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = String::from("{");
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json_str(&mut out, key);
                out.push(':');
                push_python_json(&mut out, &map[key]);
            }
            out.push('}');
            out
        }
        other => {
            let mut out = String::new();
            push_python_json(&mut out, other);
            out
        }
    }
}

/// JSON with Python's `json.dumps` defaults: compact, non-ASCII escaped.
fn push_python_json(out: &mut String, value: &Value) {
    match value {
        Value::String(s) => push_json_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_python_json(out, item);
            }
            out.push(']');
        }
        Value::Object(_) => out.push_str(&stringify_id(value)),
        other => out.push_str(&other.to_string()),
    }
}

/// A JSON string literal with non-ASCII characters escaped as `\uXXXX` (Python's
/// `ensure_ascii`).
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dict_ids_sort_keys_and_escape_like_python() {
        assert_eq!(
            stringify_id(&json!({"type": "pm", "index": 1})),
            r#"{"index":1,"type":"pm"}"#
        );
        assert_eq!(stringify_id(&json!({"k": "é"})), r#"{"k":"\u00e9"}"#);
        assert_eq!(stringify_id(&json!({"k": 1.0})), r#"{"k":1.0}"#);
        assert_eq!(stringify_id(&json!("plain")), "plain");
    }

    #[test]
    fn wildcard_matching() {
        static KEYS: [(&str, IdValue); 2] = [
            ("type", IdValue::Str("item")),
            ("index", IdValue::Wildcard(Wildcard::All)),
        ];
        let spec = IdSpec::Dict(&KEYS);
        assert!(spec.matches(&json!({"type": "item", "index": 4})));
        assert!(!spec.matches(&json!({"type": "other", "index": 4})));
        assert!(!spec.matches(&json!({"type": "item"})));
        assert!(spec.has_wildcard());
        assert_eq!(spec.stringify(), r#"{"index":["ALL"],"type":"item"}"#);
    }
}
