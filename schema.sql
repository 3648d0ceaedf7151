-- wardline: the whole current schema of a hospital file.
-- A new file is created from this text; an older file is upgraded by the numbered
-- files in migrations/, which end in exactly this schema (a test holds them to it).

CREATE TABLE hospital (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    code        TEXT NOT NULL CHECK (length(code) BETWEEN 2 AND 8 AND code NOT GLOB '*[^A-Z0-9]*'),
    created_at  TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
, site_id TEXT CHECK (site_id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*')) STRICT;

CREATE TABLE settings (
    key    TEXT PRIMARY KEY NOT NULL CHECK (key NOT GLOB '*[^a-z_]*'),
    value  TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id                    TEXT PRIMARY KEY NOT NULL,
    user_name             TEXT NOT NULL UNIQUE
                          CHECK (length(user_name) BETWEEN 2 AND 32 AND user_name = lower(user_name)),
    full_name             TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('admin', 'receptionist', 'doctor', 'nurse',
                                                       'pharmacist', 'lab_tech', 'patient', 'cashier')),
    password_hash         TEXT NOT NULL CHECK (password_hash GLOB '$argon2id$*'),
    must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at            TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    updated_at            TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    disabled_at           TEXT CHECK (disabled_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    last_login_at         TEXT CHECK (last_login_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    version               INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
, patient_id TEXT REFERENCES patients (id)) STRICT;

-- Failed sign-ins counted per typed user name, whether or not an account has it,
-- so that the lockout message never tells which user names exist.
CREATE TABLE login_throttle (
    user_name     TEXT PRIMARY KEY NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until  TEXT CHECK (locked_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    started_at  TEXT NOT NULL CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ended_at    TEXT CHECK (ended_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    end_reason  TEXT CHECK (end_reason IN ('logout', 'replaced', 'expired')),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    at          TEXT NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    actor_id    TEXT,
    actor_name  TEXT NOT NULL,
    actor_role  TEXT,
    action      TEXT NOT NULL CHECK (action <> '' AND action NOT GLOB '*[^A-Z_]*'),
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    patient_id  TEXT,
    summary     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash        TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;
-- A patient's events, every column carried (migration 26): read from
-- consecutive entries of the index alone, in seq order.
CREATE INDEX audit_log_patient ON audit_log (
    patient_id, seq, at, actor_id, actor_name, actor_role, action, entity, entity_id,
    summary, prev_hash, hash
) WHERE patient_id IS NOT NULL;
-- The audit trail's search (migration 24): each filter one range of an
-- index in seq order (the rowid ends every index), dates through `at`.
CREATE INDEX audit_log_actor ON audit_log (actor_name);
CREATE INDEX audit_log_actor_action ON audit_log (actor_name, action);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TABLE patient_counter (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    next  INTEGER NOT NULL CHECK (next >= 1)
) STRICT;
INSERT INTO patient_counter (id, next) VALUES (1, 1);

-- died_at (migration 18, placed where ALTER TABLE puts it): when the
-- patient died, NULL while alive.
CREATE TABLE patients (
    id                     TEXT PRIMARY KEY NOT NULL,
    seq                    INTEGER NOT NULL UNIQUE CHECK (seq >= 1),
    mrn                    TEXT NOT NULL UNIQUE,
    legacy_mrn             TEXT NOT NULL DEFAULT '',
    legacy_key             TEXT NOT NULL DEFAULT '',
    given_name             TEXT NOT NULL DEFAULT '',
    middle_name            TEXT NOT NULL DEFAULT '',
    family_name            TEXT NOT NULL DEFAULT '',
    birth_date             TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    birth_date_estimated   INTEGER NOT NULL DEFAULT 0 CHECK (birth_date_estimated IN (0, 1)),
    sex                    TEXT NOT NULL CHECK (sex IN ('M', 'F', 'O', 'U')),
    phone                  TEXT NOT NULL DEFAULT '',
    phone_key              TEXT NOT NULL DEFAULT '' CHECK (phone_key NOT GLOB '*[^0-9]*'),
    email                  TEXT NOT NULL DEFAULT '' CHECK (email = lower(email)),
    address_line1          TEXT NOT NULL DEFAULT '',
    address_line2          TEXT NOT NULL DEFAULT '',
    city                   TEXT NOT NULL DEFAULT '',
    region                 TEXT NOT NULL DEFAULT '',
    postal_code            TEXT NOT NULL DEFAULT '',
    country                TEXT NOT NULL DEFAULT '',
    national_id            TEXT NOT NULL DEFAULT '',
    emergency_name         TEXT NOT NULL DEFAULT '',
    emergency_relation     TEXT NOT NULL DEFAULT '',
    emergency_phone        TEXT NOT NULL DEFAULT '',
    insurance_provider     TEXT NOT NULL DEFAULT '',
    insurance_policy       TEXT NOT NULL DEFAULT '',
    insurance_valid_until  TEXT CHECK (insurance_valid_until GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    notes                  TEXT NOT NULL DEFAULT '',
    duplicate_key          TEXT NOT NULL DEFAULT '',
    verified_by            TEXT REFERENCES users (id),
    verified_at            TEXT CHECK (verified_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    created_at             TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    created_by             TEXT REFERENCES users (id),
    updated_at             TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    updated_by             TEXT REFERENCES users (id),
    version                INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    deleted_at             TEXT CHECK (deleted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    deleted_by             TEXT REFERENCES users (id),
    delete_reason          TEXT,
    merged_into            TEXT REFERENCES patients (id),
    merged_at              TEXT CHECK (merged_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'), died_at TEXT
    CHECK (died_at IS NULL OR died_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'), portal_enabled INTEGER NOT NULL DEFAULT 1
    CHECK (portal_enabled IN (0, 1)),
    CHECK (given_name <> '' OR middle_name <> '' OR family_name <> ''),
    CHECK ((deleted_at IS NULL) = (delete_reason IS NULL)),
    CHECK ((merged_into IS NULL) = (merged_at IS NULL)),
    CHECK (merged_into IS NULL OR merged_into <> id)
) STRICT;
CREATE INDEX patients_phone ON patients (phone_key, seq)
    WHERE phone_key <> '' AND deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX patients_birth ON patients (birth_date, seq)
    WHERE deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX patients_legacy ON patients (legacy_key) WHERE legacy_key <> '';
CREATE INDEX patients_duplicate ON patients (duplicate_key)
    WHERE duplicate_key <> '' AND deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX patients_deleted ON patients (seq) WHERE deleted_at IS NOT NULL;
CREATE INDEX patients_merged_into ON patients (merged_into) WHERE merged_into IS NOT NULL;

-- The name index of patients in use (neither deleted nor merged): one row per
-- folded name word, and one per sounds-alike key ('#' + key). `names` holds all
-- the patient's words (or keys) as ' a b c ', so that a query's other words can
-- be checked without reading the patient; `born` narrows duplicate checks.
CREATE TABLE patient_terms (
    term   TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    names  TEXT NOT NULL,
    born   TEXT NOT NULL,
    PRIMARY KEY (term, seq)
) STRICT, WITHOUT ROWID;

-- One row per ordered pair of a patient's name words ('am|okafor': the first
-- two characters of one word, then the other word) and per pair of
-- sounds-alike keys ('#AKFR|AMN'), with the patient's words (or keys) as in
-- patient_terms; only patients in use, like patient_terms.
CREATE TABLE patient_name_pairs (
    term   TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    names  TEXT NOT NULL,
    born   TEXT NOT NULL,
    PRIMARY KEY (term, seq)
) STRICT, WITHOUT ROWID;

-- Migration 4: pharmacy stock (catalogue items, batches, the movement ledger).
-- Shipped: never edit; add a new numbered file instead.

-- paed_max_mcg_per_kg (migration 12, added last as ALTER TABLE does): the
-- formulary's paediatric maximum, micrograms per kilogram in one dose.
-- max_dispense (migration 23, added last too): the largest plausible single
-- dispense; more asks once.
CREATE TABLE stock_items (
    id             TEXT PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL CHECK (name <> '' AND length(name) <= 80),
    generic_name   TEXT NOT NULL DEFAULT '',
    strength       TEXT NOT NULL DEFAULT '',
    form           TEXT NOT NULL CHECK (form <> '' AND form NOT GLOB '*[^a-z]*'),
    unit           TEXT NOT NULL CHECK (unit <> ''),
    category       TEXT NOT NULL DEFAULT '',
    reorder_level  INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),
    -- name, strength and form folded: one catalogue entry per medicine.
    identity_key   TEXT NOT NULL UNIQUE,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    updated_at     TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
, paed_max_mcg_per_kg INTEGER
    CHECK (paed_max_mcg_per_kg IS NULL OR paed_max_mcg_per_kg BETWEEN 1 AND 1000000), max_dispense INTEGER
    CHECK (max_dispense IS NULL OR max_dispense BETWEEN 1 AND 10000000)) STRICT;

-- A batch's on_hand is kept by the ledger's trigger only: it starts at 0,
-- never goes below 0, and always equals the sum of the batch's movements.
CREATE TABLE stock_batches (
    id           TEXT PRIMARY KEY NOT NULL,
    item_id      TEXT NOT NULL REFERENCES stock_items (id),
    batch_no     TEXT NOT NULL CHECK (batch_no <> '' AND length(batch_no) <= 40),
    expiry       TEXT NOT NULL CHECK (expiry GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    on_hand      INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    unit_cost    INTEGER NOT NULL CHECK (unit_cost >= 0),
    price        INTEGER NOT NULL CHECK (price >= 0),
    supplier     TEXT NOT NULL DEFAULT '',
    received_at  TEXT NOT NULL CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    UNIQUE (item_id, batch_no)
) STRICT;
CREATE INDEX stock_batches_item ON stock_batches (item_id, expiry);
CREATE INDEX stock_batches_expiry ON stock_batches (expiry) WHERE on_hand > 0;

-- The ledger: append-only, one row per movement of one batch.
CREATE TABLE stock_movements (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    batch_id    TEXT NOT NULL REFERENCES stock_batches (id),
    item_id     TEXT NOT NULL REFERENCES stock_items (id),
    kind        TEXT NOT NULL CHECK (kind IN ('receive', 'dispense', 'return', 'adjust', 'dispose', 'count')),
    quantity    INTEGER NOT NULL CHECK (quantity <> 0),
    reason      TEXT NOT NULL DEFAULT '',
    reference   TEXT NOT NULL DEFAULT '',
    patient_id  TEXT REFERENCES patients (id),
    actor_id    TEXT REFERENCES users (id),
    at          TEXT NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    CHECK (kind NOT IN ('receive', 'return') OR quantity > 0),
    CHECK (kind NOT IN ('dispense', 'dispose') OR quantity < 0),
    CHECK (kind NOT IN ('adjust', 'dispose', 'return') OR reason <> '')
) STRICT;
CREATE INDEX stock_movements_batch ON stock_movements (batch_id, seq);
CREATE INDEX stock_movements_item ON stock_movements (item_id, seq);
CREATE INDEX stock_movements_patient ON stock_movements (patient_id, seq) WHERE patient_id IS NOT NULL;

CREATE TRIGGER stock_batches_start_empty BEFORE INSERT ON stock_batches
WHEN NEW.on_hand <> 0
BEGIN
    SELECT RAISE(ABORT, 'a batch starts empty: its stock comes from a receive movement');
END;

CREATE TRIGGER stock_batches_no_delete BEFORE DELETE ON stock_batches
BEGIN
    SELECT RAISE(ABORT, 'batches are never deleted: their ledger must stay whole');
END;

CREATE TRIGGER stock_batches_on_hand_is_ledger BEFORE UPDATE OF on_hand ON stock_batches
WHEN NEW.on_hand IS NOT (SELECT coalesce(sum(quantity), 0) FROM stock_movements WHERE batch_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'a batch''s quantity must equal the sum of its ledger');
END;

CREATE TRIGGER stock_movements_check BEFORE INSERT ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'the movement names a batch of another item')
    WHERE (SELECT item_id FROM stock_batches WHERE id = NEW.batch_id) IS NOT NEW.item_id;
    SELECT RAISE(ABORT, 'a batch on or past its expiry date cannot be dispensed')
    WHERE NEW.kind = 'dispense'
      AND (SELECT expiry FROM stock_batches WHERE id = NEW.batch_id) <= substr(NEW.at, 1, 10);
END;

CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
BEGIN
    UPDATE stock_batches SET on_hand = on_hand + NEW.quantity WHERE id = NEW.batch_id;
END;

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'the stock ledger is append-only: record a correcting movement');
END;

CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'the stock ledger is append-only: record a correcting movement');
END;

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

-- A record of the backups taken (migration 7), written with their BACKUP
-- audit event, so the latest one is read by index. `automatic` is 1 for a
-- copy under the automatic name in <data>/backups/, 0 for one made with
-- --out; `events` and `head_hash` describe the copy's audit trail.
CREATE TABLE backups (
    id          TEXT PRIMARY KEY NOT NULL,
    taken_at    TEXT NOT NULL CHECK (taken_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    path        TEXT NOT NULL CHECK (path <> ''),
    automatic   INTEGER NOT NULL CHECK (automatic IN (0, 1)),
    size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
    events      INTEGER NOT NULL CHECK (events >= 0),
    head_hash   TEXT NOT NULL CHECK (length(head_hash) = 64)
) STRICT;
CREATE INDEX backups_taken_at ON backups (taken_at);

-- The clinical record (migration 9): visits and their notes, addenda, vitals,
-- diagnoses, allergies, the problem list, and break-the-glass grants.
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
-- Each admission's latest NEWS2 and the one before it, from the index alone.
CREATE INDEX vitals_admission_scores ON vitals (admission_id, taken_at, news2_score, news2_band)
    WHERE error_at IS NULL AND news2_score IS NOT NULL;

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

-- The latest NEWS2 of each admission, kept by the file from the vitals sets
-- (the worklist orders its ward round by it, the bed board shows it): the
-- sets stay the record, these rows are derived by the triggers below and
-- refused otherwise.
CREATE TABLE admission_news2 (
    admission_id  TEXT PRIMARY KEY NOT NULL REFERENCES admissions (id),
    taken_at      TEXT NOT NULL,
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 20),
    band          TEXT NOT NULL CHECK (band IN ('low', 'low_medium', 'medium', 'high')),
    -- The score of the latest standing scored set taken before this one.
    previous      INTEGER CHECK (previous BETWEEN 0 AND 20)
) STRICT, WITHOUT ROWID;

-- The latest standing scored set of an admission and the score before it,
-- as the worklist's NEWS2 read them from the sets (ties: the set with the
-- greatest id, the previous strictly earlier).
CREATE VIEW admission_news2_of_sets AS
SELECT l.admission_id, l.taken_at, l.news2_score AS score, l.news2_band AS band,
       (SELECT p.news2_score FROM vitals p INDEXED BY vitals_admission_scores
        WHERE p.admission_id = l.admission_id AND p.error_at IS NULL
          AND p.news2_score IS NOT NULL AND p.taken_at < l.taken_at
        ORDER BY p.taken_at DESC LIMIT 1) AS previous
FROM vitals l
WHERE l.admission_id IS NOT NULL AND l.error_at IS NULL AND l.news2_score IS NOT NULL
  AND l.id = (SELECT x.id FROM vitals x
              WHERE x.admission_id = l.admission_id AND x.error_at IS NULL
                AND x.news2_score IS NOT NULL
              ORDER BY x.taken_at DESC, x.id DESC LIMIT 1);

-- A new scored set of an admission, or one marked entered in error: the
-- latest standing set of the admission is read again.
CREATE TRIGGER admission_news2_on_set AFTER INSERT ON vitals
WHEN NEW.admission_id IS NOT NULL AND NEW.news2_score IS NOT NULL AND NEW.error_at IS NULL
BEGIN
    INSERT OR REPLACE INTO admission_news2 (admission_id, taken_at, score, band, previous)
    SELECT admission_id, taken_at, score, band, previous FROM admission_news2_of_sets
    WHERE admission_id = NEW.admission_id;
END;
CREATE TRIGGER admission_news2_on_error AFTER UPDATE OF error_at ON vitals
WHEN NEW.admission_id IS NOT NULL AND NEW.news2_score IS NOT NULL
BEGIN
    INSERT OR REPLACE INTO admission_news2 (admission_id, taken_at, score, band, previous)
    SELECT admission_id, taken_at, score, band, previous FROM admission_news2_of_sets
    WHERE admission_id = NEW.admission_id;
    DELETE FROM admission_news2 WHERE admission_id = NEW.admission_id
      AND NOT EXISTS (SELECT 1 FROM admission_news2_of_sets WHERE admission_id = NEW.admission_id);
END;

-- Nothing else writes these rows: a row is what the sets say, or refused.
CREATE TRIGGER admission_news2_as_sets BEFORE INSERT ON admission_news2
WHEN NOT EXISTS (SELECT 1 FROM admission_news2_of_sets s
                 WHERE s.admission_id = NEW.admission_id AND s.taken_at = NEW.taken_at
                   AND s.score = NEW.score AND s.band = NEW.band
                   AND s.previous IS NEW.previous)
BEGIN
    SELECT RAISE(ABORT, 'the latest NEWS2 of an admission follows its vitals sets: record or mark a set instead');
END;
CREATE TRIGGER admission_news2_no_update BEFORE UPDATE ON admission_news2
BEGIN
    SELECT RAISE(ABORT, 'the latest NEWS2 of an admission follows its vitals sets: record or mark a set instead');
END;
CREATE TRIGGER admission_news2_no_delete BEFORE DELETE ON admission_news2
WHEN EXISTS (SELECT 1 FROM admission_news2_of_sets WHERE admission_id = OLD.admission_id)
BEGIN
    SELECT RAISE(ABORT, 'the latest NEWS2 of an admission follows its vitals sets: record or mark a set instead');
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
-- The hospital's own diagnosis code list (migration 9), used by searches
-- instead of the shipped ICD-10-CM while it is loaded. At most one list
-- (id 1): `wardline import codes` replaces it, `--shipped` removes it;
-- `version` is new at every load, so that other terminals notice.
CREATE TABLE code_list (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version    TEXT NOT NULL CHECK (length(version) = 36),
    system     TEXT NOT NULL CHECK (length(system) BETWEEN 1 AND 40 AND system = trim(system)),
    source     TEXT NOT NULL CHECK (source <> ''),
    codes      INTEGER NOT NULL CHECK (codes >= 1),
    loaded_at  TEXT NOT NULL CHECK (loaded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    loaded_by  TEXT REFERENCES users (id)
) STRICT;

-- The list's codes as printed (`A00.0`) and the key they are found by
-- (upper case without dots: `A000`).
CREATE TABLE code_list_entries (
    code         TEXT PRIMARY KEY NOT NULL
                 CHECK (length(code) BETWEEN 1 AND 16 AND code GLOB '[A-Z0-9]*' AND code NOT GLOB '*[^A-Z0-9.]*'),
    code_key     TEXT NOT NULL UNIQUE CHECK (code_key = replace(code, '.', '')),
    list_id      INTEGER NOT NULL DEFAULT 1 REFERENCES code_list (id),
    description  TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 500 AND description = trim(description)),
    billable     INTEGER NOT NULL CHECK (billable IN (0, 1))
) STRICT, WITHOUT ROWID;

-- The wards each doctor and nurse works on (migration 11): a clinician on a
-- ward is in the care of the patients admitted to its beds. Made and ended by
-- an administrator and kept as history: never updated but to end them, never
-- deleted.

CREATE TABLE ward_staff (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    ward_id      TEXT NOT NULL REFERENCES wards (id),
    assigned_at  TEXT NOT NULL CHECK (assigned_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    assigned_by  TEXT NOT NULL REFERENCES users (id),
    ended_at     TEXT CHECK (ended_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    ended_by     TEXT REFERENCES users (id),
    CHECK ((ended_at IS NULL) = (ended_by IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= assigned_at)
) STRICT;
-- One open assignment per clinician and ward; the care rule finds a
-- clinician's open assignment to a ward through it.
CREATE UNIQUE INDEX ward_staff_open ON ward_staff (user_id, ward_id) WHERE ended_at IS NULL;
CREATE INDEX ward_staff_ward ON ward_staff (ward_id, user_id) WHERE ended_at IS NULL;
CREATE INDEX ward_staff_user ON ward_staff (user_id, assigned_at);

-- Only doctors and nurses work on wards, and only on wards in use.
CREATE TRIGGER ward_staff_clinicians_only BEFORE INSERT ON ward_staff
WHEN (SELECT role FROM users WHERE id = NEW.user_id) NOT IN ('doctor', 'nurse')
BEGIN
    SELECT RAISE(ABORT, 'only doctors and nurses are assigned to wards');
END;
CREATE TRIGGER ward_staff_ward_in_use BEFORE INSERT ON ward_staff
WHEN (SELECT retired_at FROM wards WHERE id = NEW.ward_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'that ward is retired: assign the clinician to a ward in use');
END;
-- An assignment only gains its end, once.
CREATE TRIGGER ward_staff_only_ended BEFORE UPDATE ON ward_staff
WHEN OLD.ended_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id OR NEW.ward_id IS NOT OLD.ward_id
  OR NEW.assigned_at IS NOT OLD.assigned_at OR NEW.assigned_by IS NOT OLD.assigned_by
BEGIN
    SELECT RAISE(ABORT, 'a ward assignment only gains its end, once: assign the clinician again instead');
END;
CREATE TRIGGER ward_staff_no_delete BEFORE DELETE ON ward_staff
BEGIN
    SELECT RAISE(ABORT, 'ward assignments are never deleted: end the assignment instead');
END;
-- A clinician still assigned to a ward keeps a clinician's role.
CREATE TRIGGER users_role_keeps_wards BEFORE UPDATE OF role ON users
WHEN NEW.role NOT IN ('doctor', 'nurse')
 AND EXISTS (SELECT 1 FROM ward_staff WHERE user_id = NEW.id AND ended_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'this account is assigned to wards: end its ward assignments before changing its role');
END;

-- Prescriptions, dispensing against them and the medication administration
-- record (migration 12).
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
WHEN NEW.dispensed IS NOT (SELECT coalesce(sum(d.quantity), 0) FROM prescription_dispenses d
                           WHERE d.prescription_id = NEW.id
                             AND NOT EXISTS (SELECT 1 FROM dispense_reversals r
                                             WHERE r.movement_seq = d.movement_seq))
BEGIN
    SELECT RAISE(ABORT, 'a prescription''s dispensed quantity must equal the sum of its dispenses not reversed');
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
    WHERE (SELECT coalesce(sum(d.quantity), 0) FROM prescription_dispenses d
           WHERE d.prescription_id = NEW.prescription_id
             AND NOT EXISTS (SELECT 1 FROM dispense_reversals r
                             WHERE r.movement_seq = d.movement_seq)) + NEW.quantity
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

-- The laboratory's catalogue (migration 15): tests or panels with their price,
-- their analytes, and each analyte's reference ranges by sex and age band.
-- Nothing is deleted: what is no longer offered is marked inactive.
CREATE TABLE lab_tests (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE
                CHECK (length(code) BETWEEN 1 AND 16 AND code = upper(code)
                       AND code NOT GLOB '*[^A-Z0-9_-]*'),
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    specimen    TEXT NOT NULL CHECK (length(trim(specimen)) BETWEEN 1 AND 80),
    -- Minor units of the hospital's currency.
    price       INTEGER NOT NULL CHECK (price >= 0),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Raised by every change, so that an edit made from a stale screen fails.
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- NULL while the test is as shipped.
    changed_at  TEXT
) STRICT;

CREATE TABLE lab_analytes (
    id             TEXT PRIMARY KEY NOT NULL,
    test_id        TEXT NOT NULL REFERENCES lab_tests (id),
    position       INTEGER NOT NULL CHECK (position >= 0),
    code           TEXT NOT NULL
                   CHECK (length(code) BETWEEN 1 AND 16 AND code = upper(code)
                          AND code NOT GLOB '*[^A-Z0-9_-]*'),
    name           TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    loinc          TEXT CHECK (loinc GLOB '[0-9]*-[0-9]' AND loinc NOT GLOB '*[^0-9-]*'),
    unit           TEXT CHECK (length(unit) BETWEEN 1 AND 24),
    result_type    TEXT NOT NULL CHECK (result_type IN ('number', 'choice', 'text')),
    decimals       INTEGER CHECK (decimals BETWEEN 0 AND 6),
    min_value      REAL,
    max_value      REAL,
    -- Options of a choice joined by '|', and those flagged abnormal.
    choices        TEXT CHECK (length(choices) >= 3),
    abnormal       TEXT,
    critical_low   REAL,
    critical_high  REAL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (test_id, code),
    CHECK ((result_type = 'number')
           = (decimals IS NOT NULL AND min_value IS NOT NULL AND max_value IS NOT NULL)),
    CHECK (min_value < max_value),
    CHECK ((result_type = 'choice') = (choices IS NOT NULL)),
    CHECK (result_type = 'choice' OR abnormal IS NULL),
    CHECK (result_type = 'number' OR (critical_low IS NULL AND critical_high IS NULL)),
    CHECK (critical_low < critical_high)
) STRICT;
CREATE INDEX lab_analytes_loinc ON lab_analytes (loinc) WHERE loinc IS NOT NULL;

CREATE TABLE lab_ranges (
    analyte_id  TEXT NOT NULL REFERENCES lab_analytes (id),
    position    INTEGER NOT NULL CHECK (position >= 0),
    sex         TEXT CHECK (sex IN ('M', 'F')),
    -- Ages such as '28d', '6m', '18y': the band holds its start, not its end.
    age_from    TEXT CHECK (age_from GLOB '[0-9]*[dwmy]'),
    age_to      TEXT CHECK (age_to GLOB '[0-9]*[dwmy]'),
    low         REAL,
    high        REAL,
    PRIMARY KEY (analyte_id, position),
    CHECK (low IS NOT NULL OR high IS NOT NULL),
    CHECK (low <= high)
) STRICT, WITHOUT ROWID;
-- The laboratory's work (migration 16). Orders (one specimen each, with its
-- accession number), the tests they ask for, and the results entered per
-- analyte, verified, corrected and, when critical, acknowledged.
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

-- Billing (migration 17).

-- What the hospital charges for, by its code (`CONSULT`, `XRAY-CHEST`).
-- Lab tests keep their price in the lab's catalogue and medicines at their
-- batch's selling price; the tariff holds everything else.
CREATE TABLE tariff_items (
    id             TEXT PRIMARY KEY NOT NULL,
    code           TEXT NOT NULL UNIQUE
                   CHECK (length(code) BETWEEN 1 AND 20 AND code NOT GLOB '*[^A-Z0-9-]*'),
    name           TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    service_group  TEXT NOT NULL CHECK (service_group IN ('consultation', 'bed_day', 'lab',
                                                          'procedure', 'service', 'medicine')),
    created_at     TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;

-- An item's prices: the price on a day is the row with the latest
-- `effective_from` on or before it. A change is a new row, so an old bill
-- is always explained by the prices of its day.
CREATE TABLE tariff_prices (
    item_id         TEXT NOT NULL REFERENCES tariff_items (id),
    effective_from  TEXT NOT NULL CHECK (effective_from GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    price           INTEGER NOT NULL CHECK (price >= 0),
    set_at          TEXT NOT NULL CHECK (set_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    set_by          TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (item_id, effective_from)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER tariff_prices_no_update BEFORE UPDATE ON tariff_prices
BEGIN
    SELECT RAISE(ABORT, 'a price is never changed: set a new price from a later date');
END;
CREATE TRIGGER tariff_prices_no_delete BEFORE DELETE ON tariff_prices
BEGIN
    SELECT RAISE(ABORT, 'a price is never deleted: set a new price from a later date');
END;

-- Who pays: the patient (self-pay), an insurance scheme covering
-- `coverage_bp` basis points (10000 = all) of each line after the
-- patient's co-payment of `co_payment` minor units per bill, or a waiver
-- programme covering everything.
CREATE TABLE payer_schemes (
    id           TEXT PRIMARY KEY NOT NULL,
    code         TEXT NOT NULL UNIQUE
                 CHECK (length(code) BETWEEN 1 AND 20 AND code NOT GLOB '*[^A-Z0-9-]*'),
    name         TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    kind         TEXT NOT NULL CHECK (kind IN ('self_pay', 'insurance', 'waiver')),
    coverage_bp  INTEGER NOT NULL CHECK (coverage_bp BETWEEN 0 AND 10000),
    co_payment   INTEGER NOT NULL CHECK (co_payment >= 0),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (kind <> 'self_pay' OR (coverage_bp = 0 AND co_payment = 0)),
    CHECK (kind <> 'waiver' OR (coverage_bp = 10000 AND co_payment = 0))
) STRICT;

-- Which scheme covers a patient from when to when, with their member
-- number. A change is a new row; the scheme on a day is the latest row set
-- whose validity holds that day.
CREATE TABLE patient_schemes (
    id             TEXT PRIMARY KEY NOT NULL,
    patient_id     TEXT NOT NULL REFERENCES patients (id),
    scheme_id      TEXT NOT NULL REFERENCES payer_schemes (id),
    member_number  TEXT NOT NULL DEFAULT '' CHECK (length(member_number) <= 40),
    valid_from     TEXT NOT NULL CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    valid_to       TEXT CHECK (valid_to GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    set_at         TEXT NOT NULL CHECK (set_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    set_by         TEXT NOT NULL REFERENCES users (id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
) STRICT;
CREATE INDEX patient_schemes_patient ON patient_schemes (patient_id, set_at);
CREATE TRIGGER patient_schemes_no_update BEFORE UPDATE ON patient_schemes
BEGIN
    SELECT RAISE(ABORT, 'a patient''s scheme is kept as history: set the scheme again instead');
END;
CREATE TRIGGER patient_schemes_no_delete BEFORE DELETE ON patient_schemes
BEGIN
    SELECT RAISE(ABORT, 'a patient''s scheme is kept as history: set the scheme again instead');
END;

-- A bill: of one outpatient visit, or of an admission (a long stay may
-- have several, each interim bill closed before the next opens). `number`
-- is the bill's number in the hospital (`B-000045`).
CREATE TABLE bills (
    id            TEXT PRIMARY KEY NOT NULL,
    number        INTEGER NOT NULL UNIQUE CHECK (number >= 1),
    patient_id    TEXT NOT NULL REFERENCES patients (id),
    visit_id      TEXT REFERENCES visits (id),
    admission_id  TEXT REFERENCES admissions (id),
    opened_at     TEXT NOT NULL CHECK (opened_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    closed_at     TEXT CHECK (closed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    closed_by     TEXT REFERENCES users (id),
    CHECK ((visit_id IS NULL) <> (admission_id IS NULL)),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
) STRICT;
CREATE INDEX bills_patient ON bills (patient_id, opened_at);
CREATE UNIQUE INDEX bills_open_visit ON bills (visit_id) WHERE visit_id IS NOT NULL AND closed_at IS NULL;
CREATE UNIQUE INDEX bills_open_admission ON bills (admission_id)
    WHERE admission_id IS NOT NULL AND closed_at IS NULL;
CREATE TRIGGER bills_check BEFORE INSERT ON bills
BEGIN
    SELECT RAISE(ABORT, 'a bill belongs to its visit''s or admission''s patient')
    WHERE (NEW.visit_id IS NOT NULL
           AND NEW.patient_id IS NOT (SELECT patient_id FROM visits WHERE id = NEW.visit_id))
       OR (NEW.admission_id IS NOT NULL
           AND NEW.patient_id IS NOT (SELECT patient_id FROM admissions WHERE id = NEW.admission_id));
    SELECT RAISE(ABORT, 'a bill opens open: close it afterwards')
    WHERE NEW.closed_at IS NOT NULL;
END;
-- Only the closing is ever written, once.
CREATE TRIGGER bills_fixed BEFORE UPDATE ON bills
WHEN NEW.id IS NOT OLD.id OR NEW.number IS NOT OLD.number OR NEW.patient_id IS NOT OLD.patient_id
  OR NEW.visit_id IS NOT OLD.visit_id OR NEW.admission_id IS NOT OLD.admission_id
  OR NEW.opened_at IS NOT OLD.opened_at OR OLD.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a bill never changes except its closing, once: open a new bill instead');
END;
CREATE TRIGGER bills_no_delete BEFORE DELETE ON bills
BEGIN
    SELECT RAISE(ABORT, 'a bill is never deleted: reverse its charges instead');
END;

-- A bill's line. It names what it came from (`source_kind` and
-- `source_id`: a lab order, a dispense, a visit, an admission's day with
-- `source_day`, or a manual charge) and what was charged (a tariff item,
-- a lab test or a medicine's batch). `amount` = `quantity` × `unit_price`
-- = the patient's share + the scheme's share; `co_payment` is the part of
-- the patient's share that is the bill's co-payment. A reversal is a new
-- line of the opposite sign naming the line it reverses, at most one per
-- line. Lines are never changed or deleted.
CREATE TABLE charges (
    id              TEXT PRIMARY KEY NOT NULL,
    bill_id         TEXT NOT NULL REFERENCES bills (id),
    source_kind     TEXT NOT NULL CHECK (source_kind IN ('lab_order', 'dispense', 'visit',
                                                      'admission_day', 'manual')),
    source_id       TEXT,
    source_day      TEXT CHECK (source_day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    tariff_item_id  TEXT REFERENCES tariff_items (id),
    lab_test_id     TEXT REFERENCES lab_tests (id),
    batch_id        TEXT REFERENCES stock_batches (id),
    description     TEXT NOT NULL CHECK (length(trim(description)) BETWEEN 1 AND 120),
    quantity        INTEGER NOT NULL CHECK (quantity <> 0),
    unit_price      INTEGER NOT NULL CHECK (unit_price >= 0),
    amount          INTEGER NOT NULL,
    patient_share   INTEGER NOT NULL,
    scheme_share    INTEGER NOT NULL,
    co_payment      INTEGER NOT NULL,
    reverses        TEXT UNIQUE REFERENCES charges (id),
    reason          TEXT CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    posted_at       TEXT NOT NULL CHECK (posted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    posted_by       TEXT NOT NULL REFERENCES users (id),
    CHECK (amount = quantity * unit_price),
    CHECK (amount = patient_share + scheme_share),
    CHECK ((reverses IS NULL) = (quantity > 0)),
    CHECK (reverses IS NULL OR reason IS NOT NULL),
    CHECK (quantity < 0 OR (patient_share >= 0 AND scheme_share >= 0
                            AND co_payment BETWEEN 0 AND patient_share)),
    CHECK ((source_kind = 'manual') = (source_id IS NULL)),
    CHECK ((source_kind = 'admission_day') = (source_day IS NOT NULL)),
    CHECK ((tariff_item_id IS NOT NULL) + (lab_test_id IS NOT NULL) + (batch_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX charges_bill ON charges (bill_id);
-- The lines posted in a period, for revenue and a scheme's claims.
CREATE INDEX charges_posted ON charges (posted_at);
CREATE INDEX charges_source ON charges (source_kind, source_id) WHERE source_id IS NOT NULL;
-- A closed bill takes no new charge; a reversal still lands on the bill
-- of the line it undoes (an order cancelled after an interim bill closed
-- is a credit on that bill).
CREATE TRIGGER charges_check BEFORE INSERT ON charges
BEGIN
    SELECT RAISE(ABORT, 'this bill is closed: post the charge on the patient''s open bill')
    WHERE NEW.reverses IS NULL AND (SELECT closed_at FROM bills WHERE id = NEW.bill_id) IS NOT NULL;
    SELECT RAISE(ABORT, 'a reversal undoes its line exactly, on the same bill, and a reversal is not reversed')
    WHERE NEW.reverses IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM charges o
        WHERE o.id = NEW.reverses AND o.reverses IS NULL AND o.bill_id = NEW.bill_id
          AND o.quantity = -NEW.quantity AND o.unit_price = NEW.unit_price
          AND o.patient_share = -NEW.patient_share AND o.scheme_share = -NEW.scheme_share
          AND o.co_payment = -NEW.co_payment AND o.source_kind = NEW.source_kind
          AND o.source_id IS NEW.source_id AND o.source_day IS NEW.source_day
          AND o.tariff_item_id IS NEW.tariff_item_id AND o.lab_test_id IS NEW.lab_test_id
          AND o.batch_id IS NEW.batch_id);
END;
CREATE TRIGGER charges_no_update BEFORE UPDATE ON charges
BEGIN
    SELECT RAISE(ABORT, 'a charge is never changed: reverse it and post the right one');
END;
CREATE TRIGGER charges_no_delete BEFORE DELETE ON charges
BEGIN
    SELECT RAISE(ABORT, 'a charge is never deleted: reverse it instead');
END;

-- Money taken on a bill, or given back (a negative amount: a refund, with
-- its reason). `receipt` numbers the hospital's receipts 1, 2, 3… with no
-- gap; `day` is the hospital day (its time zone) the payment belongs to,
-- which the cashier's cash-up closes. Cash records what was tendered and
-- the change given; mobile money its transaction reference.
CREATE TABLE payments (
    id            TEXT PRIMARY KEY NOT NULL,
    receipt       INTEGER NOT NULL UNIQUE CHECK (receipt >= 1),
    bill_id       TEXT NOT NULL REFERENCES bills (id),
    method        TEXT NOT NULL CHECK (method IN ('cash', 'mobile_money', 'card', 'scheme')),
    amount        INTEGER NOT NULL CHECK (amount <> 0),
    reference     TEXT CHECK (length(trim(reference)) BETWEEN 1 AND 40),
    tendered      INTEGER,
    change_given  INTEGER,
    reason        TEXT CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    cashier_id    TEXT NOT NULL REFERENCES users (id),
    taken_at      TEXT NOT NULL CHECK (taken_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    day           TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    CHECK (method <> 'mobile_money' OR reference IS NOT NULL),
    CHECK ((amount < 0) = (reason IS NOT NULL)),
    CHECK ((tendered IS NULL) = (change_given IS NULL)),
    CHECK (tendered IS NULL OR (method = 'cash' AND amount > 0 AND tendered >= amount
                                AND change_given = tendered - amount))
) STRICT;
CREATE INDEX payments_bill ON payments (bill_id);
CREATE INDEX payments_cashier_day ON payments (cashier_id, day, method);
CREATE INDEX payments_day ON payments (day);
CREATE TRIGGER payments_check BEFORE INSERT ON payments
BEGIN
    SELECT RAISE(ABORT, 'receipt numbers run without gaps: the next receipt takes the next number')
    WHERE NEW.receipt IS NOT coalesce((SELECT max(receipt) FROM payments), 0) + 1;
    SELECT RAISE(ABORT, 'this cashier''s day is closed by its cash-up: take the payment on an open day')
    WHERE EXISTS (SELECT 1 FROM cash_ups WHERE cashier_id = NEW.cashier_id AND day = NEW.day);
    SELECT RAISE(ABORT, 'a refund gives back at most what was paid on the bill: refund less')
    WHERE NEW.amount < 0
      AND (SELECT coalesce(sum(amount), 0) FROM payments WHERE bill_id = NEW.bill_id) + NEW.amount < 0;
END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment is never changed: refund it and take the right one');
END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment is never deleted: refund it instead');
END;

-- A cashier's day closed: what the file says they took by method, the
-- cash they counted, the difference and a note explaining any difference.
-- Once closed, the day takes no payment of theirs (see payments_check).
CREATE TABLE cash_ups (
    id                      TEXT PRIMARY KEY NOT NULL,
    cashier_id              TEXT NOT NULL REFERENCES users (id),
    day                     TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    expected_cash           INTEGER NOT NULL,
    expected_mobile_money   INTEGER NOT NULL,
    expected_card           INTEGER NOT NULL,
    expected_scheme         INTEGER NOT NULL,
    counted_cash            INTEGER NOT NULL CHECK (counted_cash >= 0),
    difference              INTEGER NOT NULL,
    note                    TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    closed_at               TEXT NOT NULL CHECK (closed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    closed_by               TEXT NOT NULL REFERENCES users (id),
    UNIQUE (cashier_id, day),
    CHECK (difference = counted_cash - expected_cash),
    CHECK (difference = 0 OR length(trim(note)) >= 1)
) STRICT;
-- The expected amounts are the day's payments, whoever writes the row.
CREATE TRIGGER cash_ups_check BEFORE INSERT ON cash_ups
WHEN NEW.expected_cash IS NOT (SELECT coalesce(sum(amount), 0) FROM payments
                               WHERE cashier_id = NEW.cashier_id AND day = NEW.day AND method = 'cash')
  OR NEW.expected_mobile_money IS NOT (SELECT coalesce(sum(amount), 0) FROM payments
                               WHERE cashier_id = NEW.cashier_id AND day = NEW.day AND method = 'mobile_money')
  OR NEW.expected_card IS NOT (SELECT coalesce(sum(amount), 0) FROM payments
                               WHERE cashier_id = NEW.cashier_id AND day = NEW.day AND method = 'card')
  OR NEW.expected_scheme IS NOT (SELECT coalesce(sum(amount), 0) FROM payments
                               WHERE cashier_id = NEW.cashier_id AND day = NEW.day AND method = 'scheme')
BEGIN
    SELECT RAISE(ABORT, 'a cash-up expects exactly the day''s payments by method: count again from the day''s takings');
END;
CREATE TRIGGER cash_ups_no_update BEFORE UPDATE ON cash_ups
BEGIN
    SELECT RAISE(ABORT, 'a closed cash-up is never changed: the day stays closed');
END;
CREATE TRIGGER cash_ups_no_delete BEFORE DELETE ON cash_ups
BEGIN
    SELECT RAISE(ABORT, 'a closed cash-up is never deleted: the day stays closed');
END;

-- Each bill's totals, computed from its lines and payments on every read
-- (a view, not stored totals: nothing can drift from the rows, and a
-- bill's few lines and payments are one walk of an index each). The
-- balance is the lines less the payments, always.
CREATE VIEW bill_totals AS
SELECT b.id AS bill_id,
       coalesce((SELECT sum(amount) FROM charges WHERE bill_id = b.id), 0) AS charged,
       coalesce((SELECT sum(patient_share) FROM charges WHERE bill_id = b.id), 0) AS patient_share,
       coalesce((SELECT sum(scheme_share) FROM charges WHERE bill_id = b.id), 0) AS scheme_share,
       coalesce((SELECT sum(amount) FROM payments WHERE bill_id = b.id), 0) AS paid,
       coalesce((SELECT sum(amount) FROM charges WHERE bill_id = b.id), 0)
         - coalesce((SELECT sum(amount) FROM payments WHERE bill_id = b.id), 0) AS balance
FROM bills b;

-- Migration 18: the hospital's own secrets, and a patient's death.

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

-- A charge that came from an event is posted once per thing it charges
-- (migration 20):
-- a lab order's several priced tests are each a line of the same order,
-- a dispense's line is its batch. While a line for the same source (and
-- day, for a bed-day) and the same item, test or batch stands unreversed,
-- another is refused, with the program bypassed too. A reversed line may
-- be posted again (a consultation completed again after an undo).
-- The lookup goes by the source's index: `reverses` is tested with a
-- unary plus so that its unique index (one row per value, but NULL on
-- every line that is not a reversal) is never taken for the search.
CREATE TRIGGER charges_once_per_source BEFORE INSERT ON charges
WHEN NEW.reverses IS NULL AND NEW.source_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM charges c
              WHERE c.source_kind = NEW.source_kind AND c.source_id = NEW.source_id
                AND c.source_day IS NEW.source_day AND +c.reverses IS NULL
                AND c.tariff_item_id IS NEW.tariff_item_id
                AND c.lab_test_id IS NEW.lab_test_id
                AND c.batch_id IS NEW.batch_id
                AND NOT EXISTS (SELECT 1 FROM charges r WHERE r.reverses = c.id))
BEGIN
    SELECT RAISE(ABORT, 'this event is already charged: reverse its line before posting it again');
END;

-- A dispense made in error reversed by the pharmacy (migration 19).
-- Each batch row of the dispense goes back to its batch as a return
-- movement naming it; the pair is kept here, append-only, and a dispense
-- row is reversed at most once (its seq is the key). A reversed row that was
-- dispensed against a prescription no longer counts as dispensed: the
-- prescription owes its quantity again.
CREATE TABLE dispense_reversals (
    movement_seq  INTEGER PRIMARY KEY NOT NULL REFERENCES stock_movements (seq),
    return_seq    INTEGER NOT NULL UNIQUE REFERENCES stock_movements (seq),
    reason        TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    reversed_by   TEXT NOT NULL REFERENCES users (id),
    reversed_at   TEXT NOT NULL CHECK (reversed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;

CREATE TRIGGER dispense_reversals_check BEFORE INSERT ON dispense_reversals
BEGIN
    SELECT RAISE(ABORT, 'only a dispense movement can be reversed, by a return of the same quantity to the same batch')
    WHERE NOT EXISTS (
        SELECT 1 FROM stock_movements d JOIN stock_movements r ON r.seq = NEW.return_seq
        WHERE d.seq = NEW.movement_seq AND d.kind = 'dispense' AND r.kind = 'return'
          AND r.batch_id = d.batch_id AND r.quantity = -d.quantity
          AND r.patient_id IS d.patient_id);
END;
CREATE TRIGGER dispense_reversals_apply AFTER INSERT ON dispense_reversals
BEGIN
    UPDATE prescriptions
    SET dispensed = dispensed - (SELECT quantity FROM prescription_dispenses
                                 WHERE movement_seq = NEW.movement_seq)
    WHERE id = (SELECT prescription_id FROM prescription_dispenses
                WHERE movement_seq = NEW.movement_seq);
END;
CREATE TRIGGER dispense_reversals_no_update BEFORE UPDATE ON dispense_reversals
BEGIN
    SELECT RAISE(ABORT, 'a dispense''s reversal is append-only: it stays with the ledger');
END;
CREATE TRIGGER dispense_reversals_no_delete BEFORE DELETE ON dispense_reversals
BEGIN
    SELECT RAISE(ABORT, 'a dispense''s reversal is append-only: it stays with the ledger');
END;

-- Patients' own (portal) accounts (migration 21): patient_id on users and
-- portal_enabled on patients are in their tables above, where ALTER TABLE
-- puts them. A patient account is linked to exactly one patient, only
-- patient accounts are linked, a patient has at most one account, it is
-- made only for a verified patient, and deleting the patient disables it.

-- The patient a patient account belongs to. A patient account is linked to
-- exactly one patient, only patient accounts are linked, and a patient has
-- at most one account: each held here, with the program bypassed too.
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

-- Deleting a patient disables their account in the same write.
CREATE TRIGGER patients_delete_disables_account AFTER UPDATE OF deleted_at ON patients
WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL
BEGIN
    UPDATE users SET disabled_at = NEW.deleted_at, updated_at = NEW.deleted_at, version = version + 1
    WHERE patient_id = NEW.id AND disabled_at IS NULL;
END;

-- Migration 22: the record of each merge of two patients (see migrations/0022).

-- One row per merge: both records, when and by whom, the reason, both
-- records' full values before the merge (JSON), both records' version right
-- after it, the merge's last audit event (later events about either record
-- are changes an undo would ignore), and when and by whom it was undone. Append-only except for the
-- undo stamp, which is set once; a record is merged away by at most one
-- merge that is not undone.
CREATE TABLE patient_merges (
    id                TEXT PRIMARY KEY NOT NULL,
    survivor_id       TEXT NOT NULL REFERENCES patients (id),
    other_id          TEXT NOT NULL REFERENCES patients (id),
    merged_at         TEXT NOT NULL CHECK (merged_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    merged_by         TEXT REFERENCES users (id),
    reason            TEXT NOT NULL DEFAULT '',
    survivor_before   TEXT NOT NULL CHECK (json_valid(survivor_before)),
    other_before      TEXT NOT NULL CHECK (json_valid(other_before)),
    survivor_version  INTEGER NOT NULL CHECK (survivor_version >= 1),
    other_version     INTEGER NOT NULL CHECK (other_version >= 1),
    audit_seq         INTEGER NOT NULL CHECK (audit_seq >= 1),
    undone_at         TEXT CHECK (undone_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    undone_by         TEXT REFERENCES users (id),
    CHECK (survivor_id <> other_id),
    CHECK (undone_by IS NULL OR undone_at IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX patient_merges_live_other ON patient_merges (other_id) WHERE undone_at IS NULL;
CREATE INDEX patient_merges_survivor ON patient_merges (survivor_id, merged_at);

CREATE TRIGGER patient_merges_no_delete BEFORE DELETE ON patient_merges
BEGIN
    SELECT RAISE(ABORT, 'a merge record is kept: undo the merge instead of deleting its record');
END;

CREATE TRIGGER patient_merges_only_undo BEFORE UPDATE ON patient_merges
WHEN OLD.undone_at IS NOT NULL
  OR NEW.undone_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.survivor_id IS NOT OLD.survivor_id
  OR NEW.other_id IS NOT OLD.other_id OR NEW.merged_at IS NOT OLD.merged_at
  OR NEW.merged_by IS NOT OLD.merged_by OR NEW.reason IS NOT OLD.reason
  OR NEW.survivor_before IS NOT OLD.survivor_before OR NEW.other_before IS NOT OLD.other_before
  OR NEW.survivor_version IS NOT OLD.survivor_version OR NEW.other_version IS NOT OLD.other_version
  OR NEW.audit_seq IS NOT OLD.audit_seq
BEGIN
    SELECT RAISE(ABORT, 'a merge record is append-only: only its undo is stamped, once');
END;

-- The rows a merge moved from the other record to the survivor, by kind,
-- so that undoing it moves exactly those back. Append-only.
CREATE TABLE patient_merge_moves (
    merge_id  TEXT NOT NULL REFERENCES patient_merges (id),
    kind      TEXT NOT NULL CHECK (kind IN ('appointment', 'admission', 'bed_reservation', 'account', 'merged_record')),
    row_id    TEXT NOT NULL,
    PRIMARY KEY (merge_id, kind, row_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER patient_merge_moves_no_update BEFORE UPDATE ON patient_merge_moves
BEGIN
    SELECT RAISE(ABORT, 'what a merge moved is kept as it was');
END;

CREATE TRIGGER patient_merge_moves_no_delete BEFORE DELETE ON patient_merge_moves
BEGIN
    SELECT RAISE(ABORT, 'what a merge moved is kept as it was');
END;

CREATE TABLE staff_ssh_keys (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    -- The key's algorithm and its base64 body, as in an OpenSSH .pub line.
    algorithm    TEXT NOT NULL CHECK (length(algorithm) BETWEEN 1 AND 64),
    public_key   TEXT NOT NULL CHECK (length(public_key) BETWEEN 16 AND 16384),
    -- OpenSSH's SHA-256 fingerprint, as `ssh-keygen -l` prints it.
    fingerprint  TEXT NOT NULL CHECK (fingerprint GLOB 'SHA256:*' AND length(fingerprint) = 50),
    comment      TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 200),
    added_at     TEXT NOT NULL CHECK (added_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    added_by     TEXT NOT NULL REFERENCES users (id),
    removed_at   TEXT CHECK (removed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    removed_by   TEXT REFERENCES users (id),
    CHECK ((removed_at IS NULL) = (removed_by IS NULL))
) STRICT;

-- One key signs in to one account at most.
CREATE UNIQUE INDEX staff_ssh_keys_one_account ON staff_ssh_keys (fingerprint)
    WHERE removed_at IS NULL;
CREATE INDEX staff_ssh_keys_by_user ON staff_ssh_keys (user_id, added_at);

-- Patients' own accounts read the portal; they never get a terminal.
CREATE TRIGGER staff_ssh_keys_staff_only BEFORE INSERT ON staff_ssh_keys
WHEN (SELECT role FROM users WHERE id = NEW.user_id) IS 'patient'
BEGIN
    SELECT RAISE(ABORT, 'an SSH key is registered to a staff account only, never to a patient''s');
END;

-- The only change is the removal, once; the key itself is kept as it was.
CREATE TRIGGER staff_ssh_keys_only_removed BEFORE UPDATE ON staff_ssh_keys
WHEN OLD.removed_at IS NOT NULL
  OR NEW.removed_at IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id
  OR NEW.algorithm IS NOT OLD.algorithm OR NEW.public_key IS NOT OLD.public_key
  OR NEW.fingerprint IS NOT OLD.fingerprint OR NEW.comment IS NOT OLD.comment
  OR NEW.added_at IS NOT OLD.added_at OR NEW.added_by IS NOT OLD.added_by
BEGIN
    SELECT RAISE(ABORT, 'a registered SSH key is only ever removed, once; it is never changed');
END;

CREATE TRIGGER staff_ssh_keys_no_delete BEFORE DELETE ON staff_ssh_keys
BEGIN
    SELECT RAISE(ABORT, 'a registered SSH key is kept in the history: remove it instead');
END;

-- Migration 27: the hospital's site id (site_id on hospital, above, where
-- ALTER TABLE puts it), fixed when the file is made, and the outbox of
-- changed rows that `wardline central push` reads (see the migration).

CREATE TRIGGER hospital_site_id_given AFTER INSERT ON hospital WHEN NEW.site_id IS NULL
BEGIN
    UPDATE hospital SET site_id = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
        || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
     WHERE id = NEW.id;
END;

CREATE TRIGGER hospital_site_id_fixed BEFORE UPDATE OF site_id ON hospital WHEN OLD.site_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a hospital''s site id never changes: it is how the central store knows this hospital');
END;

CREATE TABLE central_outbox (
    seq         INTEGER PRIMARY KEY,
    table_name  TEXT NOT NULL,
    row_key     ANY NOT NULL
) STRICT;

CREATE TRIGGER central_outbox_no_update BEFORE UPDATE ON central_outbox
BEGIN
    SELECT RAISE(ABORT, 'an outbox entry never changes');
END;

CREATE TRIGGER access_grants_outbox_update AFTER UPDATE ON access_grants
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('access_grants', NEW.rowid);
END;

CREATE TRIGGER admission_news2_outbox_insert AFTER INSERT ON admission_news2
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('admission_news2', json_array(NEW.admission_id));
END;

CREATE TRIGGER admission_news2_outbox_update AFTER UPDATE ON admission_news2
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('admission_news2', json_array(NEW.admission_id));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'admission_news2', json_array(OLD.admission_id) WHERE json_array(OLD.admission_id) IS NOT json_array(NEW.admission_id);
END;

CREATE TRIGGER admission_news2_outbox_delete AFTER DELETE ON admission_news2
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('admission_news2', json_array(OLD.admission_id));
END;

CREATE TRIGGER admissions_outbox_update AFTER UPDATE ON admissions
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('admissions', NEW.rowid);
END;

CREATE TRIGGER allergies_outbox_update AFTER UPDATE ON allergies
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('allergies', NEW.rowid);
END;

CREATE TRIGGER appointment_types_outbox_update AFTER UPDATE ON appointment_types
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('appointment_types', NEW.rowid);
END;

CREATE TRIGGER appointments_outbox_update AFTER UPDATE ON appointments
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('appointments', NEW.rowid);
END;

CREATE TRIGGER audit_log_outbox_update AFTER UPDATE ON audit_log
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('audit_log', NEW.rowid);
END;

CREATE TRIGGER bed_stays_outbox_update AFTER UPDATE ON bed_stays
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('bed_stays', NEW.rowid);
END;

CREATE TRIGGER beds_outbox_update AFTER UPDATE ON beds
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('beds', NEW.rowid);
END;

CREATE TRIGGER bills_outbox_update AFTER UPDATE ON bills
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('bills', NEW.rowid);
END;

CREATE TRIGGER cash_ups_outbox_update AFTER UPDATE ON cash_ups
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('cash_ups', NEW.rowid);
END;

CREATE TRIGGER charges_outbox_update AFTER UPDATE ON charges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('charges', NEW.rowid);
END;

CREATE TRIGGER days_off_outbox_insert AFTER INSERT ON days_off
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('days_off', json_array(NEW.clinician_id, NEW.day));
END;

CREATE TRIGGER days_off_outbox_update AFTER UPDATE ON days_off
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('days_off', json_array(NEW.clinician_id, NEW.day));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'days_off', json_array(OLD.clinician_id, OLD.day) WHERE json_array(OLD.clinician_id, OLD.day) IS NOT json_array(NEW.clinician_id, NEW.day);
END;

CREATE TRIGGER days_off_outbox_delete AFTER DELETE ON days_off
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('days_off', json_array(OLD.clinician_id, OLD.day));
END;

CREATE TRIGGER diagnoses_outbox_update AFTER UPDATE ON diagnoses
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('diagnoses', NEW.rowid);
END;

CREATE TRIGGER dispense_reversals_outbox_update AFTER UPDATE ON dispense_reversals
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('dispense_reversals', NEW.rowid);
END;

CREATE TRIGGER lab_analytes_outbox_update AFTER UPDATE ON lab_analytes
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_analytes', NEW.rowid);
END;

CREATE TRIGGER lab_order_tests_outbox_insert AFTER INSERT ON lab_order_tests
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_order_tests', json_array(NEW.order_id, NEW.test_id));
END;

CREATE TRIGGER lab_order_tests_outbox_update AFTER UPDATE ON lab_order_tests
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_order_tests', json_array(NEW.order_id, NEW.test_id));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'lab_order_tests', json_array(OLD.order_id, OLD.test_id) WHERE json_array(OLD.order_id, OLD.test_id) IS NOT json_array(NEW.order_id, NEW.test_id);
END;

CREATE TRIGGER lab_order_tests_outbox_delete AFTER DELETE ON lab_order_tests
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_order_tests', json_array(OLD.order_id, OLD.test_id));
END;

CREATE TRIGGER lab_orders_outbox_update AFTER UPDATE ON lab_orders
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_orders', NEW.rowid);
END;

CREATE TRIGGER lab_ranges_outbox_insert AFTER INSERT ON lab_ranges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_ranges', json_array(NEW.analyte_id, NEW.position));
END;

CREATE TRIGGER lab_ranges_outbox_update AFTER UPDATE ON lab_ranges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_ranges', json_array(NEW.analyte_id, NEW.position));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'lab_ranges', json_array(OLD.analyte_id, OLD.position) WHERE json_array(OLD.analyte_id, OLD.position) IS NOT json_array(NEW.analyte_id, NEW.position);
END;

CREATE TRIGGER lab_ranges_outbox_delete AFTER DELETE ON lab_ranges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_ranges', json_array(OLD.analyte_id, OLD.position));
END;

CREATE TRIGGER lab_results_outbox_update AFTER UPDATE ON lab_results
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_results', NEW.rowid);
END;

CREATE TRIGGER lab_tests_outbox_update AFTER UPDATE ON lab_tests
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_tests', NEW.rowid);
END;

CREATE TRIGGER medication_administrations_outbox_update AFTER UPDATE ON medication_administrations
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('medication_administrations', NEW.rowid);
END;

CREATE TRIGGER no_known_allergies_outbox_update AFTER UPDATE ON no_known_allergies
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('no_known_allergies', NEW.rowid);
END;

CREATE TRIGGER note_addenda_outbox_update AFTER UPDATE ON note_addenda
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('note_addenda', NEW.rowid);
END;

CREATE TRIGGER patient_merge_moves_outbox_insert AFTER INSERT ON patient_merge_moves
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_merge_moves', json_array(NEW.merge_id, NEW.kind, NEW.row_id));
END;

CREATE TRIGGER patient_merge_moves_outbox_update AFTER UPDATE ON patient_merge_moves
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_merge_moves', json_array(NEW.merge_id, NEW.kind, NEW.row_id));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'patient_merge_moves', json_array(OLD.merge_id, OLD.kind, OLD.row_id) WHERE json_array(OLD.merge_id, OLD.kind, OLD.row_id) IS NOT json_array(NEW.merge_id, NEW.kind, NEW.row_id);
END;

CREATE TRIGGER patient_merge_moves_outbox_delete AFTER DELETE ON patient_merge_moves
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_merge_moves', json_array(OLD.merge_id, OLD.kind, OLD.row_id));
END;

CREATE TRIGGER patient_merges_outbox_update AFTER UPDATE ON patient_merges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_merges', NEW.rowid);
END;

CREATE TRIGGER patient_schemes_outbox_update AFTER UPDATE ON patient_schemes
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_schemes', NEW.rowid);
END;

CREATE TRIGGER patients_outbox_update AFTER UPDATE ON patients
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patients', NEW.rowid);
END;

CREATE TRIGGER payer_schemes_outbox_update AFTER UPDATE ON payer_schemes
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('payer_schemes', NEW.rowid);
END;

CREATE TRIGGER payments_outbox_update AFTER UPDATE ON payments
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('payments', NEW.rowid);
END;

CREATE TRIGGER prescription_dispenses_outbox_update AFTER UPDATE ON prescription_dispenses
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescription_dispenses', NEW.rowid);
END;

CREATE TRIGGER prescription_overrides_outbox_insert AFTER INSERT ON prescription_overrides
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescription_overrides', json_array(NEW.prescription_id, NEW.check_kind));
END;

CREATE TRIGGER prescription_overrides_outbox_update AFTER UPDATE ON prescription_overrides
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescription_overrides', json_array(NEW.prescription_id, NEW.check_kind));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'prescription_overrides', json_array(OLD.prescription_id, OLD.check_kind) WHERE json_array(OLD.prescription_id, OLD.check_kind) IS NOT json_array(NEW.prescription_id, NEW.check_kind);
END;

CREATE TRIGGER prescription_overrides_outbox_delete AFTER DELETE ON prescription_overrides
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescription_overrides', json_array(OLD.prescription_id, OLD.check_kind));
END;

CREATE TRIGGER prescriptions_outbox_update AFTER UPDATE ON prescriptions
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescriptions', NEW.rowid);
END;

CREATE TRIGGER problems_outbox_update AFTER UPDATE ON problems
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('problems', NEW.rowid);
END;

CREATE TRIGGER settings_outbox_update AFTER UPDATE ON settings
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('settings', NEW.rowid);
END;

CREATE TRIGGER stock_batches_outbox_update AFTER UPDATE ON stock_batches
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('stock_batches', NEW.rowid);
END;

CREATE TRIGGER stock_items_outbox_update AFTER UPDATE ON stock_items
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('stock_items', NEW.rowid);
END;

CREATE TRIGGER stock_movements_outbox_update AFTER UPDATE ON stock_movements
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('stock_movements', NEW.rowid);
END;

CREATE TRIGGER tariff_items_outbox_update AFTER UPDATE ON tariff_items
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('tariff_items', NEW.rowid);
END;

CREATE TRIGGER tariff_prices_outbox_insert AFTER INSERT ON tariff_prices
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('tariff_prices', json_array(NEW.item_id, NEW.effective_from));
END;

CREATE TRIGGER tariff_prices_outbox_update AFTER UPDATE ON tariff_prices
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('tariff_prices', json_array(NEW.item_id, NEW.effective_from));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'tariff_prices', json_array(OLD.item_id, OLD.effective_from) WHERE json_array(OLD.item_id, OLD.effective_from) IS NOT json_array(NEW.item_id, NEW.effective_from);
END;

CREATE TRIGGER tariff_prices_outbox_delete AFTER DELETE ON tariff_prices
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('tariff_prices', json_array(OLD.item_id, OLD.effective_from));
END;

CREATE TRIGGER users_outbox_update AFTER UPDATE ON users
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('users', NEW.rowid);
END;

CREATE TRIGGER visit_notes_outbox_update AFTER UPDATE ON visit_notes
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('visit_notes', NEW.rowid);
END;

CREATE TRIGGER visits_outbox_update AFTER UPDATE ON visits
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('visits', NEW.rowid);
END;

CREATE TRIGGER vitals_outbox_update AFTER UPDATE ON vitals
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('vitals', NEW.rowid);
END;

CREATE TRIGGER ward_staff_outbox_update AFTER UPDATE ON ward_staff
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('ward_staff', NEW.rowid);
END;

CREATE TRIGGER wards_outbox_update AFTER UPDATE ON wards
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('wards', NEW.rowid);
END;

CREATE TRIGGER working_hours_outbox_insert AFTER INSERT ON working_hours
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('working_hours', json_array(NEW.clinician_id, NEW.weekday, NEW.start_min));
END;

CREATE TRIGGER working_hours_outbox_update AFTER UPDATE ON working_hours
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('working_hours', json_array(NEW.clinician_id, NEW.weekday, NEW.start_min));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'working_hours', json_array(OLD.clinician_id, OLD.weekday, OLD.start_min) WHERE json_array(OLD.clinician_id, OLD.weekday, OLD.start_min) IS NOT json_array(NEW.clinician_id, NEW.weekday, NEW.start_min);
END;

CREATE TRIGGER working_hours_outbox_delete AFTER DELETE ON working_hours
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('working_hours', json_array(OLD.clinician_id, OLD.weekday, OLD.start_min));
END;
