//! From a form's text to an API input, checked before anything is sent: every field that is
//! blank but required or does not parse is named at once, then the whole input goes through
//! the same `into_domain` conversion the server runs, so the user sees the field names and
//! messages the server would send (in the API's spelling, e.g. `offer.salaryMinEur`).

use crate::api::{ApiError, ApiErrors};
use crate::i18n::Lang;
use crocevia_api::wire::{self, Date};
use crocevia_api::{Cefr, LanguageLevel};
use crocevia_domain::ValidationErrors;
use serde::de::DeserializeOwned;
use std::str::FromStr;

/// Reads the fields of one input; `prefix` is where the API puts them (`profile.talent`).
#[derive(Debug)]
pub struct FormReader {
    prefix: &'static str,
    lang: Lang,
    errors: Vec<ApiError>,
}

impl FormReader {
    pub fn new(prefix: &'static str, lang: Lang) -> Self {
        Self { prefix, lang, errors: Vec::new() }
    }

    fn fail(&mut self, field: &str, message: String) {
        self.errors.push(ApiError {
            code: "BAD_USER_INPUT".into(),
            message,
            field: Some(format!("{}.{field}", self.prefix)),
            reasons: Vec::new(),
        });
    }

    fn missing(&mut self, field: &str) {
        self.fail(field, self.lang.pick("Campo obbligatorio", "Required").into());
    }

    fn invalid(&mut self, field: &str, text: &str) {
        let message = self.lang.pick("Valore non valido", "Invalid value");
        self.fail(field, format!("{message}: {text:?}"));
    }

    /// Trimmed text that must not be blank.
    pub fn required(&mut self, field: &str, text: &str) -> String {
        let text = text.trim();
        if text.is_empty() {
            self.missing(field);
        }
        text.to_owned()
    }

    /// A list that must not be empty.
    pub fn required_list<T>(&mut self, field: &str, list: Vec<T>) -> Vec<T> {
        if list.is_empty() {
            self.missing(field);
        }
        list
    }

    /// A number typed in a form; blank is none.
    pub fn number<N: FromStr>(&mut self, field: &str, text: &str) -> Option<N> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        text.parse().map_err(|_| self.invalid(field, text)).ok()
    }

    /// A number that must be given (zero stands in while the form has errors, and is never
    /// sent).
    pub fn required_number<N: FromStr + Default>(&mut self, field: &str, text: &str) -> N {
        if text.trim().is_empty() {
            self.missing(field);
        }
        self.number(field, text).unwrap_or_default()
    }

    /// A day as a date input gives it, `YYYY-MM-DD`; blank is none.
    pub fn date(&mut self, field: &str, text: &str) -> Option<Date> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Date).map_err(|_| self.invalid(field, text)).ok()
    }

    /// A day that must be given (a placeholder stands in while the form has errors).
    pub fn required_date(&mut self, field: &str, text: &str) -> Date {
        if text.trim().is_empty() {
            self.missing(field);
        }
        self.date(field, text).unwrap_or(Date(chrono::NaiveDate::MIN))
    }

    /// An enum value from a form's choice (its storage key, as `enum_options` writes it);
    /// `fallback` stands in for a value that is not one, which the form then reports.
    pub fn choice<E: DeserializeOwned>(&mut self, field: &str, key: &str, fallback: E) -> E {
        wire::parse_enum(key).unwrap_or_else(|_| {
            self.invalid(field, key);
            fallback
        })
    }

    /// Enum values from a form's checkboxes.
    pub fn choices<E: DeserializeOwned>(&mut self, field: &str, keys: &[String]) -> Vec<E> {
        keys.iter()
            .enumerate()
            .filter_map(|(i, k)| wire::parse_enum(k).map_err(|_| self.invalid(&format!("{field}[{i}]"), k)).ok())
            .collect()
    }

    /// Language rows of `(code, CEFR level)`.
    pub fn languages(&mut self, field: &str, rows: &[(String, String)]) -> Vec<LanguageLevel> {
        rows.iter()
            .enumerate()
            .map(|(i, (language, level))| LanguageLevel {
                language: language.clone(),
                level: self.choice(&format!("{field}[{i}].level"), level, Cefr::B2),
            })
            .collect()
    }

    /// The input, when every field was read and `to_domain` (the input's `into_domain`)
    /// accepts it; else every error, each naming its field.
    pub fn finish<I: Clone, D>(
        self,
        input: I,
        to_domain: impl FnOnce(I) -> Result<D, ValidationErrors>,
    ) -> Result<I, ApiErrors> {
        if !self.errors.is_empty() {
            return Err(ApiErrors(self.errors));
        }
        let prefix = self.prefix;
        to_domain(input.clone()).map(|_| input).map_err(|e| {
            ApiErrors(
                e.0.into_iter()
                    .map(|e| ApiError {
                        code: "BAD_USER_INPUT".into(),
                        message: e.message,
                        field: Some(format!("{prefix}.{}", e.field)),
                        reasons: Vec::new(),
                    })
                    .collect(),
            )
        })
    }
}

