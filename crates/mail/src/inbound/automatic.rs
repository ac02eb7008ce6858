//! Automatic mail (RFC 3834 and the vendors' own headers) and delivery status notifications
//! (RFC 3464): never a request, never answered.

use mail_parser::{Message, MimeHeaders, PartType};

/// Why a message counts as automatic, as recorded on its intake verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoReason {
    /// `Auto-Submitted` other than `no`.
    AutoSubmitted,
    /// `Precedence: bulk`, `junk` or `list`.
    Precedence,
    /// `List-Id` (or `List-Unsubscribe`): a mailing list.
    MailingList,
    /// `X-Autoreply`, `X-Autorespond` and the like.
    Autoreply,
    /// `X-Auto-Response-Suppress` (Exchange marks its own automatic mail with it).
    AutoResponseSuppress,
    /// Empty `Return-Path` (`<>`): the null sender of bounces and receipts.
    NullSender,
    /// From `MAILER-DAEMON` or `postmaster`.
    SystemSender,
    /// A delivery status notification.
    DeliveryReport,
    /// Carries a Guichet loop header: ours or another Guichet's.
    GuichetLoop,
}

impl AutoReason {
    /// The reason code recorded on the verdict.
    pub fn code(self) -> &'static str {
        match self {
            Self::AutoSubmitted => "auto.auto_submitted",
            Self::Precedence => "auto.precedence",
            Self::MailingList => "auto.list",
            Self::Autoreply => "auto.autoreply",
            Self::AutoResponseSuppress => "auto.response_suppress",
            Self::NullSender => "auto.null_sender",
            Self::SystemSender => "auto.system_sender",
            Self::DeliveryReport => "auto.delivery_report",
            Self::GuichetLoop => "auto.loop",
        }
    }
}

/// What a delivery status notification reports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bounce {
    /// Message-IDs of the message that could not be delivered (from the returned headers),
    /// without angle brackets.
    pub original_message_ids: Vec<String>,
    /// `Final-Recipient` addresses, lower-cased.
    pub recipients: Vec<String>,
    /// `Status` (e.g. `5.1.1`) of the first recipient.
    pub status: Option<String>,
    /// A 5.x.x status: the address will not work. A 4.x.x is a delay.
    pub permanent: bool,
}

fn header_text<'a>(message: &'a Message<'a>, name: &str) -> Option<String> {
    message
        .header_raw(name)
        .map(|v| v.trim().to_ascii_lowercase())
}

/// Why `message` is automatic, if it is.
pub(crate) fn classify(message: &Message<'_>, bounce: bool) -> Option<AutoReason> {
    if message.header_raw("X-Guichet-Loop").is_some() {
        return Some(AutoReason::GuichetLoop);
    }
    if bounce {
        return Some(AutoReason::DeliveryReport);
    }
    if let Some(v) = header_text(message, "Auto-Submitted")
        && v.split(';').next().map(str::trim) != Some("no")
    {
        return Some(AutoReason::AutoSubmitted);
    }
    if let Some(v) = header_text(message, "Precedence")
        && matches!(v.as_str(), "bulk" | "junk" | "list")
    {
        return Some(AutoReason::Precedence);
    }
    if message.header_raw("List-Id").is_some() || message.header_raw("List-Unsubscribe").is_some() {
        return Some(AutoReason::MailingList);
    }
    if message.header_raw("X-Autoreply").is_some() || message.header_raw("X-Autorespond").is_some()
    {
        return Some(AutoReason::Autoreply);
    }
    if message.header_raw("X-Auto-Response-Suppress").is_some() {
        return Some(AutoReason::AutoResponseSuppress);
    }
    if let Some(rp) = message.header_raw("Return-Path")
        && rp
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
            .is_empty()
    {
        return Some(AutoReason::NullSender);
    }
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let local = from.split('@').next().unwrap_or_default();
    if local == "mailer-daemon" || local == "postmaster" {
        return Some(AutoReason::SystemSender);
    }
    None
}

/// The delivery report inside `message`, when it is a `multipart/report;
/// report-type=delivery-status`.
pub(crate) fn bounce(message: &Message<'_>) -> Option<Bounce> {
    let ct = message.content_type()?;
    let is_report = ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        && ct
            .attribute("report-type")
            .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"));
    if !is_report {
        return None;
    }
    let mut report = Bounce::default();
    for part in message.parts.iter() {
        let Some(pct) = part.content_type() else {
            continue;
        };
        let sub = pct.subtype().unwrap_or_default().to_ascii_lowercase();
        match (pct.ctype().to_ascii_lowercase().as_str(), sub.as_str()) {
            ("message", "delivery-status") => {
                let text = match &part.body {
                    PartType::Text(t) => t.to_string(),
                    PartType::Binary(b) | PartType::InlineBinary(b) => {
                        String::from_utf8_lossy(b).into_owned()
                    }
                    _ => String::new(),
                };
                read_status(&text, &mut report);
            }
            ("message", "rfc822") | ("text", "rfc822-headers") => {
                let text = match &part.body {
                    PartType::Message(m) => String::from_utf8_lossy(m.raw_message()).into_owned(),
                    PartType::Text(t) => t.to_string(),
                    PartType::Binary(b) | PartType::InlineBinary(b) => {
                        String::from_utf8_lossy(b).into_owned()
                    }
                    _ => String::new(),
                };
                for line in text.lines() {
                    if let Some((name, value)) = line.split_once(':')
                        && name.trim().eq_ignore_ascii_case("message-id")
                    {
                        let id = value.trim().trim_start_matches('<').trim_end_matches('>');
                        if !id.is_empty() {
                            report.original_message_ids.push(id.to_owned());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(report)
}

fn read_status(text: &str, report: &mut Bounce) {
    for line in text.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "final-recipient" | "original-recipient" => {
                let addr = value.rsplit(';').next().unwrap_or(value).trim();
                let addr = addr.to_ascii_lowercase();
                if !addr.is_empty() && !report.recipients.contains(&addr) {
                    report.recipients.push(addr);
                }
            }
            "status" if report.status.is_none() => {
                let status = value
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                report.permanent = status.starts_with('5');
                report.status = Some(status);
            }
            _ => {}
        }
    }
}
