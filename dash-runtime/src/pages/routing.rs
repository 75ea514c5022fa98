//! Routing: from a URL to a page layout and title; the routing and title callbacks; the
//! index meta tags of a page.

use std::fmt::Write;
use std::sync::Arc;

use serde_json::{json, Value};

use super::container::{CONTENT_ID, DUMMY_ID, LOCATION_ID, STORE_ID};
use super::params::PageArgs;
use super::registry::Page;
use crate::callback::dispatch::{Args, CallResult, Clientside, Handler};
use crate::callback::{callback_context, CallbackError, CallbackSpec};
use crate::components::{html, IntoChildren};
use crate::dependencies::{Dependency, IdSpec, OutputDep};
use crate::escape::escape_html;

/// The pages of an app and how URLs map to them.
#[derive(Debug)]
pub struct Router {
    pages: Vec<Page>,
    requests_prefix: String,
    app_title: String,
}

/// One piece of a path template.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Lit(&'a str),
    Var(&'a str),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        if start > 0 {
            out.push(Piece::Lit(&rest[..start]));
        }
        out.push(Piece::Var(&rest[start + 1..start + len]));
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Lit(rest));
    }
    out
}

/// Match `path` against template pieces; variables match any text (slashes included), the
/// longest first, like Dash's `(.*)`.
fn match_pieces(pieces: &[Piece<'_>], path: &str, vars: &mut Vec<(String, String)>) -> bool {
    match pieces.split_first() {
        None => path.is_empty(),
        Some((Piece::Lit(lit), rest)) => path
            .strip_prefix(lit)
            .is_some_and(|tail| match_pieces(rest, tail, vars)),
        Some((Piece::Var(name), rest)) => {
            for end in (0..=path.len()).rev().filter(|&i| path.is_char_boundary(i)) {
                vars.push(((*name).to_owned(), path[..end].to_owned()));
                if match_pieces(rest, &path[end..], vars) {
                    return true;
                }
                vars.pop();
            }
            false
        }
    }
}

/// Validate a path template: variables must be identifiers.
pub(crate) fn template_vars(template: &str) -> Vec<&str> {
    pieces(template)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Var(v) => Some(v),
            Piece::Lit(_) => None,
        })
        .collect()
}

impl Router {
    /// The router for the registered pages `selection` takes.
    pub fn new(
        requests_prefix: &str,
        app_title: &str,
        selection: &crate::apps::AppSelection,
    ) -> Self {
        Router {
            pages: super::registry::pages_for(app_title, selection),
            requests_prefix: requests_prefix.to_owned(),
            app_title: app_title.to_owned(),
        }
    }

    /// Whether the app has pages at all.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// The registered pages, in menu order.
    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    /// The layout of the page at `path` (below the prefix), if a page has that path; a layout
    /// function that rejects the path's values counts as no page.
    pub fn page_layout(&self, path: &str) -> Option<Value> {
        let (page, vars) = self.find(path)?;
        let spec = page.spec?;
        (spec.layout)(&PageArgs::new(vars, "")).ok()
    }

    /// The page for a path below the prefix (slashes around it ignored), with its variables.
    pub fn find(&self, path: &str) -> Option<(&Page, Vec<(String, String)>)> {
        let path_id = path.trim_matches('/');
        for page in self.pages.iter().filter(|p| !p.not_found) {
            if let Some(template) = &page.path_template {
                let mut vars = Vec::new();
                if match_pieces(&pieces(template.trim_matches('/')), path_id, &mut vars)
                    && !vars.is_empty()
                {
                    return Some((page, vars));
                }
            } else if page.path.trim_matches('/') == path_id {
                return Some((page, Vec::new()));
            }
        }
        None
    }

