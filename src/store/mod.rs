//! The hospital file: opening it safely, and the one path every write takes.
//!
//! Functions in the submodules take a `&Connection` (reads) or a `&Transaction`
//! (writes) and return domain types. Writes happen only inside [`Db::write`],
//! which opens a `BEGIN IMMEDIATE` transaction, runs the change, appends its
//! audit events and commits, all or nothing.

pub mod appointments;
pub mod audit;
pub mod audit_bulk;
pub mod audit_search;
pub mod backup;
pub mod beds;
pub mod billing;
pub mod bulk_insert;
pub mod clinical;
pub mod code_lists;
pub mod damage;
pub mod dispense_reversals;
pub mod formulary;
pub mod health;
pub mod import_progress;
pub mod lab;
pub mod lab_bulk;
pub mod lab_orders;
pub mod lab_record;
pub mod lab_reports;
pub mod migrations;
pub mod patient_accounts;
pub mod patient_merges;
pub mod patient_search;
pub mod patients;
pub mod pharmacy;
#[cfg(test)]
pub(crate) mod plans;
pub mod portal;
pub mod prescriptions;
pub mod prescriptions_bulk;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod ssh_keys;
pub mod users;
pub mod ward_staff;

use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::clock::{Clock, Tz};
use crate::domain::hospital::HospitalCode;
use crate::domain::settings::Settings;
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `PRAGMA application_id` of every wardline file: "WDLN".
pub const APPLICATION_ID: i32 = 0x5744_4C4E;

/// How long a write waits for another terminal's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// The write-ahead log size (in 4 KiB pages, about 40 MB) past which a
/// commit folds it into the file itself, when folding is deferred.
pub const WAL_PAGES_LIMIT: i64 = 10_000;

/// What can go wrong with a hospital file. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no hospital file at {}: create one with `wardline init` or `wardline demo`", .0.display())]
    Missing(PathBuf),
    #[error("{} already exists: choose another hospital code, or use the existing hospital", .0.display())]
    AlreadyExists(PathBuf),
    #[error("{} is not a wardline hospital file; it was left untouched. Check the path or the --hospital code", .0.display())]
    NotWardline(PathBuf),
    #[error(
        "{} was written by a newer wardline (schema version {found}; this program knows up to {supported}); it was left untouched. Install the newer wardline to open it",
        .path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{} is damaged ({detail}); it was left untouched. Restore it from a backup, and run `wardline check` for details",
        .path.display()
    )]
    Damaged { path: PathBuf, detail: String },
    #[error("the hospital file stayed busy with another terminal's change for too long: try again")]
    Busy,
    #[error(
        "{} has a write-ahead log beside it ({}-wal), so it is open in a program or was copied while open; it was left untouched. Close every wardline using it and try again, or make a copy with `wardline backup`",
        .0.display(), .0.display()
    )]
    InUse(PathBuf),
    #[error("{0}")]
    Conflict(String),
    #[error(
        "the hospital file is damaged ({0}): this terminal writes nothing more to it. Close wardline on every terminal, run `wardline check`, and restore the latest backup with `wardline restore`"
    )]
    DamagedInUse(String),
    #[error(
        "the disk is full: nothing of this change was saved. Free space on the disk that holds the hospital's data folder, then try again"
    )]
    DiskFull,
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("file error: {0}")]
    Io(std::io::Error),
}

/// A full disk is said in words whichever write met it.
impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> StoreError {
        match e.kind() {
            std::io::ErrorKind::StorageFull => StoreError::DiskFull,
            _ => StoreError::Io(e),
        }
    }
}

/// A corruption error, from whichever query met it, is recorded as damage
/// (see [`damage`]): the process writes nothing more. A busy file is said
/// in words.
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
                let detail = e.to_string();
                damage::record(&detail);
                StoreError::DamagedInUse(detail)
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    /// Turns SQLite's busy and corruption codes into their own variants.
    fn classify(e: rusqlite::Error, path: &Path) -> StoreError {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
                StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                }
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

/// What a terminal does to tell its user that a change of theirs waits for
/// another terminal's import (see [`Db::on_import_wait`]).
pub type ImportWaitHook = Box<dyn FnMut(&import_progress::ImportProgress) + Send>;

/// How often a change waiting for an import looks at its progress.
const IMPORT_POLL: Duration = Duration::from_millis(200);

