//! The web app in a real headless Chromium, driven through chromedriver, against the real
//! platform (`crocevia serve all` with the Torino demo data). Each scenario keeps a
//! screenshot in `target/e2e-screenshots/`.
//!
//! Needs the built web app (`make web`) and Chromium with chromedriver (`make test` and
//! `.ci/run` provide both).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{Instance, Server, repo_root};

const WAIT: Duration = Duration::from_secs(30);
const DATA_SCIENTIST_OFFER: &str = "30000000-0000-4000-8000-000000000019";
const INCUBATOR: &str = "10000000-0000-4000-8000-000000000003";

fn web_dir() -> PathBuf {
    std::env::var_os("CROCEVIA_TEST_WEB_DIR").map_or_else(|| repo_root().join("target/web"), PathBuf::from)
}

struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts chromedriver and opens a fresh headless Chromium session (Italian, desktop size).
/// Browser tests take turns: each runs a platform, a chromedriver and a Chromium, and on a
/// 2-core machine several at once starve each other past any sensible wait.
async fn one_at_a_time() -> tokio::sync::OwnedMutexGuard<()> {
    static TURN: std::sync::LazyLock<std::sync::Arc<tokio::sync::Mutex<()>>> =
        std::sync::LazyLock::new(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));
    TURN.clone().lock_owned().await
}

/// Giulia, a member of the demo incubator (I3P), added by the administrator `admin`; she
/// logs in as giulia@i3p.example.org with "incubator password".
async fn add_incubator_member(server: &Server, admin: &str) {
    let member = graphql(
        server,
        Some(admin),
        "mutation($o: ID!) { createMember(organisationId: $o, email: \"giulia@i3p.example.org\", password: \"incubator password\", displayName: \"Giulia (I3P)\") { id } }",
        json!({"o": INCUBATOR}),
    )
    .await;
    assert!(member["errors"].is_null(), "{member}");
}

/// The platform with an administrator (root@example.org, "administrator password") who
/// added Giulia to the demo incubator (see [`add_incubator_member`]).
async fn platform_with_incubator_member(dir: &std::path::Path) -> (Instance, Server) {
    let setup = Instance::embedded(dir).with("CROCEVIA_NEW_PASSWORD", "administrator password");
    let (status, out) =
        setup.run(&["add-user", "--role", "admin", "--email", "root@example.org", "--display-name", "Root"]);
    assert!(status.success(), "{out}");
    let (instance, server) = platform(dir).await;
    let admin = server.login("root@example.org", "administrator password").await;
    add_incubator_member(&server, &admin).await;
    (instance, server)
}

async fn browser() -> (Driver, Client) {
    let chromedriver = std::env::var("CROCEVIA_TEST_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("CROCEVIA_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromedriver).exists(),
        "{chromedriver} is missing: install Debian's chromium and chromium-driver (make test does)"
    );
    let port = free_port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().unwrap();
    let driver = Driver { child, url: format!("http://127.0.0.1:{port}"), _profile: profile };
    let deadline = Instant::now() + WAIT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--lang=it-IT", "--window-size=1280,1000",
                format!("--user-data-dir={}", driver._profile.path().display()),
            ],
            "prefs": {"intl.accept_languages": "it-IT,it"},
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector).capabilities(caps).connect(&driver.url).await.expect("browser session");
    (driver, client)
}

async fn platform(dir: &std::path::Path) -> (Instance, Server) {
    assert!(
        web_dir().join("index.html").exists(),
        "the web app is not built in {}: run `make web` first",
        web_dir().display()
    );
    let instance = Instance::embedded(dir).with("CROCEVIA__GATEWAY__WEB_DIR", &web_dir().display().to_string());
    // Today's dates: the talent applies to a demo offer, which must still be open.
    let demo = support::current_demo_dir(dir);
    let server = instance.serve(&["all", "--demo-data", &demo.display().to_string()]);
    server.wait_ready(Duration::from_secs(120)).await;
    (instance, server)
}

async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(el) => el,
        Err(e) => panic!("{css} never appeared ({e}); {}", page_state(c).await),
    }
}

/// Where the browser is and what it shows, for a failure message.
async fn page_state(c: &Client) -> String {
    let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
    let text = c.execute("return document.body.innerText", vec![]).await.unwrap_or_default();
    let _ = screenshot(c, "failure").await;
    format!("page {url} shows: {}", text.as_str().unwrap_or_default().chars().take(1500).collect::<String>())
}

/// Clicks an element; one the app re-rendered between finding and clicking (a stale element)
/// is found again, as a user's click would land on the new one.
async fn click(c: &Client, css: &str) {
    for attempt in 1.. {
        match find(c, css).await.click().await {
            Ok(()) => return,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference && attempt < 5 =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("click {css}: {e}"),
        }
    }
}

/// Types into a field; a field the app re-rendered between finding and typing (a stale
/// element) is found again, as a user's next keystroke would land on the new one.
async fn type_in(c: &Client, css: &str, text: &str) {
    for attempt in 1.. {
        let el = find(c, css).await;
        let typed = async {
            el.clear().await?;
            el.send_keys(text).await
        };
        match typed.await {
            Ok(()) => return,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference && attempt < 5 =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("type into {css}: {e}"),
        }
    }
}

