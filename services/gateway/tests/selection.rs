//! A programme's selection through the GraphQL door, with the application service in
//! process and in another process: a blind panel, independent reviews, a conflict declared
//! on an application, raw and calibrated rankings, a cohort of one with a waitlist. The
//! blind round is checked at every door a reviewer has (queries, mutations, the
//! applications subscription): no answer carries a field that names a startup.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use serde_json::{Value, json};
use support::*;

struct Person {
    token: String,
    id: String,
}

async fn members(h: &Harness, admin: &str, org: &Value, n: usize) -> Vec<Person> {
    let create = "mutation($o: ID!, $e: String!, $n: String!) { createMember(organisationId: $o, email: $e, password: \"member password\", displayName: $n) { id } }";
    let login = "mutation($e: String!) { login(email: $e, password: \"member password\") { token user { id } } }";
    let mut out = Vec::new();
    for i in 0..n {
        let email = format!("panel{i}@example.org");
        let body =
            gql(h, Some(admin), create, json!({ "o": org["id"], "e": email, "n": format!("Reviewer {i}") })).await;
        assert!(body["errors"].is_null(), "{body}");
        let body = gql(h, None, login, json!({ "e": email })).await;
        let token = body["data"]["login"]["token"].as_str().unwrap().to_owned();
        let id = body["data"]["login"]["user"]["id"].as_str().unwrap().to_owned();
        out.push(Person { token, id });
    }
    out
}

const SAVE: &str = "mutation($p: ProfileInput!) { saveProfile(profile: $p) { id } }";

/// Posts a programme as `token`'s organisation; its id.
async fn post_programme(h: &Harness, token: &str, programme: &Value) -> String {
    let post = "mutation($p: ProgrammeInput!) { postProgramme(programme: $p) { id } }";
    let body = gql(h, Some(token), post, json!({ "p": input("programme", programme) })).await;
    ok(&body)["postProgramme"]["id"].as_str().unwrap().to_owned()
}

fn ok(body: &Value) -> &Value {
    assert!(body["errors"].is_null(), "{body}");
    &body["data"]
}

async fn move_to(h: &Harness, token: &str, id: &str, stage: &str) -> Value {
    let q = "mutation($id: ID!, $s: ApplicationStage!) { moveApplication(id: $id, stage: $s) { version } }";
    gql(h, Some(token), q, json!({ "id": id, "s": stage })).await
}

async fn score(h: &Harness, token: &str, id: &str, points: i32) -> Value {
    let q = "mutation($id: ID!, $r: [RubricInput!]!) { scoreApplication(id: $id, rubric: $r) { version } }";
    let rubric = json!([{ "criterion": "Team", "points": points, "maxPoints": 10 }]);
    gql(h, Some(token), q, json!({ "id": id, "r": rubric })).await
}

const QUEUE: &str = "{ reviewQueue { applicationId label blind round applicant { id } applicantName sectors startupStage teamSize foundedYear description motivation myReview { total } otherReviews { total reviewerName } } }";

