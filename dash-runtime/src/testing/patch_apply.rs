//! Applying a `Patch` answer to a prop's current value, as the renderer does.

use serde_json::{Map, Number, Value};

/// Whether an answered value is a patch (`{"__dash_patch_update": .., "operations": [..]}`).
pub(crate) fn is_patch(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.contains_key("__dash_patch_update"))
}

/// `current` with the patch's operations applied in order (an unknown operation is an error).
pub(crate) fn apply(current: Option<&Value>, patch: &Value) -> Result<Value, String> {
    let mut value = current.cloned().unwrap_or(Value::Null);
    let operations = patch
        .get("operations")
        .and_then(Value::as_array)
        .ok_or("a patch without operations")?;
    for op in operations {
        let name = op.get("operation").and_then(Value::as_str).unwrap_or("");
        let location = op
            .get("location")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let params = op.get("params").cloned().unwrap_or(Value::Null);
        let arg = params.get("value").cloned().unwrap_or(Value::Null);
        if name == "Delete" {
            delete(&mut value, &location);
            continue;
        }
        let target = slot(&mut value, &location);
        let previous = std::mem::take(target);
        *target = match name {
            "Assign" => arg,
            "Merge" => {
                let mut merged = match previous {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                if let Value::Object(add) = arg {
                    merged.extend(add);
                }
                Value::Object(merged)
            }
            "Extend" => {
                let mut list = as_list(previous);
                list.extend(as_list(arg));
                Value::Array(list)
            }
            "Append" => {
                let mut list = as_list(previous);
                list.push(arg);
                Value::Array(list)
            }
            "Prepend" => {
                let mut list = as_list(previous);
                list.insert(0, arg);
                Value::Array(list)
            }
            "Insert" => {
                let mut list = as_list(previous);
                let index = params.get("index").and_then(Value::as_i64).unwrap_or(0);
                let at = resolve_index(index, list.len()).min(list.len());
                list.insert(at, arg);
                Value::Array(list)
            }
            "Remove" => Value::Array(
                as_list(previous)
                    .into_iter()
                    .filter(|v| *v != arg)
                    .collect(),
            ),
            "Clear" => match previous {
                Value::Object(_) => Value::Object(Map::new()),
                Value::String(_) => Value::String(String::new()),
                _ => Value::Array(Vec::new()),
            },
            "Reverse" => {
                let mut list = as_list(previous);
                list.reverse();
                Value::Array(list)
            }
            "Add" | "Sub" | "Mul" | "Div" => arithmetic(name, &previous, &arg)?,
            other => return Err(format!("unknown patch operation {other:?}")),
        };
    }
    Ok(value)
}

fn as_list(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// A negative index counts from the end.
fn resolve_index(index: i64, len: usize) -> usize {
    if index < 0 {
        let back = usize::try_from(index.unsigned_abs()).unwrap_or(usize::MAX);
        len.saturating_sub(back)
    } else {
        usize::try_from(index).unwrap_or(usize::MAX)
    }
}

/// The value at `location`, created (objects for keys, padded lists for indices) as needed.
fn slot<'v>(value: &'v mut Value, location: &[Value]) -> &'v mut Value {
    let mut here = value;
    for step in location {
        here = match step {
            Value::Number(n) => {
                if !here.is_array() {
                    *here = Value::Array(Vec::new());
                }
                let Value::Array(items) = here else {
                    unreachable!("made a list above")
                };
                let index = resolve_index(n.as_i64().unwrap_or(0), items.len());
                if index >= items.len() {
                    items.resize(index + 1, Value::Null);
                }
                &mut items[index]
            }
            other => {
                if !here.is_object() {
                    *here = Value::Object(Map::new());
                }
                let Value::Object(map) = here else {
                    unreachable!("made an object above")
                };
                let key = match other {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                map.entry(key).or_insert(Value::Null)
            }
        };
    }
    here
}

fn delete(value: &mut Value, location: &[Value]) {
    let Some((last, parent)) = location.split_last() else {
        *value = Value::Null;
        return;
    };
    let parent = slot(value, parent);
    match (parent, last) {
        (Value::Array(items), Value::Number(n)) => {
            let index = resolve_index(n.as_i64().unwrap_or(0), items.len());
            if index < items.len() {
                items.remove(index);
            }
        }
        (Value::Object(map), Value::String(key)) => {
            map.remove(key);
        }
        _ => {}
    }
}

fn arithmetic(op: &str, previous: &Value, arg: &Value) -> Result<Value, String> {
    let (a, b) = (
        previous.as_f64().unwrap_or(0.0),
        arg.as_f64().unwrap_or(0.0),
    );
    let out = match op {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        _ => a / b,
    };
    let both_int = previous.is_i64() && arg.is_i64() && op != "Div";
    if both_int && out.fract() == 0.0 && out.abs() < 9.0e15 {
        // Whole results of whole numbers stay integers, as in JavaScript's display.
        return Ok(Value::from(out as i64));
    }
    Number::from_f64(out)
        .map(Value::Number)
        .ok_or_else(|| format!("patch {op} gave a non-finite number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::Patch;
    use serde_json::json;

    fn run(current: Value, patch: &Patch) -> Value {
        let patch = serde_json::to_value(patch).expect("patch json");
        assert!(is_patch(&patch));
        apply(Some(&current), &patch).expect("applies")
    }

    #[test]
    fn list_operations_follow_the_renderer() {
        let mut p = Patch::new();
        p.append(4).prepend(0).insert(-1, 3.5).delete(1).remove(2);
        assert_eq!(run(json!([1, 2, 3]), &p), json!([0, 3, 3.5, 4]));
        let mut p = Patch::new();
        p.extend([9, 8]).reverse();
        assert_eq!(run(json!(null), &p), json!([8, 9]));
    }

    #[test]
    fn nested_assign_merge_and_arithmetic() {
        let mut p = Patch::new();
        p.at("style").merge(json!({"color": "red"}));
        p.at("rows").at(-1).assign(7);
        p.at("n").add(2);
        p.at("gone").delete("x");
        assert_eq!(
            run(
                json!({"style": {"margin": 1}, "rows": [1, 2], "n": 1, "gone": {"x": 1, "y": 2}}),
                &p
            ),
            json!({"style": {"margin": 1, "color": "red"}, "rows": [1, 7], "n": 3, "gone": {"y": 2}})
        );
    }
}
