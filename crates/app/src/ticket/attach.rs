//! Files attached to an entry: checked against the limits before anything is written.

use crate::{AppConfig, AppError};
use chrono::{DateTime, Utc};
use guichet_core::{EntryId, TicketId};
use guichet_store::Tx;
use guichet_store::ticket::timeline::{AttachmentMeta, NewAttachment};

/// A file as a front door received it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Extensions that run code when opened: refused whatever their declared type.
const BLOCKED_EXTENSIONS: &[&str] = &[
    "exe", "bat", "cmd", "com", "scr", "js", "jse", "vbs", "vbe", "msi", "ps1", "jar", "hta",
];

/// Checks every upload against the limits; the first fault names the field `attachments`.
pub(crate) fn validate(config: &AppConfig, uploads: &[Upload]) -> Result<(), AppError> {
    if uploads.len() > config.max_attachments {
        return Err(AppError::invalid("attachments", "attachments.too_many"));
    }
    for u in uploads {
        let name = u.filename.trim();
        if name.is_empty() || name.chars().count() > 255 || name.contains(['/', '\\', '\0']) {
            return Err(AppError::invalid("attachments", "attachments.filename"));
        }
        if u.data.len() > config.max_attachment_bytes {
            return Err(AppError::invalid("attachments", "attachments.too_large"));
        }
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if BLOCKED_EXTENSIONS.contains(&ext.as_str()) {
            return Err(AppError::invalid("attachments", "attachments.type"));
        }
    }
    Ok(())
}

/// The file as stored: its name trimmed, a type when none was given.
pub(crate) fn to_new(u: &Upload) -> NewAttachment {
    NewAttachment {
        filename: u.filename.trim().to_owned(),
        content_type: if u.content_type.trim().is_empty() {
            "application/octet-stream".into()
        } else {
            u.content_type.trim().to_owned()
        },
        data: u.data.clone(),
    }
}

pub(crate) async fn store_all(
    tx: &mut Tx,
    ticket: TicketId,
    entry: EntryId,
    uploads: &[Upload],
    now: DateTime<Utc>,
) -> Result<Vec<AttachmentMeta>, AppError> {
    let mut out = Vec::with_capacity(uploads.len());
    for u in uploads {
        out.push(tx.add_attachment(ticket, entry, &to_new(u), now).await?);
    }
    Ok(out)
}
