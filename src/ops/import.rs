//! Importing patients from another system's CSV file.
//!
//! The header names the columns (the [`Field`] column names and `mrn`, in any
//! order). Each row is named by the physical line it starts on
//! ([`LineCounter`]), whatever the line endings, and each cell has the
//! export's formula escape undone ([`unescape_cell`]), so that an export
//! imports back exactly. Every row is validated like the registration form.
//! If any row is invalid, nothing is imported unless the caller asked to skip
//! invalid rows.
//! Possible duplicates, among the rows and against the patients already in
//! use, are reported but not refused. A row whose old record number is
//! already held (by a patient in use, or by an earlier row of the file) was
//! imported before: it is skipped and listed, so that importing an updated
//! export again brings in only its new patients. The whole import is one
//! transaction with one IMPORT audit event.
//!
//! The file is read on a second thread that parses and validates rows while
//! this one writes them. While it holds the write lock, the import publishes
//! how far it is ([`crate::store::import_progress`]) so that other terminals
//! wait for it and say so instead of giving up. Into a hospital with no
//! patients yet, the secondary indexes of `patients` are built once at the
//! end instead of row by row.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::display::thousands;
use crate::domain::patient::{Field, PatientInput, validate};
use crate::domain::role::Permission;
use crate::domain::time::format_ts;
use crate::error::{Error, Result};
use crate::ops::csv_file::{LineCounter, unescape_cell};
use crate::store::import_progress::{ImportProgress, Publisher};
use crate::store::patients::{self, NameRows, NewPatient, SortedNameRows, phone_key};
use crate::store::{Db, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction, params};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use strum::IntoEnumIterator;

/// The column holding the old system's record number.
pub const MRN_COLUMN: &str = "mrn";
/// The longest old record number kept.
const MRN_MAX: usize = 40;
/// Rows handed from the reading thread to the writing one at a time.
const BATCH: usize = 1024;
/// Batches the reading thread may be ahead by: enough to keep it reading
/// while the writing thread writes a sorted name index, and the writing
/// thread busy while the reading one sorts the next.
const QUEUED_BATCHES: usize = 32;
/// How many existing patients one row is reported against, per reason.
const MATCHES: i64 = 5;
/// The most page cache the import may use (KiB, as `PRAGMA cache_size`
/// takes it when negative): the cache grows only as pages are touched, and
/// a million patients fit without spilling. The connection's own size is
/// restored afterwards.
const IMPORT_CACHE_KIB: i64 = 1024 * 1024;

/// Every column a file may have, in export order.
pub fn allowed_columns() -> Vec<&'static str> {
    std::iter::once(MRN_COLUMN)
        .chain(Field::iter().map(Field::column))
        .collect()
}

/// Something said about one line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineNote {
    /// The line where the row starts, as a text editor numbers it (a
    /// quoted field may span several; blank lines count).
    pub line: u64,
    pub message: String,
}

impl fmt::Display for LineNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What an import did, or would have done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Patients written (0 when the import was refused).
    pub imported: u64,
    /// Valid rows seen (what would have been imported).
    pub valid: u64,
    /// Every invalid row and why, by line.
    pub invalid: Vec<LineNote>,
    /// Every possible duplicate, by line.
    pub duplicates: Vec<LineNote>,
    /// Every row skipped because its old record number is already on file,
    /// by line.
    pub already_on_file: Vec<LineNote>,
    /// Whether the patients were written: false when invalid rows refused
    /// the whole file.
    pub committed: bool,
}

/// What a CSV column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Mrn,
    Field(Field),
}

/// Reads the header: every name must be a known column, each at most once.
fn columns(header: &csv::StringRecord) -> Result<Vec<Column>> {
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_string()
        })
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(Error::BadFile(format!(
            "the file has no header: its first line must name the columns, e.g. given_name,family_name,birth_date,sex (allowed: {})",
            allowed_columns().join(", ")
        )));
    }
    let mut unknown = Vec::new();
    let mut out = Vec::with_capacity(names.len());
    for name in &names {
        let key = name.to_ascii_lowercase();
        let column = if key == MRN_COLUMN {
            Some(Column::Mrn)
        } else {
            key.parse::<Field>().ok().map(Column::Field)
        };
        match column {
            Some(c) if out.contains(&c) => {
                return Err(Error::BadFile(format!(
                    "the header names the column {name} twice: keep one"
                )));
            }
            Some(c) => out.push(c),
            None => unknown.push(if name.is_empty() {
                "(an empty name)".to_string()
            } else {
                name.clone()
            }),
        }
    }
    if !unknown.is_empty() {
        return Err(Error::UnknownColumns {
            unknown: crate::ops::csv_file::a_few(&unknown),
            allowed: allowed_columns().join(", "),
        });
    }
    Ok(out)
}

