-- Migration 12: prescriptions, dispensing against them, and the medication
-- administration record (MAR). Shipped: never edit; add a new numbered file
-- instead.
--
-- The rules that must hold with the program bypassed live here: a
-- prescription's patient, prescriber, medicine and dose never change (only
-- its end, once); a dispense against it never exceeds what is prescribed and
-- still owed; administrations and overrides are append-only (a wrong dose
-- record is corrected by a new row naming it); nothing is deleted.

-- The formulary's paediatric maximum of an item: micrograms per kilogram of
-- body weight in one dose (NULL: no maximum known).
ALTER TABLE stock_items ADD COLUMN paed_max_mcg_per_kg INTEGER
    CHECK (paed_max_mcg_per_kg IS NULL OR paed_max_mcg_per_kg BETWEEN 1 AND 1000000);

-- A prescription: a formulary item, or a medicine named and bought outside.
-- The dose is in thousandths of its unit (2.5 ml is 2500). `quantity` is
-- what the pharmacy dispenses, in the item's unit; when it differs from
-- the computed quantity the prescriber gave a reason. `dispensed` is kept
-- by the trigger of `prescription_dispenses` only, like a batch's on_hand:
-- it always equals the sum of its dispenses and never exceeds `quantity`. An inpatient order
-- names its admission and ends at discharge (completed) or when stopped.
CREATE TABLE prescriptions (
    id                 TEXT PRIMARY KEY NOT NULL,
    visit_id           TEXT NOT NULL REFERENCES visits (id),
    patient_id         TEXT NOT NULL REFERENCES patients (id),
    admission_id       TEXT REFERENCES admissions (id),
    prescriber_id      TEXT NOT NULL REFERENCES users (id),
    item_id            TEXT REFERENCES stock_items (id),
    outside_name       TEXT CHECK (length(trim(outside_name)) BETWEEN 1 AND 100),
    generic_name       TEXT NOT NULL CHECK (length(trim(generic_name)) BETWEEN 1 AND 100),
    dose_milli         INTEGER NOT NULL CHECK (dose_milli BETWEEN 1 AND 1000000000),
    dose_unit          TEXT NOT NULL CHECK (dose_unit IN ('mg', 'g', 'mcg', 'ml', 'unit',
                                            'tablet', 'capsule', 'drop', 'puff', 'sachet',
                                            'suppository', 'pessary', 'application', 'patch')),
    route              TEXT NOT NULL CHECK (route IN ('oral', 'iv', 'im', 'sc', 'topical',
                                            'inhaled', 'rectal', 'vaginal', 'other')),
    frequency          TEXT NOT NULL CHECK (frequency IN ('once', 'od', 'bd', 'tds', 'qid',
                                            'q4h', 'q6h', 'q8h', 'nocte', 'weekly', 'prn', 'stat')),
    prn_indication     TEXT CHECK (length(trim(prn_indication)) BETWEEN 1 AND 200),
    prn_max_daily      INTEGER CHECK (prn_max_daily BETWEEN 1 AND 24),
    duration_days      INTEGER CHECK (duration_days BETWEEN 1 AND 365),
    instructions       TEXT NOT NULL DEFAULT '' CHECK (length(instructions) <= 500),
    quantity_computed  INTEGER CHECK (quantity_computed BETWEEN 1 AND 10000000),
    quantity           INTEGER NOT NULL CHECK (quantity BETWEEN 0 AND 10000000),
    dispensed          INTEGER NOT NULL DEFAULT 0 CHECK (dispensed >= 0 AND dispensed <= quantity),
    quantity_reason    TEXT CHECK (length(trim(quantity_reason)) BETWEEN 1 AND 200),
    priority           TEXT NOT NULL CHECK (priority IN ('routine', 'urgent', 'stat')),
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped', 'completed')),
    starts_at          TEXT NOT NULL CHECK (starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    prescribed_at      TEXT NOT NULL CHECK (prescribed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ended_at           TEXT CHECK (ended_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ended_by           TEXT REFERENCES users (id),
    end_reason         TEXT CHECK (length(trim(end_reason)) BETWEEN 1 AND 200),
    CHECK ((item_id IS NULL) <> (outside_name IS NULL)),
    CHECK (item_id IS NOT NULL OR quantity = 0),
    CHECK (item_id IS NULL OR quantity >= 1),
    CHECK ((frequency = 'prn') = (prn_indication IS NOT NULL)),
    CHECK ((frequency = 'prn') = (prn_max_daily IS NOT NULL)),
    CHECK (quantity_computed IS NULL OR quantity = quantity_computed OR quantity_reason IS NOT NULL),
    CHECK ((status = 'active') = (ended_at IS NULL)),
    CHECK ((ended_at IS NULL) = (ended_by IS NULL) AND (ended_at IS NULL) = (end_reason IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= prescribed_at)
) STRICT;
CREATE INDEX prescriptions_patient ON prescriptions (patient_id, prescribed_at);
CREATE INDEX prescriptions_visit ON prescriptions (visit_id);
-- The active orders of an admission (the MAR, the ward's due list, discharge).
CREATE INDEX prescriptions_admission ON prescriptions (admission_id, status)
    WHERE admission_id IS NOT NULL;
-- The pharmacy's queue: active prescriptions still owed something.
CREATE INDEX prescriptions_queue ON prescriptions (prescribed_at)
    WHERE status = 'active' AND dispensed < quantity;

CREATE TRIGGER prescriptions_same_patient BEFORE INSERT ON prescriptions
WHEN NEW.patient_id IS NOT (SELECT patient_id FROM visits WHERE id = NEW.visit_id)
  OR (NEW.admission_id IS NOT NULL
      AND NEW.patient_id IS NOT (SELECT patient_id FROM admissions WHERE id = NEW.admission_id))
BEGIN
    SELECT RAISE(ABORT, 'a prescription belongs to its visit''s (and admission''s) patient');
END;
CREATE TRIGGER prescriptions_start_active BEFORE INSERT ON prescriptions
WHEN NEW.status IS NOT 'active' OR NEW.dispensed <> 0
BEGIN
    SELECT RAISE(ABORT, 'a prescription starts active with nothing dispensed');
END;
-- Everything but the end and the dispensed quantity is fixed (a changed
-- dose is a new prescription); the end is written once, from active.
CREATE TRIGGER prescriptions_fixed BEFORE UPDATE ON prescriptions
WHEN NEW.id IS NOT OLD.id OR NEW.visit_id IS NOT OLD.visit_id
  OR NEW.patient_id IS NOT OLD.patient_id OR NEW.admission_id IS NOT OLD.admission_id
  OR NEW.prescriber_id IS NOT OLD.prescriber_id OR NEW.item_id IS NOT OLD.item_id
  OR NEW.outside_name IS NOT OLD.outside_name OR NEW.generic_name IS NOT OLD.generic_name
  OR NEW.dose_milli IS NOT OLD.dose_milli OR NEW.dose_unit IS NOT OLD.dose_unit
  OR NEW.route IS NOT OLD.route OR NEW.frequency IS NOT OLD.frequency
  OR NEW.prn_indication IS NOT OLD.prn_indication OR NEW.prn_max_daily IS NOT OLD.prn_max_daily
  OR NEW.duration_days IS NOT OLD.duration_days OR NEW.instructions IS NOT OLD.instructions
  OR NEW.quantity_computed IS NOT OLD.quantity_computed OR NEW.quantity IS NOT OLD.quantity
  OR NEW.quantity_reason IS NOT OLD.quantity_reason OR NEW.priority IS NOT OLD.priority
  OR NEW.starts_at IS NOT OLD.starts_at OR NEW.prescribed_at IS NOT OLD.prescribed_at
BEGIN
    SELECT RAISE(ABORT, 'a prescription never changes, except its end once: stop it and prescribe again');
END;
CREATE TRIGGER prescriptions_end_once BEFORE UPDATE OF status, ended_at, ended_by, end_reason
    ON prescriptions
WHEN OLD.status IS NOT 'active'
  AND (NEW.status IS NOT OLD.status OR NEW.ended_at IS NOT OLD.ended_at
       OR NEW.ended_by IS NOT OLD.ended_by OR NEW.end_reason IS NOT OLD.end_reason)
BEGIN
    SELECT RAISE(ABORT, 'a prescription never changes, except its end once: stop it and prescribe again');
END;
CREATE TRIGGER prescriptions_dispensed_is_ledger BEFORE UPDATE OF dispensed ON prescriptions
WHEN NEW.dispensed IS NOT (SELECT coalesce(sum(quantity), 0) FROM prescription_dispenses
                           WHERE prescription_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'a prescription''s dispensed quantity must equal the sum of its dispenses');
END;
CREATE TRIGGER prescriptions_no_delete BEFORE DELETE ON prescriptions
BEGIN
    SELECT RAISE(ABORT, 'prescriptions are never deleted: stop them with a reason');
END;

-- A check that failed when prescribing, and the prescriber's typed reason
-- for going ahead.
CREATE TABLE prescription_overrides (
    prescription_id  TEXT NOT NULL REFERENCES prescriptions (id),
    check_kind       TEXT NOT NULL CHECK (check_kind IN ('allergy', 'duplicate', 'paediatric_dose')),
    finding          TEXT NOT NULL CHECK (length(trim(finding)) BETWEEN 1 AND 500),
    reason           TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    PRIMARY KEY (prescription_id, check_kind)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER prescription_overrides_no_update BEFORE UPDATE ON prescription_overrides
BEGIN
    SELECT RAISE(ABORT, 'overrides are append-only: they stay with the prescription');
END;
CREATE TRIGGER prescription_overrides_no_delete BEFORE DELETE ON prescription_overrides
BEGIN
    SELECT RAISE(ABORT, 'overrides are append-only: they stay with the prescription');
END;

-- The ledger rows dispensed against a prescription: one per dispense
-- movement, with the quantity it issued.
CREATE TABLE prescription_dispenses (
    movement_seq     INTEGER PRIMARY KEY NOT NULL REFERENCES stock_movements (seq),
    prescription_id  TEXT NOT NULL REFERENCES prescriptions (id),
    quantity         INTEGER NOT NULL CHECK (quantity >= 1)
) STRICT;
CREATE INDEX prescription_dispenses_prescription ON prescription_dispenses (prescription_id);

CREATE TRIGGER prescription_dispenses_check BEFORE INSERT ON prescription_dispenses
BEGIN
    SELECT RAISE(ABORT, 'only a dispense movement of the prescribed item to its patient, of the same quantity, can be linked to a prescription')
    WHERE NOT EXISTS (
        SELECT 1 FROM stock_movements m JOIN prescriptions p ON p.id = NEW.prescription_id
        WHERE m.seq = NEW.movement_seq AND m.kind = 'dispense' AND m.item_id = p.item_id
          AND m.patient_id = p.patient_id AND -m.quantity = NEW.quantity);
    SELECT RAISE(ABORT, 'the prescription is no longer active: nothing more is dispensed against it')
    WHERE (SELECT status FROM prescriptions WHERE id = NEW.prescription_id) IS NOT 'active';
    SELECT RAISE(ABORT, 'a dispense against a prescription never exceeds what is prescribed and still owed')
    WHERE (SELECT coalesce(sum(quantity), 0) FROM prescription_dispenses
           WHERE prescription_id = NEW.prescription_id) + NEW.quantity
        > (SELECT quantity FROM prescriptions WHERE id = NEW.prescription_id);
END;
CREATE TRIGGER prescription_dispenses_apply AFTER INSERT ON prescription_dispenses
BEGIN
    UPDATE prescriptions SET dispensed = dispensed + NEW.quantity WHERE id = NEW.prescription_id;
END;
CREATE TRIGGER prescription_dispenses_no_update BEFORE UPDATE ON prescription_dispenses
BEGIN
    SELECT RAISE(ABORT, 'dispenses against prescriptions are append-only, like the ledger');
END;
CREATE TRIGGER prescription_dispenses_no_delete BEFORE DELETE ON prescription_dispenses
BEGIN
    SELECT RAISE(ABORT, 'dispenses against prescriptions are append-only, like the ledger');
END;

-- The medication administration record: each dose of an order given,
-- held, refused or not available, with who and when. A scheduled dose names
-- its due time; a PRN dose has none and names its indication. A wrong
-- record is corrected by a new row that names it (and why).
CREATE TABLE medication_administrations (
    id                 TEXT PRIMARY KEY NOT NULL,
    prescription_id    TEXT NOT NULL REFERENCES prescriptions (id),
    patient_id         TEXT NOT NULL REFERENCES patients (id),
    due_at             TEXT CHECK (due_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    outcome            TEXT NOT NULL CHECK (outcome IN ('given', 'held', 'refused', 'not_available')),
    at                 TEXT NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    recorded_at        TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    by_id              TEXT NOT NULL REFERENCES users (id),
    reason             TEXT CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    prn_indication     TEXT CHECK (length(trim(prn_indication)) BETWEEN 1 AND 200),
    corrects_id        TEXT UNIQUE REFERENCES medication_administrations (id),
    correction_reason  TEXT CHECK (length(trim(correction_reason)) BETWEEN 1 AND 200),
    CHECK (outcome = 'given' OR reason IS NOT NULL),
    CHECK ((corrects_id IS NULL) = (correction_reason IS NULL)),
    CHECK ((due_at IS NULL) = (prn_indication IS NOT NULL))
) STRICT;
CREATE INDEX medication_administrations_prescription
    ON medication_administrations (prescription_id, due_at);
CREATE INDEX medication_administrations_patient ON medication_administrations (patient_id, at);
-- One first record per scheduled dose: a second nurse cannot record the
-- same dose again; a change is a correction naming the first.
CREATE UNIQUE INDEX medication_administrations_one_per_dose
    ON medication_administrations (prescription_id, due_at)
    WHERE corrects_id IS NULL AND due_at IS NOT NULL;

CREATE TRIGGER medication_administrations_check BEFORE INSERT ON medication_administrations
BEGIN
    SELECT RAISE(ABORT, 'a dose belongs to its prescription''s patient')
    WHERE NEW.patient_id IS NOT (SELECT patient_id FROM prescriptions WHERE id = NEW.prescription_id);
    SELECT RAISE(ABORT, 'a PRN dose names its indication and a scheduled dose its due time')
    WHERE (NEW.prn_indication IS NOT NULL)
       <> ((SELECT frequency FROM prescriptions WHERE id = NEW.prescription_id) = 'prn');
    SELECT RAISE(ABORT, 'the prescription is no longer active: no dose is recorded against it')
    WHERE NEW.corrects_id IS NULL
      AND (SELECT status FROM prescriptions WHERE id = NEW.prescription_id) IS NOT 'active';
    SELECT RAISE(ABORT, 'a correction names an earlier record of the same dose')
    WHERE NEW.corrects_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM medication_administrations o
        WHERE o.id = NEW.corrects_id AND o.prescription_id = NEW.prescription_id
          AND o.due_at IS NEW.due_at);
END;
CREATE TRIGGER medication_administrations_no_update BEFORE UPDATE ON medication_administrations
BEGIN
    SELECT RAISE(ABORT, 'administration records are append-only: record a correction that names the wrong entry');
END;
CREATE TRIGGER medication_administrations_no_delete BEFORE DELETE ON medication_administrations
BEGIN
    SELECT RAISE(ABORT, 'administration records are append-only: record a correction that names the wrong entry');
END;
