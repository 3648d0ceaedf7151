-- Migration 16: the laboratory's work. Orders (one specimen each, with its
-- accession number), the tests they ask for, and the results entered per
-- analyte, verified, corrected and, when critical, acknowledged. Shipped:
-- never edit; add a new numbered file instead.
--
-- The rules that must hold with the program bypassed live here: an order's
-- patient, tests, priority and times never change (only its progress, each
-- step once); a result is entered against a collected specimen and verified
-- by a second lab user (or by the same one, typed and flagged, where the
-- hospital's `lab_self_verify` setting allows it); a verified result never
-- changes: a correction is a new version naming it, with a reason; a
-- critical result is acknowledged once, by whom and when; nothing is
-- deleted.

-- A laboratory order: the tests of one specimen for one patient, asked for
-- from a visit or for an admitted patient. `accession` is its sequence
-- number in the hospital (shown with its check character, `LAB-000123-K`).
-- `status` is its progress: waiting for collection (ordered), collected,
-- in progress (some results entered), resulted (all entered), verified;
-- or rejected (the specimen, with a reason the clinician sees) or
-- cancelled (by a clinician before collection).
CREATE TABLE lab_orders (
    id                TEXT PRIMARY KEY NOT NULL,
    accession         INTEGER NOT NULL UNIQUE CHECK (accession >= 1),
    patient_id        TEXT NOT NULL REFERENCES patients (id),
    visit_id          TEXT REFERENCES visits (id),
    admission_id      TEXT REFERENCES admissions (id),
    ordered_by        TEXT NOT NULL REFERENCES users (id),
    ordered_at        TEXT NOT NULL CHECK (ordered_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    priority          TEXT NOT NULL CHECK (priority IN ('routine', 'urgent', 'stat')),
    specimen          TEXT NOT NULL CHECK (length(trim(specimen)) BETWEEN 1 AND 80),
    clinical_notes    TEXT NOT NULL DEFAULT '' CHECK (length(clinical_notes) <= 500),
    status            TEXT NOT NULL DEFAULT 'ordered'
                      CHECK (status IN ('ordered', 'collected', 'in_progress', 'resulted',
                                        'verified', 'rejected', 'cancelled')),
    collected_at      TEXT CHECK (collected_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    collected_by      TEXT REFERENCES users (id),
    -- When every result was first verified: the end of the turnaround.
    verified_at       TEXT CHECK (verified_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ended_at          TEXT CHECK (ended_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ended_by          TEXT REFERENCES users (id),
    reject_reason     TEXT CHECK (reject_reason IN ('haemolysed', 'insufficient', 'mislabelled',
                                                    'clotted', 'contaminated', 'other')),
    end_note          TEXT CHECK (length(trim(end_note)) BETWEEN 1 AND 200),
    version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (visit_id IS NOT NULL OR admission_id IS NOT NULL),
    CHECK ((collected_at IS NULL) = (collected_by IS NULL)),
    CHECK (status NOT IN ('collected', 'in_progress', 'resulted', 'verified')
           OR collected_at IS NOT NULL),
    CHECK (status NOT IN ('ordered', 'cancelled') OR collected_at IS NULL),
    CHECK (collected_at IS NULL OR collected_at >= ordered_at),
    -- Kept when a correction sends a verified order back to resulted.
    CHECK (status <> 'verified' OR verified_at IS NOT NULL),
    CHECK (verified_at IS NULL OR status IN ('resulted', 'verified')),
    CHECK (verified_at IS NULL OR verified_at >= collected_at),
    CHECK ((status IN ('rejected', 'cancelled')) = (ended_at IS NOT NULL)),
    CHECK ((ended_at IS NULL) = (ended_by IS NULL)),
    CHECK ((status = 'rejected') = (reject_reason IS NOT NULL)),
    CHECK (status <> 'cancelled' OR end_note IS NOT NULL),
    CHECK (reject_reason IS NOT 'other' OR end_note IS NOT NULL),
    CHECK (end_note IS NULL OR ended_at IS NOT NULL),
    CHECK (ended_at IS NULL OR ended_at >= ordered_at)
) STRICT;
CREATE INDEX lab_orders_patient ON lab_orders (patient_id, ordered_at);
CREATE INDEX lab_orders_visit ON lab_orders (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX lab_orders_admission ON lab_orders (admission_id) WHERE admission_id IS NOT NULL;
-- The lab's worklist: orders still to be collected, resulted or verified,
-- with what the list is sorted by, so the list is read from the index.
CREATE INDEX lab_orders_open ON lab_orders (status, priority, ordered_at, accession, id)
    WHERE status IN ('ordered', 'collected', 'in_progress', 'resulted');
-- The lab's lists of the day's verified and rejected orders.
CREATE INDEX lab_orders_verified_on ON lab_orders (verified_at) WHERE status = 'verified';
CREATE INDEX lab_orders_rejected_on ON lab_orders (ended_at) WHERE status = 'rejected';
-- The turnaround and workload reports: orders by the day they were made.
CREATE INDEX lab_orders_ordered ON lab_orders (ordered_at);
-- Rejected specimens the ordering clinician is shown.
CREATE INDEX lab_orders_rejected ON lab_orders (ordered_by, ended_at) WHERE status = 'rejected';

CREATE TRIGGER lab_orders_check BEFORE INSERT ON lab_orders
BEGIN
    SELECT RAISE(ABORT, 'a lab order belongs to its visit''s (and admission''s) patient')
    WHERE (NEW.visit_id IS NOT NULL
           AND NEW.patient_id IS NOT (SELECT patient_id FROM visits WHERE id = NEW.visit_id))
       OR (NEW.admission_id IS NOT NULL
           AND NEW.patient_id IS NOT (SELECT patient_id FROM admissions WHERE id = NEW.admission_id));
    SELECT RAISE(ABORT, 'a lab order starts waiting for collection')
    WHERE NEW.status IS NOT 'ordered' OR NEW.version IS NOT 1;
END;
-- What was ordered never changes; the progress moves forward one step at a
-- time and each stamp is written once.
CREATE TRIGGER lab_orders_fixed BEFORE UPDATE ON lab_orders
WHEN NEW.id IS NOT OLD.id OR NEW.accession IS NOT OLD.accession
  OR NEW.patient_id IS NOT OLD.patient_id OR NEW.visit_id IS NOT OLD.visit_id
  OR NEW.admission_id IS NOT OLD.admission_id OR NEW.ordered_by IS NOT OLD.ordered_by
  OR NEW.ordered_at IS NOT OLD.ordered_at OR NEW.priority IS NOT OLD.priority
  OR NEW.specimen IS NOT OLD.specimen OR NEW.clinical_notes IS NOT OLD.clinical_notes
  OR (OLD.collected_at IS NOT NULL
      AND (NEW.collected_at IS NOT OLD.collected_at OR NEW.collected_by IS NOT OLD.collected_by))
  OR (OLD.verified_at IS NOT NULL AND NEW.verified_at IS NOT OLD.verified_at)
  OR OLD.status IN ('rejected', 'cancelled')
  OR NEW.version IS NOT OLD.version + 1
BEGIN
    SELECT RAISE(ABORT, 'a lab order never changes, except its progress, one step at a time: order again for a change');
END;
CREATE TRIGGER lab_orders_progress BEFORE UPDATE OF status ON lab_orders
WHEN NEW.status IS NOT OLD.status AND NOT (
       (OLD.status = 'ordered' AND NEW.status IN ('collected', 'rejected', 'cancelled'))
    OR (OLD.status = 'collected' AND NEW.status IN ('in_progress', 'resulted', 'rejected'))
    OR (OLD.status = 'in_progress' AND NEW.status IN ('resulted', 'rejected'))
    OR (OLD.status = 'resulted' AND NEW.status = 'verified')
    OR (OLD.status = 'verified' AND NEW.status = 'resulted'))
BEGIN
    SELECT RAISE(ABORT, 'a lab order moves forward one step at a time: ordered, collected, resulted, verified');
END;
-- An order is verified exactly when each of its analytes has a verified
-- current result.
CREATE TRIGGER lab_orders_verified_means_verified BEFORE UPDATE OF status ON lab_orders
WHEN NEW.status = 'verified' AND OLD.status IS NOT 'verified' AND EXISTS (
    SELECT 1 FROM lab_order_tests t JOIN lab_analytes a ON a.test_id = t.test_id AND a.active = 1
    WHERE t.order_id = NEW.id AND NOT EXISTS (
        SELECT 1 FROM lab_results r
        WHERE r.order_id = NEW.id AND r.analyte_id = a.id AND r.verified_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM lab_results c WHERE c.corrects_id = r.id)))
BEGIN
    SELECT RAISE(ABORT, 'an order is verified only when every one of its results is');
END;
CREATE TRIGGER lab_orders_no_delete BEFORE DELETE ON lab_orders
BEGIN
    SELECT RAISE(ABORT, 'lab orders are never deleted: cancel them, or reject the specimen, with a reason');
END;

-- The tests an order asks for (a panel's analytes come with it).
CREATE TABLE lab_order_tests (
    order_id  TEXT NOT NULL REFERENCES lab_orders (id),
    test_id   TEXT NOT NULL REFERENCES lab_tests (id),
    position  INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (order_id, test_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER lab_order_tests_check BEFORE INSERT ON lab_order_tests
BEGIN
    SELECT RAISE(ABORT, 'tests are added to an order only as it is made')
    WHERE (SELECT status FROM lab_orders WHERE id = NEW.order_id) IS NOT 'ordered'
       OR EXISTS (SELECT 1 FROM lab_results WHERE order_id = NEW.order_id);
    SELECT RAISE(ABORT, 'an order''s tests share its specimen and are active in the catalogue')
    WHERE NOT EXISTS (SELECT 1 FROM lab_tests t JOIN lab_orders o ON o.id = NEW.order_id
                      WHERE t.id = NEW.test_id AND t.active = 1 AND t.specimen = o.specimen);
END;
CREATE TRIGGER lab_order_tests_no_update BEFORE UPDATE ON lab_order_tests
BEGIN
    SELECT RAISE(ABORT, 'an order''s tests never change: cancel it and order again');
END;
CREATE TRIGGER lab_order_tests_no_delete BEFORE DELETE ON lab_order_tests
BEGIN
    SELECT RAISE(ABORT, 'an order''s tests never change: cancel it and order again');
END;

-- A result of one analyte of an order, as entered: the value as typed
-- (`value`), its number for a number, the flag against the reference range
-- the patient had at collection (kept with it, so a later catalogue change
-- never re-flags it). Until verified, the lab may re-enter it; verified,
-- it never changes: a correction is a new row naming it (`corrects_id`),
-- with a reason, and is verified in its turn. A critical result (flag LL or
-- HH) is acknowledged once by a clinician.
CREATE TABLE lab_results (
    id                 TEXT PRIMARY KEY NOT NULL,
    order_id           TEXT NOT NULL REFERENCES lab_orders (id),
    patient_id         TEXT NOT NULL REFERENCES patients (id),
    analyte_id         TEXT NOT NULL REFERENCES lab_analytes (id),
    value              TEXT NOT NULL CHECK (length(trim(value)) BETWEEN 1 AND 2000),
    value_number       REAL,
    flag               TEXT NOT NULL CHECK (flag IN ('', 'L', 'H', 'LL', 'HH', 'A')),
    range_low          REAL,
    range_high         REAL,
    entered_by         TEXT NOT NULL REFERENCES users (id),
    entered_at         TEXT NOT NULL CHECK (entered_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    verified_by        TEXT REFERENCES users (id),
    verified_at        TEXT CHECK (verified_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    -- 1 when the one who entered it verified it, under `lab_self_verify`.
    self_verified      INTEGER NOT NULL DEFAULT 0 CHECK (self_verified IN (0, 1)),
    corrects_id        TEXT UNIQUE REFERENCES lab_results (id),
    correction_reason  TEXT CHECK (length(trim(correction_reason)) BETWEEN 1 AND 200),
    acknowledged_by    TEXT REFERENCES users (id),
    acknowledged_at    TEXT CHECK (acknowledged_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    CHECK ((corrects_id IS NULL) = (correction_reason IS NULL)),
    CHECK ((verified_at IS NULL) = (verified_by IS NULL)),
    CHECK (verified_at IS NULL OR verified_at >= entered_at),
    CHECK (self_verified = 0 OR verified_by = entered_by),
    CHECK (verified_by IS NOT entered_by OR self_verified = 1),
    CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
    CHECK (acknowledged_at IS NULL OR (verified_at IS NOT NULL AND flag IN ('LL', 'HH')
                                       AND acknowledged_at >= verified_at))
) STRICT;
-- One first entry per analyte of an order; later versions name it.
CREATE UNIQUE INDEX lab_results_one_per_analyte ON lab_results (order_id, analyte_id)
    WHERE corrects_id IS NULL;
CREATE INDEX lab_results_order ON lab_results (order_id);
-- The record's results and an analyte's trend.
CREATE INDEX lab_results_patient ON lab_results (patient_id, analyte_id);
-- Critical results still to be acknowledged: few, read on every worklist
-- and bed board.
CREATE INDEX lab_results_critical_open ON lab_results (patient_id)
    WHERE flag IN ('LL', 'HH') AND acknowledged_at IS NULL;

CREATE TRIGGER lab_results_check BEFORE INSERT ON lab_results
BEGIN
    SELECT RAISE(ABORT, 'a result belongs to its order''s patient and one of its tests'' analytes')
    WHERE NEW.patient_id IS NOT (SELECT patient_id FROM lab_orders WHERE id = NEW.order_id)
       OR NOT EXISTS (SELECT 1 FROM lab_order_tests t JOIN lab_analytes a ON a.test_id = t.test_id
                      WHERE t.order_id = NEW.order_id AND a.id = NEW.analyte_id);
    SELECT RAISE(ABORT, 'results are entered for a collected specimen, not yet rejected')
    WHERE (SELECT status FROM lab_orders WHERE id = NEW.order_id)
          NOT IN ('collected', 'in_progress', 'resulted', 'verified');
    SELECT RAISE(ABORT, 'a first result is entered before the order is verified; a later one is a correction')
    WHERE NEW.corrects_id IS NULL
      AND (SELECT status FROM lab_orders WHERE id = NEW.order_id) = 'verified';
    SELECT RAISE(ABORT, 'a correction names the verified, current result of the same analyte')
    WHERE NEW.corrects_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM lab_results o
        WHERE o.id = NEW.corrects_id AND o.order_id = NEW.order_id
          AND o.analyte_id = NEW.analyte_id AND o.verified_at IS NOT NULL);
    SELECT RAISE(ABORT, 'results are entered by a lab technician')
    WHERE (SELECT role FROM users WHERE id = NEW.entered_by) IS NOT 'lab_tech';
    SELECT RAISE(ABORT, 'a result is entered unverified and unacknowledged')
    WHERE NEW.verified_at IS NOT NULL OR NEW.acknowledged_at IS NOT NULL
       OR NEW.self_verified IS NOT 0;
END;
-- Before verification the value may be re-entered; verification is
-- written once, by a second lab user unless the hospital allows its lab
-- to verify its own results; after it, only the acknowledgement of a
-- critical value is written, once.
CREATE TRIGGER lab_results_fixed BEFORE UPDATE ON lab_results
WHEN NEW.id IS NOT OLD.id OR NEW.order_id IS NOT OLD.order_id
  OR NEW.patient_id IS NOT OLD.patient_id OR NEW.analyte_id IS NOT OLD.analyte_id
  OR NEW.corrects_id IS NOT OLD.corrects_id OR NEW.correction_reason IS NOT OLD.correction_reason
  OR (OLD.verified_at IS NOT NULL
      AND (NEW.value IS NOT OLD.value OR NEW.value_number IS NOT OLD.value_number
           OR NEW.flag IS NOT OLD.flag OR NEW.range_low IS NOT OLD.range_low
           OR NEW.range_high IS NOT OLD.range_high OR NEW.entered_by IS NOT OLD.entered_by
           OR NEW.entered_at IS NOT OLD.entered_at OR NEW.verified_by IS NOT OLD.verified_by
           OR NEW.verified_at IS NOT OLD.verified_at OR NEW.self_verified IS NOT OLD.self_verified))
  OR (OLD.acknowledged_at IS NOT NULL
      AND (NEW.acknowledged_at IS NOT OLD.acknowledged_at
           OR NEW.acknowledged_by IS NOT OLD.acknowledged_by))
BEGIN
    SELECT RAISE(ABORT, 'a verified result never changes: enter a correction with a reason');
END;
CREATE TRIGGER lab_results_second_verifier BEFORE UPDATE OF verified_by ON lab_results
WHEN NEW.verified_by IS NOT NULL AND OLD.verified_by IS NULL
BEGIN
    SELECT RAISE(ABORT, 'results are verified by a lab technician')
    WHERE (SELECT role FROM users WHERE id = NEW.verified_by) IS NOT 'lab_tech';
    SELECT RAISE(ABORT, 'a result is verified by a second lab user (the hospital''s lab_self_verify setting is off)')
    WHERE NEW.verified_by = NEW.entered_by
      AND NOT (NEW.self_verified = 1
               AND coalesce((SELECT value FROM settings WHERE key = 'lab_self_verify'), 'no') = 'yes');
END;
CREATE TRIGGER lab_results_no_delete BEFORE DELETE ON lab_results
BEGIN
    SELECT RAISE(ABORT, 'lab results are never deleted: enter a correction with a reason');
END;
