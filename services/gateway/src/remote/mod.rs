//! The gateway's network clients of the search and matching processes (distributed mode),
//! and the internal endpoints a matching process serves them. Each client implements the
//! same trait as the in-process service ([`SearchApi`](crocevia_search::SearchApi),
//! [`MatchingApi`](crocevia_matching::MatchingApi)), so resolvers never know which one
//! they call.
//!
//! Plain JSON over HTTP: `/internal/v1/search` and `/internal/v1/matching/*`, with the
//! service credential (see [`endpoints`]). Every call has a timeout; a service that cannot be reached, times out or
//! answers 5xx-unavailable is `UNAVAILABLE` (worth a retry), and an error answer keeps the
//! code and field the other process gave.

mod app;
mod endpoints;
mod matching;
mod search;
pub(crate) mod wire;

pub use app::{MAX_LINE_BYTES, NOTICE_BUFFER, RemoteApp};
pub use endpoints::{ServiceCredential, routes};
pub use matching::RemoteMatching;
pub use search::{RemoteSearch, ShardedSearch};

use anyhow::Context;
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

/// Where a remote service is and how long a call may take.
#[derive(Debug, Clone)]
pub struct RemoteSettings {
    /// The service's base URL, e.g. `http://search:8080`.
    pub base_url: String,
    /// Whole-call limit, connection included.
    pub timeout: Duration,
    /// Presented on every call (`gateway.service_token`); the internal endpoints refuse a
    /// call without it.
    pub credential: Option<Arc<SecretString>>,
}

/// One HTTP client per remote service: connections are pooled and reused.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    http: reqwest::Client,
    base: Url,
    credential: Option<Arc<SecretString>>,
}

/// A failed call, before it becomes the service's own error type.
#[derive(Debug)]
pub(crate) enum Failure {
    BadRequest { field: String, message: String },
    NotFound(String),
    Unavailable(String),
    Other(anyhow::Error),
}

impl Client {
    pub(crate) fn new(settings: &RemoteSettings) -> anyhow::Result<Self> {
        let mut base =
            Url::parse(&settings.base_url).with_context(|| format!("{:?} is not a URL", settings.base_url))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            anyhow::bail!("{:?} must be an http:// or https:// URL with a host", settings.base_url);
        }
        // Joined paths are relative: keep a path prefix (behind a proxy) instead of replacing it.
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(2)))
            .build()
            .context("building the HTTP client")?;
        Ok(Self { http, base, credential: settings.credential.clone() })
    }

    pub(crate) fn base(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> Result<Url, Failure> {
        self.base.join(path.trim_start_matches('/')).map_err(|e| Failure::Other(anyhow::anyhow!("{path}: {e}")))
    }

    /// Adds the service credential, and what ties the call to the request it serves: the
    /// request id and the trace context.
    fn authorized(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(id) = crocevia_kit::telemetry::request::current() {
            request = request.header(crocevia_kit::telemetry::request::HEADER, id);
        }
        for (name, value) in crocevia_kit::telemetry::current_context() {
            request = request.header(name, value);
        }
        match &self.credential {
            Some(credential) => request.bearer_auth(credential.expose_secret()),
            None => request,
        }
    }

    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let url = self.url(path)?;
        answer(self.authorized(self.http.get(url.clone())).send().await, &url).await
    }

    pub(crate) async fn post<B: serde::Serialize + Sync, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Failure> {
        let url = self.url(path)?;
        answer(self.authorized(self.http.post(url.clone())).json(body).send().await, &url).await
    }
}

/// Reads a response: the value on success, else the error the other process reported.
async fn answer<T: DeserializeOwned>(sent: reqwest::Result<reqwest::Response>, url: &Url) -> Result<T, Failure> {
    let response = sent.map_err(|e| transport(&e, url))?;
    let status = response.status();
    if status.is_success() {
        return response.json::<T>().await.map_err(|e| {
            if e.is_timeout() {
                transport(&e, url)
            } else {
                Failure::Other(anyhow::anyhow!("{url} answered {status} with a body that does not decode: {e}"))
            }
        });
    }
    let body: wire::ErrorBody = response.json().await.unwrap_or_default();
    Err(match status {
        StatusCode::BAD_REQUEST => {
            Failure::BadRequest { field: body.field.unwrap_or_else(|| "input".into()), message: body.detail }
        }
        StatusCode::NOT_FOUND => Failure::NotFound(body.detail),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT => {
            Failure::Unavailable(format!("{url} answered {status}: {}", body.detail))
        }
        _ => Failure::Other(anyhow::anyhow!("{url} answered {status} ({}): {}", body.code, body.detail)),
    })
}

/// A call that got no answer: unreachable or too slow is a retryable outage.
fn transport(e: &reqwest::Error, url: &Url) -> Failure {
    if e.is_timeout() || e.is_connect() || e.is_request() {
        Failure::Unavailable(format!("{url}: {e}"))
    } else {
        Failure::Other(anyhow::anyhow!("{url}: {e}"))
    }
}

#[cfg(test)]
mod tests;
