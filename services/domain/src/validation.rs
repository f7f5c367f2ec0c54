//! Validation that names the offending field, so an API can show the error next to it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest accepted name or title, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest accepted free text (descriptions, bios), in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Most items accepted in any list field (skills, languages, rules...).
pub const MAX_LIST_ITEMS: usize = 100;

/// One problem with one field. `field` is a dotted path such as `languages[2].level`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Every problem found in one value; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, message)])
    }

    /// The first offending field, for error messages that name one.
    pub fn first_field(&self) -> Option<&str> {
        self.0.first().map(|e| e.field.as_str())
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for error in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// Implemented by every entity: checks invariants that need no database.
pub trait Validate {
    fn validate(&self) -> Result<(), ValidationErrors>;
}

/// Collects field errors; `finish` turns them into a result.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check(&mut self, ok: bool, field: impl Into<String>, message: impl Into<String>) {
        if !ok {
            self.errors.push(FieldError::new(field, message));
        }
    }

    /// A required single-line text: not blank, at most `max` characters, no control characters.
    pub fn name(&mut self, field: &str, value: &str) {
        self.text(field, value, MAX_NAME_CHARS, true);
        self.check(!value.chars().any(char::is_control), field, "must be a single line without control characters");
    }

    /// Free text of at most `max` characters; `required` refuses blank text.
    pub fn text(&mut self, field: &str, value: &str, max: usize, required: bool) {
        if required && value.trim().is_empty() {
            self.errors.push(FieldError::new(field, "must not be empty"));
        }
        let chars = value.chars().count();
        if chars > max {
            self.errors.push(FieldError::new(field, format!("is {chars} characters long, at most {max} are allowed")));
        }
    }

    pub fn email(&mut self, field: &str, value: &str) {
        let mut parts = value.splitn(2, '@');
        let local = parts.next().unwrap_or_default();
        let domain = parts.next().unwrap_or_default();
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && value.len() <= 254
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        self.check(ok, field, "must be an e-mail address such as name@example.org");
    }

    pub fn list_len<T>(&mut self, field: &str, list: &[T]) {
        if list.len() > MAX_LIST_ITEMS {
            self.errors.push(FieldError::new(
                field,
                format!("has {} items, at most {MAX_LIST_ITEMS} are allowed", list.len()),
            ));
        }
    }

    /// Refuses a list that names the same item twice.
    pub fn unique<T: PartialEq + fmt::Debug>(&mut self, field: &str, list: &[T]) {
        for (i, item) in list.iter().enumerate() {
            if list[..i].contains(item) {
                self.errors.push(FieldError::new(format!("{field}[{i}]"), format!("{item:?} is listed twice")));
            }
        }
    }

    /// Adds errors of a nested value under `prefix`.
    pub fn nested(&mut self, prefix: &str, result: Result<(), ValidationErrors>) {
        if let Err(errors) = result {
            self.errors
                .extend(errors.0.into_iter().map(|e| FieldError::new(format!("{prefix}.{}", e.field), e.message)));
        }
    }

    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(ValidationErrors(self.errors)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_offending_field() {
        let mut v = Validator::new();
        v.name("title", "  ");
        v.email("contact_email", "not-an-address");
        v.text("description", &"x".repeat(MAX_TEXT_CHARS + 1), MAX_TEXT_CHARS, false);
        let err = v.finish().unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "contact_email", "description"]);
        assert!(err.to_string().contains("at most 10000"));
    }

    #[test]
    fn accepts_valid_values() {
        let mut v = Validator::new();
        v.name("title", "Rust developer");
        v.email("email", "anna@polito.it");
        v.unique("skills", &["a", "b"]);
        assert!(v.finish().is_ok());
    }

    #[test]
    fn duplicate_items_are_named_by_index() {
        let mut v = Validator::new();
        v.unique("skills", &["rust", "go", "rust"]);
        assert_eq!(v.finish().unwrap_err().first_field(), Some("skills[2]"));
    }
}
