//! Circular dependencies between callbacks.
//!
//! Like dash-renderer, this builds a graph whose nodes are component properties and whose
//! edges go from each `Input` of a callback to each of its `Output`s (`State` adds none), and
//! looks for cycles. Pattern-matching ids are instantiated with placeholder values: every
//! constant used on a key, plus values before and after them for each `ALLSMALLER`, so that
//! `MATCH` connects to `MATCH` on the same value only and `ALLSMALLER` only to smaller values.
//!
//! A property that is both an `Input` and an `Output` of one callback is allowed (Dash gives
//! the output its own node); it still takes part in cycles through other callbacks. Unlike the
//! renderer, `allow_duplicate` outputs are connected to the inputs reading them.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use crate::dependencies::{Dependency, IdSpec, IdValue, OutputDep, Wildcard};
use crate::registry::Registry;

use super::callbacks::ids_overlap;
use super::report::{CallbackRef, CycleStep, Problem};

/// Stop building the graph past this many edges (pathological pattern products) rather than
/// slow start-up down; cycles are then not reported.
const EDGE_BUDGET: usize = 2_000_000;

/// A constant value of a dict-id key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Lit {
    Int(i64),
    Bool(bool),
    Str(&'static str),
}

impl Lit {
    fn of(value: &IdValue) -> Option<Lit> {
        match value {
            IdValue::Int(n) => Some(Lit::Int(*n)),
            IdValue::Bool(b) => Some(Lit::Bool(*b)),
            IdValue::Str(s) => Some(Lit::Str(s)),
            IdValue::Wildcard(_) => None,
        }
    }

    /// Dash's ordering of id values: numbers (numeric strings too), then booleans, then
    /// strings.
    fn order(&self, other: &Lit) -> Ordering {
        let numeric = |l: &Lit| match l {
            Lit::Int(n) => Some(*n as f64),
            Lit::Str(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
            Lit::Bool(_) => None,
        };
        let class = |l: &Lit| match (l, numeric(l)) {
            (_, Some(_)) => 0,
            (Lit::Bool(_), _) => 1,
            _ => 2,
        };
        class(self)
            .cmp(&class(other))
            .then_with(|| match (self, other) {
                _ if class(self) == 0 => numeric(self)
                    .partial_cmp(&numeric(other))
                    .unwrap_or(Ordering::Equal),
                (Lit::Bool(a), Lit::Bool(b)) => a.cmp(b),
                (Lit::Str(a), Lit::Str(b)) => a.cmp(b),
                _ => Ordering::Equal,
            })
    }
}

/// The placeholder values of one key, as positions `0..count` in Dash's order.
#[derive(Debug, Default)]
struct Slots {
    count: u32,
    exact: HashMap<Lit, u32>,
}

/// A concrete dict id: `(key, slot)` sorted by key.
type Concrete = Vec<(&'static str, u32)>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum NodeId {
    Str(&'static str),
    Dict(Concrete),
}

/// A graph node: a concrete component property; `copy` marks the separate output node of a
/// property that is also an input of the same callback.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Node {
    id: NodeId,
    property: &'static str,
    copy: bool,
}

/// The `output` of a label on an edge into a hub: the edge out of the hub carries the step.
const INTO_HUB: u32 = u32::MAX;

/// Which callback, reading which input and writing which output, made an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Label {
    callback: u32,
    input: u32,
    output: u32,
}

#[derive(Debug, Default)]
struct Graph {
    nodes: HashMap<Node, u32>,
    adjacency: Vec<Vec<(u32, Label)>>,
    edges: usize,
}

impl Graph {
    fn node(&mut self, node: Node) -> u32 {
        let next = self.adjacency.len() as u32;
        let n = *self.nodes.entry(node).or_insert(next);
        if n == next {
            self.adjacency.push(Vec::new());
        }
        n
    }

    /// A pass-through node with no property.
    fn hub(&mut self) -> u32 {
        self.adjacency.push(Vec::new());
        (self.adjacency.len() - 1) as u32
    }

