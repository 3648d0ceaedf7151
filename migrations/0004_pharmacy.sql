-- Migration 4: pharmacy stock (catalogue items, batches, the movement ledger).
-- Shipped: never edit; add a new numbered file instead.

CREATE TABLE stock_items (
    id             TEXT PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL CHECK (name <> '' AND length(name) <= 80),
    generic_name   TEXT NOT NULL DEFAULT '',
    strength       TEXT NOT NULL DEFAULT '',
    form           TEXT NOT NULL CHECK (form <> '' AND form NOT GLOB '*[^a-z]*'),
    unit           TEXT NOT NULL CHECK (unit <> ''),
    category       TEXT NOT NULL DEFAULT '',
    reorder_level  INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),
    -- name, strength and form folded: one catalogue entry per medicine.
    identity_key   TEXT NOT NULL UNIQUE,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    updated_at     TEXT NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

-- A batch's on_hand is kept by the ledger's trigger only: it starts at 0,
-- never goes below 0, and always equals the sum of the batch's movements.
CREATE TABLE stock_batches (
    id           TEXT PRIMARY KEY NOT NULL,
    item_id      TEXT NOT NULL REFERENCES stock_items (id),
    batch_no     TEXT NOT NULL CHECK (batch_no <> '' AND length(batch_no) <= 40),
    expiry       TEXT NOT NULL CHECK (expiry GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    on_hand      INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    unit_cost    INTEGER NOT NULL CHECK (unit_cost >= 0),
    price        INTEGER NOT NULL CHECK (price >= 0),
    supplier     TEXT NOT NULL DEFAULT '',
    received_at  TEXT NOT NULL CHECK (received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    UNIQUE (item_id, batch_no)
) STRICT;
CREATE INDEX stock_batches_item ON stock_batches (item_id, expiry);
CREATE INDEX stock_batches_expiry ON stock_batches (expiry) WHERE on_hand > 0;

-- The ledger: append-only, one row per movement of one batch.
CREATE TABLE stock_movements (
    seq         INTEGER PRIMARY KEY CHECK (seq >= 1),
    batch_id    TEXT NOT NULL REFERENCES stock_batches (id),
    item_id     TEXT NOT NULL REFERENCES stock_items (id),
    kind        TEXT NOT NULL CHECK (kind IN ('receive', 'dispense', 'return', 'adjust', 'dispose', 'count')),
    quantity    INTEGER NOT NULL CHECK (quantity <> 0),
    reason      TEXT NOT NULL DEFAULT '',
    reference   TEXT NOT NULL DEFAULT '',
    patient_id  TEXT REFERENCES patients (id),
    actor_id    TEXT REFERENCES users (id),
    at          TEXT NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    CHECK (kind NOT IN ('receive', 'return') OR quantity > 0),
    CHECK (kind NOT IN ('dispense', 'dispose') OR quantity < 0),
    CHECK (kind NOT IN ('adjust', 'dispose', 'return') OR reason <> '')
) STRICT;
CREATE INDEX stock_movements_batch ON stock_movements (batch_id, seq);
CREATE INDEX stock_movements_item ON stock_movements (item_id, seq);
CREATE INDEX stock_movements_patient ON stock_movements (patient_id, seq) WHERE patient_id IS NOT NULL;

CREATE TRIGGER stock_batches_start_empty BEFORE INSERT ON stock_batches
WHEN NEW.on_hand <> 0
BEGIN
    SELECT RAISE(ABORT, 'a batch starts empty: its stock comes from a receive movement');
END;

CREATE TRIGGER stock_batches_no_delete BEFORE DELETE ON stock_batches
BEGIN
    SELECT RAISE(ABORT, 'batches are never deleted: their ledger must stay whole');
END;

CREATE TRIGGER stock_batches_on_hand_is_ledger BEFORE UPDATE OF on_hand ON stock_batches
WHEN NEW.on_hand IS NOT (SELECT coalesce(sum(quantity), 0) FROM stock_movements WHERE batch_id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'a batch''s quantity must equal the sum of its ledger');
END;

CREATE TRIGGER stock_movements_check BEFORE INSERT ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'the movement names a batch of another item')
    WHERE (SELECT item_id FROM stock_batches WHERE id = NEW.batch_id) IS NOT NEW.item_id;
    SELECT RAISE(ABORT, 'a batch on or past its expiry date cannot be dispensed')
    WHERE NEW.kind = 'dispense'
      AND (SELECT expiry FROM stock_batches WHERE id = NEW.batch_id) <= substr(NEW.at, 1, 10);
END;

CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
BEGIN
    UPDATE stock_batches SET on_hand = on_hand + NEW.quantity WHERE id = NEW.batch_id;
END;

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'the stock ledger is append-only: record a correcting movement');
END;

CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'the stock ledger is append-only: record a correcting movement');
END;
