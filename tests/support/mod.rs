//! Runs the real `crocevia` binary as a child process, the way a user or an operator does.

#![allow(dead_code, reason = "each test file uses part of the support")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub mod kafka;
pub mod stack;

/// The crocevia binary the tests drive: Cargo's build of it, or `CROCEVIA_TEST_BIN` (e.g.
/// the release build, for the fault test at full size: `make faults`).
pub fn binary() -> &'static str {
    static BINARY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| std::env::var("CROCEVIA_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_crocevia").into()))
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The demo data's dates as of today: offers and programmes whose deadline is near or past
/// get one two months ahead (and cohorts after it), so tests that apply never depend on the
/// day they run. Other files are returned as they are.
pub fn current(file: &str, mut items: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    let today = chrono::Utc::now().date_naive();
    let soon = (today + chrono::Duration::days(30)).to_string();
    let day = |days: i64| serde_json::Value::String((today + chrono::Duration::days(days)).to_string());
    for item in &mut items {
        match file {
            "offers.json" if item["deadline"].as_str().is_some_and(|d| d < soon.as_str()) => {
                item["deadline"] = day(60);
            }
            "programmes.json" if item["application_deadline"].as_str().is_some_and(|d| d < soon.as_str()) => {
                item["application_deadline"] = day(60);
                item["cohort_start"] = day(75);
                item["cohort_end"] = day(240);
            }
            _ => {}
        }
    }
    items
}

/// A copy of the demo data in `dest` with [`current`] dates, for `--demo-data`.
pub fn current_demo_dir(dest: &Path) -> PathBuf {
    let out = dest.join("demo");
    std::fs::create_dir_all(&out).expect("demo copy folder");
    for entry in std::fs::read_dir(demo_dir()).expect("data/demo") {
        let path = entry.expect("a demo file").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if matches!(name.as_str(), "offers.json" | "programmes.json") {
            let items: Vec<serde_json::Value> =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("demo JSON");
            let text = serde_json::to_string(&current(&name, items)).expect("encode");
            std::fs::write(out.join(&name), text).expect("write");
        } else if path.is_file() {
            std::fs::copy(&path, out.join(&name)).expect("copy");
        }
    }
    out
}

pub fn demo_dir() -> PathBuf {
    repo_root().join("data/demo")
}

/// The environment of one platform instance: its own data folder, database and topics.
#[derive(Debug, Clone)]
pub struct Instance {
    pub env: Vec<(String, String)>,
}