async fn selection_round(remote_app: bool) {
    let mut b = backend().await;
    b.remote_app = remote_app;
    let (orgs, admin) = seed(&b, 1).await;
    let h = serve(b, true, 256 * 1024, None, None).await;
    let staff = members(&h, &admin, &orgs[0], 3).await;
    let (manager, r1, r2) = (&staff[0], &staff[1], &staff[2]);
    // The panel is chosen from the organisation's members by name: its members and the
    // administrator see them, nobody else.
    let who = "query($o: ID!) { organisationMembers(organisation: $o) { id name } }";
    let listed = gql(&h, Some(&manager.token), who, json!({ "o": orgs[0]["id"] })).await;
    let names: Vec<&str> =
        ok(&listed)["organisationMembers"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Reviewer 0", "Reviewer 1", "Reviewer 2"]);
    assert_eq!(ok(&listed)["organisationMembers"][1]["id"], r1.id.as_str());
    let listed = gql(&h, Some(&admin), who, json!({ "o": orgs[0]["id"] })).await;
    assert_eq!(ok(&listed)["organisationMembers"].as_array().unwrap().len(), 3);
    let outsider = register(&h, "curious@example.org", "STARTUP").await;
    let refused = gql(&h, Some(&outsider), who, json!({ "o": orgs[0]["id"] })).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    let refused = gql(&h, None, who, json!({ "o": orgs[0]["id"] })).await;
    assert!(refused["data"].is_null(), "signed out: {refused}");

    let mut programme = open_programme(1);
    programme["capacity"] = json!(1);
    let programme_id = post_programme(&h, &manager.token, &programme).await;
    let mut startups = Vec::new();
    let mut applications = Vec::new();
    let mut secrets = Vec::new();
    for i in 0..2 {
        let record = demo("startups.json")[i].clone();
        let token = register(&h, &format!("startup{i}@example.org"), "STARTUP").await;
        let body = gql(&h, Some(&token), SAVE, json!({ "p": input("startup", &record) })).await;
        let id = ok(&body)["saveProfile"]["id"].as_str().unwrap().to_owned();
        let name = record["name"].as_str().unwrap();
        let motivation = format!("{name} wants in");
        let body = gql(
            &h,
            Some(&token),
            "mutation($t: ID!, $m: String!) { apply(target: $t, motivation: $m) { id } }",
            json!({ "t": programme_id, "m": motivation }),
        )
        .await;
        applications.push(ok(&body)["apply"]["id"].as_str().unwrap().to_owned());
        secrets.extend([id, name.to_owned(), record["contact_email"].as_str().unwrap().to_owned()]);
        secrets.extend(record["website"].as_str().map(str::to_owned));
        startups.push(token);
    }
    let panel = "mutation($p: ID!, $r: [ID!]!) { setReviewPanel(programme: $p, reviewers: $r, blindFirstRound: true) { version } }";
    let body = gql(&h, Some(&manager.token), panel, json!({ "p": programme_id, "r": [r1.id, r2.id] })).await;
    ok(&body);
    let stranger = gql(&h, Some(&startups[0]), panel, json!({ "p": programme_id, "r": [] })).await;
    assert_eq!(code(&stranger), Some("FORBIDDEN"), "{stranger}");

    // The blind round, at every door a reviewer has.
    let sub = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { myApplicationsChanged { id stage score } }" } });
    let mut sockets = Vec::new();
    for token in [&r1.token, &manager.token] {
        let mut socket = ws(&h, token).await;
        let _ack = next_json(&mut socket).await;
        let message = tokio_tungstenite::tungstenite::Message::text(sub.to_string());
        futures::SinkExt::send(&mut socket, message).await.unwrap();
        sockets.push(socket);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut answers = Vec::new();
    let queue = gql(&h, Some(&r1.token), QUEUE, json!({})).await;
    assert_eq!(ok(&queue)["reviewQueue"].as_array().unwrap().len(), 2, "{queue}");
    assert!(queue["data"]["reviewQueue"].as_array().unwrap().iter().all(|p| p["blind"] == true && p["round"] == 1));
    answers.push(queue);
    for (query, variables) in [
        ("{ myApplications { id applicant { id } } }", json!({})),
        (
            "query($p: ID!) { selectionRanking(programme: $p) { applications { applicantName } } }",
            json!({ "p": programme_id }),
        ),
        ("query($p: ID!) { cohort(programme: $p) { members { name } } }", json!({ "p": programme_id })),
        ("{ dashboard { stage count } }", json!({})),
        ("query($p: ID!) { fairness(target: $p) { applications } }", json!({ "p": programme_id })),
    ] {
        answers.push(gql(&h, Some(&r1.token), query, variables).await);
    }
    for id in &applications {
        let entity = gql(
            &h,
            Some(&r1.token),
            "query($id: ID!) { entity(kind: APPLICATION, id: $id) { ... on Application { applicant { id } } } }",
            json!({ "id": id }),
        )
        .await;
        assert_eq!(code(&entity), Some("FORBIDDEN"), "{entity}");
        let reviews = "query($id: ID!) { applicationReviews(id: $id) { total } }";
        let reviews = gql(&h, Some(&r1.token), reviews, json!({ "id": id })).await;
        assert_eq!(code(&reviews), Some("FORBIDDEN"), "{reviews}");
        let matched = "query($id: ID!) { applicationMatch(id: $id) { score } }";
        answers.push(gql(&h, Some(&r1.token), matched, json!({ "id": id })).await);
        answers.extend([entity, reviews]);
    }
    assert_eq!(code(&answers[2]), Some("FORBIDDEN"), "no ranking for a blind reviewer: {}", answers[2]);
    assert_eq!(code(&answers[5]), Some("FORBIDDEN"), "no selection rates for a blind reviewer: {}", answers[5]);
    let rates = "query($p: ID!) { fairness(target: $p) { k applications dimensions { dimension labelIt groups { group applicants steps { stage rate flagged } } } } }";
    let rates = gql(&h, Some(&manager.token), rates, json!({ "p": programme_id })).await;
    assert_eq!(ok(&rates)["fairness"]["applications"], 2, "{rates}");
    assert_eq!(rates["data"]["fairness"]["dimensions"][0]["groups"][0]["applicants"], Value::Null, "2 < k: {rates}");
    // A change to an application reaches the manager's subscription, never the reviewer's.
    ok(&move_to(&h, &manager.token, &applications[0], "SCREENING").await);
    let heard = next_json(&mut sockets[1]).await.expect("the manager hears of the move");
    assert_eq!(heard["payload"]["data"]["myApplicationsChanged"]["stage"], "SCREENING", "{heard}");
    let heard = tokio::time::timeout(std::time::Duration::from_secs(2), next_json(&mut sockets[0])).await;
    if let Ok(Some(message)) = heard {
        assert_ne!(message["type"], "next", "a blind reviewer heard of an application: {message}");
    }

    // Reviews: independent, once each.
    ok(&score(&h, &r1.token, &applications[0], 9).await);
    ok(&score(&h, &r1.token, &applications[1], 7).await);
    let again = score(&h, &r1.token, &applications[0], 1).await;
    assert_eq!(again["errors"][0]["extensions"]["field"], "rubric", "{again}");
    let queue = gql(&h, Some(&r2.token), QUEUE, json!({})).await;
    assert!(queue["data"]["reviewQueue"].as_array().unwrap().iter().all(|p| p["otherReviews"] == json!([])), "{queue}");
    answers.push(queue);
    ok(&score(&h, &r2.token, &applications[0], 5).await);
    let queue = gql(&h, Some(&r2.token), QUEUE, json!({})).await;
    let packet = queue["data"]["reviewQueue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["applicationId"] == applications[0].as_str())
        .unwrap()
        .clone();
    assert_eq!(packet["otherReviews"][0]["total"], 90.0, "{packet}");
    answers.push(queue);
    // r2 recognises the second startup: a conflict declared on the application.
    let conflict = "mutation($a: ID!) { declareConflict(with: { application: $a }, reason: \"former colleague\") }";
    ok(&gql(&h, Some(&r2.token), conflict, json!({ "a": applications[1] })).await);
    let queue = gql(&h, Some(&r2.token), QUEUE, json!({})).await;
    assert_eq!(queue["data"]["reviewQueue"].as_array().unwrap().len(), 1, "{queue}");
    answers.push(queue);
    let refused = score(&h, &r2.token, &applications[1], 3).await;
    assert_eq!(code(&refused), Some("FORBIDDEN"), "{refused}");

    let everything = serde_json::to_string(&answers).unwrap().to_lowercase();
    for secret in &secrets {
        assert!(!everything.contains(&secret.to_lowercase()), "{secret} left the server in the blind round");
    }

    // The organisation: raw and calibrated rankings side by side.
    let ranking = gql(
        &h,
        Some(&manager.token),
        "query($p: ID!) { selectionRanking(programme: $p) { blindFirstRound blindRoundEnded withheld panel { name } applications { applicationId applicantName raw calibrated rawRank calibratedRank reviews } reviewers { reviewerName reviews mean offset } } }",
        json!({ "p": programme_id }),
    )
    .await;
    let ranking = &ok(&ranking)["selectionRanking"];
    assert_eq!(ranking["applications"][0]["applicationId"], applications[0].as_str(), "{ranking}");
    assert_eq!(ranking["applications"][0]["raw"], 70.0, "(90 + 50) / 2: {ranking}");
    assert_eq!(ranking["applications"][0]["reviews"], 2);
    assert_eq!(ranking["reviewers"].as_array().unwrap().len(), 2, "{ranking}");
    assert_eq!(ranking["panel"].as_array().unwrap().len(), 2);
    let end = "mutation($p: ID!) { endBlindRound(programme: $p) { version } }";
    assert_eq!(code(&gql(&h, Some(&r1.token), end, json!({ "p": programme_id })).await), Some("FORBIDDEN"));
    ok(&gql(&h, Some(&manager.token), end, json!({ "p": programme_id })).await);
    let queue = gql(&h, Some(&r1.token), QUEUE, json!({})).await;
    assert!(queue["data"]["reviewQueue"][0]["applicantName"].is_string(), "{queue}");

    // A cohort of one: the second waits, and takes the place the first leaves.
    for stage in ["OFFERED", "ACCEPTED"] {
        ok(&move_to(&h, &manager.token, &applications[0], stage).await);
    }
    for stage in ["SCREENING", "OFFERED"] {
        ok(&move_to(&h, &manager.token, &applications[1], stage).await);
    }
    let full = move_to(&h, &manager.token, &applications[1], "ACCEPTED").await;
    assert_eq!(full["errors"][0]["extensions"]["field"], "stage", "{full}");
    ok(&move_to(&h, &manager.token, &applications[1], "WAITLISTED").await);
    let cohort = "query($p: ID!) { cohort(programme: $p) { capacity members { name } waitlisted myStage myWaitlistPosition cohortStart } }";
    let mine = gql(&h, Some(&startups[1]), cohort, json!({ "p": programme_id })).await;
    assert_eq!(ok(&mine)["cohort"]["myWaitlistPosition"], 1, "{mine}");
    ok(&move_to(&h, &startups[0], &applications[0], "WITHDRAWN").await);
    let mine = gql(&h, Some(&startups[1]), cohort, json!({ "p": programme_id })).await;
    assert_eq!(ok(&mine)["cohort"]["myStage"], "ACCEPTED", "{mine}");
    assert_eq!(mine["data"]["cohort"]["members"][0]["name"], demo("startups.json")[1]["name"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selection_round_keeps_its_rules_at_the_graphql_door() {
    selection_round(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selection_round_keeps_its_rules_with_a_remote_application_service() {
    selection_round(true).await;
}

/// A programme's ranked startups as its organisation sees them are recorded, a decision links
/// to that record, the record replays to the same order, and the startup reads the factors
/// and the reason of the decision on its application.
async fn decision_records(remote_app: bool) {
    let mut b = backend().await;
    b.remote_app = remote_app;
    let (orgs, admin) = seed(&b, 1).await;
    let skills = reference_skills();
    let taxonomy = std::sync::Arc::new(crocevia_search::taxonomy::Taxonomy::new(skills.concepts().to_vec()));
    let search = crocevia_search::SearchService::in_ram(taxonomy.clone()).unwrap();
    let matching =
        crocevia_matching::MatchingService::open(b.db.clone(), &b.dir.path().join("m"), taxonomy).await.unwrap();
    let profiles = b.profiles.clone();
    let h = serve(b, true, 256 * 1024, Some(search.clone()), Some(matching.clone())).await;
    let manager = members(&h, &admin, &orgs[0], 1).await.remove(0);
    let programme = post_programme(&h, &manager.token, &open_programme(1)).await;
    let (mut startups, mut ids, mut applications) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..3 {
        let token = register(&h, &format!("s{i}@example.org"), "STARTUP").await;
        let body = gql(&h, Some(&token), SAVE, json!({ "p": input("startup", &demo("startups.json")[i]) })).await;
        ids.push(ok(&body)["saveProfile"]["id"].as_str().unwrap().to_owned());
        let apply = "mutation($t: ID!) { apply(target: $t) { id } }";
        let body = gql(&h, Some(&token), apply, json!({ "t": programme })).await;
        applications.push(ok(&body)["apply"]["id"].as_str().unwrap().to_owned());
        startups.push(token);
    }
    let mut taught: Vec<(crocevia_domain::EntityKind, &str)> =
        ids.iter().map(|id| (crocevia_domain::EntityKind::Startup, id.as_str())).collect();
    taught.push((crocevia_domain::EntityKind::Programme, programme.as_str()));
    teach(&profiles, &search, &matching, &taught).await;

    let shown = gql(
        &h,
        Some(&manager.token),
        "query($s: ID!) { matches(subject: $s) { counterpartId score } }",
        json!({ "s": programme }),
    )
    .await;
    let shown: Vec<String> = ok(&shown)["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["counterpartId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    let last = shown.last().unwrap();
    let chosen = ids.iter().position(|id| id == last).unwrap();
    let decide = "mutation($id: ID!, $r: String!) { moveApplication(id: $id, stage: SCREENING, reason: $r, againstRanking: true) { version } }";
    let e = gql(&h, Some(&manager.token), decide, json!({ "id": applications[chosen], "r": "" })).await;
    assert_eq!(e["errors"][0]["extensions"]["field"], "reason", "{e}");
    let reason = "the only team with a hardware lab";
    ok(&gql(&h, Some(&manager.token), decide, json!({ "id": applications[chosen], "r": reason })).await);

    let records = gql(
        &h,
        Some(&manager.token),
        "query($t: ID!) { decisionRecords(target: $t) { rankings { id list engineVersion targetVersion entries { position counterpartId counterpartVersion score verdict factors { key weight value reasonIt reasonEn } } } decisions { rankingId rankSeen againstRanking reason toStage decidedBy } } }",
        json!({ "t": programme }),
    )
    .await;
    let records = &ok(&records)["decisionRecords"];
    let ranking = &records["rankings"][0];
    assert_eq!(ranking["list"], "startups", "{records}");
    assert!(ranking["engineVersion"].as_str().unwrap().starts_with("crocevia-matching"));
    let entries = ranking["entries"].as_array().unwrap();
    let recorded: Vec<&str> = entries.iter().map(|e| e["counterpartId"].as_str().unwrap()).collect();
    assert_eq!(recorded, shown.iter().map(String::as_str).collect::<Vec<_>>(), "the list as shown");
    assert!(entries.iter().all(|e| e["counterpartVersion"] == 1 && e["verdict"] == "eligible"), "{ranking}");
    assert!(entries[0]["factors"].as_array().unwrap().len() >= 2, "{ranking}");
    let decision = &records["decisions"][0];
    assert_eq!(decision["rankingId"], ranking["id"]);
    assert_eq!(decision["rankSeen"], 3);
    assert_eq!((decision["againstRanking"].as_bool(), decision["reason"].as_str()), (Some(true), Some(reason)));
    let replay = gql(
        &h,
        Some(&manager.token),
        "query($id: ID!) { replayRanking(id: $id) { same replayedOrder } }",
        json!({ "id": ranking["id"] }),
    )
    .await;
    assert_eq!(ok(&replay)["replayRanking"]["same"], true, "{replay}");

    let mine = gql(
        &h,
        Some(&startups[chosen]),
        "query($a: ID!) { myDecision(application: $a) { rankSeen listLength factors { key reasonIt reasonEn } decisions { toStage reason decidedBy } } }",
        json!({ "a": applications[chosen] }),
    )
    .await;
    let mine = &ok(&mine)["myDecision"];
    assert_eq!((mine["rankSeen"].as_i64(), mine["listLength"].as_i64()), (Some(3), Some(3)), "{mine}");
    assert!(mine["factors"].as_array().unwrap().iter().all(|f| f["reasonIt"] != "" && f["reasonEn"] != ""), "{mine}");
    assert_eq!(mine["decisions"][0]["reason"], reason);
    assert!(mine["decisions"][0]["decidedBy"].is_null(), "the member who decided is not named to the applicant");
    let other = gql(
        &h,
        Some(&startups[(chosen + 1) % 3]),
        "query($a: ID!) { myDecision(application: $a) { rankSeen } }",
        json!({ "a": applications[chosen] }),
    )
    .await;
    assert_eq!(code(&other), Some("FORBIDDEN"), "{other}");
    let export = gql(
        &h,
        Some(&startups[0]),
        "query($t: ID!) { decisionRecords(target: $t) { decisions { reason } } }",
        json!({ "t": programme }),
    )
    .await;
    assert_eq!(code(&export), Some("FORBIDDEN"), "{export}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_follow_the_ranking_shown_and_the_ranking_replays() {
    decision_records(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_follow_the_ranking_shown_with_a_remote_application_service() {
    decision_records(true).await;
}

async fn upload(h: &Harness, token: &str, name: &str, body: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/files?name={name}", h.base))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The status of an upload that declares 11 MiB: refused at its headers, before any of it
/// is read (a client sending it all would see the connection closed under it).
async fn declared_too_big(h: &Harness, token: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = h.base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST /api/v1/files?name=big.pdf HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/pdf\r\nContent-Length: {}\r\n\r\n%PDF-",
        11 * 1024 * 1024
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0; 64];
    let n = socket.read(&mut answer).await.unwrap();
    let line = String::from_utf8_lossy(&answer[..n]).to_string();
    line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{line}"))
}

async fn download(h: &Harness, token: &str, id: &str) -> reqwest::Response {
    reqwest::Client::new().get(format!("{}/api/v1/files/{id}", h.base)).bearer_auth(token).send().await.unwrap()
}

/// A form's pitch deck: uploaded over REST (a PDF, at most 10 MiB), named in an answer,
/// downloaded as an attachment by the organisation; never by a blind reviewer or another
/// startup.
async fn pitch_deck(remote_app: bool) {
    let mut b = backend().await;
    b.remote_app = remote_app;
    let (orgs, admin) = seed(&b, 1).await;
    let h = serve(b, true, 256 * 1024, None, None).await;
    let staff = members(&h, &admin, &orgs[0], 2).await;
    let (manager, reviewer) = (&staff[0], &staff[1]);
    let mut programme = open_programme(1);
    programme["form"] = json!([
        {"key": "deck", "kind": "file", "label_it": "Presentazione (PDF)", "label_en": "Pitch deck (PDF)", "required": true, "max_bytes": 1_000_000}
    ]);
    let programme_id = post_programme(&h, &manager.token, &programme).await;
    let panel = "mutation($p: ID!, $r: [ID!]!) { setReviewPanel(programme: $p, reviewers: $r, blindFirstRound: true) { version } }";
    ok(&gql(&h, Some(&manager.token), panel, json!({ "p": programme_id, "r": [reviewer.id] })).await);
    let startup = register(&h, "deck@example.org", "STARTUP").await;
    ok(&gql(&h, Some(&startup), SAVE, json!({ "p": input("startup", &demo("startups.json")[0]) })).await);
    let other = register(&h, "other@example.org", "STARTUP").await;
    ok(&gql(&h, Some(&other), SAVE, json!({ "p": input("startup", &demo("startups.json")[1]) })).await);

    let deck = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec();
    let (status, problem) = upload(&h, &startup, "deck.pdf", b"<html><script>alert(1)</script>".to_vec()).await;
    assert_eq!((status, problem["field"].as_str()), (400, Some("file")), "{problem}");
    assert_eq!(declared_too_big(&h, &startup).await, 413, "larger than 10 MiB");
    let (status, _) = upload(&h, &manager.token, "deck.pdf", deck.clone()).await;
    assert_eq!(status, 403, "startups upload");
    let (status, stored) = upload(&h, &startup, "../Pitch \"2027\".pdf", deck.clone()).await;
    assert_eq!(status, 200, "{stored}");
    let file = stored["id"].as_str().unwrap().to_owned();
    assert_eq!(stored["name"], "Pitch 2027.pdf");
    assert_eq!(stored["bytes"], deck.len());

    // Another startup cannot name it in an answer, nor read it.
    let apply = "mutation($t: ID!, $a: [AnswerInput!]) { apply(target: $t, answers: $a) { id } }";
    let stolen =
        gql(&h, Some(&other), apply, json!({ "t": programme_id, "a": [{ "key": "deck", "file": file }] })).await;
    assert_eq!(stolen["errors"][0]["extensions"]["field"], "answers.deck", "{stolen}");
    assert_eq!(download(&h, &other, &file).await.status().as_u16(), 403);
    let missing = gql(&h, Some(&startup), apply, json!({ "t": programme_id })).await;
    assert_eq!(missing["errors"][0]["extensions"]["field"], "answers.deck", "required: {missing}");
    let applied =
        gql(&h, Some(&startup), apply, json!({ "t": programme_id, "a": [{ "key": "deck", "file": file }] })).await;
    let application = ok(&applied)["apply"]["id"].as_str().unwrap().to_owned();

    // The organisation downloads it, as an attachment never rendered in the page.
    let got = download(&h, &manager.token, &file).await;
    assert_eq!(got.status().as_u16(), 200);
    let headers = got.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-disposition"], "attachment; filename=\"Pitch 2027.pdf\"");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], "sandbox");
    assert_eq!(got.bytes().await.unwrap().to_vec(), deck);
    let seen = gql(
        &h,
        Some(&manager.token),
        "query($id: ID!) { entity(kind: APPLICATION, id: $id) { ... on Application { answers { key file fileBytes } } } }",
        json!({ "id": application }),
    )
    .await;
    assert_eq!(ok(&seen)["entity"]["answers"][0]["file"], file.as_str(), "{seen}");
    let listed = gql(&h, Some(&manager.token), "{ myApplications { answers { key file } } }", json!({})).await;
    assert_eq!(ok(&listed)["myApplications"][0]["answers"][0]["key"], "deck", "{listed}");
    // A reviewer in the blind round: no file in the packet, no download.
    let queue = gql(&h, Some(&reviewer.token), "{ reviewQueue { answers { key } } }", json!({})).await;
    assert_eq!(ok(&queue)["reviewQueue"][0]["answers"], json!([]), "{queue}");
    assert_eq!(download(&h, &reviewer.token, &file).await.status().as_u16(), 403);
    assert_eq!(download(&h, &startup, &file).await.status().as_u16(), 200, "the uploader");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pitch_deck_goes_to_the_organisation_only() {
    pitch_deck(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pitch_deck_goes_to_the_organisation_only_with_a_remote_application_service() {
    pitch_deck(true).await;
}
