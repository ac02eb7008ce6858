//! Administering SLA calendars, policies and each desk's automation settings. Only
//! administrators; every change is audited and clears the cache of desk plans.

use crate::admin::audit;
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::calendar::ics::{self, SchoolZone};
use guichet_core::calendar::{Calendar, ClosurePeriod};
use guichet_core::desk::parse_code;
use guichet_core::error::required_text;
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::routing::Mode;
use guichet_core::sla::{PolicyScope, SlaPolicy};
use guichet_core::ticket::Priority;
use guichet_core::{ApplicationId, CalendarId, DeskId, FieldError, SlaPolicyId};
use guichet_store::calendar::StoredCalendar;
use guichet_store::sla::{BreachActions, DeskAutomation, NewPolicy, StoredPolicy};
use serde_json::{Value, json};

/// Longest auto-close delay accepted, in days.
const MAX_AUTO_CLOSE_DAYS: i32 = 365;

/// A calendar as typed: `definition` is the core's JSON form (`time_zone`, `hours`,
/// `territory`, `observes_holidays`, `closures`).
#[derive(Debug, Clone)]
pub struct CalendarInput {
    pub code: String,
    pub name: String,
    pub definition: Value,
}

/// A policy as typed.
#[derive(Debug, Clone)]
pub struct PolicyInput {
    pub code: String,
    pub name: String,
    pub desk: DeskId,
    pub application: Option<ApplicationId>,
    pub priority: Option<Priority>,
    pub calendar: CalendarId,
    pub take_in_charge_minutes: u32,
    pub resolve_minutes: u32,
    pub warn_percent: u8,
    pub breach_raise_priority: bool,
    pub breach_next_level: bool,
}

fn parse_calendar(definition: &Value) -> Result<Calendar, AppError> {
    serde_json::from_value::<Calendar>(definition.clone()).map_err(|e| {
        // serde names neither the field nor a stable code: the first known key it mentions.
        let text = e.to_string();
        let field = [
            "time_zone",
            "hours",
            "territory",
            "closures",
            "observes_holidays",
        ]
        .into_iter()
        .find(|k| text.contains(k))
        .unwrap_or("definition");
        AppError::Invalid(FieldError::new(field, "invalid"))
    })
}