/// A valid row, ready to write, with the keys its duplicates are found by.
struct ValidRow {
    line: u64,
    patient: NewPatient,
    /// The reversed last nine digits of the phone (empty when too short).
    phone_tail: String,
}

/// What the reading thread sends: rows in file order, what it noticed,
/// and now and then the name index of many rows, sorted and ready to write.
#[derive(Default)]
struct Batch {
    rows: Vec<ValidRow>,
    invalid: Vec<LineNote>,
    duplicates: Vec<LineNote>,
    already_on_file: Vec<LineNote>,
    names: Option<SortedNameRows>,
    /// Bytes of the file read when the batch was sent.
    bytes: u64,
}

/// The reading side: parses, validates, spots duplicates among rows, and
/// computes each valid row as it will be stored, its name index included
/// (sorting that index is as much work as writing it, and the writing
/// thread sets the pace).
struct Reader {
    columns: Vec<Column>,
    /// The MRN prefix and the sequence number of the next valid row.
    prefix: String,
    next_seq: i64,
    today: NaiveDate,
    date_pattern: &'static str,
    by_key: HashMap<String, u64>,
    by_phone: HashMap<String, u64>,
    /// The old record numbers (folded) of the valid rows so far: their
    /// line and the MRN they are given.
    by_mrn: HashMap<String, (u64, String)>,
    /// The hospital file read on its own connection, to find old record
    /// numbers already on file; `None` when no patient in use has one.
    on_file: Option<Connection>,
    /// Whether valid rows are imported when others are invalid.
    skip_invalid: bool,
    /// Whether an invalid row was seen: without `skip_invalid`, nothing
    /// will be written, and the name index is not built.
    any_invalid: bool,
}

/// The phone digits a duplicate is matched on: the reversed last nine, if
/// there are at least seven (as the registration form's check does).
fn phone_tail(phone: &str) -> String {
    let key = phone_key(phone);
    if key.len() >= 7 {
        key.chars().take(9).collect()
    } else {
        String::new()
    }
}

