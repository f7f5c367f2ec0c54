//! Who asks. A token is only a claim: [`App::actor`] turns it into an [`Actor`] by checking
//! that the account still exists and that the token belongs to its current credential
//! generation, so a token ends with its account, its password and "log out everywhere".

use super::{App, AppError};
use crocevia_domain::{Employer, Entity, EntityKind, OrganisationId, Role, StartupId, User, UserId};

/// A verified token's claims as far as the application cares: whose, and which generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub user: UserId,
    pub generation: i64,
}

/// The one who asks, as the application knows them now (role and organisation come from the
/// stored account, not from the token, so a changed role counts at once; a startup account's
/// startup from its saved profile). It keeps the session it was resolved from: a remote
/// application service resolves the actor again from it, so the process that decides is the
/// one that checks who asks.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Actor {
    Anonymous,
    /// The third member is the startup a startup account acts for, once its profile is saved.
    User(User, Session, Option<StartupId>),
}

impl Actor {
    pub fn user(&self) -> Option<&User> {
        match self {
            Self::Anonymous => None,
            Self::User(user, ..) => Some(user),
        }
    }

    /// The session this actor was resolved from (none for an anonymous one).
    pub fn session(&self) -> Option<Session> {
        match self {
            Self::Anonymous => None,
            Self::User(_, session, _) => Some(*session),
        }
    }

    /// The signed-in user, or UNAUTHENTICATED.
    pub fn require(&self) -> Result<&User, AppError> {
        self.user().ok_or_else(|| AppError::Unauthenticated("log in first".into()))
    }

    pub fn role(&self) -> Option<Role> {
        self.user().map(|u| u.role)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    /// The organisation a member acts for.
    pub fn organisation(&self) -> Option<OrganisationId> {
        match self.user() {
            Some(User { role: Role::Organisation, organisation_id, .. }) => *organisation_id,
            _ => None,
        }
    }

    /// The startup a startup account acts for (none until its profile is saved).
    pub fn startup(&self) -> Option<StartupId> {
        match self {
            Self::User(User { role: Role::Startup, .. }, _, startup) => *startup,
            _ => None,
        }
    }

    /// The employer the actor posts offers and hires for: a member's organisation, or a
    /// startup account's startup.
    pub fn employer(&self) -> Option<Employer> {
        self.organisation().map(Employer::Organisation).or_else(|| self.startup().map(Employer::Startup))
    }
}

impl App {
    /// The actor behind a verified token (or nobody). A token whose account is gone, or
    /// whose generation is not the account's current one, is UNAUTHENTICATED.
    pub async fn actor(&self, session: Option<Session>) -> Result<Actor, AppError> {
        let Some(session) = session else { return Ok(Actor::Anonymous) };
        let generation = self.accounts.generation(session.user.as_uuid()).await?;
        match generation {
            None => return Err(AppError::Unauthenticated("this account no longer exists".into())),
            Some(current) if current != session.generation => {
                return Err(AppError::Unauthenticated("this token has been revoked; log in again".into()));
            }
            Some(_) => {}
        }
        match self.profiles.get(EntityKind::User, session.user.as_uuid()).await {
            Ok(stored) => match stored.entity {
                Entity::User(user) => {
                    let startup = match user.role {
                        Role::Startup => {
                            let ids =
                                self.pointing(self.profiles.db(), user.id.as_uuid(), EntityKind::Startup, "user_id");
                            ids.await?.first().copied().map(StartupId::from_uuid)
                        }
                        _ => None,
                    };
                    Ok(Actor::User(user, session, startup))
                }
                _ => Err(AppError::Other(anyhow::anyhow!("user {} names another kind", session.user))),
            },
            Err(crate::ProfilesError::NotFound { .. }) => {
                Err(AppError::Unauthenticated("this account no longer exists".into()))
            }
            Err(e) => Err(e.into()),
        }
    }
}
