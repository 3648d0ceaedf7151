//! The reads only the patient portal needs: whether a patient's portal is
//! switched on, and the staff accesses to a patient's record that the
//! patient may see ("who opened my record").

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::time::parse_ts;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// Whether the patient's `portal_enabled` switch is on; `None` when no such
/// patient is in the file.
pub fn portal_enabled(conn: &Connection, patient: &Id) -> Result<Option<bool>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT portal_enabled FROM patients WHERE id = ?1")?;
    Ok(stmt
        .query_row([patient.as_str()], |r| r.get::<_, bool>(0))
        .optional()?)
}

/// One access by a member of staff to a patient's record, as the audit
/// trail holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccess {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// As stored: `READ`, `SEARCH`, `EXPORT` or `BREAK_GLASS`.
    pub action: String,
    /// What was opened, as the audit trail names it (`clinical_record`).
    pub entity: String,
    /// As stored: `doctor`, `nurse`, …
    pub role: String,
    /// The account's full name now, or its user name when it has none (or
    /// the account is gone).
    pub name: String,
}

/// The actions a patient sees in the accounting of access to their record.
pub const ACCESS_ACTIONS: [&str; 4] = ["READ", "SEARCH", "EXPORT", "BREAK_GLASS"];

/// The patient and every record merged into it (directly or along a chain).
const MERGED: &str = "WITH RECURSIVE merged(id) AS (
         SELECT ?1
         UNION SELECT p.id FROM patients p JOIN merged ON p.merged_into = merged.id)";

const ACCESS_FROM: &str = "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
     WHERE a.patient_id IN (SELECT id FROM merged)
       AND a.action IN ('READ', 'SEARCH', 'EXPORT', 'BREAK_GLASS')
       AND a.actor_role IS NOT NULL AND a.actor_role <> 'patient'";

/// Staff accesses to the patient's record (and to the records merged into
/// it), newest first: `limit` of them after skipping `offset`. The
/// patient's own views (role `patient`) and events of no account are left
/// out. Reads through `audit_log_patient`.
pub fn staff_accesses(
    conn: &Connection,
    patient: &Id,
    limit: usize,
    offset: usize,
) -> Result<Vec<StaffAccess>, StoreError> {
    let sql = format!(
        "{MERGED} SELECT a.seq, a.at, a.action, a.entity, a.actor_role,
                CASE WHEN coalesce(u.full_name, '') <> '' THEN u.full_name ELSE a.actor_name END
         {ACCESS_FROM} ORDER BY a.seq DESC LIMIT ?2 OFFSET ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![patient.as_str(), limit as i64, offset as i64],
        |r| {
            let at: String = r.get(1)?;
            Ok(StaffAccess {
                seq: r.get(0)?,
                at: parse_ts(&at).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        1,
                        rusqlite::types::Type::Text,
                        "audit time".to_string().into(),
                    )
                })?,
                action: r.get(2)?,
                entity: r.get(3)?,
                role: r.get(4)?,
                name: r.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many staff accesses [`staff_accesses`] pages through.
pub fn staff_access_count(conn: &Connection, patient: &Id) -> Result<usize, StoreError> {
    let sql = format!("{MERGED} SELECT count(*) {ACCESS_FROM}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let n: i64 = stmt.query_row([patient.as_str()], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}
