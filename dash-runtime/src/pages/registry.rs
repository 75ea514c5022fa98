//! The page registry: every `#[page]` of the program, in navigation order.

use serde::Serialize;
use serde_json::Value;

use super::params::{PageArgs, PageParamError};
use crate::apps::AppSelection;

/// What `#[page]` records; submitted to the global registry with `inventory`.
#[derive(Debug)]
pub struct PageSpec {
    /// The layout function's name.
    pub fn_name: &'static str,
    /// `module_path!()` of the function.
    pub module: &'static str,
    /// `file!()` of the attribute.
    pub file: &'static str,
    /// `line!()` of the attribute.
    pub line: u32,
    /// `path`, if given.
    pub path: Option<&'static str>,
    /// `path_template`, if given (`/report/<report_id>`).
    pub path_template: Option<&'static str>,
    /// `name`, if given.
    pub name: Option<&'static str>,
    /// `title`, if given; `{var}` is replaced by path variables.
    pub title: Option<&'static str>,
    /// `description`, if given.
    pub description: Option<&'static str>,
    /// `image` (an asset file name) or `image_url`, if given.
    pub image: Option<&'static str>,
    /// `order`, if given.
    pub order: Option<i64>,
    /// Paths that redirect here.
    pub redirect_from: &'static [&'static str],
    /// This page is shown for unknown paths.
    pub not_found: bool,
    /// Builds the layout from the URL's values.
    pub layout: fn(&PageArgs) -> Result<Value, PageParamError>,
    /// `app = ".."`: the named app it belongs to (`None`: every app that takes it, see
    /// [`crate::apps`]).
    pub app: Option<&'static str>,
}

inventory::collect!(PageSpec);

/// A registered page, as navigation menus and the router see it.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The URL path (`/analytics`; for templates, variables replaced by `none` as Dash does).
    pub path: String,
    /// The path template, if any.
    pub path_template: Option<String>,
    /// The display name.
    pub name: String,
    /// The title (may hold `{var}` placeholders for template pages).
    pub title: String,
    /// The description for meta tags.
    pub description: String,
    /// The image for meta tags, if any.
    pub image: Option<String>,
    /// The sort order, if given.
    pub order: Option<i64>,
    /// Paths that redirect here.
    pub redirect_from: Vec<String>,
    /// Whether this is the 404 page.
    pub not_found: bool,
    /// `module::function` of the layout function.
    pub module: String,
    /// `file:line` of the declaration.
    pub location: String,
    #[serde(skip)]
    pub(crate) spec: Option<&'static PageSpec>,
}

impl Page {
    /// The URL path under the app's requests prefix (`relative_path` in Dash).
    pub fn relative_path(&self, requests_prefix: &str) -> String {
        format!("{}{}", requests_prefix.trim_end_matches('/'), self.path)
    }

    /// The title with `{var}` placeholders filled from path variables.
    pub fn title_for(&self, vars: &[(String, String)]) -> String {
        let mut title = self.title.clone();
        for (k, v) in vars {
            title = title.replace(&format!("{{{k}}}"), v);
        }
        title
    }

    pub(crate) fn from_spec(spec: &'static PageSpec, app_title: &str) -> Page {
        let last = spec.fn_name;
        let name = spec.name.map(str::to_owned).unwrap_or_else(|| {
            let words = last.replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        });
        let path = match (spec.path, spec.path_template) {
            (Some(p), _) => p.to_owned(),
            (None, Some(t)) => template_placeholder_path(t),
            (None, None) if spec.not_found => "/404".to_owned(),
            (None, None) => format!("/{}", last.replace('_', "-").to_lowercase()),
        };
        let title = spec.title.map(str::to_owned).unwrap_or_else(|| {
            if app_title != "Dash" {
                app_title.to_owned()
            } else {
                name.clone()
            }
        });
        Page {
            path,
            path_template: spec.path_template.map(str::to_owned),
            name,
            title,
            description: spec.description.unwrap_or("").to_owned(),
            image: spec.image.map(str::to_owned),
            order: spec.order,
            redirect_from: spec.redirect_from.iter().map(|s| (*s).to_owned()).collect(),
            not_found: spec.not_found,
            module: format!("{}::{}", spec.module, spec.fn_name),
            location: format!("{}:{}", spec.file, spec.line),
            spec: Some(spec),
        }
    }
}

/// `/report/<id>` → `/report/none`, as Dash infers a template page's path.
fn template_placeholder_path(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(end) => {
                out.push_str("none");
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every registered page in Dash's order: pages with an `order` first (by order), then the
/// rest by module path; without any order, the page at `/` comes first. Build navigation
/// menus from it.
///
/// ```
/// use dash_runtime::prelude::*;
/// let nav: Vec<dcc::Link> = page_registry()
///     .into_iter()
///     .filter(|page| !page.not_found)
///     .map(|page| dcc::link(page.name.clone()).href(page.path.clone()))
///     .collect();
/// ```
pub fn page_registry() -> Vec<Page> {
    pages_for("Dash", &AppSelection::default())
}

/// The pages of one named app (its own and those naming no app), for its navigation menu
/// when one process serves several apps (see [`crate::apps`]).
pub fn page_registry_of(app: &str) -> Vec<Page> {
    let selection = AppSelection {
        name: Some(app.to_owned()),
        modules: Vec::new(),
    };
    pages_for("Dash", &selection)
}

/// The pages `selection` takes, with titles defaulting to the app's title (when it is not
/// "Dash").
pub(crate) fn pages_for(app_title: &str, selection: &AppSelection) -> Vec<Page> {
    let specs: Vec<&'static PageSpec> = inventory::iter::<PageSpec>()
        .filter(|s| selection.includes(s.app, s.module))
        .collect();
    let any_order = specs.iter().any(|s| s.order.is_some());
    let mut pages: Vec<Page> = specs
        .into_iter()
        .map(|s| Page::from_spec(s, app_title))
        .collect();
    if !any_order {
        for page in &mut pages {
            if page.path == "/" {
                page.order = Some(0);
            }
        }
    }
    pages.sort_by(|a, b| match (a.order, b.order) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.module.cmp(&b.module)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.module.cmp(&b.module),
    });
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_paths() {
        assert_eq!(template_placeholder_path("/report/<id>"), "/report/none");
        assert_eq!(template_placeholder_path("/a/<x>/b/<y>"), "/a/none/b/none");
    }
}
