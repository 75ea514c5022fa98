//! `#[callback]`: parse the attribute, check it against the function, emit the registration.

mod expand;
pub(crate) mod mcp;
mod parse;
mod serverside;
#[cfg(test)]
mod tests;
mod typed;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;

use crate::errors::Errors;

pub use expand::fingerprint;
pub use validate::parse_duration_ms;

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new_spanned(&item, "#[callback] can only be used on a function")
                .to_compile_error();
            return quote! { #err #item };
        }
    };
    let mut errors = Errors::default();
    let args = match syn::parse2::<parse::CallbackArgs>(attr) {
        Ok(args) => Some(args),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let Some(args) = args else {
        let errs = errors.into_compile_errors();
        return quote! { #errs #func };
    };
    let checked = validate::check(&args, &func, &mut errors);
    serverside::check(&args, &checked, &mut errors);
    if !errors.is_empty() {
        let errs = errors.into_compile_errors();
        return quote! { #errs #func };
    }
    let registration = expand::registration(&args, &func, &checked);
    let typed = typed::checks(&args, &checked);
    let serverside = serverside::registration(&args, &checked, &func.sig.ident.to_string());
    quote! { #func #registration #typed #serverside }
}

pub fn expand_clientside(input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = match syn::parse2::<parse::CallbackArgs>(input) {
        Ok(args) => args,
        Err(e) => return e.to_compile_error(),
    };
    validate::check_dependencies(&args, &mut errors);
    validate::check_clientside(&args, &mut errors);
    if !errors.is_empty() {
        return errors.into_compile_errors();
    }
    expand::clientside_registration(&args)
}
