//! The internal endpoints of a process that runs matching, for the gateway's
//! [`RemoteMatching`](super::RemoteMatching). Not meant for the public: deployments route only
//! the public paths to the gateway (see `deploy/`), and a process that itself only holds a
//! remote client refuses them rather than forwarding.

use super::wire::{self, PairRequest, SideAnswer};
use crate::GatewayState;
use crate::rest::{ApiError, ApiResult, uuid};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use crocevia_kit::ErrorCode;
use crocevia_matching::{Eligibility, Entry, MatchingApi, PairView};

pub fn routes() -> Router<GatewayState> {
    Router::new()
        .route(&format!("/{}/{{id}}", wire::MATCHES), get(matches))
        .route(&format!("/{}/{{id}}", wire::SIDE), get(side))
        .route(&format!("/{}/{{startup}}/{{programme}}", wire::ELIGIBILITY), get(eligibility))
        .route(&format!("/{}", wire::PAIR), post(pair))
}

/// The matching service of this process, if it runs one itself.
fn local(state: &GatewayState) -> Result<&dyn MatchingApi, ApiError> {
    match state.matching.as_deref() {
        Some(matching) if !matching.is_remote() => Ok(matching),
        _ => Err(ApiError::new(ErrorCode::Unavailable, None, "this process does not run the matching service")),
    }
}

async fn matches(State(state): State<GatewayState>, Path(id): Path<String>) -> ApiResult<Vec<Entry>> {
    let id = uuid("id", &id)?;
    Ok(Json(local(&state)?.matches(id).await?))
}

async fn side(State(state): State<GatewayState>, Path(id): Path<String>) -> ApiResult<SideAnswer> {
    let id = uuid("id", &id)?;
    Ok(Json(SideAnswer { side: local(&state)?.side_of(id).await? }))
}

async fn eligibility(
    State(state): State<GatewayState>,
    Path((startup, programme)): Path<(String, String)>,
) -> ApiResult<Option<Eligibility>> {
    let (startup, programme) = (uuid("startup", &startup)?, uuid("programme", &programme)?);
    Ok(Json(local(&state)?.eligibility(startup, programme).await?))
}

async fn pair(
    State(state): State<GatewayState>,
    body: Result<Json<PairRequest>, JsonRejection>,
) -> ApiResult<PairView> {
    let Json(request) =
        body.map_err(|rejection| ApiError::new(ErrorCode::BadUserInput, None, rejection.body_text()))?;
    Ok(Json(local(&state)?.pair(request.subject, request.target).await?))
}
