//! E-mail through a real SMTP server: `tests/support/smtp_sink.py` (aiosmtpd) listens on a
//! free port and writes each message it accepts, decoded, as JSON. The embedded platform sends
//! the sign-up confirmation and the password reset there, as plain text in the recipient's
//! language, with links that work; a message queued while the server is down is sent once it
//! is back, and nothing is lost.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{Instance, repo_root};

const PUBLIC: &str = "https://crocevia.test";

struct SmtpSink {
    child: Child,
    out: PathBuf,
}

/// A Python that has aiosmtpd: the one on the PATH (`make test-tools` installs it there) or
/// Debian's (`python3-aiosmtpd`), which a pyenv on the PATH may hide.
fn python() -> &'static str {
    ["python3", "/usr/bin/python3"]
        .into_iter()
        .find(|p| {
            Command::new(p).args(["-c", "import aiosmtpd"]).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
        })
        .expect("no python3 with aiosmtpd: `make test-tools` or apt-get install python3-aiosmtpd")
}

impl SmtpSink {
    fn start(port: u16, out: &Path) -> SmtpSink {
        let mut child = Command::new(python())
            .arg(repo_root().join("tests/support/smtp_sink.py"))
            .arg(port.to_string())
            .arg(out)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 (with aiosmtpd: apt-get install python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start (is python3-aiosmtpd installed?)");
        SmtpSink { child, out: out.to_owned() }
    }

    fn stop(mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        self.child.wait().unwrap();
    }

    fn messages(&self) -> Vec<Value> {
        let Ok(entries) = std::fs::read_dir(&self.out) else { return Vec::new() };
        entries
            .filter_map(Result::ok)
            .filter(|e| {
                e.file_name().to_string_lossy().ends_with(".json") && !e.file_name().to_string_lossy().starts_with('.')
            })
            .map(|e| serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap())
            .collect()
    }

    /// The first message to `to` whose subject starts with `subject`, within 20 s.
    async fn wait_for(&self, to: &str, subject: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(m) = self
                .messages()
                .into_iter()
                .find(|m| m["to"][0] == to && m["subject"].as_str().is_some_and(|s| s.starts_with(subject)))
            {
                return m;
            }
            assert!(Instant::now() < deadline, "no message {subject:?} to {to}: {:?}", self.messages());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn token_of(message: &Value, page: &str) -> String {
    let text = message["text"].as_str().unwrap();
    assert!(text.contains(&format!("{PUBLIC}/#/{page}/")), "{text}");
    crocevia_profiles::mail::link_token(text, page).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_and_reset_mails_arrive_in_the_readers_language_and_survive_a_server_outage() {
    let dir = tempfile::tempdir().unwrap();
    let port = support::stack::free_port();
    let sink = SmtpSink::start(port, &dir.path().join("mail"));
    let instance = Instance::embedded(&dir.path().join("data"))
        .with("CROCEVIA__MAIL__SMTP_URL", &format!("smtp://127.0.0.1:{port}"))
        .with("CROCEVIA__HTTP__PUBLIC_URL", PUBLIC)
        .with("CROCEVIA__MAIL__FROM", "Crocevia <no-reply@crocevia.test>")
        .with("CROCEVIA__MAIL__POLL_MS", "200");
    let server = instance.serve(&["all"]);
    server.wait_ready(Duration::from_secs(120)).await;

    // Priya signs up in Italian: the confirmation comes in Italian, as plain text.
    let register = "mutation($i: RegisterInput!) { register(input: $i) { email } }";
    let body = server
        .graphql(
            None,
            register,
            json!({ "i": { "email": "priya@example.org", "password": "a long enough password", "displayName": "Priya", "role": "TALENT", "locale": "IT" } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let confirm = sink.wait_for("priya@example.org", "Conferma").await;
    assert_eq!(confirm["content_type"], "text/plain", "{confirm}");
    assert_eq!(confirm["from"], "no-reply@crocevia.test");
    assert!(confirm["text"].as_str().unwrap().contains("Ciao Priya"), "{confirm}");
    let session = server
        .graphql(
            None,
            "mutation($t: String!) { confirmEmail(token: $t) { token } }",
            json!({ "t": token_of(&confirm, "verify") }),
        )
        .await;
    let session = session["data"]["confirmEmail"]["token"].as_str().unwrap_or_else(|| panic!("{session}")).to_owned();
    let me = server.graphql(Some(&session), "{ me { email } }", json!({})).await;
    assert_eq!(me["data"]["me"]["email"], "priya@example.org");
    // A sent message leaves the outbox: the link it carried is nowhere on this machine.
    let (_, out) = instance.run(&["outbox", "--json"]);
    assert_eq!(serde_json::from_str::<Vec<Value>>(&out).unwrap(), Vec::<Value>::new(), "{out}");

    // An English speaker who signs up with her address tells her nothing new and gets nothing;
    // Priya hears of it, in Italian.
    server
        .graphql(
            None,
            register,
            json!({ "i": { "email": "priya@example.org", "password": "another long password", "displayName": "Eve", "role": "TALENT", "locale": "EN" } }),
        )
        .await;
    let note = sink.wait_for("priya@example.org", "Hai già").await;
    assert!(!note["text"].as_str().unwrap().contains("Eve"), "{note}");

    // The SMTP server goes down: a reset request is still answered, and its message waits.
    sink.stop();
    let asked =
        server.graphql(None, "mutation { requestPasswordReset(email: \"priya@example.org\") }", json!({})).await;
    assert_eq!(asked["data"]["requestPasswordReset"], true, "{asked}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, out) = instance.run(&["outbox", "--json"]);
        let waiting: Vec<Value> = serde_json::from_str(&out).unwrap();
        if waiting.iter().any(|m| m["kind"] == "password_reset" && m["last_error"].is_string()) {
            break;
        }
        assert!(Instant::now() < deadline, "the failed delivery was not recorded: {out}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Back up: the message goes out at the next try (10 s after the first failure).
    let sink = SmtpSink::start(port, &dir.path().join("mail"));
    let reset = sink.wait_for("priya@example.org", "Reimposta").await;
    let done = server
        .graphql(
            None,
            "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { token } }",
            json!({ "t": token_of(&reset, "reset"), "p": "a completely new passphrase" }),
        )
        .await;
    assert!(done["data"]["resetPassword"]["token"].is_string(), "{done}");
    let old = server.graphql(Some(&session), "{ me { email } }", json!({})).await;
    assert_eq!(old["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "the reset ends earlier sessions: {old}");
    server.login("priya@example.org", "a completely new passphrase").await;
    assert!(server.stop().success());
    sink.stop();
}