/// Reasons of one row's possible duplicates, grouped by the other record.
#[derive(Default)]
struct Matches(Vec<(String, Vec<&'static str>)>);

impl Matches {
    fn add(&mut self, other: String, reason: &'static str) {
        match self.0.iter_mut().find(|(o, _)| *o == other) {
            Some((_, reasons)) => reasons.push(reason),
            None => self.0.push((other, vec![reason])),
        }
    }

    fn notes(self, line: u64, out: &mut Vec<LineNote>) {
        for (other, reasons) in self.0 {
            out.push(LineNote {
                line,
                message: format!(
                    "possibly the same person as {other} ({})",
                    reasons.join(", ")
                ),
            });
        }
    }
}

const SAME_NAME_AND_BIRTH: &str = "same birth date and a family name that sounds alike";
const SAME_PHONE: &str = "same phone number";

impl Reader {
    /// Reads the whole file, sending batches until it ends or the writer
    /// stops listening.
    fn run<R: Read>(
        mut self,
        mut csv: csv::Reader<LineCounter<R>>,
        send: SyncSender<Batch>,
    ) -> Result<()> {
        let mut record = csv::StringRecord::new();
        let mut batch = Batch::default();
        let mut names = NameRows::default();
        let mut last_line = 1;
        loop {
            let line;
            match csv.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    line = record
                        .position()
                        .map_or(last_line + 1, |p| csv.get_mut().line_at(p.byte()));
                    self.row(line, &record, &mut batch, &mut names)?;
                }
                Err(e) => {
                    line = e
                        .position()
                        .map_or(last_line + 1, |p| csv.get_mut().line_at(p.byte()));
                    let message = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!(
                            "has {len} fields where the header has {expected_len}: check this row's commas and quotes"
                        ),
                        csv::ErrorKind::Utf8 { .. } => {
                            "is not UTF-8 text: save the file as UTF-8 (CSV UTF-8) and import again"
                                .to_string()
                        }
                        _ => {
                            return Err(Error::BadFile(format!(
                                "could not read the file after line {last_line} ({e}): check that it is a complete CSV file"
                            )));
                        }
                    };
                    batch.invalid.push(LineNote { line, message });
                }
            }
            last_line = line;
            self.any_invalid |= !batch.invalid.is_empty();
            if names.len() >= NameRows::BULK {
                batch.names = Some(names.sorted());
            }
            if batch.rows.len() + batch.invalid.len() + batch.already_on_file.len() >= BATCH
                || batch.names.is_some()
            {
                batch.bytes = csv.position().byte();
                if send.send(std::mem::take(&mut batch)).is_err() {
                    return Ok(());
                }
            }
        }
        if !names.is_empty() {
            batch.names = Some(names.sorted());
        }
        batch.bytes = csv.position().byte();
        let _ = send.send(batch);
        Ok(())
    }

    /// Validates one record and notes its duplicates among earlier rows.
    fn row(
        &mut self,
        line: u64,
        record: &csv::StringRecord,
        batch: &mut Batch,
        names: &mut NameRows,
    ) -> Result<()> {
        if record.iter().all(|v| v.trim().is_empty()) {
            return Ok(());
        }
        let mut input = PatientInput::default();
        let mut mrn = "";
        for (column, value) in self.columns.iter().zip(record.iter()) {
            match column {
                Column::Mrn => mrn = unescape_cell(value).trim(),
                Column::Field(f) => input.set(*f, unescape_cell(value)),
            }
        }
        let mut problems: Vec<String> = Vec::new();
        if mrn.chars().count() > MRN_MAX {
            problems.push(format!("mrn: too long: at most {MRN_MAX} characters"));
        } else if mrn.chars().any(char::is_control) {
            problems.push(
                "mrn: holds an invisible control character (such as a line break): retype it"
                    .into(),
            );
        }
        let details = match validate(&input, self.today, self.date_pattern) {
            Ok(d) => Some(d),
            Err(errors) => {
                problems.extend(errors.iter().map(ToString::to_string));
                None
            }
        };
        let Some(details) = details.filter(|_| problems.is_empty()) else {
            batch.invalid.push(LineNote {
                line,
                message: problems.join("; "),
            });
            return Ok(());
        };
        let old_key = patients::legacy_key(mrn);
        if !old_key.is_empty() {
            let earlier = match self.by_mrn.get(&old_key) {
                Some((first, mrn)) => Some(format!("{mrn} (line {first})")),
                None => match &self.on_file {
                    Some(conn) => patients::live_legacy_holder(conn, &old_key)?,
                    None => None,
                },
            };
            if let Some(earlier) = earlier {
                batch.already_on_file.push(LineNote {
                    line,
                    message: format!("already imported as MRN {earlier}"),
                });
                return Ok(());
            }
        }
        let phone_tail = phone_tail(&details.phone);
        let mut patient = NewPatient::new(self.next_seq, &self.prefix, details, mrn);
        self.next_seq += 1;
        if self.skip_invalid || !self.any_invalid {
            names.add(&mut patient);
        }
        let mut matches = Matches::default();
        for (map, key, reason) in [
            (
                &mut self.by_key,
                patient.duplicate_key(),
                SAME_NAME_AND_BIRTH,
            ),
            (&mut self.by_phone, phone_tail.as_str(), SAME_PHONE),
        ] {
            if key.is_empty() {
                continue;
            }
            match map.entry(key.to_string()) {
                Entry::Occupied(first) => matches.add(format!("line {}", first.get()), reason),
                Entry::Vacant(v) => {
                    v.insert(line);
                }
            }
        }
        matches.notes(line, &mut batch.duplicates);
        if !old_key.is_empty() {
            self.by_mrn.insert(old_key, (line, patient.mrn.clone()));
        }
        batch.rows.push(ValidRow {
            line,
            patient,
            phone_tail,
        });
        Ok(())
    }
}

