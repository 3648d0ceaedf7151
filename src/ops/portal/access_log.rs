//! "Who opened my record": the accounting of staff access to the patient's
//! own record, from the audit trail, newest first, a page at a time.

use super::{Section, own_patient, viewed};
use crate::auth::Session;
use crate::domain::clock::{Clock, Tz};
use crate::domain::role::Role;
use crate::error::Result;
use crate::store::Db;
use crate::store::portal as store;
use chrono::DateTime;

/// How many accesses a page lists.
pub const ACCESS_PAGE: usize = 25;

/// One access by a member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    /// In the hospital's time zone.
    pub at: DateTime<Tz>,
    pub staff_name: String,
    /// `doctor`, `nurse`, `receptionist`, …
    pub role: String,
    /// What they did: `opened`, `found in a search`, `exported`, `broke
    /// the glass to open`.
    pub action: &'static str,
    /// What of the record (`clinical record`, `laboratory results`).
    pub what: String,
}

/// One page of the accesses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPage {
    pub entries: Vec<AccessEntry>,
    /// From 1.
    pub page: usize,
    /// At least 1.
    pub pages: usize,
    pub total: usize,
}

fn action_words(action: &str) -> &'static str {
    match action {
        "READ" => "opened",
        "SEARCH" => "found in a search",
        "EXPORT" => "exported",
        "BREAK_GLASS" => "broke the glass to open",
        _ => "opened",
    }
}

fn entity_words(entity: &str) -> String {
    match entity {
        "patient" => "your registration details".into(),
        "clinical_record" => "your clinical record".into(),
        "allergy" => "your allergies".into(),
        "lab_results" => "your laboratory results".into(),
        "lab_order" => "a laboratory order".into(),
        "mar" => "your medication chart".into(),
        "prescription" => "a prescription".into(),
        "bill" => "your bills".into(),
        "payment" => "a payment or receipt".into(),
        "appointment" => "your appointments".into(),
        "bed_board" => "the ward's bed board".into(),
        "worklist" => "the laboratory worklist".into(),
        other => other.replace('_', " "),
    }
}

fn role_words(role: &str) -> String {
    role.parse::<Role>()
        .map(|r| r.label().to_string())
        .unwrap_or_else(|_| role.to_string())
}

/// Page `page` (from 1; past the end, the last) of the staff accesses to
/// the patient's record, newest first; the patient's own views are not
/// listed. Viewing it is a READ event.
pub fn who_opened(db: &mut Db, by: &Session, clock: Clock, page: usize) -> Result<AccessPage> {
    let own = own_patient(db, by)?;
    let conn = db.conn();
    let total = store::staff_access_count(conn, own.id())?;
    let pages = total.div_ceil(ACCESS_PAGE).max(1);
    let page = page.clamp(1, pages);
    let entries = store::staff_accesses(conn, own.id(), ACCESS_PAGE, (page - 1) * ACCESS_PAGE)?
        .into_iter()
        .map(|a| AccessEntry {
            at: a.at.with_timezone(&clock.zone),
            staff_name: a.name,
            role: role_words(&a.role),
            action: action_words(&a.action),
            what: entity_words(&a.entity),
        })
        .collect();
    viewed(
        db,
        by,
        &own,
        Section::WhoOpened,
        format!("page {page} of {pages}"),
    )?;
    Ok(AccessPage {
        entries,
        page,
        pages,
        total,
    })
}
