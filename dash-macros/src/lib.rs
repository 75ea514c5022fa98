//! Procedural macros of dash-rs. Use them through `dash_runtime` (`dash_runtime::callback`),
//! which also provides the types the expansions refer to.

mod callback;
mod errors;

use proc_macro::TokenStream;

/// Turn a plain function into a Dash callback, registered for every app of the program.
///
/// ```ignore
/// #[callback(
///     output = Output("greeting", "children"),      // or a list: [Output(..), Output(..)]
///     inputs = [Input("name", "value")],
///     state = [State("store", "data")],             // optional
///     prevent_initial_call = true,                  // optional
/// )]
/// fn greet(name: Option<String>, store: serde_json::Value) -> String { .. }
/// ```
///
/// Parameters receive the inputs, then the state, in order, deserialised with serde. The
/// function stays callable as an ordinary function.
#[proc_macro_attribute]
pub fn callback(attr: TokenStream, item: TokenStream) -> TokenStream {
    callback::expand(attr.into(), item.into()).into()
}
