//! GraphQL subscriptions over `graphql-transport-ws`: the token goes in `connection_init`,
//! each `next` message reaches the callback, and a dropped connection is retried with backoff
//! until the subscription is dropped.

use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

type Callback = Rc<dyn Fn(Value)>;
type MessageHandlers = RefCell<Vec<Closure<dyn FnMut(MessageEvent)>>>;
type EventHandlers = RefCell<Vec<Closure<dyn FnMut(web_sys::Event)>>>;

struct Inner {
    url: String,
    token: String,
    query: String,
    on_next: Callback,
    on_status: Rc<dyn Fn(bool)>,
    socket: RefCell<Option<WebSocket>>,
    stopped: Cell<bool>,
    retries: Cell<u32>,
    // Kept alive as long as the socket may call them.
    handlers: MessageHandlers,
    others: EventHandlers,
}

/// A running subscription; dropping it closes the connection.
pub struct Live(Rc<Inner>);

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live").field("query", &self.0.query).finish()
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.0.stopped.set(true);
        if let Some(socket) = self.0.socket.borrow_mut().take() {
            // The handlers go with `Inner`, but the socket fires `close` later: unhooked
            // first, it has nothing dropped to call ("closure invoked ... after being dropped").
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
        }
    }
}

/// The WebSocket URL of the gateway that served this page.
fn ws_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
    Some(format!("{scheme}://{}/graphql/ws", location.host().ok()?))
}

/// Subscribes; `on_status(true)` once the server acknowledged, `false` when the link drops.
pub fn subscribe(
    token: &str,
    query: &str,
    on_next: impl Fn(Value) + 'static,
    on_status: impl Fn(bool) + 'static,
) -> Option<Live> {
    let inner = Rc::new(Inner {
        url: ws_url()?,
        token: token.to_owned(),
        query: query.to_owned(),
        on_next: Rc::new(on_next),
        on_status: Rc::new(on_status),
        socket: RefCell::new(None),
        stopped: Cell::new(false),
        retries: Cell::new(0),
        handlers: RefCell::new(Vec::new()),
        others: RefCell::new(Vec::new()),
    });
    connect(&inner);
    Some(Live(inner))
}

fn connect(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    let Ok(socket) = WebSocket::new_with_str(&inner.url, "graphql-transport-ws") else {
        retry(inner);
        return;
    };
    let weak = Rc::downgrade(inner);
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new({
        let weak = weak.clone();
        move |_| {
            if let Some(inner) = weak.upgrade() {
                send(&inner, json!({"type": "connection_init", "payload": {"token": inner.token}}));
            }
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let weak = weak.clone();
        move |event: MessageEvent| {
            let Some(inner) = weak.upgrade() else { return };
            let Some(text) = event.data().as_string() else { return };
            let Ok(message) = serde_json::from_str::<Value>(&text) else { return };
            match message.get("type").and_then(Value::as_str) {
                Some("connection_ack") => {
                    inner.retries.set(0);
                    (inner.on_status)(true);
                    send(&inner, json!({"type": "subscribe", "id": "1", "payload": {"query": inner.query}}));
                }
                Some("next") => {
                    if let Some(data) = message.pointer("/payload/data") {
                        (inner.on_next)(data.clone());
                    }
                }
                Some("ping") => send(&inner, json!({"type": "pong"})),
                _ => {}
            }
        }
    });
    let on_close = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        if let Some(inner) = weak.upgrade() {
            (inner.on_status)(false);
            retry(&inner);
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    inner.handlers.borrow_mut().push(on_message);
    inner.others.borrow_mut().extend([on_open, on_close]);
    *inner.socket.borrow_mut() = Some(socket);
}

fn send(inner: &Inner, message: Value) {
    if let Some(socket) = inner.socket.borrow().as_ref() {
        let _ = socket.send_with_str(&message.to_string());
    }
}

/// Reconnects after 0.5, 1, 2, 4… seconds, at most 30.
fn retry(inner: &Rc<Inner>) {
    if inner.stopped.get() {
        return;
    }
    let attempt = inner.retries.get();
    inner.retries.set(attempt.saturating_add(1));
    let delay = (500u32.saturating_mul(1 << attempt.min(6))).min(30_000);
    let weak = Rc::downgrade(inner);
    let reconnect = Closure::once_into_js(move || {
        if let Some(inner) = weak.upgrade() {
            // Old handlers belong to the closed socket.
            inner.handlers.borrow_mut().clear();
            inner.others.borrow_mut().clear();
            connect(&inner);
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            reconnect.unchecked_ref(),
            i32::try_from(delay).unwrap_or(30_000),
        );
    }
}

/// Subscribes for as long as the calling component is mounted.
pub fn follow(token: &str, query: &str, on_next: impl Fn(Value) + 'static, on_status: impl Fn(bool) + 'static) {
    let live = subscribe(token, query, on_next, on_status);
    // Leptos keeps `Send` values; the socket lives on this (only) browser thread.
    use leptos::prelude::{SetValue, StoredValue, on_cleanup};
    let kept = StoredValue::new(Some(send_wrapper::SendWrapper::new(live)));
    on_cleanup(move || kept.set_value(None));
}
