//! For tests: the query plans of statements on the shipped schema, and the
//! check that each reads by its index and never scans a whole table.

use rusqlite::Connection;

/// A connection holding the shipped schema, empty.
pub fn shipped_schema() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(include_str!("../../schema.sql"))
        .unwrap();
    conn
}

/// The query plan of a statement.
pub fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
}

/// Asserts each statement's plan names its index and scans no table.
pub fn assert_read_by_index(conn: &Connection, cases: &[(&str, &str)]) {
    for (sql, index) in cases {
        let p = plan(conn, sql);
        assert!(p.contains(index), "{sql}\n{p}");
        for line in p.lines() {
            let scans_a_table = line.starts_with("SCAN ")
                && !line.contains("USING INDEX")
                && !line.contains("USING COVERING INDEX")
                && !line.contains("json_each");
            assert!(!scans_a_table, "{sql}\n{p}");
        }
    }
}
