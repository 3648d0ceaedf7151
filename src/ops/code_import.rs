//! `wardline import codes`: a hospital's own diagnosis code list (for
//! example WHO ICD-10) from a CSV or TSV file, and the way back to the
//! shipped ICD-10-CM.
//!
//! The first line names the columns: `code` and `description` (or `title`)
//! are needed, `billable` (1/0, yes/no, true/false) is optional, others are
//! ignored. Without `billable`, a code is billable when no other code of the
//! file extends it (a leaf: `A00.0`, not `A00`). The delimiter is a tab when
//! the first line holds one, else a semicolon when it holds one and no
//! comma, else a comma. Every row is checked first, named by its line; one
//! invalid row refuses the file and nothing is written. A valid file
//! replaces the hospital's list in one transaction with one IMPORT event.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::code_list::{NewCode, code_key, normalize_code, normalize_description};
use crate::domain::display::thousands;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::domain::time::format_ts;
use crate::error::{Error, Result};
use crate::ops::csv_file::{LineCounter, unescape_cell};
use crate::ops::import::LineNote;
use crate::store::Db;
use crate::store::code_lists::{self, ListInfo};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The system a list is named when `--system` is not given.
pub const DEFAULT_SYSTEM: &str = "ICD-10";
/// The longest system name.
const SYSTEM_MAX: usize = 40;

/// What `import codes` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeImport {
    /// Codes loaded (0 when refused).
    pub imported: usize,
    /// How many of them are billable.
    pub billable: usize,
    pub system: String,
    /// Columns of the file that were not read.
    pub ignored_columns: Vec<String>,
    /// Every invalid row, by line: any refuses the whole file.
    pub invalid: Vec<LineNote>,
    /// The hospital list it replaced: system and number of codes.
    pub replaced: Option<(String, i64)>,
}

/// What a column of the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Code,
    Description,
    Billable,
    Ignored,
}

fn column(name: &str) -> Column {
    match name {
        "code" => Column::Code,
        "description" | "title" => Column::Description,
        "billable" => Column::Billable,
        _ => Column::Ignored,
    }
}

/// The delimiter, from the first line of the file.
fn delimiter(bytes: &[u8]) -> u8 {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    if first.contains(&b'\t') {
        b'\t'
    } else if first.contains(&b';') && !first.contains(&b',') {
        b';'
    } else {
        b','
    }
}

/// A `billable` cell: empty means "decide from the list".
fn billable(cell: &str) -> std::result::Result<Option<bool>, String> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "1" | "yes" | "y" | "true" => Ok(Some(true)),
        "0" | "no" | "n" | "false" => Ok(Some(false)),
        other => Err(format!(
            "billable is {other:?}: write 1 or 0 (yes or no), or leave it empty"
        )),
    }
}

/// Checks a system name typed with `--system`.
pub fn check_system(system: &str) -> Result<String> {
    let system = system.trim();
    if system.is_empty() || system.chars().count() > SYSTEM_MAX || system.contains(char::is_control)
    {
        return Err(Error::Refused(format!(
            "the code system name {system:?} must be 1 to {SYSTEM_MAX} characters, e.g. ICD-10: give another with --system"
        )));
    }
    Ok(system.to_string())
}

/// A valid row, and its `billable` cell when it had one.
struct Row {
    code: NewCode,
    billable: Option<bool>,
}

