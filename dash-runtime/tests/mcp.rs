//! The MCP server over real HTTP: the handshake, callback tools with typed input schemas and
//! doc-comment descriptions, opting out, calling tools (plain, failing, pattern-matching,
//! background as a task), `get_dash_component`, `#[mcp_tool]` functions, the resources, and
//! bad requests answered without harming the server.

use std::time::{Duration, Instant};

use dash_runtime::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Greets the person typed into the name box.
#[callback(output = Output("greeting", "children"), inputs = [Input("name", "value")])]
fn greet(name: Option<String>) -> String {
    format!("Hello, {}!", name.unwrap_or_else(|| "stranger".into()))
}

/// The label, upper-cased, repeated `times` times.
#[callback(
    output = Output("shout", "children"),
    inputs = [Input("times", "value")],
    state = [State("name", "value")]
)]
fn shout(times: u32, name: String) -> String {
    name.to_uppercase().repeat(times as usize)
}

/// Never offered to agents.
#[callback(output = Output("secret", "children"), inputs = [Input("name", "value")], mcp = false)]
fn secret(name: Option<String>) -> String {
    format!("secret {}", name.unwrap_or_default())
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
struct Filter {
    /// The smallest value kept.
    min: i64,
    region: Option<String>,
}

/// Filters rows.
#[callback(
    output = Output("filtered", "children"),
    inputs = [Input("filter-store", "data")],
    prevent_initial_call = true
)]
fn filter_rows(filter: Filter) -> String {
    format!(
        "min {} in {}",
        filter.min,
        filter.region.unwrap_or_else(|| "all".into())
    )
}

#[callback(
    output = Output("boom-out", "children"),
    inputs = [Input("boom", "n_clicks")],
    prevent_initial_call = true
)]
fn boom(_clicks: Option<u64>) -> String {
    panic!("this callback always fails")
}

/// Sums the values of every row input.
#[callback(
    output = Output("total", "children"),
    inputs = [Input({"type": "row", "index": ALL}, "value")]
)]
fn total(values: Vec<Option<f64>>) -> String {
    format!("total {}", values.into_iter().flatten().sum::<f64>())
}

/// Counts to n slowly.
#[callback(
    output = Output("job-out", "children"),
    inputs = [Input("job", "n_clicks")],
    background = true,
    prevent_initial_call = true
)]
async fn slow_job(clicks: Option<u64>) -> String {
    tokio::time::sleep(Duration::from_millis(300)).await;
    format!("Done {}", clicks.unwrap_or(0))
}

/// Revenue of one region in one month, in euros.
#[mcp_tool]
fn revenue(region: String, month: u32) -> Result<f64, String> {
    match region.as_str() {
        "north" => Ok(1000.0 * f64::from(month)),
        _ => Err(format!("no region {region}")),
    }
}

#[mcp_tool(name = "list_regions")]
async fn regions() -> Vec<String> {
    vec!["north".into(), "south".into()]
}

fn app() -> Dash {
    let db = std::env::temp_dir().join(format!(
        "dash-rs-mcp-{}-{}.sqlite",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    Dash::new()
        .mcp(true)
        .background_manager(dash_runtime::background::BackgroundManager::embedded_at(db))
        .layout(html::div((
            html::label("Your name").html_for("name"),
            dcc::Input::new().id("name").value("Ada"),
            html::Div::new().id("greeting"),
            dcc::Input::new().id("times").value(2),
            html::Div::new().id("shout"),
            html::Div::new().id("secret"),
            dcc::Store::new().id("filter-store"),
            html::Div::new().id("filtered"),
            html::button("Boom").id("boom"),
            html::Div::new().id("boom-out"),
            dcc::Input::new()
                .id(json!({"type": "row", "index": 0}))
                .value(1.5),
            dcc::Input::new()
                .id(json!({"type": "row", "index": 1}))
                .value(2),
            html::Div::new().id("total"),
            html::button("Job").id("job"),
            html::Div::new().id("job-out"),
        )))
}

struct Served {
    addr: std::net::SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(app: Dash) -> Served {
    let server = app.build().await.expect("the app builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve_until(listener, async {
        let _ = stopped.await;
    }));
    Served { addr, _stop: stop }
}

/// One raw HTTP/1.1 request; `(status, content type, body)`.
async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    content_type: &str,
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connects");
    let request = format!(
        "{method} /_mcp HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: {content_type}\r\n\
         Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-06-18\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        addr.port(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("writes");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("reads");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(body)
    } else {
        body.to_owned()
    };
    (status, content_type, body)
}

