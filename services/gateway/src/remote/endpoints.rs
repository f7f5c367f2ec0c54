//! The internal endpoints of a process that runs search, matching or the application
//! service, for the gateway's [`RemoteSearch`](super::RemoteSearch),
//! [`RemoteMatching`](super::RemoteMatching) and [`RemoteApp`](super::RemoteApp).
//!
//! Search and matching answer without any notion of an actor (the application service has
//! decided what may be asked); the application endpoint is given the caller's session and
//! resolves the actor itself, but trusts its caller to have verified the token. So none of
//! them faces the public: a process that serves the public API (`serve all`, `serve gateway`)
//! does not mount them at all, and a `serve profiles`, `serve search` or `serve matching`
//! process answers them only to a caller presenting the service credential
//! (`gateway.service_token`, as `Authorization: Bearer ...`), refusing everything when it has
//! none configured.

use super::wire::{self, PairRequest, SideAnswer, SkillsGapRequest};
use crate::GatewayState;
use crate::rest::{ApiError, ApiResult, uuid};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use crocevia_kit::ErrorCode;
use crocevia_matching::{Eligibility, Entry, MatchingApi, PairView, SkillsGap};
use crocevia_profiles::AppApi;
use crocevia_profiles::app::wire::{self as app_wire, Envelope, WireError};
use crocevia_search::{SearchApi, SearchRequest, SearchResults};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

/// The credential internal callers must present.
#[derive(Debug, Clone)]
pub struct ServiceCredential(pub Arc<SecretString>);

impl ServiceCredential {
    /// Compares in time independent of where the first difference is.
    fn accepts(&self, presented: &str) -> bool {
        let expected = self.0.expose_secret().as_bytes();
        let presented = presented.as_bytes();
        let mut diff = u8::from(expected.len() != presented.len());
        for (i, e) in expected.iter().enumerate() {
            diff |= e ^ presented.get(i).copied().unwrap_or(0);
        }
        diff == 0
    }
}

pub fn routes(state: &GatewayState) -> Router<GatewayState> {
    Router::new()
        .route(&format!("/{}", wire::SEARCH), post(search))
        .route(&format!("/{}/{{id}}", wire::MATCHES), get(matches))
        .route(&format!("/{}/{{id}}", wire::SIDE), get(side))
        .route(&format!("/{}/{{startup}}/{{programme}}", wire::ELIGIBILITY), get(eligibility))
        .route(&format!("/{}", wire::PAIR), post(pair))
        .route(&format!("/{}", wire::SKILLS_GAP), post(skills_gap))
        .route(&format!("/{}", app_wire::PATH), post(app_call))
        .route(&format!("/{}", app_wire::NOTICES_PATH), get(app_notices))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
}

/// Refuses a call without the service credential (401), or to a process that has none.
async fn guard(State(state): State<GatewayState>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let credential = state.internal.as_ref().and_then(|i| i.credential.as_ref());
    match (credential, presented) {
        (Some(credential), Some(presented)) if credential.accepts(presented.trim()) => next.run(request).await,
        (None, _) => {
            tracing::warn!(path = %request.uri().path(), "internal call refused: no gateway.service_token is configured");
            ApiError::new(ErrorCode::Unauthenticated, None, "internal endpoint: the service credential is required")
                .into_response()
        }
        _ => {
            tracing::warn!(path = %request.uri().path(), "internal call refused: missing or wrong service credential");
            ApiError::new(ErrorCode::Unauthenticated, None, "internal endpoint: the service credential is required")
                .into_response()
        }
    }
}

/// The matching service of this process, if it runs one itself.
fn local(state: &GatewayState) -> Result<&dyn MatchingApi, ApiError> {
    match state.matching.as_deref() {
        Some(matching) if !matching.is_remote() => Ok(matching),
        _ => Err(ApiError::new(ErrorCode::Unavailable, None, "this process does not run the matching service")),
    }
}

/// `POST /internal/v1/search`: runs the request as given (the caller narrowed it).
async fn search(
    State(state): State<GatewayState>,
    body: Result<Json<SearchRequest>, JsonRejection>,
) -> ApiResult<SearchResults> {
    let Json(request) =
        body.map_err(|rejection| ApiError::new(ErrorCode::BadUserInput, None, rejection.body_text()))?;
    let search: &dyn SearchApi = state
        .search
        .as_deref()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, None, "this process does not run the search service"))?;
    Ok(Json(search.search(request).await.map_err(ApiError::from)?))
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
    Ok(Json(local(&state)?.pair(request.subject, request.target, request.from).await?))
}

async fn skills_gap(
    State(state): State<GatewayState>,
    body: Result<Json<SkillsGapRequest>, JsonRejection>,
) -> ApiResult<SkillsGap> {
    let Json(request) =
        body.map_err(|rejection| ApiError::new(ErrorCode::BadUserInput, None, rejection.body_text()))?;
    Ok(Json(local(&state)?.skills_gap(request.talent).await?))
}

/// The application service of this process (a `serve profiles` process), never a client of
/// another one.
fn local_app(state: &GatewayState) -> Option<&dyn AppApi> {
    state.app.as_deref().filter(|app| !app.is_remote())
}

fn wire_error(error: WireError) -> Response {
    let status = axum::http::StatusCode::from_u16(error.code().http_status())
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(error)).into_response()
}

/// `POST /internal/v1/app`: one application call, run as the session it carries.
async fn app_call(State(state): State<GatewayState>, body: Result<Json<Envelope>, JsonRejection>) -> Response {
    let Some(app) = local_app(&state) else {
        return wire_error(WireError::Unavailable {
            message: "this process does not run the application service".into(),
        });
    };
    let Json(envelope) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return wire_error(WireError::Invalid { field: "call".into(), message: rejection.body_text() });
        }
    };
    let op = envelope.call.name();
    let started = std::time::Instant::now();
    let answer = app_wire::dispatch(app, envelope).await;
    tracing::debug!(op, ok = answer.is_ok(), elapsed_ms = started.elapsed().as_millis() as u64, "application call");
    match answer {
        Ok(value) => Json(value).into_response(),
        Err(error) => wire_error(error.into()),
    }
}

/// How often the notice stream sends an empty line, so a silent stream can be told from a
/// dead one.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(15);

/// `GET /internal/v1/app/notices`: every change committed by this process from now on, one
/// JSON object per line, with an empty line every 15 s. A caller that reads too slowly skips
/// ahead, as an in-process subscriber does.
async fn app_notices(State(state): State<GatewayState>) -> Response {
    let Some(app) = local_app(&state) else {
        return wire_error(WireError::Unavailable {
            message: "this process does not run the application service".into(),
        });
    };
    let mut rx = app.notices();
    let lines = async_stream::stream! {
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        loop {
            let line = tokio::select! {
                notice = rx.recv() => match notice {
                    Ok(notice) => match serde_json::to_string(&notice) {
                        Ok(json) => json + "\n",
                        Err(_) => continue,
                    },
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(skipped)) => {
                        tracing::warn!(skipped, "a notice stream reader lagged and skipped notices");
                        continue;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
                _ = heartbeat.tick() => "\n".to_owned(),
            };
            yield Ok::<_, std::convert::Infallible>(line);
        }
    };
    ([(axum::http::header::CONTENT_TYPE, "application/x-ndjson")], axum::body::Body::from_stream(lines)).into_response()
}
