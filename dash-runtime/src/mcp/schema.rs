//! JSON schemas of tool parameters, derived from the Rust types that receive them.
//!
//! `#[callback]` and `#[mcp_tool]` ask a [`McpSchemaProbe`] for each parameter's type: a type
//! that implements [`schemars::JsonSchema`] gets its derived schema, any other type `{}`
//! (any JSON value). The choice is made at compile time by method resolution, so a callback
//! parameter never needs `JsonSchema` to compile.

use std::marker::PhantomData;

use serde_json::{json, Value};

/// What the MCP server says about one callback; written by `#[callback]`.
#[derive(Debug, Clone, Copy)]
pub struct McpInfo {
    /// Whether the callback is offered as a tool (`mcp = false` opts out).
    pub enabled: bool,
    /// The function's doc comment (empty when it has none).
    pub description: &'static str,
    /// One entry per input, then per state, in declaration order.
    pub params: &'static [McpParam],
}

impl McpInfo {
    /// Not offered as a tool (clientside callbacks, the runtime's own callbacks).
    pub const NONE: McpInfo = McpInfo {
        enabled: false,
        description: "",
        params: &[],
    };
}

/// One tool argument: its name and the schema of its type.
#[derive(Debug, Clone, Copy)]
pub struct McpParam {
    /// The argument name (the Rust parameter's name).
    pub name: &'static str,
    /// Its JSON schema.
    pub schema: fn() -> Value,
}

/// Picks the schema of `T` (see the module docs).
pub struct McpSchemaProbe<T: ?Sized>(PhantomData<fn() -> Box<T>>);

impl<T: ?Sized> McpSchemaProbe<T> {
    /// A probe for `T`.
    pub const fn new() -> Self {
        McpSchemaProbe(PhantomData)
    }
}

impl<T: ?Sized> Default for McpSchemaProbe<T> {
    fn default() -> Self {
        McpSchemaProbe::new()
    }
}

impl McpSchemaProbe<Value> {
    /// The schema of "any JSON value".
    pub fn any() -> Value {
        json!({})
    }
}

/// Chosen when `T: JsonSchema`.
pub trait McpSchemaDerived {
    /// The schema.
    fn mcp_schema(&self) -> Value;
}

impl<T: schemars::JsonSchema> McpSchemaDerived for McpSchemaProbe<T> {
    fn mcp_schema(&self) -> Value {
        derived::<T>()
    }
}

/// Chosen for every other type: `{}`.
pub trait McpSchemaAny {
    /// The schema.
    fn mcp_schema(&self) -> Value;
}

impl<T: ?Sized> McpSchemaAny for &McpSchemaProbe<T> {
    fn mcp_schema(&self) -> Value {
        json!({})
    }
}

/// The schema `schemars` derives for `T`, sub-schemas inlined, without `$schema` and `title`.
pub fn derived<T: schemars::JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut value = generator.into_root_schema_for::<T>().to_value();
    if let Value::Object(map) = &mut value {
        map.remove("$schema");
        map.remove("title");
    }
    value
}

/// Whether a schema admits `null` (then the argument is optional).
pub fn accepts_null(schema: &Value) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(map) => {
            if map.is_empty() {
                return true;
            }
            let by_type = match map.get("type") {
                Some(Value::String(t)) => t == "null",
                Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
                _ => false,
            };
            let by_union = ["anyOf", "oneOf"].iter().any(|key| {
                map.get(*key)
                    .and_then(Value::as_array)
                    .is_some_and(|alts| alts.iter().any(accepts_null))
            });
            by_type || by_union || (!map.contains_key("type") && only_annotations(map))
        }
        _ => false,
    }
}

/// A schema object with nothing but annotations (`description`, `title`, ..) admits anything.
fn only_annotations(map: &serde_json::Map<String, Value>) -> bool {
    map.keys().all(|k| {
        matches!(
            k.as_str(),
            "description" | "title" | "default" | "examples" | "format"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(unused_imports)]
    use super::{McpSchemaAny as _, McpSchemaDerived as _};

    struct Opaque;

    #[test]
    // The borrow is what the macro writes: it lets a type without `JsonSchema` fall back.
    #[allow(clippy::needless_borrow)]
    fn derived_types_get_their_schema_others_any() {
        assert_eq!(
            (&McpSchemaProbe::<Option<String>>::new()).mcp_schema(),
            json!({"type": ["string", "null"]})
        );
        let count = (&McpSchemaProbe::<u64>::new()).mcp_schema();
        assert_eq!(count["type"], "integer");
        assert_eq!(count["minimum"], 0);
        assert_eq!((&McpSchemaProbe::<Opaque>::new()).mcp_schema(), json!({}));
    }

    #[test]
    fn null_admitting_schemas_are_optional() {
        assert!(accepts_null(&json!({})));
        assert!(accepts_null(&json!({"type": ["string", "null"]})));
        assert!(accepts_null(
            &json!({"anyOf": [{"type": "integer"}, {"type": "null"}]})
        ));
        assert!(!accepts_null(&json!({"type": "string"})));
        assert!(!accepts_null(&json!({"type": "object", "properties": {}})));
    }
}
