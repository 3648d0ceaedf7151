-- Migration 15: the laboratory's catalogue. Tests (a single analyte or a
-- panel) with their price, their analytes (LOINC, UCUM unit, result type,
-- physically possible bounds, critical limits) and each analyte's
-- reference ranges by sex and age band. Loaded with the shipped catalogue
-- by the program step of this migration; an admin edits it or loads the
-- hospital's own. Nothing is deleted: a test or an analyte no longer
-- offered is marked inactive, since orders will name them. Shipped: never
-- edit; add a new numbered file instead.

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
