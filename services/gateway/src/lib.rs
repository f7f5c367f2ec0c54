//! Crocevia's gateway, the only public door: the GraphQL API, JSON endpoints, health,
//! readiness, metrics, a status page and, when it is built, the web app.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use crocevia_profiles::{Actor, AppApi, Profiles};
use crocevia_search::SearchApi;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;

pub mod auth;
mod ckan;
pub mod graphql;
pub mod live;
mod open_data;
pub mod remote;
pub mod rest;
pub mod server;
pub mod skills;
mod status;
mod web;
mod ws;

use async_graphql::BatchRequest;
use async_graphql_axum::{GraphQLBatchRequest, GraphQLResponse};
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;
use crocevia_kit::ErrorCode;
use tokio::sync::watch;

/// The REST API's routes, as the router mounts them and the OpenAPI document lists them.
pub const REST_ROUTES: [&str; 5] = [
    "/api/v1/search",
    "/api/v1/matches/{id}",
    "/api/v1/eligibility/{startup}/{programme}",
    "/api/v1/files",
    "/api/v1/files/{id}",
];

pub use rest::RestApi;

#[derive(Debug, Clone)]
pub struct GatewayState {
    /// True once start-up work (migrations, first-start import) is done.
    pub ready: watch::Receiver<bool>,
    /// For the status page's counts.
    pub profiles: Profiles,
    /// The application boundary, in processes that serve the public API (REST and GraphQL).
    pub app: Option<Arc<dyn AppApi>>,
    /// This process's own search service, for the internal endpoints.
    pub search: Option<Arc<dyn SearchApi>>,
    /// This process's own matching service, for the internal endpoints.
    pub matching: Option<Arc<dyn crocevia_matching::MatchingApi>>,
    /// Set in processes that serve the internal endpoints (`serve search`, `serve matching`)
    /// and never in one that serves the public API: what internal callers must present.
    pub internal: Option<Internal>,
    /// The GraphQL API; absent in processes that do not serve it.
    pub api: Option<Api>,
    /// The open-data downloads; absent in processes that do not serve them.
    pub insights: Option<crocevia_insights::InsightsService>,
    /// The web app's build (`index.html`, wasm, assets); served at `/` when it holds
    /// `index.html` at start-up.
    pub web_dir: PathBuf,
}

/// The internal endpoints of this process, and the credential they require (`None`: refuse
/// every call, there being no credential to check).
#[derive(Debug, Clone)]
pub struct Internal {
    pub credential: Option<remote::ServiceCredential>,
}

#[derive(Clone)]
pub struct Api {
    pub schema: graphql::ApiSchema,
    /// The same schema with a depth limit that admits the standard introspection query;
    /// used only for operations made of introspection fields. `None` when introspection is
    /// off.
    pub introspection_schema: Option<graphql::ApiSchema>,
    /// How long a new WebSocket may take to send `connection_init` before it is closed
    /// (4408), so idle sockets cannot pile up.
    pub ws_init_timeout: std::time::Duration,
    pub keys: Arc<auth::JwtKeys>,
    pub max_batch: usize,
    pub max_body_bytes: usize,
    /// Proxies whose `X-Forwarded-For` names the client (see `gateway.trusted_proxies`).
    pub trusted_proxies: Arc<[crocevia_kit::net::Cidr]>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("max_batch", &self.max_batch).finish_non_exhaustive()
    }
}

/// The largest request body `POST /api/v1/files` reads: the largest file a form takes, and
/// room for the request's framing.
pub const FILE_BODY_LIMIT: usize = crocevia_domain::form::MAX_FILE_BYTES as usize + 64 * 1024;

/// A bound gateway: its address is known before it serves (tests bind port 0).
#[derive(Debug)]
pub struct Gateway {
    listener: TcpListener,
    router: Router,
    limits: server::ConnectionLimits,
}

