-- Migration 13: indexes for the clinician's worklist, which reads the state
-- of every admitted patient of its ward round at once. Shipped: never edit;
-- add a new numbered file instead.

-- The standing sets taken in a day (who had vitals today), from one range
-- of the index instead of one walk of the patient index per patient.
CREATE INDEX vitals_standing_taken ON vitals (taken_at, patient_id) WHERE error_at IS NULL;
-- The latest standing NEWS2 of an admission and the one before it, read
-- from the index alone, without the sets' rows.
CREATE INDEX vitals_admission_scores ON vitals (admission_id, taken_at, news2_score, news2_band)
    WHERE error_at IS NULL AND news2_score IS NOT NULL;
