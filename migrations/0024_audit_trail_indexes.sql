-- Migration 24: the indexes of the audit trail's search (the Admin tab's
-- audit trail and `wardline audit search`).
-- Shipped: never edit; add a new numbered file instead.

-- Each ends, as every index does, in the rowid, which is `seq`: a staff
-- member's events, an action's events, or a staff member's events of one
-- action are each one range of the index already in the trail's order, so a
-- page newest first (keyset on seq) reads only its own rows at any size.
-- A patient's events read through audit_log_patient (migration 1) the same way.
CREATE INDEX audit_log_actor ON audit_log (actor_name);
CREATE INDEX audit_log_actor_action ON audit_log (actor_name, action);
CREATE INDEX audit_log_action ON audit_log (action);
-- A range of local dates becomes a range of seq through the event times.
CREATE INDEX audit_log_at ON audit_log (at);
