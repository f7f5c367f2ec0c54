//! The one normaliser of typed skill text, shared by the skills picker, the import and the
//! taxonomy's own checks, so "Modelli predittivi (avanzato)", "modello predittivo" and
//! "MODELLI PREDITTIVI" are the same words everywhere.
//!
//! Two levels: [`fold`] (case, accents, separators) for prefix matching as one types, and
//! [`words`] (fold, then qualifiers in parentheses, little words and plural or gender
//! endings dropped) for deciding that two phrases name the same thing.

/// Lower case, accents folded, and every run of separators one space. `+`, `#` and `&` stay:
/// they tell C, C++ and C# apart, and "R&D" or "GD&T" are one word.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = fold_char(c);
        if c.is_alphanumeric() || matches!(c, '+' | '#' | '&') {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The Latin letters with diacritics that Italian, English, French and German names use.
fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Articles, prepositions and conjunctions of both languages: "analisi dei dati" and
/// "analisi dati" are the same skill. Not "ai" (AI) nor "it" (IT), which are skills.
const LITTLE_WORDS: [&str; 52] = [
    "il", "lo", "la", "i", "gli", "le", "l", "un", "una", "uno", "di", "d", "del", "dello", "della", "dei", "degli",
    "delle", "dell", "da", "dal", "dalla", "in", "nel", "nella", "nei", "nelle", "nell", "con", "per", "su", "sul",
    "sulla", "e", "ed", "o", "a", "al", "alla", "agli", "alle", "all", "the", "an", "of", "and", "or", "for", "on",
    "with", "to", "&",
];

/// Text in parentheses or brackets is a qualifier ("Python (avanzato)", "Excel [base]"):
/// dropped, unless it is all there is.
fn without_qualifiers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                out.push(' ');
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The words of `text` as the taxonomy compares them: folded, qualifiers in parentheses
/// dropped, little words dropped (unless nothing else is left), each word [`stem`]med.
pub fn words(text: &str) -> Vec<String> {
    let mut folded = fold(&without_qualifiers(text));
    if folded.is_empty() {
        folded = fold(text);
    }
    let all: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let kept: Vec<&str> = all.iter().copied().filter(|w| !LITTLE_WORDS.contains(w)).collect();
    let kept = if kept.is_empty() { all } else { kept };
    kept.into_iter().map(stem).collect()
}

/// [`words`] joined by single spaces: equal keys, same skill.
pub fn key(text: &str) -> String {
    words(text).join(" ")
}

/// A light stemmer for both languages, enough to meet singular and plural, masculine and
/// feminine: English plurals ("analyses" → "analysis", "technologies" → "technology",
/// "models" → "model"), then the final vowel of Italian nouns and adjectives ("modelli",
/// "modello" → "model"; "strategia", "strategie" → "strategi"; "ufficio", "uffici" →
/// "uffic"), then a doubled last consonant ("modell" → "model", so "modelling" and
/// "modello" do not part on it), and "-lling" as "-ling" ("modelling", "modeling").
/// Words shorter than five letters, and words with digits or signs ("c++", "5g", "iso9001"),
/// stay as they are: at that length they are mostly acronyms and names ("sas", "sass",
/// "cmmi", "lims", "lime"), and stemming them made "SAS" meet "Sass" and "LIMS" meet "LIME".
/// Both sides of every comparison go through it, so over-stemming only merges words that
/// the taxonomy's load check would catch if two concepts collided on them.
pub fn stem(word: &str) -> String {
    let letters = word.chars().count();
    if letters < 5 || !word.chars().all(char::is_alphabetic) {
        return word.to_owned();
    }
    let mut w = word.to_owned();
    // British and American spelling: "modelling", "modeling".
    if let Some(base) = w.strip_suffix("lling") {
        w = format!("{base}ling");
    }
    if let Some(base) = w.strip_suffix("yses") {
        w = format!("{base}ysis");
    } else if let Some(base) = w.strip_suffix("ies").filter(|b| b.chars().count() >= 2) {
        w = format!("{base}y");
    } else if let Some(base) = w.strip_suffix("sses") {
        w = format!("{base}ss");
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.pop();
    }
    if w.chars().count() >= 5 && w.ends_with("io") {
        w.truncate(w.len() - 2);
    } else if w.chars().count() >= 4 && w.ends_with(['a', 'e', 'i', 'o']) {
        w.pop();
    }
    let mut tail = w.chars().rev();
    if let (Some(last), Some(before)) = (tail.next(), tail.next())
        && last == before
        && !matches!(last, 'a' | 'e' | 'i' | 'o' | 'u')
        && w.chars().count() >= 4
    {
        w.pop();
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_separators() {
        assert_eq!(fold("  Qualità   AUTOMOTIVE!! "), "qualita automotive");
        assert_eq!(fold("C++ / C#"), "c++ c#");
        assert_eq!(fold("GD&T"), "gd&t");
        assert_eq!(fold("Node.js"), "node js");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn qualifiers_in_parentheses_are_dropped() {
        assert_eq!(key("Python (avanzato)"), "python");
        assert_eq!(key("Excel [livello base]"), "excel");
        assert_eq!(key("(Python)"), "python", "a qualifier that is all there is stays");
        assert_eq!(key("Analisi FEM (Ansys) - strutturale"), key("analisi fem strutturale"));
    }

    #[test]
    fn plurals_and_genders_meet() {
        for (a, b) in [
            ("modelli", "modello"),
            ("modelling", "modeling"),
            ("analyses", "analysis"),
            ("technologies", "technology"),
            ("models", "model"),
            ("strategie", "strategia"),
            ("uffici", "ufficio"),
            ("processi", "processes"),
            ("machines", "machine"),
            ("boxes", "box"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(key("Modelli predittivi"), key("modello predittivo"));
        assert_eq!(key("Analisi dei dati"), key("analisi dati"));
    }

    #[test]
    fn names_and_short_words_stay() {
        for word in ["c++", "c#", "5g", "iso9001", "sql", "aws", "go", "r", "ai", "it", "sass", "cmmi", "lims", "dati"]
        {
            assert_eq!(stem(word), word);
        }
        assert_eq!(key("AI"), "ai", "not a little word");
        assert_eq!(key("C"), "c");
        assert_eq!(key("e"), "e", "little words stay when nothing else is left");
        assert_eq!(key("R&D"), "r&d");
    }

    #[test]
    fn different_words_stay_apart() {
        assert_ne!(key("metrology"), key("metrologia e controllo dimensionale"));
        assert_ne!(stem("java"), stem("javascript"));
        assert_ne!(key("c"), key("c++"));
    }
}
