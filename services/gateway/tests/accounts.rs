//! Sign-up by confirmed e-mail and password reset by e-mailed link, over GraphQL, with the
//! application service in this process and behind a second server (the distributed mode's
//! door): neither reveals who has an account, links work once and expire, and a reset ends
//! every earlier session. Messages are read from the outbox, as `crocevia outbox` does.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use sea_orm::EntityTrait;
use serde_json::{Value, json};
use support::*;

const ME: &str = "{ me { email displayName } }";
const REGISTER: &str = "mutation($i: RegisterInput!) { register(input: $i) { email linkValidHours } }";
const CONFIRM: &str = "mutation($t: String!) { confirmEmail(token: $t) { token user { email } } }";
const REQUEST: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";
const RESET: &str = "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { token } }";
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";

async fn harness(remote_app: bool) -> Harness {
    let mut b = backend().await;
    b.remote_app = remote_app;
    serve(b, false, 64 * 1024, None, None).await
}

fn sign_up(email: &str, password: &str, name: &str, locale: &str) -> Value {
    json!({ "i": { "email": email, "password": password, "displayName": name, "role": "TALENT", "locale": locale } })
}

async fn sign_up_reveals_nobody(remote_app: bool) {
    let h = harness(remote_app).await;
    // Anna signs up in English and confirms.
    let first = gql(&h, None, REGISTER, sign_up(" Anna@Example.org ", "correct horse battery", "Anna", "EN")).await;
    assert_eq!(first["data"]["register"], json!({ "email": "anna@example.org", "linkValidHours": 48 }), "{first}");
    assert_eq!(
        code(&gql(&h, None, LOGIN, json!({ "e": "anna@example.org", "p": "correct horse battery" })).await),
        Some("UNAUTHENTICATED"),
        "no account before the address is confirmed"
    );
    let mail = mailbox(&h, "anna@example.org").await;
    assert_eq!(mail.len(), 1);
    assert_eq!((mail[0].kind.as_str(), mail[0].locale.as_str()), ("verify_email", "en"));
    assert!(mail[0].subject.starts_with("Confirm") && mail[0].body.contains("Hello Anna"), "{}", mail[0].body);
    let token = mailed_token(&h, "anna@example.org", "verify").await.unwrap();
    let confirmed = gql(&h, None, CONFIRM, json!({ "t": token })).await;
    let session =
        confirmed["data"]["confirmEmail"]["token"].as_str().unwrap_or_else(|| panic!("{confirmed}")).to_owned();
    assert_eq!(
        gql(&h, Some(&session), ME, json!({})).await["data"]["me"],
        json!({ "email": "anna@example.org", "displayName": "Anna" })
    );

    // The link works once.
    let again = gql(&h, None, CONFIRM, json!({ "t": token })).await;
    assert_eq!(
        (code(&again), again["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("token")),
        "{again}"
    );
    let forged = gql(&h, None, CONFIRM, json!({ "t": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })).await;
    assert_eq!(
        forged["errors"][0]["message"], again["errors"][0]["message"],
        "a used link and a made-up one read the same"
    );

    // Somebody else tries her address: the same answer as for a free one, and no account;
    // Anna is told, in her language, and nobody gets a link that creates anything.
    let taken = gql(&h, None, REGISTER, sign_up("ANNA@example.org", "another good passphrase", "Mallory", "IT")).await;
    let free = gql(&h, None, REGISTER, sign_up("bruno@example.org", "another good passphrase", "Bruno", "IT")).await;
    assert_eq!(taken["data"]["register"]["linkValidHours"], free["data"]["register"]["linkValidHours"]);
    assert!(taken["errors"].is_null() && free["errors"].is_null(), "{taken} {free}");
    let mail = mailbox(&h, "anna@example.org").await;
    let note = mail.last().unwrap();
    assert_eq!((note.kind.as_str(), note.locale.as_str()), ("account_exists", "en"), "{}", note.body);
    assert!(!note.body.contains("Mallory") && note.body.contains("/#/forgot"), "{}", note.body);
    let links = mail.iter().filter(|m| m.kind == "verify_email").count();
    assert_eq!(links, 1, "no new confirmation link for a taken address");
    assert_eq!(
        code(&gql(&h, None, LOGIN, json!({ "e": "anna@example.org", "p": "another good passphrase" })).await),
        Some("UNAUTHENTICATED")
    );
    let bruno = mailbox(&h, "bruno@example.org").await;
    assert_eq!((bruno[0].kind.as_str(), bruno[0].locale.as_str()), ("verify_email", "it"));
    assert!(bruno[0].subject.starts_with("Conferma") && bruno[0].body.contains("Ciao Bruno"), "{}", bruno[0].body);

    // Whoever floods the form sends at most three messages to one address.
    for _ in 0..5 {
        gql(&h, None, REGISTER, sign_up("carla@example.org", "another good passphrase", "Carla", "IT")).await;
    }
    assert_eq!(mailbox(&h, "carla@example.org").await.len(), 3);

    // Bad input is still refused naming the field (that tells nothing of anyone).
    let weak = gql(&h, None, REGISTER, sign_up("dora@example.org", "1234567890", "Dora", "IT")).await;
    assert_eq!(weak["errors"][0]["extensions"]["field"], "password", "{weak}");
    assert!(mailbox(&h, "dora@example.org").await.is_empty());
}

#[tokio::test]
async fn sign_up_confirms_the_address_and_reveals_nobody() {
    sign_up_reveals_nobody(false).await;
}

#[tokio::test]
async fn sign_up_confirms_the_address_and_reveals_nobody_with_a_remote_application_service() {
    sign_up_reveals_nobody(true).await;
}

async fn reset_by_link(remote_app: bool) {
    let h = harness(remote_app).await;
    let old_session = register(&h, "anna@example.org", "TALENT").await;

    // An unknown address gets the same answer, and nothing is sent.
    let unknown = gql(&h, None, REQUEST, json!({ "e": "nobody@example.org" })).await;
    let known = gql(&h, None, REQUEST, json!({ "e": "Anna@example.org" })).await;
    assert_eq!(
        (&unknown["data"], &known["data"]),
        (&json!({ "requestPasswordReset": true }), &json!({ "requestPasswordReset": true }))
    );
    assert!(mailbox(&h, "nobody@example.org").await.is_empty());
    let mail = mailbox(&h, "anna@example.org").await;
    let reset = mail.last().unwrap();
    assert_eq!((reset.kind.as_str(), reset.locale.as_str()), ("password_reset", "it"), "her account's language");
    let token = mailed_token(&h, "anna@example.org", "reset").await.unwrap();

    // A weak password is refused on its field, and the link still works.
    let weak = gql(&h, None, RESET, json!({ "t": token, "p": "anna@example.org" })).await;
    assert_eq!(
        (code(&weak), weak["errors"][0]["extensions"]["field"].as_str()),
        (Some("BAD_USER_INPUT"), Some("newPassword")),
        "{weak}"
    );
    let done = gql(&h, None, RESET, json!({ "t": token, "p": "a brand new passphrase" })).await;
    let new_session = done["data"]["resetPassword"]["token"].as_str().unwrap_or_else(|| panic!("{done}")).to_owned();

    // Every earlier session ends; the new password works, the old one does not; the link is spent.
    assert_eq!(post(&h, Some(&old_session), json!({ "query": ME })).await.0, 401);
    assert_eq!(gql(&h, Some(&new_session), ME, json!({})).await["data"]["me"]["email"], "anna@example.org");
    assert_eq!(
        code(&gql(&h, None, LOGIN, json!({ "e": "anna@example.org", "p": "correct horse battery" })).await),
        Some("UNAUTHENTICATED")
    );
    assert!(
        gql(&h, None, LOGIN, json!({ "e": "anna@example.org", "p": "a brand new passphrase" })).await["data"]["login"]
            ["token"]
            .is_string()
    );
    let spent = gql(&h, None, RESET, json!({ "t": token, "p": "yet another passphrase" })).await;
    assert_eq!(spent["errors"][0]["extensions"]["field"], "token", "{spent}");

    // A sign-up link is no reset link, and the other way round.
    gql(&h, None, REQUEST, json!({ "e": "anna@example.org" })).await;
    let reset_token = mailed_token(&h, "anna@example.org", "reset").await.unwrap();
    assert_eq!(gql(&h, None, CONFIRM, json!({ "t": reset_token })).await["errors"][0]["extensions"]["field"], "token");
}

#[tokio::test]
async fn a_password_is_reset_by_an_emailed_link_once() {
    reset_by_link(false).await;
}

#[tokio::test]
async fn a_password_is_reset_by_an_emailed_link_once_with_a_remote_application_service() {
    reset_by_link(true).await;
}

#[tokio::test]
async fn erasure_takes_her_links_and_messages_with_her() {
    let h = harness(false).await;
    let session = register(&h, "erin@example.org", "TALENT").await;
    gql(&h, None, REQUEST, json!({ "e": "erin@example.org" })).await;
    assert!(!mailbox(&h, "erin@example.org").await.is_empty());
    let erased = gql(&h, Some(&session), "mutation { eraseMyData(confirm: true) }", json!({})).await;
    assert!(erased["errors"].is_null(), "{erased}");
    assert!(mailbox(&h, "erin@example.org").await.is_empty(), "nothing addressed to her is kept");
    let links = crocevia_profiles::tokens::account_tokens::Entity::find().all(&h.db).await.unwrap();
    assert!(links.iter().all(|l| l.email != "erin@example.org"), "no link of hers is kept");
}
