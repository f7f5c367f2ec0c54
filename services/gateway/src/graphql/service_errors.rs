//! Search and matching failures as GraphQL errors, the same whether the service runs in this
//! process or behind [`crate::remote`]: bad input names its field, an unreachable service says
//! UNAVAILABLE (worth a retry), anything else is INTERNAL with the detail only in the logs.

use super::{error, field_error, internal};
use async_graphql::Error;
use crocevia_kit::ErrorCode;
use crocevia_matching::MatchingError;
use crocevia_search::SearchError;

pub fn search_error(e: SearchError) -> Error {
    match e {
        SearchError::BadRequest { field, message } => field_error(&format!("input.{field}"), message),
        SearchError::Unavailable(reason) => {
            tracing::warn!(%reason, "search unavailable");
            error(ErrorCode::Unavailable, "search is unavailable; try again")
        }
        e @ SearchError::Other(_) => internal(e),
    }
}

pub fn matching_error(e: MatchingError) -> Error {
    match e {
        MatchingError::BadRequest { field, message } => field_error(&field, message),
        MatchingError::NotFound(message) => error(ErrorCode::NotFound, message),
        MatchingError::Unavailable(reason) => {
            tracing::warn!(%reason, "matching unavailable");
            error(ErrorCode::Unavailable, "matching is unavailable; try again")
        }
        e @ MatchingError::Other(_) => internal(e),
    }
}
