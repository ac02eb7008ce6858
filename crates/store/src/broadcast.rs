//! Broadcasts: the message and its audience, its recipients listed once (one row per person),
//! each recipient's email state, the progress counts and the banners a person sees. SQL only:
//! who may send what to whom is `guichet-core`'s rule, applied by `guichet-app`.

use crate::conn::{Get, on, parse};
use crate::sql::{Arg, Sql, bind_all};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::broadcast::{BroadcastStatus, RecipientState};
use guichet_core::org::Zone;
use guichet_core::person::{Locale, RoleKind};
use guichet_core::{OrgNodeId, PersonId};

/// A broadcast as stored, with the nodes of its audience.
#[derive(Debug, Clone, PartialEq)]
pub struct Broadcast {
    pub id: i64,
    pub author: PersonId,
    pub subject_fr: String,
    pub body_fr: String,
    pub subject_en: Option<String>,
    pub body_en: Option<String>,
    pub roles: Vec<RoleKind>,
    pub zones: Vec<crate::org::OrgNode>,
    pub status: BroadcastStatus,
    /// Messages per minute; 0 = as fast as the server takes them.
    pub rate_per_minute: i64,
    pub send_at: Option<DateTime<Utc>>,
    pub banner_until: Option<DateTime<Utc>>,
    /// Recipients listed so far (all of them once `expanded`).
    pub recipients: i64,
    /// The last person id listed: where an interrupted listing resumes.
    pub expanded_through: i64,
    pub expanded: bool,
    /// Send jobs queued so far: the next one's place on the rate's schedule.
    pub batches: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Broadcast {
    pub fn audience_zones(&self) -> Vec<Zone> {
        self.zones.iter().map(|n| n.zone()).collect()
    }
}

/// A broadcast to record as a draft.
#[derive(Debug, Clone)]
pub struct NewBroadcast {
    pub author: PersonId,
    pub subject_fr: String,
    pub body_fr: String,
    pub subject_en: Option<String>,
    pub body_en: Option<String>,
    pub roles: Vec<RoleKind>,
    pub zones: Vec<OrgNodeId>,
    pub rate_per_minute: i64,
    pub banner_until: Option<DateTime<Utc>>,
}

/// One person of an audience, as the preview shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudienceMember {
    pub person: PersonId,
    pub name: String,
    pub email: String,
    /// One establishment (or other node) where they hold a role of the audience.
    pub place: String,
    pub uai: Option<String>,
}

/// One recipient with their email's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub id: i64,
    pub person: PersonId,
    pub name: String,
    pub email: String,
    pub locale: Locale,
    pub state: RecipientState,
    pub smtp_answer: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Times the message was handed to the SMTP server.
    pub attempts: i64,
    /// Set while a hand-over awaits the server's answer: still set on a queued row, the process
    /// died in between and nobody knows whether the server accepted it.
    pub sending_since: Option<DateTime<Utc>>,
}

/// How many recipients are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub bounced: i64,
    pub skipped: i64,
}

impl Progress {
    pub fn total(&self) -> i64 {
        self.queued + self.sent + self.failed + self.bounced + self.skipped
    }
}

const COLUMNS: &str = "id, author_id, subject_fr, body_fr, subject_en, body_en, roles, status, \
    rate_per_minute, send_at, banner_until, recipients, expanded_through, expanded, batches, \
    created_at, updated_at, started_at, finished_at";

const NODE_COLUMNS: &str = "n.id, n.kind, n.parent_id, n.path, n.name, n.code, n.uai, \
    n.establishment_type, n.commune, n.created_at";

fn from_row(r: &impl Get) -> Result<Broadcast, StoreError> {
    let roles = r.text("roles")?;
    let codes: Vec<String> = serde_json::from_str(&roles).map_err(|_| StoreError::Corrupt {
        column: "broadcast.roles",
        value: roles.clone(),
    })?;
    Ok(Broadcast {
        id: r.i64("id")?,
        author: PersonId(r.i64("author_id")?),
        subject_fr: r.text("subject_fr")?,
        body_fr: r.text("body_fr")?,
        subject_en: r.opt_text("subject_en")?,
        body_en: r.opt_text("body_en")?,
        roles: codes
            .into_iter()
            .map(|c| parse("broadcast.roles", c, RoleKind::parse))
            .collect::<Result<_, _>>()?,
        zones: Vec::new(),
        status: parse(
            "broadcast.status",
            r.text("status")?,
            BroadcastStatus::parse,
        )?,
        rate_per_minute: r.i64("rate_per_minute")?,
        send_at: r.opt_ts("send_at")?,
        banner_until: r.opt_ts("banner_until")?,
        recipients: r.i64("recipients")?,
        expanded_through: r.i64("expanded_through")?,
        expanded: r.bool("expanded")?,
        batches: r.i64("batches")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
        started_at: r.opt_ts("started_at")?,
        finished_at: r.opt_ts("finished_at")?,
    })
}

