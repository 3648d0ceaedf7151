//! The synthetic hospital: built once per patient count, schema version
//! and [`REVISION`], reused afterwards.
//!
//! The file is built under a `.partial` name and renamed when complete, so an
//! interrupted build is thrown away and rebuilt, never reused. Patients come
//! from [`Generator`] with a fixed seed and date, in chunks of
//! [`CHUNK`] per transaction, each with its own CREATE audit event; then
//! the bench's doctor, nurse and pharmacist fill the wards
//! ([`super::wards`]) and the pharmacy ([`super::stock`]); later
//! revisions add their layers ([`LAYERS`]).

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
/// 4: the clinical record; 5: prescriptions, dispensing and the MAR;
/// 6: the laboratory's orders and results; 7: billing).
pub const REVISION: u32 = 7;

/// A layer added to the hospital after its first revisions: the revision
/// that brought it, its name, and what writes it (returning what it says
/// it wrote).
type Layer = (u32, &'static str, fn(&mut Db, u64) -> Result<String>);

/// The layers since revision 4, in order. A file of revision
/// [`UPGRADES_FROM`] or later is upgraded by adding only the layers it
/// lacks to a copy of it, instead of being built again.
const LAYERS: &[Layer] = &[
    (5, "prescriptions", medicines),
    (6, "laboratory", laboratory),
    (7, "billing", billing),
];
/// The oldest revision that the layers can be added to.
const UPGRADES_FROM: u32 = 4;

fn medicines(db: &mut Db, patients: u64) -> Result<String> {
    let w = super::prescriptions::add(db, patients)?;
    let c = w.counts;
    Ok(format!(
        "{} prescriptions ({} active ward orders, {} waiting at the pharmacy of which {} partly \
         dispensed), {} dispenses from {} weekly deliveries, {} doses recorded",
        c.prescriptions,
        c.inpatient_orders,
        c.waiting,
        c.partly_dispensed,
        c.dispenses,
        w.batches,
        c.administrations
    ))
}

fn laboratory(db: &mut Db, patients: u64) -> Result<String> {
    let c = super::laboratory::add(db, patients)?;
    Ok(format!(
        "{} lab orders with {} results ({} open, {} rejected), {} critical values of which {} \
         not yet acknowledged",
        c.orders, c.results, c.open, c.rejected, c.critical, c.unacknowledged
    ))
}

fn billing(db: &mut Db, patients: u64) -> Result<String> {
    let c = super::charges::add(db, patients)?;
    Ok(format!(
        "{} bills ({} closed) with {} charges and {} reversals, {} payments and {} refunds over \
         {} days, {} cash-ups, {} patients with a scheme",
        c.bills,
        c.closed_bills,
        c.charges,
        c.reversals,
        c.payments,
        c.refunds,
        c.days,
        c.cash_ups,
        c.patient_schemes
    ))
}

/// The file of the hospital with `patients` patients.
pub fn hospital_path(dir: &Path, patients: u64) -> PathBuf {
    path_of(dir, patients, REVISION)
}

fn path_of(dir: &Path, patients: u64, revision: u32) -> PathBuf {
    dir.join(format!(
        "bench-{patients}-v{}-r{revision}.db",
        migrations::current_version()
    ))
}

/// Adds every layer brought after revision `since` up to `upto`, timing
/// each.
fn add_layers(db: &mut Db, patients: u64, since: u32, upto: u32) -> Result<()> {
    for (revision, name, add) in LAYERS.iter().filter(|l| l.0 > since && l.0 <= upto) {
        let started = Instant::now();
        let said = add(db, patients)
            .with_context(|| format!("could not add the {name} layer (revision {revision})"))?;
        eprintln!(
            "bench: layer r{revision} ({name}): {said} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
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
    let older = (UPGRADES_FROM..REVISION)
        .rev()
        .map(|r| (r, path_of(dir, patients, r)))
        .find(|(_, p)| p.exists());
    if let Some((since, from)) = older {
        eprintln!(
            "bench: upgrading a copy of {} to {} (its own file is left as it is)",
            from.display(),
            path.display()
        );
        upgrade(&from, &partial, patients, since).with_context(|| {
            format!(
                "could not upgrade a copy of the bench hospital {}",
                from.display()
            )
        })?;
    } else {
        eprintln!(
            "bench: building {} with {patients} patients (once; later runs reuse it)",
            path.display()
        );
        build(&partial, patients, REVISION)
            .with_context(|| format!("could not build the bench hospital {}", partial.display()))?;
    }
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

/// Copies the hospital of revision `since` at `from` to `to` and adds the
/// layers it lacks.
fn upgrade(from: &Path, to: &Path, patients: u64, since: u32) -> Result<()> {
    let started = Instant::now();
    std::fs::copy(from, to)
        .with_context(|| format!("could not copy {} to {}", from.display(), to.display()))?;
    // A log left by a run that did not fold it in belongs to the copy too.
    let (mut wal, mut wal_to) = (from.as_os_str().to_owned(), to.as_os_str().to_owned());
    wal.push("-wal");
    wal_to.push("-wal");
    if Path::new(&wal).exists() {
        std::fs::copy(&wal, &wal_to)
            .with_context(|| format!("could not copy {}", Path::new(&wal).display()))?;
    }
    eprintln!("bench: copied in {:.1} s", started.elapsed().as_secs_f64());
    let mut db = Db::open(to)?;
    db.conn().pragma_update(None, "synchronous", "OFF")?;
    db.conn()
        .pragma_update(None, "cache_size", -BUILD_CACHE_KIB)?;
    add_layers(&mut db, patients, since, REVISION)?;
    db.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(db);
    Ok(())
}

/// Builds the hospital of revision `upto` (the current one but in tests).
fn build(path: &Path, patients: u64, upto: u32) -> Result<()> {
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
    add_layers(&mut db, patients, UPGRADES_FROM, upto)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn prescriptions(path: &Path) -> i64 {
        let db = Db::open(path).unwrap();
        crate::store::prescriptions_bulk::counts(db.conn())
            .unwrap()
            .prescriptions
    }

    #[test]
    fn an_older_revision_is_upgraded_in_a_copy_by_its_missing_layers() {
        let dir = tempfile::tempdir().unwrap();
        let old = path_of(dir.path(), 300, UPGRADES_FROM);
        build(&old, 300, UPGRADES_FROM).unwrap();
        assert_eq!(prescriptions(&old), 0);
        let old_len = std::fs::metadata(&old).unwrap().len();

        let new = ensure(dir.path(), 300).unwrap();
        assert_eq!(new, hospital_path(dir.path(), 300));
        assert!(new.to_string_lossy().ends_with(&format!("-r{REVISION}.db")));
        assert!(prescriptions(&new) > 0);
        // the older file is left as it was
        assert_eq!(prescriptions(&old), 0);
        assert_eq!(std::fs::metadata(&old).unwrap().len(), old_len);
        // and the upgraded one is reused afterwards
        assert_eq!(ensure(dir.path(), 300).unwrap(), new);
    }

    #[test]
    fn the_laboratory_has_a_day_open_in_every_status_and_a_few_critical_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = ensure(dir.path(), 300).unwrap();
        let db = Db::open(&path).unwrap();
        let c = crate::store::lab_bulk::counts(db.conn()).unwrap();
        let visits: i64 = db
            .conn()
            .query_row(
                "SELECT count(*) FROM visits WHERE kind <> 'nursing_note'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        // about two orders of three analytes per visit
        assert!(
            c.orders > visits * 3 / 2 && c.orders <= visits * 2,
            "{c:?}, {visits} visits"
        );
        assert!(c.results > c.orders * 2, "{c:?}");
        assert!(c.open > 0 && c.rejected > 0 && c.critical > 0, "{c:?}");
        let statuses: Vec<String> = db
            .conn()
            .prepare("SELECT DISTINCT status FROM lab_orders ORDER BY status")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            statuses,
            [
                "cancelled",
                "collected",
                "in_progress",
                "ordered",
                "rejected",
                "resulted",
                "verified"
            ]
        );
        let (first, last, n): (i64, i64, i64) = db
            .conn()
            .query_row(
                "SELECT min(accession), max(accession), count(*) FROM lab_orders",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (first, last),
            (1, n),
            "accession numbers follow one another"
        );
        // every verified order's results were verified by the other technician
        let own: i64 = db
            .conn()
            .query_row(
                "SELECT count(*) FROM lab_results WHERE verified_by = entered_by",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(own, 0);
    }
}
