//! Typed configuration, loaded in layers: defaults, then an optional TOML file, then
//! environment variables `CROCEVIA__SECTION__KEY` (e.g. `CROCEVIA__HTTP__PORT=9090`).
//! Unknown keys are errors, values are validated before anything starts, and secrets are
//! kept in a type that never prints. This is the only module that reads the environment.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `development` (the default: `make run`, tests) or `production`, where start-up also
    /// refuses what is only safe on a developer's machine (introspection on).
    pub environment: Environment,
    /// Where the embedded mode keeps its SQLite file, bus log and indexes.
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub bus: BusSettings,
    pub http: HttpSettings,
    pub profiles: ProfilesSettings,
    pub search: SearchSection,
    pub matching: MatchingSection,
    pub insights: InsightsSection,
    pub gateway: GatewaySection,
    pub mail: MailSection,
    pub open_data: OpenDataSection,
    /// A folder to load the bilingual skills taxonomy from (every `*.json` file in it, and
    /// its `VERSION`) instead of the reference taxonomy built into the binary
    /// (`data/reference/skills`). Unset, the usual case: every process of a deployment then
    /// has the same taxonomy by construction.
    pub taxonomy_dir: Option<PathBuf>,
    pub telemetry: TelemetrySettings,
    pub testing: TestingSettings,
    /// `crocevia add-user`'s password, from CROCEVIA_NEW_PASSWORD (never a file or a flag).
    #[serde(skip)]
    pub new_password: Option<SecretString>,
}

/// E-mail: sign-up confirmation and password reset links. Sent by the process that owns the
/// database (`serve all`, `serve profiles`).
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailSection {
    /// The SMTP server: `smtp://host:587` (STARTTLS when offered), `smtp://host:587?tls=required`,
    /// `smtps://host:465`, with `user:password@` when it asks. Unset: messages stay in the
    /// outbox of the database and `crocevia outbox` prints them (a laptop's `make run`);
    /// `environment = "production"` refuses to serve without it. Secret: it may hold a password.
    pub smtp_url: Option<SecretString>,
    /// The sender, e.g. `Crocevia <no-reply@crocevia.example.org>`.
    pub from: String,
    /// How often the outbox is read when nothing is waiting, in milliseconds.
    pub poll_ms: u64,
    /// Most messages read and sent per round (and held in memory).
    pub batch: u64,
}

