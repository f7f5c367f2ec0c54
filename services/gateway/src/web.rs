//! The web app: the files the front-end build writes to the web folder, served as they are.
//! `index.html` is revalidated on every load so a new build reaches browsers at once; the
//! other files (wasm, JS, CSS) are served with their type so browsers compile wasm while it
//! streams in, gzip-compressed when the build left a `.gz` copy and the browser accepts it.

use crate::GatewayState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::Path;
use tower_http::services::ServeDir;

/// Whether a build of the web app is in `dir`.
pub fn built(dir: &Path) -> bool {
    dir.join("index.html").is_file()
}

/// The router's fallback for GET and HEAD: a file of the web folder, or 404. The app routes
/// in the URL's fragment (`/#/search`), so no path other than its files needs `index.html`.
pub async fn serve(State(state): State<GatewayState>, request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = request.uri().path().to_owned();
    // The build writes a gzip copy beside the wasm and JS (a third of the size); browsers
    // that accept gzip get it, others the plain file.
    let mut files = ServeDir::new(&state.web_dir).append_index_html_on_directories(true).precompressed_gzip();
    match files.try_call(request).await {
        Ok(response) => no_cache_for_html(response.map(axum::body::Body::new)),
        Err(e) => {
            tracing::warn!(error = %e, path = %path, "serving a web file failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn no_cache_for_html(mut response: Response) -> Response {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}