impl App {
    pub async fn list_calendars(&self, caller: &Caller) -> Result<Vec<StoredCalendar>, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        Ok(self.store().read().await?.list_calendars().await?)
    }

    pub async fn create_calendar(
        &self,
        caller: &Caller,
        input: CalendarInput,
    ) -> Result<StoredCalendar, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let code = parse_code("code", &input.code)?;
        let name = required_text("name", &input.name, 200)?;
        let calendar = parse_calendar(&input.definition)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let stored = tx.insert_calendar(&code, &name, &calendar, now).await?;
        let details = json!({ "code": code, "definition": calendar });
        let id = stored.id.to_string();
        audit(
            &mut tx,
            caller,
            "calendar.create",
            "sla_calendar",
            id,
            details,
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(stored)
    }

    /// Replaces a calendar's name and definition; every policy on it follows at once.
    pub async fn update_calendar(
        &self,
        caller: &Caller,
        id: CalendarId,
        input: CalendarInput,
    ) -> Result<StoredCalendar, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let name = required_text("name", &input.name, 200)?;
        let calendar = parse_calendar(&input.definition)?;
        self.save_calendar(caller, id, &name, calendar, "calendar.update")
            .await
    }

    /// Replaces a calendar's closure periods by those of an ICS file (the official school
    /// calendar) that concern `zone`: events naming it, and events naming no zone.
    pub async fn import_closures(
        &self,
        caller: &Caller,
        id: CalendarId,
        ics_text: &str,
        zone: &str,
    ) -> Result<StoredCalendar, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let zone = SchoolZone::parse(zone.trim())?;
        let current = self
            .store()
            .read()
            .await?
            .calendar(id)
            .await
            .or_not_found("calendar")?;
        let tz = current.calendar.time_zone();
        let parsed =
            ics::parse(ics_text, tz).map_err(|_| AppError::invalid("ics", "ics.invalid"))?;
        let closures: Vec<ClosurePeriod> = ics::for_zone(&parsed, zone);
        let mut raw = serde_json::to_value(&current.calendar)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        raw["closures"] = json!(closures);
        let calendar = parse_calendar(&raw)?;
        self.save_calendar(
            caller,
            id,
            &current.name,
            calendar,
            "calendar.import_closures",
        )
        .await
    }

    async fn save_calendar(
        &self,
        caller: &Caller,
        id: CalendarId,
        name: &str,
        calendar: Calendar,
        action: &str,
    ) -> Result<StoredCalendar, AppError> {
        let now = self.now();
        let mut tx = self.store().write().await?;
        let stored = tx
            .update_calendar(id, name, &calendar, now)
            .await
            .or_not_found("calendar")?;
        let details = json!({ "definition": calendar });
        audit(
            &mut tx,
            caller,
            action,
            "sla_calendar",
            id.to_string(),
            details,
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(stored)
    }

    pub async fn list_policies(
        &self,
        caller: &Caller,
        desk: Option<DeskId>,
    ) -> Result<Vec<StoredPolicy>, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        Ok(self.store().read().await?.list_policies(desk).await?)
    }

    pub async fn create_policy(
        &self,
        caller: &Caller,
        input: PolicyInput,
    ) -> Result<StoredPolicy, AppError> {
        self.save_policy(caller, None, input).await
    }

    /// Changes a policy's settings; its code stays. Tickets already running keep the targets
    /// they started with until their next status change.
    pub async fn update_policy(
        &self,
        caller: &Caller,
        id: SlaPolicyId,
        input: PolicyInput,
    ) -> Result<StoredPolicy, AppError> {
        self.save_policy(caller, Some(id), input).await
    }

    async fn save_policy(
        &self,
        caller: &Caller,
        id: Option<SlaPolicyId>,
        input: PolicyInput,
    ) -> Result<StoredPolicy, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let code = parse_code("code", &input.code)?;
        let name = required_text("name", &input.name, 200)?;
        let targets = SlaPolicy::new(
            input.take_in_charge_minutes,
            input.resolve_minutes,
            input.warn_percent,
        )?;
        let policy = NewPolicy {
            code,
            name,
            scope: PolicyScope {
                desk: input.desk,
                application: input.application,
                priority: input.priority,
            },
            calendar: input.calendar,
            targets,
            on_breach: BreachActions {
                raise_priority: input.breach_raise_priority,
                next_level: input.breach_next_level,
            },
        };
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.desk(input.desk).await.or_not_found("desk")?;
        tx.calendar(input.calendar).await.or_not_found("calendar")?;
        if let Some(a) = input.application {
            tx.application(a).await.or_not_found("application")?;
        }
        let (stored, action) = match id {
            None => (tx.insert_policy(&policy, now).await?, "sla_policy.create"),
            Some(id) => (
                tx.update_policy(id, &policy, now)
                    .await
                    .or_not_found("policy")?,
                "sla_policy.update",
            ),
        };
        let details = json!({
            "code": stored.code,
            "desk": input.desk,
            "targets": targets,
            "calendar": input.calendar,
        });
        let oid = stored.id.to_string();
        audit(&mut tx, caller, action, "sla_policy", oid, details, now).await?;
        self.commit_reference_change(tx).await?;
        Ok(stored)
    }

    pub async fn desk_automation(
        &self,
        caller: &Caller,
        desk: DeskId,
    ) -> Result<DeskAutomation, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let mut conn = self.store().read().await?;
        conn.desk(desk).await.or_not_found("desk")?;
        Ok(conn.desk_automation(desk).await?)
    }

    /// Sets how a desk's rules apply and after how many days its resolved tickets close
    /// without an answer (`None`: never).
    pub async fn set_desk_automation(
        &self,
        caller: &Caller,
        desk: DeskId,
        rule_mode: &str,
        auto_close_days: Option<i32>,
    ) -> Result<DeskAutomation, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let rule_mode = Mode::parse(rule_mode.trim()).map_err(|e| e.at("rule_mode"))?;
        if auto_close_days.is_some_and(|d| !(1..=MAX_AUTO_CLOSE_DAYS).contains(&d)) {
            return Err(AppError::invalid("auto_close_days", "range"));
        }
        let automation = DeskAutomation {
            desk,
            rule_mode,
            auto_close_days,
        };
        let now = self.now();
        let mut tx = self.store().write().await?;
        tx.desk(desk).await.or_not_found("desk")?;
        tx.set_desk_automation(&automation, now).await?;
        let details =
            json!({ "rule_mode": rule_mode.as_str(), "auto_close_days": auto_close_days });
        let id = desk.to_string();
        audit(&mut tx, caller, "desk.automation", "desk", id, details, now).await?;
        self.commit_reference_change(tx).await?;
        Ok(automation)
    }
}
