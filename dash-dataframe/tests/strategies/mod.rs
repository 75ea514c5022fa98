//! Random filter queries for the property tests, over operands each test picks.

use dash_dataframe::filter::{Case, Filter, Operand, RelOp, Test};
use proptest::prelude::*;

const OPS: [RelOp; 8] = [
    RelOp::Eq,
    RelOp::Ne,
    RelOp::Lt,
    RelOp::Le,
    RelOp::Gt,
    RelOp::Ge,
    RelOp::Contains,
    RelOp::DateStartsWith,
];

/// One comparison or `is` test over operands from `operand` (`datestartswith` takes no case
/// prefix, so it always has the default case).
fn leaf(operand: BoxedStrategy<Operand>) -> impl Strategy<Value = Filter> {
    let cases = vec![Case::Default, Case::Sensitive, Case::Insensitive];
    prop_oneof![
        (
            operand.clone(),
            prop::sample::select(OPS.to_vec()),
            prop::sample::select(cases),
            operand.clone()
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
        (operand, prop::sample::select(Test::ALL.to_vec()))
            .prop_map(|(operand, test)| Filter::Is { operand, test }),
    ]
}

/// Leaves joined by `&&`, `||` and `!`, at most `depth` deep and about `size` nodes.
pub fn filters(
    operand: BoxedStrategy<Operand>,
    depth: u32,
    size: u32,
) -> impl Strategy<Value = Filter> {
    leaf(operand).prop_recursive(depth, size, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Filter::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Filter::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|a| Filter::Not(Box::new(a))),
        ]
    })
}