fn unchunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

/// A JSON-RPC request; the `result` (or the whole answer when it is an error).
async fn rpc(addr: std::net::SocketAddr, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).to_string();
    let (status, content_type, text) = http(addr, "POST", "application/json", &body).await;
    assert_eq!(status, 200, "{method}: {text}");
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let answer: Value = serde_json::from_str(&text).expect("a JSON answer");
    assert_eq!(answer["id"], 7);
    match answer.get("result") {
        Some(result) => result.clone(),
        None => answer,
    }
}

async fn call(addr: std::net::SocketAddr, tool: &str, arguments: Value) -> Value {
    rpc(
        addr,
        "tools/call",
        json!({"name": tool, "arguments": arguments}),
    )
    .await
}

fn tool<'a>(tools: &'a Value, name: &str) -> &'a Value {
    tools["tools"]
        .as_array()
        .and_then(|all| all.iter().find(|t| t["name"] == name))
        .unwrap_or_else(|| panic!("no tool {name} in {tools}"))
}

#[tokio::test]
async fn initialize_answers_the_server_and_its_capabilities() {
    let served = serve(app()).await;
    let init = rpc(
        served.addr,
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
    )
    .await;
    assert_eq!(init["protocolVersion"], "2025-06-18");
    assert_eq!(init["serverInfo"]["name"], "dash-rs");
    assert_eq!(init["capabilities"]["tools"]["listChanged"], true);
    assert_eq!(init["capabilities"]["resources"]["listChanged"], true);
    assert!(init["instructions"]
        .as_str()
        .is_some_and(|s| s.contains("Dash")));
}

