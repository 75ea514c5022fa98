//! Conformance of the MCP server: the `hello` example against its Python Dash 4.4.1 twin,
//! both with `DASH_MCP_ENABLED=true` (the twin on Flask: Dash 4.4.1's FastAPI backend answers
//! `/_mcp` with 500).
//!
//! Compared: `initialize`, `tools/list` (names, output summaries, argument names; the input
//! schemas side by side, ours typed from the Rust parameters where Python's are loose),
//! `tools/call` answers of hello's two callbacks, `get_dash_component`, `resources/list` and
//! `resources/read` of the layout and the components. Then a client from the official Python
//! MCP SDK (`conformance/python/mcp_client.py`) connects to the Rust `hello`, lists its tools
//! and calls the greeting.
//!
//! Run: `cargo nextest run -p dash-e2e --test conformance_mcp --no-capture`.

use std::process::Command;

use dash_e2e::conformance_support::{Pair, Report, Server, TIMEOUT};
use dash_e2e::http;
use dash_e2e::python::{ensure_venv, twins_dir, PythonServer};
use serde_json::{json, Value};

/// One JSON-RPC call to `<base>/_mcp`, as a Streamable HTTP client sends it.
fn rpc(server: &Server, id: u64, method: &str, params: Value) -> Value {
    let url = format!("{}/_mcp", server.base);
    let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
    let response = http::request_with_headers(
        "POST",
        &url,
        Some(("application/json", body.as_bytes())),
        &[
            ("Accept", "application/json, text/event-stream"),
            ("MCP-Protocol-Version", "2025-11-25"),
        ],
        TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    assert_eq!(
        response.status,
        200,
        "{method} at {url}: {}",
        response.text()
    );
    serde_json::from_str(&response.text())
        .unwrap_or_else(|e| panic!("{method} at {url} is not JSON ({e}): {}", response.text()))
}

fn result(answer: &Value) -> &Value {
    answer.get("result").unwrap_or(answer)
}

fn tools_by_name(list: &Value) -> Vec<(String, Value)> {
    result(list)["tools"]
        .as_array()
        .map(|tools| {
            tools
                .iter()
                .map(|t| (t["name"].as_str().unwrap_or_default().to_owned(), t.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The first line of a tool description: the output summary both servers write.
fn summary(tool: &Value) -> Value {
    json!(tool["description"]
        .as_str()
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default())
}

fn argument_names(tool: &Value) -> Value {
    let mut names: Vec<&String> = tool["inputSchema"]["properties"]
        .as_object()
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    names.sort();
    json!(names)
}

fn type_of(schema: &Value) -> String {
    match (schema.get("type"), schema.get("anyOf")) {
        (Some(t), _) => t.to_string(),
        (None, Some(any)) => any
            .as_array()
            .map(|alts| {
                let types: Vec<String> = alts.iter().map(|a| a["type"].to_string()).collect();
                format!("anyOf {}", types.join("|"))
            })
            .unwrap_or_default(),
        _ => "any".to_owned(),
    }
}

/// The JSON text of a resource's first content.
fn resource_json(answer: &Value) -> Value {
    let text = result(answer)["contents"][0]["text"]
        .as_str()
        .unwrap_or("null");
    serde_json::from_str(text).unwrap_or(Value::Null)
}

#[test]
fn conformance_mcp_hello_against_python_and_the_official_client() {
    // Both servers read it: the Python twin inherits this process's environment.
    std::env::set_var("DASH_MCP_ENABLED", "true");
    let pair = Pair::start_on(
        "hello",
        PythonServer::FlaskDev,
        &[("DASH_MCP_ENABLED", "true")],
    );
    let mut report = Report::new(format!("hello (MCP): Rust vs {}", pair.python_label));
    let (py, rs) = (&pair.python, &pair.rust);

    let init_params = json!({
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "conformance", "version": "1"},
    });
    let (py_init, rs_init) = (
        rpc(py, 1, "initialize", init_params.clone()),
        rpc(rs, 1, "initialize", init_params),
    );
    for field in ["protocolVersion", "capabilities"] {
        report.check(
            &format!("initialize {field}"),
            &result(&py_init)[field],
            &result(&rs_init)[field],
        );
    }
    report.row(
        "initialize serverInfo",
        &result(&py_init)["serverInfo"].to_string(),
        &result(&rs_init)["serverInfo"].to_string(),
        "each names itself",
    );

    let (py_tools, rs_tools) = (
        tools_by_name(&rpc(py, 2, "tools/list", json!({}))),
        tools_by_name(&rpc(rs, 2, "tools/list", json!({}))),
    );
    let names = |tools: &[(String, Value)]| json!(tools.iter().map(|(n, _)| n).collect::<Vec<_>>());
    report.check("tools/list names", &names(&py_tools), &names(&rs_tools));
    for (name, py_tool) in &py_tools {
        let Some((_, rs_tool)) = rs_tools.iter().find(|(n, _)| n == name) else {
            continue;
        };
        if name == "get_dash_component" {
            report.check(
                "get_dash_component arguments",
                &argument_names(py_tool),
                &argument_names(rs_tool),
            );
            continue;
        }
        report.check(
            &format!("{name} summary"),
            &summary(py_tool),
            &summary(rs_tool),
        );
        report.check(
            &format!("{name} arguments"),
            &argument_names(py_tool),
            &argument_names(rs_tool),
        );
        let args = rs_tool["inputSchema"]["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (arg, rs_schema) in &args {
            let py_schema = &py_tool["inputSchema"]["properties"][arg];
            report.row(
                &format!("{name}({arg}) type"),
                &type_of(py_schema),
                &type_of(rs_schema),
                "ours from the Rust type",
            );
            let rs_type = rs_schema["type"].as_array();
            assert!(
                rs_type.is_some_and(|t| t.iter().any(|t| t == "string" || t == "integer")),
                "{name}({arg}) is typed from its Rust parameter: {rs_schema}"
            );
        }
        report.row(
            &format!("{name} required"),
            &py_tool["inputSchema"]["required"].to_string(),
            &rs_tool["inputSchema"]["required"].to_string(),
            "ours: Option parameters may be left out",
        );
        report.check(
            &format!("{name} outputSchema title"),
            &py_tool["outputSchema"]["title"],
            &rs_tool["outputSchema"]["title"],
        );
    }

    let calls = [
        ("greet", json!({"name": "Ada"})),
        ("greet", json!({"name": ""})),
        ("greet", json!({})),
        ("count_clicks", json!({"n_clicks": 3, "name": "Ada"})),
        ("count_clicks", json!({"n_clicks": 3})),
    ];
    for (i, (tool, arguments)) in calls.iter().enumerate() {
        let params = json!({"name": tool, "arguments": arguments});
        let (py_answer, rs_answer) = (
            rpc(py, 10 + i as u64, "tools/call", params.clone()),
            rpc(rs, 10 + i as u64, "tools/call", params),
        );
        report.check(
            &format!("tools/call {tool} {arguments}"),
            &result(&py_answer)["structuredContent"],
            &result(&rs_answer)["structuredContent"],
        );
        report.check(
            &format!("tools/call {tool} isError"),
            &result(&py_answer)["isError"],
            &result(&rs_answer)["isError"],
        );
    }
    let unknown = json!({"name": "no_such_tool", "arguments": {}});
    report.check(
        "tools/call unknown tool: error code",
        &rpc(py, 20, "tools/call", unknown.clone())["error"]["code"],
        &rpc(rs, 20, "tools/call", unknown)["error"]["code"],
    );

    for component in ["greeting", "name", "btn"] {
        let params =
            json!({"name": "get_dash_component", "arguments": {"component_id": component}});
        report.check(
            &format!("get_dash_component {component}"),
            &result(&rpc(py, 30, "tools/call", params.clone()))["structuredContent"],
            &result(&rpc(rs, 30, "tools/call", params))["structuredContent"],
        );
    }

    let uris = |answer: &Value| {
        json!(result(answer)["resources"]
            .as_array()
            .map(|r| r.iter().map(|r| r["uri"].clone()).collect::<Vec<_>>())
            .unwrap_or_default())
    };
    report.check(
        "resources/list uris",
        &uris(&rpc(py, 40, "resources/list", json!({}))),
        &uris(&rpc(rs, 40, "resources/list", json!({}))),
    );
    report.check(
        "resources/templates/list",
        &result(&rpc(py, 41, "resources/templates/list", json!({})))["resourceTemplates"],
        &result(&rpc(rs, 41, "resources/templates/list", json!({})))["resourceTemplates"],
    );
    for uri in ["dash://layout", "dash://components"] {
        let params = json!({"uri": uri});
        report.check(
            &format!("resources/read {uri}"),
            &resource_json(&rpc(py, 42, "resources/read", params.clone())),
            &resource_json(&rpc(rs, 42, "resources/read", params)),
        );
    }

    // The official Python SDK's client, against the Rust server.
    let venv = ensure_venv().unwrap_or_else(|e| panic!("no Python venv: {e}"));
    let output = Command::new(venv.join("bin").join("python"))
        .arg("mcp_client.py")
        .arg(format!("{}/_mcp", rs.base))
        .current_dir(twins_dir())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("the MCP client runs");
    assert!(
        output.status.success(),
        "the official MCP client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: Value = serde_json::from_slice(&output.stdout).expect("the client prints JSON");
    let tool_names: Vec<&str> = seen["tools"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    report.check(
        "official client: tools",
        &json!(["greet", "count_clicks", "get_dash_component"]),
        &json!(tool_names),
    );
    report.check(
        "official client: greet Ada",
        &json!({"multi": true, "response": {"greeting": {"children": "Hello, Ada!"}}}),
        &seen["greet"]["structuredContent"],
    );
    report.check(
        "official client: resources",
        &json!(["dash://layout", "dash://components"]),
        &seen["resources"],
    );
    report.notes.push(format!(
        "official client (mcp 2.3.0) negotiated protocol {} with {}",
        seen["protocolVersion"], seen["server"]
    ));
    report.finish();
}
