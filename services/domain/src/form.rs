//! A programme's own application form: the questions an organisation asks (in Italian and
//! English), and the checks a startup's answers pass. A draft is checked as it is saved
//! (types, lengths, choices, ranges) and again, with the required questions, when submitted.

use crate::validation::{Validate, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};

/// Most questions on one form.
pub const MAX_QUESTIONS: usize = 30;
/// Longest answer to a long-text question when the form sets no bound, in characters.
pub const LONG_TEXT_CHARS: u32 = 5_000;
/// Longest answer to a short-text question when the form sets no bound.
pub const SHORT_TEXT_CHARS: u32 = 300;
/// The largest file any question may accept (a pitch deck), in bytes.
pub const MAX_FILE_BYTES: u32 = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum QuestionKind {
    ShortText,
    LongText,
    SingleChoice,
    MultipleChoice,
    Number,
    Url,
    /// A PDF (a pitch deck), uploaded first and named by its id.
    File,
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub key: String,
    pub label_it: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable within the form (`team`, `pitch_deck`): answers name it.
    pub key: String,
    pub kind: QuestionKind,
    pub label_it: String,
    pub label_en: String,
    #[serde(default)]
    pub required: bool,
    /// Choice questions: their options.
    #[serde(default)]
    pub options: Vec<Choice>,
    /// Text questions: the longest answer, in characters.
    #[serde(default)]
    pub max_chars: Option<u32>,
    /// Number questions: the range.
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// File questions: the largest file, in bytes (at most [`MAX_FILE_BYTES`]).
    #[serde(default)]
    pub max_bytes: Option<u32>,
}

/// An answer's value, as the question's kind asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    Text(String),
    Choices(Vec<String>),
    Number(f64),
    /// An uploaded file: its id, and its size as stored (checked against the question).
    File {
        id: uuid::Uuid,
        bytes: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub key: String,
    pub value: AnswerValue,
}

fn key_ok(key: &str) -> bool {
    !key.is_empty() && key.len() <= 40 && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Question {
    fn text_limit(&self) -> u32 {
        self.max_chars.unwrap_or(if self.kind == QuestionKind::LongText { LONG_TEXT_CHARS } else { SHORT_TEXT_CHARS })
    }
}

impl Validate for Question {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::new();
        v.check(key_ok(&self.key), "key", "must be 1 to 40 lowercase letters, digits or _");
        v.name("label_it", &self.label_it);
        v.name("label_en", &self.label_en);
        let choice = matches!(self.kind, QuestionKind::SingleChoice | QuestionKind::MultipleChoice);
        v.check(!choice || (2..=50).contains(&self.options.len()), "options", "a choice needs 2 to 50 options");
        v.check(choice || self.options.is_empty(), "options", "only choice questions have options");
        let keys: Vec<&str> = self.options.iter().map(|o| o.key.as_str()).collect();
        v.unique("options", &keys);
        for (i, o) in self.options.iter().enumerate() {
            v.check(key_ok(&o.key), format!("options[{i}].key"), "must be 1 to 40 lowercase letters, digits or _");
            v.name(&format!("options[{i}].label_it"), &o.label_it);
            v.name(&format!("options[{i}].label_en"), &o.label_en);
        }
        let text = matches!(self.kind, QuestionKind::ShortText | QuestionKind::LongText);
        v.check(text || self.max_chars.is_none(), "max_chars", "only text questions have a length");
        v.check(self.max_chars.is_none_or(|m| (1..=LONG_TEXT_CHARS).contains(&m)), "max_chars", "must be 1 to 5000");
        let number = self.kind == QuestionKind::Number;
        v.check(number || (self.min.is_none() && self.max.is_none()), "min", "only number questions have a range");
        if let (Some(min), Some(max)) = (self.min, self.max) {
            v.check(min <= max, "max", "must not be below min");
        }
        v.check(self.min.is_none_or(f64::is_finite) && self.max.is_none_or(f64::is_finite), "min", "must be a number");
        let file = self.kind == QuestionKind::File;
        v.check(file || self.max_bytes.is_none(), "max_bytes", "only file questions have a size");
        v.check(
            self.max_bytes.is_none_or(|b| (1..=MAX_FILE_BYTES).contains(&b)),
            "max_bytes",
            format!("must be 1 to {MAX_FILE_BYTES}"),
        );
        v.finish()
    }
}

/// Checks a form's questions (keys unique, each question sound).
pub fn check_form(form: &[Question], v: &mut Validator) {
    v.check(form.len() <= MAX_QUESTIONS, "form", format!("has more than {MAX_QUESTIONS} questions"));
    let keys: Vec<&str> = form.iter().map(|q| q.key.as_str()).collect();
    v.unique("form", &keys);
    for (i, q) in form.iter().enumerate() {
        v.nested(&format!("form[{i}]"), q.validate());
    }
}

fn is_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        host.contains('.') && !host.starts_with('.') && !r.chars().any(char::is_whitespace)
    }) && s.len() <= 2_000
}

