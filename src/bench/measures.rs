//! The read measures on the big hospital: the TUI's search path for each
//! query kind, the same queries as common hospital systems run them (LIKE
//! '%word%' over every column, as Open Hospital does), the floor (one
//! indexed lookup), and audit verification.

use super::queries::{Kind, Queries};
use super::stats::{Summary, timed};
use crate::auth::Session;
use crate::ops::patients as ops;
use crate::store::Db;
use crate::store::audit::{ChainState, verify_chain};
use anyhow::{Context, Result, bail};
use std::time::Duration;

/// How many rows the TUI reads for its first page.
pub const FIRST_PAGE: usize = 20;

/// One search as the patients tab runs it: parse, query, rank, then read
/// the first page of rows. Returns how many patients were found.
pub fn tui_search(db: &Db, session: &Session, query: &str) -> Result<usize> {
    let found =
        ops::find(db, session, query, false).with_context(|| format!("search {query:?} failed"))?;
    let seqs: Vec<i64> = found.hits.iter().take(FIRST_PAGE).map(|h| h.seq).collect();
    let rows = ops::rows(db, &seqs)?;
    std::hint::black_box(&rows);
    Ok(found.hits.len())
}

/// How long one search measure may run once it has [`MIN_SAMPLES`]: a
/// search that reads the whole table would otherwise take most of an hour
/// at a million patients. The samples taken are reported.
pub const BUDGET: Duration = Duration::from_secs(60);
pub const MIN_SAMPLES: usize = 20;

/// Every query of `kind` along the TUI's path (within [`BUDGET`]).
pub fn search(db: &Db, session: &Session, queries: &Queries, kind: Kind) -> Result<Summary> {
    let mut times = Vec::new();
    let mut found_any = false;
    let started = std::time::Instant::now();
    let all = queries.of(kind);
    for q in all {
        let (found, t) = timed(|| tui_search(db, session, q));
        found_any |= found? > 0;
        times.push(t);
        if times.len() >= MIN_SAMPLES && started.elapsed() > BUDGET && times.len() < all.len() {
            eprintln!(
                "bench: {} search stopped after {} of {} samples: over {BUDGET:?}",
                kind.label(),
                times.len(),
                all.len()
            );
            break;
        }
    }
    if !found_any && !times.is_empty() {
        bail!(
            "no {} query found anything: the benchmark is broken",
            kind.label()
        );
    }
    Ok(Summary::of(&times))
}

/// The comparison: every word matched with `LIKE '%word%'` across code,
/// names, city, address and phone, words ANDed, first page by name. It is a
/// plain table scan (`NOT INDEXED`): left alone, SQLite walks the birth-date
/// index and reads each row out of order, about three times slower, which
/// would flatter the comparison.
pub fn like_sql(words: usize) -> String {
    let columns = [
        "mrn",
        "given_name",
        "middle_name",
        "family_name",
        "city",
        "address_line1",
        "phone",
    ];
    let mut conditions = Vec::with_capacity(words);
    for i in 1..=words {
        let any: Vec<String> = columns.iter().map(|c| format!("{c} LIKE ?{i}")).collect();
        conditions.push(format!("({})", any.join(" OR ")));
    }
    let words = if conditions.is_empty() {
        "1".to_string()
    } else {
        conditions.join(" AND ")
    };
    format!(
        "SELECT seq, mrn, given_name, family_name, birth_date, phone FROM patients NOT INDEXED
         WHERE deleted_at IS NULL AND merged_into IS NULL AND {words}
         ORDER BY family_name, given_name LIMIT {FIRST_PAGE}"
    )
}

/// The first `samples` queries of `kind` the LIKE way.
pub fn like(db: &Db, queries: &Queries, kind: Kind, samples: usize) -> Result<Summary> {
    let mut times = Vec::new();
    for q in queries.of(kind).iter().take(samples) {
        let words: Vec<String> = q.split_whitespace().map(|w| format!("%{w}%")).collect();
        let (rows, t) = timed(|| -> Result<usize> {
            let mut stmt = db.conn().prepare_cached(&like_sql(words.len()))?;
            let mut rows = stmt.query(rusqlite::params_from_iter(words.iter()))?;
            let mut n = 0;
            while let Some(row) = rows.next()? {
                std::hint::black_box(row.get::<_, String>(1)?);
                n += 1;
            }
            Ok(n)
        });
        rows.with_context(|| format!("LIKE search {q:?} failed"))?;
        times.push(t);
    }
    Ok(Summary::of(&times))
}

/// The floor: one indexed lookup of the MRN.
pub fn floor(db: &Db, queries: &Queries) -> Result<Summary> {
    let mut times = Vec::new();
    let mut stmt = db
        .conn()
        .prepare_cached("SELECT seq FROM patients WHERE mrn = ?1")?;
    for q in queries.of(Kind::Mrn) {
        let (seq, t) = timed(|| -> rusqlite::Result<i64> { stmt.query_row([q], |r| r.get(0)) });
        seq.with_context(|| format!("MRN {q} not found"))?;
        times.push(t);
    }
    Ok(Summary::of(&times))
}

/// Audit verification over every event: how long, and how many events.
pub fn audit_verify(db: &Db) -> Result<(Duration, i64)> {
    let (state, t) = timed(|| verify_chain(db.conn()));
    match state? {
        ChainState::Intact { count, .. } => Ok((t, count)),
        ChainState::Broken(b) => bail!("the bench hospital's audit chain is broken: {b:?}"),
    }
}
