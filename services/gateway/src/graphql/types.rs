//! GraphQL object types: the API's own shapes, converted from domain and service types.

use async_graphql::{Enum, ID, InputObject, SimpleObject};
use crocevia_domain as d;
use crocevia_matching::eligibility::Verdict;
use crocevia_matching::explain::Explained;
use crocevia_search::query as q;

use crocevia_api::UserView;

#[derive(SimpleObject, Debug)]
pub struct AuthPayload {
    /// A bearer token for the `Authorization` header.
    pub token: String,
    pub user: UserView,
}

/// What sign-up answers, whether or not the address already had an account: a link to
/// confirm it went there (or, for a taken address, a note to its owner).
#[derive(SimpleObject, Debug)]
pub struct RegistrationSent {
    /// The address as understood (trimmed, lower case).
    pub email: String,
    /// How long the confirmation link works.
    pub link_valid_hours: i32,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "SearchKind")]
pub enum KindGql {
    Offer,
    Programme,
    Talent,
    Startup,
    Organisation,
}

impl From<KindGql> for q::DocKind {
    fn from(k: KindGql) -> Self {
        match k {
            KindGql::Offer => Self::Offer,
            KindGql::Programme => Self::Programme,
            KindGql::Talent => Self::Talent,
            KindGql::Startup => Self::Startup,
            KindGql::Organisation => Self::Organisation,
        }
    }
}

