//! The pages, one per file. Each registers itself with `#[page]`.

mod analytics;
mod home;
mod not_found;
mod report;
