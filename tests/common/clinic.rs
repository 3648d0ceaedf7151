//! A clinic set up the way the clinical tests need one: hospital TST on a
//! new temporary file (or another terminal on a screen test's file), its
//! administrator, staff, wards and beds, the formulary and its stock,
//! patients, admissions, consultations booked and orders. Every step is
//! given the time it happens at, so each test keeps its own fixed clock.

use chrono::{DateTime, NaiveDate, Utc};
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use wardline::auth::{self, Session};
use wardline::domain::appointment::{Booked, Span, Status};
use wardline::domain::beds::{BedKind, WardKind};
use wardline::domain::billing::SchemeKind;
use wardline::domain::clock::{Clock, Tz};
use wardline::domain::ids::Id;
use wardline::domain::news2::Consciousness;
use wardline::domain::patient::{Field, Patient, PatientInput};
use wardline::domain::pharmacy::ItemDetails;
use wardline::domain::prescribing::{Course, Dose, Frequency, Priority, Route};
use wardline::domain::role::Role;
use wardline::domain::vitals::Vitals;
use wardline::ops;
use wardline::ops::accounts::NewAccount;
use wardline::ops::appointments::Booking;
use wardline::ops::beds::AdmitInput;
use wardline::ops::billing::tariff::SchemeInput;
use wardline::ops::pharmacy::Receipt;
use wardline::ops::prescriptions::{Medicine, PrescriptionInput};
use wardline::store::Db;

/// Every account's password in a clinic (the screen harness's too).
pub const PASSWORD: &str = "correct horse battery";

/// A member of staff as the tests name them: user name, full name, role.
pub type Staff = (&'static str, &'static str, Role);

/// The attending doctor of the clinic's patients.
pub const DOCTOR: Staff = ("doctor", "Dr. Aisha Rahman", Role::Doctor);
/// A second doctor, in no one's care.
pub const LOCUM: Staff = ("locum", "Dr. Lee Locum", Role::Doctor);
/// The ward nurse.
pub const NURSE: Staff = ("nurse", "Mei Lin Chen", Role::Nurse);
/// The pharmacist.
pub const PHARMACIST: Staff = ("pharm", "Paul Pharm", Role::Pharmacist);
/// The lab technician.
pub const LAB_TECH: Staff = ("lab", "Lara Lab", Role::LabTech);
/// A second lab technician, who verifies what the first entered.
pub const LAB_TECH_2: Staff = ("lab2", "Lou Lab", Role::LabTech);
/// The receptionist at the front desk.
pub const RECEPTIONIST: Staff = ("desk", "Rose Desk", Role::Receptionist);

/// The insurance scheme the billing tests use: 80% of each line after a
/// co-payment of 50.00 per bill.
pub const NHIF: SchemeInput<'static> = SchemeInput {
    code: "NHIF",
    name: "National Hospital Insurance",
    kind: SchemeKind::Insurance,
    coverage_bp: 8_000,
    co_payment: 5_000,
    active: true,
};

/// A hospital file being set up by its administrator.
pub struct Clinic {
    /// The temporary folder holding a new clinic's file; none when the file
    /// belongs to a screen test's harness.
    pub dir: Option<TempDir>,
    /// The hospital file, for raw connections to it.
    pub path: PathBuf,
    /// This terminal's connection to the file.
    pub db: Db,
    /// The administrator, signed in, who sets the clinic up.
    pub admin: Session,
    /// When the administrator set the clinic up: accounts, wards, beds and
    /// the formulary are made at this time.
    pub early: DateTime<Utc>,
}

impl Clinic {
    /// Hospital TST ("Test") in `zone` on a new temporary file, its first
    /// administrator made at `early` and signed in at `now`.
    pub fn new(zone: Tz, early: DateTime<Utc>, now: DateTime<Utc>) -> Clinic {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("hospitals/TST.db");
        Clinic {
            dir: Some(dir),
            ..Clinic::create(&path, "Test", zone, early, now)
        }
    }

