-- Migration 17: billing. The tariff and its prices over time, the payer
-- schemes and each patient's, bills, their lines (charges), payments with
-- gapless receipt numbers, and each cashier's day closed by a cash-up.
-- Shipped: never edit; add a new numbered file instead.
--
-- The rules that must hold with the program bypassed live here: a price
-- is never changed (a new price is a new row from a date); charges and
-- payments are never updated or deleted (a reversal or a refund is a new
-- row); receipt numbers run 1, 2, 3… without a gap; a refund needs a
-- reason and returns at most what the bill was paid; a cashier's closed
-- day takes no payment; a bill's balance is its lines less its payments.

-- The cashier's role. Widening the accounts' list of roles touches no
-- stored row, so the stored CHECK is rewritten in place (SQLite's own
-- procedure for loosening a constraint) instead of rebuilding `users`,
-- which every table's author and stamp columns refer to. The program
-- bumps the schema cookie after this script so that open connections
-- read the new text.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, '''lab_tech'', ''patient''))', '''lab_tech'', ''patient'', ''cashier''))')
WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = OFF;

-- What the hospital charges for, by its code (`CONSULT`, `XRAY-CHEST`).
-- Lab tests keep their price in the lab's catalogue and medicines at their
-- batch's selling price; the tariff holds everything else.
CREATE TABLE tariff_items (
    id             TEXT PRIMARY KEY NOT NULL,
    code           TEXT NOT NULL UNIQUE
                   CHECK (length(code) BETWEEN 1 AND 20 AND code NOT GLOB '*[^A-Z0-9-]*'),
    name           TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    service_group  TEXT NOT NULL CHECK (service_group IN ('consultation', 'bed_day', 'lab',
                                                          'procedure', 'service', 'medicine')),
    created_at     TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;

-- An item's prices: the price on a day is the row with the latest
-- `effective_from` on or before it. A change is a new row, so an old bill
-- is always explained by the prices of its day.
CREATE TABLE tariff_prices (
    item_id         TEXT NOT NULL REFERENCES tariff_items (id),
    effective_from  TEXT NOT NULL CHECK (effective_from GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    price           INTEGER NOT NULL CHECK (price >= 0),
    set_at          TEXT NOT NULL CHECK (set_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    set_by          TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (item_id, effective_from)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER tariff_prices_no_update BEFORE UPDATE ON tariff_prices
BEGIN
    SELECT RAISE(ABORT, 'a price is never changed: set a new price from a later date');
END;
CREATE TRIGGER tariff_prices_no_delete BEFORE DELETE ON tariff_prices
BEGIN
    SELECT RAISE(ABORT, 'a price is never deleted: set a new price from a later date');
END;

-- Who pays: the patient (self-pay), an insurance scheme covering
-- `coverage_bp` basis points (10000 = all) of each line after the
-- patient's co-payment of `co_payment` minor units per bill, or a waiver
-- programme covering everything.
CREATE TABLE payer_schemes (
    id           TEXT PRIMARY KEY NOT NULL,
    code         TEXT NOT NULL UNIQUE
                 CHECK (length(code) BETWEEN 1 AND 20 AND code NOT GLOB '*[^A-Z0-9-]*'),
    name         TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
    kind         TEXT NOT NULL CHECK (kind IN ('self_pay', 'insurance', 'waiver')),
    coverage_bp  INTEGER NOT NULL CHECK (coverage_bp BETWEEN 0 AND 10000),
    co_payment   INTEGER NOT NULL CHECK (co_payment >= 0),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (kind <> 'self_pay' OR (coverage_bp = 0 AND co_payment = 0)),
    CHECK (kind <> 'waiver' OR (coverage_bp = 10000 AND co_payment = 0))
) STRICT;

-- Which scheme covers a patient from when to when, with their member
-- number. A change is a new row; the scheme on a day is the latest row set
-- whose validity holds that day.
CREATE TABLE patient_schemes (
    id             TEXT PRIMARY KEY NOT NULL,
    patient_id     TEXT NOT NULL REFERENCES patients (id),
    scheme_id      TEXT NOT NULL REFERENCES payer_schemes (id),
    member_number  TEXT NOT NULL DEFAULT '' CHECK (length(member_number) <= 40),
    valid_from     TEXT NOT NULL CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    valid_to       TEXT CHECK (valid_to GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    set_at         TEXT NOT NULL CHECK (set_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    set_by         TEXT NOT NULL REFERENCES users (id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
) STRICT;
CREATE INDEX patient_schemes_patient ON patient_schemes (patient_id, set_at);
CREATE TRIGGER patient_schemes_no_update BEFORE UPDATE ON patient_schemes
BEGIN
    SELECT RAISE(ABORT, 'a patient''s scheme is kept as history: set the scheme again instead');
END;
CREATE TRIGGER patient_schemes_no_delete BEFORE DELETE ON patient_schemes
BEGIN
    SELECT RAISE(ABORT, 'a patient''s scheme is kept as history: set the scheme again instead');
END;

-- A bill: of one outpatient visit, or of an admission (a long stay may
-- have several, each interim bill closed before the next opens). `number`
-- is the bill's number in the hospital (`B-000045`).
CREATE TABLE bills (
    id            TEXT PRIMARY KEY NOT NULL,
    number        INTEGER NOT NULL UNIQUE CHECK (number >= 1),
    patient_id    TEXT NOT NULL REFERENCES patients (id),
    visit_id      TEXT REFERENCES visits (id),
    admission_id  TEXT REFERENCES admissions (id),
    opened_at     TEXT NOT NULL CHECK (opened_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    closed_at     TEXT CHECK (closed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    closed_by     TEXT REFERENCES users (id),
    CHECK ((visit_id IS NULL) <> (admission_id IS NULL)),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
) STRICT;
CREATE INDEX bills_patient ON bills (patient_id, opened_at);
CREATE UNIQUE INDEX bills_open_visit ON bills (visit_id) WHERE visit_id IS NOT NULL AND closed_at IS NULL;
CREATE UNIQUE INDEX bills_open_admission ON bills (admission_id)
    WHERE admission_id IS NOT NULL AND closed_at IS NULL;
CREATE TRIGGER bills_check BEFORE INSERT ON bills
BEGIN
    SELECT RAISE(ABORT, 'a bill belongs to its visit''s or admission''s patient')
    WHERE (NEW.visit_id IS NOT NULL
           AND NEW.patient_id IS NOT (SELECT patient_id FROM visits WHERE id = NEW.visit_id))
       OR (NEW.admission_id IS NOT NULL
           AND NEW.patient_id IS NOT (SELECT patient_id FROM admissions WHERE id = NEW.admission_id));
    SELECT RAISE(ABORT, 'a bill opens open: close it afterwards')
    WHERE NEW.closed_at IS NOT NULL;
END;
-- Only the closing is ever written, once.
CREATE TRIGGER bills_fixed BEFORE UPDATE ON bills
WHEN NEW.id IS NOT OLD.id OR NEW.number IS NOT OLD.number OR NEW.patient_id IS NOT OLD.patient_id
  OR NEW.visit_id IS NOT OLD.visit_id OR NEW.admission_id IS NOT OLD.admission_id
  OR NEW.opened_at IS NOT OLD.opened_at OR OLD.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a bill never changes except its closing, once: open a new bill instead');
END;
CREATE TRIGGER bills_no_delete BEFORE DELETE ON bills
BEGIN
    SELECT RAISE(ABORT, 'a bill is never deleted: reverse its charges instead');
END;

-- A bill's line. It names what it came from (`source_kind` and
-- `source_id`: a lab order, a dispense, a visit, an admission's day with
-- `source_day`, or a manual charge) and what was charged (a tariff item,
-- a lab test or a medicine's batch). `amount` = `quantity` × `unit_price`
-- = the patient's share + the scheme's share; `co_payment` is the part of
-- the patient's share that is the bill's co-payment. A reversal is a new
-- line of the opposite sign naming the line it reverses, at most one per
-- line. Lines are never changed or deleted.
CREATE TABLE charges (
    id              TEXT PRIMARY KEY NOT NULL,
    bill_id         TEXT NOT NULL REFERENCES bills (id),
    source_kind     TEXT NOT NULL CHECK (source_kind IN ('lab_order', 'dispense', 'visit',
                                                      'admission_day', 'manual')),
    source_id       TEXT,
    source_day      TEXT CHECK (source_day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    tariff_item_id  TEXT REFERENCES tariff_items (id),
    lab_test_id     TEXT REFERENCES lab_tests (id),
    batch_id        TEXT REFERENCES stock_batches (id),
    description     TEXT NOT NULL CHECK (length(trim(description)) BETWEEN 1 AND 120),
    quantity        INTEGER NOT NULL CHECK (quantity <> 0),
    unit_price      INTEGER NOT NULL CHECK (unit_price >= 0),
    amount          INTEGER NOT NULL,
    patient_share   INTEGER NOT NULL,
    scheme_share    INTEGER NOT NULL,
    co_payment      INTEGER NOT NULL,
    reverses        TEXT UNIQUE REFERENCES charges (id),
    reason          TEXT CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    posted_at       TEXT NOT NULL CHECK (posted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    posted_by       TEXT NOT NULL REFERENCES users (id),
    CHECK (amount = quantity * unit_price),
    CHECK (amount = patient_share + scheme_share),
    CHECK ((reverses IS NULL) = (quantity > 0)),
    CHECK (reverses IS NULL OR reason IS NOT NULL),
    CHECK (quantity < 0 OR (patient_share >= 0 AND scheme_share >= 0
                            AND co_payment BETWEEN 0 AND patient_share)),
    CHECK ((source_kind = 'manual') = (source_id IS NULL)),
    CHECK ((source_kind = 'admission_day') = (source_day IS NOT NULL)),
    CHECK ((tariff_item_id IS NOT NULL) + (lab_test_id IS NOT NULL) + (batch_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX charges_bill ON charges (bill_id);
-- The lines posted in a period, for revenue and a scheme's claims.
CREATE INDEX charges_posted ON charges (posted_at);
CREATE INDEX charges_source ON charges (source_kind, source_id) WHERE source_id IS NOT NULL;
-- A closed bill takes no new charge; a reversal still lands on the bill
-- of the line it undoes (an order cancelled after an interim bill closed
-- is a credit on that bill).
CREATE TRIGGER charges_check BEFORE INSERT ON charges
BEGIN
    SELECT RAISE(ABORT, 'this bill is closed: post the charge on the patient''s open bill')
    WHERE NEW.reverses IS NULL AND (SELECT closed_at FROM bills WHERE id = NEW.bill_id) IS NOT NULL;
    SELECT RAISE(ABORT, 'a reversal undoes its line exactly, on the same bill, and a reversal is not reversed')
    WHERE NEW.reverses IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM charges o
        WHERE o.id = NEW.reverses AND o.reverses IS NULL AND o.bill_id = NEW.bill_id
          AND o.quantity = -NEW.quantity AND o.unit_price = NEW.unit_price
          AND o.patient_share = -NEW.patient_share AND o.scheme_share = -NEW.scheme_share
          AND o.co_payment = -NEW.co_payment AND o.source_kind = NEW.source_kind
          AND o.source_id IS NEW.source_id AND o.source_day IS NEW.source_day
          AND o.tariff_item_id IS NEW.tariff_item_id AND o.lab_test_id IS NEW.lab_test_id
          AND o.batch_id IS NEW.batch_id);
END;
CREATE TRIGGER charges_no_update BEFORE UPDATE ON charges
BEGIN
    SELECT RAISE(ABORT, 'a charge is never changed: reverse it and post the right one');
END;
CREATE TRIGGER charges_no_delete BEFORE DELETE ON charges
BEGIN
    SELECT RAISE(ABORT, 'a charge is never deleted: reverse it instead');
END;

-- Money taken on a bill, or given back (a negative amount: a refund, with
-- its reason). `receipt` numbers the hospital's receipts 1, 2, 3… with no
-- gap; `day` is the hospital day (its time zone) the payment belongs to,
-- which the cashier's cash-up closes. Cash records what was tendered and
-- the change given; mobile money its transaction reference.
CREATE TABLE payments (
    id            TEXT PRIMARY KEY NOT NULL,
    receipt       INTEGER NOT NULL UNIQUE CHECK (receipt >= 1),
    bill_id       TEXT NOT NULL REFERENCES bills (id),
    method        TEXT NOT NULL CHECK (method IN ('cash', 'mobile_money', 'card', 'scheme')),
    amount        INTEGER NOT NULL CHECK (amount <> 0),
    reference     TEXT CHECK (length(trim(reference)) BETWEEN 1 AND 40),
    tendered      INTEGER,
    change_given  INTEGER,
    reason        TEXT CHECK (length(trim(reason)) BETWEEN 1 AND 200),
    cashier_id    TEXT NOT NULL REFERENCES users (id),
    taken_at      TEXT NOT NULL CHECK (taken_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    day           TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    CHECK (method <> 'mobile_money' OR reference IS NOT NULL),
    CHECK ((amount < 0) = (reason IS NOT NULL)),
    CHECK ((tendered IS NULL) = (change_given IS NULL)),
    CHECK (tendered IS NULL OR (method = 'cash' AND amount > 0 AND tendered >= amount
                                AND change_given = tendered - amount))
) STRICT;
CREATE INDEX payments_bill ON payments (bill_id);
CREATE INDEX payments_cashier_day ON payments (cashier_id, day, method);
CREATE INDEX payments_day ON payments (day);
CREATE TRIGGER payments_check BEFORE INSERT ON payments
BEGIN
    SELECT RAISE(ABORT, 'receipt numbers run without gaps: the next receipt takes the next number')
    WHERE NEW.receipt IS NOT coalesce((SELECT max(receipt) FROM payments), 0) + 1;
    SELECT RAISE(ABORT, 'this cashier''s day is closed by its cash-up: take the payment on an open day')
    WHERE EXISTS (SELECT 1 FROM cash_ups WHERE cashier_id = NEW.cashier_id AND day = NEW.day);
    SELECT RAISE(ABORT, 'a refund gives back at most what was paid on the bill: refund less')
    WHERE NEW.amount < 0
      AND (SELECT coalesce(sum(amount), 0) FROM payments WHERE bill_id = NEW.bill_id) + NEW.amount < 0;
END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment is never changed: refund it and take the right one');
END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'a payment is never deleted: refund it instead');
END;

-- A cashier's day closed: what the file says they took by method, the
-- cash they counted, the difference and a note explaining any difference.
-- Once closed, the day takes no payment of theirs (see payments_check).
CREATE TABLE cash_ups (
    id                      TEXT PRIMARY KEY NOT NULL,
    cashier_id              TEXT NOT NULL REFERENCES users (id),
    day                     TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    expected_cash           INTEGER NOT NULL,
    expected_mobile_money   INTEGER NOT NULL,
    expected_card           INTEGER NOT NULL,
    expected_scheme         INTEGER NOT NULL,
    counted_cash            INTEGER NOT NULL CHECK (counted_cash >= 0),
    difference              INTEGER NOT NULL,
    note                    TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    closed_at               TEXT NOT NULL CHECK (closed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    closed_by               TEXT NOT NULL REFERENCES users (id),
    UNIQUE (cashier_id, day),
    CHECK (difference = counted_cash - expected_cash),
    CHECK (difference = 0 OR length(trim(note)) >= 1)
) STRICT;
-- The expected amounts are the day's payments, whoever writes the row.
CREATE TRIGGER cash_ups_check BEFORE INSERT ON cash_ups
WHEN NEW.expected_cash IS NOT (SELECT coalesce(sum(amount), 0) FROM payments
                               WHERE cashier_id = NEW.cashier_id AND day = NEW.day AND method = 'cash')
  OR NEW.expected_mobile_money IS NOT (SELECT coalesce(sum(amount), 0) FROM payments
                               WHERE cashier_id = NEW.cashier_id AND day = NEW.day AND method = 'mobile_money')
  OR NEW.expected_card IS NOT (SELECT coalesce(sum(amount), 0) FROM payments
                               WHERE cashier_id = NEW.cashier_id AND day = NEW.day AND method = 'card')
  OR NEW.expected_scheme IS NOT (SELECT coalesce(sum(amount), 0) FROM payments
                               WHERE cashier_id = NEW.cashier_id AND day = NEW.day AND method = 'scheme')
BEGIN
    SELECT RAISE(ABORT, 'a cash-up expects exactly the day''s payments by method: count again from the day''s takings');
END;
CREATE TRIGGER cash_ups_no_update BEFORE UPDATE ON cash_ups
BEGIN
    SELECT RAISE(ABORT, 'a closed cash-up is never changed: the day stays closed');
END;
CREATE TRIGGER cash_ups_no_delete BEFORE DELETE ON cash_ups
BEGIN
    SELECT RAISE(ABORT, 'a closed cash-up is never deleted: the day stays closed');
END;

-- Each bill's totals, computed from its lines and payments on every read
-- (a view, not stored totals: nothing can drift from the rows, and a
-- bill's few lines and payments are one walk of an index each). The
-- balance is the lines less the payments, always.
CREATE VIEW bill_totals AS
SELECT b.id AS bill_id,
       coalesce((SELECT sum(amount) FROM charges WHERE bill_id = b.id), 0) AS charged,
       coalesce((SELECT sum(patient_share) FROM charges WHERE bill_id = b.id), 0) AS patient_share,
       coalesce((SELECT sum(scheme_share) FROM charges WHERE bill_id = b.id), 0) AS scheme_share,
       coalesce((SELECT sum(amount) FROM payments WHERE bill_id = b.id), 0) AS paid,
       coalesce((SELECT sum(amount) FROM charges WHERE bill_id = b.id), 0)
         - coalesce((SELECT sum(amount) FROM payments WHERE bill_id = b.id), 0) AS balance
FROM bills b;
