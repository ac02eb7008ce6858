//! Application keywords in a subject: case- and accent-insensitive, whole words only
//! (`LSU` matches "Problème LSU" but not "LSUN" nor "clsu").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `text` lower-cased with its accents removed: "Élève" → "eleve".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The keywords of every application, ready to be looked for in subjects.
#[derive(Debug, Clone)]
pub struct KeywordSet<T> {
    /// (keyword as folded words, application), longest keyword first so that "Livret scolaire"
    /// wins over "Livret".
    entries: Vec<(Vec<String>, T)>,
}

impl<T: Clone> KeywordSet<T> {
    pub fn new<I, K>(applications: I) -> Self
    where
        I: IntoIterator<Item = (T, K)>,
        K: IntoIterator,
        K::Item: AsRef<str>,
    {
        let mut entries = Vec::new();
        for (id, keywords) in applications {
            for k in keywords {
                let folded = fold(k.as_ref());
                let w: Vec<String> = words(&folded).into_iter().map(str::to_owned).collect();
                if !w.is_empty() {
                    entries.push((w, id.clone()));
                }
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        Self { entries }
    }

    /// The application whose keyword appears first in `text`, as whole words.
    pub fn find(&self, text: &str) -> Option<T> {
        let folded = fold(text);
        let words = words(&folded);
        let mut best: Option<(usize, usize, &T)> = None;
        for (keyword, id) in &self.entries {
            let n = keyword.len();
            if n > words.len() {
                continue;
            }
            if let Some(at) = (0..=words.len() - n).find(|&i| {
                words[i..i + n]
                    .iter()
                    .zip(keyword)
                    .all(|(w, k)| *w == k.as_str())
            }) {
                // Earliest position wins; at the same position, the longest keyword.
                if best.is_none_or(|(p, len, _)| at < p || (at == p && n > len)) {
                    best = Some((at, n, id));
                }
            }
        }
        best.map(|(_, _, id)| id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whole_words_without_case_or_accents() {
        let set = KeywordSet::new([
            ("lsun", vec!["LSUN", "LSU", "Livret"]),
            ("onde", vec!["ONDE", "Élèves"]),
        ]);
        assert_eq!(set.find("Problème LSU bulletin"), Some("lsun"));
        assert_eq!(set.find("[lsun] export"), Some("lsun"));
        assert_eq!(set.find("livret scolaire bloqué"), Some("lsun"));
        assert_eq!(set.find("Base eleves / ONDE"), Some("onde"));
        assert_eq!(set.find("CLSU ne marche pas"), None);
        assert_eq!(set.find("LSUNE"), None);
        assert_eq!(set.find(""), None);
    }

    #[test]
    fn the_first_keyword_in_the_subject_wins() {
        let set = KeywordSet::new([("lsun", vec!["LSU"]), ("onde", vec!["ONDE"])]);
        assert_eq!(set.find("ONDE puis LSU"), Some("onde"));
    }
}