/// Trimmed text; blank is none.
pub fn optional(text: &str) -> Option<String> {
    Some(text.trim()).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// A day (or none, which is blank) as a date input shows it.
pub fn date_text(date: impl Into<Option<Date>>) -> String {
    date.into().map(|d| d.0.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// A number as a form shows it; none is blank.
pub fn number_text<N: ToString>(n: Option<N>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Enum values as a form's choices hold them (their storage keys).
pub fn keys<E: serde::Serialize>(values: &[E]) -> Vec<String> {
    values.iter().map(crate::components::key_of).collect()
}

/// Keyboard and screen-reader users land on the first field to fix.
pub fn focus_first_error() {
    let run = wasm_bindgen::closure::Closure::once_into_js(|| {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(".invalid input, .invalid select, .invalid textarea").ok().flatten());
        if let Some(el) = element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
            let _ = el.focus();
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(wasm_bindgen::JsCast::unchecked_ref(&run), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crocevia_api::{OfferKind, ProgrammeInput, ProgrammeModel, ProgrammePhase};
    use crocevia_domain::{OrganisationId, ProgrammeId, Status};

    fn programme(f: &mut FormReader, title: &str, start: &str, end: &str, capacity: &str) -> ProgrammeInput {
        let phases = f.choices("phases", &["acceleration".to_owned()]);
        ProgrammeInput {
            title: f.required("title", title),
            description: String::new(),
            model: f.choice("model", "acceleration", ProgrammeModel::Incubation),
            phases: f.required_list("phases", phases),
            sectors: Vec::new(),
            eligibility: Vec::new(),
            comune: "torino".into(),
            cohort_start: f.required_date("cohortStart", start),
            cohort_end: f.required_date("cohortEnd", end),
            application_deadline: f.required_date("applicationDeadline", "2027-02-15"),
            capacity: f.required_number("capacity", capacity),
            languages: vec!["it".into()],
            form: Vec::new(),
        }
    }

    fn read(lang: Lang, title: &str, start: &str, end: &str, capacity: &str) -> Result<ProgrammeInput, ApiErrors> {
        let mut f = FormReader::new("programme", lang);
        let input = programme(&mut f, title, start, end, capacity);
        let nil = uuid::Uuid::nil();
        f.finish(input, |i| i.into_domain(ProgrammeId::from_uuid(nil), OrganisationId::from_uuid(nil), Status::Open))
    }

    #[test]
    fn a_complete_form_passes() {
        let input = read(Lang::En, " Seed ", "2027-03-01", "2027-07-31", "8").unwrap();
        assert_eq!(input.title, "Seed");
        assert_eq!(input.capacity, 8);
        assert_eq!(input.phases, [ProgrammePhase::Acceleration]);
    }

    #[test]
    fn empty_required_fields_are_each_named() {
        let e = read(Lang::It, " ", "", "2027-07-31", "8").unwrap_err();
        assert_eq!(e.for_field("title").as_deref(), Some("Campo obbligatorio"));
        assert!(e.for_field("cohort_start").is_some());
        assert!(e.for_field("capacity").is_none());
        assert_eq!(e.0[0].field.as_deref(), Some("programme.title"), "named as the API names it");
    }

    #[test]
    fn text_that_does_not_parse_is_named_and_domain_rules_apply() {
        let e = read(Lang::En, "Seed", "2027-03-01", "2027-07-31", "eight").unwrap_err();
        assert!(e.for_field("capacity").unwrap().starts_with("Invalid value"), "{e:?}");
        let e = read(Lang::En, "Seed", "2027-03-01", "2027-01-01", "8").unwrap_err();
        assert!(e.for_field("cohort_end").is_some(), "{e:?}");
        assert_eq!(e.0[0].field.as_deref(), Some("programme.cohortEnd"));
    }

    #[test]
    fn choices_take_storage_keys() {
        let mut f = FormReader::new("offer", Lang::En);
        assert_eq!(f.choice("kind", "phd_position", OfferKind::Job), OfferKind::PhdPosition);
        assert_eq!(f.choice("kind", "nonsense", OfferKind::Job), OfferKind::Job);
        let levels = f.languages("languages", &[("en".into(), "C1".into())]);
        assert_eq!(levels[0].level, Cefr::C1);
        let e = f.finish((), |()| Ok::<_, ValidationErrors>(())).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert!(e.for_field("kind").is_some());
    }

    #[test]
    fn blank_is_none() {
        assert_eq!(optional("  "), None);
        assert_eq!(optional(" torino "), Some("torino".into()));
        assert_eq!(number_text(None::<i32>), "");
        assert_eq!(date_text(Some(Date(chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap()))), "2027-01-31");
    }
}
