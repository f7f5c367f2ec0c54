//! Which services a process calls: the service in this process when it runs one, else (the
//! distributed mode) an HTTP client of the process at `gateway.search_url` /
//! `gateway.matching_url` (for search, several URLs separated by commas: the members of the
//! search group, asked together), called by the profiles process's application service, and
//! `gateway.profiles_url`, the application service a `serve gateway` process calls.

use crate::cli::Role;
use crocevia_gateway::live::LiveFeed;
use crocevia_gateway::remote::{RemoteApp, RemoteMatching, RemoteSearch, RemoteSettings, ShardedSearch};
use crocevia_kit::config::Settings;
use crocevia_matching::{MatchingApi, MatchingService};
use crocevia_profiles::AppApi;
use crocevia_search::{SearchApi, SearchService};
use std::sync::Arc;
use std::time::Duration;

fn remote(
    settings: &Settings,
    callers: &[Role],
    role: Role,
    url: Option<&String>,
    service: &str,
) -> Option<RemoteSettings> {
    // Only the application service calls search and matching, and only the gateway calls
    // the application service.
    if !callers.contains(&role) {
        return None;
    }
    let Some(url) = url else {
        tracing::warn!(
            service,
            "no {service} URL configured (gateway.{service}_url): {service} queries answer UNAVAILABLE"
        );
        return None;
    };
    tracing::info!(service, url = %url, timeout_ms = settings.gateway.remote_timeout_ms, "calling a remote service");
    if settings.gateway.service_token.is_none() {
        tracing::error!(service, "gateway.service_token is not set: the {service} process will refuse every call");
    }
    Some(RemoteSettings {
        base_url: url.clone(),
        timeout: Duration::from_millis(settings.gateway.remote_timeout_ms),
        credential: settings.gateway.service_token.clone().map(Arc::new),
    })
}

pub fn search_api(
    settings: &Settings,
    role: Role,
    local: Option<SearchService>,
) -> anyhow::Result<Option<Arc<dyn SearchApi>>> {
    if let Some(local) = local {
        return Ok(Some(Arc::new(local)));
    }
    let Some(remote) = remote(settings, &[Role::Profiles], role, settings.gateway.search_url.as_ref(), "search") else {
        return Ok(None);
    };
    // Several URLs: the members of the search group, each holding part of the index.
    let members: Vec<RemoteSettings> = remote
        .base_url
        .split(',')
        .map(|url| RemoteSettings {
            base_url: url.trim().to_owned(),
            timeout: remote.timeout,
            credential: remote.credential.clone(),
        })
        .collect();
    if members.len() > 1 {
        return Ok(Some(Arc::new(ShardedSearch::new(&members)?)));
    }
    Ok(Some(Arc::new(RemoteSearch::new(&remote)?)))
}

pub fn matching_api(
    settings: &Settings,
    role: Role,
    local: Option<MatchingService>,
    live: Option<&LiveFeed>,
) -> anyhow::Result<Option<Arc<dyn MatchingApi>>> {
    if let Some(local) = local {
        return Ok(Some(Arc::new(local)));
    }
    // The gateway keeps a matching client for `myMatchesChanged`, whose list changes come
    // from the matches topic when it follows the topics.
    match remote(settings, &[Role::Profiles, Role::Gateway], role, settings.gateway.matching_url.as_ref(), "matching") {
        Some(remote) => Ok(Some(Arc::new(RemoteMatching::following(&remote, live.map(|l| l.lists.clone()))?))),
        None => Ok(None),
    }
}

/// The application service a `serve gateway` process calls: the profiles process at
/// `gateway.profiles_url`. Required: without it the gateway could answer nothing. Its change
/// notices come from the profiles topic when the gateway follows the topics (`live`), else
/// from the profiles process's notice stream.
pub fn app_api(settings: &Settings, live: Option<&LiveFeed>) -> anyhow::Result<Arc<dyn AppApi>> {
    let Some(remote) =
        remote(settings, &[Role::Gateway], Role::Gateway, settings.gateway.profiles_url.as_ref(), "profiles")
    else {
        anyhow::bail!(
            "gateway.profiles_url is not set: a `serve gateway` process calls the profiles process's application service"
        );
    };
    Ok(Arc::new(RemoteApp::following(&remote, live.map(|l| l.notices.clone()))?))
}