/// An open hospital file.
pub struct Db {
    conn: Connection,
    path: PathBuf,
    code: HospitalCode,
    /// Whether this connection appended audit events after the last
    /// CHECKPOINT it appended (a command anchors them before it ends).
    unanchored: bool,
    import_wait: Option<ImportWaitHook>,
    /// How long this connection's writes waited to begin.
    write_waits: WriteWaits,
}

/// How long a connection's writes waited for the file (another terminal's
/// write holding it) before their `BEGIN IMMEDIATE` went through: what
/// `wardline bench --terminals` reports as a write's wait.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteWaits {
    /// Writes begun (or given up as busy).
    pub writes: u64,
    /// Their waits added up.
    pub total: Duration,
    /// The longest of them.
    pub longest: Duration,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Db {
    /// Opens an existing hospital file: checks that it is a wardline file the
    /// program can read before changing anything, then sets the pragmas and
    /// brings an older schema up to date in one transaction.
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        Self::open_with(path, migrations::MIGRATIONS)
    }

    /// [`Db::open`] with a given list of migrations (tests use their own).
    pub fn open_with(path: &Path, migrations: &[&str]) -> Result<Db, StoreError> {
        check_header(path)?;
        Self::connect(path, migrations)
    }

    /// Another connection to this hospital file, for another terminal served
    /// by the same process (the SSH server's sessions). The file is not
    /// opened outside SQLite again, as [`Db::open`] does to read its header
    /// first: closing such a handle would drop every SQLite lock the process
    /// holds on the file (POSIX locks belong to the process), and another
    /// process closing the file last would then delete the write-ahead log
    /// this one still uses.
    pub fn open_another(&self) -> Result<Db, StoreError> {
        Self::connect(&self.path, migrations::MIGRATIONS)
    }

    fn connect(path: &Path, migrations: &[&str]) -> Result<Db, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::classify(e, path))?;
        conn.busy_handler(Some(wait_while_busy))?;
        let read = |sql: &str| -> Result<i64, StoreError> {
            conn.query_row(sql, [], |r| r.get(0))
                .map_err(|e| StoreError::classify(e, path))
        };
        if read("PRAGMA application_id")? != i64::from(APPLICATION_ID) {
            return Err(StoreError::NotWardline(path.to_path_buf()));
        }
        let version = read("PRAGMA user_version")?;
        if version < 0 {
            return Err(StoreError::NotWardline(path.to_path_buf()));
        }
        let supported = migrations.len() as i64;
        if version > supported {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                supported,
            });
        }
        read("SELECT count(*) FROM sqlite_schema")?;
        apply_pragmas(&conn).map_err(|e| StoreError::classify(e, path))?;
        let mut conn = conn;
        let migrated = migrations::migrate(&mut conn, migrations).map_err(|e| match e {
            StoreError::Sqlite(e) => StoreError::classify(e, path),
            other => other,
        })?;
        let code: String = conn
            .query_row("SELECT code FROM hospital WHERE id = 1", [], |r| r.get(0))
            .map_err(|e| StoreError::classify(e, path))?;
        let code = code.parse().map_err(|_| StoreError::Damaged {
            path: path.to_path_buf(),
            detail: format!("its hospital code {code:?} is not valid"),
        })?;
        Ok(Db {
            conn,
            path: path.to_path_buf(),
            code,
            unanchored: migrated,
            import_wait: None,
            write_waits: WriteWaits::default(),
        })
    }

    /// Opens a hospital file (a backup being checked) for reading only,
    /// changing nothing in it or beside it: no `-wal` or `-shm` file is made
    /// and an older schema is read as it is, not migrated. Refused when a
    /// write-ahead log lies beside it, since what it holds would be ignored.
    pub fn open_read_only(path: &Path) -> Result<Db, StoreError> {
        check_header(path)?;
        if has_wal(path) {
            return Err(StoreError::InUse(path.to_path_buf()));
        }
        let uri = format!("file:{}?mode=ro&immutable=1", uri_path(path)?);
        Self::read_only(path, &uri)
    }

    /// Opens a hospital file to check it, writing nothing in it or beside
    /// it: a closed file as [`Db::open_read_only`] does (no `-shm` needed,
    /// so a file on a full disk or a read-only medium is checked too), a
    /// file terminals have open with its write-ahead log read as well.
    pub fn open_for_check(path: &Path) -> Result<Db, StoreError> {
        check_header(path)?;
        if !has_wal(path) {
            return Self::open_read_only(path);
        }
        let uri = format!("file:{}?mode=ro", uri_path(path)?);
        Self::read_only(path, &uri)
    }

    fn read_only(path: &Path, uri: &str) -> Result<Db, StoreError> {
        let conn = Connection::open_with_flags(
            uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::classify(e, path))?;
        let read = |sql: &str| -> Result<i64, StoreError> {
            conn.query_row(sql, [], |r| r.get(0))
                .map_err(|e| StoreError::classify(e, path))
        };
        if read("PRAGMA application_id")? != i64::from(APPLICATION_ID) {
            return Err(StoreError::NotWardline(path.to_path_buf()));
        }
        let version = read("PRAGMA user_version")?;
        if version < 0 {
            return Err(StoreError::NotWardline(path.to_path_buf()));
        }
        let supported = migrations::current_version();
        if version > supported {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                supported,
            });
        }
        read("SELECT count(*) FROM sqlite_schema")?;
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)
            .map_err(|e| StoreError::classify(e, path))?;
        let code: String = conn
            .query_row("SELECT code FROM hospital WHERE id = 1", [], |r| r.get(0))
            .map_err(|e| StoreError::classify(e, path))?;
        let code = code.parse().map_err(|_| StoreError::Damaged {
            path: path.to_path_buf(),
            detail: format!("its hospital code {code:?} is not valid"),
        })?;
        Ok(Db {
            conn,
            path: path.to_path_buf(),
            code,
            unanchored: false,
            import_wait: None,
            write_waits: WriteWaits::default(),
        })
    }

    /// Creates a new hospital file from `schema.sql`, refusing to overwrite.
    /// The file is made 0600 before anything is written to it.
    pub fn create(
        path: &Path,
        code: &HospitalCode,
        name: &str,
        zone: Tz,
    ) -> Result<Db, StoreError> {
        if let Some(dir) = path.parent() {
            crate::paths::create_private_dir(dir)?;
        }
        match crate::paths::create_private_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::AlreadyExists(path.to_path_buf()));
            }
            Err(e) => return Err(e.into()),
        }
        let result = Self::initialise(path, code, name, zone);
        if result.is_err() {
            let _ = std::fs::remove_file(path);
        }
        result
    }

    fn initialise(
        path: &Path,
        code: &HospitalCode,
        name: &str,
        zone: Tz,
    ) -> Result<Db, StoreError> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_handler(Some(wait_while_busy))?;
        apply_pragmas(&conn)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(migrations::SCHEMA)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", migrations::MIGRATIONS.len() as i64)?;
        tx.execute(
            "INSERT INTO hospital (id, code, created_at) VALUES (1, ?1, ?2)",
            (
                code.as_str(),
                crate::domain::time::format_ts(chrono::Utc::now()),
            ),
        )?;
        settings::save(&tx, &Settings::defaults(name, code.as_str(), zone))?;
        lab::load_shipped(&tx)?;
        audit::append(
            &tx,
            &Actor::system(),
            &[AuditEvent::new(
                crate::domain::audit::AuditAction::Create,
                "hospital",
                format!("hospital {code} created"),
            )
            .on(code.as_str())],
        )?;
        tx.commit()?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(Db {
            conn,
            path: path.to_path_buf(),
            code: code.clone(),
            unanchored: true,
            import_wait: None,
            write_waits: WriteWaits::default(),
        })
    }

    /// Registers how this terminal tells its user that a change waits for
    /// another terminal's import: called once when the wait begins and again
    /// as the import progresses (see [`import_progress::Told`]).
    pub fn on_import_wait(&mut self, hook: ImportWaitHook) {
        self.import_wait = Some(hook);
    }

    /// Waits while another terminal's import runs, telling the user through
    /// the hook; returns at once when none runs.
    fn wait_for_import(&mut self) {
        let mut told = import_progress::Told::default();
        while let Some(progress) = import_progress::running(&self.path) {
            if told.worth_telling(&progress)
                && let Some(hook) = self.import_wait.as_mut()
            {
                hook(&progress);
            }
            std::thread::sleep(IMPORT_POLL);
        }
    }

    /// The one write path: runs `change` inside `BEGIN IMMEDIATE`, appends the
    /// audit events it returns, and commits. Any error rolls everything back.
    ///
    /// While another terminal's import holds the file, the change waits for
    /// it to end, however long, instead of giving up as busy (see
    /// [`import_progress`]).
    pub fn write<T, E>(
        &mut self,
        actor: &Actor,
        change: impl FnOnce(&Transaction) -> Result<(T, Vec<AuditEvent>), E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        if let Some(detail) = damage::found() {
            return Err(E::from(StoreError::DamagedInUse(detail)));
        }
        let classify = |e: rusqlite::Error| E::from(StoreError::from(e));
        loop {
            self.wait_for_import();
            let began = std::time::Instant::now();
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate);
            let waited = began.elapsed();
            self.write_waits.writes += 1;
            self.write_waits.total += waited;
            self.write_waits.longest = self.write_waits.longest.max(waited);
            match tx {
                Ok(tx) => {
                    let (value, events) = change(&tx)?;
                    audit::append(&tx, actor, &events).map_err(E::from)?;
                    tx.commit().map_err(classify)?;
                    if let Some(last) = events.last() {
                        self.unanchored = last.action != AuditAction::Checkpoint;
                    }
                    return Ok(value);
                }
                Err(e) => {
                    let e = StoreError::from(e);
                    if !matches!(e, StoreError::Busy)
                        || import_progress::running(&self.path).is_none()
                    {
                        return Err(E::from(e));
                    }
                }
            }
        }
    }

    /// How long this connection's writes have waited to begin so far.
    pub fn write_waits(&self) -> WriteWaits {
        self.write_waits
    }

    /// Whether this connection has appended audit events (a sign-in, a
    /// read, a schema upgrade) since it last appended a CHECKPOINT: a
    /// command that ends with some writes a checkpoint for them.
    pub fn has_unanchored_events(&self) -> bool {
        self.unanchored
    }

    /// Leaves folding the write-ahead log into the file to
    /// [`Db::checkpoint_wal`], called by the terminal screen in a pause
    /// between keys, so that a commit does not wait for it. Past
    /// [`WAL_PAGES_LIMIT`] pages a commit still folds it itself.
    pub fn defer_wal_checkpoints(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", WAL_PAGES_LIMIT)?;
        Ok(())
    }

    /// Folds what other readers no longer need of the write-ahead log into the
    /// file, without waiting for any reader or writer.
    pub fn checkpoint_wal(&self) -> Result<(), StoreError> {
        if let Some(detail) = damage::found() {
            return Err(StoreError::DamagedInUse(detail));
        }
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn code(&self) -> &HospitalCode {
        &self.code
    }

    /// The hospital's current settings.
    pub fn settings(&self) -> Result<Settings, StoreError> {
        settings::load(&self.conn, &self.code)
    }

    /// The instant `now` as seen from this hospital, in its time zone.
    pub fn clock(&self, now: chrono::DateTime<chrono::Utc>) -> Result<Clock, StoreError> {
        Ok(Clock::new(now, self.settings()?.time_zone))
    }
}

