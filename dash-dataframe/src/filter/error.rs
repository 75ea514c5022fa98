//! Why a filter query is invalid, and where.

use std::fmt;

/// An invalid filter query: what is wrong, at which character (0-based, counted in Unicode
/// scalar values).
///
/// ```
/// use dash_dataframe::filter::{parse, ParseErrorKind};
///
/// let err = parse("{price} > 5 ").unwrap_err();
/// assert_eq!(err.position, 11);
/// assert!(matches!(err.kind, ParseErrorKind::TrailingWhitespace));
/// assert_eq!(err.to_string(), "trailing whitespace (DataTable rejects it) at character 11");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at character {position}")]
pub struct ParseError {
    /// Where the problem starts.
    pub position: usize,
    /// What the problem is.
    pub kind: ParseErrorKind,
}

/// What is wrong with a filter query.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The query ends where something else was needed.
    UnexpectedEnd {
        /// What was needed.
        expected: Expected,
    },
    /// Something other than what may come here.
    Unexpected {
        /// The text found (its first characters).
        found: String,
        /// What may come here.
        expected: Expected,
    },
    /// A quoted string with no closing quote.
    UnterminatedString {
        /// The opening quote.
        quote: char,
    },
    /// A `{column}` with no closing brace (or an unescaped `{` inside).
    UnterminatedColumn,
    /// `{}`.
    EmptyColumn,
    /// A `(` without its `)`.
    UnclosedParenthesis,
    /// A `)` without its `(`.
    UnmatchedClose,
    /// Whitespace at the end (DataTable's lexer finds no token in it and rejects the query).
    TrailingWhitespace,
}

/// What the parser was looking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A `{column}`, a quoted string or a value.
    Operand,
    /// A relational operator (`eq`, `>`, `contains`, ...) or an `is` test.
    Operator,
    /// `&&`, `||`, `)` or the end of the query.
    Connective,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::Operand => "a {column}, a quoted string or a value",
            Expected::Operator => {
                "an operator (eq ne lt le gt ge contains datestartswith, = != < <= > >=) or an `is` test"
            }
            Expected::Connective => "&&, ||, ) or the end of the query",
        })
    }
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::UnexpectedEnd { expected } => {
                write!(f, "the query ends where {expected} is needed")
            }
            ParseErrorKind::Unexpected { found, expected } => {
                write!(f, "expected {expected}, found `{found}`")
            }
            ParseErrorKind::UnterminatedString { quote } => {
                write!(f, "string without its closing {quote}")
            }
            ParseErrorKind::UnterminatedColumn => {
                f.write_str("column without its closing } (escape braces inside as \\{ \\})")
            }
            ParseErrorKind::EmptyColumn => f.write_str("empty column name {}"),
            ParseErrorKind::UnclosedParenthesis => f.write_str("( without its )"),
            ParseErrorKind::UnmatchedClose => f.write_str(") without its ("),
            ParseErrorKind::TrailingWhitespace => {
                f.write_str("trailing whitespace (DataTable rejects it)")
            }
        }
    }
}
