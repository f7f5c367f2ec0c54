//! The insights service's errors, each with its code from the shared table.

use crocevia_kit::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum InsightsError {
    #[error("there is no dataset {0:?}; see /open-data/v1/ for the catalogue")]
    UnknownDataset(String),
    #[error("{field}: {message}")]
    BadFilter { field: &'static str, message: String },
    #[error("insights storage: {0}")]
    Storage(#[from] sea_orm::DbErr),
    #[error("computing the aggregates: {0}")]
    Compute(String),
    #[error("the open data is being built from the platform's changes; try again in {retry_after_secs} s")]
    NotReady { retry_after_secs: u64 },
}

impl InsightsError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::UnknownDataset(_) | Self::BadFilter { .. } => ErrorCode::BadUserInput,
            Self::Storage(_) | Self::Compute(_) => ErrorCode::Internal,
            Self::NotReady { .. } => ErrorCode::Unavailable,
        }
    }

    /// The input field the error is about.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::UnknownDataset(_) => Some("id"),
            Self::BadFilter { field, .. } => Some(field),
            _ => None,
        }
    }
}
