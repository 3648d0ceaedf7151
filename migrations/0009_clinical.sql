-- Migration 9: the clinical record: visits and their notes, addenda, vitals,
-- diagnoses, allergies, the problem list, and break-the-glass grants.
-- Shipped: never edit; add a new numbered file instead.
--
-- The rules that must hold with the program bypassed live here: a visit's
-- patient and clinician never change, a signed note never changes, addenda,
-- vitals, diagnoses, allergies and problems are append-only except for the
-- one-way marks (entered in error, resolved), and nothing is deleted.

-- A visit (encounter): one patient, one clinician, one kind. A ward round
-- names its admission; a visit called in from an appointment names it, once.
CREATE TABLE visits (
    id              TEXT PRIMARY KEY NOT NULL,
    patient_id      TEXT NOT NULL REFERENCES patients (id),
    clinician_id    TEXT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL CHECK (kind IN ('outpatient', 'walk_in', 'ward_round',
                                                  'nursing_note', 'antenatal')),
    appointment_id  TEXT UNIQUE REFERENCES appointments (id),
    admission_id    TEXT REFERENCES admissions (id),
    started_at      TEXT NOT NULL CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    started_by      TEXT NOT NULL REFERENCES users (id),
    version         INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (kind <> 'ward_round' OR admission_id IS NOT NULL)
) STRICT;
CREATE INDEX visits_patient ON visits (patient_id, started_at);
CREATE INDEX visits_clinician ON visits (clinician_id, started_at);
CREATE INDEX visits_admission ON visits (admission_id, started_at) WHERE admission_id IS NOT NULL;

CREATE TRIGGER visits_people_fixed BEFORE UPDATE ON visits
WHEN NEW.patient_id IS NOT OLD.patient_id OR NEW.clinician_id IS NOT OLD.clinician_id
  OR NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'a visit''s patient and clinician never change: start a new visit instead');
END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits
BEGIN
    SELECT RAISE(ABORT, 'visits are never deleted');
END;