    fn edge(&mut self, from: u32, to: u32, label: Label) {
        self.adjacency[from as usize].push((to, label));
        self.edges += 1;
    }
}

/// Placeholder values for every key used in dict ids of outputs and inputs.
fn placeholders(registry: &Registry) -> HashMap<&'static str, Slots> {
    let mut exact: HashMap<&'static str, (Vec<Lit>, u32)> = HashMap::new();
    for reg in registry.callbacks() {
        let ids = reg
            .spec
            .outputs
            .iter()
            .map(|o| o.id)
            .chain(reg.spec.inputs.iter().map(|i| i.id));
        for id in ids {
            let IdSpec::Dict(entries) = id else { continue };
            for (key, value) in entries {
                let (values, expand) = exact.entry(key).or_default();
                match (value, Lit::of(value)) {
                    (IdValue::Wildcard(Wildcard::AllSmaller), _) => *expand += 1,
                    (_, Some(lit)) if !values.contains(&lit) => values.push(lit),
                    _ => {}
                }
            }
        }
    }
    exact
        .into_iter()
        .map(|(key, (mut values, expand))| {
            values.sort_by(Lit::order);
            // Values before and after the constants for each ALLSMALLER; with no constants,
            // one value per ALLSMALLER, or a single value for MATCH/ALL.
            let before = if values.is_empty() { 0 } else { expand };
            let count = if values.is_empty() {
                expand.max(1)
            } else {
                values.len() as u32 + 2 * expand
            };
            let exact = values
                .into_iter()
                .enumerate()
                .map(|(i, lit)| (lit, before + i as u32))
                .collect();
            (key, Slots { count, exact })
        })
        .collect()
}

