//! The search service boundary's errors.

use crocevia_kit::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{field}: {message}")]
    BadRequest { field: String, message: String },
    /// A remote search process could not be reached or answered in time: worth retrying.
    #[error("search is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl SearchError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadRequest { .. } => ErrorCode::BadUserInput,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            Self::Other(_) => ErrorCode::Internal,
        }
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        Self::Other(anyhow::Error::new(e).context("index"))
    }
}
