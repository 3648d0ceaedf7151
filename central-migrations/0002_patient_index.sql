-- Central migration 2: a patient index across hospitals, on PostgreSQL's own
-- facilities rather than a copy of each file's search terms: trigram
-- similarity (pg_trgm) for misspelt names, Double Metaphone (fuzzystrmatch)
-- for names that sound alike, in any order; national ID, phone (its last
-- nine digits, so that +260 97… and 097… meet) and birth date exactly.
-- The words of the names, their sounds and the phone key are kept with
-- each row. Every search is recorded in central_reads: who ran it and how many
-- records it showed, never what was searched for.
-- Shipped: never edit; add a new numbered file instead.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- A person's names as one lower-case text.
CREATE FUNCTION wardline_full_name(given text, middle text, family text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN lower(coalesce(given, '') || ' ' || coalesce(middle || ' ', '') || coalesce(family, ''));

-- How each word of a person's names sounds (Double Metaphone), once each.
CREATE FUNCTION wardline_name_sounds(given text, middle text, family text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT coalesce(array_agg(DISTINCT dmetaphone(w)) FILTER (WHERE dmetaphone(w) <> ''), '{}')
      FROM regexp_split_to_table(wardline_full_name(given, middle, family), '[^[:alpha:]]+') AS w
     WHERE w <> '';
END;

-- The last nine digits of a phone number.
CREATE FUNCTION wardline_phone_key(phone text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN nullif(right(regexp_replace(phone, '[^0-9]', '', 'g'), 9), '');

-- Kept with each row (stored generated columns), so that a search reads
-- them from the row instead of working them out again for every candidate.
ALTER TABLE patients
    ADD COLUMN central_name_sounds text[] GENERATED ALWAYS AS (wardline_name_sounds(given_name, middle_name, family_name)) STORED,
    ADD COLUMN central_full_name text GENERATED ALWAYS AS (wardline_full_name(given_name, middle_name, family_name)) STORED,
    ADD COLUMN central_phone_key text GENERATED ALWAYS AS (wardline_phone_key(phone)) STORED;

CREATE INDEX patients_name_sounds ON patients USING gin (central_name_sounds);
CREATE INDEX patients_name_trigrams ON patients USING gin (central_full_name gin_trgm_ops);
CREATE INDEX patients_national_id ON patients (upper(national_id));
CREATE INDEX patients_phone_key ON patients (central_phone_key);
CREATE INDEX patients_birth_date ON patients (birth_date);

-- Who read patients' records in the central store, and how many.
CREATE TABLE central_reads (
    at       timestamptz NOT NULL DEFAULT now(),
    db_role  text NOT NULL DEFAULT current_user,
    os_user  text,
    action   text NOT NULL,
    shown    integer NOT NULL
);
