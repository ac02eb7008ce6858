//! Mass information: a steering user (IEN, DASEN, DSI) or an administrator composes a message,
//! previews its audience (count and a sample), schedules or sends it, may cancel it until it
//! starts, and follows its progress recipient by recipient. Permission follows the zone
//! ([`guichet_core::broadcast::may_broadcast`]) on every read and write.
//!
//! Sending is two kinds of jobs, both idempotent: [`EXPAND_KIND`] lists the recipients in
//! batches (a cursor on the broadcast, so a crash resumes it) and queues one [`SEND_KIND`] job
//! per batch, placed on the rate's schedule by its `run_at`; each send job mails the batch's
//! recipients still queued, a few at a time: marked in flight together, mailed side by side,
//! settled together ([`App::begin_broadcast_recipients`], [`App::settle_broadcast_recipients`]).
//!
//! Mass information is essential: it reaches everyone of the audience whatever their
//! notification preference ("off" only silences non-essential ticket notices). People without
//! an email address get the in-app notice only.

mod choices;
pub mod jobs;

use crate::admin::audit;
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use guichet_core::broadcast::{
    BroadcastStatus, Message, RecipientState, may_broadcast, may_read_broadcast, parse_rate,
    parse_roles,
};
use guichet_core::org::{OrgKind, Zone};
use guichet_core::person::RoleKind;
use guichet_core::{FieldError, OrgNodeId, Uai};
use guichet_store::broadcast::{AudienceMember, Broadcast, NewBroadcast, Progress, Recipient};
use guichet_store::job::NewJob;
use guichet_store::org::OrgNode;
use guichet_store::{Conn, StoreError};
use serde_json::json;

pub use jobs::{EXPAND_KIND, Expansion, Outcome, SEND_KIND};

/// How many people the preview shows.
pub const SAMPLE_SIZE: i64 = 20;

/// What the author chooses: the words, the audience, the pace and the banner.
#[derive(Debug, Clone, Default)]
pub struct ComposeBroadcast {
    pub subject_fr: String,
    pub body_fr: String,
    pub subject_en: String,
    pub body_en: String,
    pub audience: AudienceInput,
    /// Messages per minute; `None`: the configured default. 0 = unlimited.
    pub rate_per_minute: Option<i64>,
    /// Shown as a banner in the portal of its audience until then.
    pub banner_until: Option<DateTime<Utc>>,
}

/// An audience as the author gives it: role codes, nodes of the tree, and UAIs.
#[derive(Debug, Clone, Default)]
pub struct AudienceInput {
    pub roles: Vec<String>,
    /// Académie, département, circonscription or establishment node ids.
    pub zones: Vec<i64>,
    pub uais: Vec<String>,
}

/// The audience before sending.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Distinct people: one message each, whatever their number of roles in it.
    pub count: i64,
    pub sample: Vec<AudienceMember>,
}

/// A broadcast and where its emails are.
#[derive(Debug, Clone)]
pub struct BroadcastView {
    pub broadcast: Broadcast,
    pub progress: Progress,
}

/// The audience's roles and zones, checked and resolved to the tree.
async fn resolve(
    conn: &mut Conn,
    input: &AudienceInput,
) -> Result<(Vec<RoleKind>, Vec<Zone>, Vec<OrgNodeId>), AppError> {
    let kinds = input
        .roles
        .iter()
        .map(|r| RoleKind::parse(r.trim()).map_err(|e| e.at("roles")))
        .collect::<Result<Vec<_>, FieldError>>()?;
    let roles = parse_roles(&kinds)?;
    let nodes = audience_nodes(conn, input).await?;
    let zones = nodes.iter().map(|n| n.zone()).collect();
    let ids = nodes.iter().map(|n| n.id).collect();
    Ok((roles, zones, ids))
}

/// The nodes of an audience's zones and UAIs, checked, each once, in id order.
async fn audience_nodes(conn: &mut Conn, input: &AudienceInput) -> Result<Vec<OrgNode>, AppError> {
    if input.zones.is_empty() && input.uais.iter().all(|u| u.trim().is_empty()) {
        return Err(AppError::invalid("zones", "required"));
    }
    if input.zones.len() + input.uais.len() > guichet_core::broadcast::ZONES_MAX {
        return Err(AppError::invalid("zones", "broadcast.too_many_zones"));
    }
    let mut nodes = Vec::new();
    for id in &input.zones {
        let node = match conn.org_node(OrgNodeId(*id)).await {
            Err(StoreError::NotFound) => {
                return Err(AppError::invalid("zones", "broadcast.zone_unknown"));
            }
            other => other?,
        };
        if node.kind == OrgKind::Partner {
            return Err(AppError::invalid("zones", "broadcast.zone_kind"));
        }
        nodes.push(node);
    }
    for raw in input.uais.iter().filter(|u| !u.trim().is_empty()) {
        let uai = Uai::parse(raw).map_err(|e| e.at("uais"))?;
        match conn.org_node_by_uai(&uai).await {
            Err(StoreError::NotFound) => {
                return Err(AppError::invalid("uais", "broadcast.uai_unknown"));
            }
            other => nodes.push(other?),
        }
    }
    nodes.sort_by_key(|n| n.id);
    nodes.dedup_by_key(|n| n.id);
    Ok(nodes)
}

