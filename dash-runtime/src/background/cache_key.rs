//! Cache keys of `cache_by` callbacks.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::callback::background::{Background, CacheSpec};

/// The key under which a `cache_by` callback's result is shared: SHA-256 (hex) of the
/// callback (descriptor and source fingerprint), its argument values less the ignored ones,
/// the triggering inputs (unless ignored) and the values of the `cache_by` functions. Object
/// keys are sorted first, so the same values always give the same key.
pub(crate) fn cache_key(
    descriptor: &str,
    background: &Background,
    cache: &CacheSpec,
    values: &[Value],
    triggered: &[String],
) -> String {
    let args: Vec<Value> = values
        .iter()
        .enumerate()
        .filter(|(i, _)| !cache.ignore_args.contains(i))
        .map(|(_, v)| v.clone())
        .collect();
    let by: Vec<Value> = cache.by.iter().map(|f| f()).collect();
    let triggered = if cache.ignore_triggered {
        Value::Null
    } else {
        Value::from(triggered.to_vec())
    };
    let mut text = String::new();
    for part in [
        Value::from(descriptor),
        Value::from(background.fingerprint),
        Value::Array(args),
        triggered,
        Value::Array(by),
    ] {
        canonical(&part, &mut text);
        text.push('\n');
    }
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// JSON text with object keys sorted at every level.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push(':');
                if let Some(v) = map.get(k) {
                    canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::dispatch::{Args, BoxFuture, CallResult};
    use crate::callback::CallbackError;
    use serde_json::json;

    fn run(
        _: Args,
        _: super::super::JobContext,
    ) -> Result<BoxFuture<'static, CallResult>, CallbackError> {
        Err(CallbackError::PreventUpdate)
    }

    fn version() -> Value {
        json!("v1")
    }

    static BG: Background = Background {
        run,
        interval_ms: 1000,
        progress: &[],
        progress_default: None,
        cancel: &[],
        cache: None,
        expire_secs: None,
        fingerprint: "f",
    };

    #[test]
    fn keys_ignore_order_and_ignored_args() {
        let cache = CacheSpec {
            by: &[version],
            ignore_args: &[1],
            ignore_triggered: true,
        };
        let a = cache_key(
            "o.c",
            &BG,
            &cache,
            &[json!({"a": 1, "b": 2}), json!(1)],
            &[],
        );
        let b = cache_key(
            "o.c",
            &BG,
            &cache,
            &[json!({"b": 2, "a": 1}), json!(2)],
            &["x.n".into()],
        );
        assert_eq!(a, b);
        let c = cache_key(
            "o.c",
            &BG,
            &cache,
            &[json!({"a": 1, "b": 3}), json!(1)],
            &[],
        );
        assert_ne!(a, c);
        let strict = CacheSpec {
            by: &[],
            ignore_args: &[],
            ignore_triggered: false,
        };
        assert_ne!(
            cache_key("o.c", &BG, &strict, &[json!(1)], &["x.n".into()]),
            cache_key("o.c", &BG, &strict, &[json!(1)], &["y.n".into()])
        );
    }
}
