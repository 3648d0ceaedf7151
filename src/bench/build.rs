//! The synthetic hospital: built once per patient count and schema version,
//! reused afterwards.
//!
//! The file is built under a `.partial` name and renamed when complete, so an
//! interrupted build is thrown away and rebuilt, never reused. Patients come
//! from [`Generator`] with a fixed seed and date, in chunks of
//! [`CHUNK`] per transaction, each with its own CREATE audit event.

use super::{BENCH_USER, CODE, PASSWORD, SEED, fixed_now, today};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::hospital::HospitalCode;
use crate::ops::accounts;
use crate::store::patients::{Stamp, allocate_seqs, insert_with_seq};
use crate::store::{Db, StoreError, migrations};
use crate::synthetic::Generator;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Patients written per transaction while building.
const CHUNK: u64 = 50_000;
/// Page cache while building (KiB, as a negative `cache_size`).
const BUILD_CACHE_KIB: i64 = 512 * 1024;

/// The file of the hospital with `patients` patients.
pub fn hospital_path(dir: &Path, patients: u64) -> PathBuf {
    dir.join(format!(
        "bench-{patients}-v{}.db",
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
    let mut db = Db::create(path, &code, name)?;
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
