//! `Patch`: partial updates of a property the front end applies to its current value.
//!
//! Instead of sending a whole new list or object, a callback returns the operations to apply,
//! in order, to the value the browser already has (Dash's `Patch`).
//!
//! ```
//! use dash_runtime::patch::Patch;
//! use serde_json::json;
//!
//! let mut patch = Patch::new();
//! patch.append("new item");           // at the root: the property is a list
//! patch.delete(0);                    // remove its first element
//! patch.at("style").merge(json!({"color": "red"}));
//! patch.at("rows").at(-1).assign(7);  // negative indices count from the end
//!
//! assert_eq!(serde_json::to_value(&patch).unwrap(), json!({
//!     "__dash_patch_update": "__dash_patch_update",
//!     "operations": [
//!         {"operation": "Append", "location": [], "params": {"value": "new item"}},
//!         {"operation": "Delete", "location": [0], "params": {}},
//!         {"operation": "Merge", "location": ["style"], "params": {"value": {"color": "red"}}},
//!         {"operation": "Assign", "location": ["rows", -1], "params": {"value": 7}},
//!     ]
//! }));
//! ```

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

/// Any serialisable value as JSON (a value that cannot be serialised becomes `null`).
fn value_of(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// One step of a location path: an object key or a list index (negative: from the end).
#[derive(Debug, Clone, PartialEq)]
pub enum PatchKey {
    /// An object key.
    Key(String),
    /// A list index.
    Index(i64),
}

impl From<&str> for PatchKey {
    fn from(k: &str) -> Self {
        PatchKey::Key(k.to_owned())
    }
}

impl From<String> for PatchKey {
    fn from(k: String) -> Self {
        PatchKey::Key(k)
    }
}

macro_rules! patch_key_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for PatchKey {
            fn from(i: $t) -> Self {
                PatchKey::Index(i64::try_from(i).unwrap_or(i64::MAX))
            }
        }
    )*};
}
patch_key_from_int!(i32, i64, isize, u32, u64, usize);

impl PatchKey {
    fn to_value(&self) -> Value {
        match self {
            PatchKey::Key(k) => Value::String(k.clone()),
            PatchKey::Index(i) => Value::from(*i),
        }
    }
}

/// A list of operations on a property's current value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Patch {
    operations: Vec<Value>,
}

impl Patch {
    /// An empty patch.
    pub fn new() -> Self {
        Patch::default()
    }

    /// Operations at `key` below the root.
    pub fn at(&mut self, key: impl Into<PatchKey>) -> PatchAt<'_> {
        PatchAt {
            patch: self,
            location: vec![key.into()],
        }
    }

    /// Delete the key or index `key` of the root value.
    pub fn delete(&mut self, key: impl Into<PatchKey>) -> &mut Self {
        self.record("Delete", &[key.into()], json!({}));
        self
    }

    /// The operations recorded so far.
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    fn record(&mut self, operation: &str, location: &[PatchKey], params: Value) {
        let mut op = Map::with_capacity(3);
        op.insert("operation".into(), Value::String(operation.to_owned()));
        op.insert(
            "location".into(),
            Value::Array(location.iter().map(PatchKey::to_value).collect()),
        );
        op.insert("params".into(), params);
        self.operations.push(Value::Object(op));
    }

    fn push(&mut self, operation: &str, params: Value) -> &mut Self {
        self.record(operation, &[], params);
        self
    }
}

/// Operations on the root value (chainable).
impl Patch {
    /// Set the value at this location.
    pub fn assign(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Assign", json!({"value": value_of(value)}))
    }

    /// Shallow-merge an object into the object at this location.
    pub fn merge(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Merge", json!({"value": value_of(value)}))
    }

    /// Concatenate a list to the list at this location.
    pub fn extend(&mut self, values: impl Serialize) -> &mut Self {
        self.push("Extend", json!({"value": value_of(values)}))
    }

    /// Add an element at the end of the list at this location.
    pub fn append(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Append", json!({"value": value_of(value)}))
    }

    /// Add an element at the start of the list at this location.
    pub fn prepend(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Prepend", json!({"value": value_of(value)}))
    }

    /// Insert an element at `index` into the list at this location.
    pub fn insert(&mut self, index: i64, value: impl Serialize) -> &mut Self {
        self.push("Insert", json!({"index": index, "value": value_of(value)}))
    }

