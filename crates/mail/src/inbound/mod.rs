//! Inbound half: a raw message as received (IMAP or MTA pipe) turned into the facts the intake
//! policy decides on. Nothing here touches the database or decides whether a message becomes a
//! ticket; `guichet-app` does, with these facts.
//!
//! [`parse`] never fails and never panics: a message it cannot understand still yields an
//! [`Inbound`] (empty fields, the raw bytes' hash), so that it can be quarantined rather than lost.

mod auth;
mod automatic;
mod decode;
mod dkim;
mod html;
mod keyword;
mod parse;
mod quote;

pub use auth::{AuthVerdict, authentication};
pub use automatic::{AutoReason, Bounce};
pub use dkim::{DkimResolver, verify_dkim};
pub use html::html_to_text;
pub use keyword::{KeywordSet, fold};
pub use parse::{parse, sender_of};
pub use quote::strip_quotes;

use chrono::{DateTime, Utc};

/// One address of a header: the display name as decoded, the address lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub name: Option<String>,
    pub email: String,
}

/// A part kept from the message: an attachment or an inline image.
#[derive(Clone, PartialEq, Eq)]
pub struct InboundAttachment {
    /// Decoded file name (RFC 2047 / RFC 2231); a generated one when the part has none.
    pub filename: String,
    /// `type/subtype`, lower-cased.
    pub content_type: String,
    /// Shown inside the body (`Content-Disposition: inline` with a `Content-ID`).
    pub inline: bool,
    pub content_id: Option<String>,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for InboundAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboundAttachment")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("inline", &self.inline)
            .field("content_id", &self.content_id)
            .field("len", &self.data.len())
            .finish()
    }
}

/// What intake needs to know about one received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// `Message-ID` without angle brackets; `None` when absent or empty.
    pub message_id: Option<String>,
    /// SHA-256 of the raw bytes, hex: the dedupe key when there is no `Message-ID`.
    pub raw_sha256: String,
    /// Size of the raw message in bytes.
    pub size: usize,
    pub from: Option<Address>,
    pub reply_to: Option<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    /// `Return-Path`: `Some("")` for the null sender `<>`, `None` when the header is missing.
    pub return_path: Option<String>,
    /// Decoded subject, trimmed; empty when missing.
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// `In-Reply-To` then `References`, without angle brackets, in header order, deduplicated.
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The body as plain text: the text parts when there are some (`format=flowed` joined back
    /// into paragraphs), else the HTML converted to text ([`html_to_text`]). Bytes that are not
    /// valid in the declared (or missing) charset are read as Windows-1252, never as U+FFFD.
    pub text: String,
    /// [`Inbound::text`] without the quoted previous messages of a reply ([`strip_quotes`]);
    /// a forward (`TR:`, `Fwd:`) keeps what it forwards.
    pub reply_text: String,
    /// The message had only an HTML body.
    pub html_only: bool,
    pub attachments: Vec<InboundAttachment>,
    /// Why this is automatic mail (RFC 3834 and the usual vendor headers); `None`: a person wrote it.
    pub automatic: Option<AutoReason>,
    /// A delivery status notification (RFC 3464), with what it reports.
    pub bounce: Option<Bounce>,
    /// The values of every `Authentication-Results` header, topmost first.
    pub authentication_results: Vec<String>,
    /// The value of our own loop header (`X-Guichet-Loop`), when the message carries one.
    pub guichet_loop: Option<String>,
}

impl Inbound {
    /// The sender's address, lower-cased: `From`, else `Reply-To`, else `Return-Path`.
    pub fn sender(&self) -> Option<&str> {
        self.from
            .as_ref()
            .or(self.reply_to.as_ref())
            .map(|a| a.email.as_str())
            .or(self.return_path.as_deref().filter(|s| !s.is_empty()))
    }

    /// Every Message-ID this message answers: `In-Reply-To` first, then `References` newest first.
    pub fn answered_ids(&self) -> impl Iterator<Item = &str> {
        self.in_reply_to
            .iter()
            .chain(self.references.iter().rev())
            .map(String::as_str)
    }
}
