//! Translations for the API's messages, from `locales/{fr,en}/*.ftl`: French first, English when
//! the client's `Accept-Language` prefers it.

use fluent_templates::{Loader, static_loader};
use std::collections::HashMap;
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "fr",
        // Unicode isolation marks around placeables break JSON consumers and string checks.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

/// The languages Guichet speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The first of French or English in an `Accept-Language` header, by quality; French when
    /// neither appears.
    pub fn negotiate(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::Fr;
        };
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag == "fr" || tag.starts_with("fr-") {
                Self::Fr
            } else if tag == "en" || tag.starts_with("en-") {
                Self::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Self::Fr, |(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Self::Fr => &FR,
            Self::En => &EN,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    /// The message `key` with `args`; `None` when no translation has it.
    pub fn try_text(self, key: &str, args: &[(&str, String)]) -> Option<String> {
        let args: HashMap<
            std::borrow::Cow<'static, str>,
            fluent_templates::fluent_bundle::FluentValue,
        > = args
            .iter()
            .map(|(k, v)| (std::borrow::Cow::Owned((*k).to_owned()), v.clone().into()))
            .collect();
        LOCALES.try_lookup_with_args(self.id(), key, &args)
    }

    /// The message `key` with Fluent values, so that numbers select plural forms.
    pub fn try_text_values(
        self,
        key: &str,
        args: &HashMap<
            std::borrow::Cow<'static, str>,
            fluent_templates::fluent_bundle::FluentValue,
        >,
    ) -> Option<String> {
        LOCALES.try_lookup_with_args(self.id(), key, args)
    }

    /// The language named by a tag (`fr`, `en-GB`), if Guichet speaks it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag == "fr" || tag.starts_with("fr-") {
            Some(Self::Fr)
        } else if tag == "en" || tag.starts_with("en-") {
            Some(Self::En)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_quality() {
        assert_eq!(Lang::negotiate(None), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de-DE, en;q=0.5, fr;q=0.8")), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("de")), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("en;q=abc")), Lang::En);
    }

    #[test]
    fn both_languages_have_the_problem_titles() {
        for lang in [Lang::Fr, Lang::En] {
            for key in [
                "problem-invalid-field",
                "problem-not-found",
                "problem-unauthorized",
            ] {
                assert!(
                    lang.try_text(key, &[]).is_some(),
                    "{key} missing in {}",
                    lang.tag()
                );
            }
        }
        assert_ne!(
            Lang::Fr.try_text("problem-not-found", &[]),
            Lang::En.try_text("problem-not-found", &[])
        );
    }
}
