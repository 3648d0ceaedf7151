//! The demo hospital: a ready clinic to try wardline on, with one account per
//! staff role and a few thousand synthetic patients. Later areas add their
//! synthetic data here, one module per area (`appointments`, `beds`,
//! `pharmacy`, `clinical`, `billing`); `synthetic` generates the patients,
//! for the benchmark too.

pub mod appointments;
pub mod beds;
pub mod billing;
pub mod clinical;
pub mod pharmacy;
pub mod synthetic;

use crate::auth::{self, Session};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::hospital::HospitalCode;
use crate::domain::patient::PatientDetails;
use crate::domain::role::Role;
use crate::ops::{accounts, settings};
use crate::paths::DataDir;
use crate::store::Db;
use crate::store::patients::{self, Stamp};
use crate::store::sessions::EndReason;
use anyhow::{Context, Result};
use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use synthetic::Generator;

pub const CODE: &str = "DEMO";
pub const NAME: &str = "Riverside Community Hospital";
/// Every demo account's password, shown on the demo's sign-in screen.
pub const PASSWORD: &str = "wardline-demo";

/// A demo account: user name, full name, role.
pub const ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin", "Grace Mwangi", Role::Admin),
    ("reception", "Tomás Herrera", Role::Receptionist),
    ("doctor", "Dr. Aisha Rahman", Role::Doctor),
    ("nurse", "Mei Lin Chen", Role::Nurse),
    ("pharmacist", "Olusegun Adeyemi", Role::Pharmacist),
    ("labtech", "Priya Natarajan", Role::LabTech),
    ("labtech2", "Joseph Kamau", Role::LabTech),
    ("cashier", "Samuel Otieno", Role::Cashier),
];

/// Synthetic patients registered in the demo, besides the near duplicates.
pub const PATIENTS: usize = 3_000;
/// Patients registered a second time under another spelling, for the
/// duplicate check and the merge to find.
pub const NEAR_DUPLICATES: usize = 10;
/// Patients whose identity the desk has verified.
pub const VERIFIED: usize = 12;
/// The same seed every time: the demo's patients have the same names in
/// every copy of the demo (their ages follow today's date).
const SEED: u64 = 0x5741_5244_4C4E;
/// The patients' registrations are spread over the last three years.
const HISTORY_MINUTES: i64 = 3 * 365 * 24 * 60;

fn code() -> Result<HospitalCode> {
    Ok(CODE.parse()?)
}

/// The demo hospital's file, created when missing (or rebuilt with `reset`),
/// as of now in the machine's zone.
pub fn ensure(data: &DataDir, reset: bool) -> Result<PathBuf> {
    ensure_at(data, reset, Utc::now(), crate::machine_zone::machine_zone())
}

/// [`ensure`] with the clock given: the demo's day is the one `now` falls
/// on in `zone` (tests build it at fixed instants).
pub fn ensure_at(
    data: &DataDir,
    reset: bool,
    now: chrono::DateTime<Utc>,
    zone: crate::domain::clock::Tz,
) -> Result<PathBuf> {
    let code = code()?;
    let path = data.hospital_file(&code);
    if reset {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("could not remove {}", p.display()));
                }
            }
        }
        let _ = std::fs::remove_file(data.checkpoint_file(&code));
    }
    if !path.exists() {
        build(data, &code, &path, now, zone)
            .with_context(|| format!("could not build the demo hospital at {}", path.display()))?;
    }
    Ok(path)
}

fn build(
    data: &DataDir,
    code: &HospitalCode,
    path: &std::path::Path,
    now: chrono::DateTime<Utc>,
    zone: crate::domain::clock::Tz,
) -> Result<()> {
    let mut db = Db::create(path, code, NAME, zone)?;
    let result = populate(&mut db, now);
    if result.is_err() {
        drop(db);
        let _ = std::fs::remove_file(path);
        return result;
    }
    crate::checkpoint::write(&mut db, data)?;
    Ok(())
}

