//! The index page (§2 of the protocol): built once except for the per-load `end_id`.

use std::fmt::Write;

use serde_json::{json, Map, Value};

use crate::app::Config;
use crate::assets::{AssetsFolder, FrontEnd};
use crate::components::children_props;
use crate::protocol::html_safe_json;

/// The start of every index page, before the per-page meta tags.
const DOC_START: &str = "<!DOCTYPE html>\n<html>\n<head>\n";

/// The index page split around the per-page meta tags and the config's `end_id`.
pub(crate) struct IndexTemplate {
    head: String,
    tail: String,
}

use crate::escape::escape_html as escape_attr;

/// `_dash-config` without `end_id`.
pub(crate) fn dash_config(
    config: &Config,
    front_end: &FrontEnd,
    websocket: Option<&Value>,
) -> Map<String, Value> {
    let q = &config.requests_prefix;
    let dev = config.dev_tools;
    let mut c = Map::new();
    c.insert("url_base_pathname".into(), json!(config.url_base_pathname));
    c.insert("requests_pathname_prefix".into(), json!(q));
    c.insert("ui".into(), json!(dev.ui));
    c.insert("props_check".into(), json!(dev.props_check));
    c.insert("disable_version_check".into(), json!(true));
    c.insert("show_undo_redo".into(), json!(config.show_undo_redo));
    c.insert(
        "suppress_callback_exceptions".into(),
        json!(config.suppress_callback_exceptions),
    );
    c.insert("update_title".into(), json!(config.update_title));
    c.insert("children_props".into(), children_props());
    c.insert("serve_locally".into(), json!(config.serve_locally));
    c.insert("dash_version".into(), json!("4.4.1"));
    c.insert(
        "python_version".into(),
        json!(concat!("dash-rs ", env!("CARGO_PKG_VERSION"))),
    );
    c.insert("dash_version_url".into(), json!(""));
    c.insert("ddk_version".into(), Value::Null);
    c.insert("plotly_version".into(), Value::Null);
    c.insert("validate_callbacks".into(), json!(dev.validate_callbacks));
    c.insert("csrf_token_name".into(), json!("_csrf_token"));
    c.insert("csrf_header_name".into(), json!("X-CSRFToken"));
    c.insert("plotly_cloud_installed".into(), json!(false));
    if !config.serve_locally {
        c.insert("plotlyjs_url".into(), json!(front_end.plotly_url(q)));
    }
    if dev.hot_reload {
        c.insert(
            "hot_reload".into(),
            json!({"interval": dev.hot_reload_interval_ms, "max_retry": dev.hot_reload_max_retry}),
        );
    }
    if let Some(layout) = &config.validation_layout {
        c.insert("validation_layout".into(), layout.clone());
    }
    if dev.ui {
        c.insert("dev_tools".into(), json!([]));
    }
    if let Some(websocket) = websocket {
        c.insert("websocket".into(), websocket.clone());
    }
    c
}

impl IndexTemplate {
    pub fn new(
        config: &Config,
        front_end: &FrontEnd,
        assets: &AssetsFolder,
        inline_clientside: &[(String, &'static str)],
        websocket: Option<&Value>,
    ) -> Self {
        let q = &config.requests_prefix;
        let mut metas = String::new();
        let user_has = |attr: &str, value: Option<&str>| {
            config.meta_tags.iter().any(|tag| {
                tag.iter()
                    .any(|(k, v)| k == attr && value.is_none_or(|want| v == want))
            })
        };
        if !user_has("http-equiv", Some("X-UA-Compatible")) {
            metas.push_str("<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n");
        }
        if !user_has("charset", None) {
            metas.push_str("<meta charset=\"UTF-8\">\n");
        }
        if !user_has("name", Some("viewport")) {
            metas.push_str(
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            );
        }
        for tag in &config.meta_tags {
            metas.push_str("<meta");
            for (k, v) in tag {
                let _ = write!(metas, " {}=\"{}\"", escape_attr(k), escape_attr(v));
            }
            metas.push_str(">\n");
        }

        let mut css = String::new();
        let themes = front_end.theme_links(q, &config.themes);
        if !themes.is_empty() {
            css.push_str(&themes);
            css.push('\n');
        }
        for url in &config.external_stylesheets {
            let _ = writeln!(
                css,
                "<link rel=\"stylesheet\" href=\"{}\">",
                escape_attr(url)
            );
        }
        let dev_bundles = config.dev_tools.serve_dev_bundles;
        let library_css = front_end.component_library_stylesheets(q, dev_bundles);
        if !library_css.is_empty() {
            css.push_str(&library_css);
            css.push('\n');
        }
        css.push_str(&assets.css_links(q));

        let mut scripts = front_end.dependency_scripts(q, config.dev_tools.props_check);
        scripts.push('\n');
        for url in &config.external_scripts {
            let _ = writeln!(scripts, "<script src=\"{}\"></script>", escape_attr(url));
        }
        let library_js = front_end.component_library_scripts(q, dev_bundles);
        if !library_js.is_empty() {
            scripts.push_str(&library_js);
            scripts.push('\n');
        }
        scripts.push_str(&assets.script_tags(q));
        scripts.push('\n');
        scripts.push_str(&front_end.library_scripts(q, config.dev_tools.serve_dev_bundles));
        scripts.push('\n');
        for (name, source) in inline_clientside {
            // The source is the app author's own JavaScript; only a literal `</script` could
            // end the tag early, so that one sequence is broken up.
            let source = source.replace("</script", "<\\/script");
            let _ = writeln!(
                scripts,
                "<script>(function(){{var c=window.dash_clientside=window.dash_clientside||{{}};\
                 var ns=c[\"{ns}\"]=c[\"{ns}\"]||{{}};ns[\"{name}\"]={source};}})();</script>",
                ns = crate::callback::Clientside::INLINE_NAMESPACE,
            );
        }

        let config_json = html_safe_json(&Value::Object(dash_config(config, front_end, websocket)));
        // Re-open the object so each page load can append its own end_id.
        let config_open = config_json.strip_suffix('}').unwrap_or("{").to_owned();

        let head = format!(
            "{metas}<title>{title}</title>\n{favicon}\n{css}</head>\n<body>\n\
             <div id=\"react-entry-point\"><div class=\"_dash-loading\">Loading...</div></div>\n\
             <footer>\n<script id=\"_dash-config\" type=\"application/json\">{config_open}",
            title = escape_attr(&config.title),
            favicon = format_args!(
                "<link rel=\"icon\" type=\"image/x-icon\" href=\"{}\">",
                escape_attr(&assets.favicon_href(q))
            ),
        );
        let tail = format!(
            "}}</script>\n{scripts}<script id=\"_dash-renderer\" type=\"application/javascript\">var renderer = new DashRenderer();</script>\n</footer>\n</body>\n</html>\n"
        );
        IndexTemplate { head, tail }
    }

    /// The page for one load, with its own `end_id` and the meta tags of the page shown
    /// (empty for apps without pages).
    pub fn render(&self, end_id: &str, page_metas: &str) -> String {
        let mut page = String::with_capacity(
            DOC_START.len() + page_metas.len() + self.head.len() + self.tail.len() + 128,
        );
        page.push_str(DOC_START);
        page.push_str(page_metas);
        page.push_str(&self.head);
        if !self.head.ends_with('{') {
            page.push(',');
        }
        page.push_str("\"end_id\":");
        page.push_str(&html_safe_json(end_id));
        page.push_str(&self.tail);
        page
    }
}
