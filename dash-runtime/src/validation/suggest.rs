//! "Did you mean ...?": the closest name by edit distance.

/// Levenshtein distance between two strings, compared case-insensitively.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitution.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a likely typo (at most a third
/// of the name's length, and at least one edit, ignoring case): `valu` gives `value`.
pub(crate) fn closest(name: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (distance(name, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let props = ["value", "type", "n_submit", "className", "placeholder"];
        assert_eq!(closest("valu", &props), Some("value"));
        assert_eq!(closest("classname", &props), Some("className"));
        assert_eq!(closest("n_submits", &props), Some("n_submit"));
        assert_eq!(closest("placeholdr", &props), Some("placeholder"));
        assert_eq!(closest("figure", &props), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
