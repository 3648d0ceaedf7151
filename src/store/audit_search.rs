//! The audit trail searched: events filtered by patient, staff member,
//! action and time, newest first, a page at a time by `seq` (keyset, never
//! OFFSET), each filter read as one range of an index already in `seq`
//! order (migrations 24 and 26), so a page costs its own rows at any size;
//! a patient's events are read from their index alone, in consecutive
//! entries.

use super::StoreError;
use super::audit::{COLUMNS, record};
use crate::domain::audit::AuditRecord;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

/// What the rows must match; empty parts match all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailFilter {
    /// Events about any of these patients (a record and those merged into it).
    pub patients: Vec<String>,
    /// The actor's name as recorded (a user name).
    pub actor: Option<String>,
    /// Any of these action codes.
    pub actions: Vec<String>,
    /// Only events of a staff account (a role, and not a patient's).
    pub staff_only: bool,
    /// Events at or after this instant (stored text form).
    pub from: Option<String>,
    /// Events before this instant (stored text form).
    pub until: Option<String>,
}

/// The driving index of a filter and the conditions it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Driver {
    Patient,
    ActorAction,
    Actor,
    Action,
    Sequence,
}

impl Driver {
    fn of(f: &TrailFilter) -> Driver {
        match (f.patients.is_empty(), &f.actor, f.actions.len()) {
            (false, _, _) => Driver::Patient,
            (true, Some(_), 1) => Driver::ActorAction,
            (true, Some(_), _) => Driver::Actor,
            (true, None, 1) => Driver::Action,
            _ => Driver::Sequence,
        }
    }

    fn indexed_by(self) -> &'static str {
        match self {
            Driver::Patient => "INDEXED BY audit_log_patient",
            Driver::ActorAction => "INDEXED BY audit_log_actor_action",
            Driver::Actor => "INDEXED BY audit_log_actor",
            Driver::Action => "INDEXED BY audit_log_action",
            Driver::Sequence => "",
        }
    }
}

/// The `seq` range the filter's times cover: the first event at or after
/// `from` and the last before `until`, found through `audit_log_at`.
/// `None` when no event falls in it. The trail is written one transaction
/// at a time, each stamped inside it, so its times follow `seq`; the exact
/// time conditions are applied to the rows as well.
fn seq_range(conn: &Connection, f: &TrailFilter) -> Result<Option<(i64, i64)>, StoreError> {
    let lo = match &f.from {
        None => 1,
        Some(from) => {
            let first: Option<i64> = conn
                .prepare_cached(
                    "SELECT seq FROM audit_log INDEXED BY audit_log_at WHERE at >= ?1
                     ORDER BY at, seq LIMIT 1",
                )?
                .query_row([from], |r| r.get(0))
                .optional()?;
            match first {
                Some(s) => s,
                None => return Ok(None),
            }
        }
    };
    let hi = match &f.until {
        None => i64::MAX,
        Some(until) => {
            let last: Option<i64> = conn
                .prepare_cached(
                    "SELECT seq FROM audit_log INDEXED BY audit_log_at WHERE at < ?1
                     ORDER BY at DESC, seq DESC LIMIT 1",
                )?
                .query_row([until], |r| r.get(0))
                .optional()?;
            match last {
                Some(s) => s,
                None => return Ok(None),
            }
        }
    };
    Ok((lo <= hi).then_some((lo, hi)))
}

/// `?, ?, ?` for `n` values, numbered from `first`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statement of a filter's rows older than `before` (newest first),
/// with its parameters; `limit` rows at most when given.
pub(crate) fn statement(
    f: &TrailFilter,
    lo: i64,
    hi: i64,
    limit: Option<usize>,
) -> (String, Vec<Value>) {
    let driver = Driver::of(f);
    let mut params: Vec<Value> = vec![Value::Integer(lo), Value::Integer(hi)];
    let mut conditions = vec!["seq >= ?1".to_string(), "seq <= ?2".to_string()];
    let mut push = |params: &mut Vec<Value>, values: Vec<String>, column: &str, indexed: bool| {
        let first = params.len() + 1;
        let n = values.len();
        params.extend(values.into_iter().map(Value::Text));
        // A column the driving index does not answer is compared with a
        // unary `+`, so that the planner never trades the index for it.
        let col = if indexed {
            column.to_string()
        } else {
            format!("+{column}")
        };
        conditions.push(if n == 1 {
            format!("{col} = ?{first}")
        } else {
            format!("{col} IN ({})", placeholders(first, n))
        });
    };
    if !f.patients.is_empty() {
        push(&mut params, f.patients.clone(), "patient_id", true);
    }
    if let Some(actor) = &f.actor {
        let indexed = matches!(driver, Driver::Actor | Driver::ActorAction);
        push(&mut params, vec![actor.clone()], "actor_name", indexed);
    }
    if !f.actions.is_empty() {
        let indexed = matches!(driver, Driver::Action | Driver::ActorAction);
        push(&mut params, f.actions.clone(), "action", indexed);
    }
    if f.staff_only {
        conditions.push("actor_role IS NOT NULL AND actor_role <> 'patient'".into());
    }
    if let Some(from) = &f.from {
        params.push(Value::Text(from.clone()));
        conditions.push(format!("+at >= ?{}", params.len()));
    }
    if let Some(until) = &f.until {
        params.push(Value::Text(until.clone()));
        conditions.push(format!("+at < ?{}", params.len()));
    }
    let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log {} WHERE {} ORDER BY seq DESC{limit}",
        driver.indexed_by(),
        conditions.join(" AND ")
    );
    (sql, params)
}

