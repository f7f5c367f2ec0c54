//! What the browser remembers between visits: the language and the session token.

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok()?
}

pub fn set(key: &str, value: Option<&str>) {
    if let Some(storage) = local() {
        // Storage can be full or disabled (private mode); the app then simply forgets.
        let _ = match value {
            Some(v) => storage.set_item(key, v),
            None => storage.remove_item(key),
        };
    }
}

pub const LANG: &str = "crocevia.lang";
pub const TOKEN: &str = "crocevia.token";
