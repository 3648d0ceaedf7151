-- Migration 25: SSH public keys registered to staff accounts, for signing in
-- to `wardline serve --ssh` by key. A key is added and later removed, never
-- changed or deleted: the history of who could sign in with what is kept.
-- Shipped: never edit; add a new numbered file instead.

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
