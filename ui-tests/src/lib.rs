//! Compile-time checks of the dash-rs macros: see `tests/pass` and `tests/fail`.
