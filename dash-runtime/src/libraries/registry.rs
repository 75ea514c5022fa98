//! The component libraries linked into this program.

use std::sync::OnceLock;

use super::{ComponentLibrary, Linked};

/// Every linked library, sorted by namespace (so the index page is the same on every start);
/// a namespace registered twice keeps its first registration.
pub fn linked() -> &'static [ComponentLibrary] {
    static LINKED: OnceLock<Vec<ComponentLibrary>> = OnceLock::new();
    LINKED.get_or_init(|| {
        let mut all: Vec<ComponentLibrary> = inventory::iter::<Linked>().map(|l| l.0).collect();
        all.sort_by(|a, b| a.namespace.cmp(b.namespace));
        all.dedup_by(|a, b| a.namespace == b.namespace);
        all
    })
}

/// The linked library of `namespace`.
pub fn find(namespace: &str) -> Option<&'static ComponentLibrary> {
    linked().iter().find(|l| l.namespace == namespace)
}
