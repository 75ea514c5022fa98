//! DataTable's filter-query grammar: parsed into a [`Query`], with a [`ParseError`] saying
//! what is wrong and where.
//!
//! The grammar is the one DataTable's native filtering (`filter_action='native'`) reads from
//! `filter_query`, token by token:
//!
//! - operands: `{column id}` (any characters but braces; `\{`, `\}` and `\\` escape them),
//!   quoted strings `'..'`, `".."`, `` `..` `` with `\x` escapes, and bare values: a word
//!   without spaces, quotes, braces or parentheses, read as a number when JavaScript's
//!   `+value` gives a finite number (`5`, `-2.5`, `1e3`, `0x1F`), else as a string;
//! - relational operators `eq ne lt le gt ge contains datestartswith` (any letter case,
//!   followed by a space) and `= != < <= > >=`; all but `datestartswith` take an `i`
//!   (case-insensitive) or `s` (sensitive, the default) prefix: `ieq`, `scontains`, `i<`;
//! - tests `is blank`, `is nil`, `is num`, `is str`, `is bool`, `is even`, `is odd`,
//!   `is prime`, `is object` (one space between the words);
//! - `&&` / `and`, `||` / `or`, `!(...)`, and parentheses. `||` binds loosest, then `&&`,
//!   then `!`: `a && b || c` is `(a && b) || c`.
//!
//! A query must be a whole condition: a lone value (`5`) or column is invalid, and so is
//! trailing whitespace, as in DataTable. The empty query filters nothing.
//!
//! As in DataTable, a comparison may be followed by more `<operator> <operand>` pairs and
//! then one `is` test, which are dropped: `{a} eq {b} eq 1` and `{a} eq 1 is nil` read as
//! `{a} eq {b}` and `{a} eq 1`.
//!
//! Two extensions, which native DataTable rejects as invalid: the `not` keyword for `!`, and
//! `!` right before a comparison or after `(` (`!{a} eq 1`, `(!(..))`).
//!
//! ```
//! use dash_dataframe::filter::{parse, Case, Filter, Operand, RelOp};
//!
//! let query = parse(r#"{unit price} >= 10 && {name} icontains "an""#).unwrap();
//! let Some(Filter::And(left, right)) = &query.filter else { panic!() };
//! assert_eq!(
//!     **left,
//!     Filter::Compare {
//!         left: Operand::Column("unit price".into()),
//!         op: RelOp::Ge,
//!         case: Case::Default,
//!         right: Operand::Number(10.0),
//!     }
//! );
//! assert!(matches!(**right, Filter::Compare { op: RelOp::Contains, case: Case::Insensitive, .. }));
//! // The canonical text parses back to the same query.
//! assert_eq!(parse(&query.to_string()).unwrap(), query);
//! ```

mod ast;
mod error;
mod parse;

pub use ast::{Case, Filter, Operand, Query, RelOp, Test};
pub use error::{Expected, ParseError, ParseErrorKind};
pub use parse::parse;