/// The possible duplicates of a row among the patients in use before the
/// import (sequence numbers below `first_seq`).
fn existing_matches(
    conn: &Connection,
    row: &ValidRow,
    first_seq: i64,
    out: &mut Vec<LineNote>,
) -> Result<(), StoreError> {
    const LIVE: &str = "deleted_at IS NULL AND merged_into IS NULL";
    let mut matches = Matches::default();
    let mut collect = |sql: &str, key: &str, end: Option<String>, reason| {
        if key.is_empty() {
            return Ok::<_, StoreError>(());
        }
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = match end {
            Some(end) => stmt.query(params![key, end, first_seq, MATCHES])?,
            None => stmt.query(params![key, first_seq, MATCHES])?,
        };
        while let Some(r) = rows.next()? {
            matches.add(format!("MRN {}", r.get::<_, String>(0)?), reason);
        }
        Ok(())
    };
    collect(
        &format!(
            "SELECT mrn FROM patients
             WHERE duplicate_key = ?1 AND duplicate_key <> '' AND {LIVE} AND seq < ?2
             ORDER BY seq LIMIT ?3"
        ),
        row.patient.duplicate_key(),
        None,
        SAME_NAME_AND_BIRTH,
    )?;
    collect(
        &format!(
            "SELECT mrn FROM patients
             WHERE phone_key >= ?1 AND phone_key < ?2 AND phone_key <> '' AND {LIVE} AND seq < ?3
             ORDER BY seq LIMIT ?4"
        ),
        &row.phone_tail,
        Some(format!("{}\u{10FFFF}", row.phone_tail)),
        SAME_PHONE,
    )?;
    matches.notes(row.line, out);
    Ok(())
}

/// Partial indexes of `patients` that no imported row enters (a new
/// patient is neither deleted nor merged): kept as they are, since
/// building one again reads the whole table for nothing.
const UNTOUCHED_BY_IMPORT: [&str; 2] = ["patients_deleted", "patients_merged_into"];
/// The index of old record numbers, which only a file with an `mrn` column
/// fills.
const LEGACY_INDEX: &str = "patients_legacy";

/// Drops the indexes of `patients` that the imported rows enter, other
/// than its keys, returning the SQL that creates them again. Inside the
/// import's transaction: a rollback brings them back as they were, and
/// other terminals never see them gone.
fn drop_secondary_indexes(tx: &Transaction, has_mrn: bool) -> Result<Vec<String>, StoreError> {
    let indexes: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name = 'patients' AND sql IS NOT NULL",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut create = Vec::with_capacity(indexes.len());
    let kept =
        |name: &str| UNTOUCHED_BY_IMPORT.contains(&name) || (name == LEGACY_INDEX && !has_mrn);
    for (name, sql) in indexes.into_iter().filter(|(name, _)| !kept(name)) {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        create.push(sql);
    }
    Ok(create)
}

/// Why the import's transaction was rolled back.
enum Abort {
    /// Invalid rows, and invalid rows were not to be skipped.
    Refused(Box<ImportReport>),
    Failed(Error),
}

impl From<StoreError> for Abort {
    fn from(e: StoreError) -> Self {
        Abort::Failed(e.into())
    }
}

