//! The one explanation a refused sender receives: French then English in one message, each
//! reason in plain words and how to proceed. `Auto-Submitted: auto-replied` (RFC 3834), the
//! loop header and `In-Reply-To` the refused message, so that no responder answers it back.

use crate::config::MailConfig;
use crate::render::{RenderError, Renderer};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{MultiPart, SinglePart};
use serde::Serialize;

/// What the explanation says. Serialised as the `refusal` templates' context.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Refusal {
    /// Set per language while rendering.
    pub lang: String,
    pub recipient_email: String,
    /// The refused message's subject.
    pub subject: String,
    /// The mailbox it was sent to.
    pub mailbox: String,
    /// The reasons' short names (`domain`, `quota`…: the code without `intake.`).
    pub reasons: Vec<String>,
    /// The portal, where a request can always be filed.
    pub link: String,
    /// The refused message's `Message-ID`, without angle brackets.
    pub in_reply_to: Option<String>,
    /// Names the explanation in its own `Message-ID` (`<refusal-KEY@domain>`).
    pub key: String,
}

/// Why the explanation could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RefusalError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("{0}")]
    Compose(String),
}

fn raw(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_owned())
}

/// The explanation for `refusal`, rendered in French then English.
pub fn refusal_message(
    config: &MailConfig,
    renderer: &Renderer,
    refusal: &Refusal,
) -> Result<Message, RefusalError> {
    let compose = |e: &dyn std::fmt::Display| RefusalError::Compose(e.to_string());
    let fr = renderer.render(
        "refusal",
        &Refusal {
            lang: "fr".into(),
            ..refusal.clone()
        },
    )?;
    let en = renderer.render(
        "refusal",
        &Refusal {
            lang: "en".into(),
            ..refusal.clone()
        },
    )?;
    let domain = config.domain();
    let mut builder = Message::builder()
        .from(config.from.parse().map_err(|e| compose(&e))?)
        .to(refusal.recipient_email.parse().map_err(|e| compose(&e))?)
        .subject(format!("{} / {}", fr.subject, en.subject))
        .message_id(Some(format!("<refusal-{}@{domain}>", refusal.key)))
        .date_now()
        .raw_header(raw("Auto-Submitted", "auto-replied"))
        .raw_header(raw("X-Auto-Response-Suppress", "All"))
        .raw_header(raw("X-Guichet-Loop", &domain));
    if let Some(id) = &refusal.in_reply_to {
        builder = builder
            .in_reply_to(format!("<{id}>"))
            .references(format!("<{id}>"));
    }
    let separator = "\n\n------------------------------------------------------------\n\n";
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(format!("{}{separator}{}", fr.text, en.text)),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(format!("{}<hr>{}", fr.html, en.html)),
                ),
        )
        .map_err(|e| compose(&e))
}