    /// Strip the requests prefix from a browser pathname.
    fn strip_prefix<'a>(&self, pathname: &'a str) -> Option<&'a str> {
        let q = self.requests_prefix.trim_end_matches('/');
        pathname.strip_prefix(q)
    }

    /// The layout and title for a URL: the matching page, or the 404 page.
    pub fn route(&self, pathname: &str, search: &str) -> (Value, String) {
        if let Some((page, vars)) = self.strip_prefix(pathname).and_then(|p| self.find(p)) {
            if let Some(spec) = page.spec {
                let args = PageArgs::new(vars.clone(), search);
                match (spec.layout)(&args) {
                    Ok(layout) => return (layout, page.title_for(&vars)),
                    Err(err) => {
                        tracing::debug!(page = %page.path, %err, "URL values do not fit the page: not found")
                    }
                }
            }
        }
        self.not_found(search)
    }

    fn not_found(&self, search: &str) -> (Value, String) {
        if let Some(page) = self.pages.iter().find(|p| p.not_found) {
            if let Some(Ok(layout)) = page
                .spec
                .map(|s| (s.layout)(&PageArgs::new(Vec::new(), search)))
            {
                return (layout, page.title.clone());
            }
        }
        (
            html::h1("404 - Page not found")
                .into_children()
                .into_value(),
            self.app_title.clone(),
        )
    }

    /// `(from, to)` pairs of `redirect_from` paths, both below the prefix.
    pub fn redirects(&self) -> Vec<(String, String)> {
        self.pages
            .iter()
            .flat_map(|p| {
                p.redirect_from
                    .iter()
                    .map(move |from| (from.clone(), p.path.clone()))
            })
            .collect()
    }

    /// The ten page meta tags of the index page for `path` (a request path below the routes
    /// prefix); `url` is the full request URL.
    pub fn meta_tags(&self, path: &str, url: &str, root_url: &str) -> String {
        let (title, description, image) = match self.find(path) {
            Some((page, vars)) => (
                page.title_for(&vars),
                page.description.clone(),
                page.image.clone(),
            ),
            None => (self.app_title.clone(), String::new(), None),
        };
        let image = match image {
            Some(img) if img.starts_with("http://") || img.starts_with("https://") => img,
            Some(img) => format!(
                "{}{}assets/{}",
                root_url.trim_end_matches('/'),
                self.requests_prefix,
                img
            ),
            None => String::new(),
        };
        let mut out = String::new();
        let mut tag = |attr: &str, key: &str, value: &str| {
            let _ = writeln!(
                out,
                "<meta {attr}=\"{}\" content=\"{}\">",
                escape_html(key),
                escape_html(value)
            );
        };
        tag("name", "description", &description);
        tag("property", "twitter:card", "summary_large_image");
        tag("property", "twitter:url", url);
        tag("property", "twitter:title", &title);
        tag("property", "twitter:description", &description);
        tag("property", "twitter:image", &image);
        tag("property", "og:title", &title);
        tag("property", "og:type", "website");
        tag("property", "og:description", &description);
        tag("property", "og:image", &image);
        out
    }

    /// Startup problems of the page registry: duplicate paths, bad templates.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, page) in self.pages.iter().enumerate() {
            if let Some(other) = self.pages[..i]
                .iter()
                .find(|p| p.path == page.path && !p.not_found && !page.not_found)
            {
                out.push(format!(
                    "pages {} ({}) and {} ({}) have the same path {}",
                    other.module, other.location, page.module, page.location, page.path
                ));
            }
            if let Some(t) = &page.path_template {
                for var in template_vars(t) {
                    if var.is_empty()
                        || !var.chars().all(|c| c.is_alphanumeric() || c == '_')
                        || var.starts_with(|c: char| c.is_ascii_digit())
                    {
                        out.push(format!(
                            "page {} ({}): `<{var}>` in {t} is not a valid variable name",
                            page.module, page.location
                        ));
                    }
                }
            }
        }
        if self.pages.iter().filter(|p| p.not_found).count() > 1 {
            out.push("more than one page is marked `not_found`".to_owned());
        }
        out
    }

    /// Every page layout built with placeholder values, for startup validation.
    pub(crate) fn validation_layouts(&self) -> Vec<(String, Value)> {
        self.pages
            .iter()
            .filter_map(|page| {
                let spec = page.spec?;
                let vars = page
                    .path_template
                    .as_deref()
                    .map(|t| {
                        template_vars(t)
                            .into_iter()
                            .map(|v| (v.to_owned(), "none".to_owned()))
                            .collect()
                    })
                    .unwrap_or_default();
                match (spec.layout)(&PageArgs::new(vars, "")) {
                    Ok(layout) => Some((format!("page {}", page.path), layout)),
                    Err(_) => None,
                }
            })
            .collect()
    }
}

