//! Templates (`crates/web/templates/`, embedded in the binary) rendered with minijinja, and the
//! `t(key, name=value…)` function that reads `locales/{fr,en}/*.ftl` in the page's language.
//!
//! Every page gets the [`Base`] context (language, theme, asset prefix, signed-in person, CSRF
//! token, current path) that `layout.html` needs; a page adds its own values beside it.

use crate::i18n::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State};
use rust_embed::RustEmbed;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Templates;

/// What `layout.html` needs on every page.
#[derive(Debug, Clone, Serialize)]
pub struct Base {
    pub lang: &'static str,
    pub theme: &'static str,
    /// `/assets/<version>`.
    pub assets: String,
    /// The signed-in person's name; `None` for a visitor.
    pub user: Option<String>,
    /// The token every form carries (see [`super::visitor::Visitor::csrf`]).
    pub csrf: String,
    /// The current path, for the language switch to come back to.
    pub path: String,
    /// The same, percent-encoded for a query string.
    pub next: String,
    /// The person works queues: the layout links to the agent workspace.
    pub agent: bool,
    /// The person administers: the layout links to the administration pages.
    pub admin: bool,
    /// The person steers a zone (IEN, DASEN, DSI) or administers: the layout links to the
    /// broadcasts.
    pub steering: bool,
}

/// The template environment, built once at start.
#[derive(Debug)]
pub struct Renderer {
    env: Environment<'static>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

/// The text of `key` in `lang`, with arguments; numbers stay numbers so plurals select.
/// `None` when no translation has it.
pub fn try_text(lang: Lang, key: &str, args: &[(&str, Value)]) -> Option<String> {
    let values: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| {
            let fv = match v.as_i64() {
                Some(n) => FluentValue::from(n),
                None => FluentValue::from(v.to_string()),
            };
            (Cow::Owned((*k).to_owned()), fv)
        })
        .collect();
    lang.try_text_values(key, &values)
}

/// [`try_text`], or the key itself (and a warning) when the text is missing.
pub fn text(lang: Lang, key: &str, args: &[(&str, Value)]) -> String {
    try_text(lang, key, args).unwrap_or_else(|| {
        tracing::warn!(key, lang = lang.tag(), "missing translation");
        key.to_owned()
    })
}

fn t(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or_default();
    let mut args = Vec::new();
    for name in kwargs.args() {
        let v: Value = kwargs.get(name)?;
        args.push((name, v));
    }
    kwargs.assert_all_used()?;
    Ok(text(lang, key, &args))
}

impl Renderer {
    pub fn new() -> Self {
        let mut env = Environment::new();
        for name in Templates::iter() {
            let Some(file) = Templates::get(&name) else {
                continue;
            };
            let source = String::from_utf8_lossy(&file.data).into_owned();
            // The templates are part of the binary and a test renders each: a parse error is a
            // bug caught before release, not a runtime condition.
            env.add_template_owned(name.to_string(), source)
                .expect("embedded templates parse (pages_render test)");
        }
        env.add_function("t", t);
        Self { env }
    }

    /// Renders `name` with the base context and the page's own values.
    pub fn render(
        &self,
        name: &str,
        base: &Base,
        page: &impl Serialize,
    ) -> Result<String, minijinja::Error> {
        let ctx = minijinja::context! {
            ..Value::from(minijinja::value::Serde(page)),
            ..Value::from(minijinja::value::Serde(base))
        };
        self.env.get_template(name)?.render(ctx)
    }

    /// The names of every embedded template.
    pub fn names() -> Vec<String> {
        Templates::iter().map(|n| n.to_string()).collect()
    }

    /// The source of an embedded template (for tests that check its translation keys).
    pub fn source(name: &str) -> Option<String> {
        Templates::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned())
    }
}
