//! [`SearchApi`] over HTTP: a search process's `/api/v1/search`.

use super::{Client, Failure, RemoteSettings, wire};
use async_trait::async_trait;
use crocevia_search::{SearchApi, SearchError, SearchRequest, SearchResults};

#[derive(Debug, Clone)]
pub struct RemoteSearch {
    client: Client,
}

impl RemoteSearch {
    pub fn new(settings: &RemoteSettings) -> anyhow::Result<Self> {
        Ok(Self { client: Client::new(settings)? })
    }
}

impl From<Failure> for SearchError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::BadRequest { field, message } => Self::BadRequest { field, message },
            Failure::Unavailable(reason) => Self::Unavailable(reason),
            // Search has no "not found": a 404 means the URL does not lead to a search process.
            Failure::NotFound(message) => Self::Other(anyhow::anyhow!("search endpoint not found: {message}")),
            Failure::Other(e) => Self::Other(e),
        }
    }
}

#[async_trait]
impl SearchApi for RemoteSearch {
    async fn search(&self, request: SearchRequest) -> Result<SearchResults, SearchError> {
        let started = std::time::Instant::now();
        let result = self.client.post(wire::SEARCH, &request).await.map_err(SearchError::from);
        if let Err(e) = &result {
            tracing::debug!(base = %self.client.base(), error = %e, elapsed_ms = started.elapsed().as_millis() as u64, "remote search failed");
        }
        result
    }
}
