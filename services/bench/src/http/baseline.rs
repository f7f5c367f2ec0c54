//! The PostgreSQL FTS baseline behind HTTP: an axum handler (axum and hyper, as crocevia's
//! gateway) answering `POST /api/v1/search` with the search section's PostgreSQL query, so
//! both engines are measured through the same kind of HTTP path with the same requests.
//! It ranks the best 20 of one kind and returns their ids and titles: no facets and no
//! snippets, less work than crocevia does.

use crate::postgres::Baseline;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use crocevia_search::{DocKind, SearchRequest};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Clone)]
struct Shared {
    baseline: Arc<Baseline>,
    in_flight: Arc<AtomicUsize>,
}

/// Counts a request in flight for as long as it lives (a dropped handler included).
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Self(counter.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub struct Server {
    pub base: String,
    in_flight: Arc<AtomicUsize>,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(baseline: Arc<Baseline>) -> anyhow::Result<Self> {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let router = Router::new()
            .route("/api/v1/search", post(search))
            .with_state(Shared { baseline, in_flight: in_flight.clone() });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await
        });
        Ok(Self { base, in_flight, stop, task })
    }

    /// Waits until no request is in flight (PostgreSQL finished a backlog a run left), at most
    /// `limit`; returns whether it got there.
    pub async fn idle(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while self.in_flight.load(Ordering::SeqCst) > 0 {
            if tokio::time::Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        true
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await??;
        Ok(())
    }
}

async fn search(
    State(shared): State<Shared>,
    Json(request): Json<SearchRequest>,
) -> Result<Json<serde_json::Value>, (StatusCode, String)> {
    let _counted = InFlight::enter(&shared.in_flight);
    let kind = match request.kinds.as_slice() {
        [kind] => *kind,
        _ => return Err((StatusCode::BAD_REQUEST, "the baseline answers one kind per request".into())),
    };
    let hits = shared
        .baseline
        .hits(kind, &request.text)
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")))?;
    let hits: Vec<serde_json::Value> = hits
        .into_iter()
        .map(|(id, title)| serde_json::json!({ "id": id, "kind": DocKind::as_str(kind), "title": title }))
        .collect();
    Ok(Json(serde_json::json!({ "total": hits.len(), "hits": hits })))
}
