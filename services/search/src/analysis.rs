//! Text analysis for Torino bilingue: every text is indexed twice, stemmed as Italian and as
//! English, plus once unstemmed for typo-tolerant matching. Accents fold and case lowers, so
//! "Università" finds "universita" and "sviluppatrice" meets "sviluppatore" by stem.

use crate::stemming::{CachedStemmer, Language};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenizerManager,
};

pub const ITALIAN: &str = "crocevia_it";
pub const ENGLISH: &str = "crocevia_en";
pub const RAW: &str = "crocevia_raw";

/// Tokens longer than this are junk (URLs, hashes) and would bloat the dictionary.
const MAX_TOKEN_BYTES: usize = 40;

fn stemmed(language: Language) -> TextAnalyzer {
    // Stem before folding: the Snowball stemmers know the accented endings.
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(CachedStemmer(language))
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn raw() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn analyzer(name: &str) -> TextAnalyzer {
    match name {
        ITALIAN => stemmed(Language::Italian),
        ENGLISH => stemmed(Language::English),
        _ => raw(),
    }
}

pub fn register(manager: &TokenizerManager) {
    for name in [ITALIAN, ENGLISH, RAW] {
        manager.register(name, analyzer(name));
    }
}

/// The tokens of `text` under analyzer `name`.
pub fn tokens(name: &str, text: &str) -> Vec<String> {
    let mut analyzer = analyzer(name);
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_stems_meet_across_gender_and_accents() {
        assert_eq!(tokens(ITALIAN, "sviluppatrice"), tokens(ITALIAN, "sviluppatrici"));
        assert_eq!(tokens(ITALIAN, "Università"), tokens(ITALIAN, "universita"));
        assert_eq!(tokens(ENGLISH, "developers"), tokens(ENGLISH, "developer"));
        assert_eq!(tokens(RAW, "Perché Torino"), ["perche", "torino"]);
    }
}
