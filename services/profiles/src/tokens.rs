//! Single-use links sent by e-mail: confirming an address at sign-up and resetting a
//! password. A link carries 32 random bytes; the database keeps only their SHA-256, so a copy
//! of the database (or a backup) opens no account. A token has one purpose and an expiry, and
//! it is consumed by deleting its row: of two requests racing with one link, one wins.

use anyhow::Context;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use crocevia_domain::{Locale, Role};
use sea_orm::sea_query::Alias;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use sea_orm_migration::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use uuid::Uuid;

/// How long a sign-up confirmation link works.
pub const VERIFY_TTL_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_TTL_HOURS: i64 = 1;
/// Most live links of one purpose for one address. Past it, a request still answers as
/// usual but sends nothing: nobody can flood an inbox through the sign-up or reset form.
pub const MAX_LIVE_PER_ADDRESS: u64 = 3;

pub mod account_tokens {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_tokens")]
    pub struct Model {
        /// Hex SHA-256 of the token the link carries.
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        /// `verify` or `reset`.
        pub purpose: String,
        /// Lower-cased address the link was sent to.
        pub email: String,
        /// The account a reset link is for; none for a sign-up still to be confirmed.
        pub user_id: Option<Uuid>,
        /// A sign-up's account as it will be created (JSON of [`super::PendingAccount`]).
        pub pending: Option<Json>,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Verify,
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Reset => "reset",
        }
    }

    fn ttl(self) -> Duration {
        match self {
            Purpose::Verify => Duration::hours(VERIFY_TTL_HOURS),
            Purpose::Reset => Duration::hours(RESET_TTL_HOURS),
        }
    }
}

/// An account waiting for its address to be confirmed: everything sign-up asked, the password
/// already hashed.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingAccount {
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    pub password_hash: String,
}

/// Without the hash.
impl std::fmt::Debug for PendingAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingAccount").field("role", &self.role).field("locale", &self.locale).finish_non_exhaustive()
    }
}

/// A redeemed token: whom it was for.
#[derive(Clone, Debug)]
pub struct Redeemed {
    pub email: String,
    pub user_id: Option<Uuid>,
    pub pending: Option<PendingAccount>,
}

fn digest(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.trim().as_bytes()))
}

/// Issues a token for `email` inside `txn` (it commits with the message that carries it).
/// `None` when the address already has [`MAX_LIVE_PER_ADDRESS`] live links of this purpose.
pub async fn issue_in(
    txn: &impl ConnectionTrait,
    purpose: Purpose,
    email: &str,
    user_id: Option<Uuid>,
    pending: Option<&PendingAccount>,
) -> anyhow::Result<Option<String>> {
    let now = Utc::now();
    let live = account_tokens::Entity::find()
        .filter(account_tokens::Column::Email.eq(email))
        .filter(account_tokens::Column::Purpose.eq(purpose.as_str()))
        .filter(account_tokens::Column::ExpiresAt.gt(now))
        .count(txn)
        .await
        .context("counting live links")?;
    if live >= MAX_LIVE_PER_ADDRESS {
        return Ok(None);
    }
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let pending = pending.map(serde_json::to_value).transpose().context("encoding a pending account")?;
    let row = account_tokens::ActiveModel {
        token_hash: Set(digest(&token)),
        purpose: Set(purpose.as_str().to_owned()),
        email: Set(email.to_owned()),
        user_id: Set(user_id),
        pending: Set(pending),
        created_at: Set(now),
        expires_at: Set(now + purpose.ttl()),
    };
    account_tokens::Entity::insert(row).exec_without_returning(txn).await.context("storing a link")?;
    Ok(Some(token))
}

/// Whom `row` is for, if it has this purpose and has not expired.
fn live(row: account_tokens::Model, purpose: Purpose) -> anyhow::Result<Option<Redeemed>> {
    if row.purpose != purpose.as_str() || row.expires_at <= Utc::now() {
        return Ok(None);
    }
    let pending = row
        .pending
        .map(serde_json::from_value::<PendingAccount>)
        .transpose()
        .context("a pending account that does not decode")?;
    Ok(Some(Redeemed { email: row.email, user_id: row.user_id, pending }))
}

/// Whom a live `token` is for, without spending it (to check a new password before).
pub async fn peek(conn: &impl ConnectionTrait, purpose: Purpose, token: &str) -> anyhow::Result<Option<Redeemed>> {
    match account_tokens::Entity::find_by_id(digest(token)).one(conn).await.context("reading a link")? {
        Some(row) => live(row, purpose),
        None => Ok(None),
    }
}

/// Consumes `token` inside `txn`: its row is deleted whether or not it is still valid, and
/// the answer is `None` unless it existed, had this purpose and had not expired.
pub async fn redeem_in(txn: &impl ConnectionTrait, purpose: Purpose, token: &str) -> anyhow::Result<Option<Redeemed>> {
    let hash = digest(token);
    let Some(row) = account_tokens::Entity::find_by_id(hash.clone()).one(txn).await.context("reading a link")? else {
        return Ok(None);
    };
    let deleted = account_tokens::Entity::delete_by_id(hash).exec(txn).await.context("consuming a link")?;
    if deleted.rows_affected != 1 {
        return Ok(None);
    }
    live(row, purpose)
}

/// Forgets every link of `email` (of one purpose, or all) inside `txn`: after a sign-up is
/// confirmed, a password is reset, or the person is erased.
pub async fn forget_in(txn: &impl ConnectionTrait, email: &str, purpose: Option<Purpose>) -> anyhow::Result<()> {
    let mut delete = account_tokens::Entity::delete_many().filter(account_tokens::Column::Email.eq(email));
    if let Some(purpose) = purpose {
        delete = delete.filter(account_tokens::Column::Purpose.eq(purpose.as_str()));
    }
    delete.exec(txn).await.context("forgetting links")?;
    Ok(())
}

/// Deletes expired links (with the pending sign-ups they held); returns how many.
pub async fn purge_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let done = account_tokens::Entity::delete_many()
        .filter(account_tokens::Column::ExpiresAt.lte(now))
        .exec(db)
        .await
        .context("purging expired links")?;
    Ok(done.rows_affected)
}

pub(crate) struct CreateTokens;

impl MigrationName for CreateTokens {
    fn name(&self) -> &str {
        "m20261207_000001_account_tokens"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTokens {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("account_tokens"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("token_hash")).string().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("purpose")).string().not_null())
                .col(ColumnDef::new(Alias::new("email")).string().not_null())
                .col(ColumnDef::new(Alias::new("user_id")).uuid().null())
                .col(ColumnDef::new(Alias::new("pending")).json_binary().null())
                .col(ColumnDef::new(Alias::new("created_at")).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Alias::new("expires_at")).timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("account_tokens_by_email")
                .table(Alias::new("account_tokens"))
                .col(Alias::new("email"))
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("account_tokens")).if_exists().to_owned()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_keeps_a_digest_not_the_token() {
        let token = "abc";
        assert_eq!(digest(token).len(), 64);
        assert_ne!(digest(token), token);
        // A link pasted with a trailing newline still works.
        assert_eq!(digest("abc\n"), digest(token));
    }
}
