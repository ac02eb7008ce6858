//! Notices rendered in the recipient's language: minijinja templates embedded in the binary
//! (`crates/mail/templates/`), each replaceable by a file of the same name in the administrator's
//! folder (`[mail] templates_dir`), and the `t(key, name=value…)` function over
//! `locales/{fr,en}/*.ftl`.
//!
//! A notice of kind `k` renders `k.txt` and `k.html` when they exist, else `notice.txt` and
//! `notice.html`; its subject is `notify-<k>-subject`. Templates hold layout, translations hold
//! words, so an override need not be written twice.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, ErrorKind, State};
use rust_embed::RustEmbed;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "fr",
        // Isolation marks around placeables would show up in subjects and plain-text mail.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Templates;

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

fn lang_id(tag: &str) -> &'static LanguageIdentifier {
    if tag.starts_with("en") { &EN } else { &FR }
}

/// The text of `key` in the language `tag` (`fr`, `en`), with arguments; numbers stay numbers
/// so that plurals select. `None` when no translation has it.
pub fn text(tag: &str, key: &str, args: &[(&str, Value)]) -> Option<String> {
    let values: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .filter(|(_, v)| !v.is_none() && !v.is_undefined())
        .map(|(k, v)| {
            let fv = match v.as_i64() {
                Some(n) => FluentValue::from(n),
                None => FluentValue::from(v.to_string()),
            };
            (Cow::Owned((*k).to_owned()), fv)
        })
        .collect();
    LOCALES.try_lookup_with_args(lang_id(tag), key, &values)
}

fn t(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "fr".into());
    let mut args = Vec::new();
    for name in kwargs.args() {
        let v: Value = kwargs.get(name)?;
        args.push((name, v));
    }
    kwargs.assert_all_used()?;
    Ok(text(&lang, key, &args).unwrap_or_else(|| {
        tracing::warn!(key, lang, "missing translation in a notice");
        key.to_owned()
    }))
}

/// A rendered message: subject line (without the tag), plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why a notice could not be rendered (an administrator's template that does not parse).
#[derive(Debug, thiserror::Error)]
#[error("template {name}: {source}")]
pub struct RenderError {
    name: String,
    #[source]
    source: minijinja::Error,
}

/// The template environment, built once.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
}

impl Renderer {
    /// Templates from `overrides` first (when set), then the built-in ones.
    pub fn new(overrides: Option<PathBuf>) -> Self {
        let mut env = Environment::new();
        env.set_loader(move |name| {
            // Names come from our code, but an override folder must never be escaped.
            if name.contains(['/', '\\']) || name.starts_with('.') {
                return Ok(None);
            }
            if let Some(dir) = &overrides {
                let path = dir.join(name);
                match std::fs::read_to_string(&path) {
                    Ok(source) => return Ok(Some(source)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(minijinja::Error::new(
                            ErrorKind::InvalidOperation,
                            format!("reading {}: {e}", path.display()),
                        ));
                    }
                }
            }
            Ok(Templates::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned()))
        });
        env.add_function("t", t);
        Self { env }
    }

    /// Renders the message of `kind` (`received`, `digest`…) for `ctx`, which must carry `lang`.
    pub fn render(&self, kind: &str, ctx: &impl Serialize) -> Result<Rendered, RenderError> {
        let ctx = Value::from(minijinja::value::Serde(ctx));
        let lang = ctx
            .get_attr("lang")
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "fr".into());
        let subject_key = format!("notify-{kind}-subject");
        let args: Vec<(&str, Value)> = ["reference", "subject", "count", "actor", "group"]
            .into_iter()
            .filter_map(|k| ctx.get_attr(k).ok().map(|v| (k, v)))
            .collect();
        let subject = text(&lang, &subject_key, &args).unwrap_or(subject_key);
        let part = |ext: &str| -> Result<String, RenderError> {
            let own = format!("{kind}.{ext}");
            let name = match self.env.get_template(&own) {
                Ok(_) => own,
                Err(e) if e.kind() == ErrorKind::TemplateNotFound => format!("notice.{ext}"),
                Err(source) => return Err(RenderError { name: own, source }),
            };
            self.env
                .get_template(&name)
                .and_then(|t| t.render(&ctx))
                .map_err(|source| RenderError { name, source })
        };
        Ok(Rendered {
            subject: subject.replace(['\r', '\n'], " "),
            text: part("txt")?,
            html: part("html")?,
        })
    }

    /// The names of every built-in template (for tests that check their translation keys).
    pub fn names() -> Vec<String> {
        Templates::iter().map(|n| n.to_string()).collect()
    }

    /// The source of a built-in template.
    pub fn source(name: &str) -> Option<String> {
        Templates::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned())
    }
}
