//! The laboratory's catalogue in the file (`lab_tests`, `lab_analytes`,
//! `lab_ranges`): loading the shipped catalogue, reading tests back as
//! domain types, finding them as the user types, and changing them.
//! Nothing is deleted: a test or analyte no longer offered is inactive.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::lab::catalogue_file;
use crate::domain::lab::{AgeLimit, Analyte, LabTest, RefRange, ResultType};
use crate::domain::patient::Sex;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// A test as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTest {
    pub id: Id,
    /// Raised by every change; an edit names the version it was made on.
    pub version: i64,
    /// When an admin or an import last changed it; `None` as shipped.
    pub changed_at: Option<String>,
    pub test: LabTest,
}

/// Loads the shipped catalogue into a new or just-migrated hospital file.
pub fn load_shipped(tx: &Transaction) -> Result<(), StoreError> {
    let tests = catalogue_file::parse(catalogue_file::SHIPPED).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        StoreError::Conflict(format!(
            "the shipped laboratory catalogue is invalid ({}): this wardline build is broken; install a released one",
            list.join("; ")
        ))
    })?;
    for test in &tests {
        insert_test(tx, test)?;
    }
    Ok(())
}

/// Adds a test with its analytes and ranges; returns its id.
pub fn insert_test(tx: &Transaction, test: &LabTest) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.prepare_cached(
        "INSERT INTO lab_tests (id, code, name, specimen, price) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        id.as_str(),
        test.code,
        test.name,
        test.specimen,
        test.price
    ])?;
    for (position, analyte) in test.analytes.iter().enumerate() {
        insert_analyte(tx, &id, position, analyte)?;
    }
    Ok(id)
}

/// The columns of an analyte's result type.
struct TypeColumns {
    word: &'static str,
    decimals: Option<u8>,
    min: Option<f64>,
    max: Option<f64>,
    choices: Option<String>,
    abnormal: Option<String>,
}

fn type_columns(kind: &ResultType) -> TypeColumns {
    let none = TypeColumns {
        word: kind.word(),
        decimals: None,
        min: None,
        max: None,
        choices: None,
        abnormal: None,
    };
    match kind {
        ResultType::Number { decimals, min, max } => TypeColumns {
            decimals: Some(*decimals),
            min: Some(*min),
            max: Some(*max),
            ..none
        },
        ResultType::Choice { options, abnormal } => TypeColumns {
            choices: Some(options.join("|")),
            abnormal: (!abnormal.is_empty()).then(|| abnormal.join("|")),
            ..none
        },
        ResultType::Text => none,
    }
}

fn insert_analyte(
    tx: &Transaction,
    test_id: &Id,
    position: usize,
    a: &Analyte,
) -> Result<(), StoreError> {
    let id = Id::new();
    let t = type_columns(&a.kind);
    tx.prepare_cached(
        "INSERT INTO lab_analytes (id, test_id, position, code, name, loinc, unit, result_type,
             decimals, min_value, max_value, choices, abnormal, critical_low, critical_high)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        id.as_str(),
        test_id.as_str(),
        position as i64,
        a.code,
        a.name,
        a.loinc,
        a.unit,
        t.word,
        t.decimals,
        t.min,
        t.max,
        t.choices,
        t.abnormal,
        a.critical_low,
        a.critical_high
    ])?;
    insert_ranges(tx, &id, &a.ranges)
}

fn insert_ranges(tx: &Transaction, analyte_id: &Id, ranges: &[RefRange]) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO lab_ranges (analyte_id, position, sex, age_from, age_to, low, high)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (position, r) in ranges.iter().enumerate() {
        stmt.execute(params![
            analyte_id.as_str(),
            position as i64,
            r.sex.map(|s| format!("{s:?}")),
            r.from.map(|a| a.to_string()),
            r.to.map(|a| a.to_string()),
            r.low,
            r.high
        ])?;
    }
    Ok(())
}

