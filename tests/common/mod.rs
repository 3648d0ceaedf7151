//! Helpers shared by the integration tests: a real hospital file in a
//! temporary data directory, and raw access to that file as someone holding
//! it (not the program) would have.

#![allow(dead_code)]

pub mod cli;
pub mod clinic;
pub mod fhir;
pub mod lab;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::path::Path;
use wardline::auth::{self, Session};
use wardline::domain::hospital::HospitalCode;
use wardline::domain::role::Role;
use wardline::ops::accounts::{self, NewAccount};
use wardline::paths::DataDir;
use wardline::store::Db;

pub const CODE: &str = "TST";
pub const HOSPITAL_NAME: &str = "Test General Hospital";
pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery";
/// Drops what migrations 17 (billing), 18 (secrets, deaths) and 19 (dispense
/// reversals), 21 (patients' own accounts), 22 (merge records), 25 (staff SSH keys), 26 (the covering
/// patient index of the audit trail) and 27 (the site id and the central store's outbox) added, and
/// puts back the prescription triggers 19 replaced, for tests that make a
/// file as an older migration left it. The accounts'
/// wider list of roles stays: migration 17 finds it already wide.
pub const UNDO_SINCE_BILLING: &str =
    "DROP TRIGGER IF EXISTS hospital_site_id_given;
    DROP TRIGGER IF EXISTS hospital_site_id_fixed;
    DROP TRIGGER IF EXISTS central_outbox_no_update;
    DROP TRIGGER IF EXISTS access_grants_outbox_update;
    DROP TRIGGER IF EXISTS admission_news2_outbox_insert;
    DROP TRIGGER IF EXISTS admission_news2_outbox_update;
    DROP TRIGGER IF EXISTS admission_news2_outbox_delete;
    DROP TRIGGER IF EXISTS admissions_outbox_update;
    DROP TRIGGER IF EXISTS allergies_outbox_update;
    DROP TRIGGER IF EXISTS appointment_types_outbox_update;
    DROP TRIGGER IF EXISTS appointments_outbox_update;
    DROP TRIGGER IF EXISTS audit_log_outbox_update;
    DROP TRIGGER IF EXISTS bed_stays_outbox_update; DROP TRIGGER IF EXISTS beds_outbox_update;
    DROP TRIGGER IF EXISTS bills_outbox_update; DROP TRIGGER IF EXISTS cash_ups_outbox_update;
    DROP TRIGGER IF EXISTS charges_outbox_update;
    DROP TRIGGER IF EXISTS days_off_outbox_insert;
    DROP TRIGGER IF EXISTS days_off_outbox_update;
    DROP TRIGGER IF EXISTS days_off_outbox_delete;
    DROP TRIGGER IF EXISTS diagnoses_outbox_update;
    DROP TRIGGER IF EXISTS dispense_reversals_outbox_update;
    DROP TRIGGER IF EXISTS lab_analytes_outbox_update;
    DROP TRIGGER IF EXISTS lab_order_tests_outbox_insert;
    DROP TRIGGER IF EXISTS lab_order_tests_outbox_update;
    DROP TRIGGER IF EXISTS lab_order_tests_outbox_delete;
    DROP TRIGGER IF EXISTS lab_orders_outbox_update;
    DROP TRIGGER IF EXISTS lab_ranges_outbox_insert;
    DROP TRIGGER IF EXISTS lab_ranges_outbox_update;
    DROP TRIGGER IF EXISTS lab_ranges_outbox_delete;
    DROP TRIGGER IF EXISTS lab_results_outbox_update;
    DROP TRIGGER IF EXISTS lab_tests_outbox_update;
    DROP TRIGGER IF EXISTS medication_administrations_outbox_update;
    DROP TRIGGER IF EXISTS no_known_allergies_outbox_update;
    DROP TRIGGER IF EXISTS note_addenda_outbox_update;
    DROP TRIGGER IF EXISTS patient_merge_moves_outbox_insert;
    DROP TRIGGER IF EXISTS patient_merge_moves_outbox_update;
    DROP TRIGGER IF EXISTS patient_merge_moves_outbox_delete;
    DROP TRIGGER IF EXISTS patient_merges_outbox_update;
    DROP TRIGGER IF EXISTS patient_schemes_outbox_update;
    DROP TRIGGER IF EXISTS patients_outbox_update;
    DROP TRIGGER IF EXISTS payer_schemes_outbox_update;
    DROP TRIGGER IF EXISTS payments_outbox_update;
    DROP TRIGGER IF EXISTS prescription_dispenses_outbox_update;
    DROP TRIGGER IF EXISTS prescription_overrides_outbox_insert;
    DROP TRIGGER IF EXISTS prescription_overrides_outbox_update;
    DROP TRIGGER IF EXISTS prescription_overrides_outbox_delete;
    DROP TRIGGER IF EXISTS prescriptions_outbox_update;
    DROP TRIGGER IF EXISTS problems_outbox_update;
    DROP TRIGGER IF EXISTS settings_outbox_update;
    DROP TRIGGER IF EXISTS stock_batches_outbox_update;
    DROP TRIGGER IF EXISTS stock_items_outbox_update;
    DROP TRIGGER IF EXISTS stock_movements_outbox_update;
    DROP TRIGGER IF EXISTS tariff_items_outbox_update;
    DROP TRIGGER IF EXISTS tariff_prices_outbox_insert;
    DROP TRIGGER IF EXISTS tariff_prices_outbox_update;
    DROP TRIGGER IF EXISTS tariff_prices_outbox_delete;
    DROP TRIGGER IF EXISTS users_outbox_update;
    DROP TRIGGER IF EXISTS visit_notes_outbox_update;
    DROP TRIGGER IF EXISTS visits_outbox_update; DROP TRIGGER IF EXISTS vitals_outbox_update;
    DROP TRIGGER IF EXISTS ward_staff_outbox_update;
    DROP TRIGGER IF EXISTS wards_outbox_update;
    DROP TRIGGER IF EXISTS working_hours_outbox_insert;
    DROP TRIGGER IF EXISTS working_hours_outbox_update;
    DROP TRIGGER IF EXISTS working_hours_outbox_delete;
    DROP TABLE central_outbox; ALTER TABLE hospital DROP COLUMN site_id;
    DROP TABLE dispense_reversals;
    DROP TRIGGER prescriptions_dispensed_is_ledger;
    CREATE TRIGGER prescriptions_dispensed_is_ledger BEFORE UPDATE OF dispensed ON prescriptions
    WHEN NEW.dispensed IS NOT (SELECT coalesce(sum(quantity), 0) FROM prescription_dispenses
                               WHERE prescription_id = NEW.id)
    BEGIN
        SELECT RAISE(ABORT, 'a prescription''s dispensed quantity must equal the sum of its dispenses');
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
        WHERE (SELECT coalesce(sum(quantity), 0) FROM prescription_dispenses
               WHERE prescription_id = NEW.prescription_id) + NEW.quantity
            > (SELECT quantity FROM prescriptions WHERE id = NEW.prescription_id);
    END;
    DROP TRIGGER charges_once_per_source; DROP TRIGGER dispenses_not_after_death;
    DROP TRIGGER admissions_not_after_death; DROP TRIGGER appointments_not_after_death;
    ALTER TABLE patients DROP COLUMN died_at; DROP TABLE hospital_secrets;
    DROP VIEW bill_totals; DROP TABLE cash_ups; DROP TABLE payments;
    DROP TABLE charges; DROP TABLE bills; DROP TABLE patient_schemes; DROP TABLE payer_schemes;
    DROP TABLE tariff_prices; DROP TABLE tariff_items;
    DROP TABLE patient_merge_moves; DROP TABLE patient_merges;
    DROP TRIGGER users_patient_link_on_insert; DROP TRIGGER users_patient_link_on_update;
    DROP TRIGGER users_patient_verified; DROP TRIGGER patients_delete_disables_account;
    DROP INDEX users_one_per_patient; ALTER TABLE users DROP COLUMN patient_id;
    ALTER TABLE patients DROP COLUMN portal_enabled;
    ALTER TABLE stock_items DROP COLUMN max_dispense;
    DROP INDEX audit_log_actor; DROP INDEX audit_log_actor_action;
    DROP INDEX audit_log_action; DROP INDEX audit_log_at;
    DROP TABLE staff_ssh_keys;
    DROP INDEX audit_log_patient;
    CREATE INDEX audit_log_patient ON audit_log (patient_id) WHERE patient_id IS NOT NULL;";