/// Reads and checks every row of the file.
fn read_rows(bytes: &[u8], source: &str, report: &mut CodeImport) -> Result<Vec<Row>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::BadFile(format!(
            "{source} is empty: it needs a first line naming the columns (code and description) and one line per code"
        )));
    }
    let tab = delimiter(bytes) == b'\t';
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter(bytes))
        .quoting(!tab)
        .flexible(false)
        .from_reader(LineCounter::new(bytes));
    let header = csv.headers().map_err(|e| {
        Error::BadFile(format!(
            "{source}: could not read the first line ({e}): save the file as UTF-8 CSV or TSV whose first line names the columns"
        ))
    })?;
    let columns: Vec<Column> = header
        .iter()
        .map(|h| column(&h.trim_start_matches('\u{feff}').trim().to_lowercase()))
        .collect();
    for (needed, name) in [(Column::Code, "code"), (Column::Description, "description")] {
        match columns.iter().filter(|c| **c == needed).count() {
            1 => {}
            0 => {
                return Err(Error::BadFile(format!(
                    "{source} has no {name} column: its first line must name the columns, at least code and description (billable is optional)"
                )));
            }
            _ => {
                return Err(Error::BadFile(format!(
                    "{source} names the {name} column twice: keep one"
                )));
            }
        }
    }
    if columns.iter().filter(|c| **c == Column::Billable).count() > 1 {
        return Err(Error::BadFile(format!(
            "{source} names the billable column twice: keep one"
        )));
    }
    report.ignored_columns = header
        .iter()
        .zip(&columns)
        .filter(|(_, c)| **c == Column::Ignored)
        .map(|(h, _)| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut rows = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let read = csv.read_record(&mut record);
        let position = match &read {
            Ok(_) => record.position().cloned(),
            Err(e) => e.position().cloned(),
        };
        let line = match position {
            Some(p) => csv.get_mut().line_at(p.byte()),
            None => csv.position().line(),
        };
        match read {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "has {len} fields where the first line has {expected_len}: check this row's delimiters and quotes"
                    ),
                    csv::ErrorKind::Utf8 { .. } => {
                        "is not UTF-8 text: save the file as UTF-8".to_string()
                    }
                    _ => {
                        return Err(Error::BadFile(format!(
                            "{source} could not be read at line {line} ({e}): check that it is a complete CSV or TSV file"
                        )));
                    }
                };
                report.invalid.push(LineNote { line, message });
                continue;
            }
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut problems = Vec::new();
        let (mut code, mut description, mut bill) = (None, None, None);
        for (c, cell) in columns.iter().zip(record.iter()) {
            let cell = unescape_cell(cell);
            match c {
                Column::Code => match normalize_code(cell) {
                    Ok(v) => code = Some(v),
                    Err(e) => problems.push(e.to_string()),
                },
                Column::Description => match normalize_description(cell) {
                    Ok(v) => description = Some(v),
                    Err(e) => problems.push(e.to_string()),
                },
                Column::Billable => match billable(cell) {
                    Ok(v) => bill = v,
                    Err(e) => problems.push(e),
                },
                Column::Ignored => {}
            }
        }
        if let Some(code) = &code
            && let Some(first) = first_line.get(&code_key(code))
        {
            problems.push(format!(
                "the code {code} is already on line {first}: keep one"
            ));
        }
        match (code, description) {
            (Some(code), Some(description)) if problems.is_empty() => {
                first_line.insert(code_key(&code), line);
                rows.push(Row {
                    code: NewCode {
                        code,
                        description,
                        billable: false,
                    },
                    billable: bill,
                });
            }
            _ => report.invalid.push(LineNote {
                line,
                message: problems.join("; "),
            }),
        }
    }
    Ok(rows)
}

/// Decides `billable` where the file left it empty: a code is billable
/// when no other code of the list extends it.
fn settle_billable(rows: &mut [Row]) -> Vec<NewCode> {
    let mut keys: Vec<String> = rows.iter().map(|r| code_key(&r.code.code)).collect();
    keys.sort_unstable();
    let leaf = |key: &str| {
        let i = keys.partition_point(|k| k.as_str() <= key);
        keys.get(i).is_none_or(|next| !next.starts_with(key))
    };
    rows.iter_mut()
        .map(|r| {
            let mut c = std::mem::replace(
                &mut r.code,
                NewCode {
                    code: String::new(),
                    description: String::new(),
                    billable: false,
                },
            );
            c.billable = r.billable.unwrap_or_else(|| leaf(&code_key(&c.code)));
            c
        })
        .collect()
}

