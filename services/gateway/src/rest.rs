//! The public REST API (`/api/v1/*`): search, matches, eligibility and the files a
//! programme's form takes (a pitch deck), through the same
//! application boundary as GraphQL, with the same bearer tokens. Errors are RFC 9457
//! problem details (`application/problem+json`) carrying the shared error code and, for bad
//! input, the field at fault; internal details stay in the logs.

use crate::GatewayState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use crocevia_kit::ErrorCode;
use crocevia_matching::MatchingError;
use crocevia_profiles::{Actor, AppApi, AppError};
use crocevia_search::{SearchError, SearchRequest, SearchResults};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// An RFC 9457 problem (boxed: errors stay one pointer wide on the happy path).
#[derive(Debug)]
pub(crate) struct ApiError(Box<Problem>);

/// `type`, `title`, `status` and `detail`, plus the shared `code` and the `field` at fault.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub(crate) struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
    /// BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_MANY_REQUESTS, UNAVAILABLE or
    /// INTERNAL: the same codes as GraphQL's `extensions.code`.
    #[schema(value_type = String, example = "FORBIDDEN")]
    code: ErrorCode,
    /// The input field at fault, for BAD_USER_INPUT.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<String>,
    #[serde(rename = "currentVersion", skip_serializing_if = "Option::is_none")]
    current_version: Option<u64>,
}

fn title(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::BadUserInput => "Bad input",
        ErrorCode::Unauthenticated => "Not signed in",
        ErrorCode::Forbidden => "Not allowed",
        ErrorCode::NotFound => "Not found",
        ErrorCode::Conflict => "Conflict",
        ErrorCode::TooManyRequests => "Too many requests",
        ErrorCode::Unavailable => "Temporarily unavailable",
        ErrorCode::Internal => "Internal error",
    }
}

impl ApiError {
    pub(crate) fn new(code: ErrorCode, field: Option<&str>, message: impl Into<String>) -> Self {
        Self(Box::new(Problem {
            kind: "about:blank",
            title: title(code),
            status: code.http_status(),
            detail: message.into(),
            code,
            field: field.map(str::to_owned),
            reasons: vec![],
            current_version: None,
        }))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.0).unwrap_or_default();
        (status, [(axum::http::header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let mut out = Self::new(e.code(), e.field(), e.public_message());
        match e {
            AppError::Refused { reasons, .. } => out.0.reasons = reasons,
            AppError::Conflict { current, .. } => out.0.current_version = current,
            _ => {}
        }
        out
    }
}

impl From<MatchingError> for ApiError {
    fn from(e: MatchingError) -> Self {
        AppError::from(e).into()
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        AppError::from(e).into()
    }
}

pub(crate) type ApiResult<T> = Result<Json<T>, ApiError>;

pub(crate) fn uuid(field: &str, s: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(s)
        .map_err(|_| ApiError::new(ErrorCode::BadUserInput, Some(field), format!("{s:?} is not an id")))
}

fn app(state: &GatewayState) -> Result<&dyn AppApi, ApiError> {
    state
        .app
        .as_deref()
        .ok_or_else(|| ApiError::new(ErrorCode::Unavailable, None, "this process does not serve the public API"))
}

/// The actor of a REST request, from its bearer token exactly as for GraphQL.
async fn actor(state: &GatewayState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    let (Some(app), Some(api)) = (state.app.as_ref(), state.api.as_ref()) else {
        return Err(ApiError::new(ErrorCode::Unavailable, None, "this process does not serve the public API"));
    };
    crate::resolve_actor(app.as_ref(), &api.keys, headers)
        .await
        .map_err(|(code, message)| ApiError::new(code, None, message))
}

/// A file as stored: what `POST /api/v1/files` answers.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UploadedFile {
    /// The id a form's file answer names (`answers: [{key, file: id}]`).
    id: String,
    name: String,
    bytes: u64,
    /// SHA-256 of the content, hex.
    sha256: String,
}

impl From<crocevia_api::FileView> for UploadedFile {
    fn from(f: crocevia_api::FileView) -> Self {
        Self { id: f.id.to_string(), name: f.name, bytes: f.bytes as u64, sha256: f.sha256 }
    }
}

/// The name of an uploaded file.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FileName {
    /// Shown on download; a path and quote characters are dropped.
    name: Option<String>,
}

/// `POST /api/v1/files?name=deck.pdf`: stores a startup's PDF (the request body, at most
/// 10 MiB; its signature must be a PDF's) to answer a programme form's file question.
#[utoipa::path(
    post,
    path = "/api/v1/files",
    tag = "files",
    params(FileName),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The PDF"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Stored", body = UploadedFile),
        (status = 400, description = "Empty, not a PDF, or too many files", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a startup", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 10 MiB"),
    )
)]
pub(crate) async fn upload_file(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    axum::extract::Query(query): axum::extract::Query<FileName>,
    body: axum::body::Bytes,
) -> ApiResult<UploadedFile> {
    let actor = actor(&state, &headers).await?;
    let stored = app(&state)?.upload_file(&actor, query.name.unwrap_or_default(), body.to_vec()).await?;
    Ok(Json(stored.into()))
}