/// Every concrete id a dependency stands for, given the concrete output id being computed
/// (`MATCH` follows it, `ALLSMALLER` takes the smaller values).
fn instantiate(
    slots: &HashMap<&'static str, Slots>,
    entries: &'static [(&'static str, IdValue)],
    output: Option<&Concrete>,
) -> Vec<Concrete> {
    let mut sorted: Vec<&(&'static str, IdValue)> = entries.iter().collect();
    sorted.sort_by_key(|(k, _)| *k);
    let mut ids: Vec<Concrete> = vec![Vec::new()];
    for (key, value) in sorted {
        let Some(key_slots) = slots.get(key) else {
            return Vec::new();
        };
        let at_output = output
            .and_then(|o| o.iter().find(|(k, _)| k == key))
            .map(|&(_, s)| s);
        let choices: Vec<u32> = match value {
            IdValue::Wildcard(Wildcard::AllSmaller) => (0..at_output.unwrap_or(0)).collect(),
            IdValue::Wildcard(Wildcard::Match) => match at_output {
                Some(s) => vec![s],
                None => (0..key_slots.count).collect(),
            },
            IdValue::Wildcard(Wildcard::All) => (0..key_slots.count).collect(),
            literal => match Lit::of(literal).and_then(|l| key_slots.exact.get(&l)) {
                Some(&s) => vec![s],
                None => return Vec::new(),
            },
        };
        ids = ids
            .iter()
            .flat_map(|id| {
                choices.iter().map(move |&s| {
                    let mut next = id.clone();
                    next.push((key, s));
                    next
                })
            })
            .collect();
    }
    ids
}

fn output_nodes(
    slots: &HashMap<&'static str, Slots>,
    out: &OutputDep,
) -> Vec<(NodeId, Option<Concrete>)> {
    match out.id {
        IdSpec::Str(s) => vec![(NodeId::Str(s), None)],
        IdSpec::Dict(entries) => instantiate(slots, entries, None)
            .into_iter()
            .map(|c| (NodeId::Dict(c.clone()), Some(c)))
            .collect(),
    }
}

fn input_nodes(
    slots: &HashMap<&'static str, Slots>,
    input: &Dependency,
    output: Option<&Concrete>,
) -> Vec<NodeId> {
    match input.id {
        IdSpec::Str(s) => vec![NodeId::Str(s)],
        IdSpec::Dict(entries) => instantiate(slots, entries, output)
            .into_iter()
            .map(NodeId::Dict)
            .collect(),
    }
}

/// Whether an input's concrete ids depend on the output being computed (`MATCH` and
/// `ALLSMALLER` follow it).
fn follows_output(input: &Dependency) -> bool {
    input.id.wildcards().any(|(_, w)| w != Wildcard::All)
}

/// The dependency graph of all callbacks, or `None` past [`EDGE_BUDGET`].
///
/// An input that does not follow the output (a string id, constants, `ALL`) feeds every
/// output of its callback; its nodes go through one hub node rather than an edge per
/// (input, output) pair, which keeps `ALL`-to-`ALL` callbacks linear.
fn build(registry: &Registry) -> Option<Graph> {
    let slots = placeholders(registry);
    let mut graph = Graph::default();
    let callbacks = registry.callbacks();
    // Per callback: input node → input index, and its output nodes with output index.
    let mut reads: Vec<HashMap<u32, u32>> = vec![HashMap::new(); callbacks.len()];
    let mut writes: Vec<Vec<(u32, u32)>> = vec![Vec::new(); callbacks.len()];
    // Per callback and input: the hub of an input that does not follow the output.
    let mut hubs: Vec<Vec<Option<u32>>> = vec![Vec::new(); callbacks.len()];
    // (original node, output copy) of properties both read and written by one callback.
    let mut copies: Vec<(u32, u32)> = Vec::new();

    for (c, reg) in callbacks.iter().enumerate() {
        let spec = reg.spec;
        let cu = c as u32;
        if spec.outputs.is_empty() {
            continue;
        }
        for (i, input) in spec.inputs.iter().enumerate() {
            if follows_output(input) {
                hubs[c].push(None);
                continue;
            }
            let hub = graph.hub();
            for id in input_nodes(&slots, input, None) {
                let from = graph.node(Node {
                    id,
                    property: input.property,
                    copy: false,
                });
                graph.edge(
                    from,
                    hub,
                    Label {
                        callback: cu,
                        input: i as u32,
                        output: INTO_HUB,
                    },
                );
                reads[c].entry(from).or_insert(i as u32);
            }
            hubs[c].push(Some(hub));
        }
        for (o, out) in spec.outputs.iter().enumerate() {
            let also_input = spec
                .inputs
                .iter()
                .any(|i| i.property == out.property && ids_overlap(&out.id, &i.id));
            for (id, concrete) in output_nodes(&slots, out) {
                let to = graph.node(Node {
                    id: id.clone(),
                    property: out.property,
                    copy: also_input,
                });
                if also_input {
                    let original = graph.node(Node {
                        id,
                        property: out.property,
                        copy: false,
                    });
                    copies.push((original, to));
                }
                writes[c].push((to, o as u32));
                for (i, input) in spec.inputs.iter().enumerate() {
                    let label = Label {
                        callback: cu,
                        input: i as u32,
                        output: o as u32,
                    };
                    if let Some(hub) = hubs[c][i] {
                        graph.edge(hub, to, label);
                        continue;
                    }
                    for id in input_nodes(&slots, input, concrete.as_ref()) {
                        let from = graph.node(Node {
                            id,
                            property: input.property,
                            copy: false,
                        });
                        graph.edge(from, to, label);
                        reads[c].entry(from).or_insert(i as u32);
                    }
                }
                if graph.edges > EDGE_BUDGET {
                    return None;
                }
            }
        }
    }

    // An output copy feeds the outputs of every other callback reading the original.
    let mut readers: HashMap<u32, Vec<usize>> = HashMap::new();
    for (c, nodes) in reads.iter().enumerate() {
        for &node in nodes.keys() {
            readers.entry(node).or_default().push(c);
        }
    }
    copies.sort_unstable();
    copies.dedup();
    for (original, copy) in copies {
        for &d in readers.get(&original).map_or(&[][..], Vec::as_slice) {
            if writes[d].iter().any(|&(n, _)| n == copy) {
                continue;
            }
            let input = reads[d][&original];
            if let Some(hub) = hubs[d][input as usize] {
                graph.edge(
                    copy,
                    hub,
                    Label {
                        callback: d as u32,
                        input,
                        output: INTO_HUB,
                    },
                );
                continue;
            }
            for &(to, output) in &writes[d] {
                graph.edge(
                    copy,
                    to,
                    Label {
                        callback: d as u32,
                        input,
                        output,
                    },
                );
            }
        }
        if graph.edges > EDGE_BUDGET {
            return None;
        }
    }
    Some(graph)
}

/// Strongly connected components (Tarjan, iterative), in the order they complete.
fn components(adjacency: &[Vec<(u32, Label)>]) -> Vec<Vec<u32>> {
    const UNSEEN: u32 = u32::MAX;
    let n = adjacency.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, usize)> = Vec::new();
    let mut next = 0u32;
    let mut found = Vec::new();
    for root in 0..n as u32 {
        if index[root as usize] != UNSEEN {
            continue;
        }
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        calls.push((root, 0));
        while let Some(&mut (v, ref mut pos)) = calls.last_mut() {
            let vu = v as usize;
            if let Some(&(w, _)) = adjacency[vu].get(*pos) {
                *pos += 1;
                let wu = w as usize;
                if index[wu] == UNSEEN {
                    index[wu] = next;
                    low[wu] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[wu] = true;
                    calls.push((w, 0));
                } else if on_stack[wu] {
                    low[vu] = low[vu].min(index[wu]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u as usize] = low[u as usize].min(low[vu]);
            }
            if low[vu] == index[vu] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                found.push(component);
            }
        }
    }
    found
}

