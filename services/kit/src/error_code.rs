//! The one table of error codes, and what each means at every boundary: the GraphQL
//! `extensions.code`, the HTTP status, and what a consumer does with an event that failed.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    BadUserInput,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    TooManyRequests,
    Unavailable,
    Internal,
}

/// What a consumer does with an event whose processing failed with this code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailedEvent {
    /// The event itself is bad: send it to the dead-letter topic and go on.
    DeadLetter,
    /// A dependency failed: retry later without acknowledging.
    Retry,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.row().0
    }

    pub fn http_status(self) -> u16 {
        self.row().1
    }

    pub fn on_failed_event(self) -> OnFailedEvent {
        self.row().2
    }

    fn row(self) -> (&'static str, u16, OnFailedEvent) {
        use OnFailedEvent::*;
        match self {
            Self::BadUserInput => ("BAD_USER_INPUT", 400, DeadLetter),
            Self::Unauthenticated => ("UNAUTHENTICATED", 401, DeadLetter),
            Self::Forbidden => ("FORBIDDEN", 403, DeadLetter),
            Self::NotFound => ("NOT_FOUND", 404, DeadLetter),
            Self::Conflict => ("CONFLICT", 409, Retry),
            Self::TooManyRequests => ("TOO_MANY_REQUESTS", 429, Retry),
            Self::Unavailable => ("UNAVAILABLE", 503, Retry),
            Self::Internal => ("INTERNAL", 500, Retry),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_serde_names() {
        for code in [ErrorCode::BadUserInput, ErrorCode::NotFound, ErrorCode::Internal, ErrorCode::Unavailable] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
        assert_eq!(ErrorCode::BadUserInput.on_failed_event(), OnFailedEvent::DeadLetter);
        assert_eq!(ErrorCode::Unavailable.on_failed_event(), OnFailedEvent::Retry);
    }
}
