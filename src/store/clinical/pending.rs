//! What the worklist asks of many patients at once, one query per question
//! for the rows it shows (vitals taken, notes left unsigned, diagnoses,
//! allergy states, birth dates) rather than several queries per row. Each
//! answers exactly what its per-patient sibling in `vitals`, `visits` and
//! `conditions` answers.
//!
//! The patients are passed as one JSON array bound to `json_each`, so the
//! statement is prepared once whatever the list's length.

use super::opt_date;
use super::visits::{Visit, visits_where};
use crate::domain::conditions::AllergyState;
use crate::domain::ids::Id;
use crate::domain::patient::full_name;
use crate::domain::time::format_ts;
use crate::store::StoreError;
use crate::store::beds::PatientTag;
use crate::store::clinical::json_ids;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};
use std::collections::{HashMap, HashSet};

fn id_set(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<HashSet<Id>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(p, |r| r.get::<_, String>(0))?;
    let mut out = HashSet::new();
    for r in rows {
        out.insert(Id::from_stored(r?));
    }
    Ok(out)
}

/// Those of `patients` with a standing vitals set taken in `[from, to)`
/// (as [`super::vitals::taken_between`] for each).
pub fn vitals_taken_between(
    conn: &Connection,
    patients: &[Id],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashSet<Id>, StoreError> {
    id_set(
        conn,
        "SELECT j.value FROM json_each(?1) j
         WHERE EXISTS (SELECT 1 FROM vitals WHERE patient_id = j.value AND taken_at >= ?2
                       AND taken_at < ?3 AND error_at IS NULL)",
        params![json_ids(patients), format_ts(from), format_ts(to)],
    )
}

/// The visits of `clinician` started in `[from, to)`, in the order they
/// started (as [`super::visits::visits_between`] gives a patient's).
pub fn visits_of_clinician_between(
    conn: &Connection,
    clinician: &Id,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Visit>, StoreError> {
    visits_where(
        conn,
        "WHERE v.clinician_id = ?1 AND v.started_at >= ?2 AND v.started_at < ?3
         ORDER BY v.started_at",
        params![clinician.as_str(), format_ts(from), format_ts(to)],
    )
}

/// Those of `visits` whose note is missing or not signed.
pub fn unsigned_visits(conn: &Connection, visits: &[Id]) -> Result<HashSet<Id>, StoreError> {
    id_set(
        conn,
        "SELECT j.value FROM json_each(?1) j
         WHERE NOT EXISTS (SELECT 1 FROM visit_notes n
                           WHERE n.visit_id = j.value AND n.signed_at IS NOT NULL)",
        [json_ids(visits)],
    )
}

/// Those of `visits` with a standing diagnosis.
pub fn diagnosed_visits(conn: &Connection, visits: &[Id]) -> Result<HashSet<Id>, StoreError> {
    id_set(
        conn,
        "SELECT j.value FROM json_each(?1) j
         WHERE EXISTS (SELECT 1 FROM diagnoses WHERE visit_id = j.value AND error_at IS NULL)",
        [json_ids(visits)],
    )
}

/// Those of the patients with a standing diagnosis recorded in
/// `[from, to)`, each with their own `from` (as
/// [`super::conditions::diagnosed_between`] for each).
pub fn diagnosed_between(
    conn: &Connection,
    patients: &[(Id, DateTime<Utc>)],
    to: DateTime<Utc>,
) -> Result<HashSet<Id>, StoreError> {
    let pairs: Vec<serde_json::Value> = patients
        .iter()
        .map(|(id, from)| serde_json::json!([id.as_str(), format_ts(*from)]))
        .collect();
    id_set(
        conn,
        "SELECT json_extract(j.value, '$[0]') FROM json_each(?1) j
         WHERE EXISTS (SELECT 1 FROM diagnoses
                       WHERE patient_id = json_extract(j.value, '$[0]')
                         AND recorded_at >= json_extract(j.value, '$[1]')
                         AND recorded_at < ?2 AND error_at IS NULL)",
        params![serde_json::Value::from(pairs).to_string(), format_ts(to)],
    )
}

/// The allergy state of each of `patients` (as the banner of
/// `ops::record::allergy_banner` states it).
pub fn allergy_states(
    conn: &Connection,
    patients: &[Id],
) -> Result<HashMap<Id, AllergyState>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT j.value,
                EXISTS (SELECT 1 FROM allergies WHERE patient_id = j.value AND error_at IS NULL),
                EXISTS (SELECT 1 FROM no_known_allergies WHERE patient_id = j.value)
         FROM json_each(?1) j",
    )?;
    let rows = stmt.query_map([json_ids(patients)], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, bool>(1)?,
            r.get::<_, bool>(2)?,
        ))
    })?;
    let mut out = HashMap::new();
    for r in rows {
        let (id, allergic, no_known) = r?;
        out.insert(
            Id::from_stored(id),
            AllergyState::of(usize::from(allergic), no_known),
        );
    }
    Ok(out)
}

/// The tag (MRN, name, sex) and birth date of those of `patients` in the
/// file.
pub fn patient_tags(
    conn: &Connection,
    patients: &[Id],
) -> Result<HashMap<Id, (PatientTag, Option<NaiveDate>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.mrn, p.given_name, p.middle_name, p.family_name, p.sex, p.birth_date
         FROM json_each(?1) j JOIN patients p ON p.id = j.value",
    )?;
    let rows = stmt.query_map([json_ids(patients)], |r| {
        let tag = PatientTag {
            id: Id::from_stored(r.get(0)?),
            mrn: r.get(1)?,
            name: full_name(
                &r.get::<_, String>(2)?,
                &r.get::<_, String>(3)?,
                &r.get::<_, String>(4)?,
            ),
            sex: super::parsed(r, 5, "sex")?,
        };
        Ok((tag, opt_date(r, 6)?))
    })?;
    let mut out = HashMap::new();
    for r in rows {
        let (tag, born) = r?;
        out.insert(tag.id.clone(), (tag, born));
    }
    Ok(out)
}
