//! The open-data downloads at stable URLs under `/open-data/v1/`: the catalogue (JSON, or
//! DCAT-AP_IT as JSON-LD at `catalog.jsonld` and for `Accept: application/ld+json`, as Turtle
//! at `catalog.ttl` and for `Accept: text/turtle`), the data
//! dictionary, `<id>.csv` and `<id>.json`, Frictionless `datapackage.json` per dataset and
//! for all. Public, licensed CC BY 4.0, cacheable: every answer carries an `ETag` and, where
//! the figures are behind it, a `Last-Modified` (how far the platform's changes have been
//! applied); conditional requests get 304. Until the first figures are built, the downloads
//! answer 503 with `Retry-After`, never a partial count presented as current.

use crate::GatewayState;
use crate::rest::ApiError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use crocevia_insights::compute::Snapshot;
use crocevia_insights::{InsightsError, InsightsService, catalogue, dcat, export, package, turtle};
use crocevia_kit::ErrorCode;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub(crate) fn service(state: &GatewayState) -> Result<&InsightsService, ApiError> {
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

/// An open-data failure: a problem, with `Retry-After` while the figures are being built.
pub(crate) struct OpenDataError {
    error: ApiError,
    retry_after: Option<u64>,
}

impl From<InsightsError> for OpenDataError {
    fn from(e: InsightsError) -> Self {
        let retry_after = match &e {
            InsightsError::NotReady { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        Self { error: e.into(), retry_after }
    }
}

impl From<ApiError> for OpenDataError {
    fn from(error: ApiError) -> Self {
        Self { error, retry_after: None }
    }
}

impl IntoResponse for OpenDataError {
    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        response
    }
}

type OpenDataResult = Result<Response, OpenDataError>;

/// The licence as a `Link` header, so a downloaded file's licence is machine-readable.
const LICENCE_LINK: &str = "<https://creativecommons.org/licenses/by/4.0/>; rel=\"license\"";

/// HTTP-date (RFC 9110), to the second.
fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// A strong validator from the body: equal bytes, equal tag, in every replica.
fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether the client's copy is current: `If-None-Match` decides when present (weak
/// comparison, as for GET), else `If-Modified-Since` against the figures' time.
fn not_modified(headers: &HeaderMap, tag: &str, modified: Option<DateTime<Utc>>) -> bool {
    if let Some(values) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let bare = tag.trim_start_matches("W/");
        return values.split(',').map(str::trim).any(|v| v == "*" || v.trim_start_matches("W/") == bare);
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok());
    match (since, modified) {
        (Some(since), Some(modified)) => modified.timestamp() <= since.timestamp(),
        _ => false,
    }
}

/// A download: the body with its validators, or 304 when the client's copy is current.
fn respond(
    headers: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    modified: Option<DateTime<Utc>>,
    negotiated: bool,
) -> Response {
    let tag = etag(&body);
    let fresh = not_modified(headers, &tag, modified);
    let mut response = if fresh { StatusCode::NOT_MODIFIED.into_response() } else { Response::new(Body::from(body)) };
    let h = response.headers_mut();
    if !fresh {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(header::LINK, HeaderValue::from_static(LICENCE_LINK));
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, tag);
    }
    if let Some(modified) = modified.and_then(|m| HeaderValue::from_str(&http_date(m)).ok()) {
        h.insert(header::LAST_MODIFIED, modified);
    }
    if negotiated {
        h.insert(header::VARY, HeaderValue::from_static("Accept"));
    }
    response
}

fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

async fn snapshot(state: &GatewayState) -> Result<(&InsightsService, Arc<Snapshot>), OpenDataError> {
    let service = service(state)?;
    Ok((service, service.snapshot().await?))
}

fn accepts(headers: &HeaderMap, media: &str) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(media))
}