impl From<Error> for Abort {
    fn from(e: Error) -> Self {
        Abort::Failed(e)
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The SHA-256 of a file's bytes in hex: what an import's audit event
/// remembers of the file, so that importing it again is noticed.
pub fn fingerprint<R: Read>(mut file: R) -> std::io::Result<String> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// How a file's fingerprint is written in its import's audit event.
pub fn fingerprint_note(sha256: &str) -> String {
    format!("sha256 {sha256}")
}

/// An earlier import of the same file: when, by whom, and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierImport {
    pub at: Option<DateTime<Utc>>,
    pub by: String,
    /// Its audit event's summary (how many patients it imported).
    pub summary: String,
}

/// The first import of the file whose fingerprint is `sha256`, if there
/// was one.
pub fn earlier_import(db: &Db, by: &Session, sha256: &str) -> Result<Option<EarlierImport>> {
    by.require(Permission::RegisterPatients, "import patients")?;
    let found = crate::store::audit::first_with(
        db.conn(),
        &AuditAction::Import.to_string(),
        &fingerprint_note(sha256),
    )?;
    Ok(found.map(|r| EarlierImport {
        at: crate::domain::time::parse_ts(&r.at),
        by: r.actor_name,
        summary: r.summary,
    }))
}

/// Imports the patients of a CSV file read from `file`; `source` names it in
/// the audit trail. With `skip_invalid`, the valid rows are imported and the
/// invalid ones reported; without it, one invalid row refuses the whole file
/// and nothing is written (the report says why, with `committed` false).
pub fn import_patients<R: Read + Send>(
    db: &mut Db,
    by: &Session,
    file: R,
    source: &str,
    skip_invalid: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    import_patients_sized(db, by, file, None, source, skip_invalid, now)
}

/// [`import_patients`] of a file whose size in bytes is known, so that the
/// terminals waiting for it are told what share of it is read.
pub fn import_patients_sized<R: Read + Send>(
    db: &mut Db,
    by: &Session,
    file: R,
    size: Option<u64>,
    source: &str,
    skip_invalid: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    by.require(Permission::RegisterPatients, "import patients")?;
    let settings = db.settings()?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(1 << 16)
        .from_reader(LineCounter::new(file));
    let header = csv.headers().map_err(|e| {
        Error::BadFile(format!(
            "could not read the header line ({e}): the first line must name the columns, and the file must be UTF-8 CSV"
        ))
    })?;
    let columns = columns(header)?;
    let has_mrn = columns.contains(&Column::Mrn);
    let reader = Reader {
        columns,
        prefix: settings.mrn_prefix.clone(),
        next_seq: 0,
        today: crate::domain::clock::local_date(settings.time_zone, now),
        date_pattern: settings.date_pattern(),
        by_key: HashMap::new(),
        by_phone: HashMap::new(),
        by_mrn: HashMap::new(),
        on_file: if has_mrn {
            patients::legacy_lookup(db.path())?
        } else {
            None
        },
        skip_invalid,
        any_invalid: false,
    };
    let cache_before: i64 = db
        .conn()
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .map_err(StoreError::from)?;
    db.conn()
        .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)
        .map_err(StoreError::from)?;
    // Statement journals (each insert of many rows keeps one) and the sorts
    // that build the indexes stay in memory instead of a temporary file.
    db.conn()
        .pragma_update(None, "temp_store", "MEMORY")
        .map_err(StoreError::from)?;
    let hospital_file = db.path().to_path_buf();
    // Published once the write lock is held, and removed when the import
    // has ended (committed, refused or failed) as the publisher is dropped.
    let mut progress: Option<Publisher> = None;
    let result = db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::RegisterPatients, "import patients")?;
        match Publisher::start(
            &hospital_file,
            ImportProgress::starting(&by.user.user_name, now, size),
        ) {
            Ok(p) => progress = Some(p),
            Err(e) => {
                tracing::warn!(error = %e, "could not publish the import's progress: other terminals' changes may give up as busy");
            }
        }
        let report = write_rows(tx, reader, csv, by, skip_invalid, now, progress.as_mut())?;
        let mut summary = format!(
            "imported {} from {source}",
            plural(report.imported, "patient", "patients")
        );
        let mut notes = Vec::new();
        if !report.invalid.is_empty() {
            notes.push(format!(
                "{} skipped",
                plural(report.invalid.len() as u64, "invalid row", "invalid rows")
            ));
        }
        if !report.already_on_file.is_empty() {
            notes.push(format!(
                "{} already on file skipped",
                plural(report.already_on_file.len() as u64, "row", "rows")
            ));
        }
        if !report.duplicates.is_empty() {
            notes.push(plural(
                report.duplicates.len() as u64,
                "possible duplicate",
                "possible duplicates",
            ));
        }
        if !notes.is_empty() {
            summary.push_str(&format!(" ({})", notes.join(", ")));
        }
        let event = AuditEvent::new(AuditAction::Import, "patient", summary);
        Ok((report, vec![event]))
    });
    drop(progress);
    let restored = db
        .conn()
        .pragma_update(None, "cache_size", cache_before)
        .and_then(|()| db.conn().pragma_update(None, "temp_store", "DEFAULT"))
        .map_err(StoreError::from);
    match result {
        Ok(mut report) => {
            restored?;
            report.committed = true;
            Ok(report)
        }
        Err(Abort::Refused(report)) => {
            restored?;
            Ok(*report)
        }
        Err(Abort::Failed(e)) => Err(e),
    }
}

