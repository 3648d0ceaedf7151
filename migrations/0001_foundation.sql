-- Migration 1: the foundation (hospital, settings, staff accounts, sessions, audit trail).
-- Shipped: never edit; add a new numbered file instead.

CREATE TABLE hospital (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    code        TEXT NOT NULL CHECK (length(code) BETWEEN 2 AND 8 AND code NOT GLOB '*[^A-Z0-9]*'),
    created_at  TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;

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
                                                       'pharmacist', 'lab_tech', 'patient')),
    password_hash         TEXT NOT NULL CHECK (password_hash GLOB '$argon2id$*'),
    must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at            TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    updated_at            TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    disabled_at           TEXT CHECK (disabled_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    last_login_at         TEXT CHECK (last_login_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    version               INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

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
CREATE INDEX audit_log_patient ON audit_log (patient_id) WHERE patient_id IS NOT NULL;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
