//! Output descriptors: the key of a callback in `_dash-dependencies` and in dispatch.

use sha2::{Digest, Sha256};

use super::{Dependency, OutputDep};

/// `<stringified id>.<property>`.
pub fn prop_id(stringified_id: &str, property: &str) -> String {
    let mut s = String::with_capacity(stringified_id.len() + property.len() + 1);
    s.push_str(stringified_id);
    s.push('.');
    s.push_str(property);
    s
}

/// Lower-case hex SHA-256 of the callback's inputs joined as Dash does (`id.prop` joined by `.`);
/// it suffixes `allow_duplicate` outputs and names callbacks without outputs.
pub fn inputs_hash(inputs: &[Dependency]) -> String {
    let joined: Vec<String> = inputs.iter().map(Dependency::prop_id).collect();
    hex::encode(Sha256::digest(joined.join(".").as_bytes()))
}

/// The output descriptor string of a callback (§4.3 of the protocol).
///
/// ```
/// use dash_runtime::dependencies::{output_descriptor, IdSpec, OutputDep};
/// let a = OutputDep { id: IdSpec::Str("a"), property: "children", allow_duplicate: false };
/// let b = OutputDep { id: IdSpec::Str("b"), property: "value", allow_duplicate: false };
/// assert_eq!(output_descriptor(&[a], false, &[], ("f.rs", 1)), "a.children");
/// assert_eq!(output_descriptor(&[a, b], true, &[], ("f.rs", 1)), "..a.children...b.value..");
/// ```
pub fn output_descriptor(
    outputs: &[OutputDep],
    multi: bool,
    inputs: &[Dependency],
    location: (&str, u32),
) -> String {
    if outputs.is_empty() {
        return if inputs.is_empty() {
            let site = format!("{}:{}", location.0, location.1);
            hex::encode(Sha256::digest(site.as_bytes()))
        } else {
            inputs_hash(inputs)
        };
    }
    let hash = outputs
        .iter()
        .any(|o| o.allow_duplicate)
        .then(|| inputs_hash(inputs));
    let parts: Vec<String> = outputs
        .iter()
        .map(|o| {
            let id = o.id.stringify().replace('.', "\\.");
            let mut part = prop_id(&id, o.property);
            if let (true, Some(h)) = (o.allow_duplicate, hash.as_deref()) {
                part.push('@');
                part.push_str(h);
            }
            part
        })
        .collect();
    if multi {
        format!("..{}..", parts.join("..."))
    } else {
        parts.join("...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dependencies::IdSpec;

    #[test]
    fn allow_duplicate_hash_matches_dash() {
        let input = Dependency {
            id: IdSpec::Str("btn"),
            property: "n_clicks",
            allow_optional: false,
        };
        let out = OutputDep {
            id: IdSpec::Str("out1"),
            property: "children",
            allow_duplicate: true,
        };
        assert_eq!(
            output_descriptor(&[out], false, &[input], ("x", 1)),
            "out1.children@3eb5c6874c0553ce107823c514131222db0c1ce9f5877187cdd472be1da6af32"
        );
        assert_eq!(
            output_descriptor(&[], false, &[input], ("x", 1)),
            "3eb5c6874c0553ce107823c514131222db0c1ce9f5877187cdd472be1da6af32"
        );
    }
}
