-- Migration 5: wards, beds, admissions and the stays that make a bed history.
-- Shipped: never edit; add a new numbered file instead.

CREATE TABLE wards (
    id               TEXT PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40 AND name = trim(name)),
    kind             TEXT NOT NULL CHECK (kind IN ('general', 'medical', 'surgical', 'maternity',
                                                   'paediatric', 'icu', 'isolation', 'other')),
    sex_restriction  TEXT CHECK (sex_restriction IN ('F', 'M')),
    created_at       TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    retired_at       TEXT CHECK (retired_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    version          INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE UNIQUE INDEX wards_name ON wards (lower(name)) WHERE retired_at IS NULL;

CREATE TABLE beds (
    id                     TEXT PRIMARY KEY NOT NULL,
    ward_id                TEXT NOT NULL REFERENCES wards (id),
    label                  TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 12 AND label = upper(label)
                                                AND label NOT GLOB '*[^A-Z0-9./-]*'),
    kind                   TEXT NOT NULL CHECK (kind IN ('standard', 'icu', 'cot', 'bassinet',
                                                         'isolation', 'bariatric')),
    status                 TEXT NOT NULL DEFAULT 'available'
                           CHECK (status IN ('available', 'reserved', 'occupied', 'cleaning',
                                             'out_of_service')),
    status_since           TEXT NOT NULL CHECK (status_since GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    reserved_for           TEXT REFERENCES patients (id),
    reserved_until         TEXT CHECK (reserved_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    out_of_service_reason  TEXT,
    cleaned_at             TEXT CHECK (cleaned_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    created_at             TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    retired_at             TEXT CHECK (retired_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    version                INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((status = 'reserved') = (reserved_for IS NOT NULL)),
    CHECK ((reserved_for IS NULL) = (reserved_until IS NULL)),
    CHECK ((status = 'out_of_service') = (out_of_service_reason IS NOT NULL)),
    CHECK (retired_at IS NULL OR status IN ('available', 'cleaning', 'out_of_service'))
) STRICT;
CREATE UNIQUE INDEX beds_label ON beds (label) WHERE retired_at IS NULL;
CREATE INDEX beds_ward ON beds (ward_id);

-- The moves a bed may make (BedStatus::can_become holds the same table).
CREATE TRIGGER beds_status_moves BEFORE UPDATE OF status ON beds
WHEN NEW.status <> OLD.status AND NOT (
       (OLD.status = 'available' AND NEW.status IN ('reserved', 'occupied', 'out_of_service'))
    OR (OLD.status = 'reserved' AND NEW.status IN ('available', 'occupied'))
    OR (OLD.status = 'occupied' AND NEW.status = 'cleaning')
    OR (OLD.status = 'cleaning' AND NEW.status IN ('available', 'out_of_service'))
    OR (OLD.status = 'out_of_service' AND NEW.status = 'available'))
BEGIN
    SELECT RAISE(ABORT, 'a bed cannot move between these statuses');
END;

CREATE TABLE admissions (
    id              TEXT PRIMARY KEY NOT NULL,
    patient_id      TEXT NOT NULL REFERENCES patients (id),
    bed_id          TEXT NOT NULL REFERENCES beds (id),
    attending_id    TEXT NOT NULL REFERENCES users (id),
    reason          TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    admitted_at     TEXT NOT NULL CHECK (admitted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    admitted_by     TEXT REFERENCES users (id),
    discharged_at   TEXT CHECK (discharged_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    discharged_by   TEXT REFERENCES users (id),
    disposition     TEXT CHECK (disposition IN ('home', 'referred', 'transferred_out',
                                                'left_against_advice', 'deceased')),
    discharge_note  TEXT,
    CHECK ((discharged_at IS NULL) = (disposition IS NULL)),
    CHECK ((discharged_at IS NULL) = (discharge_note IS NULL)),
    CHECK (discharged_at IS NULL OR discharged_at >= admitted_at)
) STRICT;
-- One active admission per patient, one occupant per bed: held here even
-- when the program is bypassed.
CREATE UNIQUE INDEX admissions_active_patient ON admissions (patient_id) WHERE discharged_at IS NULL;
CREATE UNIQUE INDEX admissions_active_bed ON admissions (bed_id) WHERE discharged_at IS NULL;

-- An active admission's bed must be marked occupied (the bed is taken first).
CREATE TRIGGER admissions_bed_taken_insert BEFORE INSERT ON admissions
WHEN NEW.discharged_at IS NULL
 AND (SELECT status FROM beds WHERE id = NEW.bed_id) IS NOT 'occupied'
BEGIN
    SELECT RAISE(ABORT, 'the bed is not marked occupied for this admission');
END;
CREATE TRIGGER admissions_bed_taken_update BEFORE UPDATE OF bed_id ON admissions
WHEN NEW.discharged_at IS NULL
 AND (SELECT status FROM beds WHERE id = NEW.bed_id) IS NOT 'occupied'
BEGIN
    SELECT RAISE(ABORT, 'the bed is not marked occupied for this admission');
END;
-- A bed with a patient in it stays occupied.
CREATE TRIGGER beds_keep_occupant BEFORE UPDATE OF status ON beds
WHEN OLD.status = 'occupied' AND NEW.status <> 'occupied'
 AND EXISTS (SELECT 1 FROM admissions WHERE bed_id = OLD.id AND discharged_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'the bed still has a patient in it');
END;
-- Admissions are records: never deleted.
CREATE TRIGGER admissions_no_delete BEFORE DELETE ON admissions
BEGIN
    SELECT RAISE(ABORT, 'admissions are never deleted');
END;

-- Each bed an admission used, with its times: the admission's bed history
-- and what the census counts.
CREATE TABLE bed_stays (
    id            TEXT PRIMARY KEY NOT NULL,
    admission_id  TEXT NOT NULL REFERENCES admissions (id),
    bed_id        TEXT NOT NULL REFERENCES beds (id),
    ward_id       TEXT NOT NULL REFERENCES wards (id),
    started_at    TEXT NOT NULL CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    started_by    TEXT NOT NULL CHECK (started_by IN ('admission', 'transfer')),
    ended_at      TEXT CHECK (ended_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ended_by      TEXT CHECK (ended_by IN ('transfer', 'discharge')),
    reason        TEXT NOT NULL DEFAULT '',
    CHECK ((ended_at IS NULL) = (ended_by IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= started_at)
) STRICT;
CREATE UNIQUE INDEX bed_stays_open_admission ON bed_stays (admission_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX bed_stays_open_bed ON bed_stays (bed_id) WHERE ended_at IS NULL;
CREATE INDEX bed_stays_admission ON bed_stays (admission_id, started_at);
CREATE INDEX bed_stays_bed ON bed_stays (bed_id, started_at);
CREATE INDEX bed_stays_started ON bed_stays (started_at);
CREATE INDEX bed_stays_ended ON bed_stays (ended_at) WHERE ended_at IS NOT NULL;
CREATE TRIGGER bed_stays_no_delete BEFORE DELETE ON bed_stays
BEGIN
    SELECT RAISE(ABORT, 'bed history is never deleted');
END;
