//! Start-up validation: one pass over every registered callback and every layout, reporting
//! all problems together, each naming the callbacks involved as `name (file:line)`.
//!
//! Python Dash leaves these mistakes to dash-renderer, which reports them in the browser and
//! only in debug mode; a dash-rs server refuses to start instead. The checks follow Dash
//! 4.4.1's rules:
//!
//! - outputs written by several callbacks without `allow_duplicate`, overlapping wildcard
//!   outputs, identical callback keys, an output listed twice in one callback;
//! - `allow_duplicate` on a callback that runs on page load, a callback without `Input`s that
//!   never runs, malformed ids and properties;
//! - the `MATCH` / `ALLSMALLER` rules and wildcards where Dash does not allow them;
//! - circular dependencies;
//! - ids repeated in a layout (or between the app layout and a page, or across pages);
//! - ids used by callbacks but absent from every layout, and properties the component does not
//!   have (for the `html`, `dcc` and `dash_table` components).
//!
//! ```
//! use dash_runtime::registry::Registry;
//! use dash_runtime::validation::{validate, Layouts, ValidationOptions};
//!
//! let layout = serde_json::json!({"type": "Div", "namespace": "dash_html_components", "props": {"id": "root"}});
//! let registry = Registry::from_specs(Vec::new(), false);
//! let layouts = Layouts::new().add("app layout", &layout);
//! assert!(validate(&registry, &layouts, &ValidationOptions::default()).is_ok());
//! ```

mod callbacks;
mod cycles;
mod layout;
mod report;
mod serverside;
mod suggest;
#[cfg(test)]
mod tests;

pub use layout::Layouts;
pub use report::{CallbackRef, CycleStep, IdUse, Problem, Report, Role};

use layout::LayoutIndex;

use crate::registry::Registry;

/// What to check. The default checks everything.
#[derive(Debug, Clone, Default)]
pub struct ValidationOptions {
    /// Skip the check that every id used by a callback is in some layout, as Dash's
    /// `suppress_callback_exceptions` does. The structural checks (duplicates, cycles,
    /// wildcard rules) still run, and so does the property check for components that are in
    /// a layout (dash-renderer checks those too).
    pub suppress_callback_exceptions: bool,
    /// Ids allowed to be absent from the layouts (components created by callbacks): exact ids,
    /// or prefixes ending in `*` (`"row-*"`). Pattern ids with wildcards are never required
    /// to be present, as in Dash; a concrete dict id is allowed when an entry matches its
    /// stringified form or any of its string values.
    pub allow_missing_ids: Vec<String>,
}

/// Check every callback of `registry` against each other and against `layouts`.
///
/// Returns every problem found, in a stable order: the callbacks one by one, then across
/// callbacks, cycles, duplicate ids, ids missing from the layouts and unknown properties.
pub fn validate(
    registry: &Registry,
    layouts: &Layouts<'_>,
    options: &ValidationOptions,
) -> Result<(), Report> {
    let mut problems = Vec::new();
    callbacks::check_each(registry, &mut problems);
    callbacks::check_across(registry, &mut problems);
    problems.extend(cycles::check(registry));
    let index = LayoutIndex::build(layouts);
    problems.extend(index.duplicates(layouts));
    callbacks::check_layout(registry, &index, layouts, options, &mut problems);
    serverside::check(registry, &index, layouts, options, &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Report { problems })
    }
}