/// A shortest cycle through the component's smallest node, as edge labels.
fn cycle_in(adjacency: &[Vec<(u32, Label)>], component: &[u32]) -> Option<Vec<Label>> {
    let members: HashSet<u32> = component.iter().copied().collect();
    let start = *component.iter().min()?;
    let mut parent: HashMap<u32, (u32, Label)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &(w, label) in &adjacency[v as usize] {
            if w == start {
                let mut labels = vec![label];
                let mut at = v;
                while at != start {
                    let (prev, l) = parent[&at];
                    labels.push(l);
                    at = prev;
                }
                labels.reverse();
                return Some(labels);
            }
            if members.contains(&w) && !parent.contains_key(&w) {
                parent.insert(w, (v, label));
                queue.push_back(w);
            }
        }
    }
    None
}

/// [`Problem::CircularDependency`] for every distinct loop of callbacks.
pub(crate) fn check(registry: &Registry) -> Vec<Problem> {
    let Some(graph) = build(registry) else {
        tracing::warn!(
            "callback validation: the pattern-matching dependency graph is too large; \
             circular dependencies were not checked"
        );
        return Vec::new();
    };
    let callbacks = registry.callbacks();
    let mut seen: HashSet<Vec<Label>> = HashSet::new();
    let mut problems = Vec::new();
    for component in components(&graph.adjacency) {
        let looped = component.len() > 1
            || graph.adjacency[component[0] as usize]
                .iter()
                .any(|&(w, _)| w == component[0]);
        if !looped {
            continue;
        }
        let Some(mut labels) = cycle_in(&graph.adjacency, &component) else {
            continue;
        };
        labels.retain(|l| l.output != INTO_HUB);
        // The same loop shows up once per placeholder value: compare by rotation.
        if let Some(first) = (0..labels.len()).min_by_key(|&i| labels[i]) {
            labels.rotate_left(first);
        }
        if !seen.insert(labels.clone()) {
            continue;
        }
        let steps = labels
            .iter()
            .map(|l| {
                let spec = callbacks[l.callback as usize].spec;
                CycleStep {
                    input: spec.inputs[l.input as usize].prop_id(),
                    callback: CallbackRef::of(spec),
                    output: spec.outputs[l.output as usize].prop_id(),
                }
            })
            .collect();
        problems.push(Problem::CircularDependency { steps });
    }
    problems
}
