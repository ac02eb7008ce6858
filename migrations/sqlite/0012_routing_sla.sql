-- Routing rules, SLA policies on business-hours calendars, and each ticket's SLA clocks
-- (SQLite). Keep in step with ../postgres/0012_routing_sla.sql.

-- A business-hours calendar: the core's `Calendar` as JSON in `definition` (weekly hours,
-- whether public holidays close the desk, closure periods imported from ICS); the time zone
-- and territory are repeated as columns for listing.
CREATE TABLE sla_calendar (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    territory TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Targets per desk, optionally narrowed to an application and/or a priority (the most specific
-- scope wins, see core::sla::select_policy), in business minutes of a calendar; what to do at a
-- breach.
CREATE TABLE sla_policy (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    desk_id INTEGER NOT NULL REFERENCES desk (id),
    application_id INTEGER REFERENCES application (id),
    priority SMALLINT,
    calendar_id INTEGER NOT NULL REFERENCES sla_calendar (id),
    take_in_charge_minutes BIGINT NOT NULL,
    resolve_minutes BIGINT NOT NULL,
    warn_percent SMALLINT NOT NULL,
    breach_raise_priority BOOLEAN NOT NULL,
    breach_next_level BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sla_policy_desk ON sla_policy (desk_id, id);

-- Per desk: how its rule set applies (first_match | apply_all) and after how many days a
-- resolved ticket without an answer from its requester is closed (NULL: never).
CREATE TABLE desk_automation (
    desk_id INTEGER PRIMARY KEY REFERENCES desk (id),
    rule_mode TEXT NOT NULL,
    auto_close_days INTEGER,
    updated_at TEXT NOT NULL
);

-- A desk's routing rules, in order; `definition` is the core's JSON form of one rule.
CREATE TABLE routing_rule (
    id INTEGER PRIMARY KEY,
    desk_id INTEGER NOT NULL REFERENCES desk (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (desk_id, name)
);
CREATE INDEX routing_rule_desk ON routing_rule (desk_id, position, id);

-- Tags set by routing rules.
CREATE TABLE ticket_tag (
    ticket_id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tag_tag ON ticket_tag (tag, ticket_id);

-- A ticket's SLA clocks under its policy: the status history they are replayed from (JSON),
-- each target's state, due and warning instants as last computed (recomputed on every status
-- change), when the sweep signalled the warning and the breach, and `next_check_at`, the
-- next instant the sweep must look at this ticket (NULL: nothing pending). The sweep reads the
-- partial index below: only tickets with something pending are in it.
CREATE TABLE ticket_sla (
    ticket_id INTEGER PRIMARY KEY REFERENCES ticket (id) ON DELETE CASCADE,
    policy_id INTEGER NOT NULL REFERENCES sla_policy (id),
    history TEXT NOT NULL,
    take_in_charge_clock TEXT NOT NULL,
    take_in_charge_due TEXT,
    take_in_charge_warn_at TEXT,
    take_in_charge_breached BOOLEAN NOT NULL,
    take_in_charge_remaining_seconds BIGINT NOT NULL,
    take_in_charge_warned_at TEXT,
    take_in_charge_breach_handled_at TEXT,
    resolve_clock TEXT NOT NULL,
    resolve_due TEXT,
    resolve_warn_at TEXT,
    resolve_breached BOOLEAN NOT NULL,
    resolve_remaining_seconds BIGINT NOT NULL,
    resolve_warned_at TEXT,
    resolve_breach_handled_at TEXT,
    next_check_at TEXT,
    computed_at TEXT NOT NULL
);
CREATE INDEX ticket_sla_next_check ON ticket_sla (next_check_at) WHERE next_check_at IS NOT NULL;

-- Auto-close: resolved tickets by resolution date (only resolved ones are in the index).
CREATE INDEX ticket_resolved_at ON ticket (resolved_at, id) WHERE status = 'resolved';
