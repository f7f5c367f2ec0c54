//! The text status page: readiness and entity counts, readable without the web app (and
//! without JavaScript) at `/status`, and at `/` while the web app is not built.

use crate::GatewayState;
use axum::extract::State;
use axum::response::Html;
use crocevia_domain::EntityKind;

/// `GET /status`.
pub async fn page(State(state): State<GatewayState>) -> Html<String> {
    Html(render(&state, "").await)
}

/// `GET /` when the web folder holds no build: the status page and how to get the app.
pub async fn page_without_app(State(state): State<GatewayState>) -> Html<String> {
    let note = format!(
        "<p>L'app web non è compilata (manca {0}): <code>make run</code> la compila. / \
         The web app is not built (no {0}): <code>make run</code> builds it.</p>",
        html_escape(&state.web_dir.join("index.html").display().to_string())
    );
    Html(render(&state, &note).await)
}

async fn render(state: &GatewayState, note: &str) -> String {
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
    format!(
        "<!doctype html><html lang=\"it\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Crocevia</title></head><body><main><h1>Crocevia</h1>\
         <p>Piattaforma AcceleraTO e Talenti a Torino: {status}.</p>{note}\
         <table><caption>Dati / Data</caption>{rows}</table></main></body></html>"
    )
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
