//! The open-data downloads at stable URLs: `/open-data/v1/` (catalogue), `<id>.csv`,
//! `<id>.json` and `dictionary.json`. Public, cacheable for a minute, licensed CC BY 4.0.

use crate::GatewayState;
use crate::rest::ApiError;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use crocevia_insights::{InsightsError, InsightsService, export};
use crocevia_kit::ErrorCode;

fn service(state: &GatewayState) -> Result<&InsightsService, ApiError> {
    state.insights.as_ref().ok_or_else(|| ApiError::new(ErrorCode::Unavailable, None, "open data is not served here"))
}

impl From<InsightsError> for ApiError {
    fn from(e: InsightsError) -> Self {
        if e.code() == ErrorCode::Internal {
            tracing::error!(error = %e, "open data failed");
            return ApiError::new(ErrorCode::Internal, None, "internal error");
        }
        ApiError::new(e.code(), e.field(), e.to_string())
    }
}

fn respond(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=60"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::LINK, LICENCE_LINK),
        ],
        body,
    )
        .into_response()
}

/// The licence as a `Link` header, so a downloaded file's licence is machine-readable.
const LICENCE_LINK: &str = "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"";

pub(crate) async fn catalogue(State(state): State<GatewayState>) -> Result<Response, ApiError> {
    let snapshot = service(&state)?.snapshot().await?;
    Ok(respond("application/json", export::catalogue(&snapshot).to_string()))
}

pub(crate) async fn dictionary() -> Response {
    respond("application/json", export::dictionary().to_string())
}

/// `<id>.csv` or `<id>.json`.
pub(crate) async fn download(
    State(state): State<GatewayState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let (id, csv) = match (file.strip_suffix(".csv"), file.strip_suffix(".json")) {
        (Some(id), _) => (id, true),
        (_, Some(id)) => (id, false),
        _ => {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                None,
                format!("no file {file:?}: use <id>.csv or <id>.json"),
            ));
        }
    };
    let (snapshot, dataset) = service(&state)?.dataset(id, None, None, None).await.map_err(|e| match e {
        InsightsError::UnknownDataset(_) => ApiError::new(ErrorCode::NotFound, None, e.to_string()),
        e => e.into(),
    })?;
    Ok(if csv {
        respond("text/csv; charset=utf-8; header=present", export::csv(&dataset))
    } else {
        respond("application/json", export::json(&snapshot, &dataset).to_string())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_link_header_names_the_licence() {
        assert!(super::LICENCE_LINK.contains(crocevia_insights::catalogue::LICENCE_URL));
    }
}