    /// Hospital TST called `name` in `zone` on a new file at `path`, its
    /// first administrator made at `early` and signed in at `now`.
    pub fn create(
        path: &Path,
        name: &str,
        zone: Tz,
        early: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Clinic {
        let mut db = Db::create(path, &"TST".parse().unwrap(), name, zone).expect("create");
        ops::accounts::create_first_admin(&mut db, "admin", "Ada Admin", PASSWORD, early)
            .expect("first admin");
        Clinic::signed_in_on(path, db, early, now)
    }

    /// Another terminal on the hospital file at `path` (a screen test's),
    /// its administrator signed in at `early`.
    pub fn on(path: &Path, early: DateTime<Utc>) -> Clinic {
        let db = Db::open(path).expect("open the hospital file");
        Clinic::signed_in_on(path, db, early, early)
    }

    /// The administrator signs in at `now` on the file at `path`.
    fn signed_in_on(path: &Path, mut db: Db, early: DateTime<Utc>, now: DateTime<Utc>) -> Clinic {
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, now).expect("admin signs in");
        Clinic {
            dir: None,
            path: path.to_path_buf(),
            db,
            admin,
            early,
        }
    }

    /// The administrator makes these accounts, with [`PASSWORD`].
    pub fn staff(&mut self, staff: &[Staff]) {
        for &(user_name, full_name, role) in staff {
            let account = NewAccount {
                user_name,
                full_name,
                role,
                password: PASSWORD,
            };
            ops::accounts::add(&mut self.db, &self.admin, &account, false, self.early)
                .unwrap_or_else(|e| panic!("add {user_name}: {e}"));
        }
    }

    /// `user` signs in at `at`.
    pub fn signed_in(&mut self, user: &str, at: DateTime<Utc>) -> Session {
        auth::sign_in(&mut self.db, user, PASSWORD, at)
            .unwrap_or_else(|e| panic!("sign in {user}: {e}"))
    }

    /// A ward open to either sex.
    pub fn ward(&mut self, name: &str, kind: WardKind) -> Id {
        ops::beds::add_ward(&mut self.db, &self.admin, name, kind, None, self.early)
            .expect("ward")
            .id
    }

    /// `nurse` starts working on `ward`: its admitted patients are in her care.
    pub fn nurse_on(&mut self, nurse: &str, ward: &Id) {
        ops::ward_staff::assign(&mut self.db, &self.admin, nurse, ward, self.early)
            .expect("assign to the ward");
    }

    /// A standard bed on `ward`.
    pub fn bed(&mut self, ward: &Id, label: &str) -> Id {
        ops::beds::add_bed(
            &mut self.db,
            &self.admin,
            ward,
            label,
            BedKind::Standard,
            self.early,
        )
        .expect("bed")
        .id
    }

    /// A formulary item (see [`formulary_item`]); returns its id.
    pub fn item(&mut self, name: &str, generic: &str, strength: &str, form: &str) -> String {
        let details = formulary_item(name, generic, strength, form);
        add_item(&mut self.db, &self.admin, &details, self.early)
    }
}

/// A formulary item counted in its form, in no category, never reordered.
pub fn formulary_item(name: &str, generic: &str, strength: &str, form: &str) -> ItemDetails {
    ItemDetails {
        name: name.into(),
        generic_name: generic.into(),
        strength: strength.into(),
        form: form.into(),
        unit: form.into(),
        category: String::new(),
        reorder_level: 0,
        max_dispense: None,
    }
}

/// `by` adds an item to the formulary at `when`; returns its id.
pub fn add_item(db: &mut Db, by: &Session, details: &ItemDetails, when: DateTime<Utc>) -> String {
    ops::pharmacy::add_item(db, by, details, when)
        .expect("formulary item")
        .id
}

/// A delivery of `quantity` of `item` in batch `batch`, cost 10 and price
/// 20, from no named supplier.
pub fn receipt(item: &str, batch: &str, expiry: NaiveDate, quantity: i64) -> Receipt {
    Receipt {
        item_id: item.into(),
        batch_no: batch.into(),
        expiry,
        quantity,
        unit_cost: 10,
        price: 20,
        supplier: String::new(),
        reference: String::new(),
    }
}

/// `by` receives a delivery into stock at `when`. A setup's delivery is as
/// the test means it: a question about a large one or a far expiry
/// (tests/pharmacy.rs asks it) was answered yes.
pub fn receive(db: &mut Db, by: &Session, r: &Receipt, when: DateTime<Utc>) {
    ops::pharmacy::receive_confirmed(db, by, r, when).expect("receive");
}

