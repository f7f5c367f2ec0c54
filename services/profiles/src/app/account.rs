//! Signing up and getting back in, by e-mail. Neither command tells who has an account:
//! sign-up answers the same for a new and a taken address (the new one gets a confirmation
//! link, the owner of the taken one a note that somebody tried), and so does a reset request
//! (only an existing account gets a link). Both spend the same work on either path: sign-up
//! hashes the password even when it will be thrown away.

use super::commands::{invalid_input, new_password_hash};
use super::{App, AppError};
use crate::accounts::{Accounts, Credentials, check_password, credentials, hash_password};
use crate::mail::{self, text};
use crate::tokens::{self, PendingAccount, Purpose};
use anyhow::Context;
use crocevia_domain::{Entity, EntityKind, Role, User, UserId, Validate};
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::NewAccount;

/// What sign-up answers, whoever the address belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Registration {
    /// The address the link went to, as it was understood (trimmed, lower case).
    pub email: String,
    /// How long the link works.
    pub link_valid_hours: i64,
}

/// The answer to a bad, used or expired link; the same for each, so a link tells nothing.
fn dead_link() -> AppError {
    AppError::invalid("token", "this link is not valid any more; ask for a new one")
}

impl App {
    /// Starts a talent or startup sign-up: checks the input (errors name the field), then
    /// sends a confirmation link to the address. The account exists once the link is opened
    /// ([`App::confirm_email`]). A taken address gets a note instead, and the answer is the
    /// same.
    pub async fn register(&self, input: NewAccount) -> Result<Registration, AppError> {
        if !matches!(input.role, Role::Talent | Role::Startup) {
            return Err(AppError::invalid(
                "role",
                "organisation members and administrators are invited, not self-registered",
            ));
        }
        let email = input.email.trim().to_lowercase();
        let display_name = input.display_name.trim().to_owned();
        let user = User {
            id: UserId::from_uuid(Uuid::nil()),
            email: email.clone(),
            display_name: display_name.clone(),
            role: input.role,
            organisation_id: None,
            locale: input.locale,
        };
        user.validate().map_err(|e| invalid_input("", e))?;
        check_password(&input.password, &[&email, &display_name])?;
        // Hashed on both paths, so the answer's timing does not tell which one ran.
        let password_hash = hash_password(input.password).await?;
        let work = self.profiles.work().await?;
        let owner =
            credentials::Entity::find_by_id(email.clone()).one(work.txn()).await.context("reading credentials")?;
        match owner {
            Some(owner) => {
                let (name, locale) = match self.profiles.get(EntityKind::User, owner.user_id).await?.entity {
                    Entity::User(u) => (u.display_name, u.locale),
                    _ => (display_name, input.locale),
                };
                // At most one note per address a day would need another table; the link
                // budget bounds it instead: a note costs a (never usable) verify slot.
                if tokens::issue_in(work.txn(), Purpose::Verify, &email, None, None).await?.is_some() {
                    mail::enqueue_in(work.txn(), &text::account_exists(&self.links, &email, locale, &name)).await?;
                }
            }
            None => {
                let pending = PendingAccount {
                    display_name: display_name.clone(),
                    role: input.role,
                    locale: input.locale,
                    password_hash,
                };
                if let Some(token) = tokens::issue_in(work.txn(), Purpose::Verify, &email, None, Some(&pending)).await?
                {
                    let message = text::verify_email(&self.links, &email, input.locale, &display_name, &token);
                    mail::enqueue_in(work.txn(), &message).await?;
                }
            }
        }
        work.commit().await?;
        Ok(Registration { email, link_valid_hours: tokens::VERIFY_TTL_HOURS })
    }

    /// Opens a sign-up confirmation link: creates the account it was for (the user entity and
    /// its credentials in one transaction) and logs it in. A link works once; any other link
    /// of the same address stops working with it.
    pub async fn confirm_email(&self, token: String) -> Result<(User, Credentials), AppError> {
        let mut work = self.profiles.work().await?;
        let redeemed = tokens::redeem_in(work.txn(), Purpose::Verify, &token).await?.ok_or_else(dead_link)?;
        // A note sent to a taken address carries no account.
        let pending = redeemed.pending.ok_or_else(dead_link)?;
        let user = User {
            id: UserId::from_uuid(Uuid::now_v7()),
            email: redeemed.email.clone(),
            display_name: pending.display_name,
            role: pending.role,
            organisation_id: None,
            locale: pending.locale,
        };
        match Accounts::create_in(work.txn(), &user.email, pending.password_hash, user.id.as_uuid()).await {
            Ok(()) => {}
            // Confirmed meanwhile through another link (or an invitation).
            Err(crate::accounts::AccountError::Taken) => return Err(dead_link()),
            Err(e) => return Err(e.into()),
        }
        work.upsert(Entity::User(user.clone()), Some(0), "register").await?;
        tokens::forget_in(work.txn(), &user.email, Some(Purpose::Verify)).await?;
        work.commit().await?;
        tracing::info!(user_id = %user.id, "address confirmed; account created");
        Ok((user.clone(), Credentials { user_id: user.id.as_uuid(), generation: 0 }))
    }

    /// Sends a password-reset link if `email` has an account; answers the same either way.
    pub async fn request_password_reset(&self, email: String) -> Result<(), AppError> {
        let email = email.trim().to_lowercase();
        let work = self.profiles.work().await?;
        let owner =
            credentials::Entity::find_by_id(email.clone()).one(work.txn()).await.context("reading credentials")?;
        if let Some(owner) = owner
            && let Entity::User(user) = self.profiles.get(EntityKind::User, owner.user_id).await?.entity
            && let Some(token) = tokens::issue_in(work.txn(), Purpose::Reset, &email, Some(owner.user_id), None).await?
        {
            let message = text::password_reset(&self.links, &email, user.locale, &user.display_name, &token);
            mail::enqueue_in(work.txn(), &message).await?;
        }
        work.commit().await?;
        Ok(())
    }

    /// Opens a reset link: sets the new password (the same policy as sign-up, the error on
    /// `newPassword`), ends every session, and logs in. A link works once, and a reset makes
    /// the address's other reset links stop working.
    pub async fn reset_password(&self, token: String, new: String) -> Result<(User, Credentials), AppError> {
        // The policy is checked against the account before the link is spent, so a refused
        // password leaves the link usable for a better one.
        let user_id = tokens::peek(self.profiles.db(), Purpose::Reset, &token)
            .await?
            .and_then(|link| link.user_id)
            .ok_or_else(dead_link)?;
        let user = match self.profiles.get(EntityKind::User, user_id).await {
            Ok(found) => match found.entity {
                Entity::User(user) => user,
                _ => return Err(dead_link()),
            },
            Err(_) => return Err(dead_link()),
        };
        let hash = new_password_hash(new, &user).await?;
        let work = self.profiles.work().await?;
        let redeemed = tokens::redeem_in(work.txn(), Purpose::Reset, &token).await?.ok_or_else(dead_link)?;
        if redeemed.user_id != Some(user_id) {
            return Err(dead_link());
        }
        let generation = Accounts::renew_in(work.txn(), user_id, Some(hash)).await?;
        tokens::forget_in(work.txn(), &redeemed.email, Some(Purpose::Reset)).await?;
        work.commit().await?;
        self.throttle.succeeded(&user.email);
        tracing::info!(user_id = %user.id, "password reset by e-mail link; earlier tokens revoked");
        Ok((user, Credentials { user_id, generation }))
    }
}
