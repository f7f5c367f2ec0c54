//! [`MatchingApi`] over HTTP: a matching process's `/internal/v1/matching/*` endpoints.

use super::{Client, Failure, RemoteSettings, wire};
use async_trait::async_trait;
use crocevia_domain::{Entity, Talent};
use crocevia_matching::{Eligibility, Entry, MatchingApi, MatchingError, PairView, Side, SkillsGap, Viewpoint};
use tokio::sync::broadcast;
use uuid::Uuid;

/// A client of a matching process.
///
/// Live list changes come from the `matches.v1` topic when this replica follows it
/// ([`RemoteMatching::following`]); otherwise [`MatchingApi::list_changes`] hands out a
/// receiver that stays open and never fires.
#[derive(Debug, Clone)]
pub struct RemoteMatching {
    client: Client,
    // Kept so that receivers stay open (a dropped sender would end every subscription at once).
    changes: broadcast::Sender<(Uuid, Side)>,
}

impl RemoteMatching {
    pub fn new(settings: &RemoteSettings) -> anyhow::Result<Self> {
        Self::following(settings, None)
    }

    /// A client whose list changes are `changes` (fed from the matches topic).
    pub fn following(
        settings: &RemoteSettings,
        changes: Option<broadcast::Sender<(Uuid, Side)>>,
    ) -> anyhow::Result<Self> {
        Ok(Self { client: Client::new(settings)?, changes: changes.unwrap_or_else(|| broadcast::channel(1).0) })
    }
}

impl From<Failure> for MatchingError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::BadRequest { field, message } => Self::BadRequest { field, message },
            Failure::NotFound(message) => Self::NotFound(message),
            Failure::Unavailable(reason) => Self::Unavailable(reason),
            Failure::Other(e) => Self::Other(e),
        }
    }
}

#[async_trait]
impl MatchingApi for RemoteMatching {
    async fn matches(&self, subject: Uuid) -> Result<Vec<Entry>, MatchingError> {
        Ok(self.client.get(&format!("{}/{subject}", wire::MATCHES)).await?)
    }

    async fn side_of(&self, id: Uuid) -> Result<Option<Side>, MatchingError> {
        let answer: wire::SideAnswer = self.client.get(&format!("{}/{id}", wire::SIDE)).await?;
        Ok(answer.side)
    }

    async fn eligibility(&self, startup: Uuid, programme: Uuid) -> Result<Option<Eligibility>, MatchingError> {
        Ok(self.client.get(&format!("{}/{startup}/{programme}", wire::ELIGIBILITY)).await?)
    }

    async fn pair(&self, subject: Entity, target: Uuid, from: Viewpoint) -> Result<PairView, MatchingError> {
        Ok(self.client.post(wire::PAIR, &wire::PairRequest { subject, target, from }).await?)
    }

    async fn skills_gap(&self, talent: Talent) -> Result<SkillsGap, MatchingError> {
        Ok(self.client.post(wire::SKILLS_GAP, &wire::SkillsGapRequest { talent }).await?)
    }

    fn list_changes(&self) -> broadcast::Receiver<(Uuid, Side)> {
        self.changes.subscribe()
    }

    fn is_remote(&self) -> bool {
        true
    }
}
