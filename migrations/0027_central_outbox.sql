-- Migration 27: what the district's central store needs of a hospital file.
--
-- A site id, random and fixed when the file is made, so that a copy restored
-- or moved elsewhere is known as the same hospital and never pushed to a
-- central store as a second one.
--
-- An outbox of changed rows, filled by the file itself in the transaction
-- that changes them, so that `wardline central push` finds what changed
-- since its last acknowledged push without scanning a table: a new row is
-- found by its rowid above the table's pushed position (rowids only grow:
-- these tables never lose a row), a changed row by its entry here. Tables
-- without a rowid enter every insert, change and removal here, keyed by
-- their primary key as a JSON array. The outbox holds no patient data, only
-- where to look.
-- Shipped: never edit; add a new numbered file instead.

ALTER TABLE hospital ADD COLUMN site_id TEXT CHECK (site_id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*');

UPDATE hospital SET site_id = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
    || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
 WHERE site_id IS NULL;

CREATE TRIGGER hospital_site_id_given AFTER INSERT ON hospital WHEN NEW.site_id IS NULL
BEGIN
    UPDATE hospital SET site_id = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
        || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
     WHERE id = NEW.id;
END;

CREATE TRIGGER hospital_site_id_fixed BEFORE UPDATE OF site_id ON hospital WHEN OLD.site_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a hospital''s site id never changes: it is how the central store knows this hospital');
END;

CREATE TABLE central_outbox (
    seq         INTEGER PRIMARY KEY,
    table_name  TEXT NOT NULL,
    row_key     ANY NOT NULL
) STRICT;

CREATE TRIGGER central_outbox_no_update BEFORE UPDATE ON central_outbox
BEGIN
    SELECT RAISE(ABORT, 'an outbox entry never changes');
END;

CREATE TRIGGER access_grants_outbox_update AFTER UPDATE ON access_grants
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('access_grants', NEW.rowid);
END;

CREATE TRIGGER admission_news2_outbox_insert AFTER INSERT ON admission_news2
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('admission_news2', json_array(NEW.admission_id));
END;

CREATE TRIGGER admission_news2_outbox_update AFTER UPDATE ON admission_news2
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('admission_news2', json_array(NEW.admission_id));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'admission_news2', json_array(OLD.admission_id) WHERE json_array(OLD.admission_id) IS NOT json_array(NEW.admission_id);
END;

CREATE TRIGGER admission_news2_outbox_delete AFTER DELETE ON admission_news2
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('admission_news2', json_array(OLD.admission_id));
END;

CREATE TRIGGER admissions_outbox_update AFTER UPDATE ON admissions
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('admissions', NEW.rowid);
END;

CREATE TRIGGER allergies_outbox_update AFTER UPDATE ON allergies
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('allergies', NEW.rowid);
END;

CREATE TRIGGER appointment_types_outbox_update AFTER UPDATE ON appointment_types
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('appointment_types', NEW.rowid);
END;

CREATE TRIGGER appointments_outbox_update AFTER UPDATE ON appointments
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('appointments', NEW.rowid);
END;

CREATE TRIGGER audit_log_outbox_update AFTER UPDATE ON audit_log
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('audit_log', NEW.rowid);
END;

CREATE TRIGGER bed_stays_outbox_update AFTER UPDATE ON bed_stays
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('bed_stays', NEW.rowid);
END;

CREATE TRIGGER beds_outbox_update AFTER UPDATE ON beds
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('beds', NEW.rowid);
END;

CREATE TRIGGER bills_outbox_update AFTER UPDATE ON bills
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('bills', NEW.rowid);
END;

CREATE TRIGGER cash_ups_outbox_update AFTER UPDATE ON cash_ups
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('cash_ups', NEW.rowid);
END;

CREATE TRIGGER charges_outbox_update AFTER UPDATE ON charges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('charges', NEW.rowid);
END;

CREATE TRIGGER days_off_outbox_insert AFTER INSERT ON days_off
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('days_off', json_array(NEW.clinician_id, NEW.day));
END;

CREATE TRIGGER days_off_outbox_update AFTER UPDATE ON days_off
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('days_off', json_array(NEW.clinician_id, NEW.day));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'days_off', json_array(OLD.clinician_id, OLD.day) WHERE json_array(OLD.clinician_id, OLD.day) IS NOT json_array(NEW.clinician_id, NEW.day);
END;

CREATE TRIGGER days_off_outbox_delete AFTER DELETE ON days_off
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('days_off', json_array(OLD.clinician_id, OLD.day));
END;

CREATE TRIGGER diagnoses_outbox_update AFTER UPDATE ON diagnoses
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('diagnoses', NEW.rowid);
END;

CREATE TRIGGER dispense_reversals_outbox_update AFTER UPDATE ON dispense_reversals
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('dispense_reversals', NEW.rowid);
END;

CREATE TRIGGER lab_analytes_outbox_update AFTER UPDATE ON lab_analytes
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_analytes', NEW.rowid);
END;

CREATE TRIGGER lab_order_tests_outbox_insert AFTER INSERT ON lab_order_tests
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_order_tests', json_array(NEW.order_id, NEW.test_id));
END;

CREATE TRIGGER lab_order_tests_outbox_update AFTER UPDATE ON lab_order_tests
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_order_tests', json_array(NEW.order_id, NEW.test_id));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'lab_order_tests', json_array(OLD.order_id, OLD.test_id) WHERE json_array(OLD.order_id, OLD.test_id) IS NOT json_array(NEW.order_id, NEW.test_id);
END;

CREATE TRIGGER lab_order_tests_outbox_delete AFTER DELETE ON lab_order_tests
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_order_tests', json_array(OLD.order_id, OLD.test_id));
END;

CREATE TRIGGER lab_orders_outbox_update AFTER UPDATE ON lab_orders
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_orders', NEW.rowid);
END;

CREATE TRIGGER lab_ranges_outbox_insert AFTER INSERT ON lab_ranges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_ranges', json_array(NEW.analyte_id, NEW.position));
END;

CREATE TRIGGER lab_ranges_outbox_update AFTER UPDATE ON lab_ranges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_ranges', json_array(NEW.analyte_id, NEW.position));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'lab_ranges', json_array(OLD.analyte_id, OLD.position) WHERE json_array(OLD.analyte_id, OLD.position) IS NOT json_array(NEW.analyte_id, NEW.position);
END;

CREATE TRIGGER lab_ranges_outbox_delete AFTER DELETE ON lab_ranges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_ranges', json_array(OLD.analyte_id, OLD.position));
END;

CREATE TRIGGER lab_results_outbox_update AFTER UPDATE ON lab_results
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_results', NEW.rowid);
END;

CREATE TRIGGER lab_tests_outbox_update AFTER UPDATE ON lab_tests
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('lab_tests', NEW.rowid);
END;

CREATE TRIGGER medication_administrations_outbox_update AFTER UPDATE ON medication_administrations
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('medication_administrations', NEW.rowid);
END;

CREATE TRIGGER no_known_allergies_outbox_update AFTER UPDATE ON no_known_allergies
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('no_known_allergies', NEW.rowid);
END;

CREATE TRIGGER note_addenda_outbox_update AFTER UPDATE ON note_addenda
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('note_addenda', NEW.rowid);
END;

CREATE TRIGGER patient_merge_moves_outbox_insert AFTER INSERT ON patient_merge_moves
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_merge_moves', json_array(NEW.merge_id, NEW.kind, NEW.row_id));
END;

CREATE TRIGGER patient_merge_moves_outbox_update AFTER UPDATE ON patient_merge_moves
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_merge_moves', json_array(NEW.merge_id, NEW.kind, NEW.row_id));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'patient_merge_moves', json_array(OLD.merge_id, OLD.kind, OLD.row_id) WHERE json_array(OLD.merge_id, OLD.kind, OLD.row_id) IS NOT json_array(NEW.merge_id, NEW.kind, NEW.row_id);
END;

CREATE TRIGGER patient_merge_moves_outbox_delete AFTER DELETE ON patient_merge_moves
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_merge_moves', json_array(OLD.merge_id, OLD.kind, OLD.row_id));
END;

CREATE TRIGGER patient_merges_outbox_update AFTER UPDATE ON patient_merges
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_merges', NEW.rowid);
END;

CREATE TRIGGER patient_schemes_outbox_update AFTER UPDATE ON patient_schemes
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patient_schemes', NEW.rowid);
END;

CREATE TRIGGER patients_outbox_update AFTER UPDATE ON patients
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('patients', NEW.rowid);
END;

CREATE TRIGGER payer_schemes_outbox_update AFTER UPDATE ON payer_schemes
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('payer_schemes', NEW.rowid);
END;

CREATE TRIGGER payments_outbox_update AFTER UPDATE ON payments
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('payments', NEW.rowid);
END;

CREATE TRIGGER prescription_dispenses_outbox_update AFTER UPDATE ON prescription_dispenses
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescription_dispenses', NEW.rowid);
END;

CREATE TRIGGER prescription_overrides_outbox_insert AFTER INSERT ON prescription_overrides
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescription_overrides', json_array(NEW.prescription_id, NEW.check_kind));
END;

CREATE TRIGGER prescription_overrides_outbox_update AFTER UPDATE ON prescription_overrides
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescription_overrides', json_array(NEW.prescription_id, NEW.check_kind));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'prescription_overrides', json_array(OLD.prescription_id, OLD.check_kind) WHERE json_array(OLD.prescription_id, OLD.check_kind) IS NOT json_array(NEW.prescription_id, NEW.check_kind);
END;

CREATE TRIGGER prescription_overrides_outbox_delete AFTER DELETE ON prescription_overrides
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescription_overrides', json_array(OLD.prescription_id, OLD.check_kind));
END;

CREATE TRIGGER prescriptions_outbox_update AFTER UPDATE ON prescriptions
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('prescriptions', NEW.rowid);
END;

CREATE TRIGGER problems_outbox_update AFTER UPDATE ON problems
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('problems', NEW.rowid);
END;

CREATE TRIGGER settings_outbox_update AFTER UPDATE ON settings
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('settings', NEW.rowid);
END;

CREATE TRIGGER stock_batches_outbox_update AFTER UPDATE ON stock_batches
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('stock_batches', NEW.rowid);
END;

CREATE TRIGGER stock_items_outbox_update AFTER UPDATE ON stock_items
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('stock_items', NEW.rowid);
END;

CREATE TRIGGER stock_movements_outbox_update AFTER UPDATE ON stock_movements
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('stock_movements', NEW.rowid);
END;

CREATE TRIGGER tariff_items_outbox_update AFTER UPDATE ON tariff_items
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('tariff_items', NEW.rowid);
END;

CREATE TRIGGER tariff_prices_outbox_insert AFTER INSERT ON tariff_prices
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('tariff_prices', json_array(NEW.item_id, NEW.effective_from));
END;

CREATE TRIGGER tariff_prices_outbox_update AFTER UPDATE ON tariff_prices
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('tariff_prices', json_array(NEW.item_id, NEW.effective_from));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'tariff_prices', json_array(OLD.item_id, OLD.effective_from) WHERE json_array(OLD.item_id, OLD.effective_from) IS NOT json_array(NEW.item_id, NEW.effective_from);
END;

CREATE TRIGGER tariff_prices_outbox_delete AFTER DELETE ON tariff_prices
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('tariff_prices', json_array(OLD.item_id, OLD.effective_from));
END;

CREATE TRIGGER users_outbox_update AFTER UPDATE ON users
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('users', NEW.rowid);
END;

CREATE TRIGGER visit_notes_outbox_update AFTER UPDATE ON visit_notes
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('visit_notes', NEW.rowid);
END;

CREATE TRIGGER visits_outbox_update AFTER UPDATE ON visits
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('visits', NEW.rowid);
END;

CREATE TRIGGER vitals_outbox_update AFTER UPDATE ON vitals
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('vitals', NEW.rowid);
END;

CREATE TRIGGER ward_staff_outbox_update AFTER UPDATE ON ward_staff
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('ward_staff', NEW.rowid);
END;

CREATE TRIGGER wards_outbox_update AFTER UPDATE ON wards
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('wards', NEW.rowid);
END;

CREATE TRIGGER working_hours_outbox_insert AFTER INSERT ON working_hours
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('working_hours', json_array(NEW.clinician_id, NEW.weekday, NEW.start_min));
END;

CREATE TRIGGER working_hours_outbox_update AFTER UPDATE ON working_hours
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('working_hours', json_array(NEW.clinician_id, NEW.weekday, NEW.start_min));
    INSERT INTO central_outbox (table_name, row_key) SELECT 'working_hours', json_array(OLD.clinician_id, OLD.weekday, OLD.start_min) WHERE json_array(OLD.clinician_id, OLD.weekday, OLD.start_min) IS NOT json_array(NEW.clinician_id, NEW.weekday, NEW.start_min);
END;

CREATE TRIGGER working_hours_outbox_delete AFTER DELETE ON working_hours
BEGIN
    INSERT INTO central_outbox (table_name, row_key) VALUES ('working_hours', json_array(OLD.clinician_id, OLD.weekday, OLD.start_min));
END;
