//! [`SearchApi`] over HTTP: a search process's `/api/v1/search`, or every member of the
//! search group with their answers merged ([`ShardedSearch`]).

use super::{Client, Failure, RemoteSettings, wire};
use async_trait::async_trait;
use crocevia_search::shards;
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

/// Every member of the search group: each indexes the partitions it holds, so each query
/// asks all of them (concurrently) and merges. A member that cannot answer makes the query
/// UNAVAILABLE rather than silently missing its share of the results.
#[derive(Debug, Clone)]
pub struct ShardedSearch {
    members: Vec<RemoteSearch>,
}

impl ShardedSearch {
    pub fn new(members: &[RemoteSettings]) -> anyhow::Result<Self> {
        Ok(Self { members: members.iter().map(RemoteSearch::new).collect::<anyhow::Result<_>>()? })
    }
}

/// The first `depth` hits of one member (in pages of its own), with its totals and facets.
async fn first_hits(
    member: &RemoteSearch,
    request: &SearchRequest,
    depth: usize,
) -> Result<SearchResults, SearchError> {
    let mut page = SearchRequest { cursor: None, limit: shards::page_limit(depth), ..request.clone() };
    let mut answer = member.search(page.clone()).await?;
    while answer.hits.len() < depth {
        let Some(cursor) = answer.next_cursor.take() else { break };
        page.cursor = Some(cursor);
        let more = member.search(page.clone()).await?;
        answer.hits.extend(more.hits);
        answer.next_cursor = more.next_cursor;
    }
    Ok(answer)
}

#[async_trait]
impl SearchApi for ShardedSearch {
    async fn search(&self, request: SearchRequest) -> Result<SearchResults, SearchError> {
        // Bad input is refused here, naming its field, before any member is asked.
        let plan = request.plan()?;
        let depth = shards::depth(&plan);
        let answers =
            futures::future::try_join_all(self.members.iter().map(|member| first_hits(member, &request, depth)))
                .await?;
        Ok(shards::merge(&plan, answers))
    }
}