/// The password every extra account made by [`add_user`] gets.
pub const USER_PASSWORD: &str = "quiet ward lantern";

pub fn code() -> HospitalCode {
    CODE.parse().expect("TST is a valid hospital code")
}

/// A hospital as a test gets it: the data directory, the open file, and a
/// signed-in administrator.
pub struct Hospital {
    pub data: DataDir,
    pub db: Db,
    pub admin: Session,
}

/// Creates hospital TST in `dir` with the first admin "admin", signed in.
pub fn hospital(dir: &Path) -> Hospital {
    let (data, mut db) = bare_hospital(dir);
    accounts::create_first_admin(&mut db, ADMIN, "Ada Admin", ADMIN_PASSWORD, Utc::now())
        .expect("first admin");
    let admin = auth::sign_in(&mut db, ADMIN, ADMIN_PASSWORD, Utc::now()).expect("admin signs in");
    Hospital { data, db, admin }
}

/// Opens hospital TST in `dir` again, its administrator signed in.
pub fn hospital_reopened(dir: &Path) -> Hospital {
    let data = DataDir::resolve(Some(dir.to_path_buf())).expect("data dir");
    let mut db = Db::open(&data.hospital_file(&code())).expect("open hospital");
    let admin = auth::sign_in(&mut db, ADMIN, ADMIN_PASSWORD, Utc::now()).expect("admin signs in");
    Hospital { data, db, admin }
}

/// Creates hospital TST in `dir` with no accounts yet.
pub fn bare_hospital(dir: &Path) -> (DataDir, Db) {
    let data = DataDir::resolve(Some(dir.to_path_buf())).expect("data dir");
    let db = Db::create(
        &data.hospital_file(&code()),
        &code(),
        HOSPITAL_NAME,
        chrono_tz::UTC,
    )
    .expect("create hospital");
    (data, db)
}

/// An admin creates an account with [`USER_PASSWORD`].
pub fn add_user(db: &mut Db, admin: &Session, user_name: &str, role: Role) {
    accounts::add(
        db,
        admin,
        &NewAccount {
            user_name,
            full_name: "",
            role,
            password: USER_PASSWORD,
        },
        false,
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("add {user_name}: {e}"));
}

/// Signs in as `user_name` with [`USER_PASSWORD`] at `now`.
pub fn sign_in_user(db: &mut Db, user_name: &str, now: DateTime<Utc>) -> Session {
    auth::sign_in(db, user_name, USER_PASSWORD, now)
        .unwrap_or_else(|e| panic!("sign in {user_name}: {e}"))
}

/// A plain SQLite connection to the file, as someone holding it would open it.
pub fn raw(path: &Path) -> Connection {
    Connection::open(path).expect("raw connection")
}

/// Every byte of the file.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The number of rows in the audit trail.
pub fn audit_count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .expect("count audit rows")
}

/// `PRAGMA user_version` through a raw connection.
pub fn user_version(path: &Path) -> i64 {
    raw(path)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}
