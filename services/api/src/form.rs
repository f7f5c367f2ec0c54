//! A programme's application form as clients send and read it, and the answers to it.

use crate::wire::{DateTime, Id};
use crocevia_domain::{self as d, QuestionKind};
use serde::{Deserialize, Serialize};

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "ChoiceInput"))]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub key: String,
    pub label_it: String,
    pub label_en: String,
}

/// A question of a programme's form, in Italian and English.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject, async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(input_name = "QuestionInput"))]
#[serde(rename_all = "camelCase")]
pub struct Question {
    /// Stable within the form (`team`, `pitch_deck`): lowercase letters, digits, `_`.
    pub key: String,
    #[serde(with = "crate::wire::enumeration")]
    pub kind: QuestionKind,
    pub label_it: String,
    pub label_en: String,
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub required: bool,
    /// Choice questions: 2 to 50 options.
    #[cfg_attr(feature = "graphql", graphql(default))]
    #[serde(default)]
    pub options: Vec<Choice>,
    /// Text questions: the longest answer (300 for short text, 5000 for long text by default).
    pub max_chars: Option<i32>,
    /// Number questions: the range.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// File questions (a PDF): the largest file in bytes, at most 10 MiB.
    pub max_bytes: Option<i32>,
}

impl From<&d::Question> for Question {
    fn from(q: &d::Question) -> Self {
        Self {
            key: q.key.clone(),
            kind: q.kind,
            label_it: q.label_it.clone(),
            label_en: q.label_en.clone(),
            required: q.required,
            options: q
                .options
                .iter()
                .map(|o| Choice { key: o.key.clone(), label_it: o.label_it.clone(), label_en: o.label_en.clone() })
                .collect(),
            max_chars: q.max_chars.map(|m| i32::try_from(m).unwrap_or(i32::MAX)),
            min: q.min,
            max: q.max,
            max_bytes: q.max_bytes.map(|m| i32::try_from(m).unwrap_or(i32::MAX)),
        }
    }
}

/// One answer as a startup sends it: the field that fits the question's kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[serde(rename_all = "camelCase")]
pub struct AnswerInput {
    pub key: String,
    /// Text and URL questions.
    pub text: Option<String>,
    /// Choice questions: option keys.
    pub choices: Option<Vec<String>>,
    /// Number questions.
    pub number: Option<f64>,
    /// File questions: the id `POST /api/v1/files` answered.
    pub file: Option<Id>,
}

/// An answer as it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "Answer"))]
#[serde(rename_all = "camelCase")]
pub struct AnswerView {
    pub key: String,
    pub text: Option<String>,
    pub choices: Option<Vec<String>>,
    pub number: Option<f64>,
    /// A file answer: its id (read at `GET /api/v1/files/{id}`) and size.
    pub file: Option<Id>,
    pub file_bytes: Option<f64>,
}

impl From<&d::Answer> for AnswerView {
    fn from(a: &d::Answer) -> Self {
        let mut view =
            Self { key: a.key.clone(), text: None, choices: None, number: None, file: None, file_bytes: None };
        match &a.value {
            d::AnswerValue::Text(t) => view.text = Some(t.clone()),
            d::AnswerValue::Choices(c) => view.choices = Some(c.clone()),
            d::AnswerValue::Number(n) => view.number = Some(*n),
            d::AnswerValue::File { id, bytes } => {
                view.file = Some(crate::wire::id(id));
                view.file_bytes = Some(*bytes as f64);
            }
        }
        view
    }
}

/// A startup's unsubmitted answers to a programme's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "ApplicationDraft"))]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    pub programme_id: Id,
    pub motivation: String,
    pub answers: Vec<AnswerView>,
    pub saved_at: DateTime,
}

/// An uploaded file, as its uploader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[cfg_attr(feature = "graphql", graphql(name = "UploadedFile"))]
#[serde(rename_all = "camelCase")]
pub struct FileView {
    pub id: Id,
    pub name: String,
    pub bytes: f64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}
