//! Crocevia's event contract.
//!
//! [`v1`] holds the types generated from `proto/schemas` (any language can decode the topics
//! from those files alone); [`envelope`] builds and parses envelopes; [`convert`] maps payloads
//! to and from the domain model, naming the field when a payload does not decode.

pub mod convert;
pub mod envelope;
pub mod sealing;

#[allow(clippy::all, missing_debug_implementations)]
pub mod v1 {
    include!(concat!(env!("OUT_DIR"), "/crocevia.events.v1.rs"));
}

pub use convert::DecodeError;
pub use envelope::{Change, EventMeta};

/// Topic of entity changes, keyed by entity id.
pub const PROFILES_TOPIC: &str = "profiles.v1";
/// Topic of match changes, keyed by subject id.
pub const MATCHES_TOPIC: &str = "matches.v1";
/// Topic of events that could not be processed, with the error in a header.
pub const DEAD_LETTER_TOPIC: &str = "dlq.v1";
