-- Groups an administrator can describe and deactivate (SQLite). Keep in step with ../postgres/0022_group_admin.sql.
--
-- `description` says what a group handles, for the administrators and the agents choosing a target.
-- An inactive group is offered nowhere as a target (escalation, transfer, assignment, routing,
-- SLA escalation); its members still read its queue. The application refuses to deactivate a
-- group that holds open tickets or is an application's default group.
ALTER TABLE agent_group ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE agent_group ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