fn recipient_from_row(r: &impl Get) -> Result<Recipient, StoreError> {
    Ok(Recipient {
        id: r.i64("id")?,
        person: PersonId(r.i64("person_id")?),
        name: r.text("display_name")?,
        email: r.text("email")?,
        locale: parse("person.locale", r.text("locale")?, Locale::parse)?,
        state: parse(
            "broadcast_recipient.state",
            r.text("state")?,
            RecipientState::parse,
        )?,
        smtp_answer: r.opt_text("smtp_answer")?,
        sent_at: r.opt_ts("sent_at")?,
        attempts: r.i64("attempts")?,
        sending_since: r.opt_ts("sending_since")?,
    })
}

/// Appends the audience's condition on `r` (person_role) joined to `n` (its node): one of the
/// roles, at a node inside one of the zones (a path range each, so an index range scan).
fn audience(sql: &mut Sql, roles: &[RoleKind], zones: &[Zone]) {
    sql.push("r.kind IN ")
        .list(roles.iter().map(|k| Arg::Text(k.as_str().to_owned())))
        .push(" AND (");
    for (i, z) in zones.iter().enumerate() {
        let (start, end) = z.path.subtree_range();
        if i > 0 {
            sql.push(" OR ");
        }
        sql.push("(n.path >= ")
            .arg(Arg::Text(start))
            .push(" AND n.path < ")
            .arg(Arg::Text(end))
            .push(")");
    }
    if zones.is_empty() {
        sql.push("1 = 0");
    }
    sql.push(")");
}

/// The ids of the audience's active people above `after`, in id order.
fn audience_people(roles: &[RoleKind], zones: &[Zone], after: i64, limit: i64) -> Sql {
    let mut sql = Sql::new(
        "SELECT DISTINCT r.person_id AS id FROM person_role r
         JOIN org_node n ON n.id = r.node_id JOIN person p ON p.id = r.person_id
         WHERE p.active AND r.person_id > ",
    );
    sql.arg(Arg::I64(after)).push(" AND ");
    audience(&mut sql, roles, zones);
    sql.push(" ORDER BY r.person_id LIMIT ")
        .arg(Arg::I64(limit));
    sql
}

impl Tx {
    /// Records a draft with its audience's nodes.
    pub async fn insert_broadcast(
        &mut self,
        b: &NewBroadcast,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let roles = serde_json::to_string(&b.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into());
        let id: i64 = on!(self, |c| {
            sqlx::query_scalar(
                "INSERT INTO broadcast (author_id, subject_fr, body_fr, subject_en, body_en, roles,
                                        status, rate_per_minute, banner_until, created_at,
                                        updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $9) RETURNING id",
            )
            .bind(b.author.0)
            .bind(&b.subject_fr)
            .bind(&b.body_fr)
            .bind(&b.subject_en)
            .bind(&b.body_en)
            .bind(roles)
            .bind(b.rate_per_minute)
            .bind(b.banner_until.map(ts))
            .bind(ts(now))
            .fetch_one(c)
            .await?
        });
        for node in &b.zones {
            on!(self, |c| {
                sqlx::query(
                    "INSERT INTO broadcast_zone (broadcast_id, node_id) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(node.0)
                .execute(c)
                .await?;
            });
        }
        Ok(id)
    }

