//! The broadcast handlers: `broadcast.expand` lists a due broadcast's recipients batch after
//! batch (see [`App::expand_broadcast_step`]), `broadcast.send` mails one batch in each
//! recipient's language (English when they chose it and the author wrote it).
//!
//! Exactly once, as far as SMTP allows. A send job works through its batch [`IN_FLIGHT`]
//! recipients at a time: they are marked in flight (`sending_since`, one more attempt) in one
//! transaction, their messages handed to the server side by side on pooled connections, and the
//! server's answers committed together once all of them came. A job run again skips the
//! recipients already settled, and a shutdown stops a batch only between two such rounds
//! ([`crate::stop_requested`]), so SIGTERM loses and repeats nothing. What no database can
//! close is the instant between the server's acceptance and that commit: the recipients still
//! marked in flight after a crash (at most [`IN_FLIGHT`] per worker) are sent again, with the
//! same `Message-ID` (`<broadcast-B.P@domain>`) so a receiving server or client can recognise
//! the copy. Sending it again rather than giving up is deliberate: a director may receive an
//! official message twice, never miss it. Eight rather than one in flight is the trade for
//! throughput: one message at a time waits for two commits and five SMTP round trips in turn.

use crate::{Handler, JobError, Registry};
use guichet_app::broadcast::{EXPAND_KIND, Expansion, Outcome, SEND_KIND};
use guichet_app::{App, AppError};
use guichet_mail::{MailConfig, Mailer, SendError, render};
use guichet_store::broadcast::{Broadcast, Recipient};
use guichet_store::job::Job;
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Messages of one send job handed to the SMTP server side by side, each on a pooled
/// connection of its own. Marked in flight together and settled together (one commit each
/// way), so this is also how many recipients a crash can leave uncertain per worker.
pub const IN_FLIGHT: usize = 8;

#[derive(Debug)]
struct Shared<M> {
    app: App,
    mailer: Option<M>,
    config: MailConfig,
}

/// The broadcast handlers over `mailer`.
#[derive(Debug)]
pub struct Broadcaster<M> {
    shared: Arc<Shared<M>>,
}

impl<M> Clone for Broadcaster<M> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

/// Registers the broadcast handlers. Without an SMTP server, recipients are still listed (their
/// in-app notices and banners) and their emails wait, queued, for one to be configured.
pub fn register(registry: Registry, app: App, config: &MailConfig) -> Result<Registry, String> {
    config.validate()?;
    let mailer = crate::smtp_mailer(config)?;
    Ok(Broadcaster::new(app, mailer, config.clone()).register(registry))
}

impl<M: Mailer + std::fmt::Debug> Broadcaster<M> {
    pub fn new(app: App, mailer: Option<M>, config: MailConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                app,
                mailer,
                config,
            }),
        }
    }

    pub fn register(self, registry: Registry) -> Registry {
        let registry = registry.register(EXPAND_KIND, Expand(self.clone()));
        if self.shared.mailer.is_none() {
            return registry;
        }
        registry.register(SEND_KIND, Send(self))
    }

    async fn send_batch(&self, id: i64, first: i64, last: i64) -> Result<(), JobError> {
        let s = &self.shared;
        let Some(mailer) = &s.mailer else {
            return Ok(());
        };
        let (b, recipients) = s
            .app
            .broadcast_batch(id, first, last)
            .await
            .map_err(app_error)?;
        // Where a batch's time goes (commits vs SMTP), for `GUICHET_LOG=guichet_jobs=debug`.
        let started = Instant::now();
        let (mut committing, mut mailing) = (Duration::ZERO, Duration::ZERO);
        for chunk in recipients.chunks(IN_FLIGHT) {
            if crate::stop_requested() {
                return Err(JobError::Interrupted);
            }
            let t = Instant::now();
            let begun = s
                .app
                .begin_broadcast_recipients(chunk)
                .await
                .map_err(app_error)?;
            committing += t.elapsed();
            // Those not begun were settled or begun meanwhile by a worker that holds this job
            // too (taken over after its lease expired): theirs to send.
            let mine: Vec<&Recipient> = chunk
                .iter()
                .zip(begun)
                .filter_map(|(r, begun)| begun.then_some(r))
                .collect();
            if mine.is_empty() {
                continue;
            }
            for r in mine.iter().filter(|r| r.sending_since.is_some()) {
                tracing::warn!(
                    broadcast = id,
                    recipient = r.id,
                    attempts = r.attempts,
                    "sending again a message whose answer a crash lost (same Message-ID)"
                );
            }
            let t = Instant::now();
            let outcomes = futures::future::join_all(mine.iter().map(|r| async {
                match message(&s.config, &b, r) {
                    Ok(m) => mailer.send(m).await,
                    Err(e) => Err(SendError::Permanent(e)),
                }
            }))
            .await;
            mailing += t.elapsed();
            let t = Instant::now();
            let settled: Vec<(i64, Outcome<'_>)> = mine
                .iter()
                .zip(&outcomes)
                .map(|(r, outcome)| {
                    let o = match outcome {
                        Ok(answer) => Outcome::Sent(answer),
                        Err(SendError::Permanent(a)) => Outcome::Refused(a),
                        Err(SendError::Transient(a)) => Outcome::Deferred(a),
                    };
                    (r.id, o)
                })
                .collect();
            s.app
                .settle_broadcast_recipients(&settled)
                .await
                .map_err(app_error)?;
            committing += t.elapsed();
            // The server is unwell: the rest of the batch waits for the job's next try.
            if let Some(Err(SendError::Transient(a))) = outcomes
                .iter()
                .find(|o| matches!(o, Err(SendError::Transient(_))))
            {
                return Err(JobError::Retryable(a.clone()));
            }
        }
        s.app.finish_broadcast(id).await.map_err(app_error)?;
        tracing::debug!(
            broadcast = id,
            recipients = recipients.len(),
            total_ms = started.elapsed().as_millis() as u64,
            commits_ms = committing.as_millis() as u64,
            smtp_ms = mailing.as_millis() as u64,
            "batch mailed"
        );
        Ok(())
    }
}

