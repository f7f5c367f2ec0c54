//! The queries that read entities into the shared views of `crocevia-api`.
//!
//! A view deserializes only when every one of its fields was selected, so each fragment
//! selects them all (the test below holds them to the views). The fragments are macros so
//! the queries are put together at compile time.

use crocevia_api::EntityKind;
use serde::Serialize;

macro_rules! talent {
    () => {
        "... on Talent { id version displayName headline bio contactEmail countryOfOrigin residence { comune city country countryNameIt countryNameEn inMetroArea } fieldOfStudy education { institution institutionName level field course graduatedOn }
        skills { skill years } languages { language level } experienceYears availableFrom willingToRelocate
        openToRemote needsWorkPermit sectors seeking }"
    };
}

macro_rules! startup {
    () => {
        "... on Startup { id version name description sectors stage legalForm foundedOn seat { comune city country countryNameIt countryNameEn inMetroArea } willingToRelocate
        teamSize fundingRaisedEur founders { femaleLed under35 universitySpinoff } contactEmail website }"
    };
}

macro_rules! organisation {
    () => {
        "... on Organisation { id version name kind description comune website sectors }"
    };
}

macro_rules! offer {
    () => {
        "... on Offer { id version organisationId startupId employer { kind id name } fromStartup kind title description textLanguage requiredSkills
        niceToHaveSkills languages { language level } comune remote contract minExperienceYears salaryMinEur
        salaryMaxEur postedOn startsOn deadline sponsorsWorkPermit sectors status }"
    };
}

macro_rules! programme {
    () => {
        "... on Programme { id version organisationId title description model phases sectors
        eligibility { stageIn { stages } sectorIn { sectors } maxAgeMonths { months } minAgeMonths { months }
            seatInMetroArea { allowRelocation } teamSize { min max } fundingRaised { minEur maxEur }
            legalFormIn { forms incorporationByDeadline } founders { femaleLed under35 universitySpinoff } }
        comune cohortStart cohortEnd applicationDeadline capacity accepted languages status
        form { key kind labelIt labelEn required options { key labelIt labelEn } maxChars min max maxBytes } }"
    };
}

/// My consents (the newest answer for each purpose), `crocevia_api::ConsentView`s, and the
/// mutation that gives or withdraws one.
pub const MY_CONSENTS: &str = "query { myConsents { id version purpose granted at } }";
pub const SET_CONSENT: &str = "mutation($purpose: ConsentPurpose!, $granted: Boolean!) { setConsent(purpose: $purpose, granted: $granted) { id version } }";

/// Every field of a talent and of a startup, for a selection on either type.
pub const TALENT_FIELDS: &str = talent!();
pub const STARTUP_FIELDS: &str = startup!();

/// My talent or startup profile, a `crocevia_api::ProfileView` (or null).
pub const MY_PROFILE: &str = concat!("query { myProfile { __typename ", talent!(), " ", startup!(), " } }");

/// My organisation's offers and programmes, or my startup's offers, `crocevia_api::PostingView`s.
pub const MY_POSTINGS: &str = concat!("query { myPostings { __typename ", offer!(), " ", programme!(), " } }");

/// An offer, a programme or an organisation, the kinds the pages open, as a
/// `crocevia_api::EntityView`.
pub const ENTITY: &str = concat!(
    "query($kind: EntityKind!, $id: ID!) { entity(kind: $kind, id: $id) { __typename ",
    organisation!(),
    " ",
    offer!(),
    " ",
    programme!(),
    " } }"
);

/// The variables of [`ENTITY`].
#[derive(Debug, Serialize)]
pub struct EntityVariables {
    #[serde(with = "crocevia_api::wire::enumeration")]
    pub kind: EntityKind,
    pub id: String,
}

macro_rules! review {
    () => {
        "reviewerId reviewerName round rubric { criterion points maxPoints } total submittedAt mine"
    };
}

macro_rules! recorded_factor {
    () => {
        "key weight value reasonIt reasonEn"
    };
}

macro_rules! decision {
    () => {
        "id applicationId applicantId decidedBy fromStage toStage rankingId rankSeen againstRanking reason decidedAt"
    };
}

/// A programme's raw and calibrated ranking, a `crocevia_api::SelectionRankingView`. The
/// server records every ranking it shows (the decision records), so pages load it when the
/// organisation is shown it, not in the background.
pub const SELECTION_RANKING: &str = "query($programme: ID!) { selectionRanking(programme: $programme) {
    programmeId panel { id name } blindFirstRound blindRoundEnded mean sd
    applications { applicationId applicant { kind id } applicantName stage reviews raw calibrated rawRank calibratedRank
    motivation answers { key text choices number file fileBytes } }
    reviewers { reviewerId reviewerName reviews mean sd offset } withheld } }";

