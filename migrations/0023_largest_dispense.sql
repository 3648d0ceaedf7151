-- Migration 23: the largest plausible single dispense of a stock item.
-- Shipped: never edit; add a new numbered file instead.

-- Dispensing more than this in one go asks once, naming the quantity and
-- this usual maximum (NULL: not known, nothing asked).
ALTER TABLE stock_items ADD COLUMN max_dispense INTEGER
    CHECK (max_dispense IS NULL OR max_dispense BETWEEN 1 AND 10000000);