    /// Remove every element equal to `value` from the list at this location.
    pub fn remove(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Remove", json!({"value": value_of(value)}))
    }

    /// Empty the list, object or string at this location.
    pub fn clear(&mut self) -> &mut Self {
        self.push("Clear", json!({}))
    }

    /// Reverse the list at this location.
    pub fn reverse(&mut self) -> &mut Self {
        self.push("Reverse", json!({}))
    }

    /// Add a number to (or concatenate a string to) the value at this location.
    pub fn add(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Add", json!({"value": value_of(value)}))
    }

    /// Subtract a number from the value at this location.
    pub fn sub(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Sub", json!({"value": value_of(value)}))
    }

    /// Multiply the value at this location.
    pub fn mul(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Mul", json!({"value": value_of(value)}))
    }

    /// Divide the value at this location.
    pub fn div(&mut self, value: impl Serialize) -> &mut Self {
        self.push("Div", json!({"value": value_of(value)}))
    }
}

// `add`, `sub`, `mul` and `div` are Dash's names for these operations.
#[allow(clippy::should_implement_trait)]
impl<'p> PatchAt<'p> {
    /// Go one level deeper.
    pub fn at(mut self, key: impl Into<PatchKey>) -> Self {
        self.location.push(key.into());
        self
    }

    /// Delete the key or index `key` of the value at this location.
    pub fn delete(self, key: impl Into<PatchKey>) -> Self {
        let mut location = self.location.clone();
        location.push(key.into());
        self.patch.record("Delete", &location, json!({}));
        self
    }

    fn push(self, operation: &str, params: Value) -> Self {
        self.patch.record(operation, &self.location, params);
        self
    }

    /// Set the value at this location.
    pub fn assign(self, value: impl Serialize) -> Self {
        self.push("Assign", json!({"value": value_of(value)}))
    }

    /// Shallow-merge an object into the object at this location.
    pub fn merge(self, value: impl Serialize) -> Self {
        self.push("Merge", json!({"value": value_of(value)}))
    }

    /// Concatenate a list to the list at this location.
    pub fn extend(self, values: impl Serialize) -> Self {
        self.push("Extend", json!({"value": value_of(values)}))
    }

    /// Add an element at the end of the list at this location.
    pub fn append(self, value: impl Serialize) -> Self {
        self.push("Append", json!({"value": value_of(value)}))
    }

    /// Add an element at the start of the list at this location.
    pub fn prepend(self, value: impl Serialize) -> Self {
        self.push("Prepend", json!({"value": value_of(value)}))
    }

    /// Insert an element at `index` into the list at this location.
    pub fn insert(self, index: i64, value: impl Serialize) -> Self {
        self.push("Insert", json!({"index": index, "value": value_of(value)}))
    }

    /// Remove every element equal to `value` from the list at this location.
    pub fn remove(self, value: impl Serialize) -> Self {
        self.push("Remove", json!({"value": value_of(value)}))
    }

    /// Empty the list, object or string at this location.
    pub fn clear(self) -> Self {
        self.push("Clear", json!({}))
    }

    /// Reverse the list at this location.
    pub fn reverse(self) -> Self {
        self.push("Reverse", json!({}))
    }

    /// Add a number to (or concatenate a string to) the value at this location.
    pub fn add(self, value: impl Serialize) -> Self {
        self.push("Add", json!({"value": value_of(value)}))
    }

    /// Subtract a number from the value at this location.
    pub fn sub(self, value: impl Serialize) -> Self {
        self.push("Sub", json!({"value": value_of(value)}))
    }

    /// Multiply the value at this location.
    pub fn mul(self, value: impl Serialize) -> Self {
        self.push("Mul", json!({"value": value_of(value)}))
    }

    /// Divide the value at this location.
    pub fn div(self, value: impl Serialize) -> Self {
        self.push("Div", json!({"value": value_of(value)}))
    }
}

/// Operations at a location inside a [`Patch`]; made by [`Patch::at`].
#[derive(Debug)]
pub struct PatchAt<'p> {
    patch: &'p mut Patch,
    location: Vec<PatchKey>,
}

impl Serialize for Patch {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("__dash_patch_update", "__dash_patch_update")?;
        map.serialize_entry("operations", &self.operations)?;
        map.end()
    }
}
