//! Text building blocks shared by every generator: the two languages, `{placeholder}`
//! templates, list joining and ASCII slugs for e-mails and websites.

use crate::rng::Rng;
use crocevia_domain::validation::MAX_NAME_CHARS;
use crocevia_domain::{Sector, SkillConcept};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    It,
    En,
}

impl Lang {
    /// Italian with probability `italian`, else English.
    pub(crate) fn draw(rng: &mut Rng, italian: f64) -> Self {
        if rng.chance(italian) { Lang::It } else { Lang::En }
    }

    pub(crate) fn label(self, concept: &SkillConcept) -> &str {
        match self {
            Lang::It => &concept.label_it,
            Lang::En => &concept.label_en,
        }
    }

    pub(crate) fn sector(self, sector: Sector) -> &'static str {
        match self {
            Lang::It => sector.label_it(),
            Lang::En => sector.label_en(),
        }
    }

    /// A capitalised name used mid-sentence: Italian lower-cases it ("tecnologie digitali"),
    /// English keeps title case ("Digital Technologies").
    pub(crate) fn mid_sentence(self, s: &str) -> String {
        match self {
            Lang::It => lower_first(s),
            Lang::En => s.to_owned(),
        }
    }

    /// `it` or `en` variant of a pair.
    pub(crate) fn choose<'a>(self, it: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::It => it,
            Lang::En => en,
        }
    }
}

/// Replaces each `{key}` with its value; unknown keys stay as they are, so a test can find them.
pub(crate) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 48);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        match vars.iter().find(|(k, _)| *k == key) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// "a, b e c" / "a, b and c".
pub(crate) fn join(lang: Lang, items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), lang.choose("e", "and")),
    }
}

/// Lower-cases the first letter of an Italian role or sector used mid-sentence, in each
/// "/"-separated form ("Sviluppatore/Sviluppatrice"), leaving acronyms such as "ICT" alone.
pub(crate) fn lower_first(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, part) in s.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let mut chars = part.chars();
        match (chars.next(), chars.next()) {
            (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
                out.extend(first.to_lowercase());
                out.push_str(&part[first.len_utf8()..]);
            }
            _ => out.push_str(part),
        }
    }
    out
}

/// Titles and headlines must fit the domain's name limit whatever the labels' lengths.
pub(crate) fn clip(mut s: String) -> String {
    if let Some((i, _)) = s.char_indices().nth(MAX_NAME_CHARS) {
        s.truncate(i);
        s.truncate(s.trim_end().len());
    }
    s
}

/// Lower-case ASCII letters and digits only, for e-mail local parts and host names.
pub(crate) fn slug(s: &str, separator: Option<char>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        let mapped = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' => Some('a'),
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'İ' | 'ı' => Some('i'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ö' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Ü' => Some('u'),
            'ç' | 'Ç' => Some('c'),
            'ñ' | 'Ñ' => Some('n'),
            'ş' | 'Ş' => Some('s'),
            'ğ' => Some('g'),
            'ß' => Some('s'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        };
        match mapped {
            Some(m) => {
                if pending && !out.is_empty() {
                    out.extend(separator);
                }
                pending = false;
                out.push(m);
            }
            None => pending = c.is_whitespace() || c == '-' || c == '&',
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_keys_and_keeps_unknown_ones() {
        assert_eq!(fill("{role} {a}, {a}", &[("role", "Developer"), ("a", "Rust")]), "Developer Rust, Rust");
        assert_eq!(fill("{x} and {", &[]), "{x} and {");
        assert_eq!(fill("Già {a}!", &[("a", "è")]), "Già è!");
    }

    #[test]
    fn joins_lists_in_each_language() {
        assert_eq!(join(Lang::It, &["a", "b", "c"]), "a, b e c");
        assert_eq!(join(Lang::En, &["a", "b"]), "a and b");
        assert_eq!(join(Lang::En, &["a"]), "a");
    }

    #[test]
    fn lowers_words_but_not_acronyms() {
        assert_eq!(lower_first("Sviluppatrice"), "sviluppatrice");
        assert_eq!(lower_first("ICT"), "ICT");
        assert_eq!(lower_first("Ingegnere del software"), "ingegnere del software");
        assert_eq!(lower_first("Sviluppatore/Sviluppatrice"), "sviluppatore/sviluppatrice");
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Niccolò D'Angelo", None), "niccolodangelo");
        assert_eq!(slug("Rossi & Gallo S.r.l.", Some('-')), "rossi-gallo-srl");
        assert_eq!(slug("Çelik Öztürk", Some('.')), "celik.ozturk");
        assert!(clip("x".repeat(300)).chars().count() == MAX_NAME_CHARS);
    }
}