/// Replaces what an existing test says with `test` (same code): its name,
/// specimen and price; analytes updated in place by code, new ones added,
/// those `test` leaves out made inactive; ranges replaced. The test is
/// active again, and its version raised.
pub fn replace_test(
    tx: &Transaction,
    id: &Id,
    test: &LabTest,
    changed_at: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE lab_tests SET name = ?2, specimen = ?3, price = ?4, active = 1,
             version = version + 1, changed_at = ?5 WHERE id = ?1",
    )?
    .execute(params![
        id.as_str(),
        test.name,
        test.specimen,
        test.price,
        changed_at
    ])?;
    tx.prepare_cached("UPDATE lab_analytes SET active = 0 WHERE test_id = ?1")?
        .execute([id.as_str()])?;
    for (position, a) in test.analytes.iter().enumerate() {
        let existing: Option<String> = tx
            .prepare_cached("SELECT id FROM lab_analytes WHERE test_id = ?1 AND code = ?2")?
            .query_row(params![id.as_str(), a.code], |r| r.get(0))
            .optional()?;
        let Some(analyte_id) = existing.map(Id::from_stored) else {
            insert_analyte(tx, id, position, a)?;
            continue;
        };
        let t = type_columns(&a.kind);
        tx.prepare_cached(
            "UPDATE lab_analytes SET position = ?2, name = ?3, loinc = ?4, unit = ?5,
                 result_type = ?6, decimals = ?7, min_value = ?8, max_value = ?9, choices = ?10,
                 abnormal = ?11, critical_low = ?12, critical_high = ?13, active = 1
             WHERE id = ?1",
        )?
        .execute(params![
            analyte_id.as_str(),
            position as i64,
            a.name,
            a.loinc,
            a.unit,
            t.word,
            t.decimals,
            t.min,
            t.max,
            t.choices,
            t.abnormal,
            a.critical_low,
            a.critical_high
        ])?;
        tx.prepare_cached("DELETE FROM lab_ranges WHERE analyte_id = ?1")?
            .execute([analyte_id.as_str()])?;
        insert_ranges(tx, &analyte_id, &a.ranges)?;
    }
    Ok(())
}

/// Refuses a change made on an older version of the test.
pub fn check_version(tx: &Transaction, id: &Id, version: i64) -> Result<(), StoreError> {
    let now: i64 = tx
        .prepare_cached("SELECT version FROM lab_tests WHERE id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))?;
    if now != version {
        return Err(StoreError::Conflict(
            "another terminal changed this test first: open it again to see its current values, then make the change".into(),
        ));
    }
    Ok(())
}

fn bad_column(i: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.into())
}

fn ranges_of(conn: &Connection, analyte_id: &str) -> Result<Vec<RefRange>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT sex, age_from, age_to, low, high FROM lab_ranges
         WHERE analyte_id = ?1 ORDER BY position",
    )?;
    let age = |i: usize, v: Option<String>| {
        v.map(|s| AgeLimit::parse(&s).map_err(|e| bad_column(i, e)))
            .transpose()
    };
    let rows = stmt.query_map([analyte_id], |r| {
        let sex: Option<String> = r.get(0)?;
        Ok(RefRange {
            sex: match sex.as_deref() {
                None => None,
                Some("M") => Some(Sex::M),
                Some("F") => Some(Sex::F),
                Some(other) => return Err(bad_column(0, format!("sex {other:?}"))),
            },
            from: age(1, r.get(1)?)?,
            to: age(2, r.get(2)?)?,
            low: r.get(3)?,
            high: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn split(list: Option<String>) -> Vec<String> {
    list.map(|l| l.split('|').map(str::to_string).collect())
        .unwrap_or_default()
}

/// The active analytes of a test, in order.
fn analytes_of(conn: &Connection, test_id: &str) -> Result<Vec<Analyte>, StoreError> {
    Ok(analytes_with_ids(conn, test_id)?
        .into_iter()
        .map(|(_, a)| a)
        .collect())
}

/// The active analytes of a test, in order, each with its id (the id a
/// result names).
pub fn analytes_with_ids(
    conn: &Connection,
    test_id: &str,
) -> Result<Vec<(Id, Analyte)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code, name, loinc, unit, result_type, decimals, min_value, max_value,
                choices, abnormal, critical_low, critical_high
         FROM lab_analytes WHERE test_id = ?1 AND active = 1 ORDER BY position",
    )?;
    let rows = stmt.query_map([test_id], |r| {
        let kind = match r.get::<_, String>(5)?.as_str() {
            "number" => ResultType::Number {
                decimals: r.get(6)?,
                min: r.get(7)?,
                max: r.get(8)?,
            },
            "choice" => ResultType::Choice {
                options: split(r.get(9)?),
                abnormal: split(r.get(10)?),
            },
            "text" => ResultType::Text,
            other => return Err(bad_column(5, format!("result type {other:?}"))),
        };
        Ok((
            r.get::<_, String>(0)?,
            Analyte {
                code: r.get(1)?,
                name: r.get(2)?,
                loinc: r.get(3)?,
                unit: r.get(4)?,
                kind,
                ranges: Vec::new(),
                critical_low: r.get(11)?,
                critical_high: r.get(12)?,
            },
        ))
    })?;
    let mut analytes = Vec::new();
    for row in rows {
        let (id, mut analyte) = row?;
        analyte.ranges = ranges_of(conn, &id)?;
        analytes.push((Id::from_stored(id), analyte));
    }
    Ok(analytes)
}

const TEST_COLUMNS: &str = "id, version, changed_at, code, name, specimen, price";

fn stored(conn: &Connection, r: &rusqlite::Row) -> Result<StoredTest, StoreError> {
    let id: String = r.get(0)?;
    let analytes = analytes_of(conn, &id)?;
    Ok(StoredTest {
        id: Id::from_stored(id),
        version: r.get(1)?,
        changed_at: r.get(2)?,
        test: LabTest {
            code: r.get(3)?,
            name: r.get(4)?,
            specimen: r.get(5)?,
            price: r.get(6)?,
            analytes,
        },
    })
}

/// The test with this code (any case), active or not.
pub fn by_code(conn: &Connection, code: &str) -> Result<Option<StoredTest>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TEST_COLUMNS} FROM lab_tests WHERE code = upper(?1)"
    ))?;
    let mut rows = stmt.query([code.trim()])?;
    match rows.next()? {
        Some(r) => Ok(Some(stored(conn, r)?)),
        None => Ok(None),
    }
}

