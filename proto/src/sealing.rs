//! Crypto-shredding: the payload of an event that holds a person's data is sealed with that
//! person's key (AES-256-GCM, a random nonce per event, the event id authenticated with it).
//! The keys live in the profiles database; erasing the person deletes the key, and from then
//! on every earlier event of theirs, on the in-process log or a Kafka topic, however many
//! copies exist, is noise. Meta-data (event, entity and kind ids, version, time) stays in
//! clear: consumers order, deduplicate and route without opening anything.

use crate::v1::{self, envelope::Payload};
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload as AeadPayload};
use aes_gcm::{Aes256Gcm, Key as AesKey, Nonce};
use prost::Message;
use uuid::Uuid;

/// A data subject's key.
pub type Key = [u8; 32];

/// A fresh random key.
pub fn new_key() -> Key {
    Aes256Gcm::generate_key(OsRng).into()
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the envelope has no payload to seal")]
    NoPayload,
    #[error("the sealed payload does not open with this key (wrong key, or altered)")]
    Open,
    #[error("the opened payload is not an envelope: {0}")]
    Decode(#[from] prost::DecodeError),
    #[error("sealing failed")]
    Seal,
}

/// Replaces the payload of `envelope` by its sealed form under `subject`'s `key`.
pub fn seal(envelope: &mut v1::Envelope, subject: Uuid, key: &Key) -> Result<(), SealError> {
    let payload = envelope.payload.take().ok_or(SealError::NoPayload)?;
    let inner = v1::Envelope { payload: Some(payload), ..Default::default() }.encode_to_vec();
    let cipher = Aes256Gcm::new(AesKey::<Aes256Gcm>::from_slice(key));
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let ciphertext = cipher
        .encrypt(&nonce, AeadPayload { msg: &inner, aad: envelope.event_id.as_bytes() })
        .map_err(|_| SealError::Seal)?;
    envelope.payload =
        Some(Payload::Sealed(v1::Sealed { subject_id: subject.to_string(), nonce: nonce.to_vec(), ciphertext }));
    Ok(())
}

/// The data subject whose key sealed `envelope`'s payload, if it is sealed.
pub fn subject_of(envelope: &v1::Envelope) -> Option<Uuid> {
    match &envelope.payload {
        Some(Payload::Sealed(s)) => Uuid::parse_str(&s.subject_id).ok(),
        _ => None,
    }
}

/// Puts the opened payload back in place of the sealed one.
pub fn open(envelope: &mut v1::Envelope, key: &Key) -> Result<(), SealError> {
    let Some(Payload::Sealed(sealed)) = &envelope.payload else { return Ok(()) };
    if sealed.nonce.len() != 12 {
        return Err(SealError::Open);
    }
    let cipher = Aes256Gcm::new(AesKey::<Aes256Gcm>::from_slice(key));
    let inner = cipher
        .decrypt(
            Nonce::from_slice(&sealed.nonce),
            AeadPayload { msg: &sealed.ciphertext, aad: envelope.event_id.as_bytes() },
        )
        .map_err(|_| SealError::Open)?;
    envelope.payload = v1::Envelope::decode(inner.as_slice())?.payload;
    Ok(())
}

/// The envelope of an event whose key is gone: an erasure at the same version, which is
/// what the event has become for every consumer.
pub fn shredded(envelope: &mut v1::Envelope) {
    envelope.payload = Some(Payload::Erased(v1::Erased { reason: "shredded".into() }));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::envelope::{self, Change};
    use chrono::Utc;

    fn user_event() -> v1::Envelope {
        let user = crocevia_domain::Entity::User(crocevia_domain::User {
            id: crocevia_domain::UserId::from_uuid(Uuid::now_v7()),
            email: "anna.unique@example.org".into(),
            display_name: "Anna Quokkabella".into(),
            role: crocevia_domain::Role::Talent,
            organisation_id: None,
            locale: Default::default(),
        });
        envelope::build(&Change::Upserted(user), 1, "t", Utc::now())
    }

    #[test]
    fn a_sealed_event_hides_its_data_and_opens_only_with_its_key() {
        let (key, other) = (new_key(), new_key());
        let plain = user_event();
        let mut sealed = plain.clone();
        let subject = Uuid::now_v7();
        seal(&mut sealed, subject, &key).unwrap();
        let bytes = envelope::encode(&sealed);
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("Quokkabella") && !text.contains("anna.unique"), "{text}");
        assert_eq!(subject_of(&sealed), Some(subject));
        assert!(matches!(envelope::decode(&bytes), Err(crate::DecodeError::Sealed { .. })));
        assert!(matches!(open(&mut sealed.clone(), &other), Err(SealError::Open)));
        // Moved to another event, the sealed payload does not open either.
        let mut moved = sealed.clone();
        moved.event_id = Uuid::now_v7().to_string();
        assert!(open(&mut moved, &key).is_err());
        open(&mut sealed, &key).unwrap();
        assert_eq!(sealed, plain);
    }
}
