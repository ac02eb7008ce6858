//! Guichet's mail adapter, outbound half: notices rendered from templates in the recipient's
//! language ([`render`]), put into messages that thread onto their ticket ([`message`]), and
//! handed to an SMTP server ([`smtp`], lettre on rustls with ring). Inbound mail is read
//! into the facts the intake policy decides on ([`inbound`]).
//!
//! This crate knows SMTP and templates, never the database nor who should be told: that is
//! `guichet-app`'s decision, and `guichet-jobs` brings the two together.

#![forbid(unsafe_code)]

pub mod config;
pub mod imap;
pub mod inbound;
pub mod message;
pub mod refusal;
pub mod render;
pub mod smtp;
mod tls;

pub use config::{MailConfig, MailboxConfig, Secret, Security, SmtpConfig};
pub use message::{Digest, DigestItem, Notice, digest_message, notice_message};
pub use refusal::{Refusal, refusal_message};
pub use render::{Rendered, Renderer};
pub use smtp::{Mailer, SendError, SmtpMailer};
