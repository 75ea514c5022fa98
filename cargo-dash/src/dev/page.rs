//! The page shown instead of the app while it does not build (or did not start).

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON string literal safe inside a `<script>` element.
fn script_string(text: &str) -> String {
    serde_json::Value::from(text)
        .to_string()
        .replace('<', "\\u003c")
}

/// The error page: `heading`, the `details` (compiler output) preformatted, and a script
/// that polls `<prefix>_reload-hash` every second and reloads the page once the answer's
/// hash is no longer `hash` (the app builds again).
///
/// ```text
/// page("error[E0425]: cannot find value `x`", "…", "5f2c…", "/")
/// ```
pub fn page(heading: &str, details: &str, hash: &str, prefix: &str) -> String {
    let poll = format!("{prefix}_reload-hash");
    format!(
        r#"<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>cargo dash: {title}</title>
<style>
body {{ font-family: sans-serif; margin: 2rem; background: #fff5f5; color: #222; }}
h1 {{ color: #a00; font-size: 1.3rem; }}
pre {{ background: #fff; border: 1px solid #e0b4b4; padding: 1rem; overflow-x: auto; }}
</style>
</head>
<body>
<h1 id="cargo-dash-error">{title}</h1>
<p>The page reloads when the app builds again.</p>
<pre id="cargo-dash-details">{details}</pre>
<script>
(function () {{
  var seen = {hash}, url = {poll};
  function again() {{ setTimeout(poll, 1000); }}
  function poll() {{
    fetch(url, {{ cache: "no-store" }})
      .then(function (r) {{ return r.ok ? r.json() : null; }})
      .then(function (a) {{
        if (a && a.reloadHash && a.reloadHash !== seen) {{ location.reload(); }} else {{ again(); }}
      }}, again);
  }}
  again();
}})();
</script>
</body>
</html>
"#,
        title = escape(heading),
        details = escape(details),
        hash = script_string(hash),
        poll = script_string(&poll),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_and_script_values_are_escaped() {
        let html = page("a <b>", "x </pre><script>", "</script>", "/");
        assert!(html.contains("a &lt;b&gt;"));
        assert!(html.contains("x &lt;/pre&gt;&lt;script&gt;"));
        assert!(html.contains(r#"var seen = "\u003c/script>""#));
        assert!(html.contains(r#"url = "/_reload-hash""#));
    }
}
