-- Migration 19: a dispense made in error reversed by the pharmacy.
-- Shipped: never edit; add a new numbered file instead.
--
-- Each batch row of the dispense goes back to its batch as a return
-- movement naming it; the pair is kept here, append-only, and a dispense
-- row is reversed at most once (its seq is the key). A reversed row that was
-- dispensed against a prescription no longer counts as dispensed: the
-- prescription owes its quantity again.
CREATE TABLE dispense_reversals (
    movement_seq  INTEGER PRIMARY KEY NOT NULL REFERENCES stock_movements (seq),
    return_seq    INTEGER NOT NULL UNIQUE REFERENCES stock_movements (seq),
    reason        TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    reversed_by   TEXT NOT NULL REFERENCES users (id),
    reversed_at   TEXT NOT NULL CHECK (reversed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;

CREATE TRIGGER dispense_reversals_check BEFORE INSERT ON dispense_reversals
BEGIN
    SELECT RAISE(ABORT, 'only a dispense movement can be reversed, by a return of the same quantity to the same batch')
    WHERE NOT EXISTS (
        SELECT 1 FROM stock_movements d JOIN stock_movements r ON r.seq = NEW.return_seq
        WHERE d.seq = NEW.movement_seq AND d.kind = 'dispense' AND r.kind = 'return'
          AND r.batch_id = d.batch_id AND r.quantity = -d.quantity
          AND r.patient_id IS d.patient_id);
END;
CREATE TRIGGER dispense_reversals_apply AFTER INSERT ON dispense_reversals
BEGIN
    UPDATE prescriptions
    SET dispensed = dispensed - (SELECT quantity FROM prescription_dispenses
                                 WHERE movement_seq = NEW.movement_seq)
    WHERE id = (SELECT prescription_id FROM prescription_dispenses
                WHERE movement_seq = NEW.movement_seq);
END;
CREATE TRIGGER dispense_reversals_no_update BEFORE UPDATE ON dispense_reversals
BEGIN
    SELECT RAISE(ABORT, 'a dispense''s reversal is append-only: it stays with the ledger');
END;
CREATE TRIGGER dispense_reversals_no_delete BEFORE DELETE ON dispense_reversals
BEGIN
    SELECT RAISE(ABORT, 'a dispense''s reversal is append-only: it stays with the ledger');
END;

-- A prescription's dispensed quantity is its dispenses less those reversed.
DROP TRIGGER prescriptions_dispensed_is_ledger;
CREATE TRIGGER prescriptions_dispensed_is_ledger BEFORE UPDATE OF dispensed ON prescriptions
WHEN NEW.dispensed IS NOT (SELECT coalesce(sum(d.quantity), 0) FROM prescription_dispenses d
                           WHERE d.prescription_id = NEW.id
                             AND NOT EXISTS (SELECT 1 FROM dispense_reversals r
                                             WHERE r.movement_seq = d.movement_seq))
BEGIN
    SELECT RAISE(ABORT, 'a prescription''s dispensed quantity must equal the sum of its dispenses not reversed');
END;

DROP TRIGGER prescription_dispenses_check;
CREATE TRIGGER prescription_dispenses_check BEFORE INSERT ON prescription_dispenses
BEGIN
    SELECT RAISE(ABORT, 'only a dispense movement of the prescribed item to its patient, of the same quantity, can be linked to a prescription')
    WHERE NOT EXISTS (
        SELECT 1 FROM stock_movements m JOIN prescriptions p ON p.id = NEW.prescription_id
        WHERE m.seq = NEW.movement_seq AND m.kind = 'dispense' AND m.item_id = p.item_id
          AND m.patient_id = p.patient_id AND -m.quantity = NEW.quantity);
    SELECT RAISE(ABORT, 'the prescription is no longer active: nothing more is dispensed against it')
    WHERE (SELECT status FROM prescriptions WHERE id = NEW.prescription_id) IS NOT 'active';
    SELECT RAISE(ABORT, 'a dispense against a prescription never exceeds what is prescribed and still owed')
    WHERE (SELECT coalesce(sum(d.quantity), 0) FROM prescription_dispenses d
           WHERE d.prescription_id = NEW.prescription_id
             AND NOT EXISTS (SELECT 1 FROM dispense_reversals r
                             WHERE r.movement_seq = d.movement_seq)) + NEW.quantity
        > (SELECT quantity FROM prescriptions WHERE id = NEW.prescription_id);
END;
