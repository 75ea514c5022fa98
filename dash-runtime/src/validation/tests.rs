//! Unit tests of every check, on callbacks built by hand.

use serde_json::{json, Value};

use super::*;
use crate::callback::dispatch::{Args, CallResult, Handler};
use crate::callback::CallbackSpec;
use crate::dependencies::{Dependency, IdSpec, IdValue, OutputDep, Wildcard};

const MATCH: IdValue = IdValue::Wildcard(Wildcard::Match);
const ALL: IdValue = IdValue::Wildcard(Wildcard::All);
const ALLSMALLER: IdValue = IdValue::Wildcard(Wildcard::AllSmaller);

fn noop(_: &mut Args) -> CallResult {
    Ok(Vec::new())
}

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn s(id: &'static str) -> IdSpec {
    IdSpec::Str(id)
}

fn d(entries: &[(&'static str, IdValue)]) -> IdSpec {
    IdSpec::Dict(leak(entries.to_vec()))
}

/// A callback under construction.
struct Cb {
    name: &'static str,
    line: u32,
    outputs: Vec<OutputDep>,
    inputs: Vec<Dependency>,
    state: Vec<Dependency>,
    prevent: Option<bool>,
}

fn cb(name: &'static str, line: u32) -> Cb {
    Cb {
        name,
        line,
        outputs: Vec::new(),
        inputs: Vec::new(),
        state: Vec::new(),
        prevent: None,
    }
}

impl Cb {
    fn out(mut self, id: IdSpec, property: &'static str) -> Self {
        self.outputs.push(OutputDep {
            id,
            property,
            allow_duplicate: false,
        });
        self
    }
    fn out_dup(mut self, id: IdSpec, property: &'static str) -> Self {
        self.outputs.push(OutputDep {
            id,
            property,
            allow_duplicate: true,
        });
        self.prevent = Some(true);
        self
    }
    fn input(mut self, id: IdSpec, property: &'static str) -> Self {
        self.inputs.push(Dependency {
            id,
            property,
            allow_optional: false,
        });
        self
    }
    fn input_opt(mut self, id: IdSpec, property: &'static str) -> Self {
        self.inputs.push(Dependency {
            id,
            property,
            allow_optional: true,
        });
        self
    }
    fn state(mut self, id: IdSpec, property: &'static str) -> Self {
        self.state.push(Dependency {
            id,
            property,
            allow_optional: false,
        });
        self
    }
    fn prevent(mut self, prevent: bool) -> Self {
        self.prevent = Some(prevent);
        self
    }
    fn build(self) -> &'static CallbackSpec {
        Box::leak(Box::new(CallbackSpec {
            name: self.name,
            module: "app",
            file: "src/app.rs",
            line: self.line,
            multi_output: self.outputs.len() > 1,
            outputs: leak(self.outputs),
            inputs: leak(self.inputs),
            state: leak(self.state),
            prevent_initial_call: self.prevent,
            running: &[],
            handler: Handler::Sync(noop),
            on_error: None,
            timeout: None,
            blocking: false,
            memoize: None,
            websocket: false,
            persistent: false,
            mcp: crate::mcp::McpInfo::NONE,
            app: None,
        }))
    }
}

fn reference(name: &'static str, line: u32) -> CallbackRef {
    CallbackRef {
        name,
        file: "src/app.rs",
        line,
    }
}

fn component(namespace: &str, type_name: &str, id: Value, children: Value) -> Value {
    json!({"type": type_name, "namespace": namespace, "props": {"id": id, "children": children}})
}

fn div(id: Value, children: Value) -> Value {
    component("dash_html_components", "Div", id, children)
}

fn input(id: &str) -> Value {
    component("dash_core_components", "Input", json!(id), Value::Null)
}

/// A layout with a component of an unknown library (properties not checked) for each id.
fn layout_with(ids: &[Value]) -> Value {
    let boxed = |id: &Value| component("test_components", "Box", id.clone(), Value::Null);
    div(Value::Null, Value::Array(ids.iter().map(boxed).collect()))
}

/// Run the checks with every id of the callbacks present (no layout problems expected).
fn problems(callbacks: Vec<&'static CallbackSpec>) -> Vec<Problem> {
    let registry = crate::registry::Registry::from_specs(callbacks, false);
    let options = ValidationOptions {
        suppress_callback_exceptions: true,
        ..Default::default()
    };
    let layout = layout_with(&[]);
    match validate(
        &registry,
        &Layouts::new().add("app layout", &layout),
        &options,
    ) {
        Ok(()) => Vec::new(),
        Err(report) => report.problems,
    }
}

fn problems_with(
    callbacks: Vec<&'static CallbackSpec>,
    layouts: &Layouts<'_>,
    options: &ValidationOptions,
) -> Vec<Problem> {
    let registry = crate::registry::Registry::from_specs(callbacks, false);
    validate(&registry, layouts, options)
        .err()
        .map(|r| r.problems)
        .unwrap_or_default()
}

// ---- duplicate outputs ----

#[test]
fn two_callbacks_writing_one_output() {
    let a = cb("a", 1)
        .out(s("out"), "children")
        .input(s("x"), "value")
        .build();
    let b = cb("b", 2)
        .out(s("out"), "children")
        .out(s("other"), "children")
        .input(s("y"), "value")
        .build();
    assert_eq!(
        problems(vec![a, b]),
        vec![Problem::DuplicateOutput {
            output: "out.children".into(),
            callbacks: vec![reference("a", 1), reference("b", 2)],
            allow_duplicate: false,
        }]
    );
}

#[test]
fn allow_duplicate_lets_all_writers_but_one_share_an_output() {
    let a = cb("a", 1)
        .out(s("out"), "children")
        .input(s("x"), "value")
        .build();
    let b = cb("b", 2)
        .out_dup(s("out"), "children")
        .input(s("y"), "value")
        .build();
    let c = cb("c", 3)
        .out_dup(s("out"), "children")
        .input(s("z"), "value")
        .build();
    assert_eq!(problems(vec![a, b, c]), vec![]);
}

#[test]
fn allow_duplicate_outputs_with_identical_inputs_collide() {
    let a = cb("a", 1)
        .out_dup(s("out"), "children")
        .out(s("o2"), "children")
        .input(s("x"), "value")
        .build();
    let b = cb("b", 2)
        .out_dup(s("out"), "children")
        .input(s("x"), "value")
        .build();
    assert_eq!(
        problems(vec![a, b]),
        vec![Problem::DuplicateOutput {
            output: "out.children".into(),
            callbacks: vec![reference("a", 1), reference("b", 2)],
            allow_duplicate: true,
        }]
    );
}

#[test]
fn identical_descriptors_are_reported_once() {
    let a = cb("a", 1)
        .out(s("out"), "children")
        .input(s("x"), "value")
        .build();
    let b = cb("b", 2)
        .out(s("out"), "children")
        .input(s("y"), "value")
        .build();
    let c = cb("c", 3).input(s("x"), "value").build();
    let d = cb("d", 4).input(s("x"), "value").build();
    let found = problems(vec![a, b, c, d]);
    assert_eq!(
        found,
        vec![
            Problem::DuplicateCallbackKey {
                key: "out.children".into(),
                callbacks: vec![reference("a", 1), reference("b", 2)],
                no_output: false,
            },
            Problem::DuplicateCallbackKey {
                key: crate::dependencies::inputs_hash(c.inputs),
                callbacks: vec![reference("c", 3), reference("d", 4)],
                no_output: true,
            },
        ]
    );
}

#[test]
fn overlapping_wildcard_outputs() {
    let a = cb("a", 1)
        .out(d(&[("t", IdValue::Str("row")), ("i", MATCH)]), "children")
        .input(d(&[("t", IdValue::Str("btn")), ("i", MATCH)]), "n_clicks")
        .build();
    let b = cb("b", 2)
        .out(d(&[("i", ALL), ("t", IdValue::Str("row"))]), "children")
        .input(s("reset"), "n_clicks")
        .build();
    // Different constant: no overlap; other property: no overlap; other keys: no overlap.
    let c = cb("c", 3)
        .out(d(&[("t", IdValue::Str("cell")), ("i", ALL)]), "children")
        .input(s("x"), "value")
        .build();
    let e = cb("e", 4)
        .out(d(&[("t", IdValue::Str("row")), ("i", ALL)]), "style")
        .input(s("y"), "value")
        .build();
    let f = cb("f", 5)
        .out(
            d(&[("t", IdValue::Str("row")), ("i", ALL), ("k", ALL)]),
            "children",
        )
        .input(s("z"), "value")
        .build();
    assert_eq!(
        problems(vec![a, b, c, e, f]),
        vec![Problem::OverlappingWildcardOutputs {
            output: r#"{"i":["ALL"],"t":"row"}.children"#.into(),
            callback: reference("b", 2),
            other_output: r#"{"i":["MATCH"],"t":"row"}.children"#.into(),
            other_callback: reference("a", 1),
        }]
    );
    let g = cb("g", 6)
        .out(
            d(&[("t", IdValue::Str("row")), ("i", IdValue::Int(1))]),
            "children",
        )
        .input(s("x"), "value")
        .build();
    let h = cb("h", 7)
        .out(
            d(&[("t", IdValue::Str("row")), ("i", IdValue::Int(2))]),
            "children",
        )
        .input(s("y"), "value")
        .build();
    assert_eq!(problems(vec![g, h]), vec![]);
}

#[test]
fn output_repeated_within_one_callback() {
    let a = cb("a", 1)
        .out(s("out"), "children")
        .out(s("out"), "children")
        .out(d(&[("t", IdValue::Str("r")), ("i", ALL)]), "value")
        .out(
            d(&[("t", IdValue::Str("r")), ("i", IdValue::Int(3))]),
            "value",
        )
        .input(s("x"), "value")
        .build();
    assert_eq!(
        problems(vec![a]),
        vec![
            Problem::DuplicateOutputInCallback {
                callback: reference("a", 1),
                index: 1,
                output: "out.children".into(),
                other_output: "out.children".into(),
            },
            Problem::DuplicateOutputInCallback {
                callback: reference("a", 1),
                index: 3,
                output: r#"{"i":3,"t":"r"}.value"#.into(),
                other_output: r#"{"i":["ALL"],"t":"r"}.value"#.into(),
            },
        ]
    );
}

#[test]
fn allow_duplicate_needs_prevent_initial_call() {
    let a = cb("a", 1)
        .out_dup(s("out"), "children")
        .prevent(false)
        .input(s("x"), "value")
        .build();
    assert_eq!(
        problems(vec![a]),
        vec![Problem::AllowDuplicateWithoutPreventInitialCall {
            callback: reference("a", 1),
            output: "out.children".into(),
        }]
    );
    let registry = crate::registry::Registry::from_specs(
        vec![cb("b", 2)
            .out(s("o"), "children")
            .input(s("x"), "value")
            .build()],
        true,
    );
    let layout = layout_with(&[json!("o"), json!("x")]);
    assert!(validate(
        &registry,
        &Layouts::new().add("app layout", &layout),
        &ValidationOptions::default()
    )
    .is_ok());
}

#[test]
fn allow_duplicate_with_unset_prevent_follows_the_app_default() {
    // `#[callback]` accepts `allow_duplicate` without `prevent_initial_call`: the app-wide
    // `prevent_initial_callbacks` decides, at startup.
    let mut unset = cb("a", 1)
        .out_dup(s("out"), "children")
        .input(s("x"), "value");
    unset.prevent = None;
    let spec = unset.build();
    let layout = layout_with(&[json!("out"), json!("x")]);
    let layouts = Layouts::new().add("app layout", &layout);
    let on_load = crate::registry::Registry::from_specs(vec![spec], false);
    let report = validate(&on_load, &layouts, &ValidationOptions::default()).expect_err("reported");
    assert_eq!(
        report.problems,
        vec![Problem::AllowDuplicateWithoutPreventInitialCall {
            callback: reference("a", 1),
            output: "out.children".into(),
        }]
    );
    let prevented = crate::registry::Registry::from_specs(vec![spec], true);
    assert!(validate(&prevented, &layouts, &ValidationOptions::default()).is_ok());
}

// ---- single-callback rules ----

#[test]
fn no_inputs_and_prevent_initial_call_never_runs() {
    let a = cb("a", 1).out(s("out"), "children").prevent(true).build();
    let b = cb("b", 2).out(s("out2"), "children").build(); // runs once on load: fine
    assert_eq!(
        problems(vec![a, b]),
        vec![Problem::MissingInputs {
            callback: reference("a", 1)
        }]
    );
}

#[test]
fn malformed_dependencies() {
    let a = cb("a", 1)
        .out(s("bad.id"), "children")
        .input(s(""), "value")
        .input(s("x"), "")
        .state(d(&[]), "value")
        .state(
            d(&[("k", IdValue::Int(1)), ("k", IdValue::Int(2))]),
            "value",
        )
        .build();
    let found = problems(vec![a]);
    let reasons: Vec<(Role, usize)> = found
        .iter()
        .map(|p| match p {
            Problem::InvalidDependency { role, index, .. } => (*role, *index),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        reasons,
        vec![
            (Role::Output, 0),
            (Role::Input, 0),
            (Role::Input, 1),
            (Role::State, 0),
            (Role::State, 1)
        ]
    );
    assert!(found[0].to_string().contains("`.`"), "{}", found[0]);
}

#[test]
fn allsmaller_is_not_allowed_in_outputs() {
    let a = cb("a", 1)
        .out(d(&[("i", ALLSMALLER)]), "children")
        .input(d(&[("i", MATCH)]), "value")
        .build();
    let found = problems(vec![a]);
    assert_eq!(
        found[0],
        Problem::WildcardNotAllowed {
            callback: reference("a", 1),
            role: Role::Output,
            index: 0,
            dependency: r#"{"i":["ALLSMALLER"]}.children"#.into(),
            key: "i",
            wildcard: Wildcard::AllSmaller,
        }
    );
}

#[test]
fn match_keys_must_agree_across_outputs() {
    let a = cb("a", 1)
        .out(d(&[("t", IdValue::Str("a")), ("i", MATCH)]), "children")
        .out(d(&[("t", IdValue::Str("b")), ("i", ALL)]), "children")
        .out(
            d(&[("t", IdValue::Str("c")), ("i", MATCH), ("j", ALL)]),
            "children",
        )
        .input(d(&[("t", IdValue::Str("in")), ("i", MATCH)]), "value")
        .build();
    assert_eq!(
        problems(vec![a]),
        vec![Problem::MismatchedMatchWildcards {
            callback: reference("a", 1),
            index: 1,
            output: r#"{"i":["ALL"],"t":"b"}.children"#.into(),
            first_output: r#"{"i":["MATCH"],"t":"a"}.children"#.into(),
        }]
    );
}

#[test]
fn input_wildcards_must_be_in_outputs() {
    // Outputs have MATCH on `i`: an input MATCH on `j` is not allowed, ALLSMALLER on `i` is.
    let a = cb("a", 1)
        .out(d(&[("t", IdValue::Str("o")), ("i", MATCH)]), "children")
        .input(
            d(&[("t", IdValue::Str("in")), ("i", MATCH), ("j", MATCH)]),
            "value",
        )
        .state(d(&[("t", IdValue::Str("in")), ("i", ALLSMALLER)]), "value")
        .build();
    // Fixed output: inputs may use MATCH, but not ALLSMALLER.
    let b = cb("b", 2)
        .out(s("total"), "children")
        .input(d(&[("t", IdValue::Str("in")), ("i", MATCH)]), "value")
        .state(d(&[("t", IdValue::Str("in")), ("i", ALLSMALLER)]), "value")
        .build();
    // No output: the same.
    let c = cb("c", 3)
        .input(d(&[("t", IdValue::Str("x")), ("i", ALLSMALLER)]), "value")
        .build();
    assert_eq!(
        problems(vec![a, b, c]),
        vec![
            Problem::WildcardsNotInOutputs {
                callback: reference("a", 1),
                role: Role::Input,
                index: 0,
                dependency: r#"{"i":["MATCH"],"j":["MATCH"],"t":"in"}.value"#.into(),
                keys: vec!["j"],
                first_output: Some(r#"{"i":["MATCH"],"t":"o"}.children"#.into()),
            },
            Problem::WildcardsNotInOutputs {
                callback: reference("b", 2),
                role: Role::State,
                index: 0,
                dependency: r#"{"i":["ALLSMALLER"],"t":"in"}.value"#.into(),
                keys: vec!["i"],
                first_output: Some("total.children".into()),
            },
            Problem::WildcardsNotInOutputs {
                callback: reference("c", 3),
                role: Role::Input,
                index: 0,
                dependency: r#"{"i":["ALLSMALLER"],"t":"x"}.value"#.into(),
                keys: vec!["i"],
                first_output: None,
            },
        ]
    );
}

// ---- cycles ----

fn cycle_callbacks(p: &Problem) -> Vec<&'static str> {
    match p {
        Problem::CircularDependency { steps } => steps.iter().map(|s| s.callback.name).collect(),
        other => panic!("not a cycle: {other:?}"),
    }
}

#[test]
fn two_callbacks_feeding_each_other() {
    let a = cb("a", 1)
        .out(s("b"), "value")
        .input(s("a"), "value")
        .build();
    let b = cb("b", 2)
        .out(s("a"), "value")
        .input(s("b"), "value")
        .build();
    let found = problems(vec![a, b]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0],
        Problem::CircularDependency {
            steps: vec![
                CycleStep {
                    input: "a.value".into(),
                    callback: reference("a", 1),
                    output: "b.value".into()
                },
                CycleStep {
                    input: "b.value".into(),
                    callback: reference("b", 2),
                    output: "a.value".into()
                },
            ]
        }
    );
}

#[test]
fn three_step_cycle_through_allow_duplicate_output() {
    let a = cb("a", 1)
        .out(s("y"), "value")
        .input(s("x"), "value")
        .build();
    let b = cb("b", 2)
        .out(s("z"), "value")
        .input(s("y"), "value")
        .build();
    let c = cb("c", 3)
        .out_dup(s("x"), "value")
        .input(s("z"), "value")
        .build();
    let found = problems(vec![a, b, c]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(cycle_callbacks(&found[0]), vec!["a", "b", "c"]);
}

#[test]
fn same_input_and_output_in_one_callback_is_allowed() {
    let a = cb("a", 1)
        .out(s("slider"), "value")
        .out(s("box"), "value")
        .input(s("slider"), "value")
        .input(s("box"), "value")
        .build();
    let b = cb("b", 2)
        .out(s("label"), "children")
        .input(s("slider"), "value")
        .build();
    assert_eq!(problems(vec![a, b]), vec![]);
    // ... but a loop through another callback is still a loop.
    let c = cb("c", 3)
        .out(s("x"), "value")
        .out(s("y"), "value")
        .input(s("x"), "value")
        .build();
    let e = cb("e", 4)
        .out_dup(s("x"), "value")
        .input(s("y"), "value")
        .build();
    let found = problems(vec![c, e]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(cycle_callbacks(&found[0]), vec!["c", "e"]);
}

#[test]
fn state_creates_no_edge() {
    let a = cb("a", 1)
        .out(s("b"), "value")
        .input(s("a"), "value")
        .build();
    let b = cb("b", 2)
        .out(s("a"), "value")
        .input(s("go"), "n_clicks")
        .state(s("b"), "value")
        .build();
    assert_eq!(problems(vec![a, b]), vec![]);
}

#[test]
fn match_to_match_loops_are_found_once() {
    let a = cb("a", 1)
        .out(d(&[("t", IdValue::Str("b")), ("i", MATCH)]), "value")
        .input(d(&[("t", IdValue::Str("a")), ("i", MATCH)]), "value")
        .build();
    let b = cb("b", 2)
        .out(d(&[("t", IdValue::Str("a")), ("i", MATCH)]), "value")
        .input(d(&[("t", IdValue::Str("b")), ("i", MATCH)]), "value")
        .build();
    // Constants on `i` elsewhere create more placeholder values: still one report.
    let c = cb("c", 3)
        .out(s("o"), "children")
        .input(
            d(&[("t", IdValue::Str("b")), ("i", IdValue::Int(7))]),
            "value",
        )
        .build();
    let e = cb("e", 4)
        .out(s("o2"), "children")
        .input(
            d(&[("t", IdValue::Str("b")), ("i", IdValue::Int(9))]),
            "value",
        )
        .build();
    let found = problems(vec![a, b, c, e]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(cycle_callbacks(&found[0]), vec!["a", "b"]);
}

#[test]
fn allsmaller_chains_and_different_types_are_not_loops() {
    // Running total: item i depends on the items before it.
    let a = cb("a", 1)
        .out(d(&[("t", IdValue::Str("total")), ("i", MATCH)]), "children")
        .input(
            d(&[("t", IdValue::Str("total")), ("i", ALLSMALLER)]),
            "children",
        )
        .input(d(&[("t", IdValue::Str("item")), ("i", MATCH)]), "value")
        .build();
    let b = cb("b", 2)
        .out(d(&[("t", IdValue::Str("x")), ("i", MATCH)]), "value")
        .input(d(&[("t", IdValue::Str("y")), ("i", MATCH)]), "value")
        .build();
    let c = cb("c", 3)
        .out(
            d(&[("t", IdValue::Str("y")), ("i", IdValue::Int(1))]),
            "value",
        )
        .input(d(&[("t", IdValue::Str("z")), ("i", MATCH)]), "value")
        .build();
    assert_eq!(problems(vec![a, b, c]), vec![]);
}

// ---- layouts ----

#[test]
fn ids_missing_from_every_layout() {
    let a = cb("a", 1)
        .out(s("out"), "children")
        .input(s("present"), "value")
        .input(s("absent"), "value")
        .input_opt(s("optional"), "value")
        .input(s("row-3"), "value")
        .input(s("dyn"), "value")
        .input(d(&[("type", IdValue::Str("todo")), ("i", ALL)]), "value")
        .input(d(&[("type", IdValue::Str("item")), ("i", ALL)]), "value")
        .input(d(&[("type", IdValue::Str("gone")), ("i", ALL)]), "value")
        .build();
    let shell = layout_with(&[json!("out")]);
    let page = layout_with(&[json!("present"), json!({"type": "item", "i": 4})]);
    let layouts = Layouts::new()
        .add("app layout", &shell)
        .add_page("page /", &page);
    let options = ValidationOptions {
        allow_missing_ids: vec!["row-*".into(), "dyn".into(), "todo".into()],
        ..Default::default()
    };
    let found = problems_with(vec![a], &layouts, &options);
    let ids: Vec<&str> = found
        .iter()
        .map(|p| match p {
            Problem::IdNotInLayout { id, .. } => id.as_str(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    // Wildcard patterns may match only components that callbacks create later: like Dash,
    // they are not required to be in a layout. Concrete ids are.
    assert_eq!(ids, vec!["absent"]);
    assert!(
        found[0]
            .to_string()
            .contains("Input `absent.value` of a (src/app.rs:1)"),
        "{}",
        found[0]
    );

    let suppressed = ValidationOptions {
        suppress_callback_exceptions: true,
        ..Default::default()
    };
    assert_eq!(problems_with(vec![a], &layouts, &suppressed), vec![]);
}

#[test]
fn optional_only_when_every_use_is_optional() {
    let a = cb("a", 1)
        .out(s("out"), "children")
        .input_opt(s("maybe"), "value")
        .build();
    let b = cb("b", 2)
        .out(s("out2"), "children")
        .input(s("maybe"), "value")
        .build();
    let layout = layout_with(&[json!("out"), json!("out2")]);
    let layouts = Layouts::new().add("app layout", &layout);
    let found = problems_with(vec![a, b], &layouts, &ValidationOptions::default());
    assert_eq!(
        found,
        vec![Problem::IdNotInLayout {
            id: "maybe".into(),
            uses: vec![IdUse {
                callback: reference("b", 2),
                role: Role::Input,
                dependency: "maybe.value".into()
            }],
        }]
    );
}

#[test]
fn unknown_properties_of_known_components() {
    let a = cb("a", 1)
        .out(s("out"), "childen")
        .out(s("out"), "data-count")
        .out(s("custom"), "anything")
        .input(s("name"), "valu")
        .input(s("name"), "value")
        .state(d(&[("type", IdValue::Str("field")), ("i", ALL)]), "figure")
        .build();
    let layout = div(
        json!("root"),
        json!([
            div(json!("out"), Value::Null),
            input("name"),
            component("my_library", "Fancy", json!("custom"), Value::Null),
            input_dict(json!({"type": "field", "i": 1})),
        ]),
    );
    fn input_dict(id: Value) -> Value {
        component("dash_core_components", "Input", id, Value::Null)
    }
    let layouts = Layouts::new().add("app layout", &layout);
    // Checked even with suppress_callback_exceptions, as dash-renderer does.
    let options = ValidationOptions {
        suppress_callback_exceptions: true,
        ..Default::default()
    };
    let found = problems_with(vec![a], &layouts, &options);
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(
        found[0],
        Problem::UnknownProperty {
            dependency: "out.childen".into(),
            property: "childen",
            component: "html.Div".into(),
            layout: "app layout".into(),
            suggestion: Some("children"),
            uses: vec![IdUse {
                callback: reference("a", 1),
                role: Role::Output,
                dependency: "out.childen".into()
            }],
        }
    );
    assert!(
        found[1].to_string().starts_with("Invalid prop for this component: dcc.Input has no property `valu`; did you mean `value`?"),
        "{}",
        found[1]
    );
    assert!(matches!(
        &found[2],
        Problem::UnknownProperty {
            property: "figure",
            suggestion: None,
            ..
        }
    ));
}

#[test]
fn duplicate_ids_reach_the_report() {
    let layout = layout_with(&[json!("a"), json!("a")]);
    let layouts = Layouts::new().add("app layout", &layout);
    assert_eq!(
        problems_with(vec![], &layouts, &ValidationOptions::default()),
        vec![Problem::DuplicateId {
            id: "a".into(),
            layouts: vec!["app layout".into(), "app layout".into()]
        }]
    );
    assert_eq!(
        Problem::DuplicateId { id: "a".into(), layouts: vec!["app layout".into(), "app layout".into()] }.to_string(),
        "Duplicate component id: the id `a` is given to 2 components shown together, in app layout (2 times).\n  \
         Every component on screen needs its own id."
    );
}

#[test]
fn report_numbers_paragraphs() {
    let report = Report {
        problems: vec![
            Problem::MissingInputs {
                callback: reference("a", 1),
            },
            Problem::DuplicateIdAcrossPages {
                id: "x".into(),
                pages: vec!["page /a".into(), "page /b".into()],
            },
        ],
    };
    let text = report.to_string();
    assert!(text.starts_with("found 2 problems in the callbacks and layouts:\n\n1. A callback is missing Inputs: a (src/app.rs:1)"), "{text}");
    assert!(
        text.contains(
            "\n\n2. Component id used on several pages: the id `x` appears in page /a and page /b."
        ),
        "{text}"
    );
}

#[test]
fn many_callbacks_and_pattern_constants() {
    // A long chain of string ids, plus callbacks writing one row each of a pattern family read
    // back with ALL: the graph stays small enough and no loop is found.
    let mut callbacks = Vec::new();
    let names: Vec<&'static str> = (0..=600)
        .map(|i| &*Box::leak(format!("n{i}").into_boxed_str()))
        .collect();
    for i in 0..600 {
        callbacks.push(
            cb(names[i], i as u32)
                .out(s(names[i + 1]), "value")
                .input(s(names[i]), "value")
                .build(),
        );
    }
    for i in 0..300 {
        callbacks.push(
            cb("row", 1000 + i)
                .out(
                    d(&[
                        ("t", IdValue::Str("row")),
                        ("i", IdValue::Int(i64::from(i))),
                    ]),
                    "children",
                )
                .input(s(names[i as usize]), "n_clicks")
                .build(),
        );
    }
    callbacks.push(
        cb("sum", 2000)
            .out(d(&[("t", IdValue::Str("sum")), ("i", ALL)]), "children")
            .input(d(&[("t", IdValue::Str("row")), ("i", ALL)]), "children")
            .build(),
    );
    let start = std::time::Instant::now();
    assert_eq!(problems(callbacks), vec![]);
    println!("validated 901 callbacks in {:?}", start.elapsed());
}

#[test]
fn loops_through_all_wildcards() {
    let a = cb("a", 1)
        .out(s("total"), "children")
        .input(d(&[("t", IdValue::Str("a")), ("i", ALL)]), "value")
        .build();
    let b = cb("b", 2)
        .out(d(&[("t", IdValue::Str("a")), ("i", MATCH)]), "value")
        .input(s("total"), "children")
        .build();
    let found = problems(vec![a, b]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(cycle_callbacks(&found[0]), vec!["a", "b"]);
    assert_eq!(
        found[0].to_string(),
        "Circular Dependencies: these callbacks trigger each other in a loop:\n  \
         `{\"i\":[\"ALL\"],\"t\":\"a\"}.value` -> a (src/app.rs:1) -> `total.children`\n  \
         `total.children` -> b (src/app.rs:2) -> `{\"i\":[\"MATCH\"],\"t\":\"a\"}.value`\n  \
         A property may be both an Input and an Output of one callback, but not through a chain \
         of callbacks. Combine them into one callback."
    );
}

/// One example of every problem, printed (`cargo test validation::tests::examples -- --nocapture`);
/// each names its callbacks as `name (file:line)`.
#[test]
fn examples_of_every_problem() {
    let callbacks = vec![
        cb("write_a", 10)
            .out(s("out"), "children")
            .out(s("o2"), "children")
            .input(s("x"), "value")
            .build(),
        cb("write_b", 20)
            .out(s("out"), "children")
            .input(s("y"), "value")
            .build(),
        cb("rows", 30)
            .out(d(&[("t", IdValue::Str("row")), ("i", MATCH)]), "children")
            .input(d(&[("t", IdValue::Str("btn")), ("i", MATCH)]), "n_clicks")
            .build(),
        cb("all_rows", 40)
            .out(d(&[("t", IdValue::Str("row")), ("i", ALL)]), "children")
            .input(s("reset"), "n_clicks")
            .build(),
        cb("twice", 50)
            .out(s("t"), "children")
            .out(s("t"), "children")
            .input(s("x"), "value")
            .build(),
        cb("same_a", 60)
            .out(s("s"), "children")
            .input(s("x"), "value")
            .build(),
        cb("same_b", 70)
            .out(s("s"), "children")
            .input(s("y"), "value")
            .build(),
        cb("eager_dup", 80)
            .out_dup(s("d"), "children")
            .prevent(false)
            .input(s("x"), "value")
            .build(),
        cb("never", 90)
            .out(s("n"), "children")
            .prevent(true)
            .build(),
        cb("bad_id", 100)
            .out(s("a.b"), "children")
            .input(s("x"), "value")
            .build(),
        cb("smaller_out", 110)
            .out(d(&[("i", ALLSMALLER)]), "children")
            .input(d(&[("i", MATCH)]), "value")
            .build(),
        cb("mismatch", 120)
            .out(d(&[("t", IdValue::Str("m1")), ("i", MATCH)]), "children")
            .out(d(&[("t", IdValue::Str("m2")), ("i", ALL)]), "children")
            .input(d(&[("t", IdValue::Str("m3")), ("i", MATCH)]), "value")
            .build(),
        cb("total", 130)
            .out(s("sum"), "children")
            .input(
                d(&[("t", IdValue::Str("amount")), ("i", ALLSMALLER)]),
                "value",
            )
            .build(),
        cb("to_celsius", 140)
            .out(s("celsius"), "value")
            .input(s("fahrenheit"), "value")
            .build(),
        cb("to_fahrenheit", 150)
            .out(s("fahrenheit"), "value")
            .input(s("celsius"), "value")
            .build(),
        cb("greet", 160)
            .out(s("greeting"), "children")
            .input(s("name"), "valu")
            .input(s("nowhere"), "n_clicks")
            .build(),
    ];
    let shell = div(
        json!("shell"),
        json!([
            input("name"),
            div(json!("greeting"), Value::Null),
            div(json!("dup"), Value::Null),
            div(json!("dup"), Value::Null)
        ]),
    );
    let page_a = div(json!("page-a"), json!([div(json!("chart"), Value::Null)]));
    let page_b = div(json!("page-b"), json!([div(json!("chart"), Value::Null)]));
    let layouts = Layouts::new()
        .add("app layout", &shell)
        .add_page("page /a", &page_a)
        .add_page("page /b", &page_b);
    let options = ValidationOptions {
        allow_missing_ids: [
            "out",
            "o2",
            "x",
            "y",
            "row",
            "btn",
            "reset",
            "t",
            "s",
            "d",
            "n",
            "m1",
            "m2",
            "m3",
            "i",
            "sum",
            "amount",
            "celsius",
            "fahrenheit",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        ..Default::default()
    };
    let registry = crate::registry::Registry::from_specs(callbacks, false);
    let report = validate(&registry, &layouts, &options).expect_err("problems");
    println!("{report}");
    let mut titles: Vec<&str> = report.problems.iter().map(Problem::title).collect();
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(titles.len(), 15, "{titles:?}");
    for problem in &report.problems {
        let text = problem.to_string();
        let names_callback = text.contains("(src/app.rs:");
        let layout_only = matches!(
            problem,
            Problem::DuplicateId { .. } | Problem::DuplicateIdAcrossPages { .. }
        );
        assert!(names_callback != layout_only, "{text}");
    }
}
