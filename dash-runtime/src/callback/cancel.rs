//! The cancel helpers: for each distinct `cancel` input of the background callbacks, a
//! foreground callback (§6.4 of the protocol) whose request carries the `cancelJob` handles.
//! Cancelling happens for any request that carries them; the helper itself answers
//! `{"multi":true,"response":{}}`.

use crate::callback::dispatch::{Args, CallResult, Handler};
use crate::callback::CallbackSpec;
use crate::dependencies::{Dependency, OutputDep};

const HELPER_NAME: &str = "background_cancel";

fn answer(_: &mut Args) -> CallResult {
    Ok(vec![None])
}

/// Whether a spec is a generated cancel helper.
pub(crate) fn is_cancel_helper(spec: &CallbackSpec) -> bool {
    spec.name == HELPER_NAME && spec.module == module_path!()
}

/// `specs` followed by one cancel helper per distinct cancel input. Each helper lives for the
/// rest of the program (a few hundred bytes per cancel input and registry).
pub(crate) fn with_cancel_helpers(
    mut specs: Vec<&'static CallbackSpec>,
) -> Vec<&'static CallbackSpec> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    let mut helpers = Vec::new();
    for spec in &specs {
        let Handler::Background(bg) = spec.handler else {
            continue;
        };
        for dep in bg.cancel {
            let key = (dep.id.stringify(), dep.property);
            if seen.contains(&key) {
                continue;
            }
            // Two cancel inputs of one component would both write `<id>.id`.
            let duplicate = seen.iter().any(|(id, _)| *id == key.0);
            seen.push(key);
            let input: &'static [Dependency] = Box::leak(Box::new([Dependency {
                id: dep.id,
                property: dep.property,
                allow_optional: false,
            }]));
            let output: &'static [OutputDep] = Box::leak(Box::new([OutputDep {
                id: dep.id,
                property: "id",
                allow_duplicate: duplicate,
            }]));
            helpers.push(&*Box::leak(Box::new(CallbackSpec {
                name: HELPER_NAME,
                module: module_path!(),
                file: spec.file,
                line: spec.line,
                outputs: output,
                multi_output: false,
                inputs: input,
                state: &[],
                prevent_initial_call: Some(true),
                running: &[],
                handler: Handler::Sync(answer),
                on_error: None,
                timeout: None,
                // Answers at once: no need for a pool thread.
                blocking: false,
                memoize: None,
                websocket: false,
                persistent: false,
                mcp: crate::mcp::McpInfo::NONE,
                // The helper serves the app its background callback belongs to.
                app: spec.app,
            })));
        }
    }
    specs.extend(helpers);
    specs
}
