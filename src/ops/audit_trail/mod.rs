//! The audit trail as the administrator reads it: how long it is and its
//! head hash; the trail searched by patient, staff member,
//! action and local dates a page at a time; "who opened this patient's
//! record"; and the filtered events written out as CSV ([`export`]).
//!
//! Reading the trail is reading patient data (its events name patients and
//! what was done to them), so, as for the patient search, a search is one
//! SEARCH event saying its filter, written with its first page (its later
//! pages are the same search); who-opened is a READ event on the patient;
//! an export is an EXPORT event with the filter and the row count.

mod export;

pub use export::{default_export_path, export_csv};

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent, AuditRecord};
use crate::domain::audit_filter::{AuditFilter, PatientRef};
use crate::domain::clock::Tz;
use crate::domain::patient::Patient;
use crate::domain::role::Permission;
use crate::domain::time::format_ts;
use crate::error::{Error, Result};
use crate::store::audit_search::{self, TrailFilter};
use crate::store::portal::ACCESS_ACTIONS;
use crate::store::{Db, audit};

/// Events a page of the command line's `audit` holds.
pub const PAGE: usize = 200;

/// Events a page of the Admin tab's list holds: a tall terminal's list
/// (50 lines) at once. Each event the filters pick beyond their index is
/// one more row of the table read, at 10,000,000 events often a page off
/// the disk, so the screen reads what it shows and reads on as the
/// selection reaches the end.
pub const SCREEN_PAGE: usize = 40;

/// What reading the trail asks of the role.
const READING: &str = "read the audit trail";

/// How long the trail is and the hash of its latest event: what a copy of
/// the trail kept elsewhere is checked against.
pub struct Head {
    pub count: i64,
    pub hash: String,
}

/// Reads the trail's head (administrators only).
pub fn head(db: &Db, by: &Session) -> Result<Head> {
    by.require(Permission::Administer, READING)?;
    let (count, hash) = audit::head(db.conn())?;
    Ok(Head { count, hash })
}

/// Which page of a search to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The newest events: a new search, audited.
    First,
    /// The events older than this `seq`: the next page of the same search.
    Before(i64),
}

/// One page of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub events: Vec<AuditRecord>,
    /// Where the next (older) page starts, when there are older events.
    pub older: Option<Page>,
}

/// The store's filter for an administrator's: the patient with the records
/// merged into it, the dates as UTC bounds in the hospital's `zone`.
fn trail_filter(db: &Db, filter: &AuditFilter, zone: Tz) -> Result<TrailFilter> {
    let range = filter
        .utc_range(zone)
        .map_err(|e| Error::Refused(e.to_string()))?;
    let patients = match &filter.patient {
        Some(p) => audit_search::with_merged(db.conn(), p.id.as_str())?,
        None => Vec::new(),
    };
    Ok(TrailFilter {
        patients,
        actor: filter.staff.clone(),
        actions: filter.action.map(|a| a.to_string()).into_iter().collect(),
        staff_only: false,
        from: range.from.map(format_ts),
        until: range.until.map(format_ts),
    })
}

/// A page of `rows` of `f`'s events from `page`: one more row is read to
/// know whether older ones follow.
fn read_page(db: &Db, f: &TrailFilter, page: Page, rows: usize) -> Result<AuditPage> {
    let rows = rows.max(1);
    let before = match page {
        Page::First => None,
        Page::Before(seq) => Some(seq),
    };
    let mut events = audit_search::page(db.conn(), f, before, rows + 1)?;
    let older = (events.len() > rows).then(|| {
        events.truncate(rows);
        Page::Before(events.last().map_or(0, |e| e.seq))
    });
    Ok(AuditPage { events, older })
}

/// A page of `rows` events matching `filter` (its dates in the hospital's
/// `zone`), newest first (administrators only). The first page of a search
/// writes its SEARCH event, after reading: the page shows the trail as it
/// stood when searched.
pub fn search(
    db: &mut Db,
    by: &Session,
    filter: &AuditFilter,
    zone: Tz,
    page: Page,
    rows: usize,
) -> Result<AuditPage> {
    let found = browse(db, by, filter, zone, page, rows)?;
    if page == Page::First {
        let summary = format!(
            "searched the audit trail: {}: {}{} found",
            filter.describe(),
            found.events.len(),
            if found.older.is_some() { "+" } else { "" }
        );
        let event = patient_event(AuditAction::Search, summary, filter.patient.as_ref());
        record(db, by, event)?;
    }
    Ok(found)
}

/// [`search`] without its audit event: the page read alone (what the
/// search's later pages and the bench time).
pub fn browse(
    db: &Db,
    by: &Session,
    filter: &AuditFilter,
    zone: Tz,
    page: Page,
    rows: usize,
) -> Result<AuditPage> {
    by.require(Permission::Administer, READING)?;
    let f = trail_filter(db, filter, zone)?;
    read_page(db, &f, page, rows)
}

/// "Who opened this patient's record": the staff's READ, SEARCH, EXPORT
/// and BREAK_GLASS events on the patient and the records merged into it,
/// newest first, `rows` a page (administrators only). The first page is
/// a READ event on the patient.
pub fn who_opened(
    db: &mut Db,
    by: &Session,
    patient: &PatientRef,
    page: Page,
    rows: usize,
) -> Result<AuditPage> {
    by.require(Permission::Administer, READING)?;
    let f = TrailFilter {
        patients: audit_search::with_merged(db.conn(), patient.id.as_str())?,
        actions: ACCESS_ACTIONS.iter().map(|a| a.to_string()).collect(),
        staff_only: true,
        ..TrailFilter::default()
    };
    let found = read_page(db, &f, page, rows)?;
    if page == Page::First {
        let summary = format!("read who opened the record of {}", patient.mrn);
        record(
            db,
            by,
            patient_event(AuditAction::Read, summary, Some(patient)),
        )?;
    }
    Ok(found)
}

/// An event of reading the trail, on the patient when there is one.
fn patient_event(action: AuditAction, summary: String, patient: Option<&PatientRef>) -> AuditEvent {
    let e = AuditEvent::new(action, "audit_log", summary);
    match patient {
        Some(p) => e.for_patient(p.id.as_str()),
        None => e,
    }
}

/// Writes an event of reading the trail, the account checked again inside
/// the transaction.
fn record(db: &mut Db, by: &Session, event: AuditEvent) -> Result<()> {
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, READING)?;
        Ok::<_, Error>(((), vec![event]))
    })
}

/// The patient whose MRN is typed (with or without prefix, dashes or check
/// character), deleted and merged records included: the trail of any record
/// can be read. `None` when no record has it.
pub fn patient_by_mrn(db: &Db, by: &Session, typed: &str) -> Result<Option<Patient>> {
    by.require(Permission::Administer, READING)?;
    crate::ops::patients::by_typed_mrn(db, typed)
}
