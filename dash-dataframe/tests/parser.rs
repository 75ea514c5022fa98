//! Property tests of the filter parser: it never panics, canonical text round-trips, and
//! errors point inside the query.

use dash_dataframe::filter::{parse, Operand};
use proptest::prelude::*;

mod strategies;

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
    fn canonical_text_round_trips(f in strategies::filters(operand().boxed(), 4, 24)) {
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
