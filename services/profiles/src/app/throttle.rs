//! Login throttling: a per-account and a per-address budget of failed logins. Past it, every
//! login of that account (or from that address) is refused with TOO_MANY_REQUESTS and the
//! time to wait, before any password is checked, so guessing stops and the right password
//! does not slip through during the lockout. Unknown e-mails count like known ones, so the
//! answers do not tell which accounts exist.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins one account may have in a window.
pub const ACCOUNT_FAILURES: u32 = 5;
/// Failed logins one address may have in a window (a shared office address logs many people).
pub const ADDRESS_FAILURES: u32 = 30;
/// The window, and how long a budget spent stays spent.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most keys remembered (about 100 bytes each): a flood of distinct e-mails cannot grow the
/// table past this; expired entries go first, then the oldest.
pub const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Budget {
    failures: u32,
    since: Instant,
}

#[derive(Debug, Default)]
pub struct Throttle {
    keys: Mutex<HashMap<String, Budget>>,
}

impl Throttle {
    fn keys(email: &str, address: Option<IpAddr>) -> Vec<(String, u32)> {
        let mut keys = vec![(format!("account:{}", email.trim().to_lowercase()), ACCOUNT_FAILURES)];
        if let Some(address) = address {
            keys.push((format!("address:{address}"), ADDRESS_FAILURES));
        }
        keys
    }

    /// `Err(wait)` when the account or the address has spent its budget.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = Instant::now();
        let Ok(keys) = self.keys.lock() else { return Ok(()) };
        let mut wait = Duration::ZERO;
        for (key, limit) in Self::keys(email, address) {
            if let Some(b) = keys.get(&key) {
                let age = now.duration_since(b.since);
                if b.failures >= limit && age < WINDOW {
                    wait = wait.max(WINDOW - age);
                }
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    pub fn failed(&self, email: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        let Ok(mut keys) = self.keys.lock() else { return };
        if keys.len() >= MAX_KEYS {
            keys.retain(|_, b| now.duration_since(b.since) < WINDOW);
            if keys.len() >= MAX_KEYS
                && let Some(oldest) = keys.iter().min_by_key(|(_, b)| b.since).map(|(k, _)| k.clone())
            {
                keys.remove(&oldest);
            }
        }
        for (key, _) in Self::keys(email, address) {
            let b = keys.entry(key).or_insert(Budget { failures: 0, since: now });
            if now.duration_since(b.since) >= WINDOW {
                *b = Budget { failures: 0, since: now };
            }
            b.failures += 1;
        }
    }

    /// A correct login clears its account's count (not its address's).
    pub fn succeeded(&self, email: &str) {
        if let Ok(mut keys) = self.keys.lock() {
            keys.remove(&format!("account:{}", email.trim().to_lowercase()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_locked_after_its_budget_and_an_address_after_its_own() {
        let t = Throttle::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..ACCOUNT_FAILURES {
            assert!(t.check("Anna@example.org", Some(ip)).is_ok());
            t.failed("anna@example.org", Some(ip));
        }
        let wait = t.check("anna@example.org", None).unwrap_err();
        assert!(wait > Duration::from_secs(14 * 60), "{wait:?}");
        assert!(t.check("other@example.org", Some(ip)).is_ok(), "the address has budget left");
        for i in 0..ADDRESS_FAILURES {
            t.failed(&format!("u{i}@example.org"), Some(ip));
        }
        assert!(t.check("fresh@example.org", Some(ip)).is_err(), "the address spent its budget");
        assert!(t.check("fresh@example.org", None).is_ok());
        t.succeeded("ANNA@example.org");
        assert!(t.check("anna@example.org", None).is_ok());
    }

    #[test]
    fn the_table_is_bounded() {
        let t = Throttle::default();
        for i in 0..(MAX_KEYS + 10) {
            t.failed(&format!("u{i}@example.org"), None);
        }
        assert!(t.keys.lock().unwrap().len() <= MAX_KEYS);
    }
}
