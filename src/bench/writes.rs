//! The write measures: registering one patient the way the form does it
//! (validation, duplicate check, insert, audit event, commit with
//! synchronous=FULL), and importing a CSV file into a new hospital.

use super::stats::{Summary, timed};
use super::{BENCH_USER, PASSWORD, SEED, today};
use crate::auth::{self, Session};
use crate::demo::synthetic::Generator;
use crate::domain::patient::{Field, PatientDetails, PatientInput};
use crate::ops::{import, patients as ops};
use crate::store::Db;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use std::io::Write;
use std::path::Path;
use std::time::Duration;
use strum::IntoEnumIterator;

/// `samples` registrations of new synthetic patients, each its own commit.
pub fn register(db: &mut Db, session: &Session, samples: usize) -> Result<Summary> {
    let pattern = db.settings()?.date_pattern();
    let mut generator = Generator::new(SEED ^ 0x5245_4749_5354_4552, today());
    let mut times = Vec::with_capacity(samples);
    // As in the terminal screen: the write-ahead log is folded into the file
    // in the pause between two registrations, not during one.
    db.defer_wal_checkpoints()?;
    for _ in 0..samples {
        db.checkpoint_wal()?;
        let input = PatientInput::from_details(&generator.next_patient(), pattern, today());
        let (result, t) = timed(|| -> Result<()> {
            let now = Utc::now();
            let duplicates = ops::duplicates(db, session, &input, None, now)?;
            let despite: Vec<String> = duplicates.iter().map(|d| d.row.mrn.clone()).collect();
            ops::register(db, session, &input, &despite, now)?;
            Ok(())
        });
        result.context("registering a bench patient failed")?;
        times.push(t);
    }
    Ok(Summary::of(&times))
}

/// Writes one synthetic patient as a CSV row in [`import`]'s columns.
fn csv_row(
    out: &mut csv::Writer<impl Write>,
    i: usize,
    d: &PatientDetails,
    pattern: &str,
) -> Result<()> {
    let input = PatientInput::from_details(d, pattern, today());
    let old = format!("OLD{i:07}");
    out.write_record(std::iter::once(old.as_str()).chain(Field::iter().map(|f| input.get(f))))?;
    Ok(())
}

/// Imports `rows` synthetic patients from a CSV file into a new hospital in
/// `dir`; returns the time the import took and the patients imported.
pub fn import(dir: &Path, rows: usize) -> Result<(Duration, u64)> {
    let csv_path = dir.join("import.csv");
    let db_path = dir.join("import.db");
    super::build::remove_db(&db_path)?;
    let mut db = super::build::new_hospital(&db_path, "IMPORT", "Bench Import Hospital")?;
    let session = auth::sign_in(&mut db, BENCH_USER, PASSWORD, Utc::now())?;
    let pattern = db.settings()?.date_pattern();
    {
        let file = std::fs::File::create(&csv_path)
            .with_context(|| format!("could not create {}", csv_path.display()))?;
        let mut out = csv::Writer::from_writer(std::io::BufWriter::new(file));
        out.write_record(import::allowed_columns())?;
        let mut generator = Generator::new(SEED ^ 0x494d_504f_5254, today());
        for i in 0..rows {
            csv_row(&mut out, i, &generator.next_patient(), pattern)?;
        }
        out.flush()?;
    }
    let file = std::fs::File::open(&csv_path)
        .with_context(|| format!("could not open {}", csv_path.display()))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let (report, t) = timed(|| {
        import::import_patients(&mut db, &session, reader, "bench.csv", false, Utc::now())
    });
    let report = report.context("the bench import failed")?;
    if !report.committed || report.imported != rows as u64 {
        bail!(
            "the bench import wrote {} of {rows} patients ({} invalid rows, first: {:?})",
            report.imported,
            report.invalid.len(),
            report.invalid.first().map(|n| n.to_string())
        );
    }
    drop(db);
    super::build::remove_db(&db_path)?;
    std::fs::remove_file(&csv_path)
        .with_context(|| format!("could not remove {}", csv_path.display()))?;
    Ok((t, report.imported))
}
