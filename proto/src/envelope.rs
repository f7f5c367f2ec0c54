//! Building, encoding and decoding envelopes.

use crate::convert::{self, DecodeError};
use crate::v1;
use chrono::{DateTime, Utc};
use crocevia_domain::{Entity, EntityKind};
use prost::Message;
use uuid::Uuid;

/// The envelope fields of one event, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMeta {
    pub event_id: Uuid,
    pub entity_kind: EntityKind,
    pub entity_id: Uuid,
    pub entity_version: u64,
    pub occurred_at: DateTime<Utc>,
    pub correlation_id: String,
}

/// What happened to an entity.
#[allow(clippy::large_enum_variant, reason = "built once per event and moved, never stored in bulk")]
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Upserted(Entity),
    Erased { kind: EntityKind, id: Uuid, reason: String },
}

impl Change {
    pub fn kind(&self) -> EntityKind {
        match self {
            Change::Upserted(e) => e.kind(),
            Change::Erased { kind, .. } => *kind,
        }
    }

    pub fn entity_id(&self) -> Uuid {
        match self {
            Change::Upserted(e) => e.id(),
            Change::Erased { id, .. } => *id,
        }
    }
}

/// Builds the envelope of `change` at `version`, with a fresh UUID v7 event id.
pub fn build(change: &Change, version: u64, correlation_id: &str, occurred_at: DateTime<Utc>) -> v1::Envelope {
    let payload = match change {
        Change::Upserted(entity) => convert::payload_of(entity),
        Change::Erased { reason, .. } => v1::envelope::Payload::Erased(v1::Erased { reason: reason.clone() }),
    };
    v1::Envelope {
        event_id: Uuid::now_v7().to_string(),
        entity_kind: convert::kind_to_proto(change.kind()) as i32,
        entity_id: change.entity_id().to_string(),
        entity_version: version,
        occurred_at: Some(convert::timestamp(occurred_at)),
        correlation_id: correlation_id.to_owned(),
        payload: Some(payload),
    }
}

pub fn encode(envelope: &v1::Envelope) -> Vec<u8> {
    envelope.encode_to_vec()
}

/// Decodes bytes from the topic into the envelope fields and the domain change.
pub fn decode(bytes: &[u8]) -> Result<(EventMeta, Change), DecodeError> {
    let envelope = v1::Envelope::decode(bytes)?;
    parse(envelope)
}

/// The envelope fields alone, sealed payload or not: for readers that route, count or order
/// events without their data.
pub fn decode_meta(bytes: &[u8]) -> Result<EventMeta, DecodeError> {
    let mut envelope = v1::Envelope::decode(bytes)?;
    envelope.payload = Some(v1::envelope::Payload::Erased(v1::Erased::default()));
    Ok(parse(envelope)?.0)
}

pub fn parse(envelope: v1::Envelope) -> Result<(EventMeta, Change), DecodeError> {
    let entity_kind = v1::EntityKind::try_from(envelope.entity_kind)
        .ok()
        .and_then(convert::kind_from_proto)
        .ok_or_else(|| DecodeError::field("entity_kind", format!("unknown kind {}", envelope.entity_kind)))?;
    let entity_id = convert::uuid("entity_id", &envelope.entity_id)?;
    let event_id = convert::uuid("event_id", &envelope.event_id)?;
    if envelope.entity_version == 0 {
        return Err(DecodeError::field("entity_version", "must start at 1"));
    }
    let occurred_at = envelope
        .occurred_at
        .as_ref()
        .map(|t| convert::from_timestamp("occurred_at", t))
        .transpose()?
        .ok_or_else(|| DecodeError::field("occurred_at", "is missing"))?;
    let meta = EventMeta {
        event_id,
        entity_kind,
        entity_id,
        entity_version: envelope.entity_version,
        occurred_at,
        correlation_id: envelope.correlation_id,
    };
    let payload = envelope.payload.ok_or_else(|| DecodeError::field("payload", "is missing"))?;
    let change = match payload {
        v1::envelope::Payload::Erased(e) => Change::Erased { kind: entity_kind, id: entity_id, reason: e.reason },
        other => Change::Upserted(convert::entity_of(entity_id, other)?),
    };
    if change.kind() != entity_kind {
        return Err(DecodeError::field(
            "payload",
            format!("carries a {} but entity_kind says {}", change.kind(), entity_kind),
        ));
    }
    Ok((meta, change))
}
