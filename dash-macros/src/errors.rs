//! Accumulating errors so one compile reports every problem.

use proc_macro2::TokenStream;

/// Collects errors; each points at the offending tokens.
#[derive(Default)]
pub struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// Record an error spanning `tokens`.
    pub fn spanned<T: quote::ToTokens>(&mut self, tokens: T, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Record an error at a span (for problems with no single token to point at).
    pub fn at(&mut self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// Record an existing error.
    pub fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// All errors as `compile_error!` invocations.
    pub fn into_compile_errors(self) -> TokenStream {
        self.errors
            .into_iter()
            .map(|e| e.to_compile_error())
            .collect()
    }
}

/// `crate = "path"`: the path the expansion uses for `dash_runtime` (for a crate that
/// re-exports it, as serde's `crate` attribute).
pub fn runtime_path(input: syn::parse::ParseStream) -> syn::Result<syn::Path> {
    let lit: syn::LitStr = input.parse()?;
    lit.parse::<syn::Path>().map_err(|_| {
        syn::Error::new_spanned(
            &lit,
            "`crate` takes the path of the dash_runtime crate, such as \"::my_crate::dash_runtime\"",
        )
    })
}

/// The tokens naming the runtime: `crate = ..` when given, else `::dash_runtime`.
pub fn runtime(krate: Option<&syn::Path>) -> proc_macro2::TokenStream {
    match krate {
        Some(path) => quote::quote!(#path),
        None => quote::quote!(::dash_runtime),
    }
}

/// `app = "name"`: the named app a callback or page (`what`) belongs to; an empty name is
/// reported in `errors` (parsing goes on).
pub fn app_name(
    input: syn::parse::ParseStream,
    what: &str,
    errors: &mut Vec<syn::Error>,
) -> syn::Result<syn::LitStr> {
    let app: syn::LitStr = input.parse()?;
    if app.value().trim().is_empty() {
        errors.push(syn::Error::new_spanned(
            &app,
            format!("`app` names the app this {what} belongs to, as given to `Dash::new().name(..)`: it cannot be empty"),
        ));
    }
    Ok(app)
}
