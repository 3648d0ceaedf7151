-- Migration 26: a patient's events read from one place. Migration 1's
-- audit_log_patient held only (patient_id, seq), so the trail's patient
-- filter and "who opened this record" found a patient's events in order
-- but then read each row from wherever two years of the trail had put it:
-- a hundred scattered pages for a page of events, which a disk not held
-- in memory serves in tens of milliseconds. The index now carries every
-- column of the event after (patient_id, seq), so a patient's events are
-- read, in the trail's order, from consecutive entries of the index alone.
-- It costs the room of a second copy of the events that name a patient.
-- Shipped: never edit; add a new numbered file instead.

DROP INDEX audit_log_patient;
CREATE INDEX audit_log_patient ON audit_log (
    patient_id, seq, at, actor_id, actor_name, actor_role, action, entity, entity_id,
    summary, prev_hash, hash
) WHERE patient_id IS NOT NULL;