impl std::str::FromStr for Query {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(c: &str) -> Operand {
        Operand::Column(c.to_owned())
    }
    fn text(t: &str) -> Operand {
        Operand::Text(t.to_owned())
    }
    fn cmp(left: Operand, op: RelOp, case: Case, right: Operand) -> Filter {
        Filter::Compare {
            left,
            op,
            case,
            right,
        }
    }
    fn one(q: &str) -> Filter {
        parse(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .filter
            .unwrap_or_else(|| panic!("{q}: empty"))
    }
    fn err(q: &str) -> ParseError {
        parse(q).expect_err(q)
    }

    #[test]
    fn every_operator_in_both_forms() {
        for (word, symbol, op) in [
            ("eq", "=", RelOp::Eq),
            ("ne", "!=", RelOp::Ne),
            ("lt", "<", RelOp::Lt),
            ("le", "<=", RelOp::Le),
            ("gt", ">", RelOp::Gt),
            ("ge", ">=", RelOp::Ge),
        ] {
            let expected = cmp(col("a"), op, Case::Default, Operand::Number(1.0));
            assert_eq!(one(&format!("{{a}} {word} 1")), expected);
            assert_eq!(one(&format!("{{a}} {symbol} 1")), expected);
            assert_eq!(one(&format!("{{a}}{symbol}1")), expected);
            assert_eq!(one(&format!("{{a}} {} 1", word.to_uppercase())), expected);
            assert_eq!(
                one(&format!("{{a}} i{word} 1")),
                cmp(col("a"), op, Case::Insensitive, Operand::Number(1.0))
            );
            assert_eq!(
                one(&format!("{{a}} s{symbol} 1")),
                cmp(col("a"), op, Case::Sensitive, Operand::Number(1.0))
            );
        }
        assert_eq!(
            one("{a} contains x"),
            cmp(col("a"), RelOp::Contains, Case::Default, text("x"))
        );
        assert_eq!(
            one("{a} icontains x"),
            cmp(col("a"), RelOp::Contains, Case::Insensitive, text("x"))
        );
        // Only a lower-case `i` makes DataTable compare case-insensitively.
        assert_eq!(
            one("{a} Icontains x"),
            cmp(col("a"), RelOp::Contains, Case::Sensitive, text("x"))
        );
        assert_eq!(
            one("{d} datestartswith 2020-01"),
            cmp(
                col("d"),
                RelOp::DateStartsWith,
                Case::Default,
                text("2020-01")
            )
        );
        assert!(parse("{d} idatestartswith 2020").is_err());
        // Words need a space after them; symbols do not.
        assert!(parse("{a} eq1").is_err());
        assert!(parse("{a} containsx").is_err());
    }

    #[test]
    fn tests_and_logic() {
        for t in Test::ALL {
            assert_eq!(
                one(&format!("{{a}} is {}", t.word())),
                Filter::Is {
                    operand: col("a"),
                    test: t
                }
            );
        }
        assert!(parse("{a} IS BLANK").is_ok());
        assert!(parse("{a} is  blank").is_err());
        assert!(parse("{a} is numeric").is_err());
        let a = || Box::new(one("{a} is nil"));
        let b = || Box::new(one("{b} is nil"));
        let c = || Box::new(one("{c} is nil"));
        assert_eq!(
            one("{a} is nil && {b} is nil || {c} is nil"),
            Filter::Or(Box::new(Filter::And(a(), b())), c())
        );
        assert_eq!(
            one("{a} is nil or {b} is nil and {c} is nil"),
            Filter::Or(a(), Box::new(Filter::And(b(), c())))
        );
        assert_eq!(
            one("({a} is nil || {b} is nil) && {c} is nil"),
            Filter::And(Box::new(Filter::Or(a(), b())), c())
        );
        assert_eq!(
            one("{a} is nil || {b} is nil || {c} is nil"),
            Filter::Or(a(), Box::new(Filter::Or(b(), c())))
        );
        assert_eq!(one("!({a} is nil)"), Filter::Not(a()));
        assert_eq!(one("not {a} is nil"), Filter::Not(a()));
        assert_eq!(
            one("!!({a} is nil)"),
            Filter::Not(Box::new(Filter::Not(a())))
        );
        assert_eq!(
            one("!({a} is nil) && {b} is nil"),
            Filter::And(Box::new(Filter::Not(a())), b())
        );
        assert!(parse("{a} is nil AND{b} is nil").is_err());
        assert!(parse("{a} is nil AND {b} is nil").is_ok());
    }

    #[test]
    fn operands() {
        assert_eq!(
            one(r"{col with spaces} eq 'it\'s'"),
            cmp(
                col("col with spaces"),
                RelOp::Eq,
                Case::Default,
                text("it's")
            )
        );
        assert_eq!(
            one(r"{a\}b\{c} eq `x`"),
            cmp(col("a}b{c"), RelOp::Eq, Case::Default, text("x"))
        );
        assert_eq!(
            one(r#"{a} eq """#),
            cmp(col("a"), RelOp::Eq, Case::Default, text(""))
        );
        assert_eq!(
            one("{a} eq 0x1F"),
            cmp(col("a"), RelOp::Eq, Case::Default, Operand::Number(31.0))
        );
        assert_eq!(
            one("{a} eq 1e3"),
            cmp(col("a"), RelOp::Eq, Case::Default, Operand::Number(1000.0))
        );
        assert_eq!(
            one(r"{a} eq a\ b"),
            cmp(col("a"), RelOp::Eq, Case::Default, text("a b"))
        );
        assert_eq!(
            one("{a} eq Infinity"),
            cmp(col("a"), RelOp::Eq, Case::Default, text("Infinity"))
        );
        assert_eq!(
            one("5 < {a}"),
            cmp(Operand::Number(5.0), RelOp::Lt, Case::Default, col("a"))
        );
        assert_eq!(
            one("({a} = {b})"),
            cmp(col("a"), RelOp::Eq, Case::Default, col("b"))
        );
        // As in DataTable: `=` then the bare value `=5`; `== 5` leaves a stray `5`.
        assert_eq!(
            one("{a} ==5"),
            cmp(col("a"), RelOp::Eq, Case::Default, text("=5"))
        );
        assert!(parse("{a} == 5").is_err());
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(parse("").unwrap().filter, None);
        assert_eq!(err("  ").kind, ParseErrorKind::TrailingWhitespace);
        let e = err("{a} eq 1 ");
        assert_eq!(
            (e.position, e.kind),
            (8, ParseErrorKind::TrailingWhitespace)
        );
        assert!(matches!(
            err("5").kind,
            ParseErrorKind::UnexpectedEnd {
                expected: Expected::Operator
            }
        ));
        assert!(matches!(
            err("{a}").kind,
            ParseErrorKind::UnexpectedEnd { .. }
        ));
        let e = err("{a} eq");
        assert_eq!(e.position, 6);
        let e = err("{a} foo 1");
        assert_eq!(e.position, 4);
        assert!(matches!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: Expected::Operator,
                ..
            }
        ));
        assert_eq!(
            err("{a} eq 'x").kind,
            ParseErrorKind::UnterminatedString { quote: '\'' }
        );
        assert_eq!(err("{a eq 1").kind, ParseErrorKind::UnterminatedColumn);
        assert_eq!(err("{} eq 1").kind, ParseErrorKind::EmptyColumn);
        let e = err("({a} eq 1");
        assert_eq!(
            (e.position, e.kind),
            (0, ParseErrorKind::UnclosedParenthesis)
        );
        assert_eq!(err("{a} eq 1)").kind, ParseErrorKind::UnmatchedClose);
        assert!(matches!(
            err("{a} eq 1 {b}").kind,
            ParseErrorKind::Unexpected {
                expected: Expected::Connective,
                ..
            }
        ));
        assert!(parse("{a} eq 1 eq").is_err());
        assert!(parse("{a} eq 1 eq 2 {b}").is_err());
        assert!(parse("{a} is nil eq 1").is_err());
        assert!(parse("{a} eq 1 is nil is nil").is_err());
        assert!(parse("()").is_err());
        assert!(parse("{a} eq 1 &&").is_err());
        assert!(parse("{a} eq 5&&{b} eq 1").is_err());
        assert_eq!(err("é {a}").position, 2);
    }

    #[test]
    fn what_follows_a_whole_comparison_is_dropped() {
        let first = one("{a} eq {b}");
        for q in [
            "{a} eq {b} eq 1",
            "{a} eq {b} > 1 icontains 'x'",
            "{a} eq {b}<1",
            "{a} eq {b} is nil",
            "{a} eq {b} ne 2 is str",
        ] {
            assert_eq!(one(q), first, "{q}");
        }
        assert_eq!(
            one("{a} eq 1 eq 2 && {b} is nil"),
            Filter::And(Box::new(one("{a} eq 1")), Box::new(one("{b} is nil")))
        );
    }

    #[test]
    fn canonical_text() {
        for q in [
            "{a} eq 1",
            r#"{a\{} icontains "x\"y""#,
            "({a} eq 1 || {b} ne 2) && !({c} is blank)",
            "{d} datestartswith \"2020\"",
            "-1.5 s< {x}",
        ] {
            let parsed = parse(q).unwrap();
            assert_eq!(
                parse(&parsed.to_string()).unwrap(),
                parsed,
                "{q} -> {parsed}"
            );
        }
    }
}
