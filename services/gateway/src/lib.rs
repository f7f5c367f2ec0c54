//! Crocevia's gateway, the only public door. Today it serves health, readiness, a status page
//! and a JSON search endpoint; the GraphQL API and the front end are built by their own
//! issues on this router.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use crocevia_domain::EntityKind;
use crocevia_profiles::Profiles;
use crocevia_search::SearchApi;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

mod rest;
use tokio::sync::watch;

#[derive(Debug, Clone)]
pub struct GatewayState {
    /// True once start-up work (migrations, first-start import) is done.
    pub ready: watch::Receiver<bool>,
    pub profiles: Profiles,
    /// Absent when this process does not run search (e.g. `serve profiles`).
    pub search: Option<Arc<dyn SearchApi>>,
    /// Absent when this process does not run matching.
    pub matching: Option<crocevia_matching::MatchingService>,
}

/// A bound gateway: its address is known before it serves (tests bind port 0).
#[derive(Debug)]
pub struct Gateway {
    listener: TcpListener,
    router: Router,
}

impl Gateway {
    pub async fn bind(addr: SocketAddr, state: GatewayState) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
        let router = Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route("/readyz", get(readyz))
            .route("/", get(home))
            .route("/api/v1/search", axum::routing::post(rest::search))
            .route("/api/v1/matches/{id}", get(rest::matches))
            .route("/api/v1/eligibility/{startup}/{programme}", get(rest::eligibility))
            .with_state(state);
        Ok(Self { listener, router })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    pub async fn serve(self, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stop| *stop).await;
            })
            .await?;
        Ok(())
    }
}

async fn readyz(State(state): State<GatewayState>) -> impl IntoResponse {
    if *state.ready.borrow() { (StatusCode::OK, "ready") } else { (StatusCode::SERVICE_UNAVAILABLE, "starting") }
}

async fn home(State(state): State<GatewayState>) -> impl IntoResponse {
    let mut rows = String::new();
    for kind in EntityKind::ALL {
        let count = match state.profiles.count(kind).await {
            Ok(n) => n.to_string(),
            Err(e) => {
                tracing::warn!(error = %e, "counting entities failed");
                "?".into()
            }
        };
        rows.push_str(&format!("<tr><th scope=\"row\">{kind}</th><td>{count}</td></tr>"));
    }
    let status = if *state.ready.borrow() { "pronta / ready" } else { "in avvio / starting" };
    Html(format!(
        "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Crocevia</title></head><body><main><h1>Crocevia</h1>\
         <p>Piattaforma AcceleraTO e Talenti a Torino: {status}.</p>\
         <table><caption>Dati / Data</caption>{rows}</table></main></body></html>"
    ))
}
