//! The merge records (`patient_merges`, `patient_merge_moves`): what each
//! merge of two patients changed, so that an administrator can undo it.
//! A record keeps both patients' values before the merge, both versions
//! right after it, and the id of every row the merge moved from the other
//! record to the survivor; undoing it moves exactly those rows back.

use super::StoreError;
use super::patients::{self, Stamp};
use crate::domain::ids::Id;
use crate::domain::patient::{PatientDetails, Sex};
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::{Value, json};

const DATE: &str = "%Y-%m-%d";

/// The kinds of rows that point at a patient and follow a merge, with the
/// SQL that lists the ones pointing at a patient (`?1`).
const KINDS: [(Kind, &str); 5] = [
    (
        Kind::Appointment,
        "SELECT id FROM appointments WHERE patient_id = ?1",
    ),
    (
        Kind::Admission,
        "SELECT id FROM admissions WHERE patient_id = ?1",
    ),
    (
        Kind::BedReservation,
        "SELECT id FROM beds WHERE reserved_for = ?1",
    ),
    (Kind::Account, "SELECT id FROM users WHERE patient_id = ?1"),
    (
        Kind::MergedRecord,
        "SELECT id FROM patients WHERE merged_into = ?1",
    ),
];

/// A kind of row a merge moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    Appointment,
    Admission,
    BedReservation,
    /// A patient's own (portal) account.
    Account,
    /// A record merged into the other earlier, which now points at the
    /// survivor.
    MergedRecord,
}

/// Moves one row a merge moved back from the survivor to the other
/// record, if it still points at the survivor.
fn move_back(
    tx: &Transaction,
    m: &MergeRecord,
    kind: Kind,
    id: &Id,
    at: &str,
    by: Option<&str>,
) -> Result<(), StoreError> {
    let (other, survivor, id) = (m.other.as_str(), m.survivor.as_str(), id.as_str());
    match kind {
        Kind::Appointment => tx.execute(
            "UPDATE appointments SET patient_id = ?1, updated_at = ?4, updated_by = ?5,
                    version = version + 1
             WHERE id = ?3 AND patient_id = ?2",
            params![other, survivor, id, at, by],
        ),
        Kind::Admission => tx.execute(
            "UPDATE admissions SET patient_id = ?1 WHERE id = ?3 AND patient_id = ?2",
            params![other, survivor, id],
        ),
        Kind::BedReservation => tx.execute(
            "UPDATE beds SET reserved_for = ?1, version = version + 1
             WHERE id = ?3 AND reserved_for = ?2",
            params![other, survivor, id],
        ),
        Kind::Account => tx.execute(
            "UPDATE users SET patient_id = ?1, updated_at = ?4, version = version + 1
             WHERE id = ?3 AND patient_id = ?2",
            params![other, survivor, id, at],
        ),
        Kind::MergedRecord => tx.execute(
            "UPDATE patients SET merged_into = ?1 WHERE id = ?3 AND merged_into = ?2",
            params![other, survivor, id],
        ),
    }?;
    Ok(())
}

/// The rows a merge moved, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moved {
    pub rows: Vec<(Kind, Id)>,
}

impl Moved {
    /// The ids of one kind.
    pub fn of(&self, kind: Kind) -> Vec<&Id> {
        self.rows
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| id)
            .collect()
    }
}

/// Every row that points at `patient` now: taken before a merge moves
/// them, then narrowed by [`still_moved`].
pub fn attached_to(conn: &Connection, patient: &Id) -> Result<Moved, StoreError> {
    let mut rows = Vec::new();
    for (kind, sql) in KINDS {
        let mut stmt = conn.prepare_cached(sql)?;
        let ids = stmt.query_map([patient.as_str()], |r| r.get::<_, String>(0))?;
        for id in ids {
            rows.push((kind, Id::from_stored(id?)));
        }
    }
    Ok(Moved { rows })
}

/// Of the rows that pointed at the other record, those pointing at the
/// survivor now: what the merge moved, whichever module moved them.
pub fn still_moved(conn: &Connection, before: &Moved, survivor: &Id) -> Result<Moved, StoreError> {
    let now = attached_to(conn, survivor)?;
    Ok(Moved {
        rows: before
            .rows
            .iter()
            .filter(|r| now.rows.contains(r))
            .cloned()
            .collect(),
    })
}

/// One merge, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeRecord {
    pub id: Id,
    pub survivor: Id,
    pub other: Id,
    pub merged_at: DateTime<Utc>,
    pub merged_by: Option<String>,
    pub reason: String,
    pub survivor_before: PatientDetails,
    pub other_before: PatientDetails,
    pub survivor_version: i64,
    pub other_version: i64,
    /// The sequence number of the merge's last audit event.
    pub audit_seq: i64,
    pub moved: Moved,
    pub undone_at: Option<DateTime<Utc>>,
}

