//! The profiles service boundary's errors, each with its code from the shared table.

use crocevia_domain::{EntityKind, ValidationErrors};
use crocevia_kit::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum ProfilesError {
    #[error("invalid {kind}: {errors}")]
    Invalid { kind: EntityKind, errors: ValidationErrors },
    #[error("{kind} {id} does not exist")]
    NotFound { kind: EntityKind, id: uuid::Uuid },
    /// Someone else changed it first; `current` is the version now stored, to reload.
    #[error("{message}")]
    Conflict { message: String, current: u64 },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl ProfilesError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::BadUserInput,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Conflict { .. } => ErrorCode::Conflict,
            Self::Other(_) => ErrorCode::Internal,
        }
    }

    pub fn conflict(message: impl Into<String>, current: u64) -> Self {
        Self::Conflict { message: message.into(), current }
    }

    /// Whether SQLite refused the write because another connection holds or just took the
    /// write lock; such a transaction rolled back whole and may simply be run again.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Other(e) => {
                let text = format!("{e:#}");
                text.contains("database is locked") || text.contains("database table is locked")
            }
            _ => false,
        }
    }

    /// Whether the storage refused the write for want of room (SQLite's "database or disk is
    /// full", PostgreSQL's disk_full, or the file system's ENOSPC). Nothing was written; the
    /// caller may retry once an operator has made room.
    pub fn is_storage_full(&self) -> bool {
        match self {
            Self::Other(e) => crocevia_kit::db::is_storage_full(&format!("{e:#}")),
            _ => false,
        }
    }

    /// The field an API should show this error next to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { errors, .. } => errors.first_field(),
            _ => None,
        }
    }
}

impl From<sea_orm::DbErr> for ProfilesError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Other(anyhow::Error::new(e).context("database"))
    }
}
