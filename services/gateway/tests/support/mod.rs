//! The gateway on port 0 over a fresh SQLite database, and the HTTP, GraphQL and WebSocket
//! clients the tests drive it with.

#![allow(dead_code, reason = "each test file uses its own share of the harness")]

use crocevia_gateway::auth::JwtKeys;
use crocevia_gateway::{Api, Gateway, GatewayState, graphql};
use crocevia_profiles::Profiles;
use crocevia_profiles::accounts::Accounts;
use crocevia_profiles::migration::Migrator;
use crocevia_profiles::{App, AppApi};
use futures::{SinkExt, StreamExt};
use sea_orm_migration::MigratorTrait;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::sync::Arc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The harness's accept-loop limits: short and small, so their tests are quick.
pub const LIMITS: crocevia_gateway::server::ConnectionLimits = crocevia_gateway::server::ConnectionLimits {
    header_read_timeout: std::time::Duration::from_millis(600),
    max_connections: 64,
    drain: std::time::Duration::from_secs(5),
};

/// The harness's `connection_init` timeout: short, so the test of it is quick.
pub const WS_INIT_TIMEOUT_MS: u64 = 700;

pub const SECRET: &str = "0123456789abcdef0123456789abcdef-test-key";

pub struct Harness {
    pub base: String,
    /// The database behind it (the mail outbox is read here, as `crocevia outbox` does).
    pub db: sea_orm::DatabaseConnection,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::watch::Sender<bool>,
}

/// A fresh database with the profiles schema, and the token keys of the tests.
pub struct Backend {
    pub dir: tempfile::TempDir,
    pub db: sea_orm::DatabaseConnection,
    pub profiles: Profiles,
    pub keys: Arc<JwtKeys>,
    /// Serve as the distributed mode does: the application service in a second server (the
    /// profiles process's internal endpoints, behind the service credential) and the public
    /// gateway calling it over HTTP.
    pub remote_app: bool,
}

/// The service credential of the split harness.
pub const SERVICE_TOKEN: &str = "doors-test-service-token-0123456789abcdef";

pub async fn backend() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("g.db").display());
    let db = crocevia_kit::db::connect(&SecretString::from(url), 4).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let profiles = Profiles::new(db.clone(), "profiles.v1");
    let keys = Arc::new(JwtKeys::new(&SecretString::from(SECRET), "crocevia", "crocevia-api", 3600).unwrap());
    Backend { dir, db, profiles, keys, remote_app: false }
}

/// The real gateway on port 0 over `b`.
pub async fn serve(
    b: Backend,
    introspection: bool,
    max_body_bytes: usize,
    search: Option<crocevia_search::SearchService>,
    matching: Option<crocevia_matching::MatchingService>,
) -> Harness {
    let indexed = search.as_ref().map(crocevia_search::SearchService::commits);
    let search = search.map(|s| Arc::new(s) as Arc<dyn crocevia_search::SearchApi>);
    let matching = matching.map(|m| Arc::new(m) as Arc<dyn crocevia_matching::MatchingApi>);
    let db = b.db.clone();
    let accounts = Accounts::open(b.db.clone()).await.unwrap();
    let app = App::new(b.profiles.clone(), accounts, search.clone(), matching.clone());
    let publication = crocevia_insights::Publication::new(
        "http://127.0.0.1:8080",
        "Città metropolitana di Torino",
        "cmto",
        "Crocevia – dati aperti",
        "opendata@crocevia.localhost",
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    );
    let insights = crocevia_insights::InsightsService::open(b.db.clone(), publication).await.unwrap();
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let app: Arc<dyn AppApi> =
        if b.remote_app { Arc::new(profiles_process(&b, app, shutdown.clone()).await) } else { Arc::new(app) };
    let services = graphql::Services {
        app: app.clone(),
        matching: matching.clone(),
        indexed,
        keys: b.keys.clone(),
        skills: Arc::new(crocevia_gateway::skills::SkillCatalog::new(reference_skills())),
        insights: Some(insights.clone()),
    };
    let limits = graphql::Limits { depth: 10, complexity: 500, introspection };
    let schema = graphql::schema(services.clone(), limits);
    let introspection_schema = graphql::introspection_schema(services, limits);
    let api = Api {
        schema,
        introspection_schema,
        keys: b.keys,
        max_batch: 5,
        max_body_bytes,
        ws_init_timeout: std::time::Duration::from_millis(WS_INIT_TIMEOUT_MS),
        // The tests' own client stands in for a reverse proxy on loopback.
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap(), "::1".parse().unwrap()].into(),
    };
    let (_ready_tx, ready) = tokio::sync::watch::channel(true);
    // A test that wants the web app writes it here before serving.
    let web_dir = b.dir.path().join("web");
    let state = GatewayState {
        ready,
        profiles: b.profiles,
        app: Some(app),
        search: None,
        matching: None,
        internal: None,
        api: Some(api),
        web_dir,
        insights: Some(insights),
    };
    let gateway = Gateway::bind("127.0.0.1:0".parse().unwrap(), state).await.unwrap().with_limits(LIMITS);
    let base = format!("http://{}", gateway.local_addr().unwrap());
    tokio::spawn(gateway.serve(shutdown));
    Harness { base, db, _dir: b.dir, _stop: stop }
}

