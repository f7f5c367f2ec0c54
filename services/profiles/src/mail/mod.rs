//! E-mail. A message is written to the `mail_outbox` table in the same transaction as what
//! it tells (a sign-up, a reset request), so it is sent if and only if that committed.
//! [`deliver::Mailer`] sends the outbox over SMTP and deletes each message once the server
//! accepted it. Without SMTP settings (the embedded mode on a laptop) messages stay in the
//! outbox: `crocevia outbox` prints them, and so do the tests.
//!
//! Messages are plain text, in the recipient's language ([`text`]).

pub mod deliver;
pub mod text;

use anyhow::Context;
use chrono::{DateTime, Utc};
use crocevia_domain::Locale;
use sea_orm::sea_query::Alias;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use sea_orm_migration::prelude::*;
use uuid::Uuid;

pub mod outbox {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "mail_outbox")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Lower-cased address.
        pub recipient: String,
        /// `it` or `en`.
        pub locale: String,
        /// What the message is about ([`super::Kind`]).
        pub kind: String,
        pub subject: String,
        #[sea_orm(column_type = "Text")]
        pub body: String,
        pub created_at: DateTimeUtc,
        /// When a sender may next try it (later after each failure).
        pub next_attempt_at: DateTimeUtc,
        pub attempts: i32,
        /// The SMTP server's last refusal, for the operator.
        pub last_error: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Confirm the address given at sign-up.
    VerifyEmail,
    /// Somebody signed up with an address that already has an account.
    AccountExists,
    /// A password-reset link.
    PasswordReset,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::VerifyEmail => "verify_email",
            Kind::AccountExists => "account_exists",
            Kind::PasswordReset => "password_reset",
        }
    }
}

/// One message to one person.
#[derive(Clone)]
pub struct Message {
    pub to: String,
    pub locale: Locale,
    pub kind: Kind,
    pub subject: String,
    pub body: String,
}

/// Only who and what: the body holds single-use links.
impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message").field("kind", &self.kind).field("locale", &self.locale).finish_non_exhaustive()
    }
}

/// Where links in messages point: the web app's public address.
#[derive(Debug, Clone)]
pub struct Links {
    pub public_url: String,
}

impl Default for Links {
    fn default() -> Self {
        Self { public_url: "http://127.0.0.1:8080".into() }
    }
}

impl Links {
    /// The web app's page at `fragment` (e.g. `/verify/TOKEN`).
    pub fn page(&self, fragment: &str) -> String {
        format!("{}/#{fragment}", self.public_url.trim_end_matches('/'))
    }
}

/// The token of the link to the web app's `page` (`verify`, `reset`) in a message's body.
pub fn link_token(body: &str, page: &str) -> Option<String> {
    let marker = format!("/#/{page}/");
    let start = body.find(&marker)? + marker.len();
    let token: String = body[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    (!token.is_empty()).then_some(token)
}

fn locale_str(locale: Locale) -> &'static str {
    match locale {
        Locale::It => "it",
        Locale::En => "en",
    }
}

/// Queues `message` inside `txn`; it is sent once the transaction commits.
pub async fn enqueue_in(txn: &impl ConnectionTrait, message: &Message) -> anyhow::Result<Uuid> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let row = outbox::ActiveModel {
        id: Set(id),
        recipient: Set(message.to.clone()),
        locale: Set(locale_str(message.locale).to_owned()),
        kind: Set(message.kind.as_str().to_owned()),
        subject: Set(message.subject.clone()),
        body: Set(message.body.clone()),
        created_at: Set(now),
        next_attempt_at: Set(now),
        attempts: Set(0),
        last_error: Set(None),
    };
    outbox::Entity::insert(row).exec_without_returning(txn).await.context("queueing a message")?;
    tracing::info!(message_id = %id, kind = message.kind.as_str(), "message queued");
    Ok(id)
}

/// The messages waiting for `email` (all of them when `None`), oldest first.
pub async fn waiting(db: &DatabaseConnection, email: Option<&str>, limit: u64) -> anyhow::Result<Vec<outbox::Model>> {
    let mut query = outbox::Entity::find().order_by_asc(outbox::Column::CreatedAt).order_by_asc(outbox::Column::Id);
    if let Some(email) = email {
        query = query.filter(outbox::Column::Recipient.eq(email.trim().to_lowercase()));
    }
    query.limit(limit).all(db).await.context("reading the outbox")
}

/// Deletes every message to `email` inside `txn` (erasure).
pub async fn forget_in(txn: &impl ConnectionTrait, email: &str) -> anyhow::Result<()> {
    outbox::Entity::delete_many()
        .filter(outbox::Column::Recipient.eq(email))
        .exec(txn)
        .await
        .context("forgetting messages")?;
    Ok(())
}

/// Deletes messages older than `before` that nobody sent (no SMTP, or refused for good).
pub async fn purge_older(db: &DatabaseConnection, before: DateTime<Utc>) -> anyhow::Result<u64> {
    let done = outbox::Entity::delete_many()
        .filter(outbox::Column::CreatedAt.lt(before))
        .exec(db)
        .await
        .context("purging old messages")?;
    Ok(done.rows_affected)
}

pub(crate) struct CreateOutbox;

impl MigrationName for CreateOutbox {
    fn name(&self) -> &str {
        "m20261207_000002_mail_outbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateOutbox {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("mail_outbox"))
                .if_not_exists()
                .col(ColumnDef::new(Alias::new("id")).uuid().not_null().primary_key())
                .col(ColumnDef::new(Alias::new("recipient")).string().not_null())
                .col(ColumnDef::new(Alias::new("locale")).string().not_null())
                .col(ColumnDef::new(Alias::new("kind")).string().not_null())
                .col(ColumnDef::new(Alias::new("subject")).string().not_null())
                .col(ColumnDef::new(Alias::new("body")).text().not_null())
                .col(ColumnDef::new(Alias::new("created_at")).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Alias::new("next_attempt_at")).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Alias::new("attempts")).integer().not_null().default(0))
                .col(ColumnDef::new(Alias::new("last_error")).text().null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("mail_outbox_due")
                .table(Alias::new("mail_outbox"))
                .col(Alias::new("next_attempt_at"))
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("mail_outbox")).if_exists().to_owned()).await
    }
}
