//! The mail corpus (`crates/mail/tests/corpus/`) through the intake pipeline, on both engines:
//! every message, in manifest order, delivered at the time its `Date` header says (the corpus
//! is one week at the desk: T2 closed two days before it, T3 sixty), becomes what its
//! `[message.outcome]` promises a sender and the desk would see: a ticket with its
//! application, requester and school; a reply (or a reopening) on the right ticket; a new
//! ticket linked to a ticket finished long ago; a quarantine with its reason and one
//! explanation; nothing at all for automatic mail; a note on the ticket of a bounced notice;
//! nothing new for a second delivery.

mod mail_common;

use guichet_app::intake::{EXPLAIN_KIND, IngestOutcome};
use guichet_app::{App, AppConfig};
use guichet_core::ticket::{Channel, EntryKind};
use guichet_store::notification::{Delivery, DeliveryState, NewNotification};
use guichet_testkit::{TestDb, both_engines};
use mail_common::{MailEnv, mail_env, message};
use serde::Deserialize;
use serde_json::json;
use std::path::Path;

both_engines!(every_corpus_message_has_the_outcome_its_manifest_promises);

/// Requests one sender may make in a day on the corpus' mailboxes. The corpus' Friday holds
/// fifteen requests from Françoise (one per client and encoding), so the default of ten
/// would refuse some; the limit itself is what `quota-exceeded.eml` meets.
const QUOTA: u32 = 20;

#[derive(Debug, Deserialize)]
struct Manifest {
    message: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    file: String,
    mailbox: String,
    outcome: Outcome,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
enum Outcome {
    Ticket {
        /// An application's code; `""` for none.
        application: String,
        requester: String,
        /// `school_a`, `school_b` or `school_c`.
        establishment: String,
        #[serde(default)]
        unverified: bool,
    },
    Reply {
        ticket: String,
    },
    Reopen {
        ticket: String,
    },
    Linked {
        ticket: String,
        requester: String,
    },
    Quarantine {
        reason: String,
    },
    Ignored {
        reason: String,
    },
    Bounce {
        ticket: String,
    },
    Duplicate,
}

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../mail/tests/corpus")
}

fn replace_all(raw: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from.as_bytes()) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to.as_bytes());
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// This database's values of the manifest's placeholders: the tickets' references, the
/// schools' UAIs, and the notices of T1 that the delivery reports answer (`ticket-T1.N`: N is
/// a notification's number, which the database chooses).
struct Values(Vec<(String, String)>);

impl Values {
    async fn of(e: &MailEnv) -> Self {
        let t1 = e.t1.reference.to_string();
        let mut pairs = Vec::new();
        let mut tx = e.app.store().write().await.expect("tx");
        for n in [5, 6, 7] {
            let (notice, _) = tx
                .insert_notification(&NewNotification {
                    unique_key: format!("corpus:{n}"),
                    event_id: None,
                    person: e.francoise.id,
                    ticket: Some(e.t1.id),
                    kind: "reply".into(),
                    delivery: Delivery::Email,
                    state: DeliveryState::Sent,
                    data: json!({}),
                    created_at: e.clock.get(),
                })
                .await
                .expect("notice");
            pairs.push((format!("{{{{T1}}}}.{n}@"), format!("{t1}.{}@", notice.id)));
        }
        tx.commit().await.expect("commit");
        let uai = |n: &guichet_store::org::OrgNode| n.uai.as_ref().expect("uai").to_string();
        pairs.extend([
            ("{{T1}}".into(), t1),
            ("{{T2}}".into(), e.t2.reference.to_string()),
            ("{{T3}}".into(), e.t3.reference.to_string()),
            ("{{school_a}}".into(), uai(&e.fx.school_a)),
            ("{{school_b}}".into(), uai(&e.fx.school_b)),
            ("{{school_c}}".into(), uai(&e.fx.school_c)),
        ]);
        Self(pairs)
    }

    fn substitute(&self, raw: &[u8]) -> Vec<u8> {
        self.0
            .iter()
            .fold(raw.to_vec(), |raw, (from, to)| replace_all(&raw, from, to))
    }

    fn reference(&self, placeholder: &str) -> String {
        let key = format!("{{{{{placeholder}}}}}");
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .expect("a ticket placeholder")
    }
}

