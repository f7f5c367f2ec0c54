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
/// Topic of search commits: which entity versions became searchable.
pub const INDEXED_TOPIC: &str = "indexed.v1";
/// Topic of events that could not be processed, with the error in a header.
pub const DEAD_LETTER_TOPIC: &str = "dlq.v1";

/// Header naming a message's payload type, so that a reader decodes it with `proto/` alone
/// (the contract: `proto/asyncapi.yaml`).
pub const HEADER_CONTENT_TYPE: &str = "content-type";

/// The `content-type` of a payload of protobuf message `M`:
/// `application/x-protobuf; messageType=crocevia.events.v1.Envelope`.
pub fn content_type<M: prost::Name>() -> String {
    format!("application/x-protobuf; messageType={}", M::full_name())
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_types_name_the_schema_messages() {
        assert_eq!(
            super::content_type::<super::v1::Envelope>(),
            "application/x-protobuf; messageType=crocevia.events.v1.Envelope"
        );
        assert_eq!(
            super::content_type::<super::v1::MatchChanged>(),
            "application/x-protobuf; messageType=crocevia.events.v1.MatchChanged"
        );
    }
}
