-- Migration 22: the record of each merge of two patients, so that an
-- administrator can undo it (unmerge) while neither record has changed.
-- Shipped: never edit; add a new numbered file instead.

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
