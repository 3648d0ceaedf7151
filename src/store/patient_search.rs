//! Finding patients as the desk types: by MRN (with or without prefix, dashes
//! or check character), an old system's number, name prefixes in any order,
//! phone ending, birth date, and names that sound alike.
//!
//! Every query is a few index range scans capped at [`LIMIT`] hits; nothing
//! reads the whole table. Ranking: MRN and old numbers first, then names
//! that match exactly, then prefixes, then sounds-alike.

use super::StoreError;
use super::patients::{legacy_key, phone_key};
use crate::domain::mrn::{self, MrnQuery};
use crate::domain::names;
use crate::domain::patient::parse_date;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use std::collections::HashSet;

/// The most hits a search collects; past it the count reads "1,000+".
pub const LIMIT: usize = 1000;
/// How many recent registrations an empty search shows.
pub const RECENT: usize = 50;

/// Why a patient was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Mrn,
    OldNumber,
    ExactName,
    NamePrefix,
    SoundsAlike,
    Phone,
    BirthDate,
    Recent,
    Deleted,
}

impl MatchKind {
    /// A few words for the results list.
    pub fn label(self) -> &'static str {
        match self {
            MatchKind::Mrn => "MRN",
            MatchKind::OldNumber => "old number",
            MatchKind::ExactName => "name",
            MatchKind::NamePrefix => "name",
            MatchKind::SoundsAlike => "sounds alike",
            MatchKind::Phone => "phone",
            MatchKind::BirthDate => "birth date",
            MatchKind::Recent => "recent",
            MatchKind::Deleted => "deleted",
        }
    }
}

/// One patient found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub seq: i64,
    pub kind: MatchKind,
}

/// What a search found, ranked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub hits: Vec<Hit>,
    /// More than [`LIMIT`] patients match.
    pub more: bool,
    /// Something the desk should know about the query (a wrong check character).
    pub note: Option<String>,
}

impl Found {
    /// Adds a hit unless already found; false once the list is full (and a
    /// further, new match has shown there are more).
    fn add(&mut self, seen: &mut HashSet<i64>, seq: i64, kind: MatchKind) -> bool {
        if seen.contains(&seq) {
            return true;
        }
        if self.hits.len() >= LIMIT {
            self.more = true;
            return false;
        }
        seen.insert(seq);
        self.hits.push(Hit { seq, kind });
        true
    }

    /// How many rows one tier may read: enough to fill the list and see one
    /// more, whatever earlier tiers found (their rows come back again).
    fn room(&self) -> i64 {
        (2 * LIMIT + 1) as i64
    }
}

/// The smallest string greater than every string starting with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

const LIVE: &str = "deleted_at IS NULL AND merged_into IS NULL";