/// An offer's or programme's selection rates by group, a `crocevia_api::FairnessView`.
pub const FAIRNESS: &str = "query($target: ID!) { fairness(target: $target) {
    targetId k applications dimensions { dimension labelIt labelEn
    groups { group applicants steps { stage reached rate flagged } } } } }";

/// A programme's cohort, a `crocevia_api::CohortView`.
pub const COHORT: &str = "query($programme: ID!) { cohort(programme: $programme) {
    programmeId title cohortStart cohortEnd capacity members { id name } waitlisted waitlist { id name }
    myStage myWaitlistPosition } }";

/// My review packets, `crocevia_api::ReviewPacketView`s.
pub const REVIEW_QUEUE: &str = concat!(
    "query { reviewQueue { applicationId programmeId programmeTitle round blind label applicant { kind id }
    applicantName stage sectors startupStage legalForm teamSize fundingRaisedEur foundedYear seatInMetroArea
    description motivation answers { key text choices number file fileBytes } myReview { ",
    review!(),
    " } otherReviews { ",
    review!(),
    " } } }"
);

/// An offer's or programme's decision records, a `crocevia_api::DecisionExportView`.
pub const DECISION_RECORDS: &str = concat!(
    "query($target: ID!) { decisionRecords(target: $target) { targetId exportedAt
    rankings { id viewerId list engineVersion targetVersion shownAt lastShownAt retainUntil
        entries { position counterpartId counterpartVersion score raw verdict factors { ",
    recorded_factor!(),
    " } } }
    decisions { ",
    decision!(),
    " } } }"
);

/// The explanation of the decisions on my application, a `crocevia_api::DecisionExplanationView`.
pub const MY_DECISION: &str = concat!(
    "query($application: ID!) { myDecision(application: $application) { applicationId list engineVersion
    rankSeen listLength score verdict factors { ",
    recorded_factor!(),
    " } decisions { ",
    decision!(),
    " } } }"
);

/// A recorded ranking computed again, a `crocevia_api::RankingReplayView`.
pub const REPLAY_RANKING: &str =
    "query($id: ID!) { replayRanking(id: $id) { rankingId list engineVersion replayedOrder same } }";

#[cfg(test)]
mod tests {
    use super::*;
    use crocevia_api::{OfferView, OrganisationView, ProgrammeView, StartupView, TalentView};
    use crocevia_domain as d;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// A selection set as a tree: field name to its own selection (empty for a leaf).
    /// `... on Type { }` becomes the field `Type`; arguments and variables are left out.
    #[derive(Debug, Default)]
    struct Selection(BTreeMap<String, Selection>);

    fn parse(text: &str) -> Selection {
        let mut depth = 0;
        let bare: String = text
            .chars()
            .filter(|c| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => return depth == 0,
                }
                false
            })
            .collect();
        let spaced = bare.replace('{', " { ").replace('}', " } ");
        let mut tokens = spaced.split_whitespace().filter(|t| !matches!(*t, "..." | "on")).peekable();
        fn level<'a>(tokens: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>) -> Selection {
            let mut out = Selection::default();
            while let Some(token) = tokens.next() {
                match token {
                    "}" => break,
                    name => {
                        let inner = if tokens.peek() == Some(&"{") {
                            tokens.next();
                            level(tokens)
                        } else {
                            Selection::default()
                        };
                        out.0.insert(name.to_owned(), inner);
                    }
                }
            }
            out
        }
        level(&mut tokens)
    }

    /// Every field of `value` (a serialized view) is selected, nested ones too.
    fn covers(selection: &Selection, value: &Value, path: &str) {
        let Value::Object(fields) = value else { return };
        for (name, inner) in fields {
            let Some(sub) = selection.0.get(name) else { panic!("{path}.{name} is not selected") };
            match inner {
                Value::Array(items) => items.iter().for_each(|i| covers(sub, i, &format!("{path}.{name}"))),
                other => covers(sub, other, &format!("{path}.{name}")),
            }
        }
    }

    fn demo<T: serde::de::DeserializeOwned>(json: &str) -> Vec<T> {
        serde_json::from_str(json).unwrap()
    }

    fn check<V: serde::Serialize>(query: &Selection, root: &str, typename: &str, views: Vec<V>) {
        let fragment = &query.0[root].0[typename];
        assert!(!views.is_empty());
        for v in views {
            covers(fragment, &serde_json::to_value(v).unwrap(), typename);
        }
    }

    #[test]
    fn every_field_of_the_views_is_selected() {
        let profile = parse(MY_PROFILE).0.remove("query").unwrap();
        let talents = demo::<d::Talent>(include_str!("../../data/demo/talents.json"));
        check(&profile, "myProfile", "Talent", talents.iter().map(|t| TalentView::of(t, 1, true)).collect());
        let startups = demo::<d::Startup>(include_str!("../../data/demo/startups.json"));
        check(&profile, "myProfile", "Startup", startups.iter().map(|s| StartupView::of(s, 1, true)).collect());

        let offers = demo::<d::Offer>(include_str!("../../data/demo/offers.json"));
        let programmes = demo::<d::Programme>(include_str!("../../data/demo/programmes.json"));
        let postings = parse(MY_POSTINGS).0.remove("query").unwrap();
        check(&postings, "myPostings", "Offer", offers.iter().map(|o| OfferView::of(o, 1)).collect());
        let with_accepted = || programmes.iter().map(|p| ProgrammeView::of(p, 1, Some(0))).collect();
        check(&postings, "myPostings", "Programme", with_accepted());

        let entity = parse(ENTITY).0.remove("query").unwrap();
        let organisations = demo::<d::Organisation>(include_str!("../../data/demo/organisations.json"));
        check(&entity, "entity", "Organisation", organisations.iter().map(|o| OrganisationView::of(o, 1)).collect());
        check(&entity, "entity", "Offer", offers.iter().map(|o| OfferView::of(o, 1)).collect());
        check(&entity, "entity", "Programme", with_accepted());
    }

    fn selection_views() -> (
        crocevia_api::SelectionRankingView,
        crocevia_api::CohortView,
        crocevia_api::ReviewPacketView,
        crocevia_api::DecisionExportView,
        crocevia_api::DecisionExplanationView,
        crocevia_api::RankingReplayView,
    ) {
        use crocevia_api::*;
        let named = NamedView { id: "u".into(), name: "Marco".into() };
        let when = DateTime(chrono::DateTime::UNIX_EPOCH);
        let day = Date(chrono::NaiveDate::MIN);
        let party = Party { kind: EntityKind::Startup, id: "s".into() };
        let answer = AnswerView {
            key: "team".into(),
            text: Some("t".into()),
            choices: Some(vec!["a".into()]),
            number: Some(1.0),
            file: Some("f".into()),
            file_bytes: Some(1.0),
        };
        let review = ReviewView {
            reviewer_id: "u".into(),
            reviewer_name: "Marco".into(),
            round: 1,
            rubric: vec![RubricLine { criterion: "Team".into(), points: 8, max_points: 10 }],
            total: 80.0,
            submitted_at: when,
            mine: true,
        };
        let factor = RecordedFactorView {
            key: "skills".into(),
            weight: 0.5,
            value: 1.0,
            reason_it: "it".into(),
            reason_en: "en".into(),
        };
        let decision = DecisionRecordView {
            id: "d".into(),
            application_id: Some("a".into()),
            applicant_id: Some("s".into()),
            decided_by: Some("u".into()),
            from_stage: ApplicationStage::Offered,
            to_stage: ApplicationStage::Accepted,
            ranking_id: Some("r".into()),
            rank_seen: Some(1),
            against_ranking: false,
            reason: String::new(),
            decided_at: when,
        };
        let ranking = SelectionRankingView {
            programme_id: "p".into(),
            panel: vec![named.clone()],
            blind_first_round: true,
            blind_round_ended: false,
            mean: 50.0,
            sd: 10.0,
            applications: vec![RankedApplicationView {
                application_id: "a".into(),
                applicant: party.clone(),
                applicant_name: "Nebbia".into(),
                stage: ApplicationStage::Submitted,
                reviews: 1,
                raw: Some(1.0),
                calibrated: Some(1.0),
                raw_rank: Some(1),
                calibrated_rank: Some(1),
                motivation: "m".into(),
                answers: vec![answer.clone()],
            }],
            reviewers: vec![ReviewerLeniencyView {
                reviewer_id: "u".into(),
                reviewer_name: "Marco".into(),
                reviews: 1,
                mean: 1.0,
                sd: 0.0,
                offset: 0.0,
            }],
            withheld: 0,
        };
        let cohort = CohortView {
            programme_id: "p".into(),
            title: "t".into(),
            cohort_start: day,
            cohort_end: day,
            capacity: 2,
            members: vec![named.clone()],
            waitlisted: 1,
            waitlist: vec![named],
            my_stage: Some(ApplicationStage::Waitlisted),
            my_waitlist_position: Some(1),
        };
        let packet = ReviewPacketView {
            application_id: "a".into(),
            programme_id: "p".into(),
            programme_title: "t".into(),
            round: 1,
            blind: false,
            label: "#ABCDEF".into(),
            applicant: Some(party),
            applicant_name: Some("Nebbia".into()),
            stage: ApplicationStage::Submitted,
            sectors: vec![crocevia_domain::Sector::Ict],
            startup_stage: crocevia_domain::StartupStage::Seed,
            legal_form: crocevia_domain::LegalForm::Srl,
            team_size: 3,
            funding_raised_eur: 0.0,
            founded_year: Some(2024),
            seat_in_metro_area: true,
            description: String::new(),
            motivation: String::new(),
            answers: vec![answer.clone()],
            my_review: Some(review.clone()),
            other_reviews: vec![review],
        };
        let records = DecisionExportView {
            target_id: "p".into(),
            exported_at: when,
            rankings: vec![RankingRecordView {
                id: "r".into(),
                viewer_id: "u".into(),
                list: "selection".into(),
                engine_version: "1".into(),
                target_version: 1,
                shown_at: when,
                last_shown_at: when,
                retain_until: when,
                entries: vec![RecordedEntryView {
                    position: 1,
                    counterpart_id: Some("s".into()),
                    counterpart_version: 1,
                    score: 1.0,
                    raw: Some(1.0),
                    verdict: Some("eligible".into()),
                    factors: vec![factor.clone()],
                }],
            }],
            decisions: vec![decision.clone()],
        };
        let explanation = DecisionExplanationView {
            application_id: "a".into(),
            list: Some("selection".into()),
            engine_version: Some("1".into()),
            rank_seen: Some(1),
            list_length: Some(1),
            score: Some(1.0),
            verdict: Some("eligible".into()),
            factors: vec![factor],
            decisions: vec![decision],
        };
        let replay = RankingReplayView {
            ranking_id: "r".into(),
            list: "selection".into(),
            engine_version: "1".into(),
            replayed_order: vec![1],
            same: true,
        };
        (ranking, cohort, packet, records, explanation, replay)
    }

    #[test]
    fn every_field_of_the_selection_views_is_selected() {
        let (ranking, cohort, packet, records, explanation, replay) = selection_views();
        let root = |query: &str, field: &str| parse(query).0.remove("query").unwrap().0.remove(field).unwrap();
        covers(&root(SELECTION_RANKING, "selectionRanking"), &value(&ranking), "selectionRanking");
        covers(&root(COHORT, "cohort"), &value(&cohort), "cohort");
        covers(&root(REVIEW_QUEUE, "reviewQueue"), &value(&packet), "reviewQueue");
        covers(&root(DECISION_RECORDS, "decisionRecords"), &value(&records), "decisionRecords");
        covers(&root(MY_DECISION, "myDecision"), &value(&explanation), "myDecision");
        covers(&root(REPLAY_RANKING, "replayRanking"), &value(&replay), "replayRanking");
        let fairness = crocevia_api::FairnessView {
            target_id: "p".into(),
            k: 5,
            applications: 9,
            dimensions: vec![crocevia_api::DimensionRatesView {
                dimension: "origin".into(),
                label_it: "Provenienza".into(),
                label_en: "Origin".into(),
                groups: vec![crocevia_api::GroupRatesView {
                    group: "local".into(),
                    applicants: Some(5),
                    steps: vec![crocevia_api::StepRateView {
                        stage: crocevia_api::ApplicationStage::Accepted,
                        reached: Some(2),
                        rate: Some(0.4),
                        flagged: true,
                    }],
                }],
            }],
        };
        covers(&root(FAIRNESS, "fairness"), &value(&fairness), "fairness");
        let back: crocevia_api::FairnessView = serde_json::from_value(value(&fairness)).unwrap();
        assert_eq!(back, fairness);
        // And what is selected reads back into the views.
        let back: crocevia_api::SelectionRankingView = serde_json::from_value(value(&ranking)).unwrap();
        assert_eq!(back, ranking);
    }

    fn value<T: serde::Serialize>(view: &T) -> Value {
        serde_json::to_value(view).unwrap()
    }
}
