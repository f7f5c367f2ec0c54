//! The web app: the files the front-end build writes to the web folder, served as they are.
//! `index.html` is revalidated on every load so a new build reaches browsers at once; the
//! other files (wasm, JS, CSS) are served with their type so browsers compile wasm while it
//! streams in, brotli- or gzip-compressed when the build left a `.br` or `.gz` copy and the
//! browser accepts it. A file whose name carries its content's hash (`style.3f9a0c1d2e4b.css`)
//! never changes under that name, so browsers keep it for a year without asking again.

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
    let mut files =
        ServeDir::new(&state.web_dir).append_index_html_on_directories(true).precompressed_br().precompressed_gzip();
    let immutable = content_hashed(&path);
    match files.try_call(request).await {
        Ok(response) => {
            let mut response = no_cache_for_html(response.map(axum::body::Body::new));
            if immutable && response.status().is_success() {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
            }
            response
        }
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

/// Whether a file's name carries its content's hash, as the build names them: a dot, twelve
/// lowercase hex digits, a dot, and the extension (`crocevia_frontend_bg.0a1b2c3d4e5f.wasm`).
pub fn content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    let (_ext, hash) = (parts.next(), parts.next().unwrap_or_default());
    parts.next().is_some_and(|stem| !stem.is_empty())
        && hash.len() == 12
        && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::content_hashed;

    #[test]
    fn only_names_with_a_content_hash_are_kept_forever() {
        assert!(content_hashed("/pkg/crocevia_frontend_bg.0a1b2c3d4e5f.wasm"));
        assert!(content_hashed("/style.3f9a0c1d2e4b.css"));
        for name in
            ["/", "/index.html", "/style.css", "/boot.0A1B2C3D4E5F.js", "/.0a1b2c3d4e5f.js", "/x.0a1b2c3d4e5.js"]
        {
            assert!(!content_hashed(name), "{name}");
        }
    }
}
