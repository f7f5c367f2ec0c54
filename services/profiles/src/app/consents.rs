//! A person's consents: one per purpose, changed by its owner only. Consent is what lets the
//! platform match them, share their contact, count them in the open data or ask them the
//! 12-month retention check-in; withdrawing it is as easy as giving it.

use super::{Actor, App, AppError};
use crate::service::WriteOutcome;
use chrono::Utc;
use crocevia_api::ConsentView;
use crocevia_domain::{Consent, ConsentId, ConsentPurpose, Entity, EntityKind};
use uuid::Uuid;

const CORRELATION: &str = "consent";

impl App {
    /// My consents, one per purpose I answered.
    pub async fn my_consents(&self, actor: &Actor) -> Result<Vec<ConsentView>, AppError> {
        let user = actor.require()?;
        let db = self.profiles.db();
        let mut out: Vec<ConsentView> = Vec::new();
        for id in self.pointing(db, user.id.as_uuid(), EntityKind::Consent, "user_id").await? {
            if let Some(stored) = crate::store::find(db, EntityKind::Consent, id).await?
                && let Entity::Consent(c) = &stored.entity
            {
                out.push(ConsentView::of(c, stored.version));
            }
        }
        out.sort_by_key(|c| c.at);
        // The newest answer per purpose is the one that holds.
        let mut newest: Vec<ConsentView> = Vec::new();
        for c in out.into_iter().rev() {
            if !newest.iter().any(|n| n.purpose == c.purpose) {
                newest.push(c);
            }
        }
        Ok(newest)
    }

    /// Gives or withdraws my consent to `purpose`: updates my consent for it, or records one.
    pub async fn set_consent(
        &self,
        actor: &Actor,
        purpose: ConsentPurpose,
        granted: bool,
    ) -> Result<WriteOutcome, AppError> {
        let user = actor.require()?;
        let mut work = self.profiles.work().await?;
        let mut existing: Option<(Consent, u64)> = None;
        for id in self.pointing(work.txn(), user.id.as_uuid(), EntityKind::Consent, "user_id").await? {
            let stored = work.get(EntityKind::Consent, id).await?;
            if let Entity::Consent(c) = stored.entity
                && c.purpose == purpose
                && existing.as_ref().is_none_or(|(e, _)| c.at >= e.at)
            {
                existing = Some((c, stored.version));
            }
        }
        let (consent, expected) = match existing {
            Some((mut c, version)) => {
                c.granted = granted;
                c.at = Utc::now();
                (c, Some(version))
            }
            None => (
                Consent {
                    id: ConsentId::from_uuid(Uuid::now_v7()),
                    user_id: user.id,
                    purpose,
                    granted,
                    at: Utc::now(),
                },
                None,
            ),
        };
        let outcome = work.upsert(Entity::Consent(consent), expected, CORRELATION).await?;
        work.commit().await?;
        Ok(outcome)
    }
}
