//! What a notice says ([`Notice`], [`Digest`]) and the message that carries it: subject tag
//! `[Guichet #REF]`, `Message-ID: <ticket-REF.N@domain>` with `In-Reply-To`/`References` to the
//! ticket's first notice so that mail clients thread them and an answer finds its ticket,
//! `Reply-To` the desk's mailbox, `Auto-Submitted: auto-generated` (RFC 3834) so that
//! auto-responders stay quiet, `X-Guichet-Loop: domain` so that no Guichet ever answers it, and
//! a plain-text and an HTML part.

use crate::config::MailConfig;
use crate::render::Rendered;
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use serde::Serialize;

/// One notice to one person about one ticket event. Serialised as the templates' context.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Notice {
    /// The template family: `received`, `taken`, `reply`, `waiting`, `resolved`, `closed`,
    /// `reopened`, `assigned`, `queued`, `escalated`, `transferred`, `answered`, `sla_warning`,
    /// `sla_breached`.
    pub kind: String,
    /// `fr` or `en`: the recipient's language.
    pub lang: String,
    pub recipient_name: String,
    pub recipient_email: String,
    /// The ticket's reference (`2026-000123`).
    pub reference: String,
    /// The ticket's subject.
    pub subject: String,
    /// The ticket's page for this recipient.
    pub link: String,
    /// Who did what the notice tells (the agent who took it, the author of a reply).
    pub actor: Option<String>,
    /// The public text the notice carries (a reply, a solution).
    pub body: Option<String>,
    /// The group the ticket went to.
    pub group: Option<String>,
    /// The satisfaction survey, on a resolved ticket.
    pub survey_link: Option<String>,
    /// The absent colleague a delegate receives this for.
    pub on_behalf_of: Option<String>,
    /// N in the `Message-ID` `<ticket-REF.N@domain>`: the notification's number.
    pub sequence: i64,
    /// N of the ticket's first notice, which this one answers; `None` for the first.
    pub thread_root: Option<i64>,
}

/// One line of a daily digest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DigestItem {
    pub kind: String,
    pub reference: String,
    pub subject: String,
    pub link: String,
    pub actor: Option<String>,
    pub group: Option<String>,
    /// When it happened, already written for the reader (`2026-09-01 08:00 UTC`).
    pub at: String,
}

/// The notices of a day gathered in one message, for people who asked for a digest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Digest {
    pub lang: String,
    pub recipient_name: String,
    pub recipient_email: String,
    pub count: i64,
    pub items: Vec<DigestItem>,
    /// The list of one's notifications.
    pub link: String,
    /// Names the digest in its `Message-ID` (`<digest-KEY@domain>`).
    pub key: String,
}

/// Why a message could not be built (an address that does not parse).
#[derive(Debug, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ComposeError {
    pub field: &'static str,
    pub reason: String,
}

fn mailbox(field: &'static str, name: Option<&str>, addr: &str) -> Result<Mailbox, ComposeError> {
    let err = |e: &dyn std::fmt::Display| ComposeError {
        field,
        reason: e.to_string(),
    };
    match name {
        Some(n) if !n.trim().is_empty() => Ok(Mailbox::new(
            Some(n.trim().to_owned()),
            addr.trim().parse().map_err(|e| err(&e))?,
        )),
        _ => addr.trim().parse().map_err(|e| err(&e)),
    }
}

/// `<ticket-REF.N@domain>`.
pub fn notice_message_id(reference: &str, sequence: i64, domain: &str) -> String {
    format!("<ticket-{reference}.{sequence}@{domain}>")
}

fn raw(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_owned())
}

fn build(
    config: &MailConfig,
    to: Mailbox,
    subject: String,
    message_id: String,
    thread_root: Option<String>,
    rendered: &Rendered,
) -> Result<Message, ComposeError> {
    let mut builder = Message::builder()
        .from(mailbox("mail.from", None, &config.from)?)
        .reply_to(mailbox("mail.reply_to", None, &config.reply_to)?)
        .to(to)
        .subject(subject)
        .message_id(Some(message_id))
        .date_now()
        .raw_header(raw("Auto-Submitted", "auto-generated"))
        // Exchange's out-of-office and read receipts stay quiet too.
        .raw_header(raw("X-Auto-Response-Suppress", "All"))
        // Our own mark: a message carrying it (ours, or another Guichet's) is never answered.
        .raw_header(raw("X-Guichet-Loop", &config.domain()));
    if let Some(root) = thread_root {
        builder = builder.in_reply_to(root.clone()).references(root);
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(rendered.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(rendered.html.clone()),
                ),
        )
        .map_err(|e| ComposeError {
            field: "message",
            reason: e.to_string(),
        })
}

/// The message carrying `notice`, rendered as `rendered`.
pub fn notice_message(
    config: &MailConfig,
    notice: &Notice,
    rendered: &Rendered,
) -> Result<Message, ComposeError> {
    let domain = config.domain();
    let to = mailbox(
        "recipient",
        Some(&notice.recipient_name),
        &notice.recipient_email,
    )?;
    let subject = format!("[Guichet #{}] {}", notice.reference, rendered.subject);
    let id = notice_message_id(&notice.reference, notice.sequence, &domain);
    let root = notice
        .thread_root
        .filter(|r| *r != notice.sequence)
        .map(|r| notice_message_id(&notice.reference, r, &domain));
    build(config, to, subject, id, root, rendered)
}

/// The message carrying a daily digest.
pub fn digest_message(
    config: &MailConfig,
    digest: &Digest,
    rendered: &Rendered,
) -> Result<Message, ComposeError> {
    let to = mailbox(
        "recipient",
        Some(&digest.recipient_name),
        &digest.recipient_email,
    )?;
    let subject = format!("[Guichet] {}", rendered.subject);
    let id = format!("<digest-{}@{}>", digest.key, config.domain());
    build(config, to, subject, id, None, rendered)
}
