//! A person's consents: one per purpose, changed by its owner only. Consent is what lets the
//! platform match them, share their contact, count them in the open data or ask them the
//! 12-month retention check-in; withdrawing it is as easy as giving it. Where several are
//! stored for a purpose (older data), the newest decides.

use super::{Actor, App, AppError};
use crate::service::WriteOutcome;
use chrono::Utc;
use crocevia_api::ConsentView;
use crocevia_domain::{Consent, ConsentId, ConsentPurpose, Entity, EntityKind, UserId};
use uuid::Uuid;

const CORRELATION: &str = "consent";

impl App {
    /// The newest consent of `user` for each purpose they answered, with its version.
    async fn newest_consents(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        user: UserId,
    ) -> Result<Vec<(Consent, u64)>, AppError> {
        let mut newest: Vec<(Consent, u64)> = Vec::new();
        for id in self.pointing(conn, user.as_uuid(), EntityKind::Consent, "user_id").await? {
            let Some(stored) = crate::store::find(conn, EntityKind::Consent, id).await? else { continue };
            let Entity::Consent(c) = stored.entity else { continue };
            match newest.iter_mut().find(|(n, _)| n.purpose == c.purpose) {
                Some(slot) if c.at >= slot.0.at => *slot = (c, stored.version),
                Some(_) => {}
                None => newest.push((c, stored.version)),
            }
        }
        Ok(newest)
    }

    /// Whether `user` currently consents to `purpose`.
    pub(super) async fn consents_to(&self, user: UserId, purpose: ConsentPurpose) -> Result<bool, AppError> {
        let newest = self.newest_consents(self.profiles.db(), user).await?;
        Ok(newest.iter().any(|(c, _)| c.purpose == purpose && c.granted))
    }

    /// My consents, one per purpose I answered, oldest answer first.
    pub async fn my_consents(&self, actor: &Actor) -> Result<Vec<ConsentView>, AppError> {
        let user = actor.require()?;
        let mut out: Vec<ConsentView> = self
            .newest_consents(self.profiles.db(), user.id)
            .await?
            .iter()
            .map(|(c, version)| ConsentView::of(c, *version))
            .collect();
        out.sort_by_key(|c| c.at);
        Ok(out)
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
        let existing = self.newest_consents(work.txn(), user.id).await?.into_iter().find(|(c, _)| c.purpose == purpose);
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
