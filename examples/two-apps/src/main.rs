//! `two-apps`: two Dash apps side by side in one process, `/sales/` and `/admin/`, with the
//! same component ids and each its own callback (`#[callback(app = "..")]`).
//!
//! Run with `cargo run --release -p two-apps` and open <http://127.0.0.1:8050/sales/> and
//! <http://127.0.0.1:8050/admin/>.

mod admin;
mod sales;

use dash_runtime::prelude::*;

/// The layout both apps share: a title, a search box and its answer.
fn page(title: &str) -> html::Div {
    html::div((
        html::Div::new().id("title").children(title.to_owned()),
        dcc::Input::new().id("q").value(""),
        html::Div::new().id("out"),
    ))
}

fn main() -> Result<(), dash_runtime::Error> {
    dash_runtime::apps::run([sales::app(), admin::app()])
}

#[cfg(test)]
mod tests {
    use dash_runtime::testing::{TestApp, TestError};
    use serde_json::{json, Value};

    #[test]
    fn each_app_runs_its_own_callback() -> Result<(), TestError> {
        let mut sales = TestApp::new(super::sales::app())?;
        let mut admin = TestApp::new(super::admin::app())?;
        assert_eq!(
            (sales.text("title"), admin.text("title")),
            ("Sales".into(), "Admin".into())
        );
        sales.set("q", "value", "shoes")?;
        admin.set("q", "value", "users")?;
        assert_eq!(sales.text("out"), "sales: shoes");
        assert_eq!(admin.text("out"), "admin: users");
        Ok(())
    }

    /// Both apps in one router on one port, as `main` serves them.
    #[tokio::test(flavor = "multi_thread")]
    async fn both_prefixes_answer_with_their_own_callbacks() {
        let servers = vec![
            super::sales::app().build().await.expect("sales builds"),
            super::admin::app().build().await.expect("admin builds"),
        ];
        let router = dash_runtime::server::DashServer::router_of(&servers).expect("one router");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        let http = reqwest::Client::new();
        for (app, other) in [("sales", "admin"), ("admin", "sales")] {
            let deps: Value = http
                .get(format!("{base}/{app}/_dash-dependencies"))
                .send()
                .await
                .expect("dependencies answer")
                .json()
                .await
                .expect("json");
            let outputs: Vec<&str> = deps
                .as_array()
                .expect("a list")
                .iter()
                .filter_map(|d| d["output"].as_str())
                .collect();
            assert_eq!(outputs, ["out.children"], "{app}: {deps}");
            let answer: Value = http
                .post(format!("{base}/{app}/_dash-update-component"))
                .json(&json!({
                    "output": "out.children",
                    "outputs": {"id": "out", "property": "children"},
                    "inputs": [{"id": "q", "property": "value", "value": "x"}],
                    "changedPropIds": ["q.value"],
                }))
                .send()
                .await
                .expect("update answers")
                .json()
                .await
                .expect("json");
            assert_eq!(answer["response"]["out"]["children"], format!("{app}: x"));
            let index = http
                .get(format!("{base}/{app}/"))
                .send()
                .await
                .expect("index answers")
                .text()
                .await
                .expect("text");
            let config = index
                .split_once(r#"<script id="_dash-config" type="application/json">"#)
                .and_then(|(_, rest)| rest.split_once("</script>"))
                .map(|(config, _)| config)
                .expect("the page config");
            let config: Value = serde_json::from_str(config).expect("config json");
            assert_eq!(config["requests_pathname_prefix"], format!("/{app}/"));
            assert!(!index.contains(&format!("/{other}/")), "{index}");
        }
        let outside = http
            .get(format!("{base}/elsewhere/"))
            .send()
            .await
            .expect("answers");
        assert_eq!(outside.status(), 404);
    }
}