/// Searches the patients in use.
pub fn search(conn: &Connection, text: &str, date_pattern: &str) -> Result<Found, StoreError> {
    let text = text.trim();
    let mut found = Found::default();
    let mut seen = HashSet::new();
    if text.is_empty() {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT seq FROM patients WHERE {LIVE} ORDER BY seq DESC LIMIT {RECENT}"
        ))?;
        for seq in stmt.query_map([], |r| r.get::<_, i64>(0))? {
            found.add(&mut seen, seq?, MatchKind::Recent);
        }
        return Ok(found);
    }
    let looks_like_date =
        text.contains(['-', '/', '.']) && text.chars().filter(char::is_ascii_digit).count() >= 6;
    if looks_like_date && let Some(d) = parse_date(text, date_pattern) {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT seq FROM patients WHERE birth_date = ?1 AND {LIVE} ORDER BY seq LIMIT ?2"
        ))?;
        for seq in stmt.query_map(
            rusqlite::params![d.format("%Y-%m-%d").to_string(), found.room()],
            |r| r.get(0),
        )? {
            found.add(&mut seen, seq?, MatchKind::BirthDate);
        }
        return Ok(found);
    }
    let has_letters = text.chars().any(char::is_alphabetic);
    let numeric = !has_letters
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let mrn = mrn::parse_query(text);
    match &mrn {
        Some(MrnQuery::Checked { prefix, seq }) | Some(MrnQuery::Unchecked { prefix, seq }) => {
            if let Some(s) = by_mrn(conn, prefix.as_deref(), *seq)? {
                found.add(&mut seen, s, MatchKind::Mrn);
            }
        }
        Some(MrnQuery::WrongCheck { typed }) => {
            found.note = Some(format!(
                "The check character of {typed} does not match its digits: a character is probably mistyped. Read the number again with the patient."
            ));
        }
        None => {}
    }
    let old_number = legacy_key(text);
    if !old_number.is_empty() && text.chars().any(|c| c.is_ascii_digit()) {
        // `legacy_key <> ''` lets SQLite use the partial index patients_legacy.
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT seq FROM patients WHERE legacy_key = ?1 AND legacy_key <> '' AND {LIVE}
             ORDER BY seq LIMIT 20"
        ))?;
        for seq in stmt.query_map([old_number], |r| r.get(0))? {
            found.add(&mut seen, seq?, MatchKind::OldNumber);
        }
    }
    if numeric {
        // The last nine digits: "+254 712 345 678" and "0712 345 678" are one number.
        let digits: String = phone_key(text).chars().take(9).collect();
        if digits.len() >= 4 {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT seq FROM patients WHERE phone_key >= ?1 AND phone_key < ?2 AND phone_key <> '' AND {LIVE}
                 ORDER BY phone_key, seq LIMIT ?3"
            ))?;
            let end = prefix_end(&digits);
            for seq in stmt.query_map(rusqlite::params![digits, end, found.room()], |r| r.get(0))? {
                if !found.add(&mut seen, seq?, MatchKind::Phone) {
                    break;
                }
            }
        }
        return Ok(found);
    }
    if mrn.is_some() || !has_letters {
        return Ok(found);
    }
    by_names(conn, &names::words(text), &mut found, &mut seen)?;
    Ok(found)
}

/// The patient holding this MRN now (following merges), if in use.
fn by_mrn(conn: &Connection, prefix: Option<&str>, seq: u64) -> Result<Option<i64>, StoreError> {
    let row: Option<(String, Option<String>, bool)> = conn
        .query_row(
            "SELECT mrn, merged_into, deleted_at IS NOT NULL FROM patients WHERE seq = ?1",
            [seq as i64],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((mrn, merged_into, deleted)) = row else {
        return Ok(None);
    };
    if let Some(p) = prefix
        && !mrn.starts_with(&format!("{p}-"))
    {
        return Ok(None);
    }
    match merged_into {
        Some(id) => {
            let survivor =
                super::patients::survivor_of(conn, &crate::domain::ids::Id::from_stored(id))?;
            Ok(conn
                .query_row(
                    &format!("SELECT seq FROM patients WHERE id = ?1 AND {LIVE}"),
                    [survivor.as_str()],
                    |r| r.get(0),
                )
                .optional()?)
        }
        None if deleted => Ok(None),
        None => Ok(Some(seq as i64)),
    }
}

/// How many index rows a word's prefix range is counted up to when choosing
/// the word that drives a query of several words.
const DRIVER_PROBE: i64 = 2000;

/// The word whose prefix range is smallest (counted up to [`DRIVER_PROBE`]),
/// so that the other words are checked on as few rows as possible.
fn driver(conn: &Connection, words: &[String]) -> Result<Option<usize>, StoreError> {
    if words.len() < 2 {
        return Ok((!words.is_empty()).then_some(0));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT 1 FROM patient_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3)",
    )?;
    let mut best: Option<(i64, usize)> = None;
    for (i, w) in words.iter().enumerate() {
        let n: i64 = stmt.query_row(rusqlite::params![w, prefix_end(w), DRIVER_PROBE], |r| {
            r.get(0)
        })?;
        if best.is_none_or(|(m, _)| n < m) {
            best = Some((n, i));
        }
        if n == 0 {
            break;
        }
    }
    Ok(best.map(|(_, i)| i))
}

