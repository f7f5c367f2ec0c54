use super::*;
use serde_json::json;

fn step() -> Value {
    json!({
        "id": "codice-fiscale", "routes": ["blue-card"],
        "title_it": "Codice fiscale", "title_en": "Tax code",
        "explanation_it": "Serve per tutto.", "explanation_en": "You need it for everything.",
        "source": "https://www.agenziaentrate.gov.it/", "checked_on": "2026-12-07"
    })
}

fn field_of(doc: Value) -> Vec<String> {
    WelcomeChecklist::parse(&doc).unwrap_err().0.into_iter().map(|e| e.field).collect()
}

#[test]
fn the_reference_checklist_loads_and_covers_every_route_with_the_common_steps() {
    let checklist = WelcomeChecklist::reference().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parse_version(&checklist.version), Some((1, 0, 0)));
    for route in WelcomeRoute::ALL {
        let ids: Vec<&str> = checklist.steps_for(route).map(|s| s.id.as_str()).collect();
        for common in ["codice-fiscale", "health-service", "registered-residence", "housing", "italian-courses"] {
            assert!(ids.contains(&common), "{route:?} lacks {common}: {ids:?}");
        }
        assert!(ids.len() > 5, "{route:?} has a step of its own: {ids:?}");
    }
    assert!(checklist.steps_for(WelcomeRoute::StartupVisa).any(|s| s.source.contains("italiastartupvisa")));
    assert!(checklist.steps_for(WelcomeRoute::BlueCard).any(|s| s.source.ends_with("~art27quater")));
    assert!(checklist.steps_for(WelcomeRoute::Research).any(|s| s.source.ends_with("~art27ter")));
    // The JSON form reads back to the same checklist.
    assert_eq!(WelcomeChecklist::parse(&checklist.to_value()).unwrap(), checklist);
}

#[test]
fn every_field_is_checked_and_named() {
    let ok = json!({"version": "1.0.1", "steps": [step()]});
    assert!(WelcomeChecklist::parse(&ok).is_ok());
    for (change, field) in [
        (json!({"source": "http://www.agenziaentrate.gov.it/"}), "steps[1].source"),
        (json!({"source": "javascript:alert(1)"}), "steps[1].source"),
        (json!({"title_en": "  "}), "steps[1].title_en"),
        (json!({"explanation_it": null}), "steps[1].explanation_it"),
        (json!({"checked_on": "7 dicembre"}), "steps[1].checked_on"),
        (json!({"routes": ["blue-card", "golden-visa"]}), "steps[1].routes[1]"),
        (json!({"routes": []}), "steps[1].routes"),
        (json!({"id": "Codice Fiscale"}), "steps[1].id"),
        (json!({"id": "codice-fiscale"}), "steps[1].id"),
        (json!({"sorce": "https://x.it/"}), "steps[1].sorce"),
    ] {
        let mut second = step();
        second["id"] = json!("other-step");
        for (k, v) in change.as_object().unwrap() {
            second[k] = v.clone();
        }
        let fields = field_of(json!({"version": "1.0.1", "steps": [step(), second]}));
        assert_eq!(fields, [field], "{change}");
    }
    assert_eq!(field_of(json!({"version": "1.0", "steps": [step()]})), ["version"]);
    assert_eq!(field_of(json!({"version": "1.0.0", "steps": []})), ["steps"]);
    assert_eq!(field_of(json!({"version": "1.0.0"})), ["steps"]);
    assert_eq!(field_of(json!([])), [""]);
}

#[test]
fn a_new_version_must_be_greater() {
    let current = WelcomeChecklist::reference().unwrap();
    let mut next = current.clone();
    for (version, newer) in [("1.0.1", true), ("1.1.0", true), ("2.0.0", true), ("1.0.0", false), ("0.9.9", false)] {
        next.version = version.into();
        assert_eq!(next.supersedes(&current), newer, "{version}");
    }
    assert_eq!(parse_version("1.10.0"), Some((1, 10, 0)));
    assert!(parse_version("1.0.0.0").is_none() && parse_version("v1.0.0").is_none() && parse_version("1..0").is_none());
}

#[test]
fn the_route_follows_the_offer_and_the_degree() {
    assert_eq!(WelcomeRoute::for_offer(OfferKind::Job, false), WelcomeRoute::BlueCard);
    assert_eq!(WelcomeRoute::for_offer(OfferKind::Internship, false), WelcomeRoute::BlueCard);
    assert_eq!(WelcomeRoute::for_offer(OfferKind::PhdPosition, false), WelcomeRoute::Research);
    assert_eq!(WelcomeRoute::for_offer(OfferKind::Fellowship, true), WelcomeRoute::Research);
    assert_eq!(WelcomeRoute::for_offer(OfferKind::Job, true), WelcomeRoute::StudyConversion);
    for route in WelcomeRoute::ALL {
        assert_eq!(WelcomeRoute::from_key(route.key()), Some(route));
        assert_eq!(serde_json::to_value(route).unwrap(), json!(route.key()));
    }
}
