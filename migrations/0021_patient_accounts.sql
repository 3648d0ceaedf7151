-- Migration 21: patients' own (portal) accounts (seed 001).
-- Shipped: never edit; add a new numbered file instead.

-- The patient a patient account belongs to. A patient account is linked to
-- exactly one patient, only patient accounts are linked, and a patient has
-- at most one account: each held here, with the program bypassed too.
ALTER TABLE users ADD COLUMN patient_id TEXT REFERENCES patients (id);
CREATE UNIQUE INDEX users_one_per_patient ON users (patient_id) WHERE patient_id IS NOT NULL;

CREATE TRIGGER users_patient_link_on_insert BEFORE INSERT ON users
WHEN (NEW.role = 'patient') <> (NEW.patient_id IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a patient account is linked to exactly one patient, and only patient accounts are linked');
END;

CREATE TRIGGER users_patient_link_on_update BEFORE UPDATE OF role, patient_id ON users
WHEN (NEW.role = 'patient') <> (NEW.patient_id IS NOT NULL)
  OR (NEW.patient_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM patients WHERE id = NEW.patient_id))
BEGIN
    SELECT RAISE(ABORT, 'a patient account is linked to exactly one patient, and only patient accounts are linked');
END;

-- An account is made only for a patient in the file whose identity has
-- been verified, and never for a deleted or merged record (held with
-- foreign keys off too, as a raw connection has them).
CREATE TRIGGER users_patient_verified BEFORE INSERT ON users
WHEN NEW.patient_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM patients WHERE id = NEW.patient_id
                  AND verified_at IS NOT NULL AND deleted_at IS NULL AND merged_into IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a portal account is made only for a patient whose identity has been verified, and whose record is neither deleted nor merged');
END;

-- The per-patient switch that turns portal access off at once (1 = on).
ALTER TABLE patients ADD COLUMN portal_enabled INTEGER NOT NULL DEFAULT 1
    CHECK (portal_enabled IN (0, 1));

-- Deleting a patient disables their account in the same write.
CREATE TRIGGER patients_delete_disables_account AFTER UPDATE OF deleted_at ON patients
WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL
BEGIN
    UPDATE users SET disabled_at = NEW.deleted_at, updated_at = NEW.deleted_at, version = version + 1
    WHERE patient_id = NEW.id AND disabled_at IS NULL;
END;
