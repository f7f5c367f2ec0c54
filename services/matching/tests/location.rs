//! The location rule, in both directions: a talent who lives outside the metropolitan area and
//! will not relocate is out of an on-site or hybrid offer's candidates, and the offer is out of
//! her own list, with the reason in both languages; relocation, remote work on either side, a
//! home in the area or an unstated one keep the pair.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use chrono::Utc;
use crocevia_domain::*;
use crocevia_matching::engine::Engine;
use crocevia_matching::{pair, scoring};
use crocevia_proto::envelope::{Change, EventMeta};
use crocevia_search::index::SearchIndex;
use crocevia_search::taxonomy::Taxonomy;
use std::path::PathBuf;
use std::sync::Arc;

fn demo<T: serde::de::DeserializeOwned>(file: &str) -> Vec<T> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const TEXT: &str = "Sviluppo di servizi backend affidabili in Rust per la logistica dei magazzini automatici: \
                    code di messaggi, PostgreSQL, osservabilità e turni di reperibilità condivisi.";

/// An on-site job in Nichelino that asks nothing else a talent could miss.
fn offer() -> Offer {
    let mut o = demo::<Offer>("offers.json").remove(0);
    o.id = OfferId::from_uuid(uuid::Uuid::now_v7());
    o.title = "Sviluppatrice o sviluppatore backend Rust".into();
    o.description = TEXT.into();
    o.text_language = LanguageCode::new("it").unwrap();
    o.comune = ComuneId::new("nichelino").unwrap();
    o.remote = RemotePolicy::OnSite;
    o.languages = vec![];
    o.sponsors_work_permit = true;
    o.starts_on = None;
    o.deadline = None;
    o.status = Status::Open;
    o
}

/// Camille lives in Lyon, will not relocate and wants no remote work; her profile says what
/// the offer says, so only her place can keep them apart.
fn camille() -> Talent {
    let mut t = demo::<Talent>("talents.json").remove(0);
    t.id = TalentId::from_uuid(uuid::Uuid::now_v7());
    t.display_name = "Camille Martin".into();
    t.headline = "Sviluppatrice backend Rust".into();
    t.bio = TEXT.into();
    t.country_of_origin = "FR".into();
    t.residence = Some(Place::elsewhere("Lyon", CountryCode::resolve("Francia").unwrap()));
    t.willing_to_relocate = false;
    t.open_to_remote = false;
    t.needs_work_permit = false;
    t.available_from = None;
    t.seeking = vec![];
    t
}

fn meta(e: &Entity) -> EventMeta {
    EventMeta {
        event_id: uuid::Uuid::now_v7(),
        entity_kind: e.kind(),
        entity_id: e.id(),
        entity_version: 1,
        occurred_at: Utc::now(),
        correlation_id: "location".into(),
    }
}

/// The engine holding the two, with their lists computed as the service computes them.
fn engine_with(talent: &Talent, offer: &Offer) -> Engine {
    let mut engine = Engine::new(SearchIndex::in_ram(Arc::new(Taxonomy::new(vec![]))).unwrap());
    let entities = [Entity::Offer(offer.clone()), Entity::Talent(talent.clone())];
    for e in &entities {
        engine.apply(&meta(e), &Change::Upserted(e.clone())).unwrap();
    }
    engine.commit_index().unwrap();
    engine.recompute(&entities.iter().map(Entity::id).collect::<Vec<_>>()).unwrap();
    engine
}

/// Whether the offer lists the talent among its candidates, and the talent lists the offer.
fn listed_both_ways(talent: &Talent, offer: &Offer) -> (bool, bool) {
    let engine = engine_with(talent, offer);
    let (t, o) = (talent.id.as_uuid(), offer.id.as_uuid());
    (engine.list(o).iter().any(|e| e.counterpart == t), engine.list(t).iter().any(|e| e.counterpart == o))
}

#[test]
fn a_talent_abroad_who_will_not_move_is_out_of_an_on_site_offer_both_ways_with_the_reason() {
    let (offer, talent) = (offer(), camille());
    assert_eq!(listed_both_ways(&talent, &offer), (false, false), "excluded from the candidates and from her list");

    let excluded = scoring::talent_offer(&Taxonomy::new(vec![]), &talent, &offer, 5.0).unwrap_err();
    assert_eq!(excluded.rule, "location");
    assert_eq!(excluded.it, "vive a Lyon (Francia) e non si trasferisce; l'offerta è in presenza a Nichelino");
    assert_eq!(excluded.en, "lives in Lyon (France) and will not relocate; the offer is on site in Nichelino");

    // Asking about the one offer, she learns why it is not in her list.
    let engine = engine_with(&talent, &offer);
    let view =
        pair::view(&engine, &Entity::Talent(talent.clone()), offer.id.as_uuid(), pair::Viewpoint::Subject).unwrap();
    let rules: Vec<&str> = view.exclusions.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(rules, ["location"], "{view:?}");
    assert_eq!((view.mutual, view.rank), (0.0, None));

    // A hybrid offer still needs her in Nichelino some days.
    let mut hybrid = offer.clone();
    hybrid.remote = RemotePolicy::Hybrid;
    assert_eq!(listed_both_ways(&talent, &hybrid), (false, false));
    let excluded = scoring::talent_offer(&Taxonomy::new(vec![]), &talent, &hybrid, 5.0).unwrap_err();
    assert!(excluded.en.ends_with("the offer is hybrid, based in Nichelino"), "{}", excluded.en);
}

#[test]
fn relocation_remote_work_or_a_home_in_the_area_keep_the_pair() {
    let offer = offer();
    let mut relocating = camille();
    relocating.willing_to_relocate = true;
    let mut remote_talent = camille();
    remote_talent.open_to_remote = true;
    let mut moncalieri = camille();
    moncalieri.residence = Some(Place::Metro(ComuneId::new("moncalieri").unwrap()));
    let mut unstated = camille();
    unstated.residence = None;
    for (case, talent) in [
        ("relocating", relocating),
        ("open to remote", remote_talent),
        ("in the area", moncalieri),
        ("unstated", unstated),
    ] {
        assert_eq!(listed_both_ways(&talent, &offer), (true, true), "{case}");
    }

    let mut remote_offer = offer.clone();
    remote_offer.remote = RemotePolicy::Remote;
    assert_eq!(listed_both_ways(&camille(), &remote_offer), (true, true), "a remote offer needs no presence");
}

#[test]
fn distances_and_places_are_explained_by_name_never_by_id() {
    let mut offer = offer();
    offer.comune = ComuneId::new("settimo-torinese").unwrap();
    let mut talent = camille();
    talent.residence = Some(Place::Metro(ComuneId::new("torino").unwrap()));
    let fit = scoring::talent_offer(&Taxonomy::new(vec![]), &talent, &offer, 5.0).unwrap();
    let place = fit.factors.iter().find(|f| f.key == "place").unwrap();
    assert!(place.reason_it.ends_with("km da Settimo Torinese"), "{}", place.reason_it);
    assert!(place.reason_en.ends_with("km from Settimo Torinese"), "{}", place.reason_en);

    talent.willing_to_relocate = true;
    talent.residence = Some(Place::elsewhere("Lyon", CountryCode::resolve("FR").unwrap()));
    let fit = scoring::talent_offer(&Taxonomy::new(vec![]), &talent, &offer, 5.0).unwrap();
    let place = fit.factors.iter().find(|f| f.key == "place").unwrap();
    assert_eq!(place.reason_en, "lives in Lyon (France), willing to relocate to Torino");
    assert_eq!(place.reason_it, "vive a Lyon (Francia), disposto/a a trasferirsi a Torino");
}