/// Checks `answers` against `form`, each error under `answers.<key>`. `submitting` also
/// asks for every required question; a draft may leave them out.
pub fn check_answers(form: &[Question], answers: &[Answer], submitting: bool) -> Result<(), ValidationErrors> {
    let mut v = Validator::new();
    let keys: Vec<&str> = answers.iter().map(|a| a.key.as_str()).collect();
    v.unique("answers", &keys);
    for a in answers {
        let field = format!("answers.{}", a.key);
        let Some(q) = form.iter().find(|q| q.key == a.key) else {
            v.check(false, field, "the form has no such question");
            continue;
        };
        match (&q.kind, &a.value) {
            (QuestionKind::ShortText | QuestionKind::LongText, AnswerValue::Text(t)) => {
                let limit = q.text_limit() as usize;
                v.check(t.chars().count() <= limit, &field, format!("is longer than {limit} characters"));
                v.check(!q.required || !submitting || !t.trim().is_empty(), &field, "is required");
                v.check(!t.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), &field, "has control characters");
            }
            (QuestionKind::Url, AnswerValue::Text(t)) => {
                v.check(t.is_empty() || is_url(t.trim()), &field, "must be an http or https address");
                v.check(!q.required || !submitting || !t.trim().is_empty(), &field, "is required");
            }
            (QuestionKind::SingleChoice | QuestionKind::MultipleChoice, AnswerValue::Choices(c)) => {
                let known = c.iter().all(|k| q.options.iter().any(|o| &o.key == k));
                v.check(known, &field, "names an option the question does not have");
                v.unique(&field, c);
                let single = q.kind == QuestionKind::SingleChoice;
                v.check(!single || c.len() <= 1, &field, "takes one option");
                v.check(!q.required || !submitting || !c.is_empty(), &field, "is required");
            }
            (QuestionKind::Number, AnswerValue::Number(n)) => {
                v.check(n.is_finite(), &field, "must be a number");
                v.check(q.min.is_none_or(|m| *n >= m), &field, format!("must be at least {}", q.min.unwrap_or(0.0)));
                v.check(q.max.is_none_or(|m| *n <= m), &field, format!("must be at most {}", q.max.unwrap_or(0.0)));
            }
            (QuestionKind::File, AnswerValue::File { bytes, .. }) => {
                let limit = u64::from(q.max_bytes.unwrap_or(MAX_FILE_BYTES));
                v.check(*bytes <= limit, &field, format!("the file is larger than {limit} bytes"));
            }
            (kind, _) => v.check(false, field, format!("a {kind:?} question takes another kind of answer")),
        }
    }
    if submitting {
        for q in form.iter().filter(|q| q.required) {
            v.check(answers.iter().any(|a| a.key == q.key), format!("answers.{}", q.key), "is required");
        }
    }
    v.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(key: &str, kind: QuestionKind, required: bool) -> Question {
        let options = if matches!(kind, QuestionKind::SingleChoice | QuestionKind::MultipleChoice) {
            ["a", "b"]
                .iter()
                .map(|k| Choice { key: (*k).into(), label_it: k.to_uppercase(), label_en: k.to_uppercase() })
                .collect()
        } else {
            vec![]
        };
        Question {
            key: key.into(),
            kind,
            label_it: "Domanda".into(),
            label_en: "Question".into(),
            required,
            options,
            max_chars: None,
            min: None,
            max: None,
            max_bytes: None,
        }
    }

    fn a(key: &str, value: AnswerValue) -> Answer {
        Answer { key: key.into(), value }
    }

    #[test]
    fn answers_are_checked_by_kind_and_named_by_question() {
        let mut team = q("team", QuestionKind::Number, true);
        team.min = Some(1.0);
        let form = vec![
            q("pitch", QuestionKind::LongText, true),
            team,
            q("stage", QuestionKind::SingleChoice, false),
            q("site", QuestionKind::Url, false),
        ];
        let draft =
            vec![a("team", AnswerValue::Number(0.0)), a("stage", AnswerValue::Choices(vec!["a".into(), "b".into()]))];
        let e = check_answers(&form, &draft, false).unwrap_err().to_string();
        assert!(e.contains("answers.team") && e.contains("answers.stage") && !e.contains("answers.pitch"), "{e}");
        let e = check_answers(&form, &[], true).unwrap_err().to_string();
        assert!(e.contains("answers.pitch") && e.contains("answers.team"), "required on submission: {e}");
        let e = check_answers(&form, &[a("site", AnswerValue::Text("javascript:alert(1)".into()))], false).unwrap_err();
        assert_eq!(e.first_field(), Some("answers.site"));
        let e = check_answers(&form, &[a("pitch", AnswerValue::Number(3.0))], false).unwrap_err();
        assert_eq!(e.first_field(), Some("answers.pitch"));
        let ok = vec![a("pitch", AnswerValue::Text("Noi".into())), a("team", AnswerValue::Number(3.0))];
        assert!(check_answers(&form, &ok, true).is_ok());
        let e = check_answers(&form, &[a("nope", AnswerValue::Text(String::new()))], false).unwrap_err();
        assert_eq!(e.first_field(), Some("answers.nope"));
    }

    #[test]
    fn a_form_names_its_bad_question() {
        let mut v = Validator::new();
        let mut bad = q("deck", QuestionKind::File, true);
        bad.max_bytes = Some(MAX_FILE_BYTES + 1);
        check_form(&[q("one", QuestionKind::ShortText, false), bad, q("one", QuestionKind::Number, false)], &mut v);
        let e = v.finish().unwrap_err().to_string();
        assert!(e.contains("form[1].max_bytes") && e.contains("form"), "{e}");
    }
}
