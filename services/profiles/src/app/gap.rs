//! A talent's skills gap: which skills stand between her and the open offers that otherwise
//! fit her. It reads her whole profile against every open offer, so it is hers alone: not
//! her organisation's recruiters', not an administrator's.

use super::{Actor, App, AppError};
use crocevia_domain::{Entity, EntityKind, Role};
use crocevia_matching::SkillsGap;

impl App {
    /// My skills gap, as a talent: the required skills I miss most often among open offers
    /// that no hard constraint keeps from me, with the offers each would open and where it is
    /// taught. Only a talent asks for her own; everyone else is refused.
    pub async fn my_skills_gap(&self, actor: &Actor) -> Result<SkillsGap, AppError> {
        let user = actor.require()?;
        if user.role != Role::Talent {
            return Err(AppError::forbidden("only a talent sees her own skills gap"));
        }
        let (_, profile) = self.own_profile(actor).await?.ok_or_else(|| AppError::Refused {
            field: "profile".into(),
            message: "create your talent profile first".into(),
            reasons: vec![],
        })?;
        // The profile as stored now: one saved a moment ago counts before matching hears of it.
        let Entity::Talent(talent) = self.profiles.get(EntityKind::Talent, profile).await?.entity else {
            return Err(AppError::Other(anyhow::anyhow!("talent {profile} is stored as another kind")));
        };
        Ok(self.matching_api()?.skills_gap(talent).await?)
    }
}
