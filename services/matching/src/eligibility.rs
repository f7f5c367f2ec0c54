//! Programme eligibility: each rule evaluated on the startup profile, with its reason.

use chrono::{Datelike, NaiveDate};
use crocevia_domain::say::{self, Lang, Lang::En, Lang::It};
use crocevia_domain::{EligibilityRule, LegalForm, Programme, Sector, Startup, StartupStage};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: String,
    pub it: String,
    pub en: String,
}

fn reason(rule: &EligibilityRule, it: String, en: String) -> Reason {
    Reason { rule: rule.key().to_owned(), it, en }
}

/// The verdict on one startup for one programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "reasons", rename_all = "snake_case")]
pub enum Verdict {
    Eligible,
    /// Eligible once every condition is met (e.g. "if you incorporate before the deadline").
    EligibleIf(Vec<Reason>),
    /// Not eligible, and why (e.g. "founded more than 36 months ago").
    NotEligible(Vec<Reason>),
}

impl Verdict {
    /// Orders verdicts: an eligible startup always ranks above an ineligible one.
    pub fn class(&self) -> u8 {
        match self {
            Verdict::Eligible => 2,
            Verdict::EligibleIf(_) => 1,
            Verdict::NotEligible(_) => 0,
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::EligibleIf(_) => "eligible_if",
            Verdict::NotEligible(_) => "not_eligible",
        }
    }
}

/// Whole months from `from` to `to` (negative if `to` is earlier).
pub fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut months = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() {
        months -= 1;
    }
    months
}

enum Outcome {
    Met,
    Condition(Reason),
    Failed(Reason),
}

/// What reasons name: by label in the reader's language ("Pre-seed", "S.r.l."), never by
/// key ("pre_seed", "srl").
trait Named: Copy {
    /// `[italian, english]`.
    fn labels(self) -> [&'static str; 2];
}

impl Named for StartupStage {
    fn labels(self) -> [&'static str; 2] {
        StartupStage::labels(self)
    }
}

impl Named for LegalForm {
    fn labels(self) -> [&'static str; 2] {
        LegalForm::labels(self)
    }
}

impl Named for Sector {
    fn labels(self) -> [&'static str; 2] {
        [self.label_it(), self.label_en()]
    }
}

/// Index into [`Named::labels`].
const IT: usize = 0;
const EN: usize = 1;

fn key<T: Named>(v: &T, lang: usize) -> &'static str {
    v.labels()[lang]
}

fn list<T: Named>(items: &[T], lang: usize) -> String {
    items.iter().map(|i| i.labels()[lang]).collect::<Vec<_>>().join(", ")
}

/// An amount as the reader writes it: `50.000 €`, `€50,000`.
fn eur(lang: Lang, amount: u64) -> String {
    say::euros(lang, amount as f64)
}

