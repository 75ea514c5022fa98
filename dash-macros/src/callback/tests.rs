//! Unit tests of `#[callback]` on token streams: what the parser accepts, which checks fire,
//! and what the expansion registers.

use proc_macro2::TokenStream;
use quote::quote;

fn expand(attr: TokenStream, item: TokenStream) -> String {
    super::expand(attr, item).to_string()
}

/// The expansion as text with spaces dropped, for `contains` checks on token sequences.
fn compact(attr: TokenStream, item: TokenStream) -> String {
    expand(attr, item).replace(' ', "")
}

fn errors_of(out: &str) -> Vec<String> {
    out.split("compile_error !")
        .skip(1)
        .filter_map(|rest| rest.split('"').nth(1).map(str::to_owned))
        .collect()
}

#[test]
fn app_and_crate_reach_the_registration() {
    let out = compact(
        quote!(
            app = "admin",
            crate = "crate::facade::rt",
            output = Output("o", "children"),
            inputs = [Input("i", "value")]
        ),
        quote!(
            fn f(v: Option<String>) -> String {
                v.unwrap_or_default()
            }
        ),
    );
    assert!(
        out.contains("usecrate::facade::rt::__privateas__dash;"),
        "{out}"
    );
    assert!(
        out.contains("app:::core::option::Option::Some(\"admin\")"),
        "{out}"
    );
    assert!(!out.contains("compile_error"), "{out}");

    let plain = compact(
        quote!(
            output = Output("o", "children"),
            inputs = [Input("i", "value")]
        ),
        quote!(
            fn f(v: Option<String>) -> String {
                v.unwrap_or_default()
            }
        ),
    );
    assert!(
        plain.contains("use::dash_runtime::__privateas__dash;"),
        "{plain}"
    );
    assert!(
        plain.contains("app:::core::option::Option::None"),
        "{plain}"
    );
}

#[test]
fn unknown_keys_get_a_suggestion_and_bad_values_a_reason() {
    let out = expand(
        quote!(
            output = Output("o", "children"),
            input = [Input("i", "value")]
        ),
        quote!(
            fn f() -> String {
                String::new()
            }
        ),
    );
    let errors = errors_of(&out);
    assert!(
        errors.iter().any(|e| e.contains("did you mean `inputs`")),
        "{errors:?}"
    );
    let out = expand(
        quote!(
            app = "",
            output = Output("o", "children"),
            inputs = [Input("i", "value")]
        ),
        quote!(
            fn f(v: Option<String>) -> String {
                v.unwrap_or_default()
            }
        ),
    );
    assert!(
        errors_of(&out)
            .iter()
            .any(|e| e.contains("cannot be empty")),
        "{out}"
    );
    let out = expand(
        quote!(
            crate = "not a path",
            output = Output("o", "children"),
            inputs = [Input("i", "value")]
        ),
        quote!(
            fn f(v: Option<String>) -> String {
                v.unwrap_or_default()
            }
        ),
    );
    assert!(out.contains("the path of the dash_runtime crate"), "{out}");
}

#[test]
fn all_outputs_are_checked_to_be_lists() {
    let out = compact(
        quote!(
            output = [Output({"type": "cell", "index": ALL}, "children"), Output("total", "children")],
            inputs = [Input({"type": "num", "index": ALL}, "value")],
        ),
        quote!(
            fn f(v: Vec<Option<i64>>) -> (Vec<String>, String) {
                (vec![], String::new())
            }
        ),
    );
    assert!(
        out.contains("__dash::assert_all_output::<Vec<String>>();"),
        "{out}"
    );
    assert!(!out.contains("assert_all_output::<String>"), "{out}");
    // A return type the check cannot name is left to the runtime.
    let out = compact(
        quote!(output = Output({"type": "cell", "index": ALL}, "children"), inputs = [Input("i", "value")]),
        quote!(
            fn f(v: Option<i64>) -> impl serde::Serialize {
                vec![v]
            }
        ),
    );
    assert!(!out.contains("assert_all_output::<"), "{out}");
}

#[test]
fn allow_duplicate_defers_to_the_app_unless_prevent_is_false() {
    let item = quote!(
        fn f(v: Option<String>) -> String {
            v.unwrap_or_default()
        }
    );
    let unset = expand(
        quote!(
            output = Output("o", "children", allow_duplicate = true),
            inputs = [Input("i", "value")]
        ),
        item.clone(),
    );
    assert!(errors_of(&unset).is_empty(), "{unset}");
    let explicit = expand(
        quote!(
            output = Output("o", "children", allow_duplicate = true),
            inputs = [Input("i", "value")],
            prevent_initial_call = false,
        ),
        item,
    );
    assert!(
        errors_of(&explicit)
            .iter()
            .any(|e| e.contains("needs `prevent_initial_call = true`")),
        "{explicit}"
    );
}
