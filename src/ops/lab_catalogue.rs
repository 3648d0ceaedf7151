//! The laboratory's catalogue as staff use it: finding a test as one types
//! (by code, name or LOINC code), an admin changing a test's price or an
//! analyte's reference ranges and critical limits (with a reason, audited),
//! and `wardline import tests FILE`, which loads a hospital's own
//! catalogue in the shipped file's shape, all or nothing.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::lab::catalogue_file;
use crate::domain::lab::ranges::{format_ranges, parse_ranges};
use crate::domain::role::Permission;
use crate::domain::time::format_ts;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::lab;
pub use crate::store::lab::StoredTest;
use chrono::{DateTime, Utc};

/// How many tests a search shows.
pub const SHOWN: usize = 20;
/// The longest reason for a change.
const REASON_MAX: usize = 200;

/// Tests whose code, name, or an analyte's name or LOINC code holds
/// `text`; every test (up to [`SHOWN`]) for an empty text.
pub fn find(db: &Db, by: &Session, text: &str) -> Result<Vec<StoredTest>> {
    by.require(Permission::FindPatients, "see the laboratory catalogue")?;
    Ok(lab::find(db.conn(), text, SHOWN)?)
}

/// The test with this code.
pub fn test(db: &Db, by: &Session, code: &str) -> Result<StoredTest> {
    by.require(Permission::FindPatients, "see the laboratory catalogue")?;
    lab::by_code(db.conn(), code)?.ok_or_else(|| not_found(code))
}

fn not_found(code: &str) -> Error {
    Error::NotFound(format!(
        "the laboratory catalogue has no test {:?}: search by name or LOINC code to find its code",
        code.trim()
    ))
}

fn reason_of(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.chars().count() < 3 || reason.chars().count() > REASON_MAX {
        return Err(Error::Refused(format!(
            "give the reason for the change (3 to {REASON_MAX} characters), e.g. \"ranges of our analyser\""
        )));
    }
    Ok(reason.to_string())
}

/// Sets a test's price (minor units) as an admin, on the version the admin
/// saw; the reason goes into the audit trail.
pub fn change_price(
    db: &mut Db,
    by: &Session,
    code: &str,
    price: i64,
    version: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<StoredTest> {
    by.require(Permission::Administer, "change the laboratory catalogue")?;
    let reason = reason_of(reason)?;
    if price < 0 {
        return Err(Error::Refused(
            "a price is 0 or more, in minor units (cents): correct it".into(),
        ));
    }
    db.write(&by.actor(), |tx| {
        let before = lab::by_code(tx, code)?.ok_or_else(|| not_found(code))?;
        lab::check_version(tx, &before.id, version)?;
        lab::set_price(tx, &before.id, price, &format_ts(now))?;
        let event = AuditEvent::new(
            AuditAction::Update,
            "lab_test",
            format!(
                "lab test {}: price {} -> {price}; reason: {reason}",
                before.test.code, before.test.price
            ),
        )
        .on(before.id.as_str());
        let after = lab::by_code(tx, code)?.ok_or_else(|| not_found(code))?;
        Ok((after, vec![event]))
    })
}

/// New reference ranges and critical limits for one analyte of a test.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitsChange<'a> {
    pub analyte: &'a str,
    /// In the catalogue file's form: `M 18y..: 13.0..17.0 | F 18y..: 12.0..15.5`.
    pub ranges: &'a str,
    pub critical_low: Option<f64>,
    pub critical_high: Option<f64>,
}

