//! The synthetic hospital: built once per patient count, schema version
//! and [`REVISION`], reused afterwards.
//!
//! The file is built under a `.partial` name and renamed when complete, so an
//! interrupted build is thrown away and rebuilt, never reused. Patients come
//! from [`Generator`] with a fixed seed and date, in chunks of
//! [`CHUNK`] per transaction, each with its own CREATE audit event; then
//! the bench's doctor, nurse and pharmacist fill the wards
//! ([`super::wards`]) and the pharmacy ([`super::stock`]).

use super::{BENCH_USER, CODE, DOCTOR, NURSE, PASSWORD, PHARMACIST, SEED, fixed_now, today};
use crate::auth;
use crate::demo::synthetic::Generator;
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::hospital::HospitalCode;
use crate::domain::role::Role;
use crate::ops::accounts;
use crate::store::patients::{Stamp, allocate_seqs, insert_with_seq};
use crate::store::sessions::EndReason;
use crate::store::{Db, StoreError, migrations};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Patients written per transaction while building.
const CHUNK: u64 = 50_000;
/// Page cache while building (KiB, as a negative `cache_size`).
const BUILD_CACHE_KIB: i64 = 512 * 1024;
/// What the build puts in the hospital, raised whenever that changes so
/// that an older bench file is not reused (2: wards, beds and pharmacy;
/// 4: the clinical record).
pub const REVISION: u32 = 4;

/// The file of the hospital with `patients` patients.
pub fn hospital_path(dir: &Path, patients: u64) -> PathBuf {
    dir.join(format!(
        "bench-{patients}-v{}-r{REVISION}.db",
        migrations::current_version()
    ))
}

/// Removes a database file with its WAL and shared-memory files.
pub fn remove_db(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("could not remove {}", p.display())),
        }
    }
    Ok(())
}

/// The hospital's file, built now unless a complete one exists.
pub fn ensure(dir: &Path, patients: u64) -> Result<PathBuf> {
    let path = hospital_path(dir, patients);
    if path.exists() {
        eprintln!("bench: reusing {}", path.display());
        return Ok(path);
    }
    crate::paths::create_private_dir(dir)
        .with_context(|| format!("could not create {}", dir.display()))?;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    remove_db(&partial)?;
    eprintln!(
        "bench: building {} with {patients} patients (once; later runs reuse it)",
        path.display()
    );
    build(&partial, patients)
        .with_context(|| format!("could not build the bench hospital {}", partial.display()))?;
    std::fs::rename(&partial, &path).with_context(|| {
        format!(
            "could not rename {} to {}",
            partial.display(),
            path.display()
        )
    })?;
    Ok(path)
}

/// A new, empty hospital whose administrator is the bench's account.
pub fn new_hospital(path: &Path, code: &str, name: &str) -> Result<Db> {
    let code: HospitalCode = code.parse()?;
    let mut db = Db::create(path, &code, name, chrono_tz::UTC)?;
    accounts::create_first_admin(
        &mut db,
        BENCH_USER,
        "Bench Administrator",
        PASSWORD,
        fixed_now(),
    )
    .context("could not create the bench administrator")?;
    Ok(db)
}

fn build(path: &Path, patients: u64) -> Result<()> {
    let mut db = new_hospital(path, CODE, "Bench General Hospital")?;
    let prefix = db.settings()?.mrn_prefix;
    // Durability does not matter while building: an interrupted build is
    // thrown away. The file gets synchronous=FULL again when opened.
    db.conn().pragma_update(None, "synchronous", "OFF")?;
    db.conn()
        .pragma_update(None, "cache_size", -BUILD_CACHE_KIB)?;
    let mut generator = Generator::new(SEED, today());
    let stamp = Stamp {
        user_id: None,
        at: fixed_now(),
    };
    let started = Instant::now();
    let mut done = 0u64;
    while done < patients {
        let n = CHUNK.min(patients - done);
        let details: Vec<_> = (0..n).map(|_| generator.next_patient()).collect();
        db.write(&Actor::system(), |tx| {
            let first = allocate_seqs(tx, n as i64)?;
            let mut events = Vec::with_capacity(details.len());
            for (i, d) in details.iter().enumerate() {
                let (id, mrn) = insert_with_seq(tx, first + i as i64, &prefix, d, "", &stamp)?;
                events.push(
                    AuditEvent::new(AuditAction::Create, "patient", format!("registered {mrn}"))
                        .on(id.as_str())
                        .for_patient(id.as_str()),
                );
            }
            Ok::<_, StoreError>(((), events))
        })?;
        done += n;
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "bench: {done}/{patients} patients ({:.0} per second)",
            done as f64 / secs.max(1e-9)
        );
    }
    fill_wards_and_pharmacy(&mut db, patients)?;
    db.write(&Actor::system(), |_| {
        let e = AuditEvent::new(
            AuditAction::Create,
            "hospital",
            format!("bench hospital complete: {patients} patients"),
        )
        .on(CODE);
        Ok::<_, StoreError>(((), vec![e]))
    })?;
    db.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(db);
    Ok(())
}