fn populate(db: &mut Db, now: chrono::DateTime<Utc>) -> Result<()> {
    let (admin, admin_name, _) = ACCOUNTS[0];
    accounts::create_first_admin(db, admin, admin_name, PASSWORD, now)?;
    let session = auth::sign_in(db, admin, PASSWORD, now)?;
    for (user, full_name, role) in &ACCOUNTS[1..] {
        let account = accounts::NewAccount {
            user_name: user,
            full_name,
            role: *role,
            password: PASSWORD,
        };
        accounts::add(db, &session, &account, false, now)?;
    }
    settings::set(db, &session, "currency", "KES")?;
    add_patients(db, &session, now)?;
    // Priced before anything happens, so the clinic and the wards charge
    // themselves as they go.
    billing::demo_tariff(db, &session, now)?;
    appointments::demo_appointments(db, &session, now)?;
    pharmacy::demo_pharmacy(db, "pharmacist", PASSWORD, now)?;
    beds::demo_beds(db, &session, PASSWORD, now)?;
    billing::demo_cover(db, &session, now)?;
    clinical::demo_clinical(db, &session, PASSWORD, now)?;
    billing::demo_desk(db, &session, PASSWORD, now)?;
    auth::sign_out(db, &session, EndReason::Logout, now)?;
    // The morning's sign-ins, so the audit trail reads like a working day.
    for (user, _, _) in &ACCOUNTS[1..4] {
        let s = auth::sign_in(db, user, PASSWORD, now)?;
        auth::sign_out(db, &s, EndReason::Logout, now)?;
    }
    Ok(())
}

/// One patient to register: who, how long ago, and whether the desk has
/// seen an identity document.
struct Registration {
    details: PatientDetails,
    minutes_ago: i64,
    verified: bool,
}

/// Registers the synthetic patients as one import: one transaction, one
/// audit event. MRNs follow the order of registration.
fn add_patients(db: &mut Db, session: &Session, now: DateTime<Utc>) -> Result<()> {
    let settings = db.settings()?;
    let prefix = settings.mrn_prefix;
    let today = crate::domain::clock::local_date(settings.time_zone, now);
    let mut generator = Generator::new(SEED, today);
    let mut rng = StdRng::seed_from_u64(SEED.rotate_left(32));
    let mut list: Vec<Registration> = (0..PATIENTS)
        .map(|_| {
            let details = generator.next_patient();
            // Nobody was registered before they were born.
            let age_minutes = (today - details.birth_date).num_minutes();
            Registration {
                minutes_ago: rng.gen_range(0..=HISTORY_MINUTES.min(age_minutes)),
                details,
                verified: false,
            }
        })
        .collect();
    // The second registration of a patient comes after the first.
    for k in 0..NEAR_DUPLICATES {
        let first = &list[k * PATIENTS / NEAR_DUPLICATES + 7];
        let details = generator.near_duplicate(&first.details);
        let minutes_ago = rng.gen_range(0..first.minutes_ago.max(1));
        list.push(Registration {
            details,
            minutes_ago,
            verified: false,
        });
    }
    for r in list[..PATIENTS]
        .iter_mut()
        .filter(|r| !r.details.national_id.is_empty())
        .step_by(PATIENTS / VERIFIED / 3)
        .take(VERIFIED)
    {
        r.verified = true;
    }
    list.sort_by_key(|r| std::cmp::Reverse(r.minutes_ago));

    let user_id = session.user.id.as_str();
    db.write(&session.actor(), |tx| {
        let first = patients::allocate_seqs(tx, list.len() as i64)?;
        let mut verified = 0;
        for (seq, r) in (first..).zip(&list) {
            let at = now - TimeDelta::minutes(r.minutes_ago);
            let stamp = Stamp {
                user_id: Some(user_id),
                at,
            };
            let (id, _) = patients::insert_with_seq(tx, seq, &prefix, &r.details, "", &stamp)?;
            if r.verified {
                let stamp = Stamp {
                    user_id: Some(user_id),
                    at: (at + TimeDelta::minutes(4)).min(now),
                };
                patients::set_verified(tx, &id, &stamp)?;
                verified += 1;
            }
        }
        let summary = format!(
            "demo data: {} synthetic patients ({NEAR_DUPLICATES} of them registered twice under another spelling; {verified} identities verified)",
            crate::domain::display::thousands(list.len() as u64)
        );
        let event = AuditEvent::new(AuditAction::Import, "patient", summary);
        Ok::<_, anyhow::Error>(((), vec![event]))
    })
}

/// The accounts, as printed by `wardline demo --no-tui` and shown on screen.
pub fn accounts_text() -> Vec<String> {
    ACCOUNTS
        .iter()
        .map(|(user, name, role)| format!("{user:<11} {:<15} {name}", role.label()))
        .collect()
}