/// The three name tiers. The word with the fewest index rows drives a range
/// scan; the other words are checked against the `names` list stored with
/// each term.
fn by_names(
    conn: &Connection,
    words: &[String],
    found: &mut Found,
    seen: &mut HashSet<i64>,
) -> Result<(), StoreError> {
    let Some(driver_at) = driver(conn, words)? else {
        return Ok(());
    };
    let driver = &words[driver_at];
    let others: Vec<&String> = words
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != driver_at)
        .map(|(_, w)| w)
        .collect();

    let filters = |first: usize| -> String {
        (0..others.len())
            .map(|i| format!(" AND instr(names, ?{}) > 0", first + i))
            .collect()
    };
    // Exact: every word is a whole word of the name.
    let sql = format!(
        "SELECT seq FROM patient_terms WHERE term = ?1{} ORDER BY seq LIMIT ?2",
        filters(3)
    );
    let mut args: Vec<String> = vec![driver.clone(), found.room().to_string()];
    args.extend(others.iter().map(|w| format!(" {w} ")));
    collect(conn, &sql, &args, MatchKind::ExactName, found, seen)?;

    // Prefixes: every word begins a word of the name.
    let sql = format!(
        "SELECT seq FROM patient_terms WHERE term >= ?1 AND term < ?2{} LIMIT ?3",
        filters(4)
    );
    let mut args: Vec<String> = vec![driver.clone(), prefix_end(driver), found.room().to_string()];
    args.extend(others.iter().map(|w| format!(" {w}")));
    collect(conn, &sql, &args, MatchKind::NamePrefix, found, seen)?;

    // Sounds alike: the driver's key, and each other word's key somewhere.
    let other_keys: Vec<Vec<String>> = others
        .iter()
        .map(|w| names::sounds(w))
        .filter(|k| !k.is_empty())
        .collect();
    for key in names::sounds(driver) {
        let mut args: Vec<String> = vec![format!("#{key}"), found.room().to_string()];
        let mut sql = "SELECT seq FROM patient_terms WHERE term = ?1".to_string();
        for keys in &other_keys {
            let alternatives: Vec<String> = keys
                .iter()
                .map(|k| {
                    args.push(format!(" {k} "));
                    format!("instr(names, ?{}) > 0", args.len())
                })
                .collect();
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        sql.push_str(" ORDER BY seq LIMIT ?2");
        collect(conn, &sql, &args, MatchKind::SoundsAlike, found, seen)?;
    }
    Ok(())
}

fn collect(
    conn: &Connection,
    sql: &str,
    args: &[String],
    kind: MatchKind,
    found: &mut Found,
    seen: &mut HashSet<i64>,
) -> Result<(), StoreError> {
    if found.more {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    while let Some(row) = rows.next()? {
        if !found.add(seen, row.get(0)?, kind) {
            break;
        }
    }
    Ok(())
}

/// Searches the soft-deleted patients (an admin's "show deleted"). There are
/// few of them, so each is matched in memory by name words, MRN, phone or
/// birth date.
pub fn search_deleted(
    conn: &Connection,
    text: &str,
    date_pattern: &str,
) -> Result<Found, StoreError> {
    let text = text.trim();
    let words = names::words(text);
    let digits = phone_key(text);
    let date = parse_date(text, date_pattern).map(|d| d.format("%Y-%m-%d").to_string());
    let mrn_key = legacy_key(text);
    let mrn_seq = match mrn::parse_query(text) {
        Some(MrnQuery::Checked { seq, .. }) | Some(MrnQuery::Unchecked { seq, .. }) => {
            Some(seq as i64)
        }
        _ => None,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT seq, mrn, given_name, middle_name, family_name, phone_key, birth_date
         FROM patients WHERE deleted_at IS NOT NULL ORDER BY seq",
    )?;
    let mut found = Found::default();
    let mut seen = HashSet::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (seq, mrn): (i64, String) = (r.get(0)?, r.get(1)?);
        let name_words = names::words(&format!(
            "{} {} {}",
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?
        ));
        let phone: String = r.get(5)?;
        let birth: String = r.get(6)?;
        let hit = text.is_empty()
            || (!words.is_empty()
                && words
                    .iter()
                    .all(|w| name_words.iter().any(|n| n.starts_with(w.as_str()))))
            || (mrn_seq == Some(seq) || (!mrn_key.is_empty() && legacy_key(&mrn) == mrn_key))
            || (digits.len() >= 4 && phone.starts_with(&digits))
            || date.as_deref() == Some(birth.as_str());
        if hit && !found.add(&mut seen, seq, MatchKind::Deleted) {
            break;
        }
    }
    Ok(found)
}