fn check(rule: &EligibilityRule, s: &Startup, deadline: NaiveDate) -> Outcome {
    use EligibilityRule::*;
    use Outcome::*;
    match rule {
        StageIn { stages } => {
            if stages.contains(&s.stage) {
                Met
            } else {
                Failed(reason(
                    rule,
                    format!("la fase {} non è ammessa (ammesse: {})", key(&s.stage, IT), list(stages, IT)),
                    format!("stage {} is not admitted (admitted: {})", key(&s.stage, EN), list(stages, EN)),
                ))
            }
        }
        SectorIn { sectors } => {
            if s.sectors.iter().any(|x| sectors.contains(x)) {
                Met
            } else {
                Failed(reason(
                    rule,
                    format!("nessun settore ammesso (ammessi: {})", list(sectors, IT)),
                    format!("no admitted sector (admitted: {})", list(sectors, EN)),
                ))
            }
        }
        MaxAgeMonths { months } => match s.founded_on {
            Some(founded) if months_between(founded, deadline) > i64::from(*months) => Failed(reason(
                rule,
                format!("costituita più di {months} mesi prima della scadenza"),
                format!("founded more than {months} months before the deadline"),
            )),
            _ => Met,
        },
        MinAgeMonths { months } => match s.founded_on {
            Some(founded) if months_between(founded, deadline) >= i64::from(*months) => Met,
            Some(_) => Failed(reason(
                rule,
                format!("costituita da meno di {months} mesi alla scadenza"),
                format!("founded less than {months} months before the deadline"),
            )),
            None => Failed(reason(
                rule,
                format!("serve una società costituita da almeno {months} mesi"),
                format!("needs a company incorporated at least {months} months ago"),
            )),
        },
        SeatInMetroArea { allow_relocation } => {
            if s.seat_comune().is_some() {
                Met
            } else if *allow_relocation && s.willing_to_relocate {
                Condition(reason(
                    rule,
                    "se trasferisci la sede nell'area metropolitana di Torino".into(),
                    "if you move your seat to the Torino metropolitan area".into(),
                ))
            } else {
                let [at_it, at_en] = s.seat.as_ref().map_or([String::new(), String::new()], |p| {
                    let [it, en] = p.labels();
                    [format!(" ({it})"), format!(" ({en})")]
                });
                Failed(reason(
                    rule,
                    format!("la sede{at_it} non è nell'area metropolitana di Torino"),
                    format!("the seat{at_en} is not in the Torino metropolitan area"),
                ))
            }
        }
        TeamSize { min, max } => {
            let n = s.team_size;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                let range = format!(
                    "{}–{}",
                    min.map_or("1".into(), |m| m.to_string()),
                    max.map_or("∞".into(), |m| m.to_string())
                );
                Failed(reason(
                    rule,
                    format!("team di {n} persone, ammesso {range}"),
                    format!("team of {n}, admitted {range}"),
                ))
            } else {
                Met
            }
        }
        FundingRaised { min_eur, max_eur } => {
            let f = s.funding_raised_eur;
            if min_eur.is_some_and(|m| f < m) {
                Failed(reason(
                    rule,
                    format!("raccolti {}, servono almeno {}", eur(It, f), eur(It, min_eur.unwrap_or(0))),
                    format!("raised {}, at least {} needed", eur(En, f), eur(En, min_eur.unwrap_or(0))),
                ))
            } else if max_eur.is_some_and(|m| f > m) {
                Failed(reason(
                    rule,
                    format!("raccolti {}, oltre il massimo di {}", eur(It, f), eur(It, max_eur.unwrap_or(0))),
                    format!("raised {}, above the {} maximum", eur(En, f), eur(En, max_eur.unwrap_or(0))),
                ))
            } else {
                Met
            }
        }
        LegalFormIn { forms, incorporation_by_deadline } => {
            if forms.contains(&s.legal_form) {
                Met
            } else if s.legal_form == LegalForm::NotIncorporated && *incorporation_by_deadline {
                Condition(reason(
                    rule,
                    format!("se costituisci la società ({}) entro il {}", list(forms, IT), say::date(It, deadline)),
                    format!("if you incorporate ({}) before {}", list(forms, EN), say::date(En, deadline)),
                ))
            } else {
                Failed(reason(
                    rule,
                    format!("forma giuridica {} non ammessa (ammesse: {})", key(&s.legal_form, IT), list(forms, IT)),
                    format!("legal form {} is not admitted (admitted: {})", key(&s.legal_form, EN), list(forms, EN)),
                ))
            }
        }
        Founders { female_led, under_35, university_spinoff } => {
            let f = s.founders;
            let mut missing_it = Vec::new();
            let mut missing_en = Vec::new();
            for (wanted, has, it, en) in [
                (*female_led, f.female_led, "a guida femminile", "female-led"),
                (*under_35, f.under_35, "fondatori under 35", "founders under 35"),
                (*university_spinoff, f.university_spinoff, "spin-off universitario", "university spin-off"),
            ] {
                if wanted == Some(true) && !has {
                    missing_it.push(it);
                    missing_en.push(en);
                }
            }
            if missing_it.is_empty() {
                Met
            } else {
                Failed(reason(
                    rule,
                    format!("il programma chiede: {}", missing_it.join(", ")),
                    format!("the programme asks for: {}", missing_en.join(", ")),
                ))
            }
        }
    }
}

pub fn evaluate(programme: &Programme, startup: &Startup) -> Verdict {
    let mut failed = Vec::new();
    let mut conditions = Vec::new();
    for rule in &programme.eligibility {
        match check(rule, startup, programme.application_deadline) {
            Outcome::Met => {}
            Outcome::Condition(r) => conditions.push(r),
            Outcome::Failed(r) => failed.push(r),
        }
    }
    if !failed.is_empty() {
        // Every reason at once, the conditions after the failures: a startup that must also
        // incorporate learns it now, not after fixing the first failure.
        failed.extend(conditions);
        Verdict::NotEligible(failed)
    } else if !conditions.is_empty() {
        Verdict::EligibleIf(conditions)
    } else {
        Verdict::Eligible
    }
}