async fn count(app: &App, sql: &str) -> usize {
    app.store().query_strings(sql).await.expect("count")[0][0]
        .parse()
        .expect("a number")
}

async fn every_corpus_message_has_the_outcome_its_manifest_promises(db: TestDb) {
    let e = mail_env(&db).await;
    let mut intake = mail_common::settings();
    for m in &mut intake.mailboxes {
        m.policy.daily_quota = QUOTA;
    }
    let app = App::new(
        e.app.store().clone(),
        e.clock.clone(),
        AppConfig {
            intake,
            ..AppConfig::default()
        },
    );
    let values = Values::of(&e).await;
    let manifest: Manifest =
        toml::from_str(&std::fs::read_to_string(corpus().join("manifest.toml")).expect("manifest"))
            .expect("a valid manifest");
    assert!(manifest.message.len() >= 60);
    let mut delivered = 0;
    for entry in &manifest.message {
        let raw = values.substitute(&std::fs::read(corpus().join(&entry.file)).expect("eml"));
        let parsed = guichet_mail::inbound::parse(&raw);
        e.clock
            .set(parsed.date.expect("every corpus message is dated"));
        if entry.file == "quota-exceeded.eml" {
            // Françoise has already sent her day's requests.
            for i in 0..QUOTA {
                let m = message(
                    "francoise.berard@ac-dijon.fr",
                    "assistance-lsun@ac-dijon.fr",
                    &format!("LSU : demande n°{i} du jour"),
                    "",
                    "Bonjour",
                );
                let o = app.ingest_mail("lsun", m.as_bytes()).await.expect("ingest");
                assert!(matches!(o, IngestOutcome::Ticket { .. }), "{o:?}");
                delivered += 1;
            }
        }
        let tickets = count(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket").await;
        let explained = count(
            &app,
            &format!("SELECT CAST(COUNT(*) AS TEXT) FROM job WHERE kind = '{EXPLAIN_KIND}'"),
        )
        .await;
        let outcome = app
            .ingest_mail(&entry.mailbox, &raw)
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", entry.file));
        let check = Check {
            e: &e,
            app: &app,
            values: &values,
            file: &entry.file,
            sender: parsed.sender().unwrap_or_default(),
        };
        check.outcome(&entry.outcome, &outcome).await;
        let new_tickets = count(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM ticket").await - tickets;
        let opens = matches!(
            entry.outcome,
            Outcome::Ticket { .. } | Outcome::Linked { .. }
        );
        assert_eq!(
            new_tickets,
            usize::from(opens),
            "{}: tickets made",
            entry.file
        );
        let new_explanations = count(
            &app,
            &format!("SELECT CAST(COUNT(*) AS TEXT) FROM job WHERE kind = '{EXPLAIN_KIND}'"),
        )
        .await
            - explained;
        let refused = matches!(entry.outcome, Outcome::Quarantine { .. });
        assert_eq!(
            new_explanations,
            usize::from(refused),
            "{}: explanations to the sender",
            entry.file
        );
        if !matches!(entry.outcome, Outcome::Duplicate) {
            delivered += 1;
        }
    }
    // Every distinct message is recorded exactly once.
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM inbound_message").await,
        delivered
    );
}

/// What one message's outcome must look like to the desk.
struct Check<'a> {
    e: &'a MailEnv,
    app: &'a App,
    values: &'a Values,
    file: &'a str,
    sender: &'a str,
}

