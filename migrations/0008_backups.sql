-- Migration 7: a record of the backups taken, written in the same transaction
-- as their BACKUP audit event, so that the Admin tab and an admin's sign-in
-- read the latest backup by index instead of scanning the audit log.
-- Shipped: never edit; add a new numbered file instead.

-- One row per backup that passed its check. `automatic` is 1 for a copy made
-- into <data>/backups/ under the automatic name (which `--keep` may remove
-- later), 0 for one written where `--out` said. `events` and `head_hash`
-- describe the copy's audit trail.
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