impl Gateway {
    pub async fn bind(addr: SocketAddr, state: GatewayState) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
        let app = web::built(&state.web_dir);
        if app {
            tracing::info!(web_dir = %state.web_dir.display(), "serving the web app");
        } else {
            tracing::info!(web_dir = %state.web_dir.display(), "the web app is not built; / shows the status page");
        }
        let router = Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route("/readyz", get(readyz))
            .route("/status", get(status::page))
            .route(REST_ROUTES[0], axum::routing::post(rest::search))
            .route(REST_ROUTES[1], get(rest::matches))
            .route(REST_ROUTES[2], get(rest::eligibility))
            .route("/api/v1/openapi.json", get(rest::openapi))
            .route("/open-data/v1", get(open_data::catalogue))
            .route("/open-data/v1/", get(open_data::catalogue))
            .route("/open-data/v1/dictionary.json", get(open_data::dictionary))
            .route("/open-data/v1/catalog.jsonld", get(open_data::dcat_catalogue))
            .route("/open-data/v1/catalog.ttl", get(open_data::dcat_turtle))
            .route("/open-data/v1/datapackage.json", get(open_data::catalogue_package))
            .route("/open-data/v1/{file}", get(open_data::download))
            .route("/open-data/v1/{id}/{file}", get(open_data::dataset_package))
            .route("/api/3/action/{action}", get(ckan::get).post(ckan::post))
            .route("/api/action/{action}", get(ckan::get).post(ckan::post))
            .route("/graphql", get(graphiql).post(graphql_handler))
            .route("/graphql/ws", get(ws::graphql_ws))
            .route("/metrics", get(|| async { crocevia_kit::metrics::render() }))
            // Every body these routes read is cut at the API's limit with 413.
            .layer(tower_http::limit::RequestBodyLimitLayer::new(
                state.api.as_ref().map_or(64 * 1024, |a| a.max_body_bytes),
            ))
            // Files (a form's pitch deck) have a limit of their own.
            .merge(
                Router::new()
                    .route(REST_ROUTES[3], axum::routing::post(rest::upload_file))
                    .route(REST_ROUTES[4], get(rest::download_file))
                    .layer(tower_http::limit::RequestBodyLimitLayer::new(FILE_BODY_LIMIT)),
            );
        // Internal endpoints exist only where the public API does not: a process serving the
        // public is never also a door to actor-free internals.
        let router = match (&state.internal, &state.api) {
            // Behind the service credential; a file crosses as base64 in a call's JSON.
            (Some(_), None) => router.merge(
                remote::routes(&state)
                    .layer(tower_http::limit::RequestBodyLimitLayer::new(FILE_BODY_LIMIT / 3 * 4 + 1024 * 1024)),
            ),
            (Some(_), Some(_)) => {
                anyhow::bail!("a process that serves the public API must not serve internal endpoints")
            }
            (None, _) => router,
        };
        // The app's files are the fallback, so every API route above wins over a file.
        let router = if app {
            router.route("/", get(web::serve)).fallback(web::serve)
        } else {
            router.route("/", get(status::page_without_app))
        };
        let router = router
            .layer(axum::middleware::from_fn(security_headers))
            // A request whose answer takes longer is cut (408); subscriptions live on after
            // their upgrade and are not concerned.
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                std::time::Duration::from_secs(30),
            ))
            .layer(axum::middleware::from_fn(record))
            .layer(axum::middleware::from_fn(request_context))
            // The limits above govern (the fallback reads no body).
            .layer(DefaultBodyLimit::disable())
            .with_state(state);
        Ok(Self { listener, router, limits: server::ConnectionLimits::default() })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Sets the accept loop's limits (header-read timeout, open connections).
    pub fn with_limits(mut self, limits: server::ConnectionLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Serves until `shutdown`, then lets requests in flight finish (within the drain time).
    /// Each request carries the peer's address (the login budget per address needs it).
    pub async fn serve(self, shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
        server::serve(self.listener, self.router, self.limits, shutdown).await
    }
}

async fn readyz(State(state): State<GatewayState>) -> impl IntoResponse {
    if !*state.ready.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "starting".to_owned());
    }
    // Ready, but an operator should know: the bus log this process opened had damage.
    match crocevia_kit::metrics::BUS_DAMAGED_RECORDS.get() {
        0 => (StatusCode::OK, "ready".to_owned()),
        damaged => (
            StatusCode::OK,
            format!(
                "ready; the bus log held {damaged} damaged record(s) at start: replaced by markers, search rebuilt \
                 from the database (see the ERROR log)"
            ),
        ),
    }
}

async fn graphiql() -> Html<String> {
    Html(
        async_graphql::http::GraphiQLSource::build().endpoint("/graphql").subscription_endpoint("/graphql/ws").finish(),
    )
}

pub(crate) fn graphql_error(status: StatusCode, code: ErrorCode, message: &str) -> axum::response::Response {
    let body = format!(
        r#"{{"errors":[{{"message":{},"extensions":{{"code":"{}"}}}}]}}"#,
        serde_json_string(message),
        code.as_str()
    );
    (status, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn serde_json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"error\"".into())
}

