//! A programme's own application form: the organisation's questions checked as posted, a
//! startup's answers checked as a draft and again (required ones too) on submission, the
//! draft used and gone once submitted, a closed programme closing the form, and the answers
//! reaching the organisation (masked for a blind reviewer).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

mod support;

use crocevia_api::AnswerInput;
use crocevia_domain::{AnswerValue, Entity, EntityKind, Role};
use serde_json::json;
use support::*;

fn form() -> serde_json::Value {
    json!([
        {"key": "pitch", "kind": "long_text", "label_it": "Il progetto", "label_en": "The project", "required": true, "max_chars": 200},
        {"key": "team", "kind": "number", "label_it": "Persone nel team", "label_en": "People in the team", "required": true, "min": 1.0, "max": 50.0},
        {"key": "stage", "kind": "single_choice", "label_it": "Fase", "label_en": "Stage", "options": [
            {"key": "idea", "label_it": "Idea", "label_en": "Idea"},
            {"key": "mvp", "label_it": "Prototipo", "label_en": "Prototype"}
        ]},
        {"key": "site", "kind": "url", "label_it": "Sito", "label_en": "Website"}
    ])
}

fn text(key: &str, value: &str) -> AnswerInput {
    AnswerInput { key: key.into(), text: Some(value.into()), choices: None, number: None, file: None }
}

fn number(key: &str, value: f64) -> AnswerInput {
    AnswerInput { key: key.into(), text: None, choices: None, number: Some(value), file: None }
}

fn choices(key: &str, value: &[&str]) -> AnswerInput {
    let choices = Some(value.iter().map(|c| (*c).to_owned()).collect());
    AnswerInput { key: key.into(), text: None, choices, number: None, file: None }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_programme_form_is_answered_as_a_draft_and_checked_again_on_submission() {
    let w = sqlite().await;
    let org = member(&w, 2, "incubator@example.org").await;
    let mut bad = programme(json!([]));
    bad["form"] = json!([{"key": "stage", "kind": "single_choice", "label_it": "Fase", "label_en": "Stage"}]);
    let e = w.app.save_posting(&org, None, posting(EntityKind::Programme, bad), None).await.unwrap_err();
    assert_eq!(e.field(), Some("programme.form[0].options"), "{e}");
    let mut p = programme(json!([]));
    p["form"] = form();
    let posted = w.app.save_posting(&org, None, posting(EntityKind::Programme, p), None).await.unwrap();
    let view = serde_json::to_value(w.app.entity(&org, EntityKind::Programme, posted.id).await.unwrap()).unwrap();
    assert_eq!(view["form"][1]["labelEn"], "People in the team", "the form is part of the programme: {view}");

    let startup = signed_up(&w, "s@example.org", Role::Startup).await;
    let name = demo("startups.json")[0]["name"].as_str().unwrap().to_owned();
    w.app.save_profile(&startup, profile_input(demo("startups.json")[0].clone()), None).await.unwrap();
    // A draft is checked as far as it goes: types, ranges, choices, lengths.
    for (answers, field) in [
        (vec![number("team", 0.0)], "answers.team"),
        (vec![choices("stage", &["idea", "mvp"])], "answers.stage"),
        (vec![choices("stage", &["seed"])], "answers.stage"),
        (vec![text("site", "javascript:alert(1)")], "answers.site"),
        (vec![text("pitch", &"x".repeat(201))], "answers.pitch"),
        (vec![number("pitch", 3.0)], "answers.pitch"),
        (vec![text("nope", "")], "answers.nope"),
    ] {
        let e = w.app.save_draft(&startup, posted.id, String::new(), answers).await.unwrap_err();
        assert_eq!((code(&e), e.field()), ("BAD_USER_INPUT", Some(field)), "{e}");
    }
    let pitch = format!("{name} porta sensori nei campi");
    let draft = w
        .app
        .save_draft(&startup, posted.id, "Ci teniamo".into(), vec![text("pitch", &pitch), choices("stage", &["mvp"])])
        .await
        .unwrap();
    assert_eq!(draft.answers.len(), 2);
    assert_eq!(w.app.my_draft(&startup, posted.id).await.unwrap().unwrap().motivation, "Ci teniamo");
    // Nobody else reads it: no application exists yet.
    assert!(w.app.applications(&org).await.unwrap().is_empty());
    // Submitting: the required team size is missing.
    let e = w.app.apply(&startup, posted.id, String::new()).await.unwrap_err();
    assert_eq!(e.field(), Some("answers.team"), "{e}");
    w.app
        .save_draft(
            &startup,
            posted.id,
            "Ci teniamo".into(),
            vec![text("pitch", &pitch), number("team", 4.0), text("site", "https://example.org")],
        )
        .await
        .unwrap();
    let applied = w.app.apply(&startup, posted.id, String::new()).await.unwrap();
    let Entity::Application(application) = w.profiles.get(EntityKind::Application, applied.id).await.unwrap().entity
    else {
        panic!()
    };
    assert_eq!(application.motivation, "Ci teniamo", "the draft's motivation");
    assert_eq!(application.answers.len(), 3);
    assert!(application.answers.iter().any(|a| a.key == "team" && a.value == AnswerValue::Number(4.0)));
    assert!(w.app.my_draft(&startup, posted.id).await.unwrap().is_none(), "the draft is gone once submitted");
    let (seen, _, _) = w.app.application(&org, applied.id).await.unwrap();
    assert_eq!(seen.answers.len(), 3, "the organisation reads the answers");

    // A blind reviewer reads them masked, without the link.
    let reviewer = member(&w, 2, "reviewer@example.org").await;
    let me = reviewer.user().unwrap().id.as_uuid();
    w.app.set_review_panel(&org, posted.id, vec![me], true, None).await.unwrap();
    let queue = w.app.review_queue(&reviewer).await.unwrap();
    let answers = &queue[0].answers;
    assert!(answers.iter().all(|a| a.key != "site"), "{answers:?}");
    let masked = answers.iter().find(|a| a.key == "pitch").unwrap().text.clone().unwrap();
    assert!(!masked.contains(&name) && masked.starts_with("▇▇▇"), "{masked}");

    // Other roles have no draft; a closed programme takes none.
    let talent = signed_up(&w, "t@example.org", Role::Talent).await;
    assert_eq!(code(&w.app.save_draft(&talent, posted.id, String::new(), vec![]).await.unwrap_err()), "FORBIDDEN");
    w.app.close_posting(&org, EntityKind::Programme, posted.id, None).await.unwrap();
    let other = signed_up(&w, "s2@example.org", Role::Startup).await;
    w.app.save_profile(&other, profile_input(demo("startups.json")[1].clone()), None).await.unwrap();
    let e = w.app.save_draft(&other, posted.id, String::new(), vec![number("team", 2.0)]).await.unwrap_err();
    assert_eq!(e.field(), Some("programme"), "{e}");
    assert!(e.to_string().contains("closed"), "{e}");
}
