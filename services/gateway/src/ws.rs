//! `GET /graphql/ws`: subscriptions over graphql-transport-ws (and the older
//! subscriptions-transport-ws). The connection's first message must be `connection_init`,
//! within `gateway.ws_init_timeout_ms`, carrying the token (`{"token": "..."}` or
//! `{"Authorization": "Bearer ..."}`). As the protocol says: no init in time closes the socket
//! with 4408, another message first with 4401, a token that is not valid (or whose account or
//! credential generation is gone) with 4403. Only then does async-graphql take the socket
//! over, with the actor already resolved.

use crate::{GatewayState, graphql_error};
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crocevia_kit::ErrorCode;
use crocevia_profiles::{Actor, AppApi, Session};
use futures::{SinkExt, StreamExt};

pub(crate) async fn graphql_ws(
    State(state): State<GatewayState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let (Some(api), Some(app)) = (state.api.clone(), state.app.clone()) else {
        return graphql_error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "this process does not serve GraphQL",
        );
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let (mut sink, mut stream) = socket.split();
            let init = match tokio::time::timeout(api.ws_init_timeout, first_text(&mut stream)).await {
                Ok(Some(text)) => text,
                Ok(None) => return,
                Err(_) => return close(&mut sink, 4408, "Connection initialisation timeout").await,
            };
            let message: serde_json::Value = serde_json::from_str(&init).unwrap_or_default();
            if message["type"] != "connection_init" {
                return close(&mut sink, 4401, "Unauthorized").await;
            }
            let Some((actor, session)) = authenticate(app.as_ref(), &api.keys, &message["payload"]).await else {
                return close(&mut sink, 4403, "Forbidden").await;
            };
            let mut data = async_graphql::Data::default();
            data.insert(actor);
            // Kept so the subscriptions re-check the account before each event: a socket
            // outlives no revocation.
            data.insert(session);
            // The init message goes on to async-graphql, which acknowledges it.
            let replayed = futures::stream::once(async move { Ok(Message::Text(init.into())) }).chain(stream);
            async_graphql_axum::GraphQLWebSocket::new_with_pair(sink, replayed, api.schema.clone(), protocol)
                .on_connection_init(move |_| async move { Ok(data) })
                .serve()
                .await;
        })
        .into_response()
}

/// The first text message; `None` when the client goes away first.
async fn first_text(stream: &mut futures::stream::SplitStream<WebSocket>) -> Option<String> {
    while let Some(Ok(message)) = stream.next().await {
        match message {
            Message::Text(text) => return Some(text.to_string()),
            Message::Close(_) => return None,
            _ => continue,
        }
    }
    None
}

async fn close(sink: &mut futures::stream::SplitSink<WebSocket, Message>, code: u16, reason: &'static str) {
    tracing::debug!(code, reason, "websocket refused");
    let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}

/// The same check as every HTTP request: signature, expiry, issuer and audience, then the
/// account and its credential generation.
async fn authenticate(
    app: &dyn AppApi,
    keys: &crate::auth::JwtKeys,
    payload: &serde_json::Value,
) -> Option<(Actor, Session)> {
    let token = payload["token"]
        .as_str()
        .or_else(|| payload["Authorization"].as_str().and_then(|v| v.strip_prefix("Bearer ")))?;
    let session = keys.verify(token).ok()?.session()?;
    let actor = app.actor(Some(session)).await.ok()?;
    Some((actor, session))
}
