//! CKAN's action API, read-only, over the open-data catalogue: `/api/3/action/<action>` (and
//! `/api/action/<action>`, which CKAN clients such as ckanapi call), by GET with query
//! parameters or POST with a JSON object, answering CKAN's envelope
//! `{help, success, result}` or `{help, success: false, error: {__type, message}}`.

use crate::GatewayState;
use crate::open_data::service;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use crocevia_insights::catalogue::DATASETS;
use crocevia_insights::ckan::{self, Filter};
use crocevia_insights::{InsightsError, InsightsService};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Most packages one `package_search` or `current_package_list_with_resources` returns
/// (CKAN's own default bound).
const MAX_ROWS: usize = 1000;

/// A failed action, as CKAN reports it.
struct Failure {
    status: StatusCode,
    kind: &'static str,
    message: String,
    /// For a validation error: the parameter at fault, which CKAN uses as the key of its
    /// messages.
    field: Option<String>,
    retry_after: Option<u64>,
}

impl Failure {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self { status, kind, message: message.into(), field: None, retry_after: None }
    }

    /// A bad parameter: CKAN's "Validation Error", keyed by the field.
    fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            field: Some(field.to_owned()),
            ..Self::new(StatusCode::CONFLICT, "Validation Error", format!("{field}: {message}"))
        }
    }
}

impl From<InsightsError> for Failure {
    fn from(e: InsightsError) -> Self {
        match e {
            InsightsError::NotReady { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable", e.to_string())
            },
            e => {
                tracing::error!(error = %e, "CKAN action failed");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Error", "internal error")
            }
        }
    }
}

fn help(action: &str) -> String {
    format!("{action}: see https://docs.ckan.org/en/2.10/api/#ckan.logic.action.get.{action}")
}

fn envelope(action: &str, outcome: Result<Value, Failure>) -> Response {
    let (status, body, retry_after) = match outcome {
        Ok(result) => (StatusCode::OK, json!({ "help": help(action), "success": true, "result": result }), None),
        Err(f) => {
            let mut error = json!({ "__type": f.kind, "message": f.message });
            if let (Some(field), Some(map)) = (&f.field, error.as_object_mut()) {
                let detail = f.message.split_once(": ").map_or(f.message.as_str(), |(_, m)| m);
                map.insert(field.clone(), json!([detail]));
            }
            (f.status, json!({ "help": help(action), "success": false, "error": error }), f.retry_after)
        }
    };
    let mut response = (status, Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if let Some(secs) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A parameter as a string, whether it came from the query or a JSON body.
fn text(params: &Map<String, Value>, name: &str) -> Option<String> {
    params.get(name).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
}

fn count(params: &Map<String, Value>, name: &str, default: usize) -> Result<usize, Failure> {
    match text(params, name) {
        None => Ok(default),
        Some(v) => {
            v.trim().parse::<usize>().map_err(|_| Failure::invalid(name, format!("{v:?} is not a whole number")))
        }
    }
}

async fn run(service: &InsightsService, action: &str, params: &Map<String, Value>) -> Result<Value, Failure> {
    let p = service.publication();
    match action {
        "status_show" => Ok(json!({
            "ckan_version": ckan::API_VERSION,
            "site_title": "Crocevia – dati aperti",
            "site_url": p.base_url,
            "site_description": "Open data of Crocevia, Torino Metropoli 2025",
            "locale_default": "it",
            "extensions": [],
        })),
        "package_list" => {
            let mut names: Vec<&str> = DATASETS.iter().map(|s| s.id).collect();
            names.sort_unstable();
            let offset = count(params, "offset", 0)?;
            let limit = count(params, "limit", names.len())?;
            Ok(json!(names.into_iter().skip(offset).take(limit).collect::<Vec<_>>()))
        }
        "organization_list" => {
            let all_fields = text(params, "all_fields").is_some_and(|v| v == "true" || v == "True" || v == "1");
            Ok(if all_fields { json!([ckan::organization(p)]) } else { json!([ckan::ORGANIZATION]) })
        }
        "organization_show" => {
            let id = text(params, "id").ok_or_else(|| Failure::invalid("id", "Missing value"))?;
            let org = ckan::organization(p);
            if id != ckan::ORGANIZATION && Some(id.as_str()) != org["id"].as_str() {
                return Err(Failure::new(StatusCode::NOT_FOUND, "Not Found Error", format!("no organization {id:?}")));
            }
            Ok(org)
        }
        "package_show" => {
            let id = text(params, "id").ok_or_else(|| Failure::invalid("id", "Missing value"))?;
            let spec = ckan::find(&id, p)
                .ok_or_else(|| Failure::new(StatusCode::NOT_FOUND, "Not Found Error", format!("no package {id:?}")))?;
            Ok(ckan::package(spec, service.snapshot().await?.as_ref(), p))
        }
        "package_search" => {
            let q = text(params, "q").unwrap_or_default();
            let filter =
                Filter::parse(&text(params, "fq").unwrap_or_default()).map_err(|m| Failure::invalid("fq", m))?;
            let rows = count(params, "rows", 10)?;
            if rows > MAX_ROWS {
                return Err(Failure::invalid("rows", format!("must be at most {MAX_ROWS}")));
            }
            let start = count(params, "start", 0)?;
            Ok(ckan::search(service.snapshot().await?.as_ref(), p, &q, &filter, start, rows))
        }
        "current_package_list_with_resources" => {
            let limit = count(params, "limit", MAX_ROWS)?.min(MAX_ROWS);
            let offset = count(params, "offset", 0)?;
            let snapshot = service.snapshot().await?;
            let mut specs: Vec<_> = DATASETS.iter().collect();
            // CKAN orders by modification, newest first; all change together here, so by name.
            specs.sort_by_key(|s| s.id);
            Ok(json!(specs.iter().skip(offset).take(limit).map(|s| ckan::package(s, &snapshot, p)).collect::<Vec<_>>()))
        }
        _ => Err(Failure::new(StatusCode::BAD_REQUEST, "Bad Request", format!("Action name not known: {action}"))),
    }
}

async fn act(state: &GatewayState, action: &str, params: Map<String, Value>) -> Response {
    let outcome = match service(state) {
        Ok(service) => run(service, action, &params).await,
        Err(_) => {
            Err(Failure::new(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable", "open data is not served here"))
        }
    };
    envelope(action, outcome)
}

/// `GET /api/3/action/<action>?...`
pub(crate) async fn get(
    State(state): State<GatewayState>,
    Path(action): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let params = query.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    act(&state, &action, params).await
}

/// `POST /api/3/action/<action>` with a JSON object (an empty body is no parameters).
pub(crate) async fn post(State(state): State<GatewayState>, Path(action): Path<String>, body: Bytes) -> Response {
    let params = if body.iter().all(u8::is_ascii_whitespace) {
        Ok(Map::new())
    } else {
        serde_json::from_slice::<Map<String, Value>>(&body).map_err(|e| {
            Failure::new(StatusCode::BAD_REQUEST, "Bad Request", format!("the body must be a JSON object: {e}"))
        })
    };
    match params {
        Ok(params) => act(&state, &action, params).await,
        Err(failure) => envelope(&action, Err(failure)),
    }
}
