//! HTML escaping for text the server places in HTML: the index page's attributes and meta
//! tags, and error pages.

/// `s` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe as element text and as a
/// quoted attribute value: `<a href="x">&'` becomes `&lt;a href=&quot;x&quot;&gt;&amp;&#x27;`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            escape_html(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"
        );
    }
}