/// The bench's clinical accounts: user name, full name, role.
const STAFF: [(&str, &str, Role); 3] = [
    (DOCTOR, "Bench Doctor", Role::Doctor),
    (NURSE, "Bench Nurse", Role::Nurse),
    (PHARMACIST, "Bench Pharmacist", Role::Pharmacist),
];

/// Adds the doctor, nurse and pharmacist, and lets them set up the wards,
/// the pharmacy and the clinic, timing each part.
fn fill_wards_and_pharmacy(db: &mut Db, patients: u64) -> Result<()> {
    let now = fixed_now();
    let admin = auth::sign_in(db, BENCH_USER, PASSWORD, now)?;
    for (user_name, full_name, role) in STAFF {
        let account = accounts::NewAccount {
            user_name,
            full_name,
            role,
            password: PASSWORD,
        };
        accounts::add(db, &admin, &account, false, now)
            .with_context(|| format!("could not create the bench account {user_name}"))?;
    }
    let doctor = auth::sign_in(db, DOCTOR, PASSWORD, now)?;
    let nurse = auth::sign_in(db, NURSE, PASSWORD, now)?;
    let pharmacist = auth::sign_in(db, PHARMACIST, PASSWORD, now)?;
    let started = Instant::now();
    let staff = super::wards::Staff {
        admin: &admin,
        doctor: &doctor,
        nurse: &nurse,
    };
    let beds = super::wards::fill(db, &staff, patients).context("could not fill the wards")?;
    eprintln!(
        "bench: {beds} beds with their admissions in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let dispensed =
        super::stock::fill(db, &pharmacist, patients).context("could not stock the pharmacy")?;
    eprintln!(
        "bench: the pharmacy with {dispensed} dispenses in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let booked = super::clinic::fill(db, &admin, &admin, &[&doctor, &nurse], patients)
        .context("could not book the clinic")?;
    eprintln!(
        "bench: the clinic with {booked} appointments in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let mut doctors = vec![doctor.user.id.clone()];
    doctors.extend(
        crate::store::users::clinicians(db.conn())?
            .into_iter()
            .filter(|c| c.role == Role::Doctor && c.id != doctor.user.id)
            .map(|c| c.id),
    );
    let team = super::history::Team {
        doctors,
        nurse: nurse.user.id.clone(),
    };
    let written =
        super::history::fill(db, &team, patients).context("could not write the clinical record")?;
    let morning = super::morning::fill(db, &admin, &doctor)
        .context("could not write the doctor's morning clinic")?;
    let [
        visits,
        notes,
        addenda,
        sets,
        diagnoses,
        allergies,
        no_known,
        problems,
    ] = crate::store::clinical::bulk::counts(db.conn())?;
    eprintln!(
        "bench: the clinical record with {visits} visits, {sets} vitals sets, {notes} signed notes, \
         {addenda} addenda, {diagnoses} diagnoses, {allergies} allergies, {no_known} no known \
         allergies, {problems} problems (the busiest record: seq {}, {} visits; the doctor's \
         morning: {} seen, {} in the room, {} waiting) in {:.1} s",
        written.busiest_seq,
        super::history::BUSIEST_VISITS,
        morning.seen,
        morning.in_room,
        morning.waiting,
        started.elapsed().as_secs_f64()
    );
    for s in [&admin, &doctor, &nurse, &pharmacist] {
        auth::sign_out(db, s, EndReason::Logout, now)?;
    }
    Ok(())
}