/// Sets a control's value the way a user's edit does (input and change events); date
/// inputs take keys in the browser's locale format, so they are set this way.
async fn set_value(c: &Client, css: &str, value: &str) {
    find(c, css).await;
    c.execute(
        "const el = document.querySelector(arguments[0]); el.value = arguments[1];
         el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap();
}

/// Waits until the text of `css` satisfies `ok`, and returns it.
async fn wait_text(c: &Client, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if ok(&text) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("{css} never had the expected text; last: {last:?}; {}", page_state(c).await);
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let dir = repo_root().join("target/e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Signs a talent up in the Italian page with "a long enough password". The address is
/// confirmed first: the page says where the link went, and the link (read from the outbox, as
/// on a laptop without SMTP) creates the account, logs her in and opens her profile form.
async fn sign_up_as_talent(c: &Client, instance: &Instance, server: &Server, name: &str, email: &str) {
    c.goto(&format!("{}/#/signup", server.base)).await.unwrap();
    wait_text(c, "h1", |t| t == "Registrati").await;
    type_in(c, "#auth-displayName", name).await;
    type_in(c, "#auth-email", email).await;
    type_in(c, "#auth-password", "a long enough password").await;
    click(c, "form button[type=submit]").await;
    wait_text(c, "#signup-sent .address", |t| t == email).await;
    let token = support::mailed_token(instance, email, "verify");
    c.goto(&format!("{}/#/verify/{token}", server.base)).await.unwrap();
    find(c, "#talent-form").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talent_signs_up_searches_in_italian_and_sees_an_english_offer_matched() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (instance, server) = platform(dir.path()).await;
    let (_driver, c) = browser().await;

    // The page speaks the browser's language, Italian here.
    sign_up_as_talent(&c, &instance, &server, "Priya Raman", "priya@example.org").await;

    // A wrong field is marked next to itself, before anything is sent.
    type_in(&c, "#profile-country_of_origin", "Atlantide").await;
    click(&c, "#profile-save").await;
    let error = wait_text(&c, "#profile-country_of_origin-error", |t| !t.is_empty()).await;
    assert!(!error.is_empty());
    let invalid = find(&c, "#profile-country_of_origin").await.attr("aria-invalid").await.unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));

    type_in(&c, "#profile-country_of_origin", "IN").await;
    type_in(&c, "#profile-headline", "Data scientist, time series and forecasting").await;
    set_value(&c, "#profile-residence-comune", "torino").await;
    type_in(&c, "#profile-experience_years", "3").await;
    // Skills from the bilingual taxonomy: one by mouse, two by keyboard.
    type_in(&c, "#profile-skills", "python").await;
    click(&c, "#profile-skills-options li[data-skill=python]").await;
    for word in ["data science", "time series", "sql"] {
        type_in(&c, "#profile-skills", word).await;
        find(&c, "#profile-skills-options li[role=option]").await;
        find(&c, "#profile-skills").await.send_keys("\u{E007}").await.unwrap();
    }
    let chips = c.find_all(Locator::Css(".skills-picker .chip")).await.unwrap();
    assert_eq!(chips.len(), 4, "four skills picked");
    // Italian B1 is the default first row; add English C1.
    click(&c, "#profile-add-language").await;
    set_value(&c, "#profile-language-1", "en").await;
    set_value(&c, "#profile-level-1", "C1").await;
    click(&c, "#profile-seeking-job").await;
    click(&c, "#profile-sectors-ict").await;
    click(&c, "#profile-save").await;
    wait_text(&c, "#profile-status", |t| t.contains("Profilo salvato")).await;

    // Search in Italian; an offer written in English is found.
    click(&c, "a.brand").await;
    type_in(&c, "#search-text", "scienziato dei dati").await;
    click(&c, "#search-submit").await;
    let hit = format!(".hit[data-id='{DATA_SCIENTIST_OFFER}'] h3 a");
    let title = wait_text(&c, &hit, |t| t.contains("Data Scientist")).await;
    assert!(title.contains("Demand Forecasting"), "{title}");
    find(&c, ".snippet b").await;
    click(&c, &hit).await;

    // Its detail shows "your match" with the explanation.
    wait_text(&c, "#your-match-title", |t| t == "Il tuo match").await;
    let score = wait_text(&c, "#match-score", |t| t.ends_with('%')).await;
    let percent: u32 = score.trim_end_matches('%').parse().unwrap();
    assert!(percent > 0, "{score}");
    assert_eq!(find(&c, ".pair").await.attr("data-excluded").await.unwrap().as_deref(), Some("false"));
    let factors = c.find_all(Locator::Css(".pair .factor")).await.unwrap();
    assert!(factors.len() >= 3, "an explanation with its factors");
    let reason = factors[0].text().await.unwrap();
    assert!(!reason.is_empty());

    // My matches, live: the offer is in my list, and the subscription is up.
    c.goto(&format!("{}/#/matches", server.base)).await.unwrap();
    find(&c, "#live-status[data-connected=true]").await;
    find(&c, &format!(".match[data-id='{DATA_SCIENTIST_OFFER}']")).await;
    screenshot(&c, "talent-matches").await;
    web_app_bugs_stay_fixed(&c, &server).await;

    // The language switch changes the page and is remembered across a reload.
    click(&c, "#lang-switch").await;
    wait_text(&c, "h1", |t| t == "My matches").await;
    c.refresh().await.unwrap();
    wait_text(&c, "h1", |t| t == "My matches").await;

    // A forgotten password: the link e-mailed to her sets a new one (an easy one is refused
    // next to its field) and logs her in; the old password no longer works.
    c.goto(&format!("{}/#/login", server.base)).await.unwrap();
    click(&c, "#forgot-link").await;
    type_in(&c, "#auth-email", "priya@example.org").await;
    click(&c, "form button[type=submit]").await;
    find(&c, "#forgot-sent").await;
    let token = support::mailed_token(&instance, "priya@example.org", "reset");
    c.goto(&format!("{}/#/reset/{token}", server.base)).await.unwrap();
    type_in(&c, "#auth-newPassword", "1234567890").await;
    click(&c, "form button[type=submit]").await;
    wait_text(&c, "#auth-newPassword-error", |t| !t.is_empty()).await;
    type_in(&c, "#auth-newPassword", "a fresh and long passphrase").await;
    click(&c, "form button[type=submit]").await;
    find(&c, "#talent-form").await;
    server.login("priya@example.org", "a fresh and long passphrase").await;
    account_and_privacy(&c, &server).await;
    c.close().await.unwrap();
}

/// Whether `email` logs in with `password` (the GraphQL answer's error code otherwise).
async fn logs_in(server: &Server, email: &str, password: &str) -> Result<(), String> {
    let query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let body = graphql(server, None, query, json!({"e": email, "p": password})).await;
    match body["data"]["login"]["token"].as_str() {
        Some(_) => Ok(()),
        None => Err(body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default().to_owned()),
    }
}

/// Priya's account page: a new password (the wrong current one refused), a consent given,
/// her data downloaded as JSON, and her account erased after she types her e-mail.
async fn account_and_privacy(c: &Client, server: &Server) {
    let email = "priya@example.org";
    c.goto(&format!("{}/#/account", server.base)).await.unwrap();
    // The page is in English: she switched earlier.
    wait_text(c, "main h1", |t| t == "My account").await;
    type_in(c, "#account-currentPassword", "not my password at all").await;
    type_in(c, "#account-newPassword", "another long passphrase 42").await;
    click(c, "#password-save").await;
    wait_text(c, "#account-currentPassword-error", |t| !t.is_empty()).await;
    type_in(c, "#account-currentPassword", "a fresh and long passphrase").await;
    click(c, "#password-save").await;
    wait_text(c, "#password-changed", |t| t.starts_with("Password changed")).await;
    assert_eq!(logs_in(server, email, "a fresh and long passphrase").await, Err("UNAUTHENTICATED".into()));
    assert_eq!(logs_in(server, email, "another long passphrase 42").await, Ok(()));

    // A consent, kept across a reload (the page goes on with the new token).
    click(c, "#consent-contact-sharing").await;
    c.refresh().await.unwrap();
    wait_until(c, "the consent is read back", async || prop(c, "#consent-contact-sharing", "checked").await == "true")
        .await;

    // Everything the platform holds about her, as a JSON file.
    click(c, "#export-data").await;
    let link = find(c, "#export-link").await;
    let name = link.attr("download").await.unwrap().unwrap_or_default();
    assert!(name.starts_with("crocevia-") && name.ends_with(".json"), "{name}");
    let text = js(
        c,
        "const href = document.getElementById('export-link').href;
                      return decodeURIComponent(href.slice(href.indexOf(',') + 1))",
    )
    .await;
    let data: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(data["user"]["email"], email, "{data}");
    assert_eq!(data["talent"]["displayName"], "Priya Raman");
    assert!(data["applications"].as_array().is_some_and(|a| !a.is_empty()), "her application: {data}");
    let consents = data["consents"].as_array().unwrap();
    assert!(consents.iter().any(|c| c["purpose"] == "CONTACT_SHARING" && c["granted"] == true), "{data}");

    // Erasing asks for her e-mail first, then logs her out for good.
    click(c, "#erase-start").await;
    assert_eq!(prop(c, "#erase-final", "disabled").await, "true");
    type_in(c, "#erase-confirm", email).await;
    wait_until(c, "the erase button is enabled", async || prop(c, "#erase-final", "disabled").await == "false").await;
    click(c, "#erase-final").await;
    wait_until(c, "she is logged out at home", async || js(c, "return location.hash").await == "#/").await;
    assert!(c.find(Locator::Css("#logout")).await.is_err());
    assert_eq!(logs_in(server, email, "another long passphrase 42").await, Err("UNAUTHENTICATED".into()));
}

/// What a script in the page returns, as text.
async fn js(c: &Client, script: &str) -> String {
    let value = c.execute(script, vec![]).await.unwrap();
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

/// The bugs issue 21 lists for the web app, each where a user meets it, on a talent's
/// session that starts on her live matches page.
async fn web_app_bugs_stay_fixed(c: &Client, server: &Server) {
    // Every uncaught error from here on is kept (the app is one document: the hash changes).
    js(
        c,
        "window.__errors = [];
         window.addEventListener('error', e => window.__errors.push(String(e.message)));
         window.addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));
         return 'ok'",
    )
    .await;
    // "Vai al contenuto" focuses the page's heading; it opens no page called "main".
    js(c, "document.querySelector('a.skip').click(); return 'ok'").await;
    assert_eq!(js(c, "return location.hash").await, "#/matches");
    assert_eq!(js(c, "return document.activeElement.tagName").await, "H1");
    // Another page: the focus lands on its heading, not on <body>; the live page's socket,
    // closed as the page goes, calls nothing that was dropped.
    click(c, "nav a[href='#/insights']").await;
    wait_until(c, "the new page's heading has the focus", async || {
        js(c, "return document.activeElement.tagName + ' ' + location.hash").await == "H1 #/insights"
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(js(c, "return JSON.stringify(window.__errors)").await, "[]", "errors after leaving a live page");
    // A filter the API does not know: the refusal, not "Caricamento…" forever.
    c.goto(&format!("{}/#/search?kind=offer&f=bogus:zz", server.base)).await.unwrap();
    let refusal = wait_text(c, ".search-page .error", |t| !t.is_empty()).await;
    assert!(refusal.contains("bogus"), "{refusal}");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let results = find(c, ".search-page .results").await.text().await.unwrap();
    assert!(!results.contains("Caricamento"), "still loading: {results:?}");
    // The browser finds the icon the page names.
    let icon = js(c, "return document.querySelector('link[rel=icon]').href").await;
    assert_eq!(reqwest::get(&icon).await.unwrap().status(), 200, "{icon}");
    // Slow networks: the HTML says "Caricamento…" before the wasm arrives, and the started
    // app removes it; the wasm's name carries its hash, so it is kept for a year.
    let html = reqwest::get(format!("{}/", server.base)).await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"boot-placeholder\""), "{html}");
    assert_eq!(js(c, "return String(document.getElementById('boot-placeholder'))").await, "null");
    let wasm = js(c, "return document.querySelector('link[rel=preload]').href").await;
    let wasm = reqwest::Client::new().get(&wasm).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    // The build makes brotli copies where the machine has brotli (CI installs it).
    let brotli = Command::new("brotli").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    let encoding = wasm.headers().get("content-encoding").and_then(|v| v.to_str().ok());
    assert_eq!(encoding, brotli.then_some("br"));
    // The language button's accessible name starts with what it shows.
    let label = find(c, "#lang-switch").await.attr("aria-label").await.unwrap().unwrap_or_default();
    let shown = find(c, "#lang-switch").await.text().await.unwrap();
    assert!(label.starts_with(shown.trim()), "{label:?} does not start with {shown:?}");

    // She applies to the data scientist offer: her applications show no score column (the
    // organisation's own assessment), and withdrawing asks first.
    c.goto(&format!("{}/#/offer/{DATA_SCIENTIST_OFFER}", server.base)).await.unwrap();
    type_in(c, "#apply-motivation", "Serie storiche e previsioni: il mio lavoro").await;
    click(c, "#apply-submit").await;
    find(c, "#apply-sent").await;
    let salary = find(c, ".facts dd.salary").await.text().await.unwrap();
    assert!(salary.contains('–') && salary.contains('€'), "{salary}");
    c.goto(&format!("{}/#/applications", server.base)).await.unwrap();
    let row = ".applications tr[data-stage=SUBMITTED]";
    find(c, row).await;
    let headers =
        js(c, "return [...document.querySelectorAll('.applications th')].map(h => h.innerText).join('|')").await;
    assert!(!headers.contains("Punteggio"), "{headers}");
    click(c, &format!("{row} button.withdraw")).await;
    find(c, &format!("{row} button.confirm-withdraw")).await;
    click(c, &format!("{row} button.link")).await;
    find(c, &format!("{row} button.withdraw")).await;
    assert_eq!(js(c, "return JSON.stringify(window.__errors)").await, "[]");
    c.goto(&format!("{}/#/matches", server.base)).await.unwrap();
    find(c, "#live-status[data-connected=true]").await;
}