/// `text` with LIKE's wildcards escaped.
fn escape_like(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// Active tests whose code, name, or an analyte's name or LOINC code holds
/// `text` (any case), at most `limit`: the test with exactly that code
/// first, then those whose code or name starts with it, then by name. All
/// active tests, by name, for an empty text.
pub fn find(conn: &Connection, text: &str, limit: usize) -> Result<Vec<StoredTest>, StoreError> {
    let text = text.trim();
    let starts = format!("{}%", escape_like(text));
    let holds = format!("%{}%", escape_like(text));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TEST_COLUMNS} FROM lab_tests t
         WHERE t.active = 1
           AND (t.code LIKE ?2 ESCAPE '\\' OR t.name LIKE ?2 ESCAPE '\\'
                OR EXISTS (SELECT 1 FROM lab_analytes a
                           WHERE a.test_id = t.id AND a.active = 1
                             AND (a.name LIKE ?2 ESCAPE '\\' OR a.loinc LIKE ?1 ESCAPE '\\')))
         ORDER BY t.code = upper(?3) DESC,
                  (t.code LIKE ?1 ESCAPE '\\' OR t.name LIKE ?1 ESCAPE '\\') DESC,
                  t.name, t.code
         LIMIT ?4"
    ))?;
    let mut rows = stmt.query(params![starts, holds, text, limit as i64])?;
    let mut found = Vec::new();
    while let Some(r) = rows.next()? {
        found.push(stored(conn, r)?);
    }
    Ok(found)
}

/// How many tests are offered.
pub fn count_active(conn: &Connection) -> Result<i64, StoreError> {
    Ok(
        conn.query_row("SELECT count(*) FROM lab_tests WHERE active = 1", [], |r| {
            r.get(0)
        })?,
    )
}

/// Sets a test's price.
pub fn set_price(
    tx: &Transaction,
    id: &Id,
    price: i64,
    changed_at: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE lab_tests SET price = ?2, version = version + 1, changed_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id.as_str(), price, changed_at])?;
    Ok(())
}

/// Sets an analyte's reference ranges and critical limits.
pub fn set_limits(
    tx: &Transaction,
    test_id: &Id,
    analyte: &Analyte,
    changed_at: &str,
) -> Result<(), StoreError> {
    let analyte_id: String = tx
        .prepare_cached("SELECT id FROM lab_analytes WHERE test_id = ?1 AND code = ?2")?
        .query_row(params![test_id.as_str(), analyte.code], |r| r.get(0))?;
    let analyte_id = Id::from_stored(analyte_id);
    tx.prepare_cached(
        "UPDATE lab_analytes SET critical_low = ?2, critical_high = ?3 WHERE id = ?1",
    )?
    .execute(params![
        analyte_id.as_str(),
        analyte.critical_low,
        analyte.critical_high
    ])?;
    tx.prepare_cached("DELETE FROM lab_ranges WHERE analyte_id = ?1")?
        .execute([analyte_id.as_str()])?;
    insert_ranges(tx, &analyte_id, &analyte.ranges)?;
    tx.prepare_cached("UPDATE lab_tests SET version = version + 1, changed_at = ?2 WHERE id = ?1")?
        .execute(params![test_id.as_str(), changed_at])?;
    Ok(())
}
