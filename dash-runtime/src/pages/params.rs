//! Typed parameters of page layout functions: path variables and query-string values.

use std::collections::HashMap;
use std::str::FromStr;

/// Why a URL's values do not fit a page's parameters (the page then counts as not found).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageParamError {
    /// A required value is absent.
    #[error("missing value for `{0}`")]
    Missing(String),
    /// A value does not parse as the parameter's type.
    #[error("`{name}` = {value:?} is not a valid {expected}")]
    Invalid {
        /// The parameter.
        name: String,
        /// The value in the URL.
        value: String,
        /// The expected type.
        expected: &'static str,
    },
}

/// The values a URL gives a page: path variables, then query parameters (a repeated key
/// keeps every value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageArgs {
    values: HashMap<String, Vec<String>>,
}

impl PageArgs {
    /// Path variables and a query string (with or without the leading `?`).
    pub fn new(path_vars: Vec<(String, String)>, search: &str) -> Self {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        let search = search.strip_prefix('?').unwrap_or(search);
        for (k, v) in crate::protocol::Query::parse(Some(search)).pairs() {
            values.entry(k.clone()).or_default().push(v.clone());
        }
        for (k, v) in path_vars {
            values.insert(k, vec![v]);
        }
        PageArgs { values }
    }

    /// The value(s) of one parameter, converted to `T`.
    pub fn get<T: FromPageParam>(&self, name: &str) -> Result<T, PageParamError> {
        T::from_page_param(name, self.values.get(name).map(Vec::as_slice))
    }

    /// Every value, by name.
    pub fn values(&self) -> &HashMap<String, Vec<String>> {
        &self.values
    }
}

/// A type a page parameter can have.
///
/// `String` and numbers are required; `Option<T>` may be absent; `Vec<String>` takes every
/// value of a repeated query key.
pub trait FromPageParam: Sized {
    /// Convert the URL's values (`None`: the URL has none).
    fn from_page_param(name: &str, values: Option<&[String]>) -> Result<Self, PageParamError>;
}

fn first<'a>(name: &str, values: Option<&'a [String]>) -> Result<&'a String, PageParamError> {
    values
        .and_then(<[String]>::last)
        .ok_or_else(|| PageParamError::Missing(name.to_owned()))
}

impl FromPageParam for String {
    fn from_page_param(name: &str, values: Option<&[String]>) -> Result<Self, PageParamError> {
        first(name, values).cloned()
    }
}

impl FromPageParam for Vec<String> {
    fn from_page_param(_name: &str, values: Option<&[String]>) -> Result<Self, PageParamError> {
        Ok(values.map(<[String]>::to_vec).unwrap_or_default())
    }
}

impl<T: FromPageParam> FromPageParam for Option<T> {
    fn from_page_param(name: &str, values: Option<&[String]>) -> Result<Self, PageParamError> {
        match values {
            None | Some([]) => Ok(None),
            Some(_) => T::from_page_param(name, values).map(Some),
        }
    }
}

macro_rules! parsed_param {
    ($($t:ty),*) => {$(
        impl FromPageParam for $t {
            fn from_page_param(name: &str, values: Option<&[String]>) -> Result<Self, PageParamError> {
                let raw = first(name, values)?;
                <$t>::from_str(raw).map_err(|_| PageParamError::Invalid {
                    name: name.to_owned(),
                    value: raw.clone(),
                    expected: stringify!($t),
                })
            }
        }
    )*};
}
parsed_param!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize, f32, f64, bool);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_path_values() {
        let args = PageArgs::new(
            vec![("id".into(), "42".into())],
            "?a=1&b=2&b=3&name=J%C3%BCrgen+B",
        );
        assert_eq!(args.get::<u32>("id"), Ok(42));
        assert_eq!(args.get::<String>("a"), Ok("1".into()));
        assert_eq!(
            args.get::<Vec<String>>("b"),
            Ok(vec!["2".into(), "3".into()])
        );
        assert_eq!(args.get::<Option<String>>("c"), Ok(None));
        assert_eq!(args.get::<String>("name"), Ok("Jürgen B".into()));
        assert!(matches!(
            args.get::<String>("c"),
            Err(PageParamError::Missing(_))
        ));
        assert!(matches!(args.get::<u8>("a"), Ok(1)));
        assert!(matches!(
            args.get::<u8>("name"),
            Err(PageParamError::Invalid { .. })
        ));
        let decoded = PageArgs::new(Vec::new(), "?q=100%&r=a+b%21");
        assert!(matches!(decoded.get::<String>("q"), Ok(v) if v == "100%"));
        assert!(matches!(decoded.get::<String>("r"), Ok(v) if v == "a b!"));
    }
}
