//! Insert statements whose values SQLite reads where they lie.
//!
//! rusqlite binds every string with `SQLITE_TRANSIENT`, so SQLite copies it:
//! it frees the parameter's last value, allocates, and copies. An import binds
//! tens of millions of strings, and that churn was about a third of the
//! writing thread's work. Here the values are bound with `SQLITE_STATIC` for
//! the length of one run and unbound before the run returns, so SQLite never
//! holds a pointer into memory it does not own past the borrow.

use super::StoreError;
use rusqlite::ffi;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql};
use std::ffi::{CStr, c_int};
use std::marker::PhantomData;

/// A prepared statement that runs with borrowed values. It lives no longer
/// than the connection it was prepared on, and like it stays on one thread.
pub struct BulkInsert<'conn> {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
    params: usize,
    conn: PhantomData<&'conn Connection>,
}

impl<'conn> BulkInsert<'conn> {
    /// Prepares `sql` (one statement that returns no rows) on `conn`.
    pub fn prepare(conn: &'conn Connection, sql: &str) -> Result<Self, StoreError> {
        let len = c_int::try_from(sql.len())
            .map_err(|_| StoreError::Conflict("an insert statement is too long".into()))?;
        // SAFETY: the handle is the connection's own, valid while `conn` is
        // borrowed (which `'conn` ties this value to); `sql` is valid for
        // `len` bytes during the call, and SQLite copies what it keeps.
        unsafe {
            let db = conn.handle();
            let mut stmt = std::ptr::null_mut();
            let rc = ffi::sqlite3_prepare_v2(
                db,
                sql.as_ptr().cast(),
                len,
                &mut stmt,
                std::ptr::null_mut(),
            );
            if rc != ffi::SQLITE_OK {
                let e = failure(db, rc);
                ffi::sqlite3_finalize(stmt);
                return Err(e);
            }
            let params = usize::try_from(ffi::sqlite3_bind_parameter_count(stmt)).unwrap_or(0);
            Ok(BulkInsert {
                db,
                stmt,
                params,
                conn: PhantomData,
            })
        }
    }

    /// Runs the statement once with `values` as its parameters, in order.
    /// SQLite reads the strings in place; every parameter is cleared again
    /// before this returns, whatever happened.
    pub fn run(&mut self, values: &[&dyn ToSql]) -> Result<(), StoreError> {
        // Owned conversions (a number made text, say) live here until the
        // run is over.
        let outputs: Vec<ToSqlOutput> = values
            .iter()
            .map(|v| v.to_sql())
            .collect::<rusqlite::Result<_>>()?;
        let mut refs = Vec::with_capacity(outputs.len());
        for (i, output) in outputs.iter().enumerate() {
            refs.push(match output {
                ToSqlOutput::Borrowed(v) => *v,
                ToSqlOutput::Owned(v) => ValueRef::from(v),
                _ => {
                    return Err(StoreError::Sqlite(rusqlite::Error::InvalidParameterName(
                        format!("parameter {}: a value kind bulk inserts do not take", i + 1),
                    )));
                }
            });
        }
        self.run_values(&refs)
    }

    /// Runs the statement once with `values` as its parameters, in order,
    /// as [`run`](Self::run) does.
    pub fn run_values(&mut self, values: &[ValueRef]) -> Result<(), StoreError> {
        if values.len() != self.params {
            return Err(StoreError::Sqlite(rusqlite::Error::InvalidParameterCount(
                values.len(),
                self.params,
            )));
        }
        let result = self.bind_and_step(values);
        // SAFETY: `stmt` is a live statement of this connection; clearing
        // the bindings drops every pointer into `values`.
        unsafe {
            ffi::sqlite3_reset(self.stmt);
            ffi::sqlite3_clear_bindings(self.stmt);
        }
        result
    }

