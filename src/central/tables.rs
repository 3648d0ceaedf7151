//! Which of a hospital file's tables the central store mirrors, read from
//! the file's own schema so that a table added by a later migration is
//! pushed unless it is named here as the hospital's alone.

use super::CentralError;
use rusqlite::Connection;

/// Tables that never leave the hospital, each with why.
pub const LOCAL_ONLY: &[(&str, &str)] = &[
    (
        "hospital",
        "its code and site id are the central store's hospitals row",
    ),
    ("hospital_secrets", "secrets stay with the hospital"),
    (
        "sessions",
        "sign-ins are in the audit trail, which is pushed",
    ),
    ("login_throttle", "a terminal's lock-out state"),
    ("patient_terms", "the file's own search index"),
    ("patient_name_pairs", "the file's own search index"),
    ("patient_counter", "the file's next MRN"),
    ("backups", "paths on the hospital's own disks"),
    (
        "code_list",
        "reference data the district loads itself; diagnoses carry their codes and text",
    ),
    (
        "code_list_entries",
        "reference data the district loads itself; diagnoses carry their codes and text",
    ),
    ("staff_ssh_keys", "how staff reach this hospital's server"),
    ("central_outbox", "where to look for changes, not a record"),
];

/// Columns of pushed tables that never leave the hospital.
pub const WITHHELD: &[(&str, &str)] = &[("users", "password_hash")];

/// A column's storage class, as the file's STRICT tables declare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Real,
    Text,
    Blob,
}

impl Kind {
    /// The central store's type for this class.
    pub fn postgres_type(self) -> &'static str {
        match self {
            Kind::Integer => "bigint",
            Kind::Real => "double precision",
            Kind::Text => "text",
            Kind::Blob => "bytea",
        }
    }
}

/// One pushed column.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One pushed table: its columns (less the withheld ones), which of them
/// make its key, and how its new rows are found.
#[derive(Debug, Clone)]
pub struct Mirror {
    pub name: String,
    pub columns: Vec<Column>,
    /// Indices into `columns`, in the key's order.
    pub key: Vec<usize>,
    /// New rows are found by rowid (rowids only grow); a table without
    /// rowids enters its new rows in the outbox instead.
    pub by_rowid: bool,
}

impl Mirror {
    /// The pushed columns, quoted, for a SELECT list.
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| quote(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The key's columns, quoted, in order.
    pub fn key_list(&self) -> String {
        self.key
            .iter()
            .map(|&i| quote(&self.columns[i].name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An identifier quoted for SQL (both engines quote alike).
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every pushed table of the file, by name.
pub fn mirrors(conn: &Connection) -> Result<Vec<Mirror>, CentralError> {
    let mut tables = conn.prepare(
        "SELECT name, sql FROM sqlite_master
          WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let tables = tables
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for (name, sql) in tables {
        if LOCAL_ONLY.iter().any(|(t, _)| *t == name) {
            continue;
        }
        let mut info = conn.prepare(&format!("PRAGMA table_info({})", quote(&name)))?;
        let rows = info
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut columns = Vec::new();
        let mut keyed = Vec::new();
        for (column, declared, pk) in rows {
            if WITHHELD.iter().any(|(t, c)| *t == name && *c == column) {
                continue;
            }
            if column.starts_with("central_") {
                return Err(CentralError::Schema(format!(
                    "column {name}.{column}: names beginning central_ are the central store's own \
                     (its search columns); rename the column in the hospital's schema"
                )));
            }
            let kind = match declared.to_ascii_uppercase().as_str() {
                "INTEGER" => Kind::Integer,
                "REAL" => Kind::Real,
                "TEXT" => Kind::Text,
                "BLOB" => Kind::Blob,
                other => {
                    return Err(CentralError::Schema(format!(
                        "column {name}.{column} is declared {other:?}, which the central store has no type for: \
                         name the table in central::tables::LOCAL_ONLY or give the column a STRICT type"
                    )));
                }
            };
            if pk > 0 {
                keyed.push((pk, columns.len()));
            }
            columns.push(Column { name: column, kind });
        }
        keyed.sort();
        let key: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
        if key.is_empty() {
            return Err(CentralError::Schema(format!(
                "table {name} has no primary key, so its rows cannot be told apart centrally: \
                 give it one or name it in central::tables::LOCAL_ONLY"
            )));
        }
        let by_rowid = !sql.to_ascii_uppercase().contains("WITHOUT ROWID");
        out.push(Mirror {
            name,
            columns,
            key,
            by_rowid,
        });
    }
    Ok(out)
}
