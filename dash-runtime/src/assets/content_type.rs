//! `Content-Type` from a file name's extension.

/// The type of a `_dash-component-suites` file (protocol §2.6).
///
/// ```
/// use dash_runtime::assets::content_type::for_suite;
/// assert_eq!(for_suite("dcc/async-graph.js"), "text/javascript; charset=utf-8");
/// assert_eq!(for_suite("dcc/async-graph.js.map"), "application/json");
/// ```
pub fn for_suite(path: &str) -> &'static str {
    match extension(path).as_deref() {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("map" | "json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// The type of a file of the app's assets folder.
pub fn for_asset(path: &str) -> &'static str {
    match extension(path).as_deref() {
        Some("js" | "mjs" | "cjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "application/xml",
        Some("json" | "map") => "application/json",
        Some("geojson") => "application/geo+json",
        Some("webmanifest") => "application/manifest+json",
        Some("wasm") => "application/wasm",
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("bmp") => "image/bmp",
        Some("ico") => "image/x-icon",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("eot") => "application/vnd.ms-fontobject",
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("ogg" | "oga") => "audio/ogg",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        _ => "application/octet-stream",
    }
}

fn extension(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_types_follow_the_protocol() {
        assert_eq!(
            for_suite("dash-renderer/build/dash_renderer.min.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(for_suite("x/y.css"), "text/css; charset=utf-8");
        assert_eq!(for_suite("dash_table/bundle.js.map"), "application/json");
        assert_eq!(for_suite("dcc/LICENSE"), "application/octet-stream");
        assert_eq!(for_suite("dcc.d/file"), "application/octet-stream");
    }

    #[test]
    fn asset_types() {
        assert_eq!(for_asset("img/logo.PNG"), "image/png");
        assert_eq!(for_asset("favicon.ico"), "image/x-icon");
        assert_eq!(for_asset("app.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(for_asset("noext"), "application/octet-stream");
    }
}