/// Up to `limit` events matching `f` older than `before` (all when
/// `None`), newest first.
pub fn page(
    conn: &Connection,
    f: &TrailFilter,
    before: Option<i64>,
    limit: usize,
) -> Result<Vec<AuditRecord>, StoreError> {
    let Some((lo, hi)) = seq_range(conn, f)? else {
        return Ok(Vec::new());
    };
    let hi = match before {
        Some(b) => hi.min(b.saturating_sub(1)),
        None => hi,
    };
    if lo > hi {
        return Ok(Vec::new());
    }
    let (sql, params) = statement(f, lo, hi, Some(limit));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every event matching `f`, newest first, handed to `visit` one at a
/// time from one statement (one consistent view of the trail, events
/// appended meanwhile left out). Stops at the first error `visit` returns.
pub fn each<E: From<StoreError>>(
    conn: &Connection,
    f: &TrailFilter,
    mut visit: impl FnMut(&AuditRecord) -> Result<(), E>,
) -> Result<(), E> {
    let Some((lo, hi)) = seq_range(conn, f)? else {
        return Ok(());
    };
    let (sql, params) = statement(f, lo, hi, None);
    let mut stmt = conn.prepare(&sql).map_err(StoreError::from)?;
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .map_err(StoreError::from)?;
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        let r = record(row).map_err(StoreError::from)?;
        visit(&r)?;
    }
    Ok(())
}

/// The patient and every record merged into it, directly or along a chain
/// (through `patients_merged_into`).
pub fn with_merged(conn: &Connection, patient: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE merged(id) AS (
             SELECT ?1
             UNION SELECT p.id FROM patients p JOIN merged ON p.merged_into = merged.id)
         SELECT id FROM merged",
    )?;
    let rows = stmt.query_map([patient], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::plans::{plan, shipped_schema};

    /// The plan of a statement with its parameters bound.
    fn plan_with(conn: &Connection, sql: &str, params: Vec<Value>) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    fn filter(patients: usize, actor: bool, actions: usize, dates: bool) -> TrailFilter {
        TrailFilter {
            patients: (0..patients).map(|i| format!("p{i}")).collect(),
            actor: actor.then(|| "nurse".into()),
            actions: ["READ", "SEARCH", "EXPORT", "BREAK_GLASS"][..actions]
                .iter()
                .map(|a| a.to_string())
                .collect(),
            staff_only: false,
            from: dates.then(|| "2026-03-01T00:00:00.000000Z".into()),
            until: dates.then(|| "2026-03-02T00:00:00.000000Z".into()),
        }
    }

    /// Every filter and combination reads one range of its index in `seq`
    /// order: no table scan and no sort, whatever the trail's size. A
    /// patient's events are read from the index alone (migration 26). (A
    /// patient with records merged into it is a few ranges, sorted: a
    /// patient's events are few.)
    #[test]
    fn each_filter_reads_a_range_of_its_index_in_seq_order() {
        let conn = shipped_schema();
        let cases = [
            (
                filter(1, false, 0, false),
                "COVERING INDEX audit_log_patient (patient_id=? AND seq>? AND seq<?)",
            ),
            (
                filter(1, true, 1, true),
                "COVERING INDEX audit_log_patient (patient_id=? AND seq>? AND seq<?)",
            ),
            (
                filter(0, true, 0, false),
                "audit_log_actor (actor_name=? AND rowid>? AND rowid<?)",
            ),
            (
                filter(0, true, 0, true),
                "audit_log_actor (actor_name=? AND rowid>? AND rowid<?)",
            ),
            (
                filter(0, true, 1, true),
                "audit_log_actor_action (actor_name=? AND action=? AND rowid>? AND rowid<?)",
            ),
            (
                filter(0, false, 1, false),
                "audit_log_action (action=? AND rowid>? AND rowid<?)",
            ),
            (
                filter(0, false, 1, true),
                "audit_log_action (action=? AND rowid>? AND rowid<?)",
            ),
            (
                filter(0, false, 0, true),
                "INTEGER PRIMARY KEY (rowid>? AND rowid<?)",
            ),
            (
                filter(0, false, 0, false),
                "INTEGER PRIMARY KEY (rowid>? AND rowid<?)",
            ),
        ];
        for (f, index) in cases {
            let (sql, params) = statement(&f, 1, 100, Some(200));
            let p = plan_with(&conn, &sql, params);
            assert!(p.contains(index), "{f:?}\n{sql}\n{p}");
            assert!(!p.contains("TEMP B-TREE"), "{f:?}\n{p}");
            assert!(p.lines().all(|l| !l.starts_with("SCAN")), "{f:?}\n{p}");
        }
        // Who opened: a record with one merged into it, four actions.
        let mut f = filter(2, false, 4, false);
        f.staff_only = true;
        let (sql, params) = statement(&f, 1, 100, Some(200));
        let p = plan_with(&conn, &sql, params);
        assert!(
            p.contains("COVERING INDEX audit_log_patient (patient_id=?"),
            "{p}"
        );
        assert!(p.lines().all(|l| !l.starts_with("SCAN")), "{p}");
        // The dates become a seq range through the times' index.
        for sql in [
            "SELECT seq FROM audit_log INDEXED BY audit_log_at WHERE at >= 'a' ORDER BY at, seq LIMIT 1",
            "SELECT seq FROM audit_log INDEXED BY audit_log_at WHERE at < 'b'
             ORDER BY at DESC, seq DESC LIMIT 1",
        ] {
            let p = plan(&conn, sql);
            assert!(p.contains("COVERING INDEX audit_log_at (at"), "{p}");
            assert!(!p.contains("TEMP B-TREE"), "{p}");
        }
    }
}