/// Reads the rows on a second thread and writes them on this one.
fn write_rows<R: Read + Send>(
    tx: &Transaction,
    mut reader: Reader,
    csv: csv::Reader<LineCounter<R>>,
    by: &Session,
    skip_invalid: bool,
    now: DateTime<Utc>,
    mut progress: Option<&mut Publisher>,
) -> Result<ImportReport, Abort> {
    // The sequence numbers the rows take: allocated for good once their
    // count is known (nobody else can take any meanwhile: this
    // transaction holds the write lock).
    let first_seq: i64 = tx
        .query_row("SELECT next FROM patient_counter WHERE id = 1", [], |r| {
            r.get(0)
        })
        .map_err(StoreError::from)?;
    reader.next_seq = first_seq;
    let any_existing: bool = tx
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM patients WHERE deleted_at IS NULL AND merged_into IS NULL)",
            [],
            |r| r.get(0),
        )
        .map_err(StoreError::from)?;
    // Into a table with no patients in use there is nothing to compare
    // with, and building the secondary indexes once at the end is much
    // faster than growing them row by row.
    let rebuild = if any_existing {
        Vec::new()
    } else {
        drop_secondary_indexes(tx, reader.columns.contains(&Column::Mrn))?
    };
    let at = format_ts(now);
    let user_id = Some(by.user.id.as_str());
    let (send, receive): (SyncSender<Batch>, Receiver<Batch>) = sync_channel(QUEUED_BATCHES);
    let mut report = ImportReport::default();
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || reader.run(csv, send));
        let written = (|| {
            for batch in &receive {
                report.invalid.extend(batch.invalid);
                report.duplicates.extend(batch.duplicates);
                report.already_on_file.extend(batch.already_on_file);
                let rows_read = (report.invalid.len() + report.already_on_file.len()) as u64
                    + report.valid
                    + batch.rows.len() as u64;
                if let Some(p) = progress.as_mut() {
                    p.update(rows_read, batch.bytes);
                }
                let mut new = Vec::with_capacity(batch.rows.len());
                for row in batch.rows {
                    report.valid += 1;
                    if any_existing {
                        existing_matches(tx, &row, first_seq, &mut report.duplicates)?;
                    }
                    if skip_invalid || report.invalid.is_empty() {
                        new.push(row.patient);
                    }
                }
                patients::insert_patients(tx, &new, &at, user_id)?;
                report.imported += new.len() as u64;
                if let Some(names) = batch.names
                    && (skip_invalid || report.invalid.is_empty())
                {
                    names.write(tx)?;
                }
            }
            Ok::<_, Abort>(())
        })();
        // Stop the reader (if it still runs) before waiting for it.
        drop(receive);
        let read = reading.join().map_err(|_| {
            Error::BadFile("reading the file stopped unexpectedly: import it again".into())
        })?;
        written?;
        read?;
        Ok::<_, Abort>(())
    })?;
    report.duplicates.sort_by_key(|n| n.line);
    if !skip_invalid && !report.invalid.is_empty() {
        report.imported = 0;
        return Err(Abort::Refused(Box::new(report)));
    }
    for sql in rebuild {
        tx.execute_batch(&sql).map_err(StoreError::from)?;
    }
    if report.imported > 0 {
        let taken = patients::allocate_seqs(tx, report.imported as i64)?;
        if taken != first_seq {
            return Err(Abort::Failed(Error::Refused(
                "another terminal registered patients during the import: import the file again"
                    .into(),
            )));
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_checked() {
        let header = csv::StringRecord::from(vec!["\u{feff}MRN", " given_name ", "sex"]);
        assert_eq!(
            columns(&header).unwrap(),
            [
                Column::Mrn,
                Column::Field(Field::GivenName),
                Column::Field(Field::Sex)
            ]
        );
        let e = columns(&csv::StringRecord::from(vec!["given_name", "shoe_size"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("shoe_size") && e.contains("family_name"), "{e}");
        let e = columns(&csv::StringRecord::from(vec!["sex", "Sex"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("twice"), "{e}");
    }
}
