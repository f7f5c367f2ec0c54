//! A stemming token filter that remembers what it stemmed.
//!
//! Every text is stemmed twice (Italian and English), and stemming is the largest part of
//! indexing a document after the postings themselves (a quarter of the indexing thread's time
//! in a profile of the consumer). Words repeat a lot across profiles and offers, so the
//! analyzer keeps a map from word to stem: a hit costs a hash lookup instead of a Snowball run.
//!
//! tantivy clones the registered analyzer for every segment it writes (every commit), so the
//! map is shared by the clones and outlives them. The indexing threads never wait for it: a
//! thread that finds it busy stems the word itself. A map that outgrows its bound starts over,
//! so junk words cannot grow it without end.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per analyzer before the map starts over (a few MB at most).
const CACHE_MAX: usize = 50_000;

/// The stemming languages of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Italian,
    English,
}

impl Language {
    fn algorithm(self) -> frostem::Algorithm {
        match self {
            Self::Italian => frostem::Algorithm::Italian,
            Self::English => frostem::Algorithm::English,
        }
    }
}

/// Stems like tantivy's `Stemmer` (the same Snowball algorithms), with a per-analyzer cache.
/// Tokens are expected to be lowercased beforehand.
#[derive(Debug, Clone, Copy)]
pub struct CachedStemmer(pub Language);

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        let cache = Arc::new(Mutex::new(HashMap::new()));
        CachedStemmerFilter { inner, stemmer: frostem::Stemmer::new(self.0.algorithm()), cache }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    stemmer: frostem::Stemmer,
    cache: Arc<Mutex<HashMap<String, String>>>,
}

impl<T> std::fmt::Debug for CachedStemmerFilter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedStemmerFilter").finish_non_exhaustive()
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream { tail: self.inner.token_stream(text), stemmer: self.stemmer, cache: &self.cache }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: frostem::Stemmer,
    cache: &'a Mutex<HashMap<String, String>>,
}

impl<T> std::fmt::Debug for CachedStemmerStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedStemmerStream").finish_non_exhaustive()
    }
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let hit = self.cache.try_lock().ok().and_then(|cache| {
            let stem = cache.get(token.text.as_str())?;
            token.text.clear();
            token.text.push_str(stem);
            Some(())
        });
        if hit.is_none() {
            let stem = self.stemmer.stem(&token.text).into_owned();
            let word = std::mem::replace(&mut token.text, stem.clone());
            if let Ok(mut cache) = self.cache.try_lock() {
                if cache.len() >= CACHE_MAX {
                    cache.clear();
                }
                cache.insert(word, stem);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn stems_as_tantivys_stemmer_does_whether_remembered_or_not() {
        let text = "Sviluppatrice sviluppatori developers developing università Torino torino sviluppatrice";
        for (ours, theirs) in [
            (Language::Italian, tantivy::tokenizer::Language::Italian),
            (Language::English, tantivy::tokenizer::Language::English),
        ] {
            let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(CachedStemmer(ours))
                .build();
            let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(Stemmer::new(theirs))
                .build();
            let want = stems(&mut reference, text);
            assert_eq!(stems(&mut cached, text), want, "first pass, {ours:?}");
            assert_eq!(stems(&mut cached, text), want, "from the cache, {ours:?}");
            assert_eq!(stems(&mut cached.clone(), text), want, "a clone, sharing the cache, {ours:?}");
        }
    }
}
