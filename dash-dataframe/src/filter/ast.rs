//! The parsed form of a filter query, and its canonical text.

use std::fmt;

/// A whole filter query: `None` when the query is empty (every row passes).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// The condition, if the query has one.
    pub filter: Option<Filter>,
}

/// A condition on one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `a || b` (also `a or b`).
    Or(Box<Filter>, Box<Filter>),
    /// `a && b` (also `a and b`).
    And(Box<Filter>, Box<Filter>),
    /// `!(a)` (also `not a`, an extension: see [`crate::filter`]).
    Not(Box<Filter>),
    /// `left op right`, e.g. `{price} >= 10` or `{name} icontains "an"`.
    Compare {
        /// The left operand (usually a column).
        left: Operand,
        /// The operator.
        op: RelOp,
        /// Its `i`/`s` prefix.
        case: Case,
        /// The right operand (usually a value).
        right: Operand,
    },
    /// `operand is <test>`, e.g. `{note} is blank`.
    Is {
        /// What is tested (usually a column).
        operand: Operand,
        /// The test.
        test: Test,
    },
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `{column id}`: the row's value in that column (`undefined` when there is no such
    /// column).
    Column(String),
    /// A string: quoted (`'..'`, `".."`, `` `..` ``) or a bare word that is not a number.
    Text(String),
    /// A bare value that JavaScript reads as a finite number (`5`, `-2.5`, `1e3`, `0x1F`).
    Number(f64),
}

/// A relational operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelOp {
    /// `eq` or `=`: equal, comparing numerically when both sides are numeric.
    Eq,
    /// `ne` or `!=`: strictly not equal (no numeric conversion).
    Ne,
    /// `lt` or `<`.
    Lt,
    /// `le` or `<=`.
    Le,
    /// `gt` or `>`.
    Gt,
    /// `ge` or `>=`.
    Ge,
    /// `contains`: substring, when one side is a string.
    Contains,
    /// `datestartswith`: the normalised date of the left side starts with the right side's.
    DateStartsWith,
}

impl RelOp {
    /// The operator's word form.
    pub fn word(self) -> &'static str {
        match self {
            RelOp::Eq => "eq",
            RelOp::Ne => "ne",
            RelOp::Lt => "lt",
            RelOp::Le => "le",
            RelOp::Gt => "gt",
            RelOp::Ge => "ge",
            RelOp::Contains => "contains",
            RelOp::DateStartsWith => "datestartswith",
        }
    }
}

/// The case prefix of a relational operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Case {
    /// No prefix: case-sensitive.
    #[default]
    Default,
    /// `s` (or an upper-case `I`/`S`, which DataTable also treats as sensitive).
    Sensitive,
    /// `i`: both sides compared as upper-cased strings.
    Insensitive,
}

/// A unary `is` test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Test {
    /// `is blank`: null, missing or the empty string.
    Blank,
    /// `is nil`: null or missing.
    Nil,
    /// `is num`: a number.
    Num,
    /// `is str`: a string.
    Str,
    /// `is bool`: a boolean.
    Bool,
    /// `is even`: a number whose remainder by 2 is 0.
    Even,
    /// `is odd`: a number whose remainder by 2 is 1 (so not negative ones).
    Odd,
    /// `is prime`: DataTable's primality test.
    Prime,
    /// `is object`: an object or array.
    Object,
}

impl Test {
    /// Every test, in DataTable's lexicon order.
    pub const ALL: [Test; 9] = [
        Test::Blank,
        Test::Bool,
        Test::Even,
        Test::Nil,
        Test::Num,
        Test::Object,
        Test::Odd,
        Test::Prime,
        Test::Str,
    ];

    /// The word after `is `.
    pub fn word(self) -> &'static str {
        match self {
            Test::Blank => "blank",
            Test::Nil => "nil",
            Test::Num => "num",
            Test::Str => "str",
            Test::Bool => "bool",
            Test::Even => "even",
            Test::Odd => "odd",
            Test::Prime => "prime",
            Test::Object => "object",
        }
    }
}

impl fmt::Display for Query {
    /// The canonical query text: parsing it gives this query back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.filter {
            Some(filter) => filter.fmt(f),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn child(f: &mut fmt::Formatter<'_>, c: &Filter) -> fmt::Result {
            match c {
                Filter::Or(..) | Filter::And(..) => write!(f, "({c})"),
                _ => c.fmt(f),
            }
        }
        match self {
            Filter::Or(a, b) | Filter::And(a, b) => {
                child(f, a)?;
                f.write_str(if matches!(self, Filter::Or(..)) {
                    " || "
                } else {
                    " && "
                })?;
                child(f, b)
            }
            Filter::Not(a) => write!(f, "!({a})"),
            Filter::Compare {
                left,
                op,
                case,
                right,
            } => {
                let prefix = match (op, case) {
                    (RelOp::DateStartsWith, _) | (_, Case::Default) => "",
                    (_, Case::Sensitive) => "s",
                    (_, Case::Insensitive) => "i",
                };
                write!(f, "{left} {prefix}{} {right}", op.word())
            }
            Filter::Is { operand, test } => write!(f, "{operand} is {}", test.word()),
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Column(name) => {
                f.write_str("{")?;
                for c in name.chars() {
                    if matches!(c, '{' | '}' | '\\') {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("}")
            }
            Operand::Text(text) => {
                f.write_str("\"")?;
                for c in text.chars() {
                    if matches!(c, '"' | '\\') {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
            Operand::Number(n) => f.write_str(&crate::js::number_to_string(*n)),
        }
    }
}