-- A visit's note: a draft (saved as it is typed, versioned) until signed.
CREATE TABLE visit_notes (
    visit_id              TEXT PRIMARY KEY NOT NULL REFERENCES visits (id),
    presenting_complaint  TEXT NOT NULL DEFAULT '' CHECK (length(presenting_complaint) <= 20000),
    history               TEXT NOT NULL DEFAULT '' CHECK (length(history) <= 20000),
    examination           TEXT NOT NULL DEFAULT '' CHECK (length(examination) <= 20000),
    assessment            TEXT NOT NULL DEFAULT '' CHECK (length(assessment) <= 20000),
    plan                  TEXT NOT NULL DEFAULT '' CHECK (length(plan) <= 20000),
    author_id             TEXT NOT NULL REFERENCES users (id),
    saved_at              TEXT NOT NULL CHECK (saved_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    signed_at             TEXT CHECK (signed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    signed_by             TEXT REFERENCES users (id),
    version               INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((signed_at IS NULL) = (signed_by IS NULL)),
    CHECK (signed_at IS NULL OR signed_at >= saved_at),
    CHECK (signed_at IS NULL OR trim(presenting_complaint || history || examination
                                          || assessment || plan) <> '')
) STRICT;
-- Open drafts by author, oldest first (the worklist's stale drafts).
CREATE INDEX visit_notes_drafts ON visit_notes (author_id, saved_at) WHERE signed_at IS NULL;

CREATE TRIGGER visit_notes_signed_fixed BEFORE UPDATE ON visit_notes
WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed note never changes: corrections are addenda');
END;
CREATE TRIGGER visit_notes_author_fixed BEFORE UPDATE ON visit_notes
WHEN NEW.visit_id IS NOT OLD.visit_id OR NEW.author_id IS NOT OLD.author_id
BEGIN
    SELECT RAISE(ABORT, 'a note stays with its visit and its author');
END;
CREATE TRIGGER visit_notes_signer_insert BEFORE INSERT ON visit_notes
WHEN NEW.signed_by IS NOT NULL
 AND NEW.signed_by IS NOT NEW.author_id
 AND NEW.signed_by IS NOT (SELECT clinician_id FROM visits WHERE id = NEW.visit_id)
BEGIN
    SELECT RAISE(ABORT, 'a note is signed by its author or the visit''s clinician');
END;
CREATE TRIGGER visit_notes_signer_update BEFORE UPDATE OF signed_by ON visit_notes
WHEN NEW.signed_by IS NOT NULL
 AND NEW.signed_by IS NOT OLD.author_id
 AND NEW.signed_by IS NOT (SELECT clinician_id FROM visits WHERE id = OLD.visit_id)
BEGIN
    SELECT RAISE(ABORT, 'a note is signed by its author or the visit''s clinician');
END;
CREATE TRIGGER visit_notes_signed_no_delete BEFORE DELETE ON visit_notes
WHEN OLD.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed note is never deleted: corrections are addenda');
END;
CREATE TRIGGER visit_notes_no_delete BEFORE DELETE ON visit_notes
WHEN OLD.signed_at IS NULL
BEGIN
    SELECT RAISE(ABORT, 'notes are never deleted');
END;

-- Corrections and additions to a signed note: who, why, what, when.
CREATE TABLE note_addenda (
    id         TEXT PRIMARY KEY NOT NULL,
    visit_id   TEXT NOT NULL REFERENCES visit_notes (visit_id),
    author_id  TEXT NOT NULL REFERENCES users (id),
    reason     TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    body       TEXT NOT NULL CHECK (length(trim(body)) BETWEEN 1 AND 20000),
    added_at   TEXT NOT NULL CHECK (added_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;
CREATE INDEX note_addenda_visit ON note_addenda (visit_id, added_at);

CREATE TRIGGER note_addenda_on_signed BEFORE INSERT ON note_addenda
WHEN (SELECT signed_at FROM visit_notes WHERE visit_id = NEW.visit_id) IS NULL
BEGIN
    SELECT RAISE(ABORT, 'an addendum goes on a signed note: edit the draft instead');
END;
CREATE TRIGGER note_addenda_no_update BEFORE UPDATE ON note_addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda are append-only: add another addendum');
END;
CREATE TRIGGER note_addenda_no_delete BEFORE DELETE ON note_addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda are append-only: add another addendum');
END;

-- A set of vital signs, in integer units: temperature in tenths of a degree
-- Celsius, weight in grams, height and MUAC in millimetres, blood glucose in
-- tenths of mmol/L. BMI is computed from weight and height, never stored.
CREATE TABLE vitals (
    id                TEXT PRIMARY KEY NOT NULL,
    patient_id        TEXT NOT NULL REFERENCES patients (id),
    visit_id          TEXT REFERENCES visits (id),
    admission_id      TEXT REFERENCES admissions (id),
    taken_at          TEXT NOT NULL CHECK (taken_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    taken_by          TEXT NOT NULL REFERENCES users (id),
    recorded_at       TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    temperature_dc    INTEGER CHECK (temperature_dc BETWEEN 250 AND 450),
    pulse             INTEGER CHECK (pulse BETWEEN 20 AND 250),
    respiratory_rate  INTEGER CHECK (respiratory_rate BETWEEN 4 AND 80),
    systolic          INTEGER CHECK (systolic BETWEEN 40 AND 300),
    diastolic         INTEGER CHECK (diastolic BETWEEN 20 AND 200),
    spo2              INTEGER CHECK (spo2 BETWEEN 50 AND 100),
    on_oxygen         INTEGER CHECK (on_oxygen IN (0, 1)),
    spo2_scale        INTEGER NOT NULL DEFAULT 1 CHECK (spo2_scale IN (1, 2)),
    consciousness     TEXT CHECK (consciousness IN ('A', 'C', 'V', 'P', 'U')),
    weight_g          INTEGER CHECK (weight_g BETWEEN 300 AND 400000),
    height_mm         INTEGER CHECK (height_mm BETWEEN 200 AND 2500),
    muac_mm           INTEGER CHECK (muac_mm BETWEEN 50 AND 350),
    pain              INTEGER CHECK (pain BETWEEN 0 AND 10),
    glucose_dmmol     INTEGER CHECK (glucose_dmmol BETWEEN 5 AND 600),
    news2_score       INTEGER CHECK (news2_score BETWEEN 0 AND 20),
    news2_band        TEXT CHECK (news2_band IN ('low', 'low_medium', 'medium', 'high')),
    error_at          TEXT CHECK (error_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    error_by          TEXT REFERENCES users (id),
    error_reason      TEXT CHECK (length(trim(error_reason)) BETWEEN 1 AND 200),
    CHECK (temperature_dc IS NOT NULL OR pulse IS NOT NULL OR respiratory_rate IS NOT NULL
        OR systolic IS NOT NULL OR spo2 IS NOT NULL OR consciousness IS NOT NULL
        OR weight_g IS NOT NULL OR height_mm IS NOT NULL OR muac_mm IS NOT NULL
        OR pain IS NOT NULL OR glucose_dmmol IS NOT NULL),
    CHECK ((systolic IS NULL) = (diastolic IS NULL)),
    CHECK (diastolic IS NULL OR diastolic < systolic),
    CHECK ((news2_score IS NULL) = (news2_band IS NULL)),
    CHECK ((error_at IS NULL) = (error_by IS NULL) AND (error_at IS NULL) = (error_reason IS NULL))
) STRICT;
CREATE INDEX vitals_patient ON vitals (patient_id, taken_at);
-- The latest set of an admission (the board's NEWS2) by index.
CREATE INDEX vitals_admission ON vitals (admission_id, taken_at) WHERE admission_id IS NOT NULL;
CREATE INDEX vitals_visit ON vitals (visit_id) WHERE visit_id IS NOT NULL;

-- Append-only: the one change a set may have is being marked entered in
-- error, once.
CREATE TRIGGER vitals_append_only BEFORE UPDATE ON vitals
WHEN OLD.error_at IS NOT NULL OR NEW.error_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id
  OR NEW.visit_id IS NOT OLD.visit_id OR NEW.admission_id IS NOT OLD.admission_id
  OR NEW.taken_at IS NOT OLD.taken_at OR NEW.taken_by IS NOT OLD.taken_by
  OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.temperature_dc IS NOT OLD.temperature_dc OR NEW.pulse IS NOT OLD.pulse
  OR NEW.respiratory_rate IS NOT OLD.respiratory_rate OR NEW.systolic IS NOT OLD.systolic
  OR NEW.diastolic IS NOT OLD.diastolic OR NEW.spo2 IS NOT OLD.spo2
  OR NEW.on_oxygen IS NOT OLD.on_oxygen OR NEW.spo2_scale IS NOT OLD.spo2_scale
  OR NEW.consciousness IS NOT OLD.consciousness OR NEW.weight_g IS NOT OLD.weight_g
  OR NEW.height_mm IS NOT OLD.height_mm OR NEW.muac_mm IS NOT OLD.muac_mm
  OR NEW.pain IS NOT OLD.pain OR NEW.glucose_dmmol IS NOT OLD.glucose_dmmol
  OR NEW.news2_score IS NOT OLD.news2_score OR NEW.news2_band IS NOT OLD.news2_band
BEGIN
    SELECT RAISE(ABORT, 'vitals are append-only: mark a wrong set entered in error (once) and record a new one');
END;
CREATE TRIGGER vitals_no_delete BEFORE DELETE ON vitals
BEGIN
    SELECT RAISE(ABORT, 'vitals are never deleted: mark a wrong set entered in error');
END;

-- A coded diagnosis of a visit. A correction is a new row; a wrong one is
-- marked entered in error with a reason.
CREATE TABLE diagnoses (
    id            TEXT PRIMARY KEY NOT NULL,
    visit_id      TEXT NOT NULL REFERENCES visits (id),
    patient_id    TEXT NOT NULL REFERENCES patients (id),
    code_system   TEXT NOT NULL CHECK (length(code_system) BETWEEN 1 AND 20
                                        AND code_system NOT GLOB '*[^A-Za-z0-9.-]*'),
    code          TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16 AND code NOT GLOB '*[^A-Z0-9.-]*'),
    text          TEXT NOT NULL CHECK (length(trim(text)) BETWEEN 1 AND 300),
    rank          TEXT NOT NULL CHECK (rank IN ('primary', 'secondary')),
    certainty     TEXT NOT NULL CHECK (certainty IN ('provisional', 'confirmed')),
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    recorded_at   TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    error_at      TEXT CHECK (error_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    error_by      TEXT REFERENCES users (id),
    error_reason  TEXT CHECK (length(trim(error_reason)) BETWEEN 1 AND 200),
    CHECK ((error_at IS NULL) = (error_by IS NULL) AND (error_at IS NULL) = (error_reason IS NULL))
) STRICT;
CREATE INDEX diagnoses_visit ON diagnoses (visit_id);
CREATE INDEX diagnoses_patient ON diagnoses (patient_id, recorded_at);
-- One primary diagnosis per visit among those standing.
CREATE UNIQUE INDEX diagnoses_one_primary ON diagnoses (visit_id)
    WHERE rank = 'primary' AND error_at IS NULL;

CREATE TRIGGER diagnoses_same_patient BEFORE INSERT ON diagnoses
WHEN NEW.patient_id IS NOT (SELECT patient_id FROM visits WHERE id = NEW.visit_id)
BEGIN
    SELECT RAISE(ABORT, 'a diagnosis belongs to its visit''s patient');
END;
CREATE TRIGGER diagnoses_append_only BEFORE UPDATE ON diagnoses
WHEN OLD.error_at IS NOT NULL OR NEW.error_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.visit_id IS NOT OLD.visit_id
  OR NEW.patient_id IS NOT OLD.patient_id OR NEW.code_system IS NOT OLD.code_system
  OR NEW.code IS NOT OLD.code OR NEW.text IS NOT OLD.text OR NEW.rank IS NOT OLD.rank
  OR NEW.certainty IS NOT OLD.certainty OR NEW.recorded_by IS NOT OLD.recorded_by
  OR NEW.recorded_at IS NOT OLD.recorded_at
BEGIN
    SELECT RAISE(ABORT, 'diagnoses are append-only: mark a wrong one entered in error (once) and record the right one');
END;
CREATE TRIGGER diagnoses_no_delete BEFORE DELETE ON diagnoses
BEGIN
    SELECT RAISE(ABORT, 'diagnoses are never deleted: mark a wrong one entered in error');
END;

-- A patient's allergies.
CREATE TABLE allergies (
    id            TEXT PRIMARY KEY NOT NULL,
    patient_id    TEXT NOT NULL REFERENCES patients (id),
    substance     TEXT NOT NULL CHECK (length(trim(substance)) BETWEEN 1 AND 100),
    reaction      TEXT NOT NULL DEFAULT '' CHECK (length(reaction) <= 200),
    severity      TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    recorded_at   TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    error_at      TEXT CHECK (error_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    error_by      TEXT REFERENCES users (id),
    error_reason  TEXT CHECK (length(trim(error_reason)) BETWEEN 1 AND 200),
    CHECK ((error_at IS NULL) = (error_by IS NULL) AND (error_at IS NULL) = (error_reason IS NULL))
) STRICT;
CREATE INDEX allergies_patient ON allergies (patient_id, recorded_at);

CREATE TRIGGER allergies_append_only BEFORE UPDATE ON allergies
WHEN OLD.error_at IS NOT NULL OR NEW.error_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id
  OR NEW.substance IS NOT OLD.substance OR NEW.reaction IS NOT OLD.reaction
  OR NEW.severity IS NOT OLD.severity OR NEW.recorded_by IS NOT OLD.recorded_by
  OR NEW.recorded_at IS NOT OLD.recorded_at
BEGIN
    SELECT RAISE(ABORT, 'allergies are append-only: mark a wrong one entered in error (once) and record the right one');
END;
CREATE TRIGGER allergies_no_delete BEFORE DELETE ON allergies
BEGIN
    SELECT RAISE(ABORT, 'allergies are never deleted: mark a wrong one entered in error');
END;

-- "No known allergies", as asked and answered: a patient with no row here
-- and no allergy was never asked.
CREATE TABLE no_known_allergies (
    id            TEXT PRIMARY KEY NOT NULL,
    patient_id    TEXT NOT NULL REFERENCES patients (id),
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    recorded_at   TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;
CREATE INDEX no_known_allergies_patient ON no_known_allergies (patient_id, recorded_at);
CREATE TRIGGER no_known_allergies_no_update BEFORE UPDATE ON no_known_allergies
BEGIN
    SELECT RAISE(ABORT, 'a no-known-allergies statement never changes: record an allergy instead');
END;
CREATE TRIGGER no_known_allergies_no_delete BEFORE DELETE ON no_known_allergies
BEGIN
    SELECT RAISE(ABORT, 'a no-known-allergies statement is never deleted: record an allergy instead');
END;

-- The problem list: chronic conditions, coded, with onset and resolution.
CREATE TABLE problems (
    id            TEXT PRIMARY KEY NOT NULL,
    patient_id    TEXT NOT NULL REFERENCES patients (id),
    code_system   TEXT NOT NULL CHECK (length(code_system) BETWEEN 1 AND 20
                                        AND code_system NOT GLOB '*[^A-Za-z0-9.-]*'),
    code          TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16 AND code NOT GLOB '*[^A-Z0-9.-]*'),
    text          TEXT NOT NULL CHECK (length(trim(text)) BETWEEN 1 AND 300),
    onset         TEXT CHECK (onset GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    resolved_on   TEXT CHECK (resolved_on GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    resolved_by   TEXT REFERENCES users (id),
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    recorded_at   TEXT NOT NULL CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    error_at      TEXT CHECK (error_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    error_by      TEXT REFERENCES users (id),
    error_reason  TEXT CHECK (length(trim(error_reason)) BETWEEN 1 AND 200),
    CHECK ((resolved_on IS NULL) = (resolved_by IS NULL)),
    CHECK (resolved_on IS NULL OR onset IS NULL OR resolved_on >= onset),
    CHECK ((error_at IS NULL) = (error_by IS NULL) AND (error_at IS NULL) = (error_reason IS NULL))
) STRICT;
CREATE INDEX problems_patient ON problems (patient_id, recorded_at);

-- Only the resolution and the entered-in-error mark may be set, each once.
CREATE TRIGGER problems_append_only BEFORE UPDATE ON problems
WHEN (OLD.resolved_on IS NOT NULL AND NEW.resolved_on IS NOT OLD.resolved_on)
  OR (OLD.resolved_by IS NOT NULL AND NEW.resolved_by IS NOT OLD.resolved_by)
  OR (OLD.error_at IS NOT NULL AND (NEW.error_at IS NOT OLD.error_at
      OR NEW.error_by IS NOT OLD.error_by OR NEW.error_reason IS NOT OLD.error_reason))
  OR NEW.id IS NOT OLD.id OR NEW.patient_id IS NOT OLD.patient_id
  OR NEW.code_system IS NOT OLD.code_system OR NEW.code IS NOT OLD.code
  OR NEW.text IS NOT OLD.text OR NEW.onset IS NOT OLD.onset
  OR NEW.recorded_by IS NOT OLD.recorded_by OR NEW.recorded_at IS NOT OLD.recorded_at
BEGIN
    SELECT RAISE(ABORT, 'a problem only gains its resolution or an entered-in-error mark, once: add a new problem for anything else');
END;
CREATE TRIGGER problems_no_delete BEFORE DELETE ON problems
BEGIN
    SELECT RAISE(ABORT, 'problems are never deleted: mark a wrong one entered in error');
END;

-- Break the glass: a clinician outside the patient's care, or an admin,
-- opened the record with a typed reason. Lasts the rest of that session.
CREATE TABLE access_grants (
    id           TEXT PRIMARY KEY NOT NULL,
    session_id   TEXT NOT NULL REFERENCES sessions (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    patient_id   TEXT NOT NULL REFERENCES patients (id),
    reason       TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    granted_at   TEXT NOT NULL CHECK (granted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    expires_at   TEXT NOT NULL CHECK (expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    CHECK (expires_at > granted_at)
) STRICT;
CREATE INDEX access_grants_session ON access_grants (session_id, patient_id, expires_at);
CREATE TRIGGER access_grants_no_update BEFORE UPDATE ON access_grants
BEGIN
    SELECT RAISE(ABORT, 'break-the-glass grants are append-only');
END;
CREATE TRIGGER access_grants_no_delete BEFORE DELETE ON access_grants
BEGIN
    SELECT RAISE(ABORT, 'break-the-glass grants are append-only');
END;