impl Instance {
    pub fn embedded(data_dir: &Path) -> Self {
        Self {
            env: vec![
                ("CROCEVIA__DATA_DIR".into(), data_dir.display().to_string()),
                ("CROCEVIA__TELEMETRY__FILTER".into(), "warn".into()),
                ("CROCEVIA__BUS__PARTITIONS".into(), "3".into()),
                // The status page, not the web app, unless a test asks for the app.
                ("CROCEVIA__GATEWAY__WEB_DIR".into(), data_dir.join("no-web-app").display().to_string()),
            ],
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(binary());
        cmd.args(args).current_dir(repo_root());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Creates the administrator `root@example.org` (see [`ROOT_PASSWORD`]) with the CLI, as
    /// an operator would before the first start.
    pub fn add_root(&self) {
        let (status, out) = self.clone().with("CROCEVIA_NEW_PASSWORD", ROOT_PASSWORD).run(&[
            "add-user",
            "--role",
            "admin",
            "--email",
            ROOT_EMAIL,
            "--display-name",
            "Root",
        ]);
        assert!(status.success(), "add-user: {out}");
    }

    /// Runs a command to the end.
    pub fn run(&self, args: &[&str]) -> (ExitStatus, String) {
        let out = self.command(args).stderr(Stdio::inherit()).output().expect("run crocevia");
        (out.status, String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Starts `crocevia serve ...` on a free port (unless `args` name one) and returns once
    /// it listens.
    pub fn serve(&self, args: &[&str]) -> Server {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        if !args.contains(&"--port") {
            all.extend_from_slice(&["--port", "0"]);
        }
        let mut child =
            self.command(&all).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn crocevia");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    if let Some(rest) = line.split("listening on http://").nth(1) {
                        let addr = rest.trim_end_matches('/').to_owned();
                        return Server { child, base: format!("http://{addr}"), lines: rx };
                    }
                }
                Err(_) => {
                    if let Ok(Some(status)) = child.try_wait() {
                        panic!("crocevia exited before listening: {status}");
                    }
                }
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("crocevia did not start listening");
    }
}

/// The token of the newest `page` link (`verify`, `reset`) e-mailed to `email`, read with
/// `crocevia outbox --json`.
pub fn mailed_token(instance: &Instance, email: &str, page: &str) -> String {
    let (status, out) = instance.run(&["outbox", "--to", email, "--json"]);
    assert!(status.success(), "crocevia outbox: {out}");
    let messages: Vec<serde_json::Value> = serde_json::from_str(&out).expect("outbox JSON");
    messages
        .iter()
        .rev()
        .find_map(|m| crocevia_profiles::mail::link_token(m["body"].as_str().unwrap_or_default(), page))
        .unwrap_or_else(|| panic!("no {page} link to {email} in the outbox: {out}"))
}

#[derive(Debug)]
pub struct Server {
    pub child: Child,
    pub base: String,
    pub lines: std::sync::mpsc::Receiver<String>,
}

pub const ROOT_EMAIL: &str = "root@example.org";
pub const ROOT_PASSWORD: &str = "administrator password";

impl Server {
    pub async fn get(&self, path: &str) -> (u16, String) {
        self.get_as(path, None).await
    }

    /// A GET with a bearer token (REST answers people's data only to who may see it).
    pub async fn get_as(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut request = reqwest::Client::new().get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("http request");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// Signs up over GraphQL and opens the confirmation link e-mailed to `email` (read from
    /// the outbox with `crocevia outbox`, as on a laptop without SMTP); returns the token.
    pub async fn sign_up(&self, instance: &Instance, email: &str, password: &str, name: &str, role: &str) -> String {
        let body = self
            .graphql(
                None,
                "mutation($i: RegisterInput!) { register(input: $i) { email } }",
                serde_json::json!({ "i": { "email": email, "password": password, "displayName": name, "role": role } }),
            )
            .await;
        assert!(body["errors"].is_null(), "register: {body}");
        let token = mailed_token(instance, email, "verify");
        let body = self
            .graphql(
                None,
                "mutation($t: String!) { confirmEmail(token: $t) { token } }",
                serde_json::json!({ "t": token }),
            )
            .await;
        body["data"]["confirmEmail"]["token"].as_str().unwrap_or_else(|| panic!("confirmEmail: {body}")).to_owned()
    }

    /// One GraphQL request; the answer's JSON.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: serde_json::Value) -> serde_json::Value {
        let mut request = reqwest::Client::new()
            .post(format!("{}/graphql", self.base))
            .json(&serde_json::json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("http request").json().await.expect("a JSON answer")
    }

    /// Logs in over GraphQL and returns the token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let body: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/graphql", self.base))
            .json(&serde_json::json!({
                "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                "variables": { "e": email, "p": password },
            }))
            .send()
            .await
            .expect("http request")
            .json()
            .await
            .expect("a JSON answer");
        body["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("login failed: {body}")).to_owned()
    }

    pub async fn wait_ready(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.get("/readyz").await.0 == 200 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("not ready within {limit:?}");
    }

    /// Waits for the process to end by itself (e.g. at a failpoint).
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("process did not exit within {limit:?}");
    }

    /// SIGTERM, then waits for a clean exit.
    pub fn stop(self) -> ExitStatus {
        self.stop_within(Duration::from_secs(30))
    }

    /// SIGTERM, then waits up to `limit` for a clean exit (a consumer finishes its batch first).
    pub fn stop_within(mut self, limit: Duration) -> ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.wait_exit(limit)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A domain record of `kind` (`talent`, `offer`...), as in the demo files, as the GraphQL
/// input a client sends for it.
pub fn input(kind: &str, record: &serde_json::Value) -> serde_json::Value {
    let kind = crocevia_domain::EntityKind::parse(kind).unwrap_or_else(|| panic!("no kind {kind}"));
    crocevia_api::input_of(kind, record.clone()).unwrap_or_else(|e| panic!("{kind} record: {e}"))
}
