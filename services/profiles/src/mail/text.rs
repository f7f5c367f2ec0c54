//! The messages' words, in Italian and English. Each builder takes what the message names
//! and returns a [`Message`] in the recipient's language.
//!
//! These are account-security messages, sent because somebody used the address on the
//! platform; they carry no unsubscribe link because there is no subscription to end (alerts,
//! which are subscriptions, will).

use super::{Kind, Links, Message};
use crate::tokens::{RESET_TTL_HOURS, VERIFY_TTL_HOURS};
use crocevia_domain::Locale;

const SIGNATURE_IT: &str =
    "Crocevia - talenti e startup a Torino\nAcceleraTO e Talenti a Torino, Torino Metropoli 2025";
const SIGNATURE_EN: &str =
    "Crocevia - talent and startups in Torino\nAcceleraTO and Talenti a Torino, Torino Metropoli 2025";

fn message(to: &str, locale: Locale, kind: Kind, subject: String, body: String) -> Message {
    let signature = match locale {
        Locale::It => SIGNATURE_IT,
        Locale::En => SIGNATURE_EN,
    };
    Message { to: to.to_owned(), locale, kind, subject, body: format!("{body}\n\n-- \n{signature}\n") }
}

/// The link that confirms a sign-up.
pub fn verify_email(links: &Links, to: &str, locale: Locale, name: &str, token: &str) -> Message {
    let link = links.page(&format!("/verify/{token}"));
    let (subject, body) = match locale {
        Locale::It => (
            "Conferma il tuo indirizzo e-mail su Crocevia".to_owned(),
            format!(
                "Ciao {name},\n\nper completare la registrazione a Crocevia apri questo link:\n\n{link}\n\n\
                 Il link vale {VERIFY_TTL_HOURS} ore e si può usare una volta sola.\n\
                 Se non ti sei registrato tu, ignora questo messaggio: senza conferma non viene creato nessun account."
            ),
        ),
        Locale::En => (
            "Confirm your e-mail address on Crocevia".to_owned(),
            format!(
                "Hello {name},\n\nto finish signing up to Crocevia, open this link:\n\n{link}\n\n\
                 The link works for {VERIFY_TTL_HOURS} hours, once.\n\
                 If you did not sign up, ignore this message: without confirmation no account is created."
            ),
        ),
    };
    message(to, locale, Kind::VerifyEmail, subject, body)
}

/// Sign-up with an address that has an account: tell its owner, not the person who typed it.
pub fn account_exists(links: &Links, to: &str, locale: Locale, name: &str) -> Message {
    let login = links.page("/login");
    let forgot = links.page("/forgot");
    let (subject, body) = match locale {
        Locale::It => (
            "Hai già un account su Crocevia".to_owned(),
            format!(
                "Ciao {name},\n\nqualcuno ha chiesto di registrarsi a Crocevia con questo indirizzo, \
                 che ha già un account.\n\nSe eri tu, accedi qui: {login}\n\
                 Se non ricordi la password, puoi reimpostarla qui: {forgot}\n\n\
                 Se non eri tu, ignora questo messaggio: il tuo account non è cambiato."
            ),
        ),
        Locale::En => (
            "You already have a Crocevia account".to_owned(),
            format!(
                "Hello {name},\n\nsomebody asked to sign up to Crocevia with this address, \
                 which already has an account.\n\nIf it was you, log in here: {login}\n\
                 If you forgot your password, you can reset it here: {forgot}\n\n\
                 If it was not you, ignore this message: your account has not changed."
            ),
        ),
    };
    message(to, locale, Kind::AccountExists, subject, body)
}

/// A password-reset link.
pub fn password_reset(links: &Links, to: &str, locale: Locale, name: &str, token: &str) -> Message {
    let link = links.page(&format!("/reset/{token}"));
    let (subject, body) = match locale {
        Locale::It => (
            "Reimposta la tua password di Crocevia".to_owned(),
            format!(
                "Ciao {name},\n\nper scegliere una nuova password apri questo link:\n\n{link}\n\n\
                 Il link vale {RESET_TTL_HOURS} ora e si può usare una volta sola; \
                 dopo il cambio, ogni sessione aperta viene chiusa.\n\
                 Se non l'hai chiesto tu, ignora questo messaggio: la password non cambia."
            ),
        ),
        Locale::En => (
            "Reset your Crocevia password".to_owned(),
            format!(
                "Hello {name},\n\nto choose a new password, open this link:\n\n{link}\n\n\
                 The link works for {RESET_TTL_HOURS} hour, once; \
                 after the change every open session is logged out.\n\
                 If you did not ask for it, ignore this message: your password stays the same."
            ),
        ),
    };
    message(to, locale, Kind::PasswordReset, subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_speak_the_recipients_language_and_carry_their_link() {
        let links = Links { public_url: "https://crocevia.example.org/".into() };
        let it = verify_email(&links, "a@example.org", Locale::It, "Anna", "TOKEN");
        assert!(it.subject.starts_with("Conferma"), "{}", it.subject);
        assert!(it.body.contains("https://crocevia.example.org/#/verify/TOKEN"), "{}", it.body);
        let en = password_reset(&links, "a@example.org", Locale::En, "Anna", "T2");
        assert!(en.body.contains("Hello Anna") && en.body.contains("/#/reset/T2"), "{}", en.body);
        let exists = account_exists(&links, "a@example.org", Locale::It, "Anna");
        assert!(exists.body.contains("/#/forgot") && !exists.body.contains("/#/verify"), "{}", exists.body);
    }
}
