//! Selection rates through an application pipeline by group, with the open data's
//! k-anonymity rule and the four-fifths rule (a group selected at under 80% of the rate of the
//! most selected group is flagged for a human to look at; a flag is a question, not a verdict).

use crate::application::ApplicationStage;
use std::collections::BTreeMap;

/// No count of fewer people than this is shown (the open data's rule).
pub const K_ANONYMITY: usize = 5;

/// A rate under this share of the highest group's rate is flagged.
pub const FOUR_FIFTHS: f64 = 0.8;

/// The steps of the pipeline a rate is measured at, in order.
pub const STEPS: [ApplicationStage; 4] =
    [ApplicationStage::Screening, ApplicationStage::Interview, ApplicationStage::Offered, ApplicationStage::Accepted];

/// How far a stage is along the pipeline (a waitlisted application was selected, as an
/// offered one); rejected and withdrawn are not steps.
fn depth(stage: ApplicationStage) -> u8 {
    match stage {
        ApplicationStage::Submitted | ApplicationStage::Rejected | ApplicationStage::Withdrawn => 0,
        ApplicationStage::Screening => 1,
        ApplicationStage::Interview => 2,
        ApplicationStage::Offered | ApplicationStage::Waitlisted => 3,
        ApplicationStage::Accepted => 4,
    }
}

/// The furthest step an application's history reached.
pub fn furthest(history: impl IntoIterator<Item = ApplicationStage>) -> u8 {
    history.into_iter().map(depth).max().unwrap_or(0)
}

/// One applicant as the monitor counts them: their group in each dimension the data holds
/// for them, and the furthest step reached.
#[derive(Debug, Clone)]
pub struct Counted {
    pub groups: Vec<(&'static str, &'static str)>,
    pub furthest: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepRate {
    pub stage: ApplicationStage,
    /// `None` when the group has fewer than [`K_ANONYMITY`] applicants.
    pub reached: Option<usize>,
    pub rate: Option<f64>,
    /// Under four fifths of the highest group's rate at this step.
    pub flagged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupRates {
    pub group: &'static str,
    /// `None` when fewer than [`K_ANONYMITY`].
    pub applicants: Option<usize>,
    pub steps: Vec<StepRate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DimensionRates {
    pub dimension: &'static str,
    pub groups: Vec<GroupRates>,
}

/// One group's tally: its name, its rates at each step (none under k), its size, and how
/// many reached each step.
type Tally = (&'static str, Option<Vec<f64>>, usize, Vec<usize>);

/// Selection rates of `applicants` by dimension and group. A group of fewer than
/// [`K_ANONYMITY`] shows no count and no rate, and takes no part in the comparison; a rate
/// is flagged when it is under [`FOUR_FIFTHS`] of the highest shown rate at that step (and
/// that highest rate is above 0).
pub fn selection_rates(applicants: &[Counted]) -> Vec<DimensionRates> {
    let mut by: BTreeMap<&'static str, BTreeMap<&'static str, Vec<u8>>> = BTreeMap::new();
    for a in applicants {
        for (dimension, group) in &a.groups {
            by.entry(dimension).or_default().entry(group).or_default().push(a.furthest);
        }
    }
    by.into_iter()
        .map(|(dimension, groups)| {
            let shown: Vec<Tally> = groups
                .iter()
                .map(|(group, reached)| {
                    let n = reached.len();
                    let counts: Vec<usize> =
                        (1..=STEPS.len()).map(|d| reached.iter().filter(|r| usize::from(**r) >= d).count()).collect();
                    let rates = (n >= K_ANONYMITY).then(|| counts.iter().map(|c| *c as f64 / n as f64).collect());
                    (*group, rates, n, counts)
                })
                .collect();
            let best: Vec<f64> = (0..STEPS.len())
                .map(|i| shown.iter().filter_map(|(_, r, _, _)| r.as_ref().map(|r| r[i])).fold(0.0, f64::max))
                .collect();
            let groups = shown
                .into_iter()
                .map(|(group, rates, n, counts)| GroupRates {
                    group,
                    applicants: rates.is_some().then_some(n),
                    steps: STEPS
                        .iter()
                        .enumerate()
                        .map(|(i, stage)| {
                            let rate = rates.as_ref().map(|r| r[i]);
                            StepRate {
                                stage: *stage,
                                reached: rate.map(|_| counts[i]),
                                rate,
                                flagged: rate.is_some_and(|r| best[i] > 0.0 && r < FOUR_FIFTHS * best[i]),
                            }
                        })
                        .collect(),
                })
                .collect();
            DimensionRates { dimension, groups }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(group: &'static str, furthest: u8) -> Counted {
        Counted { groups: vec![("origin", group)], furthest }
    }

    #[test]
    fn a_group_selected_at_under_four_fifths_of_the_best_is_flagged_and_small_groups_are_hidden() {
        let mut all = Vec::new();
        // Local: 10 applicants, 6 screened, 4 accepted. International: 10, 6 screened, 2 accepted.
        for i in 0..10 {
            all.push(counted(
                "local",
                if i < 4 {
                    4
                } else if i < 6 {
                    1
                } else {
                    0
                },
            ));
            all.push(counted(
                "international",
                if i < 2 {
                    4
                } else if i < 6 {
                    1
                } else {
                    0
                },
            ));
        }
        // Three applicants of another group: too few to show.
        for _ in 0..3 {
            all.push(counted("other", 4));
        }
        let rates = selection_rates(&all);
        let origin = &rates[0];
        let group = |g: &str| origin.groups.iter().find(|x| x.group == g).unwrap().clone();
        let (local, international, other) = (group("local"), group("international"), group("other"));
        assert_eq!(local.steps[0].rate, Some(0.6));
        assert!(!international.steps[0].flagged, "screening rates are equal");
        assert_eq!((local.steps[3].rate, international.steps[3].rate), (Some(0.4), Some(0.2)));
        assert!(international.steps[3].flagged && !local.steps[3].flagged);
        assert_eq!((other.applicants, other.steps[3].rate, other.steps[3].flagged), (None, None, false));
    }

    #[test]
    fn the_furthest_step_counts_a_skipped_interview_and_a_waitlist() {
        use ApplicationStage::*;
        assert_eq!(furthest([Submitted, Screening, Offered, Rejected]), 3);
        assert_eq!(furthest([Submitted, Screening, Waitlisted, Accepted, Withdrawn]), 4);
        assert_eq!(furthest([Submitted, Withdrawn]), 0);
    }
}
