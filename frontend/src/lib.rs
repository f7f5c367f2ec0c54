//! Crocevia's WASM front end. Its issue builds it; it already shares the domain crate.
