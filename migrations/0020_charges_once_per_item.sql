-- A charge that came from an event is posted once per thing it charges:
-- a lab order's several priced tests are each a line of the same order,
-- a dispense's line is its batch. While a line for the same source (and
-- day, for a bed-day) and the same item, test or batch stands unreversed,
-- another is refused, with the program bypassed too. A reversed line may
-- be posted again (a consultation completed again after an undo).
-- The lookup goes by the source's index: `reverses` is tested with a
-- unary plus so that its unique index (one row per value, but NULL on
-- every line that is not a reversal) is never taken for the search.
DROP TRIGGER charges_once_per_source;
CREATE TRIGGER charges_once_per_source BEFORE INSERT ON charges
WHEN NEW.reverses IS NULL AND NEW.source_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM charges c
              WHERE c.source_kind = NEW.source_kind AND c.source_id = NEW.source_id
                AND c.source_day IS NEW.source_day AND +c.reverses IS NULL
                AND c.tariff_item_id IS NEW.tariff_item_id
                AND c.lab_test_id IS NEW.lab_test_id
                AND c.batch_id IS NEW.batch_id
                AND NOT EXISTS (SELECT 1 FROM charges r WHERE r.reverses = c.id))
BEGIN
    SELECT RAISE(ABORT, 'this event is already charged: reverse its line before posting it again');
END;