fn route_callback(args: &mut Args) -> CallResult {
    let pathname: Option<String> = args.take(0)?;
    let search: Option<String> = args.take(1)?;
    let router = callback_context()
        .and_then(|ctx| ctx.extension::<Arc<Router>>())
        .ok_or_else(|| CallbackError::new("the page router is not available"))?;
    let (layout, title) = router.route(
        pathname.as_deref().unwrap_or("/"),
        search.as_deref().unwrap_or(""),
    );
    Ok(vec![Some(layout), Some(json!({"title": title}))])
}

/// Sets the browser title from the routing callback's store. Our own source (it also guards
/// against a missing title), so its SHA-256 name differs from Python Dash's title callback;
/// the renderer only needs the name to match the inline script this server emits.
/// Unlike Python, these two internal callbacks are not `hidden` in the dev-tools graph: their
/// `hidden` is `false` like every other callback's.
const TITLE_JS: &str = "function(data) { if (data && data.title) { document.title = data.title; } return window.dash_clientside.no_update; }";

static ROUTING: CallbackSpec = CallbackSpec {
    name: "pages_routing",
    module: module_path!(),
    file: file!(),
    line: line!(),
    outputs: &[
        OutputDep {
            id: IdSpec::Str(CONTENT_ID),
            property: "children",
            allow_duplicate: false,
        },
        OutputDep {
            id: IdSpec::Str(STORE_ID),
            property: "data",
            allow_duplicate: false,
        },
    ],
    multi_output: true,
    inputs: &[
        Dependency {
            id: IdSpec::Str(LOCATION_ID),
            property: "pathname",
            allow_optional: false,
        },
        Dependency {
            id: IdSpec::Str(LOCATION_ID),
            property: "search",
            allow_optional: false,
        },
    ],
    state: &[],
    prevent_initial_call: Some(true),
    running: &[],
    handler: Handler::Sync(route_callback),
    on_error: None,
    timeout: None,
    // Page layout functions are user code: they run on the blocking pool.
    blocking: true,
    memoize: None,
    websocket: false,
    persistent: false,
    mcp: crate::mcp::McpInfo::NONE,
    app: None,
};

static TITLE: CallbackSpec = CallbackSpec {
    name: "pages_title",
    module: module_path!(),
    file: file!(),
    line: line!(),
    outputs: &[OutputDep {
        id: IdSpec::Str(DUMMY_ID),
        property: "children",
        allow_duplicate: false,
    }],
    multi_output: false,
    inputs: &[Dependency {
        id: IdSpec::Str(STORE_ID),
        property: "data",
        allow_optional: false,
    }],
    state: &[],
    prevent_initial_call: Some(false),
    running: &[],
    handler: Handler::Clientside(Clientside::Inline(TITLE_JS)),
    on_error: None,
    timeout: None,
    blocking: false,
    memoize: None,
    websocket: false,
    persistent: false,
    mcp: crate::mcp::McpInfo::NONE,
    app: None,
};

/// The callbacks pages add: routing (server) and the page title (clientside).
pub(crate) fn routing_specs() -> [&'static CallbackSpec; 2] {
    [&ROUTING, &TITLE]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_like_dash() {
        let mut vars = Vec::new();
        assert!(match_pieces(&pieces("report/<id>"), "report/42", &mut vars));
        assert_eq!(vars, vec![("id".to_owned(), "42".to_owned())]);
        let mut vars = Vec::new();
        assert!(match_pieces(&pieces("a/<x>/b/<y>"), "a/1/2/b/3", &mut vars));
        assert_eq!(vars[0].1, "1/2");
        assert!(!match_pieces(
            &pieces("report/<id>"),
            "reports/42",
            &mut Vec::new()
        ));
        assert_eq!(template_vars("/r/<a>/<b>"), vec!["a", "b"]);
    }
}
