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

/// The two words whose pair drives a query of several words: the longest
/// word's whole prefix after the first two characters of the next longest
/// (at least two characters long). None when no word has two characters.
fn pair_driver(words: &[String]) -> Option<(usize, usize)> {
    let mut by_length: Vec<usize> = (0..words.len()).collect();
    by_length.sort_by_key(|&i| std::cmp::Reverse(words[i].chars().count()));
    let long = |i: usize| words[i].chars().count() >= 2;
    let tail = *by_length.first()?;
    match by_length.iter().skip(1).find(|&&i| long(i)) {
        Some(&head) => Some((head, tail)),
        None if long(tail) => by_length.get(1).map(|&other| (tail, other)),
        None => None,
    }
}

/// Every query word as an `instr` filter on the stored name list: `frame`
/// puts the word between the spaces that must surround it.
fn name_filters(
    words: &[String],
    first_arg: usize,
    frame: impl Fn(&str) -> String,
) -> (String, Vec<String>) {
    let sql = (0..words.len())
        .map(|i| format!(" AND instr(names, ?{}) > 0", first_arg + i))
        .collect();
    (sql, words.iter().map(|w| frame(w)).collect())
}

/// The three name tiers. A query of two or more words reads the range of
/// one pair of its words in `patient_name_pairs`, so only patients holding
/// both are read; a single word reads its own range in `patient_terms`. The
/// other words are checked against the `names` list stored with each row.
fn by_names(
    conn: &Connection,
    words: &[String],
    found: &mut Found,
    seen: &mut HashSet<i64>,
) -> Result<(), StoreError> {
    if words.is_empty() {
        return Ok(());
    }
    match pair_driver(words).filter(|_| words.len() >= 2) {
        Some((head, tail)) => {
            let start = names::word_pair(&words[head], &words[tail]);
            let end = prefix_end(&start);
            // Exact: every word is a whole word of the name.
            let (filters, framed) = name_filters(words, 4, |w| format!(" {w} "));
            let sql = format!(
                "SELECT seq FROM patient_name_pairs WHERE term >= ?1 AND term < ?2{filters} LIMIT ?3"
            );
            let mut args = vec![start.clone(), end.clone(), found.room().to_string()];
            args.extend(framed);
            collect(conn, &sql, &args, MatchKind::ExactName, found, seen)?;
            // Prefixes: every word begins a word of the name.
            let (filters, framed) = name_filters(words, 4, |w| format!(" {w}"));
            let sql = format!(
                "SELECT seq FROM patient_name_pairs WHERE term >= ?1 AND term < ?2{filters} LIMIT ?3"
            );
            let mut args = vec![start, end, found.room().to_string()];
            args.extend(framed);
            collect(conn, &sql, &args, MatchKind::NamePrefix, found, seen)?;
        }
        None => by_name_word(conn, words, found, seen)?,
    }
    by_sounds(conn, words, found, seen)
}

/// The exact and prefix tiers driven by one word's range in
/// `patient_terms`: a single word, or words of one character each.
fn by_name_word(
    conn: &Connection,
    words: &[String],
    found: &mut Found,
    seen: &mut HashSet<i64>,
) -> Result<(), StoreError> {
    let Some(driver_at) = driver(conn, words)? else {
        return Ok(());
    };
    let driver = &words[driver_at];
    let others: Vec<String> = words
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != driver_at)
        .map(|(_, w)| w.clone())
        .collect();
    let (filters, framed) = name_filters(&others, 3, |w| format!(" {w} "));
    let sql =
        format!("SELECT seq FROM patient_terms WHERE term = ?1{filters} ORDER BY seq LIMIT ?2");
    let mut args: Vec<String> = vec![driver.clone(), found.room().to_string()];
    args.extend(framed);
    collect(conn, &sql, &args, MatchKind::ExactName, found, seen)?;

    let (filters, framed) = name_filters(&others, 4, |w| format!(" {w}"));
    let sql =
        format!("SELECT seq FROM patient_terms WHERE term >= ?1 AND term < ?2{filters} LIMIT ?3");
    let mut args: Vec<String> = vec![driver.clone(), prefix_end(driver), found.room().to_string()];
    args.extend(framed);
    collect(conn, &sql, &args, MatchKind::NamePrefix, found, seen)
}

/// The sounds-alike tier: every word's key among the patient's keys. Two
/// different keys are read as their pair in `patient_name_pairs`; a single
/// key (or keys all alike) from `patient_terms`.
fn by_sounds(
    conn: &Connection,
    words: &[String],
    found: &mut Found,
    seen: &mut HashSet<i64>,
) -> Result<(), StoreError> {
    let mut keyed: Vec<(usize, String)> = words
        .iter()
        .filter_map(|w| {
            names::sounds(w)
                .into_iter()
                .next()
                .map(|k| (w.chars().count(), k))
        })
        .collect();
    // Words without a key (one letter, or not in Latin letters) are left out.
    if keyed.is_empty() {
        return Ok(());
    }
    keyed.sort_by_key(|(len, _)| std::cmp::Reverse(*len));
    let keys: Vec<String> = keyed.into_iter().map(|(_, k)| k).collect();
    let (filters, framed) = name_filters(&keys, 3, |k| format!(" {k} "));
    let term = match keys.iter().skip(1).find(|k| **k != keys[0]) {
        Some(other) => ("patient_name_pairs", names::key_pair(&keys[0], other)),
        None => ("patient_terms", format!("#{}", keys[0])),
    };
    let sql = format!(
        "SELECT seq FROM {} WHERE term = ?1{filters} ORDER BY seq LIMIT ?2",
        term.0
    );
    let mut args = vec![term.1, found.room().to_string()];
    args.extend(framed);
    collect(conn, &sql, &args, MatchKind::SoundsAlike, found, seen)
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
    let keys: Vec<String> = words
        .iter()
        .filter_map(|w| names::sounds(w).into_iter().next())
        .collect();
    if let (Some(birth), Some(first)) = (birth_date, keys.first()) {
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
        // Two different keys read only the patients holding both.
        let (table, term) = match keys.iter().rev().find(|k| *k != first) {
            Some(other) => ("patient_name_pairs", names::key_pair(first, other)),
            None => ("patient_terms", format!("#{first}")),
        };
        let mut args: Vec<String> = vec![
            term,
            from.format("%Y-%m-%d").to_string(),
            to.format("%Y-%m-%d").to_string(),
        ];
        let mut sql = format!("SELECT seq FROM {table} WHERE term = ?1 AND born BETWEEN ?2 AND ?3");
        for k in &keys {
            args.push(format!(" {k} "));
            sql.push_str(&format!(" AND instr(names, ?{}) > 0", args.len()));
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
    out.truncate(20);
    Ok(out)
}
