//! The search service of Crocevia.
//!
//! It consumes `profiles.v1` and keeps one tantivy index of offers, programmes, talents,
//! startups and organisations, analysed in Italian and English, with skill concepts and
//! bilingual role words beside the text, facets, places and dates. Changes are applied
//! idempotently by entity version and committed in batches; the consumer stores offsets only
//! after the commit that holds the events ([`consumer`]). [`SearchApi`] is what the gateway calls.

pub mod analysis;
mod buckets;
pub mod consumer;
pub mod document;
pub mod error;
pub mod index;
pub mod query;
pub mod roles;
pub mod schema;
pub mod searcher;
pub mod service;
pub mod shards;
pub mod stemming;
pub mod taxonomy;

pub use error::SearchError;
pub use query::{DocKind, Near, SearchRequest, SearchResults, Sort};
pub use service::{SearchApi, SearchService};