/// A `serve profiles`-like server running `app` behind its internal endpoints, and the
/// gateway's client of it.
async fn profiles_process(
    b: &Backend,
    app: App,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> crocevia_gateway::remote::RemoteApp {
    let credential = Arc::new(SecretString::from(SERVICE_TOKEN));
    let (_ready_tx, ready) = tokio::sync::watch::channel(true);
    let state = GatewayState {
        ready,
        profiles: b.profiles.clone(),
        app: Some(Arc::new(app)),
        search: None,
        matching: None,
        internal: Some(crocevia_gateway::Internal {
            credential: Some(crocevia_gateway::remote::ServiceCredential(credential.clone())),
        }),
        api: None,
        web_dir: b.dir.path().join("no-web"),
        insights: None,
    };
    let server = Gateway::bind("127.0.0.1:0".parse().unwrap(), state).await.unwrap();
    let base_url = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.serve(shutdown));
    crocevia_gateway::remote::RemoteApp::start(&crocevia_gateway::remote::RemoteSettings {
        base_url,
        timeout: std::time::Duration::from_secs(10),
        credential: Some(credential),
    })
    .unwrap()
}

pub async fn start(introspection: bool) -> Harness {
    serve(backend().await, introspection, 64 * 1024, None, None).await
}

pub async fn post(h: &Harness, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(format!("{}/graphql", h.base)).json(&body);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub fn code(v: &Value) -> Option<&str> {
    v["errors"][0]["extensions"]["code"].as_str()
}

/// Signs up and opens the confirmation link e-mailed to `email`; returns the token.
pub async fn register(h: &Harness, email: &str, role: &str) -> String {
    let q = json!({ "query": "mutation($i: RegisterInput!) { register(input: $i) { email linkValidHours } }",
                    "variables": { "i": { "email": email, "password": "correct horse battery", "displayName": "Anna", "role": role } } });
    let (status, body) = post(h, None, q).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["errors"].is_null(), "{body}");
    let token = mailed_token(h, email, "verify").await.unwrap_or_else(|| panic!("no confirmation e-mail to {email}"));
    let confirm = json!({ "query": "mutation($t: String!) { confirmEmail(token: $t) { token user { id role } } }",
                          "variables": { "t": token } });
    let (_, body) = post(h, None, confirm).await;
    body["data"]["confirmEmail"]["token"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
}

/// The token of the newest `page` link (`verify`, `reset`) in the outbox for `email`.
pub async fn mailed_token(h: &Harness, email: &str, page: &str) -> Option<String> {
    let messages = crocevia_profiles::mail::waiting(&h.db, Some(email), 100).await.unwrap();
    messages.iter().rev().find_map(|m| crocevia_profiles::mail::link_token(&m.body, page))
}

/// The messages in the outbox for `email`, oldest first.
pub async fn mailbox(h: &Harness, email: &str) -> Vec<crocevia_profiles::mail::outbox::Model> {
    crocevia_profiles::mail::waiting(&h.db, Some(email), 100).await.unwrap()
}

/// The reference skills taxonomy (built into the binary), loaded once for all tests.
pub fn reference_skills() -> crocevia_domain::SkillTaxonomy {
    static SKILLS: std::sync::LazyLock<crocevia_domain::SkillTaxonomy> =
        std::sync::LazyLock::new(|| crocevia_domain::taxonomy::reference().unwrap_or_else(|e| panic!("{e}")));
    SKILLS.clone()
}

pub fn demo(file: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub async fn gql(h: &Harness, token: Option<&str>, query: &str, variables: Value) -> Value {
    post(h, token, json!({ "query": query, "variables": variables })).await.1
}

pub async fn ws(
    h: &Harness,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("{}/graphql/ws", h.base.replace("http", "ws")).into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
        .send(Message::text(json!({ "type": "connection_init", "payload": { "token": token } }).to_string()))
        .await
        .unwrap();
    socket
}

pub async fn next_json(
    socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
) -> Option<Value> {
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(5), socket.next()).await.ok()?? {
            Ok(Message::Text(text)) => return serde_json::from_str(&text).ok(),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

pub fn delivery(entity: &crocevia_domain::Entity, version: u64, offset: i64) -> crocevia_kit::bus::Delivery {
    let change = crocevia_proto::envelope::Change::Upserted(entity.clone());
    let payload =
        crocevia_proto::envelope::encode(&crocevia_proto::envelope::build(&change, version, "t", chrono::Utc::now()));
    crocevia_kit::bus::Delivery {
        topic: "profiles.v1".into(),
        partition: 0,
        offset,
        key: entity.id().to_string(),
        payload,
        headers: vec![],
    }
}

/// A member of each of `orgs`, added by `admin_token` (member0@example.org, ...), logged in:
/// their tokens, in order.
pub async fn org_members(h: &Harness, admin_token: &str, orgs: &[Value]) -> Vec<String> {
    let member = "mutation($o: ID!, $e: String!) { createMember(organisationId: $o, email: $e, password: \"member password\", displayName: \"M\") { id } }";
    let login = "mutation($e: String!) { login(email: $e, password: \"member password\") { token } }";
    let mut tokens = Vec::new();
    for (i, org) in orgs.iter().enumerate() {
        let email = format!("member{i}@example.org");
        let body = gql(h, Some(admin_token), member, json!({ "o": org["id"], "e": email })).await;
        assert!(body["errors"].is_null(), "{body}");
        let body = gql(h, None, login, json!({ "e": email })).await;
        tokens.push(body["data"]["login"]["token"].as_str().unwrap().to_owned());
    }
    tokens
}

/// A domain record of `kind` (`talent`, `offer`...) as the GraphQL input a client sends.
pub fn input(kind: &str, record: &Value) -> Value {
    let kind = crocevia_domain::EntityKind::parse(kind).unwrap_or_else(|| panic!("no kind {kind}"));
    crocevia_api::input_of(kind, record.clone()).unwrap_or_else(|e| panic!("{kind} record: {e}"))
}

pub fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

/// A demo offer open for applications whatever today's date.
pub fn open_offer(i: usize) -> Value {
    let mut offer = demo("offers.json")[i].clone();
    offer["posted_on"] = json!(in_days(-5));
    offer["deadline"] = json!(in_days(30));
    offer
}

/// A demo programme open for applications whatever today's date, with no eligibility rule.
pub fn open_programme(i: usize) -> Value {
    let mut p = demo("programmes.json")[i].clone();
    p["eligibility"] = json!([]);
    p["application_deadline"] = json!(in_days(30));
    p["cohort_start"] = json!(in_days(40));
    p["cohort_end"] = json!(in_days(200));
    p
}

/// The taxonomy and the first `organisations` demo organisations in `b`, and an
/// administrator (admin@example.org) with a token: what every world of these tests starts from.
pub async fn seed(b: &Backend, organisations: usize) -> (Vec<Value>, String) {
    let skills = reference_skills();
    b.profiles.upsert_skills(skills.concepts()).await.unwrap();
    let orgs: Vec<Value> = demo("organisations.json").into_iter().take(organisations).collect();
    for org in &orgs {
        let entity = serde_json::from_value(json!({ "kind": "organisation", "data": org })).unwrap();
        b.profiles.upsert(entity, None, "t").await.unwrap();
    }
    let app = App::new(b.profiles.clone(), Accounts::open(b.db.clone()).await.unwrap(), None, None);
    let admin = crocevia_domain::User {
        id: crocevia_domain::UserId::from_uuid(uuid::Uuid::now_v7()),
        email: "admin@example.org".into(),
        display_name: "Admin".into(),
        role: crocevia_domain::Role::Admin,
        organisation_id: None,
        locale: Default::default(),
    };
    let admin = app.provision_account(admin, "administrator pass".into()).await.unwrap();
    (orgs, b.keys.issue(admin.id, admin.role, 0).unwrap())
}

/// Search and matching learn `entities` (kind, id) at their stored versions, as they would
/// from the bus: one index commit, one matching batch.
pub async fn teach(
    profiles: &Profiles,
    search: &crocevia_search::SearchService,
    matching: &crocevia_matching::MatchingService,
    entities: &[(crocevia_domain::EntityKind, &str)],
) {
    let index = search.index();
    let mut batch = Vec::new();
    for (i, (kind, id)) in entities.iter().enumerate() {
        let stored = profiles.get(*kind, id.parse().unwrap()).await.unwrap();
        let meta = crocevia_proto::envelope::EventMeta {
            event_id: uuid::Uuid::now_v7(),
            entity_kind: *kind,
            entity_id: stored.entity.id(),
            entity_version: stored.version,
            occurred_at: chrono::Utc::now(),
            correlation_id: "t".into(),
        };
        index.apply(&meta, &crocevia_proto::envelope::Change::Upserted(stored.entity.clone())).unwrap();
        batch.push(delivery(&stored.entity, stored.version, i as i64));
    }
    index.commit().unwrap();
    matching.process(&batch).await.unwrap();
}
