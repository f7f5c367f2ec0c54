//! The gateway benchmark: an authenticated GraphQL search against the same search behind the
//! plain JSON handler, same process, same index, same load.

use super::Samples;
use crocevia_domain::{Role, UserId};
use crocevia_gateway::auth::JwtKeys;
use crocevia_gateway::{Api, Gateway, GatewayState, graphql};
use crocevia_profiles::App;
use crocevia_profiles::Profiles;
use crocevia_profiles::accounts::Accounts;
use crocevia_search::{SearchApi, SearchService};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Figures {
    pub graphql: (f64, Samples),
    pub rest: (f64, Samples),
    pub clients: usize,
    pub seconds: u64,
}

const CLIENTS: usize = 8;
const SECONDS: u64 = 8;

/// Closed loop: `CLIENTS` clients send back to back for `SECONDS`; returns requests/s and latencies.
async fn load(url: String, token: Option<String>, body: serde_json::Value) -> anyhow::Result<(f64, Samples)> {
    let client = reqwest::Client::new();
    let until = Instant::now() + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, token, body) = (client.clone(), url.clone(), token.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < until {
                let started = Instant::now();
                let mut request = client.post(&url).json(&body);
                if let Some(token) = &token {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await?;
                anyhow::ensure!(response.status().is_success(), "status {}", response.status());
                let text = response.text().await?;
                anyhow::ensure!(!text.contains("\"errors\""), "{text}");
                samples.push(started.elapsed());
            }
            Ok::<_, anyhow::Error>(samples)
        }));
    }
    let mut all = Samples::default();
    for task in tasks {
        for s in task.await?? {
            all.push(s);
        }
    }
    Ok((all.len() as f64 / SECONDS as f64, all))
}

pub async fn run(search: SearchService) -> anyhow::Result<Figures> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("gateway.db").display());
    let db = crocevia_kit::db::connect(&SecretString::from(url), 4).await?;
    <crocevia_profiles::migration::Migrator as sea_orm_migration::MigratorTrait>::up(&db, None).await?;
    let profiles = Profiles::new(db.clone(), "profiles.v1");
    let keys = Arc::new(JwtKeys::new(
        &SecretString::from("bench-key-bench-key-bench-key-bench-key".to_owned()),
        "crocevia",
        "crocevia-api",
        3600,
    )?);
    let accounts = Accounts::open(db).await?;
    let api: Arc<dyn SearchApi> = Arc::new(search);
    let app = App::new(profiles.clone(), accounts, Some(api.clone()), None);
    // A real account behind the token: the application checks it on every request.
    let user = app
        .provision_account(
            crocevia_domain::User {
                id: UserId::from_uuid(uuid::Uuid::now_v7()),
                email: "bench@example.org".into(),
                display_name: "Bench".into(),
                role: Role::Admin,
                organisation_id: None,
                locale: Default::default(),
            },
            "bench password, long enough".into(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.public_message()))?;
    let app: Arc<dyn crocevia_profiles::AppApi> = Arc::new(app);
    let services = graphql::Services {
        app: app.clone(),
        matching: None,
        indexed: None,
        keys: keys.clone(),
        skills: Arc::new(crocevia_gateway::skills::SkillCatalog::default()),
        insights: None,
    };
    let schema = graphql::schema(services, graphql::Limits { depth: 10, complexity: 500, introspection: false });
    let (_ready_tx, ready) = tokio::sync::watch::channel(true);
    let state = GatewayState {
        ready,
        profiles,
        app: Some(app),
        search: None,
        matching: None,
        internal: None,
        api: Some(Api {
            schema,
            introspection_schema: None,
            keys: keys.clone(),
            max_batch: 5,
            max_body_bytes: 64 * 1024,
            ws_init_timeout: std::time::Duration::from_secs(10),
            trusted_proxies: Vec::new().into(),
        }),
        insights: None,
        // No web app: the bench measures the API.
        web_dir: dir.path().join("web"),
    };
    let gateway = Gateway::bind("127.0.0.1:0".parse()?, state).await?;
    let base = format!("http://{}", gateway.local_addr()?);
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(gateway.serve(shutdown));
    let token = keys.issue(user.id, user.role, 0)?;

    let input = serde_json::json!({ "kinds": ["offer"], "text": "sviluppatore rust", "facets": ["sector", "comune"], "limit": 20 });
    let query = serde_json::json!({
        "query": "query($i: SearchInput!) { search(input: $i) { total hits { id title snippet score } facets { name values { value count } } } }",
        "variables": { "i": { "kinds": ["OFFER"], "text": "sviluppatore rust", "facets": ["sector", "comune"], "limit": 20 } }
    });
    // Warm both paths, then measure.
    load(format!("{base}/api/v1/search"), None, input.clone()).await?;
    let rest = load(format!("{base}/api/v1/search"), None, input).await?;
    let graphql = load(format!("{base}/graphql"), Some(token), query).await?;
    let _ = stop.send(true);
    server.await??;
    Ok(Figures { graphql, rest, clients: CLIENTS, seconds: SECONDS })
}
