//! Protocol tests of pages: the registry, the routing callback, templates and query
//! parameters, redirects, the 404 page and the index meta tags.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use dash_runtime::prelude::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

#[page(path = "/", name = "Home", redirect_from = ["/old-home", "/start"])]
fn home() -> html::Div {
    html::div(html::h1("Home").id("home-title"))
}

#[page(path = "/analytics", description = "Numbers", image = "chart.png")]
fn analytics() -> html::Div {
    html::div(html::h1("Analytics").id("analytics-title"))
}

#[page(path_template = "/report/<report_id>", title = "Report {report_id}")]
fn report(report_id: u32, tab: Option<String>, tag: Vec<String>) -> html::Div {
    html::div(format!("report {report_id} tab {tab:?} tags {tag:?}")).id("report-body")
}

#[page(not_found, title = "Lost")]
fn lost() -> html::Div {
    html::div(html::h2("Page not found").id("lost"))
}

async fn app(builder: Dash) -> Router {
    builder
        .serve_locally(false)
        .build()
        .await
        .expect("app builds")
        .router()
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, Option<String>, String) {
    let resp = router.clone().oneshot(req).await.expect("answer");
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        location,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "example.test")
        .body(Body::empty())
        .expect("req")
}

async fn route(router: &Router, pathname: &str, search: &str) -> Value {
    let body = json!({
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    });
    let req = Request::post("/_dash-update-component")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("req");
    let (status, _, body) = send(router, req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str::<Value>(&body).expect("json")["response"].clone()
}

#[test]
fn registry_order_and_inferred_fields() {
    let pages = page_registry();
    let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths[0], "/",
        "the page at / comes first without orders: {paths:?}"
    );
    let report = pages
        .iter()
        .find(|p| p.path_template.is_some())
        .expect("report");
    assert_eq!(report.path, "/report/none");
    assert_eq!(report.name, "Report");
    assert_eq!(
        report.title_for(&[("report_id".into(), "7".into())]),
        "Report 7"
    );
    let analytics = pages
        .iter()
        .find(|p| p.path == "/analytics")
        .expect("analytics");
    assert_eq!(analytics.name, "Analytics");
    assert!(pages.iter().any(|p| p.not_found));
}

#[tokio::test]
async fn default_layout_is_the_page_container_and_router_is_registered() {
    let router = app(Dash::new()).await;
    let (_, _, layout) = send(&router, get("/_dash-layout")).await;
    assert!(
        layout.contains("_pages_location") && layout.contains("_pages_content"),
        "{layout}"
    );
    let (_, _, deps) = send(&router, get("/_dash-dependencies")).await;
    let deps: Vec<Value> = serde_json::from_str(&deps).expect("json");
    let routing = deps
        .iter()
        .find(|d| d["output"] == ".._pages_content.children..._pages_store.data..")
        .expect("routing callback");
    assert_eq!(routing["prevent_initial_call"], true);
    assert_eq!(
        routing["inputs"],
        json!([{"id": "_pages_location", "property": "pathname"}, {"id": "_pages_location", "property": "search"}])
    );
    let title = deps
        .iter()
        .find(|d| d["output"] == "_pages_dummy.children")
        .expect("title callback");
    // The front end checks callbacks against every page's layout, not the empty container.
    let (_, _, index) = send(&router, get("/")).await;
    let start = index.find("application/json\">").expect("config") + "application/json\">".len();
    let end = start + index[start..].find("</script>").expect("config end");
    let config: Value = serde_json::from_str(&index[start..end]).expect("config json");
    let validation = config["validation_layout"].to_string();
    assert!(
        validation.contains("analytics-title") && validation.contains("_pages_content"),
        "{validation}"
    );
    assert_eq!(
        title["clientside_function"]["namespace"],
        "_dashprivate_clientside_funcs"
    );
}

#[tokio::test]
async fn routing_pages_templates_queries_and_404() {
    let router = app(Dash::new()).await;
    let home = route(&router, "/", "").await;
    assert!(home["_pages_content"]["children"]
        .to_string()
        .contains("home-title"));
    assert_eq!(home["_pages_store"]["data"], json!({"title": "Home"}));

    let report = route(&router, "/report/42", "?tab=x&tag=a&tag=b").await;
    assert_eq!(
        report["_pages_content"]["children"]["props"]["children"],
        "report 42 tab Some(\"x\") tags [\"a\", \"b\"]"
    );
    assert_eq!(
        report["_pages_store"]["data"],
        json!({"title": "Report 42"})
    );

    // A template value that does not fit the parameter type is not found.
    let bad = route(&router, "/report/abc", "").await;
    assert!(bad["_pages_content"]["children"]
        .to_string()
        .contains("lost"));
    assert_eq!(bad["_pages_store"]["data"], json!({"title": "Lost"}));

    let missing = route(&router, "/no/such/page", "").await;
    assert!(missing["_pages_content"]["children"]
        .to_string()
        .contains("Page not found"));

    // Trailing slashes do not matter.
    let analytics = route(&router, "/analytics/", "").await;
    assert!(analytics["_pages_content"]["children"]
        .to_string()
        .contains("analytics-title"));
}

#[tokio::test]
async fn redirects_and_meta_tags() {
    let router = app(Dash::new()).await;
    for from in ["/old-home", "/start"] {
        let (status, location, _) = send(&router, get(from)).await;
        assert_eq!(
            (status, location.as_deref()),
            (StatusCode::MOVED_PERMANENTLY, Some("/"))
        );
    }
    let (status, _, index) = send(&router, get("/analytics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        index.contains(r#"<meta name="description" content="Numbers">"#),
        "{index}"
    );
    assert!(index.contains(r#"<meta property="og:title" content="Analytics">"#));
    assert!(
        index.contains(r#"<meta property="twitter:url" content="http://example.test/analytics">"#)
    );
    assert!(index
        .contains(r#"<meta property="og:image" content="http://example.test/assets/chart.png">"#));
    let (_, _, report) = send(&router, get("/report/9")).await;
    assert!(report.contains(r#"<meta property="twitter:title" content="Report 9">"#));
}

#[tokio::test]
async fn pages_under_a_prefix() {
    let router = app(Dash::new().url_base_pathname("/app/")).await;
    let (status, location, _) = send(&router, get("/app/old-home")).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::MOVED_PERMANENTLY, Some("/app/"))
    );
    let analytics = route_prefixed(&router).await;
    assert!(analytics.contains("analytics-title"), "{analytics}");
}

async fn route_prefixed(router: &Router) -> String {
    let body = json!({
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": "/app/analytics"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
    });
    let req = Request::post("/app/_dash-update-component")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("req");
    send(router, req).await.2
}

#[tokio::test]
async fn a_layout_without_page_container_is_refused() {
    let err = Dash::new()
        .serve_locally(false)
        .layout(html::div("no container"))
        .build()
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("page container"), "{err}");
}
