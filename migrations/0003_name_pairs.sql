-- Migration 3: pairs of name words, so that a search of two names reads only
-- the patients holding both. Shipped: never edit; add a new numbered file instead.
-- The rows of the patients already in the file are written by the program
-- right after this script (store::patients::fill_name_pairs), in the same
-- transaction.

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
