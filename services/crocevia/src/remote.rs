//! Which search and matching a process's gateway calls: the service in this process when it
//! runs one, else (a `serve gateway` process in the distributed mode) an HTTP client of the
//! process at `gateway.search_url` / `gateway.matching_url` (for search, several URLs separated
//! by commas: the members of the search group, asked together).

use crate::cli::Role;
use crocevia_gateway::remote::{RemoteMatching, RemoteSearch, RemoteSettings, ShardedSearch};
use crocevia_kit::config::Settings;
use crocevia_matching::{MatchingApi, MatchingService};
use crocevia_search::{SearchApi, SearchService};
use std::sync::Arc;
use std::time::Duration;

fn remote(settings: &Settings, role: Role, url: Option<&String>, service: &str) -> Option<RemoteSettings> {
    // Only the gateway calls out; a search or profiles process has no use for the other one.
    if role != Role::Gateway {
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
    let Some(remote) = remote(settings, role, settings.gateway.search_url.as_ref(), "search") else {
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
) -> anyhow::Result<Option<Arc<dyn MatchingApi>>> {
    if let Some(local) = local {
        return Ok(Some(Arc::new(local)));
    }
    match remote(settings, role, settings.gateway.matching_url.as_ref(), "matching") {
        Some(remote) => Ok(Some(Arc::new(RemoteMatching::new(&remote)?))),
        None => Ok(None),
    }
}