/// Someone who steers nothing has no broadcast to see or write.
fn steering(caller: &Caller) -> Result<(), AppError> {
    if caller.subject.admin || !caller.subject.zones.is_empty() {
        Ok(())
    } else {
        Err(guichet_core::permission::Denied {
            rule: "broadcast.steering_only",
        }
        .into())
    }
}

impl App {
    /// The audience's size and first people, before anything is recorded (the form's preview).
    pub async fn preview_audience(
        &self,
        caller: &Caller,
        input: &AudienceInput,
    ) -> Result<Preview, AppError> {
        steering(caller)?;
        let mut conn = self.store().read().await?;
        let (roles, zones, _) = resolve(&mut conn, input).await?;
        may_broadcast(&caller.subject, &zones)?;
        Ok(Preview {
            count: conn.audience_count(&roles, &zones).await?,
            sample: conn.audience_sample(&roles, &zones, SAMPLE_SIZE).await?,
        })
    }

    /// Records a draft; audited. Refused (naming the rule) for a zone beyond the caller's.
    pub async fn create_broadcast(
        &self,
        caller: &Caller,
        input: ComposeBroadcast,
    ) -> Result<BroadcastView, AppError> {
        steering(caller)?;
        let author = caller.person_id().ok_or(AppError::NotFound("person"))?;
        let message = Message::parse(
            &input.subject_fr,
            &input.body_fr,
            &input.subject_en,
            &input.body_en,
        )?;
        let rate = parse_rate(
            input
                .rate_per_minute
                .unwrap_or(self.config().broadcast_rate_per_minute),
        )?;
        let now = self.now();
        if input.banner_until.is_some_and(|t| t <= now) {
            return Err(AppError::invalid("banner_until", "broadcast.past"));
        }
        let mut tx = self.store().write().await?;
        let (roles, zones, nodes) = resolve(&mut tx, &input.audience).await?;
        may_broadcast(&caller.subject, &zones)?;
        let (subject_en, body_en) = message.english.clone().unzip();
        let id = tx
            .insert_broadcast(
                &NewBroadcast {
                    author,
                    subject_fr: message.subject_fr.clone(),
                    body_fr: message.body_fr.clone(),
                    subject_en,
                    body_en,
                    roles: roles.clone(),
                    zones: nodes.clone(),
                    rate_per_minute: rate,
                    banner_until: input.banner_until.map(guichet_store::ts),
                },
                now,
            )
            .await?;
        audit(
            &mut tx,
            caller,
            "broadcast.create",
            "broadcast",
            id.to_string(),
            json!({
                "subject": message.subject_fr,
                "roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                "zones": nodes.iter().map(|n| n.0).collect::<Vec<_>>(),
                "rate_per_minute": rate,
            }),
            now,
        )
        .await?;
        let broadcast = tx.broadcast(id).await?;
        tx.commit().await?;
        Ok(BroadcastView {
            broadcast,
            progress: Progress::default(),
        })
    }

    /// Reads a broadcast the caller may see; another zone's answers "not found".
    async fn readable(
        &self,
        conn: &mut Conn,
        caller: &Caller,
        id: i64,
    ) -> Result<Broadcast, AppError> {
        steering(caller)?;
        let b = match conn.broadcast(id).await {
            Err(StoreError::NotFound) => return Err(AppError::NotFound("broadcast")),
            other => other?,
        };
        if may_read_broadcast(&caller.subject, b.author, &b.audience_zones()) {
            Ok(b)
        } else {
            Err(AppError::NotFound("broadcast"))
        }
    }

    /// One broadcast with its progress.
    pub async fn broadcast(&self, caller: &Caller, id: i64) -> Result<BroadcastView, AppError> {
        let mut conn = self.store().read().await?;
        let broadcast = self.readable(&mut conn, caller, id).await?;
        let progress = conn.broadcast_progress(id).await?;
        Ok(BroadcastView {
            broadcast,
            progress,
        })
    }

    /// The audience of a recorded broadcast as it stands now (it may have changed since the
    /// draft was written; the recipients are listed when sending starts).
    pub async fn preview_broadcast(&self, caller: &Caller, id: i64) -> Result<Preview, AppError> {
        let mut conn = self.store().read().await?;
        let b = self.readable(&mut conn, caller, id).await?;
        let zones = b.audience_zones();
        Ok(Preview {
            count: conn.audience_count(&b.roles, &zones).await?,
            sample: conn.audience_sample(&b.roles, &zones, SAMPLE_SIZE).await?,
        })
    }