fn raw(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_owned())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The body as HTML paragraphs (a blank line between them, line breaks kept).
fn paragraphs(body: &str) -> String {
    body.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape(p.trim()).replace('\n', "<br>\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The message to one recipient: `[Guichet] subject`, the body in their language, and the
/// headers that keep auto-responders quiet.
pub fn message(config: &MailConfig, b: &Broadcast, r: &Recipient) -> Result<Message, String> {
    let lang = match (r.locale.as_str(), &b.subject_en, &b.body_en) {
        ("en", Some(_), Some(_)) => "en",
        _ => "fr",
    };
    let (subject, body) = match (lang, &b.subject_en, &b.body_en) {
        ("en", Some(s), Some(t)) => (s.as_str(), t.as_str()),
        _ => (b.subject_fr.as_str(), b.body_fr.as_str()),
    };
    let footer =
        render::text(lang, "broadcast-mail-footer", &[]).unwrap_or_else(|| "Guichet".to_owned());
    let parse = |field: &str, addr: &str| -> Result<Mailbox, String> {
        addr.trim().parse().map_err(|e| format!("{field}: {e}"))
    };
    let to = Mailbox::new(
        Some(r.name.clone()).filter(|n| !n.trim().is_empty()),
        r.email
            .trim()
            .parse()
            .map_err(|e| format!("recipient: {e}"))?,
    );
    let text = format!("{body}\n\n-- \n{footer}\n");
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{}\n<hr>\n<p><small>{}</small></p>\n</body></html>\n",
        escape(subject),
        paragraphs(body),
        escape(&footer)
    );
    Message::builder()
        .from(parse("mail.from", &config.from)?)
        .reply_to(parse("mail.reply_to", &config.reply_to)?)
        .to(to)
        .subject(format!("[Guichet] {subject}"))
        .message_id(Some(format!(
            "<broadcast-{}.{}@{}>",
            b.id,
            r.person.0,
            config.domain()
        )))
        .date_now()
        .raw_header(raw("Auto-Submitted", "auto-generated"))
        .raw_header(raw("X-Auto-Response-Suppress", "All"))
        .raw_header(raw("Content-Language", lang))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| e.to_string())
}

fn app_error(e: AppError) -> JobError {
    match e {
        AppError::Unavailable(_) | AppError::Internal(_) => JobError::Retryable(e.to_string()),
        other => JobError::Permanent(other.to_string()),
    }
}

fn id_in(job: &Job, key: &str) -> Result<i64, JobError> {
    job.payload[key]
        .as_i64()
        .ok_or_else(|| JobError::Permanent(format!("payload without {key}")))
}

/// `broadcast.expand`: lists the recipients of a due broadcast, every batch in turn.
#[derive(Debug)]
struct Expand<M>(Broadcaster<M>);

impl<M: Mailer + std::fmt::Debug> Handler for Expand<M> {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let id = id_in(job, "broadcast")?;
        let app = &self.0.shared.app;
        while app.expand_broadcast_step(id).await.map_err(app_error)? == Expansion::More {
            if crate::stop_requested() {
                return Err(JobError::Interrupted);
            }
        }
        Ok(())
    }
}

/// `broadcast.send`: mails one batch.
#[derive(Debug)]
struct Send<M>(Broadcaster<M>);

impl<M: Mailer + std::fmt::Debug> Handler for Send<M> {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        self.0
            .send_batch(
                id_in(job, "broadcast")?,
                id_in(job, "first")?,
                id_in(job, "last")?,
            )
            .await
    }
}
