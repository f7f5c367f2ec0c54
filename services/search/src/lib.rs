//! The search service of Crocevia. Its own issue builds it; until then this crate is empty.
