-- Migration 6: clinicians' working hours and days off, appointment types,
-- and appointments.
-- Shipped: never edit; add a new numbered file instead.

-- A clinician's weekly hours: several ranges a weekday (1 = Monday … 7 = Sunday),
-- in minutes from local midnight.
CREATE TABLE working_hours (
    clinician_id  TEXT NOT NULL REFERENCES users (id),
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min     INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min       INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    CHECK (end_min > start_min),
    PRIMARY KEY (clinician_id, weekday, start_min)
) STRICT, WITHOUT ROWID;

CREATE TABLE days_off (
    clinician_id  TEXT NOT NULL REFERENCES users (id),
    day           TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    reason        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (clinician_id, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE appointment_types (
    id       TEXT PRIMARY KEY NOT NULL,
    name     TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 40 AND name = lower(trim(name))),
    minutes  INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480 AND minutes % 5 = 0),
    retired  INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    version  INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
INSERT INTO appointment_types (id, name, minutes) VALUES
    ('019bf7f7-8ce1-7c24-acd9-41b425d29b66', 'consultation', 15),
    ('019bf7f7-8d55-7936-b515-0f10c37818ee', 'follow-up', 10),
    ('019bf7f7-8dcb-71a4-bfc0-423155ea0836', 'antenatal', 20),
    ('019bf7f7-8e44-7c64-86dd-876f5f54321d', 'procedure', 30),
    ('019bf7f7-8ec4-7e9b-a6be-3f2a6c4cf965', 'vaccination', 10),
    ('019bf7f7-8f3a-7cc4-94d2-e97314f427b4', 'dressing', 15);

-- An appointment: a local day and minutes from its midnight. A rescheduled
-- appointment is cancelled with reason 'rescheduled' and points at its
-- replacement, which points back.
CREATE TABLE appointments (
    id                TEXT PRIMARY KEY NOT NULL,
    patient_id        TEXT NOT NULL REFERENCES patients (id),
    clinician_id      TEXT NOT NULL REFERENCES users (id),
    type_id           TEXT NOT NULL REFERENCES appointment_types (id),
    day               TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    start_min         INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min           INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    status            TEXT NOT NULL CHECK (status IN ('scheduled', 'checked_in', 'in_consultation',
                                                      'completed', 'cancelled', 'no_show')),
    walk_in           INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1)),
    notes             TEXT NOT NULL DEFAULT '',
    cancel_reason     TEXT,
    rescheduled_from  TEXT REFERENCES appointments (id),
    rescheduled_to    TEXT REFERENCES appointments (id),
    checked_in_at     TEXT CHECK (checked_in_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    called_at         TEXT CHECK (called_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    completed_at      TEXT CHECK (completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    created_at        TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    created_by        TEXT REFERENCES users (id),
    updated_at        TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    updated_by        TEXT REFERENCES users (id),
    version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (end_min > start_min),
    CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
    CHECK (rescheduled_to IS NULL OR (status = 'cancelled' AND cancel_reason = 'rescheduled')),
    CHECK ((checked_in_at IS NOT NULL) = (status IN ('checked_in', 'in_consultation', 'completed'))),
    CHECK ((called_at IS NOT NULL) = (status IN ('in_consultation', 'completed'))),
    CHECK ((completed_at IS NOT NULL) = (status = 'completed'))
) STRICT;
CREATE INDEX appointments_clinician_day ON appointments (clinician_id, day, start_min);
CREATE INDEX appointments_patient_day ON appointments (patient_id, day, start_min);
CREATE INDEX appointments_day ON appointments (day, start_min);
CREATE UNIQUE INDEX appointments_rescheduled_to ON appointments (rescheduled_to)
    WHERE rescheduled_to IS NOT NULL;

-- The overlap rule, held by the file itself: two appointments that hold their
-- time (neither cancelled nor no-show) of one clinician, or of one patient,
-- never overlap.
CREATE TRIGGER appointments_no_overlap_insert
BEFORE INSERT ON appointments
WHEN NEW.status NOT IN ('cancelled', 'no_show')
BEGIN
    SELECT RAISE(ABORT, 'appointment overlaps another of the same clinician or patient')
    WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.day = NEW.day AND a.id <> NEW.id
          AND a.status NOT IN ('cancelled', 'no_show')
          AND (a.clinician_id = NEW.clinician_id OR a.patient_id = NEW.patient_id)
          AND a.start_min < NEW.end_min AND a.end_min > NEW.start_min);
END;
CREATE TRIGGER appointments_no_overlap_update
BEFORE UPDATE OF day, start_min, end_min, status, clinician_id, patient_id ON appointments
WHEN NEW.status NOT IN ('cancelled', 'no_show')
BEGIN
    SELECT RAISE(ABORT, 'appointment overlaps another of the same clinician or patient')
    WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.day = NEW.day AND a.id <> NEW.id
          AND a.status NOT IN ('cancelled', 'no_show')
          AND (a.clinician_id = NEW.clinician_id OR a.patient_id = NEW.patient_id)
          AND a.start_min < NEW.end_min AND a.end_min > NEW.start_min);
END;