impl From<q::DocKind> for KindGql {
    fn from(k: q::DocKind) -> Self {
        match k {
            q::DocKind::Offer => Self::Offer,
            q::DocKind::Programme => Self::Programme,
            q::DocKind::Talent => Self::Talent,
            q::DocKind::Startup => Self::Startup,
            q::DocKind::Organisation => Self::Organisation,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(name = "SearchSort")]
pub enum SortGql {
    #[default]
    Relevance,
    Distance,
    Deadline,
    Newest,
}

impl From<SortGql> for q::Sort {
    fn from(s: SortGql) -> Self {
        match s {
            SortGql::Relevance => Self::Relevance,
            SortGql::Distance => Self::Distance,
            SortGql::Deadline => Self::Deadline,
            SortGql::Newest => Self::Newest,
        }
    }
}

#[derive(InputObject, Debug)]
pub struct NearInput {
    pub comune: String,
    pub within_km: Option<f64>,
}

#[derive(InputObject, Debug)]
pub struct SearchInput {
    #[graphql(default)]
    pub kinds: Vec<KindGql>,
    #[graphql(default)]
    pub text: String,
    /// e.g. `sector:ict`, `language:en>=B2`, `deadline<=2027-01-31`.
    #[graphql(default)]
    pub filters: Vec<String>,
    /// Facets to count, e.g. `sector`, `comune`, `deadline`.
    #[graphql(default)]
    pub facets: Vec<String>,
    pub near: Option<NearInput>,
    #[graphql(default)]
    pub sort: SortGql,
    pub cursor: Option<String>,
    pub limit: Option<i32>,
}

impl SearchInput {
    pub fn into_request(self) -> q::SearchRequest {
        q::SearchRequest {
            kinds: self.kinds.into_iter().map(Into::into).collect(),
            text: self.text,
            filters: self.filters,
            facets: self.facets,
            near: self.near.map(|n| q::Near { comune: n.comune, within_km: n.within_km }),
            sort: self.sort.into(),
            cursor: self.cursor,
            limit: self.limit.map_or(0, |l| usize::try_from(l).unwrap_or(usize::MAX)),
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
pub struct SearchHit {
    pub id: ID,
    pub kind: KindGql,
    pub title: String,
    /// HTML-escaped text with the matched words in `<b>`.
    pub snippet: String,
    pub score: f64,
    pub distance_km: Option<f64>,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
    pub skills: Vec<String>,
}

#[derive(SimpleObject, Debug)]
pub struct FacetValue {
    pub value: String,
    pub count: i64,
}

#[derive(SimpleObject, Debug)]
pub struct Facet {
    pub name: String,
    pub values: Vec<FacetValue>,
}

#[derive(SimpleObject, Debug)]
#[graphql(name = "SearchResults")]
pub struct SearchResultsGql {
    pub total: i64,
    pub hits: Vec<SearchHit>,
    pub facets: Vec<Facet>,
    pub next_cursor: Option<String>,
}

impl From<q::SearchResults> for SearchResultsGql {
    fn from(r: q::SearchResults) -> Self {
        Self {
            total: r.total as i64,
            hits: r
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    id: ID(h.id.to_string()),
                    kind: h.kind.into(),
                    title: h.title,
                    snippet: h.snippet,
                    score: f64::from(h.score),
                    distance_km: h.distance_km,
                    deadline: h.deadline.map(|d| d.to_string()),
                    skills: h.skills,
                })
                .collect(),
            facets: r
                .facets
                .into_iter()
                .map(|f| Facet {
                    name: f.name,
                    values: f
                        .values
                        .into_iter()
                        .map(|v| FacetValue { value: v.value, count: v.count as i64 })
                        .collect(),
                })
                .collect(),
            next_cursor: r.next_cursor,
        }
    }
}

#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "Factor")]
pub struct FactorGql {
    pub key: String,
    pub weight: f64,
    pub value: f64,
    pub reason_it: String,
    pub reason_en: String,
}

fn factors(e: &Explained) -> Vec<FactorGql> {
    e.factors
        .iter()
        .map(|f| FactorGql {
            key: f.key.clone(),
            weight: f.weight,
            value: f.value,
            reason_it: f.reason_it.clone(),
            reason_en: f.reason_en.clone(),
        })
        .collect()
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum EligibilityStatus {
    Eligible,
    EligibleIf,
    NotEligible,
}

#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "Reason")]
pub struct ReasonGql {
    pub rule: String,
    pub it: String,
    pub en: String,
}

#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "Verdict")]
pub struct VerdictGql {
    pub status: EligibilityStatus,
    /// Why not, or on which condition.
    pub reasons: Vec<ReasonGql>,
}

impl From<&Verdict> for VerdictGql {
    fn from(v: &Verdict) -> Self {
        let (status, reasons) = match v {
            Verdict::Eligible => (EligibilityStatus::Eligible, vec![]),
            Verdict::EligibleIf(r) => (EligibilityStatus::EligibleIf, r.clone()),
            Verdict::NotEligible(r) => (EligibilityStatus::NotEligible, r.clone()),
        };
        Self { status, reasons: reasons.into_iter().map(|r| ReasonGql { rule: r.rule, it: r.it, en: r.en }).collect() }
    }
}

/// One entry of a ranked list.
// `title` is resolved (read from profiles) only when selected.
#[derive(SimpleObject, Debug)]
#[graphql(name = "Match", complex)]
pub struct MatchGql {
    pub counterpart_id: ID,
    /// What the counterpart is: an offer or programme in a talent's or startup's list, a
    /// talent or startup in an offer's or programme's.
    pub kind: d::EntityKind,
    pub rank: i32,
    pub score: f64,
    pub mutual: f64,
    pub verdict: Option<VerdictGql>,
    pub factors: Vec<FactorGql>,
    #[graphql(skip)]
    pub(crate) counterpart: (d::EntityKind, uuid::Uuid),
}

impl MatchGql {
    /// `rank` counts from 0; `kind` is the counterpart's.
    pub fn from_entry(rank: usize, e: &crocevia_matching::Entry, kind: d::EntityKind) -> Self {
        Self {
            counterpart_id: ID(e.counterpart.to_string()),
            kind,
            rank: rank as i32 + 1,
            score: e.score,
            mutual: e.mutual,
            verdict: e.verdict.as_ref().map(Into::into),
            factors: factors(&e.explanation),
            counterpart: (kind, e.counterpart),
        }
    }
}

/// One subject scored live against one target, from the subject's side.
#[derive(SimpleObject, Debug)]
pub struct PairMatch {
    /// The viewer's side: the offer's appeal to a talent, a startup's fit for a programme.
    pub score: f64,
    /// Both sides combined; 0 when a hard constraint excludes the pair.
    pub mutual: f64,
    /// 1-based place of the target in the viewer's current list, if it is there.
    pub rank: Option<i32>,
    /// Whether a hard constraint of the offer (a language, a work permit, the start date,
    /// the kind of offer) keeps it out of a talent's list. Never for startups: a programme's
    /// rules give a `verdict` instead.
    pub excluded: bool,
    /// Every constraint broken, in Italian and English.
    pub exclusion_reasons: Vec<ReasonGql>,
    /// A startup's eligibility for the programme; null for a talent.
    pub verdict: Option<VerdictGql>,
    pub factors: Vec<FactorGql>,
}

impl From<&crocevia_matching::PairView> for PairMatch {
    fn from(p: &crocevia_matching::PairView) -> Self {
        Self {
            score: p.score,
            mutual: p.mutual,
            rank: p.rank.map(|r| i32::try_from(r).unwrap_or(i32::MAX)),
            excluded: !p.exclusions.is_empty(),
            exclusion_reasons: p
                .exclusions
                .iter()
                .map(|r| ReasonGql { rule: r.rule.clone(), it: r.it.clone(), en: r.en.clone() })
                .collect(),
            verdict: p.verdict.as_ref().map(Into::into),
            factors: factors(&p.explanation),
        }
    }
}

#[derive(SimpleObject, Debug)]
#[graphql(name = "Eligibility")]
pub struct EligibilityGql {
    pub verdict: VerdictGql,
    pub fit: f64,
    pub factors: Vec<FactorGql>,
}

impl EligibilityGql {
    pub fn new(v: &Verdict, fit: &Explained) -> Self {
        Self { verdict: v.into(), fit: fit.score, factors: factors(fit) }
    }
}