impl Default for MailSection {
    fn default() -> Self {
        Self { smtp_url: None, from: "Crocevia <no-reply@crocevia.localhost>".into(), poll_ms: 1_000, batch: 20 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSection {
    /// Consumer group of the search service; members of one group share the partitions.
    pub group: String,
    /// Most events applied before a commit. Batches close after `max_delay_ms` anyway, so
    /// this only bounds a member that is catching up, where each commit (a segment written
    /// and synced, merges after) costs: 10,000 indexed about half again as fast as 2,000.
    pub batch_max: usize,
    /// Longest wait between the first event of a batch and its commit, in milliseconds:
    /// the bound on how stale search can be.
    pub max_delay_ms: u64,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchingSection {
    pub group: String,
    /// Most events matched in one batch. Batches close after `max_delay_ms` anyway, so this
    /// only bounds a member that is catching up, where a bigger batch recomputes an entity
    /// once for all its versions in it: 5,000 caught up about twice as fast as 1,000.
    pub batch_max: usize,
    /// Longest wait between the first event of a batch and its re-match, in milliseconds.
    pub max_delay_ms: u64,
}

/// Who publishes the open data, as the DCAT-AP_IT catalogue and the CKAN API state it. The
/// defaults name the Città metropolitana di Torino (IPA code `cmto`), for which the platform
/// is run; a deployment for another body sets its own.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenDataSection {
    /// The publisher and rights holder's name.
    pub publisher_name: String,
    /// Its code in the IPA (Indice delle Pubbliche Amministrazioni), `dct:identifier` of the
    /// agent and the prefix of every dataset identifier.
    pub publisher_id: String,
    /// Whom harvesters and users write to about the data.
    pub contact_name: String,
    pub contact_email: String,
    /// When the catalogue was first published (`dct:issued`), as YYYY-MM-DD.
    pub issued: chrono::NaiveDate,
}

impl Default for OpenDataSection {
    fn default() -> Self {
        Self {
            publisher_name: "Città metropolitana di Torino".into(),
            publisher_id: "cmto".into(),
            contact_name: "Crocevia – dati aperti".into(),
            contact_email: "opendata@crocevia.localhost".into(),
            issued: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
        }
    }
}

/// The open-data consumer (`serve insights`, or `serve all`).
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsightsSection {
    pub group: String,
    pub batch_max: usize,
    /// Longest wait between the first event of a batch and its store, in milliseconds: the
    /// bound on how stale the open data can be.
    pub max_delay_ms: u64,
}

impl Default for InsightsSection {
    fn default() -> Self {
        Self { group: "insights".into(), batch_max: 2000, max_delay_ms: 500 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewaySection {
    /// HMAC key for tokens, at least 32 bytes. Unset in the embedded mode: a key is generated
    /// on first run and kept in `data_dir/jwt.key`.
    pub jwt_secret: Option<SecretString>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub token_ttl_minutes: i64,
    /// Reverse proxies (address ranges, e.g. the ingress controller's pod network) whose
    /// `X-Forwarded-For` names the client; the login throttle counts per client address, so
    /// behind a proxy it needs this. Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<crate::net::Cidr>,
    /// GraphQL introspection (and so GraphiQL's schema explorer). Unset: on in development,
    /// off in production, where turning it on is refused.
    pub introspection: Option<bool>,
    pub max_depth: usize,
    pub max_complexity: usize,
    /// Most operations in one batched request.
    pub max_batch: usize,
    pub max_body_bytes: usize,
    /// The web app's build (`index.html`, wasm, assets); relative paths are relative to the
    /// working directory. Without `index.html` in it, `/` shows the status page.
    pub web_dir: PathBuf,
    /// Distributed mode: the base URL of a search process (`http://search:8080`), which a
    /// gateway that does not run search itself (`serve gateway`) calls; with several members
    /// in the search group, each member's URL separated by commas (each member indexes its
    /// share of the partitions, and the gateway asks them all and merges). Ignored by a
    /// process that runs search.
    pub search_url: Option<String>,
    /// The same for matching (`http://matching:8080`).
    pub matching_url: Option<String>,
    /// Distributed mode: the base URL of the profiles process (`http://profiles:8080`), which
    /// runs the application service (every command and query about people); a `serve
    /// gateway` process calls it for every request and follows its change notices. Search
    /// and matching URLs are then the profiles process's to know.
    pub profiles_url: Option<String>,
    /// Longest wait for one call to a remote search or matching process, in milliseconds;
    /// past it the request fails with UNAVAILABLE.
    pub remote_timeout_ms: u64,
    /// Distributed mode: the credential a caller presents to the internal endpoints of the
    /// profiles, search and matching processes (`/internal/v1/*`), and that those processes require;
    /// at least 32 bytes, the same in every process. Without it the internal endpoints
    /// refuse every call. Unused in the embedded mode, which serves no internal endpoint.
    pub service_token: Option<SecretString>,
    /// How long a new WebSocket may take to send `connection_init`, in milliseconds; past it
    /// the socket is closed with 4408.
    pub ws_init_timeout_ms: u64,
}

impl Default for GatewaySection {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwt_issuer: "crocevia".into(),
            jwt_audience: "crocevia-api".into(),
            token_ttl_minutes: 60,
            introspection: None,
            trusted_proxies: Vec::new(),
            max_depth: 10,
            max_complexity: 500,
            max_batch: 5,
            max_body_bytes: 64 * 1024,
            web_dir: PathBuf::from("target/web"),
            search_url: None,
            matching_url: None,
            profiles_url: None,
            remote_timeout_ms: 5_000,
            service_token: None,
            ws_init_timeout_ms: 10_000,
        }
    }
}

impl Default for MatchingSection {
    fn default() -> Self {
        Self { group: "matching".into(), batch_max: 5000, max_delay_ms: 200 }
    }
}

impl Default for SearchSection {
    fn default() -> Self {
        Self { group: "search".into(), batch_max: 10_000, max_delay_ms: 200 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path?mode=rwc` or `postgres://user:password@host/db`; defaults to a SQLite
    /// file in `data_dir`. Secret because it may hold a password.
    pub url: Option<SecretString>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusKind {
    InProcess,
    Kafka,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BusSettings {
    pub kind: BusKind,
    /// Partitions of every topic created at start-up (Kafka cannot add them later here).
    pub partitions: i32,
    /// In-process bus: fsync each published batch (survives power loss, not only a crash).
    pub fsync: bool,
    /// Appended to every topic name, so that tests and tenants can share one broker.
    pub topic_suffix: String,
    pub kafka: KafkaSection,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KafkaSection {
    pub brokers: String,
    pub replication_factor: i32,
    /// Extra librdkafka properties, e.g. `security.protocol`.
    pub extra: std::collections::BTreeMap<String, String>,
    /// This process's stable name in its consumer groups (Kafka static membership,
    /// `group.instance.id`), e.g. the pod name `search-0`. A member restarted under the same
    /// name takes its partitions back at once, without a rebalance; it must be unique within
    /// each group. Unset or empty: dynamic membership.
    pub instance_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    pub host: IpAddr,
    /// 0 picks a free port (tests).
    pub port: u16,
    /// The platform's address as people and harvesters reach it (behind any proxy), e.g.
    /// `https://crocevia.example.org`: the links e-mails carry and the absolute download
    /// URLs of the open-data catalogue.
    pub public_url: String,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfilesSettings {
    /// Most outbox rows the relay publishes in one batch.
    pub relay_batch_size: u64,
    /// How often the relay looks for rows when no write woke it, in milliseconds.
    pub relay_interval_ms: u64,
    /// A data folder to import on first start (the Torino demo data for `make run`).
    pub import_on_first_start: Option<PathBuf>,
    /// How long decision records (rankings shown, decisions made) are kept, in days: at
    /// least six months (EU AI Act Art. 26(6)); past it they are deleted within the hour.
    pub decision_retention_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    #[default]
    Development,
    Production,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetrySettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive such as `info,crocevia_profiles=debug` (spans too).
    pub filter: String,
    /// An OpenTelemetry collector's OTLP/HTTP base URL, e.g. `http://otel-collector:4318`:
    /// traces are exported to `<url>/v1/traces` (JSON) and the W3C trace context travels
    /// with requests and events. Unset (the default): no traces.
    pub otlp_endpoint: Option<String>,
}

/// Fault injection for the crash tests; never set in production.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TestingSettings {
    /// `relay_abort_before_publish` or `relay_abort_after_publish`: abort the process at that
    /// point of the outbox relay, as a `kill -9` would.
    pub failpoint: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            environment: Environment::Development,
            data_dir: PathBuf::from("data/run"),
            database: DatabaseSettings::default(),
            bus: BusSettings::default(),
            http: HttpSettings::default(),
            profiles: ProfilesSettings::default(),
            search: SearchSection::default(),
            matching: MatchingSection::default(),
            insights: InsightsSection::default(),
            gateway: GatewaySection::default(),
            mail: MailSection::default(),
            open_data: OpenDataSection::default(),
            taxonomy_dir: None,
            telemetry: TelemetrySettings::default(),
            testing: TestingSettings::default(),
            new_password: None,
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: None, max_connections: 8 }
    }
}

impl Default for BusSettings {
    fn default() -> Self {
        Self {
            kind: BusKind::InProcess,
            partitions: 6,
            fsync: true,
            topic_suffix: String::new(),
            kafka: KafkaSection::default(),
        }
    }
}

impl Default for KafkaSection {
    fn default() -> Self {
        Self { brokers: "127.0.0.1:9092".into(), replication_factor: 1, extra: Default::default(), instance_id: None }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self { host: IpAddr::V4(Ipv4Addr::LOCALHOST), port: 8080, public_url: "http://127.0.0.1:8080".into() }
    }
}

impl Default for ProfilesSettings {
    fn default() -> Self {
        Self {
            relay_batch_size: 500,
            relay_interval_ms: 250,
            import_on_first_start: None,
            decision_retention_days: 730,
        }
    }
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self { format: LogFormat::Pretty, filter: "info".into(), otlp_endpoint: None }
    }
}

pub const ENV_PREFIX: &str = "CROCEVIA__";

impl Settings {
    /// Defaults, then `file` if given, then the environment; validated.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::new();
        if let Some(file) = file {
            if !file.exists() {
                bail!("config file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        }
        figment = figment.merge(Env::prefixed(ENV_PREFIX).split("__"));
        let mut settings: Settings = figment.extract().context("invalid configuration")?;
        settings.new_password = std::env::var("CROCEVIA_NEW_PASSWORD").ok().map(SecretString::from);
        settings.validate()?;
        Ok(settings)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if let Some(url) = &self.telemetry.otlp_endpoint {
            validate_service_url("telemetry.otlp_endpoint", url)?;
        }
        if !(1..=1024).contains(&self.bus.partitions) {
            bail!("bus.partitions must be between 1 and 1024, not {}", self.bus.partitions);
        }
        if !(1..=10_000).contains(&self.profiles.relay_batch_size) {
            bail!("profiles.relay_batch_size must be between 1 and 10000");
        }
        if self.profiles.decision_retention_days < 183 {
            bail!("profiles.decision_retention_days must be at least 183 (six months: EU AI Act Art. 26(6))");
        }
        if self.profiles.relay_interval_ms == 0 {
            bail!("profiles.relay_interval_ms must be positive");
        }
        if !(1..=100_000).contains(&self.search.batch_max) {
            bail!("search.batch_max must be between 1 and 100000");
        }
        if !(1..=60_000).contains(&self.search.max_delay_ms) {
            bail!("search.max_delay_ms must be between 1 and 60000");
        }
        if !(1..=100_000).contains(&self.insights.batch_max) || !(1..=60_000).contains(&self.insights.max_delay_ms) {
            bail!("insights.batch_max must be 1..=100000 and insights.max_delay_ms 1..=60000");
        }
        if !(1..=100_000).contains(&self.matching.batch_max) || !(1..=60_000).contains(&self.matching.max_delay_ms) {
            bail!("matching.batch_max must be 1..=100000 and matching.max_delay_ms 1..=60000");
        }
        if let Some(token) = &self.gateway.service_token
            && token.expose_secret().len() < 32
        {
            bail!("gateway.service_token must be at least 32 bytes");
        }
        if !(1..=24 * 60).contains(&self.gateway.token_ttl_minutes) {
            bail!("gateway.token_ttl_minutes must be between 1 and 1440");
        }
        if self.gateway.max_depth == 0
            || self.gateway.max_complexity == 0
            || self.gateway.max_batch == 0
            || self.gateway.max_body_bytes < 1024
        {
            bail!("gateway limits must be positive (max_body_bytes at least 1024)");
        }
        if self.gateway.web_dir.as_os_str().is_empty() {
            bail!("gateway.web_dir must name a folder");
        }
        for (key, url) in [
            ("gateway.search_url", &self.gateway.search_url),
            ("gateway.matching_url", &self.gateway.matching_url),
            ("gateway.profiles_url", &self.gateway.profiles_url),
        ] {
            for url in url.iter().flat_map(|urls| urls.split(',')) {
                validate_service_url(key, url.trim())?;
            }
        }
        if !(100..=600_000).contains(&self.gateway.ws_init_timeout_ms) {
            bail!("gateway.ws_init_timeout_ms must be between 100 and 600000");
        }
        if !(1..=600_000).contains(&self.gateway.remote_timeout_ms) {
            bail!("gateway.remote_timeout_ms must be between 1 and 600000");
        }
        for (key, secret) in
            [("gateway.jwt_secret", &self.gateway.jwt_secret), ("gateway.service_token", &self.gateway.service_token)]
        {
            let Some(secret) = secret else { continue };
            let secret = secret.expose_secret();
            if secret.len() < 32 {
                bail!("{key} must be at least 32 bytes");
            }
            if looks_public(secret) {
                bail!(
                    "{key} is a placeholder, and placeholders are public (anyone could forge tokens or \
                     internal calls with it): set a random value of at least 32 bytes, e.g. `openssl rand -hex 32`"
                );
            }
        }
        if self.environment == Environment::Production && self.gateway.introspection == Some(true) {
            bail!(
                "gateway.introspection cannot be on when environment = \"production\": the schema \
                 explorer is for development (the schema is published in services/gateway/schema.graphql)"
            );
        }
        if let Some(url) = &self.mail.smtp_url {
            let url = url.expose_secret();
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                bail!("mail.smtp_url must start with smtp:// or smtps://");
            }
        }
        validate_service_url("http.public_url", &self.http.public_url)?;
        let od = &self.open_data;
        if od.publisher_name.trim().is_empty() || od.contact_name.trim().is_empty() {
            bail!("open_data.publisher_name and open_data.contact_name must not be empty");
        }
        if od.publisher_id.is_empty() || !od.publisher_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("open_data.publisher_id must be an IPA code (letters, digits, _), not {:?}", od.publisher_id);
        }
        if !od.contact_email.contains('@') || od.contact_email.chars().any(char::is_whitespace) {
            bail!("open_data.contact_email must be an e-mail address, not {:?}", od.contact_email);
        }
        if !(100..=600_000).contains(&self.mail.poll_ms) || !(1..=1000).contains(&self.mail.batch) {
            bail!("mail.poll_ms must be 100..=600000 and mail.batch 1..=1000");
        }
        if !(1..=1000).contains(&self.database.max_connections) {
            bail!("database.max_connections must be between 1 and 1000");
        }
        if let Some(url) = &self.database.url {
            let url = url.expose_secret();
            if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                bail!("database.url must start with sqlite: or postgres://");
            }
        }
        if let Some(point) = &self.testing.failpoint
            && !FAILPOINTS.contains(&point.as_str())
        {
            bail!("testing.failpoint must be one of {FAILPOINTS:?}");
        }
        Ok(())
    }

    /// Whether GraphQL introspection is on (see [`GatewaySection::introspection`]).
    pub fn introspection(&self) -> bool {
        self.gateway.introspection.unwrap_or(self.environment == Environment::Development)
    }

    /// The database URL, defaulting to `crocevia.db` in the data folder.
    pub fn database_url(&self) -> SecretString {
        match &self.database.url {
            Some(url) => url.clone(),
            None => SecretString::from(format!("sqlite://{}?mode=rwc", self.data_dir.join("crocevia.db").display())),
        }
    }

    pub fn http_addr(&self) -> SocketAddr {
        SocketAddr::new(self.http.host, self.http.port)
    }

    /// A topic's name as configured (with the suffix).
    pub fn topic(&self, base: &str) -> String {
        format!("{base}{}", self.bus.topic_suffix)
    }
}

/// A service's base URL: `http(s)://host[:port][/prefix]`, nothing after the path.
/// Whether a secret is one that is, or looks like, a published placeholder: the words people
/// write where a value is still to be chosen, or one character repeated. (A real secret of 32
/// random bytes never reads so.)
pub fn looks_public(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    const WORDS: [&str; 8] =
        ["change-me", "changeme", "change_me", "placeholder", "replace-me", "replaceme", "example", "your-secret"];
    let repeated = secret.chars().all(|c| secret.starts_with(c));
    WORDS.iter().any(|w| lower.contains(w)) || repeated
}

fn validate_service_url(key: &str, url: &str) -> anyhow::Result<()> {
    let Some(rest) = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")) else {
        bail!("{key} must start with http:// or https://, not {url:?}");
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') || rest.contains(['?', '#', ' ']) {
        bail!("{key} must be a base URL such as http://host:8080, not {url:?}");
    }
    Ok(())
}

pub const FAILPOINTS: [&str; 2] = ["relay_abort_before_publish", "relay_abort_after_publish"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_secrets_are_refused() {
        for placeholder in [
            "change-me-to-32-or-more-random-bytes-please",
            "compose-only-secret-change-me-0123456789",
            "REPLACE-ME-REPLACE-ME-REPLACE-ME-REPLACE-ME",
            &"x".repeat(40),
        ] {
            let mut s = Settings::default();
            s.gateway.jwt_secret = Some(SecretString::from(placeholder.to_owned()));
            let e = s.validate().unwrap_err().to_string();
            assert!(e.contains("gateway.jwt_secret") && e.contains("placeholder"), "{placeholder}: {e}");
            let mut s = Settings::default();
            s.gateway.service_token = Some(SecretString::from(placeholder.to_owned()));
            assert!(s.validate().unwrap_err().to_string().contains("gateway.service_token"), "{placeholder}");
        }
        let mut s = Settings::default();
        s.gateway.jwt_secret =
            Some(SecretString::from("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
        s.validate().unwrap();
        s.gateway.jwt_secret = Some(SecretString::from("too short"));
        assert!(s.validate().unwrap_err().to_string().contains("at least 32 bytes"));
    }

    #[test]
    fn production_refuses_introspection() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "environment = \"production\"\n[gateway]\nintrospection = true\n").unwrap();
        let err = format!("{:#}", Settings::load(Some(&file)).unwrap_err());
        assert!(err.contains("gateway.introspection") && err.contains("production"), "{err}");
        std::fs::write(&file, "environment = \"production\"\n").unwrap();
        assert!(!Settings::load(Some(&file)).unwrap().introspection(), "off by default in production");
        assert!(Settings::default().introspection(), "on by default in development");
        std::fs::write(&file, "environment = \"staging\"\n").unwrap();
        assert!(format!("{:#}", Settings::load(Some(&file)).unwrap_err()).contains("environment"));
    }

    #[test]
    fn bad_open_data_and_public_url_settings_name_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        for (toml, key) in [
            ("[http]\npublic_url = \"crocevia.example.org\"\n", "http.public_url"),
            ("[open_data]\npublisher_id = \"c m to\"\n", "open_data.publisher_id"),
            ("[open_data]\ncontact_email = \"nobody\"\n", "open_data.contact_email"),
            ("[open_data]\npublisher_name = \" \"\n", "open_data.publisher_name"),
            ("[open_data]\nissued = \"yesterday\"\n", "issued"),
        ] {
            std::fs::write(&file, toml).unwrap();
            let err = format!("{:#}", Settings::load(Some(&file)).unwrap_err());
            assert!(err.contains(key), "{toml}: {err}");
        }
        std::fs::write(&file, "[open_data]\npublisher_id = \"c_l219\"\nissued = \"2027-01-15\"\n").unwrap();
        let s = Settings::load(Some(&file)).unwrap();
        assert_eq!(
            (s.open_data.publisher_id.as_str(), s.open_data.issued.to_string().as_str()),
            ("c_l219", "2027-01-15")
        );
    }

    #[test]
    fn defaults_are_valid_and_embedded() {
        let s = Settings::default();
        s.validate().unwrap();
        assert_eq!(s.bus.kind, BusKind::InProcess);
        assert!(s.database_url().expose_secret().starts_with("sqlite://data/run/crocevia.db"));
        assert_eq!(s.http_addr().to_string(), "127.0.0.1:8080");
        assert_eq!(s.gateway.web_dir, PathBuf::from("target/web"));
    }

    #[test]
    fn a_file_layer_overrides_and_unknown_keys_fail() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[http]\nport = 9999\n[bus]\nkind = \"kafka\"\n").unwrap();
        let s = Settings::load(Some(&file)).unwrap();
        assert_eq!(s.http.port, 9999);
        assert_eq!(s.bus.kind, BusKind::Kafka);

        std::fs::write(&file, "[http]\nprot = 9999\n").unwrap();
        let err = format!("{:#}", Settings::load(Some(&file)).unwrap_err());
        assert!(err.contains("prot"), "{err}");

        std::fs::write(&file, "[gateway]\nweb_dir = \"dist/web\"\n").unwrap();
        assert_eq!(Settings::load(Some(&file)).unwrap().gateway.web_dir, PathBuf::from("dist/web"));
        std::fs::write(&file, "[gateway]\nweb_dir = \"\"\n").unwrap();
        assert!(format!("{:#}", Settings::load(Some(&file)).unwrap_err()).contains("gateway.web_dir"));
        std::fs::write(&file, "[gateway]\nweb_folder = \"dist\"\n").unwrap();
        assert!(format!("{:#}", Settings::load(Some(&file)).unwrap_err()).contains("web_folder"));

        std::fs::write(&file, "[bus]\npartitions = 0\n").unwrap();
        assert!(Settings::load(Some(&file)).unwrap_err().to_string().contains("bus.partitions"));

        std::fs::write(&file, "[profiles]\ndecision_retention_days = 30\n").unwrap();
        let err = Settings::load(Some(&file)).unwrap_err().to_string();
        assert!(err.contains("profiles.decision_retention_days"), "{err}");
        std::fs::write(&file, "[profiles]\ndecision_retention_days = 365\n").unwrap();
        assert_eq!(Settings::load(Some(&file)).unwrap().profiles.decision_retention_days, 365);
    }

    #[test]
    fn service_urls_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "[gateway]\nsearch_url = \"http://search:8080\"\nmatching_url = \"https://m.example.org/crocevia\"\n",
        )
        .unwrap();
        let s = Settings::load(Some(&file)).unwrap();
        assert_eq!(s.gateway.search_url.as_deref(), Some("http://search:8080"));
        assert_eq!(s.gateway.remote_timeout_ms, 5_000);
        std::fs::write(&file, "[gateway]\nsearch_url = \"http://search-0:8080, http://search-1:8080\"\n").unwrap();
        Settings::load(Some(&file)).unwrap();
        for bad in ["search:8080", "http://", "http://:8080", "http://h/?q=1", "ftp://h", "http://a:1,"] {
            std::fs::write(&file, format!("[gateway]\nsearch_url = \"{bad}\"\n")).unwrap();
            let err = format!("{:#}", Settings::load(Some(&file)).unwrap_err());
            assert!(err.contains("gateway.search_url"), "{bad}: {err}");
        }
        std::fs::write(&file, "[gateway]\nremote_timeout_ms = 0\n").unwrap();
        assert!(format!("{:#}", Settings::load(Some(&file)).unwrap_err()).contains("remote_timeout_ms"));
    }

    #[test]
    fn secrets_do_not_print() {
        let mut s = Settings::default();
        s.database.url = Some(SecretString::from("postgres://u:hunter2@localhost/db"));
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
