-- Migration 9: the hospital's own diagnosis code list (for example WHO
-- ICD-10), which searches use instead of the shipped ICD-10-CM while it is
-- loaded. Shipped: never edit; add a new numbered file instead.

-- At most one list (id 1): `wardline import codes` replaces it, and
-- `--shipped` removes it. `version` is new at every load, so that other
-- terminals notice a new list.
CREATE TABLE code_list (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version    TEXT NOT NULL CHECK (length(version) = 36),
    system     TEXT NOT NULL CHECK (length(system) BETWEEN 1 AND 40 AND system = trim(system)),
    source     TEXT NOT NULL CHECK (source <> ''),
    codes      INTEGER NOT NULL CHECK (codes >= 1),
    loaded_at  TEXT NOT NULL CHECK (loaded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    loaded_by  TEXT REFERENCES users (id)
) STRICT;

-- The list's codes, as printed (`A00.0`), and the key they are found by
-- (upper case without dots: `A000`).
CREATE TABLE code_list_entries (
    code         TEXT PRIMARY KEY NOT NULL
                 CHECK (length(code) BETWEEN 1 AND 16 AND code GLOB '[A-Z0-9]*' AND code NOT GLOB '*[^A-Z0-9.]*'),
    code_key     TEXT NOT NULL UNIQUE CHECK (code_key = replace(code, '.', '')),
    list_id      INTEGER NOT NULL DEFAULT 1 REFERENCES code_list (id),
    description  TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 500 AND description = trim(description)),
    billable     INTEGER NOT NULL CHECK (billable IN (0, 1))
) STRICT, WITHOUT ROWID;
