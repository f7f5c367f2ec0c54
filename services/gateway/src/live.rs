//! Live updates from the topics, for a gateway replica of the distributed mode: it follows
//! `profiles.v1` (committed changes), `matches.v1` (ranked lists that changed) and
//! `indexed.v1` (what search made searchable) from their ends, in no consumer group, so every
//! replica hears every change whichever replica or process made it, and feeds its
//! subscriptions from them.
//!
//! Only envelope fields are read: a sealed payload stays sealed, and nothing here is stored.
//! A message that does not decode is skipped with a warning (live updates are hints; the
//! clients re-query what they are told changed).

use crocevia_domain::EntityKind;
use crocevia_kit::bus::{Delivery, SharedBus, Subscription};
use crocevia_matching::Side;
use crocevia_profiles::ChangeNotice;
use crocevia_proto::v1;
use crocevia_search::service::{COMMITS_BUFFERED, Committed};
use prost::Message;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

/// Notices and list changes held for a slow subscriber before it skips ahead (as in the
/// embedded mode: the profiles service's and matching's own buffers).
pub const LIVE_BUFFER: usize = 4096;

/// The topics a replica follows, with the deployment's suffix applied.
#[derive(Debug, Clone)]
pub struct LiveTopics {
    pub profiles: String,
    pub matches: String,
    pub indexed: String,
}

/// What the followed topics feed: the same channels the in-process services offer.
#[derive(Debug, Clone)]
pub struct LiveFeed {
    pub notices: broadcast::Sender<ChangeNotice>,
    pub lists: broadcast::Sender<(Uuid, Side)>,
    pub indexed: broadcast::Sender<Committed>,
}

impl LiveFeed {
    /// Follows `topics` on `bus` from now on, until `shutdown`.
    pub async fn start(
        bus: &SharedBus,
        topics: LiveTopics,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<(Self, tokio::task::JoinHandle<()>)> {
        let names = [topics.profiles.clone(), topics.matches.clone(), topics.indexed.clone()];
        let sub = bus.follow(&names).await?;
        let feed = Self {
            notices: broadcast::channel(LIVE_BUFFER).0,
            lists: broadcast::channel(LIVE_BUFFER).0,
            indexed: broadcast::channel(COMMITS_BUFFERED).0,
        };
        tracing::info!(topics = ?names, "following the topics for live updates");
        let task = tokio::spawn(feed.clone().run(sub, topics, shutdown));
        Ok((feed, task))
    }

    async fn run(self, mut sub: Box<dyn Subscription>, topics: LiveTopics, mut shutdown: watch::Receiver<bool>) {
        loop {
            let polled = tokio::select! {
                polled = sub.poll(Duration::from_secs(1)) => polled,
                _ = shutdown.wait_for(|stop| *stop) => break,
            };
            match polled {
                Ok(Some(delivery)) => self.dispatch(&topics, &delivery),
                Ok(None) => {}
                // The client reconnects by itself; a pause keeps a dead broker from a hot loop.
                Err(e) => {
                    tracing::warn!(error = %e, "following the topics failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        if let Err(e) = sub.close().await {
            tracing::debug!(error = %e, "closing the topic follower");
        }
    }

    /// Hands one message on; nobody subscribed is fine.
    fn dispatch(&self, topics: &LiveTopics, delivery: &Delivery) {
        let decoded = if delivery.topic == topics.profiles {
            notice(&delivery.payload).map(|n| drop(self.notices.send(n)))
        } else if delivery.topic == topics.matches {
            list_change(&delivery.payload).map(|c| drop(self.lists.send(c)))
        } else if delivery.topic == topics.indexed {
            indexed(&delivery.payload).map(|c| drop(self.indexed.send(c)))
        } else {
            Ok(())
        };
        if let Err(reason) = decoded {
            tracing::warn!(topic = %delivery.topic, partition = delivery.partition, offset = delivery.offset, %reason, "a message that does not decode was skipped");
        }
    }
}

/// The change notice of a profiles event: kind, id and version from the envelope; a first
/// version is a creation.
pub fn notice(payload: &[u8]) -> Result<ChangeNotice, String> {
    let envelope = v1::Envelope::decode(payload).map_err(|e| e.to_string())?;
    let erased = matches!(envelope.payload, Some(v1::envelope::Payload::Erased(_)));
    let meta = crocevia_proto::envelope::decode_meta(payload).map_err(|e| e.to_string())?;
    Ok(ChangeNotice {
        kind: meta.entity_kind,
        id: meta.entity_id,
        version: meta.entity_version,
        erased,
        created: !erased && meta.entity_version == 1 && meta.entity_kind != EntityKind::Consent,
    })
}

fn list_change(payload: &[u8]) -> Result<(Uuid, Side), String> {
    let event = v1::MatchChanged::decode(payload).map_err(|e| e.to_string())?;
    let subject = Uuid::parse_str(&event.subject_id).map_err(|e| format!("subject_id: {e}"))?;
    let side = Side::parse(&event.subject_kind).ok_or_else(|| format!("subject_kind: {:?}", event.subject_kind))?;
    Ok((subject, side))
}

fn indexed(payload: &[u8]) -> Result<Committed, String> {
    let message = v1::Indexed::decode(payload).map_err(|e| e.to_string())?;
    message
        .entities
        .iter()
        .map(|e| Uuid::parse_str(&e.entity_id).map(|id| (id, e.entity_version)).map_err(|e| format!("entity_id: {e}")))
        .collect::<Result<Vec<_>, _>>()
        .map(Into::into)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test")]
    use super::*;
    use chrono::Utc;
    use crocevia_proto::envelope::{self, Change};

    #[test]
    fn notices_say_what_changed_and_whether_it_is_new() {
        let id = Uuid::now_v7();
        let erased = Change::Erased { kind: EntityKind::Talent, id, reason: "request".into() };
        let bytes = envelope::encode(&envelope::build(&erased, 3, "c", Utc::now()));
        let n = notice(&bytes).unwrap();
        assert_eq!((n.kind, n.id, n.version, n.erased, n.created), (EntityKind::Talent, id, 3, true, false));
        assert!(notice(b"\xff\xff not protobuf").is_err());
    }

    #[test]
    fn list_changes_and_commits_decode() {
        let subject = Uuid::now_v7();
        let event = v1::MatchChanged {
            subject_kind: "programme".into(),
            subject_id: subject.to_string(),
            ..Default::default()
        };
        assert_eq!(list_change(&event.encode_to_vec()).unwrap(), (subject, Side::Programme));
        let bad = v1::MatchChanged { subject_kind: "planet".into(), ..event };
        assert!(list_change(&bad.encode_to_vec()).unwrap_err().contains("subject_kind"));
        let commit =
            v1::Indexed { entities: vec![v1::IndexedEntity { entity_id: subject.to_string(), entity_version: 4 }] };
        assert_eq!(&*indexed(&commit.encode_to_vec()).unwrap(), &[(subject, 4)]);
    }
}