/// `/open-data/v1/`: the catalogue in the project's JSON (which says when the figures are
/// still being built), or DCAT-AP_IT for `Accept: application/ld+json`.
pub(crate) async fn catalogue(State(state): State<GatewayState>, headers: HeaderMap) -> OpenDataResult {
    if accepts(&headers, "application/ld+json") {
        return dcat_catalogue(State(state), headers).await;
    }
    if accepts(&headers, "text/turtle") {
        return dcat_turtle(State(state), headers).await;
    }
    let service = service(&state)?;
    let snapshot = match service.snapshot().await {
        Ok(snapshot) => Some(snapshot),
        Err(InsightsError::NotReady { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let body = json_bytes(&export::catalogue(snapshot.as_deref(), service.publication()));
    Ok(respond(&headers, "application/json", body, snapshot.map(|s| s.refreshed_at), true))
}

/// `catalog.jsonld`: DCAT-AP_IT.
pub(crate) async fn dcat_catalogue(State(state): State<GatewayState>, headers: HeaderMap) -> OpenDataResult {
    let (service, snapshot) = snapshot(&state).await?;
    let body = json_bytes(&dcat::catalog(&snapshot, service.publication()));
    Ok(respond(&headers, "application/ld+json", body, Some(snapshot.refreshed_at), true))
}

/// `catalog.ttl`: the same catalogue in Turtle.
pub(crate) async fn dcat_turtle(State(state): State<GatewayState>, headers: HeaderMap) -> OpenDataResult {
    let (service, snapshot) = snapshot(&state).await?;
    let body = turtle::from_json_ld(&dcat::catalog(&snapshot, service.publication())).into_bytes();
    Ok(respond(&headers, "text/turtle; charset=utf-8", body, Some(snapshot.refreshed_at), true))
}

pub(crate) async fn dictionary(State(state): State<GatewayState>, headers: HeaderMap) -> OpenDataResult {
    let body = json_bytes(&export::dictionary(service(&state)?.publication()));
    Ok(respond(&headers, "application/json", body, None, false))
}

/// `datapackage.json`: every dataset in one Frictionless package.
pub(crate) async fn catalogue_package(State(state): State<GatewayState>, headers: HeaderMap) -> OpenDataResult {
    let (service, snapshot) = snapshot(&state).await?;
    let body = json_bytes(&package::catalogue(&snapshot, service.publication()));
    Ok(respond(&headers, "application/json", body, Some(snapshot.refreshed_at), false))
}

fn unknown(id: &str) -> OpenDataError {
    ApiError::new(ErrorCode::NotFound, None, InsightsError::UnknownDataset(id.to_owned()).to_string()).into()
}

/// `<id>/datapackage.json`.
pub(crate) async fn dataset_package(
    State(state): State<GatewayState>,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> OpenDataResult {
    let spec = catalogue::find(&id).filter(|_| file == "datapackage.json").ok_or_else(|| unknown(&id))?;
    let (service, snapshot) = snapshot(&state).await?;
    let body = json_bytes(&package::dataset(spec, &snapshot, service.publication()));
    Ok(respond(&headers, "application/json", body, Some(snapshot.refreshed_at), false))
}

/// `<id>.csv`, `<id>.json`, or `<id>` (the dataset's own address: its JSON).
pub(crate) async fn download(
    State(state): State<GatewayState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> OpenDataResult {
    let (id, csv) = match (file.strip_suffix(".csv"), file.strip_suffix(".json")) {
        (Some(id), _) => (id, true),
        (_, Some(id)) => (id, false),
        _ => (file.as_str(), false),
    };
    if catalogue::find(id).is_none() {
        return Err(unknown(id));
    }
    let service = service(&state)?;
    let (snapshot, dataset) = service.dataset(id, None, None, None).await?;
    let modified = Some(snapshot.refreshed_at);
    Ok(if csv {
        let body = export::csv(&dataset).map_err(|e| {
            tracing::error!(error = %e, dataset = id, "writing CSV");
            ApiError::new(ErrorCode::Internal, None, "internal error")
        })?;
        respond(&headers, "text/csv; charset=utf-8; header=present", body, modified, false)
    } else {
        let body = json_bytes(&export::json(&snapshot, &dataset, service.publication()));
        respond(&headers, "application/json", body, modified, false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_header_names_the_licence() {
        assert!(LICENCE_LINK.contains(crocevia_insights::catalogue::LICENCE_URL));
    }

    #[test]
    fn conditional_requests_compare_tags_weakly_and_dates_to_the_second() {
        let tag = etag(b"body");
        let at = DateTime::parse_from_rfc3339("2026-12-07T10:00:00.700Z").map(|d| d.to_utc()).ok();
        let with = |name, value: &str| {
            let mut h = HeaderMap::new();
            h.insert(name, HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")));
            h
        };
        assert!(not_modified(&with(header::IF_NONE_MATCH, &tag), &tag, at));
        assert!(not_modified(&with(header::IF_NONE_MATCH, &format!("\"x\", W/{tag}")), &tag, at));
        assert!(!not_modified(&with(header::IF_NONE_MATCH, "\"other\""), &tag, at));
        assert!(not_modified(&with(header::IF_MODIFIED_SINCE, "Mon, 07 Dec 2026 10:00:00 GMT"), &tag, at));
        assert!(!not_modified(&with(header::IF_MODIFIED_SINCE, "Mon, 07 Dec 2026 09:59:59 GMT"), &tag, at));
        // A tag that does not match wins over a date that would.
        let mut both = with(header::IF_NONE_MATCH, "\"other\"");
        both.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static("Mon, 07 Dec 2026 10:00:00 GMT"));
        assert!(!not_modified(&both, &tag, at));
        assert_eq!(http_date(at.unwrap_or_default()), "Mon, 07 Dec 2026 10:00:00 GMT");
    }
}