#[tokio::test]
async fn tools_are_typed_from_the_rust_parameters_and_described_by_doc_comments() {
    let served = serve(app()).await;
    let tools = rpc(served.addr, "tools/list", json!({})).await;
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for expected in [
        "greet",
        "shout",
        "filter_rows",
        "boom",
        "total",
        "slow_job",
        "get_dash_component",
        "get_background_task_result",
        "cancel_background_task",
        "revenue",
        "list_regions",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(!names.contains(&"secret"), "mcp = false is not offered");

    let greet = tool(&tools, "greet");
    assert_eq!(
        greet["description"],
        "greeting.children: Returns content\n\nGreets the person typed into the name box."
    );
    let name = &greet["inputSchema"]["properties"]["name"];
    assert_eq!(name["type"], json!(["string", "null"]));
    let text = name["description"].as_str().expect("a description");
    assert!(text.starts_with("Input is optional."), "{text}");
    assert!(text.contains("Labeled with: Your name"), "{text}");
    assert!(text.contains("value: \"Ada\""), "{text}");
    assert!(greet["inputSchema"].get("required").is_none());
    assert_eq!(greet["outputSchema"]["title"], "CallbackExecutionResponse");

    let shout = tool(&tools, "shout");
    assert_eq!(shout["inputSchema"]["required"], json!(["times", "name"]));
    assert_eq!(
        shout["inputSchema"]["properties"]["times"]["type"],
        "integer"
    );
    assert_eq!(shout["inputSchema"]["properties"]["times"]["minimum"], 0);
    assert_eq!(shout["inputSchema"]["properties"]["name"]["type"], "string");

    let filter = &tool(&tools, "filter_rows")["inputSchema"]["properties"]["filter"];
    assert_eq!(filter["type"], "object");
    assert_eq!(filter["properties"]["min"]["type"], "integer");
    assert_eq!(
        filter["properties"]["min"]["description"],
        "The smallest value kept."
    );
    assert_eq!(filter["required"], json!(["min"]));

    let total = &tool(&tools, "total")["inputSchema"]["properties"]["values"];
    assert_eq!(total["type"], "array");
    assert_eq!(total["items"]["required"], json!(["id", "value"]));

    let job = tool(&tools, "slow_job");
    assert!(job["description"]
        .as_str()
        .is_some_and(|d| d.contains("get_background_task_result")));

    let revenue = tool(&tools, "revenue");
    assert_eq!(
        revenue["description"],
        "Revenue of one region in one month, in euros."
    );
    assert_eq!(
        revenue["inputSchema"]["required"],
        json!(["region", "month"])
    );
    assert_eq!(
        revenue["outputSchema"]["properties"]["result"]["type"],
        "number"
    );
}

#[tokio::test]
async fn calling_a_callback_tool_answers_what_the_page_would_get() {
    let served = serve(app()).await;
    let answer = call(served.addr, "greet", json!({"name": "Ada"})).await;
    assert_eq!(answer["isError"], false);
    assert_eq!(
        answer["structuredContent"],
        json!({"multi": true, "response": {"greeting": {"children": "Hello, Ada!"}}})
    );
    let text: Value =
        serde_json::from_str(answer["content"][0]["text"].as_str().expect("text")).expect("json");
    assert_eq!(text, answer["structuredContent"]);

    let shouted = call(served.addr, "shout", json!({"times": 3, "name": "bo"})).await;
    assert_eq!(
        shouted["structuredContent"]["response"]["shout"]["children"],
        "BOBOBO"
    );

    let typed = call(
        served.addr,
        "filter_rows",
        json!({"filter": {"min": 5, "region": "north"}}),
    )
    .await;
    assert_eq!(
        typed["structuredContent"]["response"]["filtered"]["children"],
        "min 5 in north"
    );

    // A wrong type is the tool's error, with the argument named; the server keeps serving.
    let wrong = call(served.addr, "shout", json!({"times": "many", "name": "bo"})).await;
    assert_eq!(wrong["isError"], true);
    assert!(
        wrong["content"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("shout")),
        "{wrong}"
    );

    let failed = call(served.addr, "boom", json!({"clicks": 1})).await;
    assert_eq!(failed["isError"], true, "{failed}");
    let again = call(served.addr, "greet", json!({"name": "Bo"})).await;
    assert_eq!(
        again["structuredContent"]["response"]["greeting"]["children"],
        "Hello, Bo!"
    );
}

#[tokio::test]
async fn pattern_matching_inputs_come_from_the_layout_or_the_agent() {
    let served = serve(app()).await;
    let from_layout = call(served.addr, "total", json!({})).await;
    assert_eq!(
        from_layout["structuredContent"]["response"]["total"]["children"],
        "total 3.5"
    );
    let given = call(
        served.addr,
        "total",
        json!({"values": [
            {"id": {"type": "row", "index": 0}, "value": 10},
            {"id": {"type": "row", "index": 1}, "value": 5},
        ]}),
    )
    .await;
    assert_eq!(
        given["structuredContent"]["response"]["total"]["children"],
        "total 15"
    );
}

#[tokio::test]
async fn a_background_callback_is_a_task_polled_to_its_result() {
    let served = serve(app()).await;
    let started = call(served.addr, "slow_job", json!({"clicks": 4})).await;
    let text: Value =
        serde_json::from_str(started["content"][0]["text"].as_str().expect("text")).expect("json");
    assert_eq!(text["status"], "working");
    let task_id = text["taskId"].as_str().expect("a task id").to_owned();
    assert!(task_id.starts_with("slow_job:"));

    let deadline = Instant::now() + Duration::from_secs(20);
    let result = loop {
        let polled = call(
            served.addr,
            "get_background_task_result",
            json!({"taskId": task_id}),
        )
        .await;
        if polled.get("structuredContent").is_some() {
            break polled;
        }
        let status: Value =
            serde_json::from_str(polled["content"][0]["text"].as_str().expect("text"))
                .expect("json");
        assert_eq!(status["status"], "working", "{polled}");
        assert!(Instant::now() < deadline, "the job did not finish");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        result["structuredContent"]["response"]["job-out"]["children"],
        "Done 4"
    );
    // Read again: the same answer.
    let again = call(
        served.addr,
        "get_background_task_result",
        json!({"taskId": task_id}),
    )
    .await;
    assert_eq!(again["structuredContent"], result["structuredContent"]);

    // A forged task id is refused.
    let forged = task_id.replacen("~", "~00", 1);
    let refused = call(
        served.addr,
        "get_background_task_result",
        json!({"taskId": forged}),
    )
    .await;
    assert_eq!(refused["isError"], true, "{refused}");
}

#[tokio::test]
async fn a_task_can_be_cancelled() {
    let served = serve(app()).await;
    let started = call(served.addr, "slow_job", json!({"clicks": 1})).await;
    let text: Value =
        serde_json::from_str(started["content"][0]["text"].as_str().expect("text")).expect("json");
    let task_id = text["taskId"].as_str().expect("a task id").to_owned();
    let cancelled = call(
        served.addr,
        "cancel_background_task",
        json!({"taskId": task_id}),
    )
    .await;
    let status: Value =
        serde_json::from_str(cancelled["content"][0]["text"].as_str().expect("text"))
            .expect("json");
    assert_eq!(status["status"], "cancelled", "{cancelled}");
}

#[tokio::test]
async fn get_dash_component_reads_initial_values_and_tool_relations() {
    let served = serve(app()).await;
    let answer = call(
        served.addr,
        "get_dash_component",
        json!({"component_id": "greeting"}),
    )
    .await;
    let c = &answer["structuredContent"];
    assert_eq!(c["component_type"], "Div");
    assert_eq!(c["properties"]["children"]["initial_value"], "Hello, Ada!");
    assert_eq!(
        c["properties"]["children"]["modified_by_tool"],
        json!(["greet"])
    );

    let name = call(
        served.addr,
        "get_dash_component",
        json!({"component_id": "name", "property": "value"}),
    )
    .await;
    let c = &name["structuredContent"];
    assert_eq!(c["label"], json!(["Your name"]));
    assert_eq!(c["properties"]["value"]["initial_value"], "Ada");
    assert_eq!(
        c["properties"]["value"]["input_to_tool"],
        json!(["greet", "shout"])
    );
    assert_eq!(c["properties"].as_object().map(|m| m.len()), Some(1));

    let missing = call(
        served.addr,
        "get_dash_component",
        json!({"component_id": "nope"}),
    )
    .await;
    assert_eq!(missing["isError"], true);
}

#[tokio::test]
async fn mcp_tool_functions_answer_their_result_or_their_error() {
    let served = serve(app()).await;
    let ok = call(
        served.addr,
        "revenue",
        json!({"region": "north", "month": 3}),
    )
    .await;
    assert_eq!(ok["structuredContent"], json!({"result": 3000.0}));
    let err = call(
        served.addr,
        "revenue",
        json!({"region": "west", "month": 3}),
    )
    .await;
    assert_eq!(err["isError"], true);
    assert_eq!(err["content"][0]["text"], "no region west");
    let bad = call(served.addr, "revenue", json!({"region": "north"})).await;
    assert_eq!(bad["isError"], true);
    assert!(bad["content"][0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("month")));
    let listed = call(served.addr, "list_regions", json!({})).await;
    assert_eq!(
        listed["structuredContent"],
        json!({"result": ["north", "south"]})
    );
}

#[tokio::test]
async fn resources_list_and_read_the_layout_and_components() {
    let served = serve(app()).await;
    let list = rpc(served.addr, "resources/list", json!({})).await;
    let uris: Vec<&str> = list["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["uri"].as_str())
        .collect();
    assert_eq!(uris, ["dash://layout", "dash://components"]);
    let templates = rpc(served.addr, "resources/templates/list", json!({})).await;
    assert_eq!(templates["resourceTemplates"], json!([]));

    let layout = rpc(
        served.addr,
        "resources/read",
        json!({"uri": "dash://layout"}),
    )
    .await;
    let tree: Value =
        serde_json::from_str(layout["contents"][0]["text"].as_str().expect("text")).expect("json");
    assert_eq!(tree["type"], "Div");
    assert_eq!(tree["props"]["children"][1]["props"]["id"], "name");

    let components = rpc(
        served.addr,
        "resources/read",
        json!({"uri": "dash://components"}),
    )
    .await;
    let list: Value =
        serde_json::from_str(components["contents"][0]["text"].as_str().expect("text"))
            .expect("json");
    assert!(list
        .as_array()
        .is_some_and(|l| l.contains(&json!({"id": "name", "type": "Input"}))));

    let unknown = rpc(served.addr, "resources/read", json!({"uri": "dash://nope"})).await;
    assert!(unknown["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("dash://nope")));
}

#[tokio::test]
async fn bad_requests_get_precise_errors_and_the_server_keeps_serving() {
    let served = serve(app()).await;
    let (status, _, _) = http(served.addr, "POST", "text/plain", "{}").await;
    assert_eq!(status, 415);
    let (status, _, _) = http(served.addr, "POST", "application/json", "{not json").await;
    assert!((400..500).contains(&status), "{status}");
    let unknown = rpc(served.addr, "no/such/method", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);
    let missing = call(served.addr, "no_such_tool", json!({})).await;
    assert_eq!(missing["error"]["code"], -32601);
    let answer = call(served.addr, "greet", json!({"name": "still here"})).await;
    assert_eq!(
        answer["structuredContent"]["response"]["greeting"]["children"],
        "Hello, still here!"
    );
}

#[tokio::test]
async fn without_mcp_the_route_is_not_served() {
    let served = serve(app().mcp(false)).await;
    let (status, _, _) = http(served.addr, "POST", "application/json", "{}").await;
    assert_ne!(status, 200);
}