    /// The broadcasts the caller may see, newest first, with their progress.
    pub async fn broadcasts(
        &self,
        caller: &Caller,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<BroadcastView>, AppError> {
        steering(caller)?;
        let mut conn = self.store().read().await?;
        let mut out = Vec::new();
        let mut cursor = before;
        // Read in pages, keeping the visible ones, until the page is full or the list ends.
        loop {
            let page = conn.list_broadcasts(cursor, 100).await?;
            let Some(last) = page.last() else { break };
            cursor = Some(last.id);
            let ended = page.len() < 100;
            for b in page {
                if out.len() as i64 >= limit.clamp(1, 100) {
                    break;
                }
                if may_read_broadcast(&caller.subject, b.author, &b.audience_zones()) {
                    let progress = conn.broadcast_progress(b.id).await?;
                    out.push(BroadcastView {
                        broadcast: b,
                        progress,
                    });
                }
            }
            if ended || out.len() as i64 >= limit.clamp(1, 100) {
                break;
            }
        }
        Ok(out)
    }

    /// Recipients and their email state, in listing order after `after`.
    pub async fn broadcast_recipients(
        &self,
        caller: &Caller,
        id: i64,
        state: Option<&str>,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Recipient>, AppError> {
        let state = state
            .filter(|s| !s.is_empty())
            .map(RecipientState::parse)
            .transpose()?;
        let mut conn = self.store().read().await?;
        self.readable(&mut conn, caller, id).await?;
        Ok(conn
            .broadcast_recipients(id, state, after, limit.clamp(1, 500))
            .await?)
    }

    /// Sends a draft (or reschedules a scheduled broadcast) at `at`, now when `None` or past;
    /// audited. Only its author's zone rule applies: the caller must be allowed every zone.
    pub async fn send_broadcast(
        &self,
        caller: &Caller,
        id: i64,
        at: Option<DateTime<Utc>>,
    ) -> Result<BroadcastView, AppError> {
        let now = self.now();
        let send_at = guichet_store::ts(at.filter(|t| *t > now).unwrap_or(now));
        let mut tx = self.store().write().await?;
        let b = self.readable(&mut tx, caller, id).await?;
        may_broadcast(&caller.subject, &b.audience_zones())?;
        let moved = tx
            .set_broadcast_status(
                id,
                &[BroadcastStatus::Draft, BroadcastStatus::Scheduled],
                BroadcastStatus::Scheduled,
                Some(send_at),
                now,
            )
            .await?;
        if !moved {
            return Err(AppError::conflict_on("broadcast.already_sent", "status"));
        }
        tx.enqueue(
            &NewJob {
                kind: EXPAND_KIND.into(),
                unique_key: Some(format!(
                    "broadcast.expand:{id}:{}",
                    send_at.timestamp_micros()
                )),
                payload: json!({ "broadcast": id }),
                run_at: send_at,
                max_attempts: 20,
            },
            now,
        )
        .await?;
        audit(
            &mut tx,
            caller,
            "broadcast.schedule",
            "broadcast",
            id.to_string(),
            json!({ "send_at": send_at }),
            now,
        )
        .await?;
        let broadcast = tx.broadcast(id).await?;
        tx.commit().await?;
        Ok(BroadcastView {
            broadcast,
            progress: Progress::default(),
        })
    }

    /// Cancels a broadcast before it starts; audited. Once sending, `broadcast.already_sent`.
    pub async fn cancel_broadcast(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<BroadcastView, AppError> {
        let now = self.now();
        let mut tx = self.store().write().await?;
        let b = self.readable(&mut tx, caller, id).await?;
        may_broadcast(&caller.subject, &b.audience_zones())?;
        let moved = tx
            .set_broadcast_status(
                id,
                &[BroadcastStatus::Draft, BroadcastStatus::Scheduled],
                BroadcastStatus::Cancelled,
                None,
                now,
            )
            .await?;
        if !moved {
            return Err(AppError::conflict_on("broadcast.already_sent", "status"));
        }
        audit(
            &mut tx,
            caller,
            "broadcast.cancel",
            "broadcast",
            id.to_string(),
            json!({}),
            now,
        )
        .await?;
        let broadcast = tx.broadcast(id).await?;
        tx.commit().await?;
        Ok(BroadcastView {
            broadcast,
            progress: Progress::default(),
        })
    }

    /// The banners the caller sees on the portal's home now.
    pub async fn banners(&self, caller: &Caller) -> Result<Vec<Broadcast>, AppError> {
        let Some(me) = caller.person_id() else {
            return Ok(Vec::new());
        };
        let mut conn = self.store().read().await?;
        Ok(conn.banners_for(me, self.now()).await?)
    }
}
