//! `POST /api/v1/search`: the search API as plain JSON over HTTP. Errors carry the shared
//! error code and, for bad input, the field at fault.

use crate::GatewayState;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crocevia_kit::ErrorCode;
use crocevia_search::{SearchError, SearchRequest};
use serde::Serialize;

#[derive(Debug, Serialize)]
struct ErrorBody {
    code: ErrorCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    message: String,
}

fn error(code: ErrorCode, field: Option<String>, message: String) -> Response {
    let status = StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(ErrorBody { code, field, message })).into_response()
}

pub(crate) async fn search(
    State(state): State<GatewayState>,
    body: Result<Json<SearchRequest>, JsonRejection>,
) -> Response {
    let Json(request) = match body {
        Ok(body) => body,
        Err(rejection) => return error(ErrorCode::BadUserInput, None, rejection.body_text()),
    };
    let Some(search) = &state.search else {
        return error(ErrorCode::Unavailable, None, "this process does not run the search service".into());
    };
    match search.search(request).await {
        Ok(results) => Json(results).into_response(),
        Err(SearchError::BadRequest { field, message }) => error(ErrorCode::BadUserInput, Some(field), message),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "search failed");
            error(e.code(), None, "the search failed; try again".into())
        }
    }
}