fn details_json(d: &PatientDetails) -> String {
    json!({
        "given_name": d.given_name,
        "middle_name": d.middle_name,
        "family_name": d.family_name,
        "birth_date": d.birth_date.format(DATE).to_string(),
        "birth_date_estimated": d.birth_date_estimated,
        "sex": <&str>::from(d.sex),
        "phone": d.phone,
        "email": d.email,
        "address_line1": d.address_line1,
        "address_line2": d.address_line2,
        "city": d.city,
        "region": d.region,
        "postal_code": d.postal_code,
        "country": d.country,
        "national_id": d.national_id,
        "emergency_name": d.emergency_name,
        "emergency_relation": d.emergency_relation,
        "emergency_phone": d.emergency_phone,
        "insurance_provider": d.insurance_provider,
        "insurance_policy": d.insurance_policy,
        "insurance_valid_until": d.insurance_valid_until.map(|v| v.format(DATE).to_string()),
        "notes": d.notes,
    })
    .to_string()
}

fn details_from(text: &str) -> Result<PatientDetails, StoreError> {
    let bad = || {
        StoreError::Conflict(
            "a merge record's saved values cannot be read: run `wardline check` and keep a backup"
                .into(),
        )
    };
    let v: Value = serde_json::from_str(text).map_err(|_| bad())?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let date = |k: &str| NaiveDate::parse_from_str(&s(k), DATE).ok();
    Ok(PatientDetails {
        given_name: s("given_name"),
        middle_name: s("middle_name"),
        family_name: s("family_name"),
        birth_date: date("birth_date").ok_or_else(bad)?,
        birth_date_estimated: v
            .get("birth_date_estimated")
            .and_then(Value::as_bool)
            .ok_or_else(bad)?,
        sex: s("sex").parse::<Sex>().map_err(|_| bad())?,
        phone: s("phone"),
        email: s("email"),
        address_line1: s("address_line1"),
        address_line2: s("address_line2"),
        city: s("city"),
        region: s("region"),
        postal_code: s("postal_code"),
        country: s("country"),
        national_id: s("national_id"),
        emergency_name: s("emergency_name"),
        emergency_relation: s("emergency_relation"),
        emergency_phone: s("emergency_phone"),
        insurance_provider: s("insurance_provider"),
        insurance_policy: s("insurance_policy"),
        insurance_valid_until: date("insurance_valid_until"),
        notes: s("notes"),
    })
}

/// Writes the record of a merge just made and the rows it moved.
pub fn insert(tx: &Transaction, m: &MergeRecord) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO patient_merges (id, survivor_id, other_id, merged_at, merged_by, reason,
                survivor_before, other_before, survivor_version, other_version, audit_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            m.id.as_str(),
            m.survivor.as_str(),
            m.other.as_str(),
            format_ts(m.merged_at),
            m.merged_by,
            m.reason,
            details_json(&m.survivor_before),
            details_json(&m.other_before),
            m.survivor_version,
            m.other_version,
            m.audit_seq
        ],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO patient_merge_moves (merge_id, kind, row_id) VALUES (?1, ?2, ?3)",
    )?;
    for (kind, id) in &m.moved.rows {
        stmt.execute(params![m.id.as_str(), <&str>::from(*kind), id.as_str()])?;
    }
    Ok(())
}

const RECORD_COLUMNS: &str = "id, survivor_id, other_id, merged_at,
    (SELECT user_name FROM users WHERE users.id = merged_by), reason, survivor_before,
    other_before, survivor_version, other_version, undone_at, audit_seq";

fn read(conn: &Connection, sql: &str, patient: &Id) -> Result<Option<MergeRecord>, StoreError> {
    let row = conn
        .query_row(sql, [patient.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, Option<String>>(10)?,
                r.get::<_, i64>(11)?,
            ))
        })
        .optional()?;
    let Some((id, survivor, other, at, by, reason, sb, ob, sv, ov, undone, audit_seq)) = row else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT kind, row_id FROM patient_merge_moves WHERE merge_id = ?1 ORDER BY kind, row_id",
    )?;
    let mut rows = Vec::new();
    for r in stmt.query_map([&id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (kind, row) = r?;
        let kind = kind.parse::<Kind>().map_err(|_| {
            StoreError::Conflict(format!(
                "a merge record lists a moved row of unknown kind {kind:?}: run `wardline check`"
            ))
        })?;
        rows.push((kind, Id::from_stored(row)));
    }
    Ok(Some(MergeRecord {
        id: Id::from_stored(id),
        survivor: Id::from_stored(survivor),
        other: Id::from_stored(other),
        merged_at: parse_ts(&at).unwrap_or_default(),
        merged_by: by,
        reason,
        survivor_before: details_from(&sb)?,
        other_before: details_from(&ob)?,
        survivor_version: sv,
        other_version: ov,
        audit_seq,
        moved: Moved { rows },
        undone_at: undone.as_deref().and_then(parse_ts),
    }))
}