/// Possible duplicates of a patient being registered: the same phone (its
/// last nine digits), or a birth date within `years` and every name word
/// sounding like one of theirs.
pub fn possible_duplicates(
    conn: &Connection,
    name_parts: [&str; 3],
    birth_date: Option<chrono::NaiveDate>,
    years: i32,
    phone: &str,
    exclude_seq: Option<i64>,
) -> Result<Vec<(i64, Vec<&'static str>)>, StoreError> {
    let mut out: Vec<(i64, Vec<&'static str>)> = Vec::new();
    let mut note = |seq: i64, reason: &'static str| {
        if Some(seq) == exclude_seq {
            return;
        }
        match out.iter_mut().find(|(s, _)| *s == seq) {
            Some((_, reasons)) if !reasons.contains(&reason) => reasons.push(reason),
            Some(_) => {}
            None => out.push((seq, vec![reason])),
        }
    };
    let digits = phone_key(phone);
    if digits.len() >= 7 {
        let tail: String = digits.chars().take(9).collect();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT seq FROM patients WHERE phone_key >= ?1 AND phone_key < ?2 AND phone_key <> '' AND {LIVE}
             ORDER BY seq LIMIT 20"
        ))?;
        for seq in stmt.query_map(rusqlite::params![tail, prefix_end(&tail)], |r| {
            r.get::<_, i64>(0)
        })? {
            note(seq?, "same phone");
        }
    }
    let words: Vec<String> = name_parts.iter().flat_map(|p| names::words(p)).collect();
    let keys: Vec<Vec<String>> = words
        .iter()
        .map(|w| names::sounds(w))
        .filter(|k| !k.is_empty())
        .collect();
    if let (Some(birth), Some(driver)) = (birth_date, keys.first()) {
        // Read candidates within the widest window (five years), then keep
        // those within `years` of the typed date, or within five when their
        // own birth date is an estimate.
        let shift = |d: chrono::NaiveDate, years: i32, later: bool| {
            let m = chrono::Months::new(12 * years.unsigned_abs());
            if later {
                d.checked_add_months(m)
            } else {
                d.checked_sub_months(m)
            }
            .unwrap_or(d)
        };
        let wide = years.max(5);
        let (from, to) = (shift(birth, wide, false), shift(birth, wide, true));
        let (near_from, near_to) = (shift(birth, years, false), shift(birth, years, true));
        let mut stored = conn.prepare_cached(
            "SELECT birth_date, birth_date_estimated FROM patients WHERE seq = ?1",
        )?;
        for key in driver {
            let mut args: Vec<String> = vec![
                format!("#{key}"),
                from.format("%Y-%m-%d").to_string(),
                to.format("%Y-%m-%d").to_string(),
            ];
            let mut sql =
                "SELECT seq FROM patient_terms WHERE term = ?1 AND born BETWEEN ?2 AND ?3"
                    .to_string();
            for alternatives in &keys[1..] {
                let parts: Vec<String> = alternatives
                    .iter()
                    .map(|k| {
                        args.push(format!(" {k} "));
                        format!("instr(names, ?{}) > 0", args.len())
                    })
                    .collect();
                sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
            }
            sql.push_str(" ORDER BY seq LIMIT 200");
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(args.iter()))?;
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get(0)?;
                let (born, estimated): (String, bool) =
                    stored.query_row([seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
                let born = chrono::NaiveDate::parse_from_str(&born, "%Y-%m-%d").unwrap_or(birth);
                if estimated || (near_from..=near_to).contains(&born) {
                    note(seq, "similar name and birth date");
                }
            }
        }
    }
    out.truncate(20);
    Ok(out)
}
