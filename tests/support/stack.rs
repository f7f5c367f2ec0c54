//! The distributed stack for end-to-end tests: `serve profiles|search|matching|insights|
//! gateway` as separate processes, each from its file in `deploy/config/`, on the real
//! Kafka-protocol broker and a fresh PostgreSQL database, with topics and consumer groups of
//! their own. The organisations of the demo data exist; an administrator
//! (root@example.org / "administrator password") can add members.

use super::{Instance, Server, repo_root};
use crocevia_kit::testing;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

pub const ADMIN_EMAIL: &str = "root@example.org";
pub const ADMIN_PASSWORD: &str = "administrator password";
/// The credential the test stack's processes share for their internal endpoints.
pub const SERVICE_TOKEN: &str = "test-stack-service-token-0123456789abcdef";

/// One process of the stack: its deploy/config file, then what makes this run its own.
pub fn process(role: &str, dir: &Path, database: &str, brokers: &str, suffix: &str) -> Instance {
    // CROCEVIA_TEST_LOG=info (a tracing filter) shows what the processes log.
    let filter = std::env::var("CROCEVIA_TEST_LOG").unwrap_or_else(|_| "warn".into());
    Instance::embedded(&dir.join(role))
        .with("CROCEVIA__TELEMETRY__FILTER", &filter)
        .with("CROCEVIA__DATABASE__URL", database)
        .with("CROCEVIA__BUS__KAFKA__BROKERS", brokers)
        .with("CROCEVIA__BUS__TOPIC_SUFFIX", &format!("-{suffix}"))
        .with("CROCEVIA__SEARCH__GROUP", &format!("search-{suffix}"))
        .with("CROCEVIA__MATCHING__GROUP", &format!("matching-{suffix}"))
        .with("CROCEVIA__INSIGHTS__GROUP", &format!("insights-{suffix}"))
        .with("CROCEVIA__GATEWAY__SERVICE_TOKEN", SERVICE_TOKEN)
        // Static membership, as the deploy configs have it: a process restarted after a crash
        // takes its partitions back without a rebalance.
        .with("CROCEVIA__BUS__KAFKA__INSTANCE_ID", role)
}

/// A port free now, for a process that must be known before it starts (another one calls it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn config(role: &str) -> String {
    repo_root().join("deploy/config").join(format!("{role}.toml")).display().to_string()
}

/// A demo file, its deadlines moved ahead when they are near or past (see `current`).
pub fn demo(file: &str) -> Vec<Value> {
    let items =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("data/demo").join(file)).unwrap()).unwrap();
    super::current(file, items)
}

pub async fn gql(gateway: &Server, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", gateway.base))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// Asks until `done` accepts the answer (the processes catch up through the broker).
pub async fn eventually(what: &str, mut ask: impl AsyncFnMut() -> Value, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let answer = ask().await;
        if done(&answer) {
            return answer;
        }
        assert!(Instant::now() < deadline, "{what}: still {answer}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub struct Stack {
    pub dir: tempfile::TempDir,
    pub database: String,
    pub brokers: String,
    pub suffix: String,
    pub profiles: Server,
    pub search: Server,
    pub matching: Server,
    pub insights: Option<Server>,
    pub gateway: Server,
}

impl Stack {
    /// Starts the processes in their order (profiles migrates the database and creates the
    /// topics the others consume; the gateway comes last, pointed at search and matching).
    pub async fn start(database_prefix: &str, with_insights: bool) -> Stack {
        Self::start_with(&testing::require_kafka().await, database_prefix, with_insights, &[]).await
    }

    /// [`Stack::start`] on the broker at `brokers` (a test's own, which it may kill).
    pub async fn start_on(brokers: &str, database_prefix: &str, with_insights: bool) -> Stack {
        Self::start_with(brokers, database_prefix, with_insights, &[]).await
    }

    /// [`Stack::start_on`], with settings (`CROCEVIA__...` variables) for every process. A
    /// `CROCEVIA__GATEWAY__SEARCH_URL` among them replaces the profiles process's (with
    /// `{search}` standing for the stack's own search member).
    pub async fn start_with(
        brokers: &str,
        database_prefix: &str,
        with_insights: bool,
        settings: &[(&str, &str)],
    ) -> Stack {
        let brokers = brokers.to_owned();
        let database = testing::fresh_postgres_database(database_prefix).await;
        let suffix = testing::unique_suffix();
        let dir = tempfile::tempdir().unwrap();
        let at = |role: &str| {
            settings
                .iter()
                .filter(|(k, _)| *k != "CROCEVIA__GATEWAY__SEARCH_URL")
                .fold(process(role, dir.path(), &database, &brokers, &suffix), |p, (k, v)| p.with(k, v))
        };

        // Only the organisations exist at first; everything else comes through GraphQL.
        let seed = dir.path().join("seed");
        std::fs::create_dir_all(&seed).unwrap();
        std::fs::write(seed.join("organisations.json"), serde_json::to_string(&demo("organisations.json")).unwrap())
            .unwrap();
        let (status, out) = at("gateway").with("CROCEVIA_NEW_PASSWORD", ADMIN_PASSWORD).run(&[
            "--config",
            &config("gateway"),
            "add-user",
            "--role",
            "admin",
            "--email",
            ADMIN_EMAIL,
            "--display-name",
            "Root",
        ]);
        assert!(status.success(), "{out}");
        let seed = seed.display().to_string();
        // The profiles process (the application service) calls search and matching, which
        // start after it (it creates the topics they consume): their ports are chosen first.
        let (search_port, matching_port) = (free_port(), free_port());
        let search_url = format!("http://127.0.0.1:{search_port}");
        let search_urls = settings
            .iter()
            .find(|(k, _)| *k == "CROCEVIA__GATEWAY__SEARCH_URL")
            .map_or(search_url.clone(), |(_, v)| v.replace("{search}", &search_url));
        let profiles = at("profiles")
            .with("CROCEVIA__GATEWAY__SEARCH_URL", &search_urls)
            .with("CROCEVIA__GATEWAY__MATCHING_URL", &format!("http://127.0.0.1:{matching_port}"))
            .serve(&["profiles", "--config", &config("profiles"), "--demo-data", &seed]);
        profiles.wait_ready(Duration::from_secs(120)).await;
        let search = at("search").serve(&["search", "--config", &config("search"), "--port", &search_port.to_string()]);
        let matching =
            at("matching").serve(&["matching", "--config", &config("matching"), "--port", &matching_port.to_string()]);
        let insights = with_insights.then(|| at("insights").serve(&["insights", "--config", &config("insights")]));
        for server in [Some(&search), Some(&matching), insights.as_ref()].into_iter().flatten() {
            server.wait_ready(Duration::from_secs(120)).await;
        }
        let gateway = at("gateway")
            .with("CROCEVIA__GATEWAY__PROFILES_URL", &profiles.base)
            .with("CROCEVIA__GATEWAY__MATCHING_URL", &matching.base)
            .serve(&["gateway", "--config", &config("gateway")]);
        gateway.wait_ready(Duration::from_secs(120)).await;
        Stack { dir, database, brokers, suffix, profiles, search, matching, insights, gateway }
    }
}
