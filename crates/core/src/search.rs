//! The French search-text pipeline, shared by both storage engines so that they find the same
//! tickets: lower case, accents and ligatures folded, stop words dropped, Snowball French stems.
//!
//! The store indexes the output of [`index_text`] (SQLite FTS5, PostgreSQL `tsvector` with the
//! `simple` configuration, which keeps tokens as they are) and queries with [`query_terms`].
//! Accents are folded *before* stemming, so a query typed without accents (`ecran`) and a text
//! written with them (`écran`) meet on the same stem.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Words too common to help: articles, pronouns, prepositions, auxiliaries (already folded).
const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "d", "dans", "de", "des", "du", "elle",
    "en", "est", "et", "il", "ils", "j", "je", "l", "la", "le", "les", "leur", "lui", "m", "ma",
    "mais", "me", "mes", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas",
    "pour", "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sont", "sur", "t", "ta", "te",
    "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
];

/// Longer tokens are noise (base64 blobs, URLs glued together) and are not indexed.
const MAX_TOKEN_CHARS: usize = 40;

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::French))
}

/// Folds case, accents and ligatures: `Écran Œuvre` → `ecran oeuvre`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c if unicode_normalization::char::is_combining_mark(c) => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Snowball treats some plurals differently from their singular (`connexions` → `connex`,
/// `connexion` → `connexion`); dropping a plural `s` first makes both meet.
fn singular(token: &str) -> &str {
    match token.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem,
        _ => token,
    }
}

/// The stems of a text, in order, stop words and overlong tokens left out.
pub fn terms(text: &str) -> impl Iterator<Item = String> {
    let folded = fold(text);
    let tokens: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty() && t.chars().count() <= MAX_TOKEN_CHARS)
        .filter(|t| !STOP_WORDS.contains(t))
        .map(|t| stemmer().stem(singular(t)).into_owned())
        .collect();
    tokens.into_iter()
}

/// The text to index for a ticket's subject or one of its entries: stems separated by spaces.
pub fn index_text(text: &str) -> String {
    terms(text).collect::<Vec<_>>().join(" ")
}

/// The distinct stems of a user's query; all must match. Empty when the query has no usable word.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in terms(query) {
        if !out.contains(&t) && out.len() < 16 {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_plurals_and_case_meet() {
        assert_eq!(query_terms("ecran"), query_terms("Écran"));
        assert_eq!(query_terms("imprimantes"), query_terms("imprimante"));
        assert_eq!(query_terms("connexions"), query_terms("CONNEXION"));
        assert_eq!(
            index_text("L'œuvre du directeur"),
            index_text("oeuvre directeurs")
        );
        for (a, b) in [
            ("connexions", "connexion"),
            ("écrans", "ecran"),
            ("élèves", "eleve"),
            ("réinitialisations", "réinitialisation"),
            ("comptes", "compte"),
            ("absences", "absence"),
            ("bulletins", "bulletin"),
        ] {
            assert_eq!(query_terms(a), query_terms(b), "{a} / {b}");
        }
        assert_ne!(query_terms("ecran"), query_terms("imprimante"));
    }

    #[test]
    fn stop_words_and_noise_are_dropped() {
        assert!(query_terms("le la les de des").is_empty());
        assert!(query_terms(&"x".repeat(80)).is_empty());
        assert_eq!(query_terms("LSUN 0211234C").len(), 2);
    }

    proptest! {
        #[test]
        fn terms_are_plain_ascii_words(text in "\\PC{0,200}") {
            for t in terms(&text) {
                prop_assert!(!t.is_empty());
                prop_assert!(t.chars().all(char::is_alphanumeric), "{t:?}");
            }
        }
    }
}