/// Loads a hospital's own code list of `system` from `bytes` (a CSV or TSV
/// file named `source`), replacing any list loaded before; searches use it
/// from then on. Administrators only. Refused, with nothing written, when
/// any row is invalid (the report lists them by line).
pub fn import_codes(
    db: &mut Db,
    by: &Session,
    bytes: &[u8],
    source: &str,
    system: &str,
    now: DateTime<Utc>,
) -> Result<CodeImport> {
    const DOING: &str = "load a code list";
    by.require(Permission::Administer, DOING)?;
    let system = check_system(system)?;
    let mut report = CodeImport {
        system: system.clone(),
        ..CodeImport::default()
    };
    let mut rows = read_rows(bytes, source, &mut report)?;
    if !report.invalid.is_empty() {
        return Ok(report);
    }
    if rows.is_empty() {
        return Err(Error::BadFile(format!(
            "{source} has no codes under its first line: add one line per code"
        )));
    }
    let codes = settle_billable(&mut rows);
    let list = ListInfo {
        version: Id::new().as_str().to_string(),
        system: system.clone(),
        source: source.to_string(),
        codes: codes.len() as i64,
        loaded_at: format_ts(now),
    };
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, DOING)?;
        let replaced = code_lists::replace(tx, &list, Some(by.user.id.as_str()), &codes)?;
        report.imported = codes.len();
        report.billable = codes.iter().filter(|c| c.billable).count();
        report.replaced = replaced.map(|r| (r.system, r.codes));
        let mut summary = format!(
            "code list {system} loaded from {source}: {} codes ({} billable)",
            thousands(report.imported as u64),
            thousands(report.billable as u64)
        );
        if let Some((old, n)) = &report.replaced {
            summary.push_str(&format!(
                ", replacing {old} ({} codes)",
                thousands(*n as u64)
            ));
        }
        let event =
            AuditEvent::new(AuditAction::Import, "code_list", summary).on(list.version.clone());
        Ok::<_, Error>((report, vec![event]))
    })
}

/// Removes the hospital's own list, so that searches use the shipped
/// ICD-10-CM again. Returns the list removed (system and number of codes),
/// or `None` when the shipped list was already in use (nothing is written).
pub fn use_shipped_codes(db: &mut Db, by: &Session) -> Result<Option<(String, i64)>> {
    const DOING: &str = "change the code list";
    by.require(Permission::Administer, DOING)?;
    if code_lists::info(db.conn())?.is_none() {
        return Ok(None);
    }
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, DOING)?;
        let Some(removed) = code_lists::clear(tx)? else {
            return Ok((None, Vec::new()));
        };
        let event = AuditEvent::new(
            AuditAction::Import,
            "code_list",
            format!(
                "code list {} ({} codes) removed: searches use the shipped {} again",
                removed.system,
                thousands(removed.codes as u64),
                super::codes::SHIPPED_SYSTEM
            ),
        )
        .on(removed.version.clone());
        Ok::<_, Error>((Some((removed.system, removed.codes)), vec![event]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_comes_from_the_first_line() {
        assert_eq!(delimiter(b"code\tdescription\nA00,x\n"), b'\t');
        assert_eq!(delimiter(b"code;description\n"), b';');
        assert_eq!(delimiter(b"code,description\n"), b',');
        assert_eq!(delimiter(b"code;description,x\n"), b',');
    }

    #[test]
    fn billable_is_read_or_left_to_the_list() {
        assert_eq!(billable(" Yes "), Ok(Some(true)));
        assert_eq!(billable("0"), Ok(Some(false)));
        assert_eq!(billable(""), Ok(None));
        assert!(billable("maybe").unwrap_err().contains("1 or 0"));
        let row = |code: &str, b: Option<bool>| Row {
            code: NewCode {
                code: code.into(),
                description: "x".into(),
                billable: false,
            },
            billable: b,
        };
        let mut rows = vec![
            row("A00", None),
            row("A00.0", None),
            row("A01", None),
            row("B00.1", Some(false)),
        ];
        let settled: Vec<bool> = settle_billable(&mut rows)
            .iter()
            .map(|c| c.billable)
            .collect();
        assert_eq!(settled, [false, true, true, false]);
    }
}
