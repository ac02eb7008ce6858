-- A group's managers: members told when a ticket of the group misses an SLA target. The
-- model had no one "in charge" of a group; a flag on the membership is the smallest addition
-- (a manager works the group's queue too, and a group may have several or none).
ALTER TABLE group_member ADD COLUMN manager BOOLEAN NOT NULL DEFAULT FALSE;
