//! The app layout: fixed or built per page load.

use std::sync::Arc;

use serde_json::Value;

use crate::components::IntoChildren;

/// The layout the front end fetches from `_dash-layout`.
#[derive(Clone)]
pub enum Layout {
    /// Serialised once.
    Fixed(Arc<Value>),
    /// Called on every page load.
    Dynamic(Arc<dyn Fn() -> Value + Send + Sync>),
}

impl Layout {
    /// A fixed layout.
    pub fn fixed(layout: impl IntoChildren) -> Self {
        Layout::Fixed(Arc::new(layout.into_children().into_value()))
    }

    /// A layout function.
    pub fn dynamic<F, C>(f: F) -> Self
    where
        F: Fn() -> C + Send + Sync + 'static,
        C: IntoChildren,
    {
        Layout::Dynamic(Arc::new(move || f().into_children().into_value()))
    }

    /// The layout value now.
    pub fn current(&self) -> Value {
        match self {
            Layout::Fixed(v) => Value::clone(v),
            Layout::Dynamic(f) => f(),
        }
    }
}

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Layout::Fixed(_) => f.write_str("Layout::Fixed"),
            Layout::Dynamic(_) => f.write_str("Layout::Dynamic"),
        }
    }
}