/// The merge that is not undone and that merged `patient` away, if any.
pub fn live_merging_away(
    conn: &Connection,
    patient: &Id,
) -> Result<Option<MergeRecord>, StoreError> {
    read(
        conn,
        &format!(
            "SELECT {RECORD_COLUMNS} FROM patient_merges WHERE other_id = ?1 AND undone_at IS NULL"
        ),
        patient,
    )
}

/// The latest merge into `patient` that is not undone, if any.
pub fn latest_live_into(
    conn: &Connection,
    patient: &Id,
) -> Result<Option<MergeRecord>, StoreError> {
    read(
        conn,
        &format!(
            "SELECT {RECORD_COLUMNS} FROM patient_merges WHERE survivor_id = ?1 AND undone_at IS NULL
             ORDER BY merged_at DESC, rowid DESC LIMIT 1"
        ),
        patient,
    )
}

/// The last sequence number of the audit trail: the merge's events follow it.
pub fn audit_head(conn: &Connection) -> Result<i64, StoreError> {
    Ok(
        conn.query_row("SELECT coalesce(max(seq), 0) FROM audit_log", [], |r| {
            r.get(0)
        })?,
    )
}

/// The first event after the merge that changed something of either
/// record (reads, searches, exports and broken glass change nothing): its
/// time, who, and what.
pub fn first_change_after(
    conn: &Connection,
    m: &MergeRecord,
) -> Result<Option<(DateTime<Utc>, String, String)>, StoreError> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT at, actor_name, summary FROM audit_log
             WHERE seq > ?1 AND patient_id IN (?2, ?3)
               AND action NOT IN ('READ', 'SEARCH', 'EXPORT', 'BREAK_GLASS')
             ORDER BY seq LIMIT 1",
            params![m.audit_seq, m.survivor.as_str(), m.other.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.map(|(at, by, what)| (parse_ts(&at).unwrap_or_default(), by, what)))
}

/// When a patient's record last changed and who changed it (their full
/// name, or their user name when it has none).
pub fn last_change(
    conn: &Connection,
    patient: &Id,
) -> Result<(DateTime<Utc>, Option<String>), StoreError> {
    let (at, by): (String, Option<String>) = conn.query_row(
        "SELECT p.updated_at, COALESCE(NULLIF(u.full_name, ''), u.user_name)
         FROM patients p LEFT JOIN users u ON u.id = p.updated_by WHERE p.id = ?1",
        [patient.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((parse_ts(&at).unwrap_or_default(), by))
}

/// Undoes a merge in the file: the survivor's values as they were before
/// it, the other record back in use, every moved row that still points at
/// the survivor back on the other record, and the record stamped undone.
/// The caller has checked that neither record changed since the merge.
pub fn undo(tx: &Transaction, m: &MergeRecord, stamp: &Stamp) -> Result<(), StoreError> {
    patients::update(
        tx,
        &m.survivor,
        m.survivor_version,
        &m.survivor_before,
        stamp,
    )?;
    let at = format_ts(stamp.at);
    let n = tx.execute(
        "UPDATE patients SET merged_into = NULL, merged_at = NULL, updated_at = ?3,
                updated_by = ?4, version = version + 1
         WHERE id = ?1 AND merged_into = ?2 AND version = ?5",
        params![
            m.other.as_str(),
            m.survivor.as_str(),
            at,
            stamp.user_id,
            m.other_version
        ],
    )?;
    if n != 1 {
        return Err(StoreError::Conflict(
            "the merged-away record was changed in another terminal: look at it again".into(),
        ));
    }
    let (deleted, seq): (bool, i64) = tx.query_row(
        "SELECT deleted_at IS NOT NULL, seq FROM patients WHERE id = ?1",
        [m.other.as_str()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if !deleted {
        patients::add_terms(tx, seq, &m.other_before)?;
    }
    for (kind, id) in &m.moved.rows {
        move_back(tx, m, *kind, id, &at, stamp.user_id)?;
    }
    let n = tx.execute(
        "UPDATE patient_merges SET undone_at = ?2, undone_by = ?3
         WHERE id = ?1 AND undone_at IS NULL",
        params![m.id.as_str(), at, stamp.user_id],
    )?;
    if n != 1 {
        return Err(StoreError::Conflict(
            "this merge was undone in another terminal meanwhile".into(),
        ));
    }
    Ok(())
}
