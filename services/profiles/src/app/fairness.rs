//! The fairness monitor: an offer's or programme's selection rates through its pipeline by
//! group, for its organisation. The groups are the ones the data holds: talents' origin
//! (Italy or abroad, from the country of origin they gave) and the founder traits startups
//! declared (female-led, under 35, university spin-off); nothing is inferred. Counts follow
//! the open data's k-anonymity rule; the four-fifths rule flags a group for a human to look
//! at (see `crocevia_domain::fairness`).

use super::queries::ends;
use super::{Actor, App, AppError, owns};
use crate::store;
use crocevia_api::{DimensionRatesView, FairnessView, GroupRatesView, StepRateView, wire};
use crocevia_domain::fairness::{self, Counted, K_ANONYMITY};
use crocevia_domain::{ApplicationStage, Entity, EntityKind};
use uuid::Uuid;

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

fn labels(dimension: &str) -> (&'static str, &'static str) {
    match dimension {
        "origin" => ("Provenienza (Italia o estero)", "Origin (Italy or abroad)"),
        "female_led" => ("Guidata da donne", "Female-led"),
        "under_35" => ("Fondatori under 35", "Founders under 35"),
        "university_spinoff" => ("Spin-off universitario", "University spin-off"),
        _ => ("", ""),
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl App {
    /// Selection rates by group through the pipeline of an offer or programme, for its
    /// organisation and administrators. Withdrawn applications are not counted.
    pub async fn fairness(&self, actor: &Actor, target: Uuid) -> Result<FairnessView, AppError> {
        actor.require()?;
        let db = self.profiles.db();
        let mut held = None;
        for kind in [EntityKind::Offer, EntityKind::Programme] {
            if let Some(stored) = store::find(db, kind, target).await? {
                held = Some(stored.entity);
                break;
            }
        }
        let entity = held.ok_or_else(|| AppError::not_found("no offer or programme has this id"))?;
        if !actor.is_admin() && !owns(actor, &entity) {
            return Err(AppError::forbidden("only the organisation that runs it sees its selection rates"));
        }
        let mut counted = Vec::new();
        for a in self.applications_to(target).await? {
            if a.stage == ApplicationStage::Withdrawn {
                continue;
            }
            let furthest = fairness::furthest(a.history.iter().map(|h| h.stage).chain([a.stage]));
            let (kind, applicant) = ends(&a).0;
            let groups = match store::find(db, kind, applicant).await?.map(|s| s.entity) {
                Some(Entity::Talent(t)) => {
                    vec![(
                        "origin",
                        if t.country_of_origin.eq_ignore_ascii_case("IT") { "local" } else { "international" },
                    )]
                }
                Some(Entity::Startup(s)) => vec![
                    ("female_led", yes_no(s.founders.female_led)),
                    ("under_35", yes_no(s.founders.under_35)),
                    ("university_spinoff", yes_no(s.founders.university_spinoff)),
                ],
                _ => vec![],
            };
            counted.push(Counted { groups, furthest });
        }
        let dimensions = fairness::selection_rates(&counted)
            .into_iter()
            .map(|d| {
                let (label_it, label_en) = labels(d.dimension);
                DimensionRatesView {
                    dimension: d.dimension.to_owned(),
                    label_it: label_it.to_owned(),
                    label_en: label_en.to_owned(),
                    groups: d
                        .groups
                        .into_iter()
                        .map(|g| GroupRatesView {
                            group: g.group.to_owned(),
                            applicants: g.applicants.map(count),
                            steps: g
                                .steps
                                .into_iter()
                                .map(|s| StepRateView {
                                    stage: s.stage,
                                    reached: s.reached.map(count),
                                    rate: s.rate,
                                    flagged: s.flagged,
                                })
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(FairnessView {
            target_id: wire::id(target),
            k: count(K_ANONYMITY),
            applications: count(counted.len()),
            dimensions,
        })
    }
}
