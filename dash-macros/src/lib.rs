//! Procedural macros of dash-rs. Use them through `dash_runtime` (`dash_runtime::callback`),
//! which also provides the types the expansions refer to.

#![warn(missing_docs)]

mod callback;
mod errors;
mod mcp_tool;
mod memoize;
mod page;

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

/// Register a clientside callback: JavaScript that runs in the browser, declared with the same
/// dependencies as `#[callback]`.
///
/// ```ignore
/// // Inline source:
/// clientside_callback! {
///     output = Output("upper", "children"),
///     inputs = [Input("text", "value")],
///     js = "function(value) { return (value || '').toUpperCase(); }",
/// }
/// // A function from an assets file: window.dash_clientside.text.upper
/// clientside_callback! {
///     output = Output("upper2", "children"),
///     inputs = [Input("text", "value")],
///     namespace = "text",
///     function = "upper",
/// }
/// ```
#[proc_macro]
pub fn clientside_callback(input: TokenStream) -> TokenStream {
    callback::expand_clientside(input.into()).into()
}

/// Register a layout function as a page of a multi-page app.
///
/// ```ignore
/// #[page(path = "/", name = "Home", order = 0, redirect_from = ["/old-home"])]
/// fn home() -> html::Div { .. }
///
/// // Path variables and query parameters arrive as typed parameters, matched by name;
/// // query parameters are `Option<T>` (or `Vec<String>` for repeated keys).
/// #[page(path_template = "/report/<report_id>", title = "Report {report_id}")]
/// fn report(report_id: u32, tab: Option<String>) -> html::Div { .. }
///
/// #[page(not_found)]
/// fn missing() -> html::Div { .. }
/// ```
#[proc_macro_attribute]
pub fn page(attr: TokenStream, item: TokenStream) -> TokenStream {
    page::expand(attr.into(), item.into()).into()
}

/// Cache a plain function's results in the app's data store, keyed by its arguments.
///
/// ```ignore
/// #[memoize(ttl = "1h")]                    // `ttl` is optional (the store's default)
/// fn load_sales(region: String, year: u16) -> Result<Vec<Sale>, DbError> { .. }
///
/// #[memoize]
/// async fn exchange_rate(currency: String) -> f64 { .. }
/// ```
///
/// Arguments must implement `serde::Serialize` (they form the key) and the value
/// `Serialize + DeserializeOwned` (for a `Result<T, E>`, only `T`: errors are never cached).
/// Concurrent identical calls compute once. Methods, generic functions and `const fn` are
/// refused at compile time.
#[proc_macro_attribute]
pub fn memoize(attr: TokenStream, item: TokenStream) -> TokenStream {
    memoize::expand(attr.into(), item.into()).into()
}

/// Offer a plain function as a tool of the app's MCP server (`Dash::mcp(true)`), next to the
/// tools made from callbacks. Its doc comment is the tool's description; its parameters are
/// the tool's arguments, with JSON schemas from their types (`schemars`).
///
/// ```ignore
/// /// Monthly revenue of one region, in euros.
/// #[mcp_tool]
/// fn revenue(region: String, month: u32) -> Result<f64, String> { .. }
///
/// #[mcp_tool(name = "list_regions")]
/// async fn regions() -> Vec<String> { .. }
/// ```
///
/// A plain `fn` runs on the app's blocking pool, an `async fn` on the runtime. An `Err` is
/// answered as a tool error with its message.
#[proc_macro_attribute]
pub fn mcp_tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    mcp_tool::expand(attr.into(), item.into()).into()
}
