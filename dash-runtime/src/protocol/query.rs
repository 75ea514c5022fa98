//! The query string of a callback request, decoded once.

/// Decoded `key=value` pairs of a request's query string, in order (`+` and `%XX` decoded,
/// invalid UTF-8 replaced). Background callbacks read their `cacheKey`, `job`, `oldJob`,
/// `cancelJob` and `endId` handles from here.
///
/// ```
/// use dash_runtime::protocol::Query;
///
/// let q = Query::parse(Some("job=ab%7Ecd&oldJob=x&oldJob=y&flag"));
/// assert_eq!(q.first("job"), Some("ab~cd"));
/// assert_eq!(q.all("oldJob").collect::<Vec<_>>(), ["x", "y"]);
/// assert_eq!(q.first("flag"), None); // present but empty
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Decode a raw query string (without the `?`).
    pub fn parse(raw: Option<&str>) -> Self {
        Query(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first non-empty value of `name`.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

impl From<Vec<(String, String)>> for Query {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Query(pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_never_fails() {
        let q = Query::parse(Some("%zz%41=%&&==&a+b=c%20d&%FF=1"));
        assert_eq!(q.first("%zzA"), Some("%"));
        assert_eq!(q.first("a b"), Some("c d"));
        assert_eq!(q.first("\u{FFFD}"), Some("1"));
        assert!(Query::parse(None).pairs().is_empty());
    }
}
