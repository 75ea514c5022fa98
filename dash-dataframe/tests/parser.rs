//! Property tests of the filter parser: it never panics, canonical text round-trips, and
//! errors point inside the query.

use dash_dataframe::filter::{parse, Case, Filter, Operand, RelOp, Test};
use proptest::prelude::*;

fn operand() -> impl Strategy<Value = Operand> {
    prop_oneof![
        "[^\\\\]{1,12}".prop_map(Operand::Column),
        ".{0,12}".prop_map(Operand::Text),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Operand::Number),
        (-1000i32..1000).prop_map(|n| Operand::Number(f64::from(n))),
    ]
}

fn leaf() -> impl Strategy<Value = Filter> {
    let ops = vec![
        RelOp::Eq,
        RelOp::Ne,
        RelOp::Lt,
        RelOp::Le,
        RelOp::Gt,
        RelOp::Ge,
        RelOp::Contains,
        RelOp::DateStartsWith,
    ];
    let cases = vec![Case::Default, Case::Sensitive, Case::Insensitive];
    prop_oneof![
        (
            operand(),
            prop::sample::select(ops),
            prop::sample::select(cases),
            operand()
        )
            .prop_map(|(left, op, case, right)| Filter::Compare {
                left,
                op,
                case: if op == RelOp::DateStartsWith {
                    Case::Default
                } else {
                    case
                },
                right,
            }),
        (operand(), prop::sample::select(Test::ALL.to_vec()))
            .prop_map(|(operand, test)| Filter::Is { operand, test }),
    ]
}

fn filter() -> impl Strategy<Value = Filter> {
    leaf().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Filter::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Filter::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|a| Filter::Not(Box::new(a))),
        ]
    })
}

/// Text made of the grammar's own pieces, so that many samples are nearly valid.
fn queryish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "{a}",
        "{b c}",
        "{x\\}}",
        " ",
        "  ",
        "eq",
        "ieq",
        "=",
        "!=",
        "<",
        ">=",
        "contains",
        "scontains",
        "datestartswith",
        "is blank",
        "is num",
        "&&",
        "||",
        "and ",
        "or ",
        "!",
        "not ",
        "(",
        ")",
        "'s'",
        "\"t\\\"\"",
        "`u`",
        "5",
        "-2.5",
        "0x1F",
        "abc",
        "\\",
        "{",
        "}",
        "'",
        "\n",
        "é",
    ]);
    prop::collection::vec(pieces, 0..14).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn canonical_text_round_trips(f in filter()) {
        let text = f.to_string();
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(back.filter, Some(f));
    }

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,64}") {
        check(&s)?;
    }

    #[test]
    fn grammar_pieces_never_panic(s in queryish()) {
        check(&s)?;
    }
}

fn check(s: &str) -> Result<(), TestCaseError> {
    match parse(s) {
        Ok(q) => {
            // Whatever parses has a canonical text meaning the same.
            let again = parse(&q.to_string())
                .map_err(|e| TestCaseError::fail(format!("{s:?} -> {q}: {e}")))?;
            prop_assert_eq!(again, q);
        }
        Err(e) => {
            prop_assert!(e.position <= s.chars().count(), "{s:?}: {e}");
            prop_assert!(!e.to_string().is_empty());
        }
    }
    Ok(())
}
