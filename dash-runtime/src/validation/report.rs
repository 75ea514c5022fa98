//! What validation reports: one [`Problem`] per mistake, gathered in a [`Report`].

use std::fmt::{self, Display, Formatter};

use crate::callback::CallbackSpec;
use crate::dependencies::Wildcard;

/// A callback named in a problem: its Rust name and where it is declared.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallbackRef {
    /// The function's name.
    pub name: &'static str,
    /// `file!()` of the declaration.
    pub file: &'static str,
    /// `line!()` of the declaration.
    pub line: u32,
}

impl CallbackRef {
    /// The callback declared by `spec`.
    pub fn of(spec: &CallbackSpec) -> CallbackRef {
        CallbackRef {
            name: spec.name,
            file: spec.file,
            line: spec.line,
        }
    }
}

impl Display for CallbackRef {
    /// `name (file:line)`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}:{})", self.name, self.file, self.line)
    }
}

/// How a callback uses a component property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// An `Output`.
    Output,
    /// An `Input`.
    Input,
    /// A `State`.
    State,
    /// A property set while the callback runs (`running`).
    Running,
}

impl Display for Role {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Output => "Output",
            Role::Input => "Input",
            Role::State => "State",
            Role::Running => "running Output",
        })
    }
}

/// One use of a component property by a callback, e.g. `Input("name", "value")` of `greet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdUse {
    /// The callback.
    pub callback: CallbackRef,
    /// As what it uses the property.
    pub role: Role,
    /// `<stringified id>.<property>`.
    pub dependency: String,
}

