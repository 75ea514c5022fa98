//! Children: what can be placed inside a component.

use serde_json::Value;

use super::component::IntoComponent;
use super::value::Number;

/// The value of a `children`-like property: a component, a string, a number, `null`, or a
/// (possibly nested) list of those.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Children(Value);

impl Children {
    /// No children (`null`).
    pub fn none() -> Self {
        Children(Value::Null)
    }

    /// The children as JSON.
    pub fn into_value(self) -> Value {
        self.0
    }
}

impl serde::Serialize for Children {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Conversion into [`Children`]: strings, numbers, components, `Option`s, vectors, arrays and
/// tuples (for children of different types).
///
/// ```
/// use dash_runtime::components::{html, IntoChildren};
///
/// let kids = ("Total: ", 3, html::b("bold")).into_children();
/// assert_eq!(kids.into_value().as_array().map(Vec::len), Some(3));
/// ```
pub trait IntoChildren {
    /// Convert into children.
    fn into_children(self) -> Children;
}

impl IntoChildren for Children {
    fn into_children(self) -> Children {
        self
    }
}

impl<T: IntoComponent> IntoChildren for T {
    fn into_children(self) -> Children {
        Children(self.into_component().into_value())
    }
}

impl IntoChildren for &str {
    fn into_children(self) -> Children {
        Children(Value::String(self.to_owned()))
    }
}

impl IntoChildren for String {
    fn into_children(self) -> Children {
        Children(Value::String(self))
    }
}

impl IntoChildren for &String {
    fn into_children(self) -> Children {
        Children(Value::String(self.clone()))
    }
}

/// No children (`null`): `html::hr(())`.
impl IntoChildren for () {
    fn into_children(self) -> Children {
        Children(Value::Null)
    }
}

impl IntoChildren for Value {
    fn into_children(self) -> Children {
        Children(self)
    }
}

impl IntoChildren for Number {
    fn into_children(self) -> Children {
        Children(self.into_value())
    }
}

macro_rules! children_from_number {
    ($($t:ty),*) => {$(
        impl IntoChildren for $t {
            fn into_children(self) -> Children {
                Children(Number::from(self).into_value())
            }
        }
    )*};
}
children_from_number!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);

impl<T: IntoChildren> IntoChildren for Option<T> {
    fn into_children(self) -> Children {
        self.map_or(Children(Value::Null), IntoChildren::into_children)
    }
}

impl<T: IntoChildren> IntoChildren for Vec<T> {
    fn into_children(self) -> Children {
        Children(Value::Array(
            self.into_iter().map(|c| c.into_children().0).collect(),
        ))
    }
}

impl<T: IntoChildren, const N: usize> IntoChildren for [T; N] {
    fn into_children(self) -> Children {
        Children(Value::Array(
            self.into_iter().map(|c| c.into_children().0).collect(),
        ))
    }
}

macro_rules! children_from_tuple {
    ($($name:ident),+) => {
        impl<$($name: IntoChildren),+> IntoChildren for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_children(self) -> Children {
                let ($($name,)+) = self;
                Children(Value::Array(vec![$($name.into_children().0),+]))
            }
        }
    };
}
children_from_tuple!(A);
children_from_tuple!(A, B);
children_from_tuple!(A, B, C);
children_from_tuple!(A, B, C, D);
children_from_tuple!(A, B, C, D, E);
children_from_tuple!(A, B, C, D, E, F);
children_from_tuple!(A, B, C, D, E, F, G);
children_from_tuple!(A, B, C, D, E, F, G, H);
children_from_tuple!(A, B, C, D, E, F, G, H, I);
children_from_tuple!(A, B, C, D, E, F, G, H, I, J);
children_from_tuple!(A, B, C, D, E, F, G, H, I, J, K);
children_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L);
children_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M);
children_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
children_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
children_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);