/// `GET /api/v1/files/{id}`: a file, as a download, to its uploader and the organisation its
/// application went to.
#[utoipa::path(
    get,
    path = "/api/v1/files/{id}",
    tag = "files",
    params(("id" = String, Path, description = "The file's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file, as an attachment", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "Not signed in, or the token is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Someone else's", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn download_file(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &headers).await?;
    let id = uuid("id", &id)?;
    let file = app(&state)?.file(&actor, id).await?;
    use axum::http::header;
    // Never rendered in the page's origin: a download, sniffing off, and a sandbox if opened.
    let ascii: String = file
        .file
        .name
        .chars()
        .map(|c| if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' { c } else { '_' })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"");
    Ok((
        [
            (header::CONTENT_TYPE, file.media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        file.content,
    )
        .into_response())
}

/// The ranked matches of one subject (`GET /api/v1/matches/{id}`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MatchesAnswer {
    subject: uuid::Uuid,
    /// talent, offer, startup or programme.
    #[schema(value_type = String, example = "offer")]
    side: crocevia_matching::Side,
    /// Best first; each with its score, mutual score, verdict (programmes) and explanation
    /// (factors with their weight, value and a reason in Italian and English).
    #[schema(value_type = Vec<Object>)]
    matches: Vec<crocevia_matching::Entry>,
}

/// A startup's eligibility for a programme (`GET /api/v1/eligibility/{startup}/{programme}`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EligibilityAnswer {
    startup: uuid::Uuid,
    programme: uuid::Uuid,
    /// `{"verdict": "eligible" | "eligible_if" | "not_eligible", "reasons": [{"rule", "it", "en"}]}`.
    #[schema(value_type = Object)]
    eligibility: crocevia_matching::eligibility::Verdict,
    /// The fit score with its explanation.
    #[schema(value_type = Object)]
    fit: crocevia_matching::explain::Explained,
}

/// The REST API's OpenAPI 3.1 document, generated from the handlers below and their types
/// (served at `/api/v1/openapi.json`).
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Crocevia REST API",
        description = "Search, matches and eligibility of the Crocevia platform (Torino Metropoli 2025: AcceleraTO and Talenti a Torino). The same rules as the GraphQL API at /graphql: anonymous callers see offers, programmes, startups and organisations, never a person; matches and eligibility answer only to their parties. Errors are RFC 9457 problem details.",
        license(name = "AGPL-3.0-only")
    ),
    paths(search, matches, eligibility, upload_file, download_file),
    components(schemas(Problem, MatchesAnswer, EligibilityAnswer, SearchRequest, SearchResults, UploadedFile)),
    modifiers(&BearerAuth)
)]
pub struct RestApi;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(utoipa::openapi::Components::new);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi() -> Response {
    match RestApi::openapi().to_json() {
        Ok(json) => ([(axum::http::header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "encoding the OpenAPI document");
            ApiError::new(ErrorCode::Internal, None, "internal error").into_response()
        }
    }
}

/// `POST /api/v1/search`: the same search and visibility as GraphQL `search`.
#[utoipa::path(
    post,
    path = "/api/v1/search",
    tag = "search",
    request_body = SearchRequest,
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Hits, facets and the next page's cursor", body = SearchResults),
        (status = 400, description = "Bad input; `field` names it", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The token is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Talent profiles are searchable by organisation members only", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Search is unavailable; retry", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn search(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    body: Result<Json<SearchRequest>, JsonRejection>,
) -> ApiResult<SearchResults> {
    let actor = actor(&state, &headers).await?;
    let Json(request) =
        body.map_err(|rejection| ApiError::new(ErrorCode::BadUserInput, None, rejection.body_text()))?;
    Ok(Json(app(&state)?.search(&actor, request).await?))
}

/// `GET /api/v1/matches/{id}`: the ranked matches of one of the caller's own profiles,
/// offers or programmes, each with its explanation.
#[utoipa::path(
    get,
    path = "/api/v1/matches/{id}",
    tag = "matching",
    params(("id" = String, Path, description = "A talent, offer, startup or programme id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ranked matches", body = MatchesAnswer),
        (status = 400, description = "`id` is not an id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "These matches belong to someone else", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing open to matching has this id", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Matching is unavailable; retry", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn matches(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<MatchesAnswer> {
    let actor = actor(&state, &headers).await?;
    let id = uuid("id", &id)?;
    let (side, matches) = app(&state)?.matches(&actor, id).await?;
    Ok(Json(MatchesAnswer { subject: id, side, matches }))
}

/// `GET /api/v1/eligibility/{startup}/{programme}`: the verdict with its reasons, and the
/// fit, for the startup, the programme's organisation and administrators.
#[utoipa::path(
    get,
    path = "/api/v1/eligibility/{startup}/{programme}",
    tag = "matching",
    params(
        ("startup" = String, Path, description = "The startup's id (UUID)"),
        ("programme" = String, Path, description = "The programme's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The verdict with every reason, and the fit", body = EligibilityAnswer),
        (status = 400, description = "An id is not an id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the token is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the startup's nor the programme's", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such startup or open programme", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Matching is unavailable; retry", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn eligibility(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Path((startup, programme)): Path<(String, String)>,
) -> ApiResult<EligibilityAnswer> {
    let actor = actor(&state, &headers).await?;
    let (startup, programme) = (uuid("startup", &startup)?, uuid("programme", &programme)?);
    let found = app(&state)?.eligibility(&actor, startup, programme).await?;
    Ok(Json(EligibilityAnswer { startup, programme, eligibility: found.verdict, fit: found.fit }))
}
