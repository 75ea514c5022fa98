//! `calc`: the square, cube and parity of a number.
//!
//! Run with `cargo run --release -p calc` and open <http://127.0.0.1:8050/>.

use dash_runtime::prelude::*;
use serde_json::Number;

/// Square and cube; negative numbers leave the square unchanged, a missing number changes
/// nothing, a result out of range is an error (as in Python).
#[callback(
    output = [Output("square", "children"), Output("cube", "children")],
    inputs = [Input("num", "value")],
)]
fn powers(num: Option<Number>) -> Result<(Update<Number>, Number), CallbackError> {
    let num = num.ok_or(PreventUpdate)?;
    let cube = arith(&num, 3)?;
    let square = if is_negative(&num) {
        Update::NoUpdate
    } else {
        Update::Value(arith(&num, 2)?)
    };
    Ok((square, cube))
}

/// `even` or `odd` for integers; anything else leaves the text unchanged.
#[callback(output = Output("parity", "children"), inputs = [Input("num", "value")])]
fn parity(num: Option<Number>) -> Update<&'static str> {
    match num.as_ref().and_then(integer_value) {
        Some(n) if n % 2 == 0 => Update::Value("even"),
        Some(_) => Update::Value("odd"),
        None => Update::NoUpdate,
    }
}

fn is_negative(n: &Number) -> bool {
    n.as_f64().is_some_and(|v| v < 0.0)
}

/// The integer a number holds, if it is a JSON integer (`4.0` is a float, as for Python's
/// `isinstance(value, int)`). Integers beyond 64 bits arrive as floats; the front end writes
/// every integer below 1e21 without a fraction or exponent, which Python reads as an int, so
/// integral floats in that range count too.
fn integer_value(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
        .or_else(|| {
            n.as_f64()
                .filter(|f| {
                    f.fract() == 0.0 && f.abs() >= 9.223_372_036_854_776e18 && f.abs() < 1e21
                })
                .map(|f| f as i128)
        })
}

/// `n` to the power `exp`, integer when `n` is an integer (as Python computes it), float
/// otherwise; a float result out of range is an error, as Python's `OverflowError` is.
fn arith(n: &Number, exp: u32) -> Result<Number, CallbackError> {
    if let Some(i) = integer_value(n) {
        if let Some(v) = i.checked_pow(exp).and_then(|p| i64::try_from(p).ok()) {
            return Ok(Number::from(v));
        }
    }
    let f = n.as_f64().unwrap_or(0.0).powi(exp as i32);
    Number::from_f64(f)
        .ok_or_else(|| CallbackError::new(format!("{n} ** {exp}: numerical result out of range")))
}

fn layout() -> html::Div {
    html::div((
        dcc::Input::new().id("num").r#type("number").value(3),
        html::Div::new().id("square"),
        html::Div::new().id("cube"),
        html::Div::new().id("parity"),
    ))
}

/// The app: its layout (the callbacks register themselves).
fn app() -> Dash {
    Dash::new().layout(layout())
}

fn main() -> Result<(), dash_runtime::Error> {
    app().run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_of_numbers() {
        assert_eq!(
            powers(Some(3.into())).ok(),
            Some((Update::Value(9.into()), 27.into()))
        );
        assert_eq!(
            powers(Some((-2).into())).ok(),
            Some((Update::NoUpdate, (-8).into()))
        );
        assert!(matches!(powers(None), Err(CallbackError::PreventUpdate)));
        let half = Number::from_f64(0.5).unwrap();
        assert_eq!(
            powers(Some(half)).ok().map(|p| p.1),
            Number::from_f64(0.125)
        );
        let huge = Number::from_f64(1e200).unwrap();
        assert!(matches!(powers(Some(huge)), Err(CallbackError::User(_))));
    }

    #[test]
    fn parity_of_integers_only() {
        assert_eq!(parity(Some(4.into())), Update::Value("even"));
        assert_eq!(parity(Some((-3).into())), Update::Value("odd"));
        assert_eq!(
            parity(Some(Number::from_f64(2.5).unwrap())),
            Update::NoUpdate
        );
        assert_eq!(parity(None), Update::NoUpdate);
        // 2^65 as the front end writes it: beyond u64, still an integer for Python.
        let big: Number = serde_json::from_str("36893488147419103000").unwrap();
        assert_eq!(parity(Some(big)), Update::Value("even"));
    }

    /// The browser test's scenario (e2e/tests/browser.rs), on the headless test app.
    #[test]
    fn the_page_shows_powers_and_parity() -> Result<(), dash_runtime::testing::TestError> {
        let mut page = dash_runtime::testing::TestApp::new(app())?;
        assert_eq!(page.text("square"), "9");
        assert_eq!(page.text("cube"), "27");
        assert_eq!(page.text("parity"), "odd");

        page.set("num", "value", -2)?;
        assert_eq!(page.text("cube"), "-8");
        assert_eq!(page.text("parity"), "even");
        // A negative number leaves the square as it was (`no_update`).
        assert_eq!(page.text("square"), "9");
        // An empty box: `PreventUpdate` for the powers, `no_update` for the parity.
        page.set("num", "value", serde_json::Value::Null)?;
        assert_eq!(
            (page.text("cube"), page.text("parity")),
            ("-8".into(), "even".into())
        );
        assert_eq!(page.calls().last().map(|c| c.status), Some(200));
        assert!(page.errors().is_empty());
        Ok(())
    }
}