/// Waits for another terminal's write in 1 ms steps, up to [`BUSY_TIMEOUT`].
///
/// SQLite's own busy timeout backs off to 100 ms sleeps, so a waiter almost
/// never lands in the microsecond gap between a busy writer's transactions
/// and can starve; short, even steps give every terminal its turn.
fn wait_while_busy(attempt: i32) -> bool {
    if u128::try_from(attempt).unwrap_or(0) >= BUSY_TIMEOUT.as_millis() {
        return false;
    }
    std::thread::sleep(Duration::from_millis(1));
    true
}

/// Each connection's page cache (KiB). SQLite's default of 2 MiB holds
/// fewer pages than one appointments day touches in a hospital of a million
/// patients (each appointment's patient is two random pages: the key and
/// the row), so paging between two days read every page from the file
/// again; 8 MiB keeps both days, and the cache grows only as pages are read.
const PAGE_CACHE_KIB: i64 = 8 * 1024;

fn apply_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode stayed {mode}"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)?;
    Ok(())
}

/// A path as an SQLite URI's path: the characters a URI gives meaning to
/// are escaped.
/// Whether a write-ahead log with something in it lies beside the file.
fn has_wal(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0)
}

fn uri_path(path: &Path) -> Result<String, StoreError> {
    let text = path.to_str().ok_or_else(|| StoreError::Damaged {
        path: path.to_path_buf(),
        detail: "its path is not valid UTF-8; rename or move it".to_string(),
    })?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Refuses anything that is not an SQLite file before SQLite opens it.
fn check_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        Err(e) => return Err(e.into()),
    };
    let mut magic = [0u8; 16];
    match f.read_exact(&mut magic) {
        Ok(()) if &magic == SQLITE_MAGIC => Ok(()),
        _ => Err(StoreError::NotWardline(path.to_path_buf())),
    }
}