/// The actor of an HTTP request: anonymous without an `Authorization` header; otherwise the
/// bearer token must verify (a bad one is refused, never downgraded to anonymous) and name a
/// live account in its current credential generation. The one resolution every door uses.
pub(crate) async fn resolve_actor(
    app: &dyn AppApi,
    keys: &auth::JwtKeys,
    headers: &HeaderMap,
) -> Result<Actor, (ErrorCode, String)> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else { return Ok(Actor::Anonymous) };
    let Some(token) = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim) else {
        return Err((ErrorCode::Unauthenticated, "use Authorization: Bearer <token>".into()));
    };
    let claims = keys.verify(token).map_err(|e| {
        tracing::info!(reason = %e, "token refused");
        (ErrorCode::Unauthenticated, "the token is not valid".to_owned())
    })?;
    let session = claims.session().ok_or_else(|| (ErrorCode::Unauthenticated, "the token names no user".to_owned()))?;
    app.actor(Some(session)).await.map_err(|e| (e.code(), e.public_message()))
}

/// `POST /graphql`: resolves the actor (see [`resolve_actor`]), enforces the batch limit,
/// then runs the operations. A standard introspection query (only `__schema` / `__type`
/// at its root) runs under the introspection schema's own depth limit, so schema tools load
/// the schema from the URL while ordinary queries keep the strict limit.
async fn graphql_handler(
    State(state): State<GatewayState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    request: GraphQLBatchRequest,
) -> axum::response::Response {
    let (Some(api), Some(app)) = (&state.api, &state.app) else {
        return graphql_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "this process does not serve GraphQL",
        );
    };
    let actor = match resolve_actor(app.as_ref(), &api.keys, &headers).await {
        Ok(actor) => actor,
        Err((code, message)) => {
            let status = StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
            return graphql_error(status, code, &message);
        }
    };
    let batch = request.into_inner();
    if let BatchRequest::Batch(operations) = &batch
        && operations.len() > api.max_batch
    {
        return graphql_error(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            &format!("at most {} operations per batch", api.max_batch),
        );
    }
    let schema = match (&batch, &api.introspection_schema) {
        (BatchRequest::Single(one), Some(schema)) if graphql::is_introspection(&one.query) => schema,
        _ => &api.schema,
    };
    let mut batch = batch.data(actor);
    if let Some(peer) = peer {
        let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        let client = crocevia_kit::net::client_address(peer, forwarded, &api.trusted_proxies);
        batch = batch.data(graphql::ClientAddress(client));
    }
    let response = graphql::with_codes(schema.execute_batch(batch).await);
    let retry_after = graphql::retry_after(&response);
    let mut response = GraphQLResponse::from(response).into_response();
    // Throttled: the HTTP way to say when to come back, beside extensions.retryAfter.
    if let Some(seconds) = retry_after
        && let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
    }
    // graphql-over-HTTP: a client that accepts only application/json gets it.
    if accepts_only_json(&headers) {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    }
    response
}

/// The TCP peer's address, when the server was started with it (see [`Gateway::serve`]).
struct Peer(Option<std::net::IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

fn accepts_only_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| !accept.contains("application/graphql-response+json"))
}

/// The web app's policy: its own scripts only (no inline script; wasm may compile), styles
/// from itself (inline style attributes allowed: charts size their bars with them), data
/// and live updates from this origin, never framed.
const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Security headers on every answer: no MIME sniffing, no framing, no referrer, and the
/// Content-Security-Policy above. GraphiQL (`GET /graphql`, a developer's page built on
/// inline scripts) gets only `frame-ancestors 'none'`; it is off in production with
/// introspection.
async fn security_headers(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{HeaderValue, Method, header};
    let graphiql = request.method() == Method::GET && request.uri().path() == "/graphql";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    let csp = if graphiql { "frame-ancestors 'none'" } else { APP_CSP };
    // A handler's own, stricter policy stays (a download is sandboxed).
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(csp));
    response
}

/// Counts and times every request by its route pattern (not its path: ids would explode the
/// label set).
/// Every request runs as one request id (the caller's `x-request-id` when sensible, else a
/// new one; sent back in the answer), the `correlation_id` of the events it causes, inside a
/// span that continues the caller's trace (`traceparent`) when there is one.
async fn request_context(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use crocevia_kit::telemetry::{continue_trace, request as id};
    use tracing::Instrument;
    let headers = request.headers();
    let request_id = id::accept(headers.get(id::HEADER).and_then(|v| v.to_str().ok()));
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| request.uri().path().to_owned(), |p| p.as_str().to_owned());
    let span = tracing::info_span!("request", method = %request.method(), route = %route, request_id = %request_id);
    continue_trace(&span, |name| headers.get(name).and_then(|v| v.to_str().ok()));
    let mut response = id::scope(request_id.clone(), next.run(request).instrument(span)).await;
    if let Ok(value) = axum::http::HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(id::HEADER, value);
    }
    response
}

async fn record(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    crocevia_kit::metrics::HTTP_SECONDS.with_label_values(&[route.as_str()]).observe(started.elapsed().as_secs_f64());
    crocevia_kit::metrics::HTTP_REQUESTS.with_label_values(&[route.as_str(), response.status().as_str()]).inc();
    response
}