impl Check<'_> {
    async fn outcome(&self, expected: &Outcome, got: &IngestOutcome) {
        let file = self.file;
        match (expected, got) {
            (
                Outcome::Ticket {
                    application,
                    requester,
                    establishment,
                    unverified,
                },
                IngestOutcome::Ticket {
                    reference,
                    unverified: flagged,
                    linked: None,
                },
            ) => {
                assert_eq!(flagged, unverified, "{file}: unverified");
                let t = self.e.ticket(reference).await;
                assert_eq!(t.channel, Channel::Email, "{file}");
                assert_eq!(
                    t.requester,
                    self.person(requester).await,
                    "{file}: requester"
                );
                assert_eq!(
                    t.application,
                    self.application(application).await,
                    "{file}: application"
                );
                let school = match establishment.as_str() {
                    "school_a" => &self.e.fx.school_a,
                    "school_b" => &self.e.fx.school_b,
                    "school_c" => &self.e.fx.school_c,
                    other => panic!("{file}: no school {other}"),
                };
                assert_eq!(t.zone.establishment, Some(school.id), "{file}: school");
            }
            (
                Outcome::Reply { ticket },
                IngestOutcome::Reply {
                    reference,
                    reopened,
                },
            ) => {
                assert_eq!(reference, &self.values.reference(ticket), "{file}");
                assert!(!reopened, "{file}");
                self.last_reply_is_the_senders(reference).await;
            }
            (
                Outcome::Reopen { ticket },
                IngestOutcome::Reply {
                    reference,
                    reopened,
                },
            ) => {
                assert_eq!(reference, &self.values.reference(ticket), "{file}");
                assert!(reopened, "{file}");
                assert!(self.e.ticket(reference).await.status.is_open(), "{file}");
                self.last_reply_is_the_senders(reference).await;
            }
            (
                Outcome::Linked { ticket, requester },
                IngestOutcome::Ticket {
                    reference,
                    linked: Some(old),
                    ..
                },
            ) => {
                let old_ref = self.values.reference(ticket);
                assert_eq!(old, &old_ref, "{file}: linked to");
                let t = self.e.ticket(reference).await;
                assert_eq!(t.requester, self.person(requester).await, "{file}");
                let view = self
                    .app
                    .ticket(&self.admin().await, t.id)
                    .await
                    .expect("view");
                assert!(
                    view.links
                        .iter()
                        .any(|l| l.other_reference.to_string() == old_ref),
                    "{file}: {:?}",
                    view.links
                );
                assert!(!self.e.ticket(&old_ref).await.status.is_open(), "{file}");
            }
            (Outcome::Quarantine { reason }, IngestOutcome::Quarantined { reasons, .. }) => {
                assert_eq!(&reasons[0].code, reason, "{file}: {reasons:?}");
            }
            (Outcome::Ignored { reason }, IngestOutcome::Ignored { reason: got }) => {
                assert_eq!(got, reason, "{file}");
            }
            (Outcome::Bounce { ticket }, IngestOutcome::Bounce { reference }) => {
                let expected = self.values.reference(ticket);
                assert_eq!(reference.as_deref(), Some(expected.as_str()), "{file}");
                // The desk sees the failure as an internal note, last on the ticket.
                let t = self.e.ticket(&expected).await;
                let view = self
                    .app
                    .ticket(&self.admin().await, t.id)
                    .await
                    .expect("view");
                let last = view.timeline.last().expect("an entry");
                assert!(
                    last.kind == EntryKind::Note
                        && !last.public
                        && last.data.get("bounce").is_some(),
                    "{file}: {last:?}"
                );
            }
            (Outcome::Duplicate, IngestOutcome::Duplicate) => {}
            (expected, got) => panic!("{file}: expected {expected:?}, got {got:?}"),
        }
    }

    async fn admin(&self) -> guichet_app::Caller {
        self.e.caller(&self.e.fx.admin).await
    }

    async fn person(&self, email: &str) -> guichet_core::PersonId {
        let mut conn = self.app.store().read().await.expect("conn");
        conn.person_by_email(email).await.expect("a person").id
    }

    async fn application(&self, code: &str) -> Option<guichet_core::ApplicationId> {
        if code.is_empty() {
            return None;
        }
        let mut conn = self.app.store().read().await.expect("conn");
        let all = conn.list_applications().await.expect("applications");
        let found = all.iter().find(|a| a.code == code);
        Some(found.unwrap_or_else(|| panic!("no application {code}")).id)
    }

    /// The ticket's last public reply is the sender's, written from the message.
    async fn last_reply_is_the_senders(&self, reference: &str) {
        let t = self.e.ticket(reference).await;
        let view = self
            .app
            .ticket(&self.admin().await, t.id)
            .await
            .expect("view");
        let reply = view
            .timeline
            .iter()
            .rev()
            .find(|x| x.kind == EntryKind::Reply)
            .expect("a reply");
        assert_eq!(
            reply.author,
            Some(self.person(self.sender).await),
            "{}",
            self.file
        );
        assert_eq!(reply.data["channel"], json!("email"), "{}", self.file);
    }
}