/// Changes an analyte's reference ranges and critical limits as an admin,
/// on the version the admin saw; they are checked as an imported file's
/// would be, and the audit trail keeps the old and new values and the reason.
pub fn change_limits(
    db: &mut Db,
    by: &Session,
    code: &str,
    change: &LimitsChange,
    version: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<StoredTest> {
    by.require(Permission::Administer, "change the laboratory catalogue")?;
    let reason = reason_of(reason)?;
    let ranges = parse_ranges(change.ranges).map_err(Error::Refused)?;
    db.write(&by.actor(), |tx| {
        let before = lab::by_code(tx, code)?.ok_or_else(|| not_found(code))?;
        lab::check_version(tx, &before.id, version)?;
        let old = before
            .test
            .analyte(&change.analyte.trim().to_ascii_uppercase())
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "test {} has no analyte {:?}: its analytes are {}",
                    before.test.code,
                    change.analyte,
                    before
                        .test
                        .analytes
                        .iter()
                        .map(|a| a.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        let mut new = old.clone();
        new.ranges = ranges;
        new.critical_low = change.critical_low;
        new.critical_high = change.critical_high;
        new.check_limits().map_err(Error::Refused)?;
        lab::set_limits(tx, &before.id, &new, &format_ts(now))?;
        let limits = |l: Option<f64>, h: Option<f64>| {
            let end = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            format!("{}..{}", end(l), end(h))
        };
        let event = AuditEvent::new(
            AuditAction::Update,
            "lab_test",
            format!(
                "lab test {} {}: ranges [{}] -> [{}]; critical {} -> {}; reason: {reason}",
                before.test.code,
                new.code,
                format_ranges(&old.ranges),
                format_ranges(&new.ranges),
                limits(old.critical_low, old.critical_high),
                limits(new.critical_low, new.critical_high),
            ),
        )
        .on(before.id.as_str());
        let after = lab::by_code(tx, code)?.ok_or_else(|| not_found(code))?;
        Ok((after, vec![event]))
    })
}

/// What `import tests` did: the codes of the tests added and changed, and
/// how many were already as the file says. Tests the file leaves out are
/// kept as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestImport {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: usize,
}

/// Loads a hospital's own catalogue file (the shipped file's shape) as an
/// admin: every line is checked first and one bad line refuses the file,
/// naming each bad line and what to fix; a good file adds new tests and
/// replaces those with the same code, in one transaction with one IMPORT
/// event.
pub fn import_tests(
    db: &mut Db,
    by: &Session,
    bytes: &[u8],
    source: &str,
    now: DateTime<Utc>,
) -> Result<TestImport> {
    by.require(Permission::Administer, "load a laboratory catalogue")?;
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::BadFile(format!(
            "{source} is not UTF-8 text: save it as UTF-8 CSV and import it again"
        ))
    })?;
    let tests = catalogue_file::parse(text).map_err(|errors| {
        if let [whole] = errors.as_slice()
            && whole.line == 0
        {
            return Error::BadFile(format!("nothing was imported from {source}: {whole}"));
        }
        let n = errors.len();
        Error::BadFile(format!(
            "nothing was imported: {source} has {n} bad {}:\n{}\nCorrect {} and import the file again",
            if n == 1 { "line" } else { "lines" },
            errors
                .iter()
                .map(|e| format!("  {e}"))
                .collect::<Vec<_>>()
                .join("\n"),
            if n == 1 { "it" } else { "them" },
        ))
    })?;
    let changed_at = format_ts(now);
    db.write(&by.actor(), |tx| {
        let mut report = TestImport::default();
        for test in &tests {
            match lab::by_code(tx, &test.code)? {
                None => {
                    lab::insert_test(tx, test)?;
                    report.added.push(test.code.clone());
                }
                Some(stored) if stored.test == *test => report.unchanged += 1,
                Some(stored) => {
                    lab::replace_test(tx, &stored.id, test, &changed_at)?;
                    report.changed.push(test.code.clone());
                }
            }
        }
        let event = AuditEvent::new(
            AuditAction::Import,
            "lab_test",
            format!(
                "laboratory catalogue loaded from {source}: {} added, {} changed, {} unchanged",
                report.added.len(),
                report.changed.len(),
                report.unchanged
            ),
        );
        Ok((report, vec![event]))
    })
}