async fn graphql(server: &Server, token: Option<&str>, query: &str, variables: serde_json::Value) -> serde_json::Value {
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", server.base))
        .json(&json!({"query": query, "variables": variables}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incubator_posts_a_programme_and_sees_an_eligible_startup_ranked_first() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (_instance, server) = platform_with_incubator_member(dir.path()).await;

    let (_driver, c) = browser().await;
    // A phone-width screen.
    c.set_window_size(390, 900).await.unwrap();
    c.goto(&format!("{}/#/login", server.base)).await.unwrap();
    type_in(&c, "#auth-email", "giulia@i3p.example.org").await;
    type_in(&c, "#auth-password", "incubator password").await;
    click(&c, "form button[type=submit]").await;
    click(&c, "#new-programme").await;
    find(&c, "#programme-form").await;

    // Missing title and dates: errors sit next to their fields.
    click(&c, "#programme-save").await;
    wait_text(&c, "#programme-title-error", |t| !t.is_empty()).await;

    type_in(&c, "#programme-title", "Digital Seed Track 2027").await;
    type_in(
        &c,
        "#programme-description",
        "Accelerazione per startup digitali in fase seed: mentoring, cloud e investitori.",
    )
    .await;
    set_value(&c, "#programme-model", "acceleration").await;
    click(&c, "#programme-sectors-ict").await;
    set_value(&c, "#programme-application_deadline", "2027-02-15").await;
    set_value(&c, "#programme-cohort_start", "2027-03-01").await;
    set_value(&c, "#programme-cohort_end", "2027-07-31").await;
    type_in(&c, "#programme-capacity", "8").await;
    click(&c, "#programme-rule_stages-pre_seed").await;
    click(&c, "#programme-rule_stages-seed").await;
    click(&c, "#programme-rule_sectors-ict").await;
    click(&c, "#programme-rule_seat").await;
    click(&c, "#programme-save").await;

    // The ranking page fills in once matching has ranked the new programme.
    wait_text(&c, "#ranking-title", |t| t == "Digital Seed Track 2027").await;
    let first = "#candidates li.match:first-child";
    find(&c, first).await;
    let status = find(&c, &format!("{first} .verdict")).await.attr("data-status").await.unwrap();
    assert_eq!(status.as_deref(), Some("ELIGIBLE"), "an eligible startup ranks first");
    let ranks = c.find_all(Locator::Css("#candidates li.match")).await.unwrap();
    assert!(ranks.len() >= 2, "several startups ranked");
    screenshot(&c, "incubator-ranking").await;

    // The organisation's list has it; its form reads it back, rules included, and saves it.
    let url = c.current_url().await.unwrap();
    let id = url.fragment().and_then(|f| f.rsplit('/').next()).unwrap().to_owned();
    let line = format!(".posting-list li[data-id='{id}']");
    let edit = format!("{}/#/postings/programme/{id}", server.base);
    c.goto(&format!("{}/#/postings", server.base)).await.unwrap();
    click(&c, &format!("{line} a[href='#/postings/programme/{id}']")).await;
    find(&c, "#programme-form").await;
    assert_eq!(prop(&c, "#programme-title", "value").await, "Digital Seed Track 2027");
    assert_eq!(prop(&c, "#programme-cohort_start", "value").await, "2027-03-01");
    for rule in ["#programme-rule_stages-seed", "#programme-rule_sectors-ict", "#programme-rule_seat"] {
        assert_eq!(prop(&c, rule, "checked").await, "true", "{rule}");
    }
    type_in(&c, "#programme-capacity", "9").await;
    click(&c, "#programme-save").await;
    wait_text(&c, "#ranking-title", |t| t == "Digital Seed Track 2027").await;
    c.goto(&edit).await.unwrap();
    find(&c, "#programme-form").await;
    assert_eq!(prop(&c, "#programme-capacity", "value").await, "9", "the update was saved");

    // Closed from the list, its page says it takes no more applications.
    c.goto(&format!("{}/#/postings", server.base)).await.unwrap();
    click(&c, &format!("{line} button.link")).await;
    wait_text(&c, &format!("{line} .status"), |t| t == "Chiusa").await;
    c.goto(&format!("{}/#/programme/{id}", server.base)).await.unwrap();
    wait_text(&c, ".detail .org", |t| t.starts_with("I3P")).await;
    find(&c, "#closed").await;

    // An offer: a salary range upside down is marked before anything is sent, then it is posted.
    c.goto(&format!("{}/#/postings/new-offer", server.base)).await.unwrap();
    find(&c, "#offer-form").await;
    type_in(&c, "#offer-title", "Tirocinio in sistemi embedded").await;
    type_in(&c, "#offer-salary_min_eur", "40000").await;
    type_in(&c, "#offer-salary_max_eur", "30000").await;
    click(&c, "#offer-save").await;
    wait_text(&c, "#offer-salary_max_eur-error", |t| !t.is_empty()).await;
    type_in(&c, "#offer-salary_max_eur", "50000").await;
    click(&c, "#offer-save").await;
    wait_text(&c, "#ranking-title", |t| t == "Tirocinio in sistemi embedded").await;
    c.close().await.unwrap();
}

/// Posts a programme of the incubator over GraphQL, applications open two months from today;
/// returns its id.
async fn post_programme(server: &Server, token: &str, programme: serde_json::Value) -> String {
    let today = chrono::Utc::now().date_naive();
    let day = |days: i64| (today + chrono::Duration::days(days)).to_string();
    let mut programme = programme;
    for (field, value) in [
        ("applicationDeadline", json!(day(60))),
        ("cohortStart", json!(day(75))),
        ("cohortEnd", json!(day(240))),
        ("capacity", json!(8)),
        ("languages", json!(["it"])),
        ("comune", json!("torino")),
    ] {
        if programme.get(field).is_none() {
            programme[field] = value;
        }
    }
    let saved = graphql(
        server,
        Some(token),
        "mutation($p: ProgrammeInput!) { postProgramme(programme: $p) { id } }",
        json!({"p": programme}),
    )
    .await;
    saved["data"]["postProgramme"]["id"].as_str().unwrap_or_else(|| panic!("postProgramme: {saved}")).to_owned()
}

/// Saves the startup's profile over GraphQL, with `team` people; returns the startup's id.
async fn save_startup(server: &Server, token: &str, team: u32) -> String {
    let startup = json!({
        "name": "Nebbia Robotics",
        "description": "Robot per l'ispezione delle reti idriche con visione artificiale e manutenzione predittiva.",
        "sectors": ["ICT"],
        "stage": "SEED",
        "legalForm": "NOT_INCORPORATED",
        "seat": {"comune": "torino"},
        "teamSize": team,
        "contactEmail": "team@nebbia.example.org",
    });
    let saved = graphql(
        server,
        Some(token),
        "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
        json!({"p": {"startup": startup}}),
    )
    .await;
    saved["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("saveProfile: {saved}")).to_owned()
}

/// An eligible programme ranks above a not-eligible one whatever their fits, in the order
/// the platform gives: eligible (2), eligible if (1), not eligible (0).
fn verdict_class(status: &str) -> u8 {
    match status {
        "ELIGIBLE" => 2,
        "ELIGIBLE_IF" => 1,
        _ => 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_sees_eligible_programmes_first_and_cannot_apply_where_not_eligible() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    Instance::embedded(dir.path()).add_root();
    let (instance, server) = platform(dir.path()).await;
    let admin = server.login(support::ROOT_EMAIL, support::ROOT_PASSWORD).await;
    add_incubator_member(&server, &admin).await;
    let incubator = server.login("giulia@i3p.example.org", "incubator password").await;
    let startup_token =
        server.sign_up(&instance, "team@nebbia.example.org", "startup password", "Nebbia", "STARTUP").await;
    let startup = save_startup(&server, &startup_token, 5).await;

    // Made for this startup (its sector, its phase, its comune, its words) but for female-led
    // teams of at most two: the best fit, and not eligible, for two reasons.
    let best_fit = post_programme(
        &server,
        &incubator,
        json!({
            "title": "Reti idriche intelligenti",
            "description": "Accelerazione per robot di ispezione delle reti idriche: visione artificiale e manutenzione predittiva.",
            "model": "ACCELERATION", "phases": ["ACCELERATION"], "sectors": ["ICT"],
            "eligibility": [{"founders": {"femaleLed": true}}, {"teamSize": {"max": 2}}],
        }),
    )
    .await;
    // Another sector, another phase, another comune: a poor fit, and eligible.
    let eligible = post_programme(
        &server,
        &incubator,
        json!({
            "title": "Turismo lento nelle valli",
            "description": "Laboratorio di ospitalità diffusa e cammini.",
            "model": "INCUBATION", "phases": ["SCALE_UP"], "sectors": ["TOURISM"], "comune": "chieri",
            "eligibility": [{"teamSize": {"max": 10}}],
        }),
    )
    .await;
    // Eligible once the team incorporates.
    let conditional = post_programme(
        &server,
        &incubator,
        json!({
            "title": "Costituisci e cresci",
            "description": "Incubazione per team digitali che costituiscono la società.",
            "model": "INCUBATION", "phases": ["INCUBATION"], "sectors": ["ICT"],
            "eligibility": [{"legalFormIn": {"forms": ["SRL"], "incorporationByDeadline": true}}],
        }),
    )
    .await;

    // Matching ranks the three for the startup.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer = graphql(
            &server,
            Some(&startup_token),
            "query($s: ID!) { matches(subject: $s) { counterpartId } }",
            json!({"s": startup}),
        )
        .await;
        let ids: Vec<&str> = answer["data"]["matches"]
            .as_array()
            .map(|l| l.iter().filter_map(|m| m["counterpartId"].as_str()).collect())
            .unwrap_or_default();
        if [&best_fit, &eligible, &conditional].iter().all(|id| ids.contains(&id.as_str())) {
            break;
        }
        assert!(Instant::now() < deadline, "the startup's list never held the three programmes: {answer}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    let (_driver, c) = browser().await;
    c.goto(&format!("{}/#/login", server.base)).await.unwrap();
    type_in(&c, "#auth-email", "team@nebbia.example.org").await;
    type_in(&c, "#auth-password", "startup password").await;
    click(&c, "form button[type=submit]").await;
    click(&c, "nav a[href='#/matches']").await;
    find(&c, &format!(".match[data-id='{best_fit}']")).await;
    find(&c, &format!(".match[data-id='{eligible}']")).await;
    find(&c, &format!(".match[data-id='{conditional}']")).await;

    // Eligible first, then eligible if, then not eligible, though the not-eligible one fits best.
    let mut cards = Vec::new();
    for el in c.find_all(Locator::Css("li.match")).await.unwrap() {
        let id = el.attr("data-id").await.unwrap().unwrap_or_default();
        let status = el.attr("data-status").await.unwrap().unwrap_or_default();
        let score: f64 = el.attr("data-score").await.unwrap().unwrap_or_default().parse().unwrap();
        cards.push((id, status, score));
    }
    let classes: Vec<u8> = cards.iter().map(|(_, s, _)| verdict_class(s)).collect();
    assert!(classes.windows(2).all(|w| w[0] >= w[1]), "eligible first, then eligible if, then not: {cards:?}");
    let at = |id: &str| cards.iter().position(|(i, _, _)| i == id).unwrap();
    let (fit_of_best, fit_of_eligible) = (cards[at(&best_fit)].2, cards[at(&eligible)].2);
    assert!(fit_of_best > fit_of_eligible, "the scenario needs the not-eligible one to fit better: {cards:?}");
    assert!(at(&eligible) < at(&conditional) && at(&conditional) < at(&best_fit), "{cards:?}");
    assert_eq!(cards[at(&best_fit)].1, "NOT_ELIGIBLE");
    assert_eq!(cards[at(&conditional)].1, "ELIGIBLE_IF");
    // The percentage is named the fit, and the order is said.
    let fit = find(&c, &format!(".match[data-id='{best_fit}'] .fit")).await.text().await.unwrap();
    assert!(fit.starts_with("Affinità") && fit.ends_with('%'), "{fit}");
    find(&c, "#matches-order").await;
    // Not eligible: the badge and both reasons; eligible if: its condition.
    let not_eligible = format!(".match[data-id='{best_fit}'] .verdict[data-status=NOT_ELIGIBLE]");
    let badge = find(&c, &format!("{not_eligible} strong")).await.text().await.unwrap();
    assert_eq!(badge, "Non ammissibile");
    find(&c, &format!("{not_eligible} li[data-rule=founders]")).await;
    wait_text(&c, &format!("{not_eligible} li[data-rule=team_size]"), |t| t.contains("team di 5 persone")).await;
    let condition =
        format!(".match[data-id='{conditional}'] .verdict[data-status=ELIGIBLE_IF] li[data-rule=legal_form_in]");
    wait_text(&c, &condition, |t| t.starts_with("se costituisci la società")).await;
    screenshot(&c, "startup-matches").await;

    // The not-eligible programme: the apply button is disabled, with the reasons beside it.
    click(&c, &format!(".match[data-id='{best_fit}'] h3 a")).await;
    find(&c, "#apply-blocked").await;
    assert_eq!(prop(&c, "#apply-submit", "disabled").await, "true");
    let reasons = c.find_all(Locator::Css("#apply-blocked li")).await.unwrap();
    assert_eq!(reasons.len(), 2, "every reason");
    wait_text(&c, "#apply-blocked li[data-rule=team_size]", |t| t.contains("team di 5 persone")).await;
    c.execute("document.getElementById('apply-blocked').scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "startup-not-eligible").await;
    // In English too.
    click(&c, "#lang-switch").await;
    wait_text(&c, "#apply-blocked li[data-rule=founders]", |t| t.contains("female-led")).await;
    wait_text(&c, ".pair .score", |t| t.starts_with("Fit")).await;

    // Eligible if: the conditions are shown with the form, and the application is accepted.
    c.goto(&format!("{}/#/programme/{conditional}", server.base)).await.unwrap();
    wait_text(&c, "#apply-conditions li[data-rule=legal_form_in]", |t| t.starts_with("if you incorporate")).await;
    assert_eq!(prop(&c, "#apply-submit", "disabled").await, "false");
    click(&c, "#apply-submit").await;
    wait_text(&c, "#apply-sent", |t| t == "Application sent").await;

    // Eligible when the page loaded, not any more when applying: the server's refusal and
    // every reason it gives are shown, never a success.
    c.goto(&format!("{}/#/programme/{eligible}", server.base)).await.unwrap();
    find(&c, "#apply-submit").await;
    assert_eq!(prop(&c, "#apply-submit", "disabled").await, "false");
    save_startup(&server, &startup_token, 20).await;
    click(&c, "#apply-submit").await;
    wait_text(&c, "#apply-refused li[data-rule=team_size]", |t| t.contains("team of 20")).await;
    let refused = find(&c, "#apply-refused").await.text().await.unwrap();
    assert!(refused.starts_with("Application not sent"), "{refused}");
    assert!(c.find(Locator::Css("#apply-sent")).await.is_err(), "a refusal never reads as a success");
    c.execute("document.getElementById('apply-refused').scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "startup-apply-refused").await;
    c.close().await.unwrap();
}

/// A property of the element `css` matches (`value`, `checked`).
async fn prop(c: &Client, css: &str, name: &str) -> String {
    find(c, css).await.prop(name).await.unwrap().unwrap_or_default()
}

/// The `data-count` of every element `css` matches.
async fn counts(c: &Client, css: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for el in c.find_all(Locator::Css(css)).await.unwrap() {
        let count = el.attr("data-count").await.unwrap().unwrap_or_default();
        out.push(count.parse().unwrap_or_else(|_| panic!("{css} has data-count {count:?}")));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_opens_the_observatory_and_reads_its_charts_in_both_languages() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (_instance, server) = platform(dir.path()).await;
    // The aggregates take in the demo data's events after start-up.
    let query = "query { openData { sectors: dataset(id: \"offers_by_sector\") { rows { count } } \
                 months: dataset(id: \"offers_by_month\") { rows { count } } \
                 graduates: dataset(id: \"graduates_retention_by_institution\") { rows { count } } \
                 hires: dataset(id: \"hires_by_origin\") { rows { count } } } }";
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let answer = graphql(&server, None, query, json!({})).await;
        let filled =
            |name: &str| answer["data"]["openData"][name]["rows"].as_array().is_some_and(|rows| !rows.is_empty());
        if filled("sectors") && filled("months") && filled("graduates") && filled("hires") {
            break;
        }
        assert!(Instant::now() < deadline, "the open data never filled in: {answer}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let (_driver, c) = browser().await;

    // From the header, without logging in.
    c.goto(&format!("{}/#/", server.base)).await.unwrap();
    click(&c, "nav a[href='#/insights']").await;
    wait_text(&c, "h1", |t| t == "Osservatorio").await;

    // Offers by sector: several bars, every one with a count.
    let sector_bars = "[data-dataset=offers_by_sector] .bar-row";
    find(&c, sector_bars).await;
    let sectors = counts(&c, sector_bars).await;
    assert!(sectors.len() >= 2 && sectors.iter().all(|n| *n > 0), "{sectors:?}");
    let first_label = find(&c, &format!("{sector_bars} .bar-label")).await.text().await.unwrap();
    assert!(!first_label.is_empty());
    // The month trend: columns with counts.
    let months = counts(&c, "#offers-trend .trend-point[data-count]").await;
    assert!(!months.is_empty() && months.iter().all(|n| *n > 0), "{months:?}");
    // The months under k are counted together below the chart: what it shows adds up to the
    // dataset's total (it once showed 25 under "Total: 48").
    let answer = graphql(&server, None, "{ openData { dataset(id: \"offers_by_month\") { total } } }", json!({})).await;
    let total = answer["data"]["openData"]["dataset"]["total"].as_u64().unwrap();
    let other: u64 = match c.find(Locator::Css("#offers-trend-other")).await {
        Ok(note) => note.attr("data-count").await.unwrap().unwrap().parse().unwrap(),
        Err(_) => 0,
    };
    assert_eq!(months.iter().sum::<u64>() + other, total, "{months:?} + {other}");
    let offers = find(&c, "#tile-offers .tile-value").await.text().await.unwrap();
    assert_ne!(offers, "—", "the demo data has enough offers to publish");
    // Every dataset's downloads are served, without logging in.
    let csv = find(&c, "[data-dataset=offers_by_sector] a.download").await.attr("href").await.unwrap().unwrap();
    let (status, body) = server.get(&csv).await;
    assert_eq!(status, 200, "{csv}");
    assert!(body.lines().count() > 1, "{csv}: {body}");
    let (status, _) = server.get("/open-data/v1/dictionary.json").await;
    assert_eq!(status, 200);

    // Talenti a Torino: graduates still in the area a year on, by institution (the demo's
    // check-ins), and hires by origin, with their headline shares; every row at least k.
    let retention_bars = "[data-dataset=graduates_retention_by_institution] .bar-row";
    find(&c, retention_bars).await;
    let graduates = counts(&c, retention_bars).await;
    assert!(!graduates.is_empty() && graduates.iter().all(|n| *n >= 5), "{graduates:?}");
    wait_text(&c, "[data-dataset=graduates_retention_by_institution] .bar-row[data-key=polito] .bar-label", |t| {
        t == "Politecnico di Torino"
    })
    .await;
    wait_text(&c, "[data-dataset=graduates_retention_by_institution] .bar-row[data-key=polito] .bar-note", |t| {
        t.contains("ancora qui")
    })
    .await;
    let retention = find(&c, "#tile-retention .tile-value").await.text().await.unwrap();
    assert!(retention.ends_with('%'), "the share who stayed is published: {retention}");
    let hires = counts(&c, "[data-dataset=hires_by_origin] .bar-row").await;
    assert!(!hires.is_empty() && hires.iter().all(|n| *n >= 5), "{hires:?}");
    let international = find(&c, "#tile-international-hires .tile-value").await.text().await.unwrap();
    assert!(international.ends_with('%'), "{international}");

    // The whole page in one picture.
    let height = c.execute("return document.documentElement.scrollHeight", vec![]).await.unwrap();
    c.set_window_size(1280, (height.as_u64().unwrap_or(1000) + 200).clamp(1000, 8000) as u32).await.unwrap();
    screenshot(&c, "insights").await;

    // The language switch changes headings, labels and month names.
    click(&c, "#lang-switch").await;
    wait_text(&c, "h1", |t| t == "Insights").await;
    wait_text(&c, "#insights-sectors-title", |t| t == "By sector").await;
    let month = find(&c, "#offers-trend .trend-month").await.text().await.unwrap();
    assert!(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].contains(&month.as_str()),
        "{month}"
    );
    // At phone width the charts stack in one column.
    c.set_window_size(390, 900).await.unwrap();
    c.execute("document.getElementById('insights-sectors').scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "insights-phone").await;
    c.close().await.unwrap();
}

/// A startup of the selection round, with its own name in its description and motivation
/// (a blind review must mask it there too).
struct Applicant {
    name: &'static str,
    email: &'static str,
    sector: &'static str,
    team: u32,
    token: String,
    startup: String,
    application: Option<String>,
}

async fn log_in(c: &Client, base: &str, email: &str, password: &str) {
    if c.find(Locator::Css("#logout")).await.is_ok() {
        click(c, "#logout").await;
    }
    c.goto(&format!("{base}/#/login")).await.unwrap();
    type_in(c, "#auth-email", email).await;
    type_in(c, "#auth-password", password).await;
    click(c, "form button[type=submit]").await;
    find(c, "#logout").await;
}

/// Reviews one packet on the reviewer's page with one criterion, `points` of 10, and waits
/// until the page shows the review as given.
async fn review(c: &Client, application: &str, points: u32) {
    let packet = format!(".packet[data-id='{application}']");
    type_in(c, &format!("{packet} input.criterion"), "Team").await;
    type_in(c, &format!("{packet} input.points"), &points.to_string()).await;
    click(c, &format!("{packet} button.submit-review")).await;
    find(c, &format!("{packet}[data-reviewed=true] .my-review")).await;
}

/// The page's visible text.
async fn body_text(c: &Client) -> String {
    c.execute("return document.body.innerText", vec![]).await.unwrap().as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_programme_selects_its_cohort_with_a_blind_panel_and_a_waitlist() {
    let _turn = one_at_a_time().await;
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let instance = Instance::embedded(dir.path());
    instance.add_root();
    let (instance, server) = platform(dir.path()).await;
    let admin = server.login(support::ROOT_EMAIL, support::ROOT_PASSWORD).await;

    // The incubator's manager and three reviewers, members created by the administrator.
    let mut members = Vec::new();
    for (email, name) in [
        ("giulia@i3p.example.org", "Giulia (I3P)"),
        ("marco@i3p.example.org", "Marco Revisore"),
        ("sara@i3p.example.org", "Sara Revisora"),
        ("luca@i3p.example.org", "Luca Revisore"),
    ] {
        let member = graphql(
            &server,
            Some(&admin),
            "mutation($o: ID!, $e: String!, $n: String!) { createMember(organisationId: $o, email: $e, password: \"member password\", displayName: $n) { id } }",
            json!({"o": INCUBATOR, "e": email, "n": name}),
        )
        .await;
        members.push(member["data"]["createMember"]["id"].as_str().unwrap_or_else(|| panic!("{member}")).to_owned());
    }
    let (marco, sara, luca) = (members[1].clone(), members[2].clone(), members[3].clone());
    let manager = server.login("giulia@i3p.example.org", "member password").await;
    // Two places, for ICT startups of at most ten people, with a form of its own: the team
    // (required) and the technology's readiness level.
    let programme = post_programme(
        &server,
        &manager,
        json!({
            "title": "AcceleraTO Deep Tech 2027",
            "description": "Accelerazione per startup deep tech torinesi: mentoring, laboratori e investitori.",
            "model": "ACCELERATION", "phases": ["ACCELERATION"], "sectors": ["ICT"], "capacity": 2,
            "eligibility": [{"sectorIn": {"sectors": ["ICT"]}}, {"teamSize": {"max": 10}}],
            "form": [
                {"key": "team", "kind": "LONG_TEXT", "labelIt": "Chi c'è nel team?", "labelEn": "Who is on the team?", "required": true, "maxChars": 800},
                {"key": "trl", "kind": "SINGLE_CHOICE", "labelIt": "Maturità della tecnologia", "labelEn": "Technology readiness", "options": [
                    {"key": "lab", "labelIt": "Prototipo di laboratorio", "labelEn": "Lab prototype"},
                    {"key": "pilot", "labelIt": "Pilota con un cliente", "labelEn": "Pilot with a customer"},
                ]},
            ],
        }),
    )
    .await;

    // Five startups apply, answering the form; the team answer names the startup, which a
    // blind review must mask.; the fifth (food, twenty people) is refused with both reasons.
    let mut startups = vec![
        ("Nebbia Robotics", "team@nebbia.example.org", "ICT", 4),
        ("Sole Quantum", "team@solequantum.example.org", "ICT", 3),
        ("Grissino Vision", "team@grissino.example.org", "ICT", 5),
        ("Mole Analytics", "team@mole.example.org", "ICT", 2),
        ("Barolo Foods", "team@barolo.example.org", "FOOD_AND_WINE", 20),
    ]
    .into_iter()
    .map(|(name, email, sector, team)| Applicant {
        name,
        email,
        sector,
        team,
        token: String::new(),
        startup: String::new(),
        application: None,
    })
    .collect::<Vec<_>>();
    for s in &mut startups {
        s.token = server.sign_up(&instance, s.email, "startup password", s.name, "STARTUP").await;
        let profile = json!({"startup": {
            "name": s.name,
            "description": format!("{} sviluppa tecnologia per la manifattura piemontese.", s.name),
            "sectors": [s.sector], "stage": "SEED", "legalForm": "SRL", "foundedOn": "2024-03-01", "seat": {"comune": "torino"}, "teamSize": s.team,
            "contactEmail": s.email,
        }});
        let saved = graphql(
            &server,
            Some(&s.token),
            "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }",
            json!({"p": profile}),
        )
        .await;
        s.startup = saved["data"]["saveProfile"]["id"].as_str().unwrap_or_else(|| panic!("{saved}")).to_owned();
        let answers = json!([
            {"key": "team", "text": format!("I fondatori di {} vengono dal Politecnico di Torino.", s.name)},
            {"key": "trl", "choices": ["pilot"]},
        ]);
        let applied = graphql(
            &server,
            Some(&s.token),
            "mutation($t: ID!, $m: String!, $a: [AnswerInput!]) { apply(target: $t, motivation: $m, answers: $a) { id } }",
            json!({"t": programme, "m": format!("Con {} vogliamo crescere a Torino.", s.name), "a": answers}),
        )
        .await;
        s.application = applied["data"]["apply"]["id"].as_str().map(str::to_owned);
        if s.team > 10 {
            let reasons = applied["errors"][0]["extensions"]["reasons"].as_array().cloned().unwrap_or_default();
            assert_eq!(reasons.len(), 2, "every reason the startup is not eligible: {applied}");
            assert!(s.application.is_none(), "{applied}");
        } else {
            assert!(s.application.is_some(), "{applied}");
        }
    }
    let app = |i: usize| startups[i].application.clone().unwrap();
    let (nebbia, sole, grissino, mole) = (app(0), app(1), app(2), app(3));

    let (_driver, c) = browser().await;
    let base = server.base.clone();

    // The manager sets the panel from the programme's selection page, choosing three of the
    // organisation's members by name, with a blind first round.
    log_in(&c, &base, "giulia@i3p.example.org", "member password").await;
    click(&c, &format!(".posting-list li[data-id='{programme}'] a.selection")).await;
    wait_text(&c, "#selection-title", |t| t == "AcceleraTO Deep Tech 2027").await;
    find(&c, "#panel.empty").await;
    wait_text(&c, &format!("#panel-reviewers .reviewer[data-id='{luca}'] label"), |t| t == "Luca Revisore").await;
    for reviewer in [&marco, &sara, &luca] {
        click(&c, &format!("#panel-reviewers .reviewer[data-id='{reviewer}'] input")).await;
    }
    click(&c, "#panel-blind").await;
    click(&c, "#panel-save").await;
    wait_text(&c, "#panel-status", |t| t == "Panel salvato.").await;
    for reviewer in [&marco, &sara, &luca] {
        find(&c, &format!("#panel li[data-id='{reviewer}']")).await;
    }
    find(&c, "#blind-status[data-state=ongoing]").await;

    // The pipeline before the decisions (not the point here): every application offered a place.
    for id in [&nebbia, &sole, &grissino, &mole] {
        for stage in ["SCREENING", "OFFERED"] {
            let moved = graphql(
                &server,
                Some(&manager),
                "mutation($id: ID!, $s: ApplicationStage!) { moveApplication(id: $id, stage: $s) { id } }",
                json!({"id": id, "s": stage}),
            )
            .await;
            assert!(moved["errors"].is_null(), "{moved}");
        }
    }

    // Blind reviews. Luca knows the team behind one application and declares it without
    // learning who it is; Marco and Sara are lenient, Luca strict.
    let names: Vec<&str> = startups.iter().map(|s| s.name).collect();
    let scores: [(&str, &[(&String, u32)]); 3] = [
        ("luca@i3p.example.org", &[(&nebbia, 4), (&sole, 3), (&grissino, 2)]),
        ("marco@i3p.example.org", &[(&nebbia, 9), (&sole, 7), (&grissino, 6), (&mole, 8)]),
        ("sara@i3p.example.org", &[(&nebbia, 8), (&sole, 6), (&grissino, 5), (&mole, 7)]),
    ];
    for (i, (email, reviews)) in scores.iter().enumerate() {
        log_in(&c, &base, email, "member password").await;
        click(&c, "nav a[href='#/reviews']").await;
        find(&c, &format!(".packet[data-id='{nebbia}'][data-blind=true]")).await;
        if i == 0 {
            let packet = format!(".packet[data-id='{mole}']");
            click(&c, &format!("{packet} details.conflict summary")).await;
            type_in(&c, &format!("{packet} input.conflict-reason"), "ex collega di uno dei fondatori").await;
            click(&c, &format!("{packet} button.declare")).await;
            wait_text(&c, "#reviews-notice", |t| t.starts_with("Conflitto dichiarato")).await;
            wait_until(&c, &format!("{packet} is gone"), async || c.find(Locator::Css(&packet)).await.is_err()).await;
        }
        let text = body_text(&c).await;
        for name in &names {
            assert!(!text.contains(name), "{email} reads {name} during the blind round: {text}");
        }
        assert!(text.contains("▇▇▇"), "the names in the texts are masked: {text}");
        let answers = find(&c, &format!(".packet[data-id='{nebbia}'] .answers")).await.text().await.unwrap();
        assert!(answers.contains("Chi c'è nel team?") && answers.contains("Pilota con un cliente"), "{answers}");
        for (application, points) in *reviews {
            review(&c, application, *points).await;
        }
        if i == 2 {
            // Sara reviewed last: now she reads the others' reviews of each application.
            let others = c.find_all(Locator::Css(&format!(".packet[data-id='{nebbia}'] .other-reviews li"))).await;
            assert_eq!(others.unwrap().len(), 2);
            screenshot(&c, "selection-reviewer").await;
        }
        let text = body_text(&c).await;
        for name in &names {
            assert!(!text.contains(name), "{email} reads {name} after reviewing blind: {text}");
        }
    }

    // The manager: raw and calibrated ranks side by side. Luca, strict, did not review Mole
    // Analytics: its raw mean is the highest, calibrated it comes second.
    log_in(&c, &base, "giulia@i3p.example.org", "member password").await;
    c.goto(&format!("{base}/#/postings/selection/{programme}")).await.unwrap();
    let row = |id: &str| format!("#selection-ranking tr[data-id='{id}']");
    find(&c, &format!("{}[data-calibrated-rank='1']", row(&nebbia))).await;
    let (mut calibrated, mut raw) = (Vec::new(), Vec::new());
    for id in [&nebbia, &mole, &sole, &grissino] {
        let tr = find(&c, &row(id)).await;
        calibrated.push(tr.attr("data-calibrated-rank").await.unwrap().unwrap_or_default());
        raw.push(tr.attr("data-raw-rank").await.unwrap().unwrap_or_default());
    }
    assert_eq!(calibrated, ["1", "2", "3", "4"]);
    assert_eq!(raw, ["2", "1", "3", "4"], "the raw means rank Mole Analytics first");
    let raw_text = find(&c, &format!("{} td.raw", row(&mole))).await.text().await.unwrap();
    assert_eq!(raw_text, "75,0");
    let strict: f64 = find(&c, &format!("#leniency tr[data-id='{luca}']"))
        .await
        .attr("data-offset")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(strict < -20.0, "Luca is the strict one: {strict}");
    // The organisation reads what each startup wrote, names included, under its name.
    click(&c, &format!("{} details.application-text summary", row(&nebbia))).await;
    wait_text(&c, &format!("{} details.application-text .answers", row(&nebbia)), |t| {
        t.contains("I fondatori di Nebbia Robotics") && t.contains("Pilota con un cliente")
    })
    .await;
    // The fairness monitor: four applications, fewer than k in every group, so no figures.
    wait_text(&c, "#fairness-title", |t| t == "Equità della selezione").await;
    let female_led = "#fairness table[data-dimension=female_led]";
    find(&c, &format!("{female_led} tr[data-group=no][data-shown=false]")).await;
    assert_eq!(find(&c, "#fairness-hint").await.attr("data-applications").await.unwrap().as_deref(), Some("4"));
    let cells = find(&c, &format!("{female_led} tr[data-group=no]")).await.text().await.unwrap();
    assert!(cells.contains("troppo poche per mostrarle") && !cells.contains('%'), "{cells}");
    wait_text(&c, &format!("#leniency tr[data-id='{luca}'] .offset"), |t| t.contains("severo")).await;
    c.execute("document.getElementById('panel-ranking-title').scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "selection-ranking").await;
    click(&c, "#end-blind-round").await;
    find(&c, "#blind-status[data-state=ended]").await;

    // Two places: the first two accepted; the third cannot be, and is waitlisted; the last
    // rejected with a reason ("against the ranking" would need one).
    let decide = async |id: &str, stage: &str| {
        set_value(&c, &format!("{} select.stage-choice", row(id)), stage).await;
        click(&c, &format!("{} button.move", row(id))).await;
    };
    decide(&nebbia, "ACCEPTED").await;
    find(&c, &format!("{}[data-stage=ACCEPTED]", row(&nebbia))).await;
    decide(&mole, "ACCEPTED").await;
    find(&c, &format!("{}[data-stage=ACCEPTED]", row(&mole))).await;
    decide(&sole, "ACCEPTED").await;
    wait_text(&c, &format!("{} .decide-error", row(&sole)), |t| t.starts_with("La coorte è al completo")).await;
    decide(&sole, "WAITLISTED").await;
    find(&c, &format!("{}[data-stage=WAITLISTED]", row(&sole))).await;
    let reason = "Il prodotto è ancora lontano dal mercato: ripresentatevi con un pilota.";
    set_value(&c, &format!("{} select.stage-choice", row(&grissino)), "REJECTED").await;
    click(&c, &format!("{} input.against", row(&grissino))).await;
    click(&c, &format!("{} button.move", row(&grissino))).await;
    wait_text(&c, &format!("{} .decide-error", row(&grissino)), |t| t.starts_with("Spiega perché")).await;
    click(&c, &format!("{} input.against", row(&grissino))).await;
    type_in(&c, &format!("{} input.reason", row(&grissino)), reason).await;
    click(&c, &format!("{} button.move", row(&grissino))).await;
    find(&c, &format!("{}[data-stage=REJECTED]", row(&grissino))).await;
    // The cohort and its waitlist; the decisions recorded with the rank each startup had.
    let members = |who: &Applicant| format!("#cohort .cohort-members li[data-id='{}']", who.startup);
    find(&c, &members(&startups[0])).await;
    find(&c, &members(&startups[3])).await;
    wait_text(&c, "#cohort .waitlist li", |t| t == "Sole Quantum").await;
    let rejected = format!("#decisions tr[data-applicant='{}'][data-to-stage=REJECTED]", startups[2].startup);
    wait_text(&c, &format!("{rejected} .reason"), |t| t == reason).await;
    assert_eq!(find(&c, &rejected).await.attr("data-rank-seen").await.unwrap().as_deref(), Some("4"));
    click(&c, "#decision-records .ranking-record[data-list=selection] summary").await;
    click(&c, "#decision-records .ranking-record[data-list=selection] button.replay").await;
    find(&c, "#decision-records .ranking-record .replay-result [data-same=true]").await;
    c.execute("document.getElementById('cohort').scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "selection-cohort").await;

    // Nebbia Robotics gives up its place: Sole Quantum, first on the waitlist, takes it.
    log_in(&c, &base, startups[0].email, "startup password").await;
    click(&c, "nav a[href='#/applications']").await;
    let mine = format!("tr[data-id='{nebbia}']");
    click(&c, &format!("{mine}[data-stage=ACCEPTED] button.withdraw")).await;
    click(&c, &format!("{mine} button.confirm-withdraw")).await;
    find(&c, &format!("{mine}[data-stage=WITHDRAWN]")).await;
    click(&c, &format!("{mine} button.show-cohort")).await;
    find(&c, &format!(".my-cohort .cohort-members li[data-id='{}']", startups[1].startup)).await;
    find(&c, &format!(".my-cohort .cohort-members li[data-id='{}']", startups[3].startup)).await;
    assert!(c.find(Locator::Css(&format!(".my-cohort li[data-id='{}']", startups[0].startup))).await.is_err());
    let sole_now = graphql(
        &server,
        Some(&startups[1].token),
        "query($p: ID!) { cohort(programme: $p) { myStage myWaitlistPosition } }",
        json!({"p": programme}),
    )
    .await;
    assert_eq!(sole_now["data"]["cohort"]["myStage"], "ACCEPTED", "{sole_now}");

    // Grissino Vision, rejected, reads why: the reason, and its place in the ranking used.
    log_in(&c, &base, startups[2].email, "startup password").await;
    click(&c, "nav a[href='#/applications']").await;
    click(&c, &format!("tr[data-id='{grissino}'] button.why-decision")).await;
    wait_text(&c, ".why-decision .decisions li[data-to-stage=REJECTED] .reason", |t| t == reason).await;
    let place = wait_text(&c, ".why-decision .ranking-used .place", |t| !t.is_empty()).await;
    assert!(place.ends_with("4 su 4"), "{place}");
    screenshot(&c, "selection-why").await;
    click(&c, "#lang-switch").await;
    wait_text(&c, ".why-decision .ranking-used .place", |t| t.ends_with("4 of 4")).await;
    c.close().await.unwrap();
    eprintln!("selection round in {:?}", started.elapsed());
}

/// Waits until `ok` holds; `what` names it in the failure.
async fn wait_until(c: &Client, what: &str, ok: impl AsyncFn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if ok().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("never: {what}; {}", page_state(c).await);
}

/// A programme's application form: the organisation builds it (a required number and a PDF),
/// a startup saves a draft, is told the required answer is missing, uploads its deck, finds
/// its draft again and applies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_startup_answers_a_programmes_form_with_its_deck() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    Instance::embedded(dir.path()).add_root();
    let (instance, server) = platform(dir.path()).await;
    let admin = server.login(support::ROOT_EMAIL, support::ROOT_PASSWORD).await;
    add_incubator_member(&server, &admin).await;
    let incubator = server.login("giulia@i3p.example.org", "incubator password").await;
    let startup_token =
        server.sign_up(&instance, "team@nebbia.example.org", "startup password", "Nebbia", "STARTUP").await;
    let startup = save_startup(&server, &startup_token, 5).await;
    let programme = post_programme(
        &server,
        &incubator,
        json!({
            "title": "Robotica per le reti",
            "description": "Accelerazione per robot di ispezione delle reti idriche.",
            "model": "ACCELERATION", "phases": ["ACCELERATION"], "sectors": ["ICT"],
        }),
    )
    .await;

    // The organisation adds the form in the programme editor.
    let (_driver, c) = browser().await;
    log_in(&c, &server.base, "giulia@i3p.example.org", "incubator password").await;
    c.goto(&format!("{}/#/postings/programme/{programme}", server.base)).await.unwrap();
    find(&c, "#programme-form").await;
    click(&c, "#add-question").await;
    let first = ".question-row:nth-child(1)";
    set_value(&c, &format!("{first} select[id$='-kind']"), "number").await;
    type_in(&c, &format!("{first} input[id$='-key']"), "team").await;
    type_in(&c, &format!("{first} input[id$='-label_it']"), "Quante persone nel team?").await;
    type_in(&c, &format!("{first} input[id$='-label_en']"), "How many people in the team?").await;
    click(&c, &format!("{first} input[id$='-required']")).await;
    type_in(&c, &format!("{first} input[id$='-min']"), "1").await;
    click(&c, "#add-question").await;
    let second = ".question-row:nth-child(2)";
    set_value(&c, &format!("{second} select[id$='-kind']"), "file").await;
    type_in(&c, &format!("{second} input[id$='-key']"), "deck").await;
    type_in(&c, &format!("{second} input[id$='-label_it']"), "Presentazione (PDF)").await;
    type_in(&c, &format!("{second} input[id$='-label_en']"), "Pitch deck (PDF)").await;
    click(&c, "#programme-save").await;
    wait_text(&c, "#ranking-title", |t| t == "Robotica per le reti").await;
    let saved = graphql(
        &server,
        None,
        "query($id: ID!) { entity(kind: PROGRAMME, id: $id) { ... on Programme { form { key kind required } } } }",
        json!({"id": programme}),
    )
    .await;
    assert_eq!(
        saved["data"]["entity"]["form"],
        json!([{"key": "team", "kind": "NUMBER", "required": true}, {"key": "deck", "kind": "FILE", "required": false}]),
        "{saved}"
    );

    // Matching pairs the startup with the programme.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer = graphql(
            &server,
            Some(&startup_token),
            "query($s: ID!) { matches(subject: $s) { counterpartId } }",
            json!({"s": startup}),
        )
        .await;
        let listed = answer["data"]["matches"]
            .as_array()
            .is_some_and(|l| l.iter().any(|m| m["counterpartId"].as_str() == Some(programme.as_str())));
        if listed {
            break;
        }
        assert!(Instant::now() < deadline, "the startup's list never held the programme: {answer}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // The startup: a draft, the required answer asked for, the deck uploaded, applied.
    log_in(&c, &server.base, "team@nebbia.example.org", "startup password").await;
    let page = format!("{}/#/programme/{programme}", server.base);
    c.goto(&page).await.unwrap();
    find(&c, "#application-form .required").await;
    click(&c, "#apply-save-draft").await;
    find(&c, "#draft-saved").await;
    click(&c, "#apply-submit").await;
    let missing = wait_text(&c, "#answer-team-error", |t| !t.is_empty()).await;
    assert!(!missing.is_empty());
    type_in(&c, "#answer-team", "4").await;
    let deck = dir.path().join("deck.pdf");
    std::fs::write(&deck, b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n").unwrap();
    find(&c, "#answer-deck").await.send_keys(deck.to_str().unwrap()).await.unwrap();
    wait_text(&c, "#answer-deck-file", |t| t.contains("deck.pdf")).await;
    click(&c, "#apply-save-draft").await;
    find(&c, "#draft-saved").await;
    // The draft comes back when the page opens again.
    c.goto(&format!("{}/#/matches", server.base)).await.unwrap();
    c.goto(&page).await.unwrap();
    find(&c, "#application-form").await;
    let deadline = Instant::now() + WAIT;
    while prop(&c, "#answer-team", "value").await != "4" {
        assert!(Instant::now() < deadline, "the draft never came back; {}", page_state(&c).await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    click(&c, "#apply-submit").await;
    find(&c, "#apply-sent").await;
    screenshot(&c, "startup-form-applied").await;

    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_international_talent_enters_her_city_abroad_and_its_country_by_name() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (instance, server) = platform(dir.path()).await;
    let (_driver, c) = browser().await;

    sign_up_as_talent(&c, &instance, &server, "Camille Martin", "camille@example.org").await;

    // Outside the area: a city and a country by name, in the page's language (Italian here).
    type_in(&c, "#profile-country_of_origin", "Francia").await;
    type_in(&c, "#profile-residence-city", "Lyon").await;
    type_in(&c, "#profile-residence-country", "Atlantide").await;
    click(&c, "#profile-save").await;
    let error = wait_text(&c, "#profile-residence-country-error", |t| !t.is_empty()).await;
    assert!(error.contains("Atlantide"), "{error}");
    type_in(&c, "#profile-residence-country", "Francia").await;
    click(&c, "#profile-save").await;
    wait_text(&c, "#profile-status", |t| t.contains("Profilo salvato")).await;

    // Her profile, opened again, shows the place by name.
    c.goto(&format!("{}/#/matches", server.base)).await.unwrap();
    c.goto(&format!("{}/#/profile", server.base)).await.unwrap();
    find(&c, "#talent-form").await;
    let deadline = Instant::now() + WAIT;
    while prop(&c, "#profile-residence-country", "value").await != "Francia" {
        assert!(Instant::now() < deadline, "the country never came back; {}", page_state(&c).await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(prop(&c, "#profile-residence-city", "value").await, "Lyon");
    assert_eq!(prop(&c, "#profile-residence-comune", "value").await, "");
    let options = c.find_all(Locator::Css("#profile-residence-country-list option")).await.unwrap();
    assert!(options.len() > 200, "every country is offered by name: {}", options.len());
    screenshot(&c, "talent-abroad-profile").await;

    c.close().await.unwrap();
}

/// The platform with an administrator, and Marta, a member of the company that posted the
/// data scientist offer (hr@torrefazione.example.org); her token.
async fn platform_with_the_coffee_roaster(dir: &std::path::Path) -> (Instance, Server, String) {
    let setup = Instance::embedded(dir).with("CROCEVIA_NEW_PASSWORD", "administrator password");
    let (status, out) =
        setup.run(&["add-user", "--role", "admin", "--email", "root@example.org", "--display-name", "Root"]);
    assert!(status.success(), "{out}");
    let (instance, server) = platform(dir).await;
    let admin = server.login("root@example.org", "administrator password").await;
    let company = "10000000-0000-4000-8000-000000000013";
    let member = graphql(
        &server,
        Some(&admin),
        "mutation($o: ID!) { createMember(organisationId: $o, email: \"hr@torrefazione.example.org\", password: \"company password\", displayName: \"Marta (HR)\") { id } }",
        json!({"o": company}),
    )
    .await;
    assert!(member["errors"].is_null(), "{member}");
    let hr = server.login("hr@torrefazione.example.org", "company password").await;
    (instance, server, hr)
}

/// The organisation behind `token` moves the one application to `offer` through to accepted
/// (through GraphQL); its id.
async fn accept_application_to(server: &Server, token: &str, offer: &str) -> String {
    let received = graphql(server, Some(token), "{ myApplications { id targetId } }", json!({})).await;
    let application = received["data"]["myApplications"]
        .as_array()
        .unwrap_or_else(|| panic!("{received}"))
        .iter()
        .find(|a| a["targetId"] == offer)
        .unwrap_or_else(|| panic!("the application to {offer}: {received}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for stage in ["SCREENING", "OFFERED", "ACCEPTED"] {
        let moved = graphql(
            server,
            Some(token),
            "mutation($id: ID!, $s: ApplicationStage!) { moveApplication(id: $id, stage: $s) { version } }",
            json!({"id": application, "s": stage}),
        )
        .await;
        assert!(moved["errors"].is_null(), "{moved}");
    }
    application
}

/// The welcome path: a talent from India applies to a demo job offer, the company accepts her
/// (through GraphQL), and her applications page shows "Benvenuto a Torino" with the Blue Card
/// route and every step's official source and check date; the step she ticks is still ticked
/// after a reload. The company's ranking page shows the same steps, without a box to tick.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_talent_from_india_sees_her_welcome_checklist_and_ticks_a_step() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (instance, server, hr) = platform_with_the_coffee_roaster(dir.path()).await;

    let (_driver, c) = browser().await;
    sign_up_as_talent(&c, &instance, &server, "Ananya Iyer", "ananya@example.org").await;
    type_in(&c, "#profile-country_of_origin", "India").await;
    click(&c, "#profile-save").await;
    wait_text(&c, "#profile-status", |t| t.contains("Profilo salvato")).await;
    c.goto(&format!("{}/#/offer/{DATA_SCIENTIST_OFFER}", server.base)).await.unwrap();
    type_in(&c, "#apply-motivation", "Vorrei lavorare a Torino").await;
    click(&c, "#apply-submit").await;
    find(&c, "#apply-sent").await;

    // The company accepts her.
    let application = accept_application_to(&server, &hr, DATA_SCIENTIST_OFFER).await;

    // Her applications: the welcome path, in Italian, with sources and check dates.
    c.goto(&format!("{}/#/applications", server.base)).await.unwrap();
    let path = format!(".welcome-path[data-application='{application}']");
    wait_text(&c, &format!("{path} h2"), |t| t == "Benvenuto a Torino: i prossimi passi").await;
    assert_eq!(find(&c, &path).await.attr("data-route").await.unwrap().as_deref(), Some("blue-card"));
    wait_text(&c, &format!("{path} .welcome-route strong"), |t| t == "Carta blu UE").await;
    let codice = format!("{path} .welcome-step[data-step=codice-fiscale]");
    wait_text(&c, &format!("{codice} .welcome-step-title"), |t| t == "Codice fiscale").await;
    let source = find(&c, &format!("{codice} .welcome-source a")).await.attr("href").await.unwrap().unwrap();
    assert!(source.starts_with("https://www.agenziaentrate.gov.it/"), "{source}");
    wait_text(&c, &format!("{codice} .checked-on"), |t| t.starts_with("verificato il ")).await;
    let steps = c.find_all(Locator::Css(&format!("{path} .welcome-step"))).await.unwrap();
    assert!(steps.len() >= 8, "the route's steps and the common ones: {}", steps.len());
    for step in &steps {
        let href = step.find(Locator::Css(".welcome-source a")).await.unwrap().attr("href").await.unwrap();
        assert!(href.is_some_and(|h| h.starts_with("https://")), "every step has its official source");
    }
    // She ticks a step; it is still ticked after a reload.
    click(&c, &format!("{codice} input[type=checkbox]")).await;
    find(&c, &format!("{path} .welcome-step[data-step=codice-fiscale][data-done=true]")).await;
    screenshot(&c, "talent-welcome-path").await;
    c.refresh().await.unwrap();
    find(&c, &format!("{path} .welcome-step[data-step=codice-fiscale][data-done=true]")).await;
    assert_eq!(prop(&c, &format!("{codice} input[type=checkbox]"), "checked").await, "true");
    assert_eq!(
        prop(&c, &format!("{path} .welcome-step[data-step=housing] input[type=checkbox]"), "checked").await,
        "false"
    );

    // The company reads the same steps on its ranking page, with nothing to tick and no tick.
    log_in(&c, &server.base, "hr@torrefazione.example.org", "company password").await;
    c.goto(&format!("{}/#/postings/ranking/{DATA_SCIENTIST_OFFER}", server.base)).await.unwrap();
    let theirs = format!(".application[data-id='{application}'] .welcome-path");
    wait_text(&c, &format!("{theirs} h2"), |t| t == "Benvenuto a Torino: i prossimi passi").await;
    find(&c, &format!("{theirs} .welcome-step[data-step=codice-fiscale][data-done=false]")).await;
    assert!(c.find_all(Locator::Css(&format!("{theirs} input[type=checkbox]"))).await.unwrap().is_empty());
    c.close().await.unwrap();
}

/// The `data-demand` and `data-supply` of every paired bar matching `css`, with its key.
async fn pairs_shown(c: &Client, css: &str) -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    for el in c.find_all(Locator::Css(css)).await.unwrap() {
        let number = |v: Option<String>| v.unwrap_or_default().parse::<u64>().unwrap();
        let key = el.attr("data-key").await.unwrap().unwrap_or_default();
        out.push((key, number(el.attr("data-demand").await.unwrap()), number(el.attr("data-supply").await.unwrap())));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitor_compares_skills_demand_and_supply_on_the_observatory_by_sector_in_both_languages() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (_instance, server) = platform(dir.path()).await;
    // The demo data publishes a few skills with at least k offers and k talents each.
    let query = "query { openData { dataset(id: \"skills_demand_supply\") { rows { key count value } } } }";
    let deadline = Instant::now() + Duration::from_secs(90);
    let published = loop {
        let answer = graphql(&server, None, query, json!({})).await;
        let rows = answer["data"]["openData"]["dataset"]["rows"].as_array().cloned().unwrap_or_default();
        if rows.len() >= 3 {
            break rows;
        }
        assert!(Instant::now() < deadline, "the skills figures never filled in: {answer}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let (_driver, c) = browser().await;
    c.goto(&format!("{}/#/insights", server.base)).await.unwrap();
    wait_text(&c, "#insights-skills-title", |t| t == "Domanda e offerta di competenze").await;

    // Paired bars, one per published skill, every figure at least k on both sides.
    find(&c, "#insights-skills .pair-row").await;
    let shown = pairs_shown(&c, "#insights-skills .pair-row").await;
    assert_eq!(shown.len(), published.len(), "{shown:?}");
    assert!(shown.iter().all(|(_, d, s)| *d >= 5 && *s >= 5), "{shown:?}");
    let python = shown.iter().find(|(k, ..)| k == "python").expect("python is published");
    let row = published.iter().find(|r| r["key"] == "python").unwrap();
    assert_eq!((python.1, python.2), (row["count"].as_u64().unwrap(), row["value"].as_f64().unwrap() as u64));
    // Labels, never ids; the merged row reads as other skills.
    let labels: Vec<String> = {
        let mut out = Vec::new();
        for el in c.find_all(Locator::Css("#insights-skills .pair-row .bar-label")).await.unwrap() {
            out.push(el.text().await.unwrap());
        }
        out
    };
    assert!(labels.contains(&"Python".to_owned()) && labels.contains(&"Altre competenze".to_owned()), "{labels:?}");
    assert!(labels.iter().all(|l| !l.contains('-')), "no skill id shown: {labels:?}");

    // One sector: the ICT rows of the split table, still k-safe.
    set_value(&c, "#skills-sector", "ict").await;
    let deadline = Instant::now() + WAIT;
    let ict = loop {
        let ict = pairs_shown(&c, "#insights-skills .pair-row").await;
        if ict != shown || Instant::now() > deadline {
            break ict;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    };
    assert!(!ict.is_empty() && ict != shown, "{ict:?}");
    assert!(ict.iter().all(|(_, d, s)| *d >= 5 && *s >= 5), "{ict:?}");
    screenshot(&c, "insights-skills").await;

    // In English.
    click(&c, "#lang-switch").await;
    wait_text(&c, "#insights-skills-title", |t| t == "Skills demand and supply").await;
    wait_text(&c, "#insights-skills .legend.supply", |t| t == "Supply (talents)").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_startup_posts_an_internship_and_a_talent_finds_it_from_an_accelerato_startup() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (instance, server) = platform(dir.path()).await;
    let token = server.sign_up(&instance, "team@nebbia.example.org", "startup password", "Nebbia", "STARTUP").await;
    save_startup(&server, &token, 5).await;

    // The startup posts an internship with the organisations' posting form.
    let (_driver, c) = browser().await;
    log_in(&c, &server.base, "team@nebbia.example.org", "startup password").await;
    click(&c, "nav a[href='#/postings']").await;
    wait_text(&c, "h1", |t| t == "Le mie offerte").await;
    assert!(c.find(Locator::Css("#new-programme")).await.is_err(), "a startup posts no programme");
    click(&c, "#new-offer").await;
    find(&c, "#offer-form").await;
    // Jobs and internships only.
    let kinds = c.find_all(Locator::Css("#offer-kind option")).await.unwrap();
    assert_eq!(kinds.len(), 2);
    set_value(&c, "#offer-kind", "internship").await;
    let title = "Tirocinio in robotica per le reti idriche";
    type_in(&c, "#offer-title", title).await;
    type_in(&c, "#offer-description", "Sei mesi con il team di visione artificiale di Nebbia Robotics.").await;
    set_value(&c, "#offer-contract", "internship").await;
    click(&c, "#offer-save").await;
    wait_text(&c, "#ranking-title", |t| t == title).await;
    screenshot(&c, "startup-posts-an-internship").await;

    // A talent searches offers "from an AcceleraTO startup": the internship, and no offer of
    // an organisation (every demo offer is one).
    click(&c, "#logout").await;
    sign_up_as_talent(&c, &instance, &server, "Luca Ferrero", "luca@example.org").await;
    let hit = ".hits .hit[data-kind=offer] h3 a";
    let deadline = Instant::now() + WAIT;
    loop {
        c.goto(&format!("{}/#/search", server.base)).await.unwrap();
        wait_text(&c, "label[for=search-from-startup]", |t| t == "Da una startup di AcceleraTO").await;
        click(&c, "#search-kind-offer").await;
        click(&c, "#search-from-startup").await;
        click(&c, "#search-submit").await;
        // The search service indexes the new offer from the event stream: shortly.
        let shown = c.find(Locator::Css(hit)).await.is_ok() || {
            tokio::time::sleep(Duration::from_millis(700)).await;
            c.find(Locator::Css(hit)).await.is_ok()
        };
        if shown || Instant::now() > deadline {
            break;
        }
    }
    let titles: Vec<String> = {
        let mut out = Vec::new();
        for el in c.find_all(Locator::Css(hit)).await.unwrap() {
            out.push(el.text().await.unwrap());
        }
        out
    };
    assert_eq!(titles, [title], "{}", page_state(&c).await);
    assert!(c.current_url().await.unwrap().to_string().contains("employer"), "the filter is in the URL");
    click(&c, hit).await;
    wait_text(&c, "#from-startup", |t| t == "Startup AcceleraTO").await;
    wait_text(&c, ".detail .org", |t| t == "Nebbia Robotics").await;
    screenshot(&c, "talent-finds-a-startup-offer").await;
    c.close().await.unwrap();
}

/// Talenti a Torino, the whole story of issue 20: a talent from India types where she lives
/// (Pune, India, by name), records her master's degree at the Politecnico of 13 months ago,
/// consents to the check-in and answers it; a company hires her, and her applications page
/// shows the welcome path for a graduate of an Italian university (converting her study
/// permit), with its official sources.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_international_graduate_checks_in_a_year_on_is_hired_and_sees_her_welcome_path() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (instance, server, hr) = platform_with_the_coffee_roaster(dir.path()).await;

    let (_driver, c) = browser().await;
    sign_up_as_talent(&c, &instance, &server, "Meera Nair", "meera@example.org").await;
    type_in(&c, "#profile-country_of_origin", "India").await;
    type_in(&c, "#profile-residence-city", "Pune").await;
    type_in(&c, "#profile-residence-country", "India").await;
    click(&c, "#profile-willing_to_relocate").await;
    // Her degree: the Politecnico is the list's first institution.
    let graduated = (chrono::Utc::now().date_naive() - chrono::Duration::days(396)).to_string();
    click(&c, "#profile-add-education").await;
    set_value(&c, "#profile-education-0-field", "ict").await;
    type_in(&c, "#profile-education-0-course", "Data Science and Engineering").await;
    set_value(&c, "#profile-education-0-graduated", &graduated).await;
    click(&c, "#profile-save").await;
    wait_text(&c, "#profile-status", |t| t.contains("Profilo salvato")).await;
    // Opened again, the profile shows the degree.
    c.refresh().await.unwrap();
    let deadline = Instant::now() + WAIT;
    while c.find(Locator::Css("#profile-education-0-course")).await.is_err()
        || prop(&c, "#profile-education-0-course", "value").await != "Data Science and Engineering"
    {
        assert!(Instant::now() < deadline, "the degree never came back; {}", page_state(&c).await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(prop(&c, "#profile-education-0-graduated", "value").await, graduated);
    assert_eq!(prop(&c, "#profile-education-0-field", "value").await, "ict");

    // A year on, once she consents, she is asked whether she stayed; she went home to Pune.
    click(&c, "#check-in-consent").await;
    wait_text(&c, ".check-in[data-kind=graduation] .check-in-what", |t| t.contains("Politecnico di Torino")).await;
    click(&c, "#check-in-0-lives").await;
    click(&c, "#check-in-0-works").await;
    click(&c, "#check-in-0-send").await;
    wait_text(&c, ".check-in .check-in-done", |t| t.starts_with("Risposto il")).await;
    screenshot(&c, "talent-check-in").await;
    let mine = graphql(&server, Some(&server.login("meera@example.org", "a long enough password").await),
        "{ myCheckIns { institution answeredOn livesInArea worksInArea } myProfile { ... on Talent { residence { city country } education { institution field graduatedOn } } } }", json!({})).await;
    assert_eq!(mine["data"]["myCheckIns"][0]["livesInArea"], false, "{mine}");
    assert_eq!(mine["data"]["myProfile"]["residence"], json!({"city": "Pune", "country": "IN"}), "{mine}");
    assert_eq!(
        mine["data"]["myProfile"]["education"][0],
        json!({"institution": "POLITO", "field": "ICT", "graduatedOn": graduated}),
        "{mine}"
    );

    // She applies; the company hires her.
    c.goto(&format!("{}/#/offer/{DATA_SCIENTIST_OFFER}", server.base)).await.unwrap();
    type_in(&c, "#apply-motivation", "Torno volentieri a Torino").await;
    click(&c, "#apply-submit").await;
    find(&c, "#apply-sent").await;
    let application = accept_application_to(&server, &hr, DATA_SCIENTIST_OFFER).await;

    // Her welcome path: an Italian degree, so her study permit converts.
    c.goto(&format!("{}/#/applications", server.base)).await.unwrap();
    let path = format!(".welcome-path[data-application='{application}']");
    wait_text(&c, &format!("{path} h2"), |t| t == "Benvenuto a Torino: i prossimi passi").await;
    assert_eq!(find(&c, &path).await.attr("data-route").await.unwrap().as_deref(), Some("study-conversion"));
    wait_text(&c, &format!("{path} .welcome-route strong"), |t| t == "Conversione del permesso per studio").await;
    let steps = c.find_all(Locator::Css(&format!("{path} .welcome-step"))).await.unwrap();
    assert!(steps.len() >= 6, "the route's steps and the common ones: {}", steps.len());
    screenshot(&c, "graduate-welcome-path").await;
    c.close().await.unwrap();
}

/// axe-core's checks, run in the page: the serious and critical violations (every rule of
/// WCAG 2.1 A and AA and the best practices), and heading order whatever its impact.
const AXE_RUN: &str = "const done = arguments[arguments.length - 1];
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
      .then(r => done(JSON.stringify({ passes: r.passes.length, violations: r.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order')
        .map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ': ' + n.failureSummary) })) })))
      .catch(e => done(JSON.stringify({ passes: 0, violations: [{ id: 'axe failed', nodes: [String(e)] }] })));";

/// What is wider than the screen, and the header's controls smaller than a finger (44 px).
const LAYOUT_CHECK: &str = "const w = window.innerWidth; const out = [];
    if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth + ' > ' + w);
    for (const el of document.querySelectorAll('main *, header *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== 'fixed' && !el.closest('.table-wrap, .trend-scroll'))
        out.push('wide: ' + el.tagName + '.' + el.className + ' ' + Math.round(r.right));
    }
    if (w <= 480) {
      const header = document.querySelector('header.site-header').getBoundingClientRect().height;
      if (header > 72) out.push('header ' + Math.round(header) + ' px tall');
      for (const el of document.querySelectorAll('header a, header button, .facets-toggle')) {
        const r = el.getBoundingClientRect();
        if (el.offsetParent !== null && r.height < 44 && !el.classList.contains('skip'))
          out.push('small target: ' + el.tagName + ' ' + (el.id || el.innerText) + ' ' + Math.round(r.height) + ' px');
      }
    }
    return JSON.stringify(out.slice(0, 12));";

/// Opens `route`, waits for its heading and its data, then checks it at desktop and phone
/// width: no serious axe violation, nothing wider than the screen, and a screenshot of each.
async fn check_page(c: &Client, base: &str, name: &str, route: &str, failures: &mut Vec<String>) {
    let axe = std::fs::read_to_string(repo_root().join("frontend/node_modules/axe-core/axe.min.js"))
        .expect("axe-core is installed with the web build tools (cd frontend && npm ci)");
    for (width, height, label) in [(1280, 1000, "desktop"), (390, 844, "phone")] {
        c.set_window_size(width, height).await.unwrap();
        c.goto(&format!("{base}/{route}")).await.unwrap();
        find(c, "main h1").await;
        // Its data: nothing says "Caricamento…" any more (or five seconds passed).
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && js(c, "return document.querySelector('main').innerText").await.contains('…')
        {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        if js(c, "return typeof axe").await != "object" {
            c.execute(&format!("{axe}\nreturn 'ok'"), vec![]).await.unwrap();
        }
        let found = c.execute_async(AXE_RUN, vec![]).await.unwrap();
        let found: serde_json::Value = serde_json::from_str(found.as_str().unwrap_or("{}")).unwrap();
        // axe ran its rules here (a page it could not check would pass silently otherwise).
        assert!(found["passes"].as_u64().is_some_and(|n| n > 10), "{name} ({label}): {found}");
        let violations = &found["violations"];
        if violations.as_array().is_some_and(|v| !v.is_empty()) {
            failures.push(format!("{name} ({label}): axe {violations:#}"));
        }
        let layout = js(c, LAYOUT_CHECK).await;
        if layout != "[]" {
            failures.push(format!("{name} ({label}): {layout}"));
        }
        screenshot(c, &format!("page-{name}-{label}")).await;
    }
}

/// [`check_page`] for each (name, route) of `pages`.
async fn check_pages(c: &Client, base: &str, pages: &[(&str, String)], failures: &mut Vec<String>) {
    for (name, route) in pages {
        check_page(c, base, name, route, failures).await;
    }
}

/// Every page of the app, as a visitor, a talent and an incubator member would open it, passes
/// axe-core and fits a phone (390 px) without scrolling sideways; each is kept as a screenshot
/// at both widths in target/e2e-screenshots/.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_and_fits_a_phone() {
    let _turn = one_at_a_time().await;
    let dir = tempfile::tempdir().unwrap();
    let (instance, server) = platform_with_incubator_member(dir.path()).await;
    let (_driver, c) = browser().await;
    let base = server.base.clone();
    let programme = "20000000-0000-4000-8000-000000000001";
    let mut failures = Vec::new();

    let visitor = [
        ("home", "#/".to_owned()),
        ("search", "#/search?q=dati&kind=offer".to_owned()),
        ("offer", format!("#/offer/{DATA_SCIENTIST_OFFER}")),
        ("programme", format!("#/programme/{programme}")),
        ("insights", "#/insights".to_owned()),
        ("login", "#/login".to_owned()),
        ("signup", "#/signup".to_owned()),
        ("forgot", "#/forgot".to_owned()),
        ("login-required", "#/matches".to_owned()),
        ("not-found", "#/nowhere".to_owned()),
    ];
    check_pages(&c, &base, &visitor, &mut failures).await;

    c.set_window_size(1280, 1000).await.unwrap();
    sign_up_as_talent(&c, &instance, &server, "Amara Okafor", "amara@example.org").await;
    let talent = [
        ("talent-profile", "#/profile".to_owned()),
        ("talent-matches", "#/matches".to_owned()),
        ("talent-applications", "#/applications".to_owned()),
        ("talent-account", "#/account".to_owned()),
        ("talent-offer", format!("#/offer/{DATA_SCIENTIST_OFFER}")),
    ];
    check_pages(&c, &base, &talent, &mut failures).await;

    let token = server.login("giulia@i3p.example.org", "incubator password").await;
    c.execute("localStorage.setItem('crocevia.token', arguments[0])", vec![json!(token)]).await.unwrap();
    c.refresh().await.unwrap();
    let member = [
        ("org-postings", "#/postings".to_owned()),
        ("org-new-offer", "#/postings/new-offer".to_owned()),
        ("org-new-programme", "#/postings/new-programme".to_owned()),
        ("org-ranking", format!("#/postings/ranking/{programme}")),
        ("org-selection", format!("#/postings/selection/{programme}")),
        ("org-reviews", "#/reviews".to_owned()),
        ("org-applications", "#/applications".to_owned()),
        ("org-account", "#/account".to_owned()),
    ];
    check_pages(&c, &base, &member, &mut failures).await;
    assert!(failures.is_empty(), "{} pages fail:\n{}", failures.len(), failures.join("\n"));

    // On the phone the links fold behind "Menu", and the search filters open as a drawer.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/#/search?q=dati&kind=offer")).await.unwrap();
    find(&c, ".hit").await;
    let shown = |css: &'static str| {
        let c = c.clone();
        async move {
            let script = "return String(document.querySelector(arguments[0]).offsetParent !== null)";
            c.execute(script, vec![json!(css)]).await.unwrap().as_str().unwrap_or_default().to_owned()
        }
    };
    assert_eq!(shown("#site-nav a[href='#/postings']").await, "false");
    click(&c, "#menu-toggle").await;
    assert_eq!(shown("#site-nav a[href='#/postings']").await, "true");
    let script = "return document.querySelector(arguments[0]).getBoundingClientRect().height";
    let height = c.execute(script, vec![json!("#site-nav a[href='#/postings']")]).await.unwrap();
    assert!(height.as_f64().unwrap() >= 44.0, "a menu link is {height} px tall");
    click(&c, "#site-nav a[href='#/postings']").await;
    find(&c, ".posting-list").await;
    assert_eq!(shown("#site-nav a[href='#/postings']").await, "false", "a followed link folds the menu");
    c.goto(&format!("{base}/#/search?q=dati&kind=offer")).await.unwrap();
    find(&c, ".hit").await;
    assert_eq!(shown("#facets .facet a").await, "false");
    click(&c, "#facets-toggle").await;
    assert_eq!(shown("#facets .facet a").await, "true");
    screenshot(&c, "search-filters-phone").await;
    click(&c, "#facets .facets-close").await;
    assert_eq!(shown("#facets .facet a").await, "false");
    c.close().await.unwrap();
}
