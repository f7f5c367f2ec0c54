//! Sends the outbox over SMTP. One task per process that owns the database; several replicas
//! may run it, since each message is claimed (its attempt counter moved on conditionally)
//! before it is sent. A message the server accepted is deleted; one it refused for now is
//! tried again later, backing off; one it refused for good stays, with the reason, until the
//! retention purge. The same task purges expired links and old unsent messages, with or
//! without SMTP.

use super::outbox;
use anyhow::Context;
use chrono::{Duration as Span, Utc};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;
use tokio::sync::watch;

/// A message refused this many times is not tried again.
pub const MAX_ATTEMPTS: i32 = 12;
/// How long a claimed message is left to its sender before another may take it over.
const CLAIM: Span = Span::minutes(5);
/// How long unsent messages are kept (the local outbox, or refused for good).
pub const KEEP_UNSENT_DAYS: i64 = 7;

#[derive(Debug, Clone)]
pub struct MailerSettings {
    /// `smtp://host:port` (STARTTLS when offered), `smtp://host:port?tls=required`,
    /// `smtps://host:465`, with `user:password@` when the server wants it. None: keep
    /// messages in the outbox.
    pub smtp_url: Option<SecretString>,
    /// The sender, e.g. `Crocevia <no-reply@crocevia.example.org>`.
    pub from: String,
    /// How often the outbox is read when idle.
    pub poll: Duration,
    /// Most messages read (and held) per round.
    pub batch: u64,
}

pub struct Mailer {
    db: DatabaseConnection,
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    settings: MailerSettings,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("smtp", &self.transport.is_some()).field("from", &self.from).finish()
    }
}

impl Mailer {
    /// Checks the settings (naming the one that is wrong) without connecting.
    pub fn new(db: DatabaseConnection, settings: MailerSettings) -> anyhow::Result<Self> {
        let from: Mailbox =
            settings.from.parse().with_context(|| format!("mail.from: {:?} is no address", settings.from))?;
        let transport = match &settings.smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("mail.smtp_url: not a usable SMTP URL ({})", kind_of(&e)))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => None,
        };
        Ok(Self { db, transport, from, settings })
    }

    /// Sends until `shutdown`; a message being sent when it comes is finished first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        if self.transport.is_none() {
            tracing::info!(
                "no SMTP server configured (mail.smtp_url): messages stay in the outbox; `crocevia outbox` prints them"
            );
        }
        let mut last_purge = None::<std::time::Instant>;
        loop {
            if last_purge.is_none_or(|at| at.elapsed() > Duration::from_secs(3600)) {
                self.purge().await;
                last_purge = Some(std::time::Instant::now());
            }
            let sent = match &self.transport {
                Some(transport) => match self.send_due(transport).await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(error = %format!("{e:#}"), "reading the mail outbox failed; trying again");
                        0
                    }
                },
                None => 0,
            };
            if sent as u64 >= self.settings.batch {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.settings.poll) => {}
                _ = shutdown.changed() => return,
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }

    async fn purge(&self) {
        let now = Utc::now();
        match crate::tokens::purge_expired(&self.db, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(links = n, "expired links purged"),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "purging expired links failed"),
        }
        match super::purge_older(&self.db, now - Span::days(KEEP_UNSENT_DAYS)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(messages = n, "unsent messages past their retention purged"),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "purging old messages failed"),
        }
    }

    /// Sends the messages due now; returns how many were read.
    async fn send_due(&self, transport: &AsyncSmtpTransport<Tokio1Executor>) -> anyhow::Result<usize> {
        let now = Utc::now();
        let due = outbox::Entity::find()
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .filter(outbox::Column::Attempts.lt(MAX_ATTEMPTS))
            .order_by_asc(outbox::Column::NextAttemptAt)
            .limit(self.settings.batch)
            .all(&self.db)
            .await
            .context("reading due messages")?;
        let read = due.len();
        for message in due {
            if !self.claim(&message).await? {
                continue;
            }
            match self.send(transport, &message).await {
                Ok(()) => {
                    outbox::Entity::delete_by_id(message.id).exec(&self.db).await.context("deleting a sent message")?;
                    tracing::info!(message_id = %message.id, kind = %message.kind, "message sent");
                }
                Err(failure) => self.failed(&message, failure).await?,
            }
        }
        Ok(read)
    }

    /// Takes `message` for this sender: its attempt counter moves on only if nobody else
    /// moved it since it was read.
    async fn claim(&self, message: &outbox::Model) -> anyhow::Result<bool> {
        let done = outbox::Entity::update_many()
            .col_expr(outbox::Column::Attempts, Expr::value(message.attempts + 1))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(Utc::now() + CLAIM))
            .filter(outbox::Column::Id.eq(message.id))
            .filter(outbox::Column::Attempts.eq(message.attempts))
            .exec(&self.db)
            .await
            .context("claiming a message")?;
        Ok(done.rows_affected == 1)
    }

    async fn send(
        &self,
        transport: &AsyncSmtpTransport<Tokio1Executor>,
        message: &outbox::Model,
    ) -> Result<(), Failure> {
        let to: Mailbox =
            message.recipient.parse().map_err(|_| Failure::Permanent("recipient is no address".into()))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| Failure::Permanent(format!("building the message: {e}")))?;
        transport.send(email).await.map(|_| ()).map_err(|e| {
            let reason = kind_of(&e);
            if e.is_permanent() { Failure::Permanent(reason) } else { Failure::Transient(reason) }
        })
    }

    async fn failed(&self, message: &outbox::Model, failure: Failure) -> anyhow::Result<()> {
        let attempts = message.attempts + 1;
        let (reason, attempts, retry) = match failure {
            Failure::Permanent(reason) => (reason, MAX_ATTEMPTS, Span::zero()),
            // 10 s, 20 s, 40 s... at most an hour: about three hours of tries in all.
            Failure::Transient(reason) => (reason, attempts, Span::seconds((5i64 << attempts.min(12)).min(3600))),
        };
        if attempts >= MAX_ATTEMPTS {
            tracing::error!(message_id = %message.id, kind = %message.kind, %reason, "a message could not be delivered; it is kept for the operator until its retention ends");
        } else {
            tracing::warn!(message_id = %message.id, kind = %message.kind, %reason, attempts, "sending a message failed; it will be tried again");
        }
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Attempts, Expr::value(attempts))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(Utc::now() + retry))
            .col_expr(outbox::Column::LastError, Expr::value(Some(reason)))
            .filter(outbox::Column::Id.eq(message.id))
            .exec(&self.db)
            .await
            .context("recording a failed delivery")?;
        Ok(())
    }
}

enum Failure {
    /// Refused for good (5xx, a bad address): not tried again.
    Permanent(String),
    /// Worth another try later (connection, 4xx).
    Transient(String),
}

/// What went wrong, without the server's own words (they may quote the recipient).
fn kind_of(e: &lettre::transport::smtp::Error) -> String {
    match e.status() {
        Some(code) => format!("SMTP status {code}"),
        None if e.is_timeout() => "timed out".into(),
        None if e.is_tls() => "TLS failed".into(),
        None if e.is_client() => "client error".into(),
        None => "connection failed".into(),
    }
}