impl Display for IdUse {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` of {}",
            self.role, self.dependency, self.callback
        )
    }
}

/// One step of a dependency cycle: `callback` reads `input` and writes `output`, which is
/// the input of the next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleStep {
    /// The `Input` that triggers the callback (`id.property`, as declared).
    pub input: String,
    /// The callback.
    pub callback: CallbackRef,
    /// The `Output` it writes (`id.property`, as declared).
    pub output: String,
}

/// One mistake found by [`validate`](super::validate).
///
/// Dependencies are written `<stringified id>.<property>` as Dash prints them, e.g.
/// `name.value` or `{"index":["MATCH"],"type":"item"}.children`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Several callbacks write the same property without `allow_duplicate` (Dash: "Duplicate
    /// callback outputs"), or they all set it but have identical `Input`s, which gives their
    /// outputs the same key.
    DuplicateOutput {
        /// `id.property`.
        output: String,
        /// Every callback writing it.
        callbacks: Vec<CallbackRef>,
        /// Whether all of them set `allow_duplicate` (their `Input`s are then identical).
        allow_duplicate: bool,
    },
    /// Two wildcard outputs of different callbacks can address the same component property
    /// (Dash: "Overlapping wildcard callback outputs").
    OverlappingWildcardOutputs {
        /// One output.
        output: String,
        /// Its callback.
        callback: CallbackRef,
        /// The output it overlaps.
        other_output: String,
        /// That output's callback.
        other_callback: CallbackRef,
    },
    /// A callback lists the same output twice, or two outputs that overlap (Dash: "Duplicate
    /// callback Outputs").
    DuplicateOutputInCallback {
        /// The callback.
        callback: CallbackRef,
        /// Position of the later output.
        index: usize,
        /// The later output.
        output: String,
        /// The earlier output it repeats or overlaps.
        other_output: String,
    },
    /// Several callbacks have the identical output key (`_dash-dependencies` `output`): only
    /// the last one could ever run.
    DuplicateCallbackKey {
        /// The key.
        key: String,
        /// The callbacks sharing it.
        callbacks: Vec<CallbackRef>,
        /// Whether the callbacks have no outputs (the key is then a hash of the `Input`s).
        no_output: bool,
    },
    /// An output sets `allow_duplicate` but the callback runs on page load.
    AllowDuplicateWithoutPreventInitialCall {
        /// The callback.
        callback: CallbackRef,
        /// The output.
        output: String,
    },
    /// A callback with no `Input` and `prevent_initial_call`: it can never run (Dash: "A
    /// callback is missing Inputs").
    MissingInputs {
        /// The callback.
        callback: CallbackRef,
    },
    /// A dependency with an empty or malformed id or property.
    InvalidDependency {
        /// The callback.
        callback: CallbackRef,
        /// Where the dependency is declared.
        role: Role,
        /// Its position among the callback's dependencies of that role.
        index: usize,
        /// The dependency as written.
        dependency: String,
        /// What is wrong.
        reason: String,
    },
    /// A wildcard where Dash does not allow it: `ALLSMALLER` in an `Output` (Dash: "Callback
    /// wildcard ID error").
    WildcardNotAllowed {
        /// The callback.
        callback: CallbackRef,
        /// Where the dependency is declared.
        role: Role,
        /// Its position among the callback's dependencies of that role.
        index: usize,
        /// The dependency.
        dependency: String,
        /// The key holding the wildcard.
        key: &'static str,
        /// The wildcard.
        wildcard: Wildcard,
    },
    /// An output's `MATCH` keys differ from the first output's (Dash: "Mismatched `MATCH`
    /// wildcards across `Output`s").
    MismatchedMatchWildcards {
        /// The callback.
        callback: CallbackRef,
        /// Position of the output.
        index: usize,
        /// The output.
        output: String,
        /// The first output.
        first_output: String,
    },
    /// An `Input`/`State` has `ALLSMALLER` (or, when the outputs use `MATCH`, `MATCH`) on a
    /// key where the outputs have no `MATCH` (Dash: "`Input` / `State` wildcards not in
    /// `Output`s").
    WildcardsNotInOutputs {
        /// The callback.
        callback: CallbackRef,
        /// `Input` or `State`.
        role: Role,
        /// Its position among the callback's inputs or state.
        index: usize,
        /// The dependency.
        dependency: String,
        /// The offending keys, sorted.
        keys: Vec<&'static str>,
        /// The first output, if the callback has outputs.
        first_output: Option<String>,
    },
    /// No component of any layout has this id (or matches this pattern) (Dash: "ID not found
    /// in layout").
    IdNotInLayout {
        /// The stringified id or pattern.
        id: String,
        /// The callbacks using it (uses marked `allow_optional` are left out).
        uses: Vec<IdUse>,
    },
    /// A callback uses a property the component with that id does not have (Dash: "Invalid
    /// prop for this component").
    UnknownProperty {
        /// `id.property` as the callback declares it.
        dependency: String,
        /// The property.
        property: &'static str,
        /// The component, e.g. `dcc.Input`.
        component: String,
        /// The layout holding the component.
        layout: String,
        /// The closest declared property, if one is close.
        suggestion: Option<&'static str>,
        /// The callbacks using the property.
        uses: Vec<IdUse>,
    },
    /// An id appears more than once on one screen: twice in one layout, or in the app
    /// layout and a page (Dash: "Duplicate component id found in the initial layout").
    DuplicateId {
        /// The stringified id.
        id: String,
        /// The layouts of the components carrying it, once per component.
        layouts: Vec<String>,
    },
    /// An id appears on several pages. Each page is shown alone, so Dash accepts this; the
    /// callbacks using the id then serve every such page.
    DuplicateIdAcrossPages {
        /// The stringified id.
        id: String,
        /// The pages holding it.
        pages: Vec<String>,
    },
    /// A callback sends or receives a `Serverside` value through a component that is not a
    /// `dcc.Store`: only a store's `data` keeps the key the browser holds.
    ServersideNotStore {
        /// The use, e.g. `Output `frame.data` of load`.
        serverside_use: IdUse,
        /// The component carrying the id, e.g. `html.Div`.
        component: String,
        /// The layout holding it.
        layout: String,
    },
    /// Callbacks trigger each other in a loop (Dash: "Circular Dependencies").
    CircularDependency {
        /// The loop, each step's output being the next step's input, the last feeding the
        /// first.
        steps: Vec<CycleStep>,
    },
}

impl Problem {
    /// Dash's name for this kind of problem (the title of its dev-tools error).
    pub fn title(&self) -> &'static str {
        match self {
            Problem::DuplicateOutput { .. } => "Duplicate callback outputs",
            Problem::OverlappingWildcardOutputs { .. } => "Overlapping wildcard callback outputs",
            Problem::DuplicateOutputInCallback { .. } => "Duplicate callback Outputs",
            Problem::DuplicateCallbackKey { .. } => "Duplicate callback",
            Problem::AllowDuplicateWithoutPreventInitialCall { .. } => {
                "allow_duplicate requires prevent_initial_call"
            }
            Problem::MissingInputs { .. } => "A callback is missing Inputs",
            Problem::InvalidDependency { .. } => "Callback dependency error",
            Problem::WildcardNotAllowed { .. } => "Callback wildcard ID error",
            Problem::MismatchedMatchWildcards { .. } => {
                "Mismatched `MATCH` wildcards across `Output`s"
            }
            Problem::WildcardsNotInOutputs { .. } => "`Input` / `State` wildcards not in `Output`s",
            Problem::IdNotInLayout { .. } => "ID not found in layout",
            Problem::UnknownProperty { .. } => "Invalid prop for this component",
            Problem::DuplicateId { .. } => "Duplicate component id",
            Problem::DuplicateIdAcrossPages { .. } => "Component id used on several pages",
            Problem::ServersideNotStore { .. } => "Serverside value outside a dcc.Store",
            Problem::CircularDependency { .. } => "Circular Dependencies",
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Layout names with repeats counted: `app layout (2 times)`, `app shell and page /a`.
fn describe_layouts(layouts: &[String]) -> String {
    let mut counted: Vec<(String, usize)> = Vec::new();
    for name in layouts {
        match counted.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += 1,
            None => counted.push((name.clone(), 1)),
        }
    }
    let parts: Vec<String> = counted
        .into_iter()
        .map(|(name, count)| {
            if count > 1 {
                format!("{name} ({count} times)")
            } else {
                name
            }
        })
        .collect();
    join_and(&parts)
}

impl Display for Problem {
    /// A title line followed by indented detail lines (no trailing newline).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.title())?;
        match self {
            Problem::DuplicateOutput {
                output,
                callbacks,
                allow_duplicate,
            } => {
                writeln!(
                    f,
                    "`{output}` is the Output of {} callbacks:",
                    callbacks.len()
                )?;
                for cb in callbacks {
                    writeln!(f, "  - {cb}")?;
                }
                if *allow_duplicate {
                    write!(
                        f,
                        "  They all set `allow_duplicate`, but their Inputs are identical, so Dash \
                         gives the outputs the same key. Give them different Inputs, or combine \
                         them into one callback."
                    )
                } else {
                    write!(
                        f,
                        "  A property may be the Output of several callbacks only if all of them \
                         but one set `allow_duplicate = true` on it. Set it, or combine the \
                         outputs into one callback and tell the triggers apart with \
                         `callback_context`."
                    )
                }
            }
            Problem::OverlappingWildcardOutputs {
                output,
                callback,
                other_output,
                other_callback,
            } => write!(
                f,
                "Output `{output}` of {callback}\n  overlaps Output `{other_output}` of \
                 {other_callback}:\n  both can address the same component property."
            ),
            Problem::DuplicateOutputInCallback {
                callback,
                index,
                output,
                other_output,
            } => {
                if output == other_output {
                    write!(f, "Output {index} (`{output}`) of {callback} is already used by this callback.")
                } else {
                    write!(
                        f,
                        "Output {index} (`{output}`) of {callback}\n  overlaps its Output \
                         `{other_output}`."
                    )
                }
            }
            Problem::DuplicateCallbackKey {
                key,
                callbacks,
                no_output,
            } => {
                if *no_output {
                    writeln!(
                        f,
                        "these callbacks have no Output and identical Inputs, so Dash gives them \
                         the same key (`{key}`) and only the last could ever run:"
                    )?;
                } else {
                    writeln!(
                        f,
                        "these callbacks have identical Outputs (`{key}`); only the last could \
                         ever run:"
                    )?;
                }
                for cb in callbacks {
                    writeln!(f, "  - {cb}")?;
                }
                if *no_output {
                    write!(
                        f,
                        "  Give them different Inputs, or combine them into one callback."
                    )
                } else {
                    write!(
                        f,
                        "  Combine them into one callback, or set `allow_duplicate = true` on the \
                         outputs of all of them but one."
                    )
                }
            }
            Problem::AllowDuplicateWithoutPreventInitialCall { callback, output } => write!(
                f,
                "Output `{output}` of {callback} sets `allow_duplicate`,\n  but the callback \
                 runs on page load. Set `prevent_initial_call = true`: several callbacks \
                 writing one property must not all run on page load."
            ),
            Problem::MissingInputs { callback } => write!(
                f,
                "{callback} has no `Input` and `prevent_initial_call`, so it can never run.\n  \
                 Add an Input, or let it run once on page load (prevent_initial_call = false)."
            ),
            Problem::InvalidDependency {
                callback,
                role,
                index,
                dependency,
                reason,
            } => {
                write!(
                    f,
                    "{role} {index} (`{dependency}`) of {callback}: {reason}."
                )
            }
            Problem::WildcardNotAllowed {
                callback,
                role,
                index,
                dependency,
                key,
                wildcard,
            } => {
                let allowed = match role {
                    Role::Output | Role::Running => "MATCH, ALL",
                    Role::Input | Role::State => "MATCH, ALL, ALLSMALLER",
                };
                write!(
                    f,
                    "{role} {index} (`{dependency}`) of {callback} has {} on key `{key}`.\n  \
                     Allowed wildcards for {role}s are: {allowed}.",
                    wildcard.name()
                )
            }
            Problem::MismatchedMatchWildcards {
                callback,
                index,
                output,
                first_output,
            } => {
                write!(
                    f,
                    "Output {index} (`{output}`) of {callback}\n  does not have MATCH \
                     wildcards on the same keys as Output 0 (`{first_output}`).\n  MATCH \
                     wildcards must be on the same keys for all Outputs (ALL need not match)."
                )
            }
            Problem::WildcardsNotInOutputs {
                callback,
                role,
                index,
                dependency,
                keys,
                first_output,
            } => {
                let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                let out = match first_output {
                    Some(o) => format!("Output 0 (`{o}`) has no MATCH there"),
                    None => "the callback has no Output".to_owned(),
                };
                write!(
                    f,
                    "{role} {index} (`{dependency}`) of {callback}\n  has MATCH or ALLSMALLER \
                     on {} but {out}.\n  ALLSMALLER needs a MATCH on the same key in the \
                     Outputs, and when the Outputs use MATCH, the MATCH keys of Inputs and \
                     State must be among theirs.",
                    join_and(&keys)
                )
            }
            Problem::IdNotInLayout { id, uses } => {
                if id.starts_with('{') {
                    writeln!(
                        f,
                        "no component in any layout matches the pattern `{id}`, used by:"
                    )?;
                } else {
                    writeln!(f, "no component in any layout has the id `{id}`, used by:")?;
                }
                for u in uses {
                    writeln!(f, "  - {u}")?;
                }
                write!(
                    f,
                    "  If a callback creates this component later, list the id in \
                     `allow_missing_ids`, mark the dependencies `allow_optional`, or set \
                     `suppress_callback_exceptions`."
                )
            }
            Problem::UnknownProperty {
                dependency,
                property,
                component,
                layout,
                suggestion,
                uses,
            } => {
                write!(f, "{component} has no property `{property}`")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{s}`?")?;
                } else {
                    write!(f, ".")?;
                }
                write!(
                    f,
                    "\n  `{dependency}` refers to a {component} in {layout}; it is used by:"
                )?;
                for u in uses {
                    write!(f, "\n  - {u}")?;
                }
                Ok(())
            }
            Problem::DuplicateId { id, layouts } => write!(
                f,
                "the id `{id}` is given to {} components shown together, in {}.\n  Every \
                 component on screen needs its own id.",
                layouts.len(),
                describe_layouts(layouts)
            ),
            Problem::DuplicateIdAcrossPages { id, pages } => write!(
                f,
                "the id `{id}` appears in {}.\n  Callbacks using it act on whichever of these \
                 pages is shown.",
                join_and(pages)
            ),
            Problem::ServersideNotStore {
                serverside_use,
                component,
                layout,
            } => write!(
                f,
                "{serverside_use} is a `Serverside` value,\n  but the component with that id in \
                 {layout} is a {component}, not a dcc.Store. Keep the value in a \
                 `dcc::Store::new().id(..)` and read or write its `data`."
            ),
            Problem::CircularDependency { steps } => {
                write!(f, "these callbacks trigger each other in a loop:")?;
                for s in steps {
                    write!(f, "\n  `{}` -> {} -> `{}`", s.input, s.callback, s.output)?;
                }
                write!(
                    f,
                    "\n  A property may be both an Input and an Output of one callback, but not \
                     through a chain of callbacks. Combine them into one callback."
                )
            }
        }
    }
}

/// Every problem found by [`validate`](super::validate), in a stable order.
///
/// `Display` prints a numbered paragraph per problem, each naming the callbacks involved as
/// `name (file:line)`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The problems.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Display for Report {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "found {n} problem{} in the callbacks and layouts:",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, problem) in self.problems.iter().enumerate() {
            let text = problem.to_string();
            let mut lines = text.lines();
            if let Some(first) = lines.next() {
                write!(f, "\n\n{}. {first}", i + 1)?;
            }
            for line in lines {
                write!(f, "\n   {line}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Report {}