    /// Moves a broadcast from one of `from` to `to`; false when it was in none of them (someone
    /// else moved it first). `send_at` is set when given; `started_at` when it starts sending,
    /// `finished_at` when it is sent or cancelled.
    pub async fn set_broadcast_status(
        &mut self,
        id: i64,
        from: &[BroadcastStatus],
        to: BroadcastStatus,
        send_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let started = (to == BroadcastStatus::Sending).then(|| ts(now));
        let finished =
            matches!(to, BroadcastStatus::Sent | BroadcastStatus::Cancelled).then(|| ts(now));
        let mut sql = Sql::new("UPDATE broadcast SET status = ");
        sql.arg(Arg::Text(to.as_str().to_owned()))
            .push(", send_at = COALESCE(")
            .arg(Arg::OptTs(send_at.map(ts)))
            .push(", send_at), started_at = COALESCE(")
            .arg(Arg::OptTs(started))
            .push(", started_at), finished_at = COALESCE(")
            .arg(Arg::OptTs(finished))
            .push(", finished_at), updated_at = ")
            .arg(Arg::Ts(ts(now)))
            .push(" WHERE id = ")
            .arg(Arg::I64(id))
            .push(" AND status IN ")
            .list(from.iter().map(|s| Arg::Text(s.as_str().to_owned())));
        let n = on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args)
                .execute(c)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// Lists the next `limit` people of the audience into recipients (queued, or skipped when
    /// they have no email address or theirs is marked bouncing) and moves the broadcast's cursor past them, in this
    /// transaction. Returns the recipients created, in id order; empty when the listing is
    /// complete (then marked `expanded`).
    pub async fn expand_broadcast(
        &mut self,
        b: &Broadcast,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<(i64, PersonId, RecipientState)>, StoreError> {
        let people = audience_people(&b.roles, &b.audience_zones(), b.expanded_through, limit);
        let ids: Vec<i64> = on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(people.text)), people.args)
                .fetch_all(c)
                .await?
                .iter()
                .map(|r| r.i64("id"))
                .collect::<Result<_, _>>()?
        });
        let Some(last) = ids.iter().max().copied() else {
            on!(self, |c| {
                sqlx::query("UPDATE broadcast SET expanded = TRUE, updated_at = $1 WHERE id = $2")
                    .bind(ts(now))
                    .bind(b.id)
                    .execute(c)
                    .await?;
            });
            return Ok(Vec::new());
        };
        // An address without `@` is no address, and one marked bouncing (its reports reached
        // the threshold, see `record_bounce`) is not mailed again, as for ticket notices: such
        // people get the in-app notice only.
        let mut insert =
            Sql::new("INSERT INTO broadcast_recipient (broadcast_id, person_id, state) SELECT ");
        insert
            .arg(Arg::I64(b.id))
            .push(
                ", p.id, CASE WHEN p.email LIKE '%_@_%' AND NOT EXISTS (SELECT 1 FROM mail_address m
                     WHERE m.address = p.email AND m.bouncing) THEN 'queued' ELSE 'skipped' END
                 FROM person p WHERE p.id IN ",
            )
            .list(ids.iter().map(|i| Arg::I64(*i)))
            .push(
                " ORDER BY p.id ON CONFLICT (broadcast_id, person_id) DO NOTHING
                 RETURNING id, person_id, state",
            );
        let mut created: Vec<(i64, PersonId, RecipientState)> = on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(insert.text)), insert.args)
                .fetch_all(c)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        r.i64("id")?,
                        PersonId(r.i64("person_id")?),
                        parse(
                            "broadcast_recipient.state",
                            r.text("state")?,
                            RecipientState::parse,
                        )?,
                    ))
                })
                .collect::<Result<_, StoreError>>()?
        });
        created.sort_by_key(|(id, ..)| *id);
        on!(self, |c| {
            sqlx::query(
                "UPDATE broadcast SET expanded_through = $1, recipients = recipients + $2,
                        updated_at = $3 WHERE id = $4",
            )
            .bind(last)
            .bind(created.len() as i64)
            .bind(ts(now))
            .bind(b.id)
            .execute(c)
            .await?;
        });
        Ok(created)
    }

    /// Counts `n` more send jobs queued; returns the number of the first.
    pub async fn take_broadcast_batches(&mut self, id: i64, n: i64) -> Result<i64, StoreError> {
        on!(self, |c| {
            Ok(sqlx::query_scalar::<_, i64>(
                "UPDATE broadcast SET batches = batches + $1 WHERE id = $2 RETURNING batches",
            )
            .bind(n)
            .bind(id)
            .fetch_one(c)
            .await?
                - n)
        })
    }

    /// Records that a recipient's message is about to be handed to the SMTP server (one more
    /// attempt, `sending_since` set), only while it is queued and still at the `attempts` the
    /// caller read: false when it was settled or taken by another worker meanwhile (a job
    /// taken over after its lease expired), and must not be sent. Committed before the
    /// hand-over, so that a crash leaves the uncertain recipient marked.
    pub async fn begin_recipient(
        &mut self,
        id: i64,
        attempts: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE broadcast_recipient SET attempts = attempts + 1, sending_since = $1
                 WHERE id = $2 AND state = 'queued' AND attempts = $3",
            )
            .bind(ts(now))
            .bind(id)
            .bind(attempts)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Records a recipient's email outcome, only while it is still queued: false when it was
    /// already settled (a retried job finds it sent and does not mail again).
    pub async fn settle_recipient(
        &mut self,
        id: i64,
        state: RecipientState,
        answer: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let sent_at = (state == RecipientState::Sent).then(|| ts(now));
        let answer: String = answer.chars().take(1000).collect();
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE broadcast_recipient
                 SET state = $1, smtp_answer = $2, sent_at = $3, sending_since = NULL
                 WHERE id = $4 AND state = 'queued'",
            )
            .bind(state.as_str())
            .bind(answer)
            .bind(sent_at)
            .bind(id)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Keeps the server's last answer on a recipient still queued (a passing refusal).
    pub async fn defer_recipient(&mut self, id: i64, answer: &str) -> Result<(), StoreError> {
        let answer: String = answer.chars().take(1000).collect();
        on!(self, |c| {
            sqlx::query(
                "UPDATE broadcast_recipient SET smtp_answer = $1, sending_since = NULL
                 WHERE id = $2 AND state = 'queued'",
            )
            .bind(answer)
            .bind(id)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Records that the message to `person` of broadcast `id` came back (a delivery report):
    /// `bounced` with the report's words, when it was handed to the server (sent, or still in
    /// flight after a crash). False when there is no such recipient or their message never
    /// left (a forged or stray report).
    pub async fn bounce_recipient(
        &mut self,
        id: i64,
        person: PersonId,
        report: &str,
    ) -> Result<bool, StoreError> {
        let report: String = report.chars().take(1000).collect();
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE broadcast_recipient
                 SET state = 'bounced', smtp_answer = $1, sending_since = NULL
                 WHERE broadcast_id = $2 AND person_id = $3
                   AND (state IN ('sent', 'bounced')
                        OR (state = 'queued' AND sending_since IS NOT NULL))",
            )
            .bind(report)
            .bind(id)
            .bind(person.0)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Marks a broadcast sent once its listing is complete and no email is left queued. True
    /// when this call finished it.
    pub async fn finish_broadcast(
        &mut self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = on!(self, |c| {
            sqlx::query(
                "UPDATE broadcast SET status = 'sent', finished_at = $1, updated_at = $1
                 WHERE id = $2 AND status = 'sending' AND expanded
                   AND NOT EXISTS (SELECT 1 FROM broadcast_recipient
                                   WHERE broadcast_id = $2 AND state = 'queued')",
            )
            .bind(ts(now))
            .bind(id)
            .execute(c)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }
}

impl Conn {
    /// One broadcast with its audience's nodes; `NotFound` when there is none.
    pub async fn broadcast(&mut self, id: i64) -> Result<Broadcast, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM broadcast WHERE id = $1");
        let mut b = on!(self, |c| {
            from_row(
                &sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_one(c)
                    .await?,
            )?
        });
        b.zones = self.broadcast_zones(id).await?;
        Ok(b)
    }

    async fn broadcast_zones(&mut self, id: i64) -> Result<Vec<crate::org::OrgNode>, StoreError> {
        let sql = format!(
            "SELECT {NODE_COLUMNS} FROM broadcast_zone z JOIN org_node n ON n.id = z.node_id
             WHERE z.broadcast_id = $1 ORDER BY n.path"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_all(c)
                .await?
                .iter()
                .map(crate::org::from_row)
                .collect()
        })
    }

    /// Broadcasts newest first, below the id `before` when given, with their nodes.
    pub async fn list_broadcasts(
        &mut self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Broadcast>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM broadcast WHERE id < $1 ORDER BY id DESC LIMIT $2");
        let mut list: Vec<Broadcast> = on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect::<Result<_, _>>()?
        });
        for b in &mut list {
            b.zones = self.broadcast_zones(b.id).await?;
        }
        Ok(list)
    }

    /// How many active people hold one of `roles` inside `zones`, each counted once.
    pub async fn audience_count(
        &mut self,
        roles: &[RoleKind],
        zones: &[Zone],
    ) -> Result<i64, StoreError> {
        let mut sql = Sql::new(
            "SELECT COUNT(DISTINCT r.person_id) AS n FROM person_role r
             JOIN org_node n ON n.id = r.node_id JOIN person p ON p.id = r.person_id
             WHERE p.active AND ",
        );
        audience(&mut sql, roles, zones);
        on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args)
                .fetch_one(c)
                .await?
                .i64("n")
        })
    }

    /// The first `limit` people of the audience (in id order), each once, with one of the
    /// places where they hold a role of it.
    pub async fn audience_sample(
        &mut self,
        roles: &[RoleKind],
        zones: &[Zone],
        limit: i64,
    ) -> Result<Vec<AudienceMember>, StoreError> {
        let mut sql = Sql::new(
            "SELECT p.id, p.display_name, p.email, MIN(n.name) AS place, MIN(n.uai) AS uai
             FROM person_role r JOIN org_node n ON n.id = r.node_id
             JOIN person p ON p.id = r.person_id WHERE p.active AND ",
        );
        audience(&mut sql, roles, zones);
        sql.push(" GROUP BY p.id, p.display_name, p.email ORDER BY p.id LIMIT ")
            .arg(Arg::I64(limit));
        on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args)
                .fetch_all(c)
                .await?
                .iter()
                .map(|r| {
                    Ok(AudienceMember {
                        person: PersonId(r.i64("id")?),
                        name: r.text("display_name")?,
                        email: r.text("email")?,
                        place: r.text("place")?,
                        uai: r.opt_text("uai")?,
                    })
                })
                .collect()
        })
    }

    /// The recipients in each state.
    pub async fn broadcast_progress(&mut self, id: i64) -> Result<Progress, StoreError> {
        let rows: Vec<(String, i64)> = on!(self, |c| {
            sqlx::query_as(
                "SELECT state, COUNT(*) AS n FROM broadcast_recipient WHERE broadcast_id = $1
                 GROUP BY state",
            )
            .bind(id)
            .fetch_all(c)
            .await?
        });
        let mut p = Progress::default();
        for (state, n) in rows {
            match RecipientState::parse(&state) {
                Ok(RecipientState::Queued) => p.queued = n,
                Ok(RecipientState::Sent) => p.sent = n,
                Ok(RecipientState::Failed) => p.failed = n,
                Ok(RecipientState::Bounced) => p.bounced = n,
                Ok(RecipientState::Skipped) => p.skipped = n,
                Err(_) => {
                    return Err(StoreError::Corrupt {
                        column: "broadcast_recipient.state",
                        value: state,
                    });
                }
            }
        }
        Ok(p)
    }

    /// Recipients in id order after `after`, in one state when given.
    pub async fn broadcast_recipients(
        &mut self,
        id: i64,
        state: Option<RecipientState>,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Recipient>, StoreError> {
        let mut sql = Sql::new(
            "SELECT b.id, b.person_id, p.display_name, p.email, p.locale, b.state, b.smtp_answer,
                    b.sent_at, b.attempts, b.sending_since
             FROM broadcast_recipient b JOIN person p ON p.id = b.person_id
             WHERE b.broadcast_id = ",
        );
        sql.arg(Arg::I64(id))
            .push(" AND b.id > ")
            .arg(Arg::I64(after.unwrap_or(0)));
        if let Some(s) = state {
            sql.push(" AND b.state = ")
                .arg(Arg::Text(s.as_str().to_owned()));
        }
        sql.push(" ORDER BY b.id LIMIT ").arg(Arg::I64(limit));
        on!(self, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args)
                .fetch_all(c)
                .await?
                .iter()
                .map(recipient_from_row)
                .collect()
        })
    }

    /// The recipients of one send job (ids `first..=last`) whose email is still queued.
    pub async fn queued_recipients(
        &mut self,
        id: i64,
        first: i64,
        last: i64,
    ) -> Result<Vec<Recipient>, StoreError> {
        on!(self, |c| {
            sqlx::query(
                "SELECT b.id, b.person_id, p.display_name, p.email, p.locale, b.state,
                        b.smtp_answer, b.sent_at, b.attempts, b.sending_since
                 FROM broadcast_recipient b JOIN person p ON p.id = b.person_id
                 WHERE b.broadcast_id = $1 AND b.state = 'queued' AND b.id >= $2 AND b.id <= $3
                 ORDER BY b.id",
            )
            .bind(id)
            .bind(first)
            .bind(last)
            .fetch_all(c)
            .await?
            .iter()
            .map(recipient_from_row)
            .collect()
        })
    }

    /// The banners shown to `person` at `now`: broadcasts that reached them (or are reaching
    /// them) whose banner has not ended, newest first.
    pub async fn banners_for(
        &mut self,
        person: PersonId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Broadcast>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM broadcast WHERE banner_until > $1
               AND status IN ('sending', 'sent')
               AND id IN (SELECT broadcast_id FROM broadcast_recipient WHERE person_id = $2)
             ORDER BY id DESC LIMIT 5"
        );
        on!(self, |c| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(ts(now))
                .bind(person.0)
                .fetch_all(c)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }
}
