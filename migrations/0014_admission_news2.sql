-- Migration 14: the latest NEWS2 of each admission, kept by the file.
-- The worklist orders its ward round by it and the bed board shows it, for
-- every admitted patient on each refresh: read from the vitals sets that is
-- three walks of their index per admission (2 ms of a 4 ms frame at 489
-- admissions); kept here it is one short table. The vitals sets stay the
-- record: these rows are derived from them by the triggers below, whatever
-- program writes the sets, and never written otherwise. Shipped: never edit;
-- add a new numbered file instead.

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

INSERT INTO admission_news2 (admission_id, taken_at, score, band, previous)
SELECT s.admission_id, s.taken_at, s.score, s.band, s.previous
FROM admissions a JOIN admission_news2_of_sets s ON s.admission_id = a.id;

-- Who had vitals today is now asked of the worklist's rows in view, one
-- walk of the patient's index each: migration 13's day index is unused.
DROP INDEX vitals_standing_taken;