/// What the desk types for a new patient.
pub fn person(given: &str, family: &str, birth: &str, sex: &str) -> PatientInput {
    PatientInput::default()
        .with(Field::GivenName, given)
        .with(Field::FamilyName, family)
        .with(Field::BirthDate, birth)
        .with(Field::Sex, sex)
}

/// `by` registers a patient at `when`.
pub fn register(db: &mut Db, by: &Session, input: &PatientInput, when: DateTime<Utc>) -> Patient {
    ops::patients::register(db, by, input, &[], when).expect("register")
}

/// `by` admits `patient` to `bed` under `attending` at `when`; returns the
/// admission.
pub fn admit(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    bed: &Id,
    attending: &Id,
    reason: &str,
    when: DateTime<Utc>,
) -> Id {
    ops::beds::admit(
        db,
        by,
        &AdmitInput {
            patient,
            bed,
            attending,
            reason,
        },
        when,
    )
    .expect("admit")
    .id
}

/// The desk books `patient` a quarter-hour consultation with `clinician`
/// on `day` from `minute` past midnight, at `when`, outside working hours
/// if need be.
pub fn book(
    db: &mut Db,
    desk: &Session,
    patient: &Id,
    clinician: &Id,
    day: NaiveDate,
    minute: u16,
    when: DateTime<Utc>,
) -> Booked {
    let types = wardline::store::appointments::types(db.conn(), false).expect("types");
    let consultation = types
        .iter()
        .find(|t| t.name == "consultation")
        .expect("the consultation type")
        .id
        .clone();
    ops::appointments::book(
        db,
        desk,
        &Booking {
            patient: patient.clone(),
            clinician: clinician.clone(),
            type_id: consultation,
            day,
            span: Span::new(minute, minute + 15).expect("a quarter hour"),
            notes: String::new(),
        },
        &ops::appointments::Allow {
            outside_hours: true,
            ..Default::default()
        },
        when,
    )
    .expect("book")
}

/// `by` moves a booked appointment on to `to`. Fixtures set up several
/// patients in consultation with one doctor, as agreed to when asked (the
/// question itself is tested in tests/appointments.rs).
pub fn advance(db: &mut Db, by: &Session, b: &Booked, to: Status, clock: Clock) -> Booked {
    let allow = ops::appointments::AllowCallIn {
        second_in_consultation: true,
        ..Default::default()
    };
    ops::appointments::advance_allowing(db, by, &b.appt.id, b.appt.version, to, None, allow, clock)
        .unwrap_or_else(|e| panic!("move the appointment to {to:?}: {e}"))
}

/// An oral order of `dose` of a stocked item, `frequency` for `days`,
/// taken after food, routine, from now.
pub fn order(
    visit: &Id,
    item: &str,
    dose: &str,
    frequency: Frequency,
    days: Option<u32>,
) -> PrescriptionInput {
    PrescriptionInput {
        visit: visit.clone(),
        medicine: Medicine::Item(item.into()),
        generic_name: String::new(),
        dose: Dose::parse_text(dose).expect("a dose"),
        route: Route::Oral,
        course: Course {
            frequency,
            prn_indication: None,
            prn_max_daily: None,
            duration_days: days,
        },
        instructions: "after food".into(),
        quantity: None,
        quantity_reason: String::new(),
        priority: Priority::Routine,
        starts_at: None,
        overrides: Vec::new(),
    }
}

/// A set of the vitals NEWS2 scores, diastolic 40 below systolic.
pub fn news2_set(
    rr: i64,
    spo2: i64,
    oxygen: bool,
    systolic: i64,
    pulse: i64,
    consciousness: Consciousness,
    temperature_dc: i64,
) -> Vitals {
    Vitals {
        respiratory_rate: Some(rr),
        spo2: Some(spo2),
        on_oxygen: Some(oxygen),
        systolic: Some(systolic),
        diastolic: Some(systolic - 40),
        pulse: Some(pulse),
        consciousness: Some(consciousness),
        temperature_dc: Some(temperature_dc),
        ..Vitals::default()
    }
}
