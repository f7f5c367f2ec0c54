//! The clients against a stand-in process on port 0 that answers what each case needs: the
//! answer decoded, every error kept with its code and field, timeouts and refused connections
//! as UNAVAILABLE.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use super::{RemoteMatching, RemoteSearch, RemoteSettings};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use crocevia_matching::{MatchingApi, MatchingError, Side, Viewpoint};
use crocevia_search::{SearchApi, SearchError, SearchRequest};
use std::time::Duration;
use uuid::Uuid;

async fn stand_in(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

fn settings(base_url: String) -> RemoteSettings {
    RemoteSettings { base_url, timeout: Duration::from_millis(300), credential: None }
}

fn json(status: StatusCode, body: &'static str) -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
    (status, [("content-type", "application/json")], body)
}

#[tokio::test]
async fn search_answers_and_errors_keep_their_meaning() {
    let base = stand_in(
        Router::new()
            .route(
                "/ok/internal/v1/search",
                post(|| async { json(StatusCode::OK, r#"{"total":0,"hits":[],"facets":[],"next_cursor":null}"#) }),
            )
            .route(
                "/bad/internal/v1/search",
                post(|| async {
                    json(
                        StatusCode::BAD_REQUEST,
                        r#"{"code":"BAD_USER_INPUT","field":"filters[0]","message":"no such facet"}"#,
                    )
                }),
            )
            .route("/busy/internal/v1/search", post(|| async { json(StatusCode::SERVICE_UNAVAILABLE, "{}") }))
            .route("/broken/internal/v1/search", post(|| async { json(StatusCode::INTERNAL_SERVER_ERROR, "{}") }))
            .route(
                "/slow/internal/v1/search",
                post(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            ),
    )
    .await;
    let call = |path: &str| {
        let client = RemoteSearch::new(&settings(format!("{base}/{path}"))).unwrap();
        async move { client.search(SearchRequest::default()).await }
    };
    assert_eq!(call("ok").await.unwrap().total, 0);
    match call("bad").await {
        Err(SearchError::BadRequest { field, message }) => {
            assert_eq!((field.as_str(), message.as_str()), ("filters[0]", "no such facet"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(call("busy").await, Err(SearchError::Unavailable(_))));
    assert!(matches!(call("broken").await, Err(SearchError::Other(_))));
    let started = std::time::Instant::now();
    assert!(matches!(call("slow").await, Err(SearchError::Unavailable(_))));
    assert!(started.elapsed() < Duration::from_secs(3), "the timeout holds");
}

#[tokio::test]
async fn matching_answers_and_errors_keep_their_meaning() {
    let id = Uuid::now_v7();
    let base = stand_in(
        Router::new()
            .route("/internal/v1/matching/side/{id}", get(|| async { json(StatusCode::OK, r#"{"side":"offer"}"#) }))
            .route("/internal/v1/matching/matches/{id}", get(|| async { json(StatusCode::OK, "[]") }))
            .route("/internal/v1/matching/eligibility/{s}/{p}", get(|| async { json(StatusCode::OK, "null") }))
            .route(
                "/internal/v1/matching/pair",
                post(|| async {
                    json(
                        StatusCode::NOT_FOUND,
                        r#"{"code":"NOT_FOUND","message":"no offer or programme open to matching has this id"}"#,
                    )
                }),
            ),
    )
    .await;
    let client = RemoteMatching::new(&settings(base)).unwrap();
    assert!(client.is_remote());
    assert_eq!(client.side_of(id).await.unwrap(), Some(Side::Offer));
    assert!(client.matches(id).await.unwrap().is_empty());
    assert!(client.eligibility(id, id).await.unwrap().is_none());
    let talent: crocevia_domain::Entity = serde_json::from_value(serde_json::json!({
        "kind": "talent",
        "data": serde_json::from_str::<Vec<serde_json::Value>>(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/talents.json")).unwrap()
        ).unwrap()[0]
    }))
    .unwrap();
    assert!(
        matches!(client.pair(talent, id, Viewpoint::Subject).await, Err(MatchingError::NotFound(m)) if m.contains("open to matching"))
    );
    // The live feed does not cross the network: it stays open and silent.
    let mut changes = client.list_changes();
    assert!(matches!(changes.try_recv(), Err(tokio::sync::broadcast::error::TryRecvError::Empty)));
}

#[tokio::test]
async fn an_unreachable_process_is_unavailable_and_bad_urls_are_refused() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = RemoteMatching::new(&settings(format!("http://127.0.0.1:{port}"))).unwrap();
    let err = client.side_of(Uuid::now_v7()).await.unwrap_err();
    assert!(matches!(err, MatchingError::Unavailable(_)), "{err:?}");
    assert_eq!(err.code(), crocevia_kit::ErrorCode::Unavailable);
    for bad in ["search:8080", "ftp://h/", "http://"] {
        assert!(RemoteSearch::new(&settings(bad.into())).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_skills_gap_crosses_to_a_matching_process_and_back() {
    // The stand-in echoes the talent's first skill as the gap, so the request's body is checked too.
    let base = stand_in(Router::new().route(
        "/internal/v1/matching/skills-gap",
        post(|axum::Json(body): axum::Json<serde_json::Value>| async move {
            let skill = body["talent"]["skills"][0]["skill"].as_str().unwrap_or("none").to_owned();
            axum::Json(serde_json::json!({
                "offers_that_fit": 4, "offers_open_now": 1,
                "skills": [{ "skill": skill, "label_it": "Ruggine", "label_en": "Rust", "opens": 2, "missing_in": 3,
                             "courses": [{ "institution": "Politecnico di Torino", "title_it": "a", "title_en": "b",
                                           "url": "https://www.polito.it/didattica" }] }]
            }))
        }),
    ))
    .await;
    let client = RemoteMatching::new(&settings(base)).unwrap();
    let talent: crocevia_domain::Talent = serde_json::from_value(
        serde_json::from_str::<Vec<serde_json::Value>>(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo/talents.json")).unwrap(),
        )
        .unwrap()[0]
            .clone(),
    )
    .unwrap();
    let gap = client.skills_gap(talent).await.unwrap();
    assert_eq!((gap.offers_that_fit, gap.offers_open_now), (4, 1));
    assert_eq!((gap.skills[0].skill.as_str(), gap.skills[0].opens, gap.skills[0].missing_in), ("rust", 2, 3));
    assert_eq!(gap.skills[0].courses[0].institution, "Politecnico di Torino");
}
