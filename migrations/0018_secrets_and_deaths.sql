-- Migration 18: the hospital's own secrets, and a patient's death.
-- Shipped: never edit; add a new numbered file instead.

-- Secrets the program keeps with the hospital and nowhere else, by name.
-- `user_name_key` keys the hash that stands for a user name nobody has
-- (a password typed into the user-name field is never kept as text).
CREATE TABLE hospital_secrets (
    name   TEXT PRIMARY KEY NOT NULL CHECK (name NOT GLOB '*[^a-z_]*'),
    value  BLOB NOT NULL CHECK (length(value) >= 32)
) STRICT;
INSERT INTO hospital_secrets (name, value) VALUES ('user_name_key', randomblob(32));

CREATE TRIGGER hospital_secrets_no_update BEFORE UPDATE ON hospital_secrets
BEGIN
    SELECT RAISE(ABORT, 'a hospital secret never changes');
END;

CREATE TRIGGER hospital_secrets_no_delete BEFORE DELETE ON hospital_secrets
BEGIN
    SELECT RAISE(ABORT, 'a hospital secret is never deleted');
END;

-- When the patient died (UTC), recorded by a discharge as deceased or by an
-- admin; NULL while alive. An admin corrects a wrong record with a reason
-- (kept in the audit trail).
ALTER TABLE patients ADD COLUMN died_at TEXT
    CHECK (died_at IS NULL OR died_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z');

-- A patient who has died is not booked, admitted or dispensed to, with the
-- program bypassed too.
CREATE TRIGGER appointments_not_after_death BEFORE INSERT ON appointments
WHEN (SELECT died_at FROM patients WHERE id = NEW.patient_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the patient has died: no appointment can be booked');
END;

CREATE TRIGGER admissions_not_after_death BEFORE INSERT ON admissions
WHEN (SELECT died_at FROM patients WHERE id = NEW.patient_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the patient has died: they cannot be admitted');
END;

CREATE TRIGGER dispenses_not_after_death BEFORE INSERT ON stock_movements
WHEN NEW.kind = 'dispense' AND NEW.patient_id IS NOT NULL
  AND (SELECT died_at FROM patients WHERE id = NEW.patient_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the patient has died: nothing is dispensed to them');
END;

-- A charge that came from an event is posted once: while a line for the
-- same source (and day, for a bed-day) stands unreversed, another is
-- refused, with the program bypassed too. A reversed line may be posted
-- again (a consultation completed again after an undo).
CREATE TRIGGER charges_once_per_source BEFORE INSERT ON charges
WHEN NEW.reverses IS NULL AND NEW.source_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM charges c
              WHERE c.source_kind = NEW.source_kind AND c.source_id = NEW.source_id
                AND c.source_day IS NEW.source_day AND c.reverses IS NULL
                AND NOT EXISTS (SELECT 1 FROM charges r WHERE r.reverses = c.id))
BEGIN
    SELECT RAISE(ABORT, 'this event is already charged: reverse its line before posting it again');
END;
