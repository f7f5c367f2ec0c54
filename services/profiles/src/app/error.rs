//! The application boundary's errors, each with its code from the shared table. Messages are
//! for the person who asked; internal detail goes to the log only.

use crate::ProfilesError;
use crate::accounts::AccountError;
use crocevia_kit::ErrorCode;
use crocevia_matching::MatchingError;
use crocevia_search::SearchError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Bad input; `field` names it in the API's own spelling, e.g. `offer.salary_min_eur`.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A rule refuses the command (closed offer, already applied, not eligible); `reasons`
    /// says why, one line each.
    #[error("{message}")]
    Refused { field: String, message: String, reasons: Vec<String> },
    /// Someone changed the entity first; `current` is the version stored now.
    #[error("{message}")]
    Conflict { message: String, current: Option<u64> },
    /// Too many failed attempts: wait `retry_after` before trying again.
    #[error("too many failed attempts; try again in {} minutes", retry_after.as_secs().div_ceil(60).max(1))]
    TooManyRequests { retry_after: std::time::Duration },
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Invalid { .. } | Self::Refused { .. } => ErrorCode::BadUserInput,
            Self::Conflict { .. } => ErrorCode::Conflict,
            Self::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            Self::Other(_) => ErrorCode::Internal,
        }
    }

    /// The input field this error belongs next to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } | Self::Refused { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    /// What a client may be told: internal failures say only that something failed (the
    /// detail is logged here, once).
    pub fn public_message(&self) -> String {
        match self {
            Self::Other(e) => {
                tracing::error!(error = format!("{e:#}"), "command failed");
                "internal error".to_owned()
            }
            Self::Unavailable(reason) => {
                tracing::warn!(%reason, "a service is unavailable");
                "a service is unavailable; try again".to_owned()
            }
            Self::Invalid { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

impl From<ProfilesError> for AppError {
    fn from(e: ProfilesError) -> Self {
        match e {
            ProfilesError::Invalid { errors, .. } => {
                Self::Invalid { field: errors.first_field().unwrap_or("input").to_owned(), message: errors.to_string() }
            }
            e @ ProfilesError::NotFound { .. } => Self::NotFound(e.to_string()),
            ProfilesError::Conflict { message, current } => Self::Conflict { message, current: Some(current) },
            e if e.is_storage_full() => Self::Unavailable(format!("storage is full, nothing was saved: {e:#}")),
            e @ ProfilesError::Other(_) => Self::Other(anyhow::Error::new(e)),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::BadInput { field, message } => Self::invalid(field, message),
            AccountError::Taken => {
                Self::Conflict { message: "an account with this e-mail exists".into(), current: None }
            }
            AccountError::WrongCredentials => Self::Unauthenticated("wrong e-mail or password".into()),
            AccountError::Other(e) => Self::Other(e),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        ProfilesError::from(e).into()
    }
}

impl From<SearchError> for AppError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::BadRequest { field, message } => Self::Invalid { field, message },
            SearchError::Unavailable(reason) => Self::Unavailable(reason),
            other => Self::Other(anyhow::Error::new(other)),
        }
    }
}

impl From<MatchingError> for AppError {
    fn from(e: MatchingError) -> Self {
        match e {
            MatchingError::BadRequest { field, message } => Self::Invalid { field, message },
            MatchingError::NotFound(message) => Self::NotFound(message),
            MatchingError::Unavailable(reason) => Self::Unavailable(reason),
            other => Self::Other(anyhow::Error::new(other)),
        }
    }
}
