//! The medication administration record in SQL: each dose given, held,
//! refused or not available (and the corrections that name a record), read
//! by prescription, by span, by ward for the round, and for the export.

use super::*;

/// What a new administration record holds.
#[derive(Debug, Clone)]
pub struct NewAdministration<'a> {
    pub prescription: &'a Id,
    pub patient: &'a Id,
    pub due_at: Option<DateTime<Utc>>,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    pub by: &'a Id,
    pub reason: Option<&'a str>,
    pub prn_indication: Option<&'a str>,
    pub corrects: Option<(&'a Id, &'a str)>,
}

/// Appends an administration record.
pub fn insert_administration(
    tx: &Transaction,
    n: &NewAdministration,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO medication_administrations (id, prescription_id, patient_id, due_at, outcome,
             at, recorded_at, by_id, reason, prn_indication, corrects_id, correction_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id.as_str(),
            n.prescription.as_str(),
            n.patient.as_str(),
            n.due_at.map(format_ts),
            n.outcome.to_string(),
            format_ts(n.at),
            format_ts(now),
            n.by.as_str(),
            n.reason,
            n.prn_indication,
            n.corrects.map(|(c, _)| c.as_str()),
            n.corrects.map(|(_, r)| r),
        ],
    )?;
    Ok(id)
}

/// An administration record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Administration {
    pub id: Id,
    pub prescription_id: Id,
    pub patient_id: Id,
    pub due_at: Option<DateTime<Utc>>,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    pub reason: Option<String>,
    pub prn_indication: Option<String>,
    /// The record it corrects, and why.
    pub corrects: Option<(Id, String)>,
}

fn administration(r: &Row) -> rusqlite::Result<Administration> {
    let corrects = match r.get::<_, Option<String>>(10)? {
        Some(c) => Some((
            Id::from_stored(c),
            r.get::<_, Option<String>>(11)?.unwrap_or_default(),
        )),
        None => None,
    };
    Ok(Administration {
        id: Id::from_stored(r.get(0)?),
        prescription_id: Id::from_stored(r.get(1)?),
        patient_id: Id::from_stored(r.get(2)?),
        due_at: opt_ts(r, 3)?,
        outcome: parsed(r, 4, "outcome")?,
        at: ts(r, 5)?,
        recorded_at: ts(r, 6)?,
        by: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        reason: r.get(8)?,
        prn_indication: r.get(9)?,
        corrects,
    })
}

fn administrations(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Administration>, StoreError> {
    let sql = format!(
        "SELECT id, prescription_id, patient_id, due_at, outcome, at, recorded_at, {}, reason,
                prn_indication, corrects_id, correction_reason
         FROM medication_administrations {tail}",
        who("by_id")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, administration)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One administration record.
pub fn administration_by_id(
    conn: &Connection,
    id: &Id,
) -> Result<Option<Administration>, StoreError> {
    Ok(administrations(conn, "WHERE id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// A prescription's records of doses due in `[from, to)` and of PRN doses
/// given in it, corrections included, in the order recorded.
pub fn administrations_between(
    conn: &Connection,
    prescription: &Id,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Administration>, StoreError> {
    administrations(
        conn,
        "WHERE prescription_id = ?1
           AND ((due_at >= ?2 AND due_at < ?3) OR (due_at IS NULL AND at >= ?2 AND at < ?3))
         ORDER BY recorded_at, id",
        params![prescription.as_str(), format_ts(from), format_ts(to)],
    )
}

/// A prescription's records of doses given or recorded at `since` or
/// later, with every correction of the order (which may name them).
pub fn administrations_since(
    conn: &Connection,
    prescription: &Id,
    since: DateTime<Utc>,
) -> Result<Vec<Administration>, StoreError> {
    administrations(
        conn,
        "WHERE prescription_id = ?1 AND (at >= ?2 OR corrects_id IS NOT NULL)
         ORDER BY recorded_at, id",
        params![prescription.as_str(), format_ts(since)],
    )
}

/// An admitted patient of a ward, in bed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WardPatient {
    pub admission_id: Id,
    pub patient_id: Id,
    pub mrn: String,
    pub name: String,
    pub bed: String,
}

/// The patients admitted to a ward now, by bed label.
pub fn ward_patients(conn: &Connection, ward: &Id) -> Result<Vec<WardPatient>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.patient_id, pt.mrn, pt.given_name, pt.middle_name, pt.family_name, b.label
         FROM admissions a JOIN beds b ON b.id = a.bed_id JOIN patients pt ON pt.id = a.patient_id
         WHERE b.ward_id = ?1 AND a.discharged_at IS NULL
         ORDER BY b.label",
    )?;
    let rows = stmt.query_map([ward.as_str()], |r| {
        let names: [String; 3] = [r.get(3)?, r.get(4)?, r.get(5)?];
        Ok(WardPatient {
            admission_id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            mrn: r.get(2)?,
            name: crate::domain::patient::full_name(&names[0], &names[1], &names[2]),
            bed: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The records of scheduled doses due in `[from, to)` of those orders
/// (see [`active_orders_on_ward`]), corrections included, in the order
/// recorded: one query for the ward.
pub fn records_on_ward(
    conn: &Connection,
    ward: &Id,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Administration>, StoreError> {
    administrations(
        conn,
        "WHERE prescription_id IN (
             SELECT p.id FROM prescriptions p JOIN admissions a ON a.id = p.admission_id
             JOIN beds b ON b.id = a.bed_id
             WHERE b.ward_id = ?1 AND a.discharged_at IS NULL AND p.status = 'active')
           AND due_at >= ?2 AND due_at < ?3
         ORDER BY recorded_at, id",
        params![ward.as_str(), format_ts(from), format_ts(to)],
    )
}

/// The records of scheduled doses due in `[from, to)` of every active
/// order of an admission in a bed now, corrections included, in the order
/// recorded: one query for the whole hospital.
pub fn active_inpatient_records(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Administration>, StoreError> {
    administrations(
        conn,
        "WHERE prescription_id IN (
             SELECT p.id FROM prescriptions p JOIN admissions a ON a.id = p.admission_id
             WHERE a.discharged_at IS NULL AND p.status = 'active')
           AND due_at >= ?1 AND due_at < ?2
         ORDER BY recorded_at, id",
        params![format_ts(from), format_ts(to)],
    )
}

/// Every record of doses of a prescription, corrections included, in the
/// order recorded (for the FHIR export).
pub fn administrations_of(
    conn: &Connection,
    prescription: &Id,
) -> Result<Vec<Administration>, StoreError> {
    administrations(
        conn,
        "WHERE prescription_id = ?1 ORDER BY recorded_at, id",
        [prescription.as_str()],
    )
}