    fn bind_and_step(&mut self, values: &[ValueRef]) -> Result<(), StoreError> {
        for (i, &value) in values.iter().enumerate() {
            let index = c_int::try_from(i + 1)
                .map_err(|_| rusqlite::Error::InvalidParameterCount(values.len(), self.params))?;
            // SAFETY: `stmt` is live; text and blob pointers stay valid
            // until `run_values` clears the bindings, because `values`
            // outlives this call and is borrowed immutably meanwhile.
            let rc = unsafe {
                match value {
                    ValueRef::Null => ffi::sqlite3_bind_null(self.stmt, index),
                    ValueRef::Integer(n) => ffi::sqlite3_bind_int64(self.stmt, index, n),
                    ValueRef::Real(x) => ffi::sqlite3_bind_double(self.stmt, index, x),
                    ValueRef::Text(s) => ffi::sqlite3_bind_text64(
                        self.stmt,
                        index,
                        s.as_ptr().cast(),
                        s.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                    ValueRef::Blob(b) => ffi::sqlite3_bind_blob64(
                        self.stmt,
                        index,
                        b.as_ptr().cast(),
                        b.len() as u64,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                // SAFETY: `db` is the live connection the statement belongs to.
                return Err(unsafe { failure(self.db, rc) });
            }
        }
        // SAFETY: as above; an insert returns no rows, so one step ends it.
        let rc = unsafe { ffi::sqlite3_step(self.stmt) };
        match rc {
            ffi::SQLITE_DONE => Ok(()),
            ffi::SQLITE_ROW => Err(StoreError::Sqlite(rusqlite::Error::ExecuteReturnedResults)),
            // SAFETY: `db` is the live connection the statement belongs to.
            _ => Err(unsafe { failure(self.db, rc) }),
        }
    }
}

impl Drop for BulkInsert<'_> {
    fn drop(&mut self) {
        // SAFETY: `stmt` was prepared on the connection, which outlives this
        // value, and is finalized only here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

/// The connection's last error as rusqlite reports it, so that constraint
/// failures read the same whichever path wrote the row.
///
/// # Safety
/// `db` must be a live connection.
unsafe fn failure(db: *mut ffi::sqlite3, rc: c_int) -> StoreError {
    // SAFETY: the caller passes a live connection; SQLite's message is a
    // NUL-terminated string valid until the next call on it, copied here.
    let (code, message) = unsafe {
        let code = ffi::sqlite3_extended_errcode(db);
        let message = ffi::sqlite3_errmsg(db);
        let message = if message.is_null() {
            None
        } else {
            Some(CStr::from_ptr(message).to_string_lossy().into_owned())
        };
        (code, message)
    };
    let code = if code == ffi::SQLITE_OK { rc } else { code };
    StoreError::Sqlite(rusqlite::Error::SqliteFailure(
        ffi::Error::new(code),
        message,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a TEXT NOT NULL UNIQUE, b INTEGER, c TEXT, d BLOB) STRICT",
        )
        .unwrap();
        conn
    }

    #[test]
    fn values_are_written_as_bound_and_the_statement_runs_again() {
        let conn = table();
        let mut insert = BulkInsert::prepare(
            &conn,
            "INSERT INTO t (a, b, c, d) VALUES (?1, ?2, ?3, ?4), (?5, ?6, ?7, ?8)",
        )
        .unwrap();
        for round in 0..3 {
            let first = format!("first {round}");
            let second = format!("é ü 中 {round}");
            let none: Option<&str> = None;
            let blob: &[u8] = &[0, 1, 2];
            insert
                .run(&[
                    &first,
                    &round,
                    &"",
                    &blob,
                    &second.as_str(),
                    &-7i64,
                    &none,
                    &none,
                ])
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        drop(insert);
        type Row = (String, Option<i64>, Option<String>, Option<Vec<u8>>);
        let rows: Vec<Row> = conn
            .prepare("SELECT a, b, c, d FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows.len(), 6);
        assert_eq!(
            rows[0],
            (
                "first 0".into(),
                Some(0),
                Some(String::new()),
                Some(vec![0, 1, 2])
            )
        );
        assert_eq!(rows[1], ("é ü 中 0".into(), Some(-7), None, None));
        assert_eq!(rows[4].0, "first 2");
    }

    #[test]
    fn a_constraint_failure_reads_as_sqlite_reports_it_and_the_statement_recovers() {
        let conn = table();
        let mut insert = BulkInsert::prepare(&conn, "INSERT INTO t (a) VALUES (?1)").unwrap();
        insert.run(&[&"same"]).unwrap();
        let e = insert.run(&[&"same"]).unwrap_err();
        match &e {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(code, Some(message))) => {
                assert_eq!(code.extended_code, ffi::SQLITE_CONSTRAINT_UNIQUE, "{e}");
                assert!(
                    message.contains("UNIQUE constraint failed: t.a"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        insert.run(&[&"other"]).unwrap();
        let e = insert.run(&[&"a", &"b"]).unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::Sqlite(rusqlite::Error::InvalidParameterCount(2, 1))
            ),
            "{e:?}"
        );
        let e = BulkInsert::prepare(&conn, "INSERT INTO nowhere VALUES (?1)")
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("nowhere") || format!("{e:?}").contains("nowhere"),
            "{e:?}"
        );
        drop(insert);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
    }
}
