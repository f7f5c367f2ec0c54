//! The search request and response, and the parsing of filters, facets and cursors. Every
//! refusal names what is wrong: the filter by its position, the facet by its name.

use crate::error::SearchError;
use base64::Engine;
use chrono::NaiveDate;
use crocevia_domain::{Cefr, ComuneId, LanguageCode};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Offer,
    Programme,
    Talent,
    Startup,
    Organisation,
}

impl DocKind {
    pub const ALL: [DocKind; 5] =
        [DocKind::Offer, DocKind::Programme, DocKind::Talent, DocKind::Startup, DocKind::Organisation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Offer => "offer",
            Self::Programme => "programme",
            Self::Talent => "talent",
            Self::Startup => "startup",
            Self::Organisation => "organisation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    /// Nearest to `near.comune` first.
    Distance,
    /// Soonest deadline first; entities without one last.
    Deadline,
    /// Most recently posted first.
    Newest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Near {
    pub comune: String,
    /// Keep only entities within this distance, in kilometres.
    pub within_km: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SearchRequest {
    /// Kinds to search; empty means all.
    pub kinds: Vec<DocKind>,
    pub text: String,
    /// `sector:ict`, `comune:torino`, `language:en>=B2`, `deadline<=2027-01-31`, ...
    pub filters: Vec<String>,
    /// Facets to count: see [`FACETS`], plus `deadline` (ranges from today).
    pub facets: Vec<String>,
    pub near: Option<Near>,
    pub sort: Sort,
    pub cursor: Option<String>,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Hit {
    pub id: uuid::Uuid,
    pub kind: DocKind,
    pub title: String,
    /// A fragment of the text with the matched words in `<b>`; HTML-escaped.
    pub snippet: String,
    pub score: f32,
    pub distance_km: Option<f64>,
    pub deadline: Option<NaiveDate>,
    /// When it was posted (offers, programmes): the order of `sort: newest`.
    #[serde(default)]
    pub posted: Option<NaiveDate>,
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FacetCounts {
    pub name: String,
    pub values: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResults {
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetCounts>,
    pub next_cursor: Option<String>,
}

/// Facets that can be filtered on and counted.
pub const FACETS: [&str; 15] = [
    "sector",
    "comune",
    "org_kind",
    "offer_kind",
    // Who posts an offer: "organisation" or "startup" (an AcceleraTO startup).
    "employer",
    "contract",
    "remote",
    "language",
    "model",
    "phase",
    "stage",
    "legal_form",
    "seeking",
    "status",
    "deadline",
];

pub const MAX_TEXT_CHARS: usize = 500;
pub const MAX_TEXT_WORDS: usize = 32;
pub const MAX_FILTERS: usize = 32;
pub const MAX_LIMIT: usize = 100;
pub const MAX_DEPTH: usize = 10_000;
pub const DEFAULT_LIMIT: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Deadline,
    Posted,
    Available,
}

impl DateField {
    pub fn name(self) -> &'static str {
        match self {
            Self::Deadline => "deadline",
            Self::Posted => "posted",
            Self::Available => "available",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// The facet path, e.g. `/sector/ict`.
    Facet(String),
    Language {
        language: LanguageCode,
        min: Option<Cefr>,
    },
    Date {
        field: DateField,
        lower: Option<NaiveDate>,
        upper: Option<NaiveDate>,
    },
}

fn bad(field: &str, message: impl Into<String>) -> SearchError {
    SearchError::BadRequest { field: field.to_owned(), message: message.into() }
}

/// Checks a facet value against the domain, so a typo is an error and not an empty result.
fn valid_value(facet: &str, value: &str) -> bool {
    fn is<T: serde::de::DeserializeOwned>(v: &str) -> bool {
        serde_json::from_value::<T>(serde_json::Value::String(v.to_owned())).is_ok()
    }
    use crocevia_domain as d;
    match facet {
        "sector" => is::<d::Sector>(value),
        "comune" => ComuneId::new(value).is_ok(),
        "org_kind" => is::<d::OrganisationKind>(value),
        "offer_kind" | "seeking" => is::<d::OfferKind>(value),
        "employer" => matches!(value, "organisation" | "startup"),
        "contract" => is::<d::ContractType>(value),
        "remote" => is::<d::RemotePolicy>(value),
        "model" => is::<d::ProgrammeModel>(value),
        "phase" => is::<d::ProgrammePhase>(value),
        "stage" => is::<d::StartupStage>(value),
        "legal_form" => is::<d::LegalForm>(value),
        "status" => is::<d::Status>(value),
        _ => false,
    }
}

fn date(field: &str, s: &str) -> Result<NaiveDate, SearchError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad(field, format!("{s:?} is not a date YYYY-MM-DD")))
}

impl Filter {
    /// Parses one filter; `field` names it in errors (e.g. `filters[2]`).
    pub fn parse(field: &str, text: &str) -> Result<Self, SearchError> {
        let text = text.trim();
        for (op, upper) in [("<=", true), (">=", false)] {
            if let Some((name, value)) = text.split_once(op)
                && !name.contains(':')
            {
                let date_field = match name.trim() {
                    "deadline" => DateField::Deadline,
                    "posted" => DateField::Posted,
                    "available" => DateField::Available,
                    other => {
                        return Err(bad(
                            field,
                            format!("{other:?} has no range; ranges exist for deadline, posted and available"),
                        ));
                    }
                };
                let d = date(field, value)?;
                let (lower, upper) = if upper { (None, Some(d)) } else { (Some(d), None) };
                return Ok(Filter::Date { field: date_field, lower, upper });
            }
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(bad(
                field,
                format!("{text:?} is not a filter; write name:value (e.g. sector:ict) or deadline<=YYYY-MM-DD"),
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        if name == "language" {
            let (code, min) = match value.split_once(">=") {
                Some((code, level)) => (
                    code,
                    Some(
                        Cefr::parse(level.trim())
                            .ok_or_else(|| bad(field, format!("{level:?} is not a CEFR level (A1..C2, native)")))?,
                    ),
                ),
                None => (value, None),
            };
            let language = LanguageCode::new(code.trim()).map_err(|e| bad(field, e.message))?;
            return Ok(Filter::Language { language, min });
        }
        if !FACETS.contains(&name) || name == "deadline" {
            return Err(bad(field, format!("unknown facet {name:?}; known: {}", FACETS.join(", "))));
        }
        if !valid_value(name, value) {
            return Err(bad(field, format!("{value:?} is not a value of facet {name}")));
        }
        Ok(Filter::Facet(format!("/{name}/{value}")))
    }
}

/// A validated request.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kinds: Vec<DocKind>,
    pub text: String,
    pub filters: Vec<Filter>,
    pub facets: Vec<String>,
    pub near: Option<(ComuneId, Option<f64>)>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

impl SearchRequest {
    pub fn plan(&self) -> Result<Plan, SearchError> {
        let chars = self.text.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(bad("text", format!("is {chars} characters long, at most {MAX_TEXT_CHARS} are allowed")));
        }
        let words = self.text.split_whitespace().count();
        if words > MAX_TEXT_WORDS {
            return Err(bad("text", format!("has {words} words, at most {MAX_TEXT_WORDS} are allowed")));
        }
        if self.filters.len() > MAX_FILTERS {
            return Err(bad("filters", format!("at most {MAX_FILTERS} filters are allowed")));
        }
        let filters = self
            .filters
            .iter()
            .enumerate()
            .map(|(i, f)| Filter::parse(&format!("filters[{i}]"), f))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, facet) in self.facets.iter().enumerate() {
            if !FACETS.contains(&facet.as_str()) {
                return Err(bad(
                    &format!("facets[{i}]"),
                    format!("unknown facet {facet:?}; known: {}", FACETS.join(", ")),
                ));
            }
        }
        let near = match &self.near {
            Some(near) => {
                let comune = ComuneId::new(near.comune.clone()).map_err(|e| bad("near.comune", e.message))?;
                if let Some(km) = near.within_km
                    && !(km.is_finite() && (0.0..=500.0).contains(&km))
                {
                    return Err(bad("near.within_km", "must be between 0 and 500"));
                }
                Some((comune, near.within_km))
            }
            None => None,
        };
        if self.sort == Sort::Distance && near.is_none() {
            return Err(bad("sort", "sorting by distance needs near.comune"));
        }
        let limit = if self.limit == 0 { DEFAULT_LIMIT } else { self.limit };
        if limit > MAX_LIMIT {
            return Err(bad("limit", format!("must be at most {MAX_LIMIT}")));
        }
        let offset = match &self.cursor {
            Some(cursor) => decode_cursor(cursor)?,
            None => 0,
        };
        if offset + limit > MAX_DEPTH {
            return Err(bad(
                "cursor",
                format!("results beyond the first {MAX_DEPTH} are not served; refine the query"),
            ));
        }
        let kinds = if self.kinds.is_empty() { DocKind::ALL.to_vec() } else { self.kinds.clone() };
        Ok(Plan {
            kinds,
            text: self.text.clone(),
            filters,
            facets: self.facets.clone(),
            near,
            sort: self.sort,
            offset,
            limit,
        })
    }
}

pub fn encode_cursor(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o{offset}"))
}

fn decode_cursor(cursor: &str) -> Result<usize, SearchError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix('o').and_then(|n| n.parse().ok()))
        .ok_or_else(|| bad("cursor", "is not a cursor returned by a previous search"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: SearchError) -> String {
        match e {
            SearchError::BadRequest { field, .. } => field,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn filters_parse() {
        assert_eq!(Filter::parse("f", "sector:ict").unwrap(), Filter::Facet("/sector/ict".into()));
        assert!(matches!(Filter::parse("f", "language:en>=B2").unwrap(), Filter::Language { min: Some(Cefr::B2), .. }));
        assert!(matches!(
            Filter::parse("f", "deadline<=2027-01-31").unwrap(),
            Filter::Date { field: DateField::Deadline, upper: Some(_), lower: None }
        ));
    }

    #[test]
    fn bad_filters_name_themselves() {
        for bad in [
            "colour:red",
            "sector:mining",
            "language:english",
            "language:en>=Z9",
            "deadline<=tomorrow",
            "nonsense",
            "title<=2027-01-01",
        ] {
            let req = SearchRequest { filters: vec!["sector:ict".into(), bad.into()], ..Default::default() };
            assert_eq!(field_of(req.plan().unwrap_err()), "filters[1]", "{bad}");
        }
    }

    #[test]
    fn limits_are_enforced() {
        let long = SearchRequest { text: "a".repeat(MAX_TEXT_CHARS + 1), ..Default::default() };
        assert_eq!(field_of(long.plan().unwrap_err()), "text");
        let facet = SearchRequest { facets: vec!["colour".into()], ..Default::default() };
        assert_eq!(field_of(facet.plan().unwrap_err()), "facets[0]");
        let cursor = SearchRequest { cursor: Some("garbage!".into()), ..Default::default() };
        assert_eq!(field_of(cursor.plan().unwrap_err()), "cursor");
        let sort = SearchRequest { sort: Sort::Distance, ..Default::default() };
        assert_eq!(field_of(sort.plan().unwrap_err()), "sort");
        let deep = SearchRequest { cursor: Some(encode_cursor(MAX_DEPTH)), ..Default::default() };
        assert_eq!(field_of(deep.plan().unwrap_err()), "cursor");
        assert_eq!(SearchRequest { cursor: Some(encode_cursor(40)), ..Default::default() }.plan().unwrap().offset, 40);
    }
}
