//! Charges that post themselves from what happens to a patient: the
//! consultation of a completed appointment, charged on its visit's bill at
//! the tariff item of its appointment type; the consultation of a visit
//! started from the record without one, charged at `CONSULT` when its note
//! is signed; and the bed-days of an
//! admission, charged at the tariff item of the kind of ward each midnight
//! was spent in. Both post inside the transaction of the event that makes
//! them due, never twice for one source, and never at a made-up price: an
//! unpriced item posts nothing.

use super::bills::{Line, open_or_find_in, post_in, reverse_source_in};
use crate::domain::audit::AuditEvent;
use crate::domain::bed_days::{self, BedDay, Stay};
use crate::domain::beds::WardKind;
use crate::domain::billing::{REASON_MAX, ServiceGroup};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::error::Result;
use crate::store::beds;
use crate::store::billing::{self as store, BillOf, Charged, Source, TariffItem};
use crate::store::clinical::visits::Visit;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction};

/// The generic consultation item, charged when the appointment's type has
/// no priced item of its own.
pub const CONSULTATION: &str = "CONSULT";
/// The generic bed-day item, charged when the ward's kind has no priced
/// item of its own.
pub const BED_DAY: &str = "BED-DAY";

/// A tariff code's tail made from a name: capitals and digits, every other
/// run of characters one hyphen (`Follow up` → `FOLLOW-UP`).
fn code_tail(name: &str) -> String {
    let mut tail = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            tail.push(c.to_ascii_uppercase());
        } else if !tail.is_empty() && !tail.ends_with('-') {
            tail.push('-');
        }
    }
    tail.trim_end_matches('-').to_string()
}

/// The consultation item for an appointment type: `CONSULT-<TYPE>`.
pub fn consultation_code(type_name: &str) -> String {
    format!("{CONSULTATION}-{}", code_tail(type_name))
}

/// The bed-day item for a kind of ward: `BED-<KIND>` (`BED-ICU`).
pub fn bed_day_code(kind: WardKind) -> String {
    format!("BED-{}", code_tail(&kind.to_string()))
}

/// The first of `codes` that is an item of `group` with a price on `day`.
fn priced(
    conn: &Connection,
    codes: &[&str],
    group: ServiceGroup,
    day: NaiveDate,
) -> Result<Option<(TariffItem, i64)>> {
    for code in codes {
        if let Some(item) = store::tariff_item_by_code(conn, code)?
            && item.group == group
            && let Some(price) = store::price_on(conn, &item.id, day)?
        {
            return Ok(Some((item, price)));
        }
    }
    Ok(None)
}

/// Posts the consultation of `visit` (an appointment of type `type_name`,
/// completed now) on the visit's bill, inside the caller's transaction:
/// at the price of the day of `CONSULT-<TYPE>`, else of `CONSULT`; nothing
/// when neither is priced, or when the visit's consultation stands charged.
pub fn post_consultation_in(
    tx: &Transaction,
    visit: &Visit,
    type_name: &str,
    by: &Id,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    let own = consultation_code(type_name);
    post_consultation_at(tx, visit, &[own.as_str(), CONSULTATION], by, clock)
}

/// Posts the consultation of a visit started from the record without an
/// appointment (its note signed now), inside the caller's transaction: at
/// the price of the day of `CONSULT`; nothing when it is unpriced, or when
/// the visit's consultation stands charged.
pub fn post_unbooked_consultation_in(
    tx: &Transaction,
    visit: &Visit,
    by: &Id,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    post_consultation_at(tx, visit, &[CONSULTATION], by, clock)
}

/// Posts `visit`'s consultation at the first of `codes` priced today.
fn post_consultation_at(
    tx: &Transaction,
    visit: &Visit,
    codes: &[&str],
    by: &Id,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    let source = Source::Visit(visit.id.clone());
    if !store::standing_charges_of(tx, &source)?.is_empty() {
        return Ok(Vec::new());
    }
    let Some((item, price)) = priced(tx, codes, ServiceGroup::Consultation, clock.today())? else {
        return Ok(Vec::new());
    };
    let (bill, opened) = open_or_find_in(tx, BillOf::Visit(&visit.id), clock)?;
    let (_, e) = post_in(
        tx,
        &bill,
        &Line {
            source,
            charged: Charged::Tariff(item.id.clone()),
            description: &item.name,
            quantity: 1,
            unit_price: price,
        },
        by,
        clock,
    )?;
    Ok(opened.into_iter().chain([e]).collect())
}

/// Reverses the visit's consultation charge (its appointment's completion
/// undone), inside the caller's transaction, with the reason.
pub fn reverse_consultation_in(
    tx: &Transaction,
    visit: &Id,
    reason: &str,
    by: &Id,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    // The undo's reason, kept to what a reversal's reason holds.
    let reason: String = reason.chars().take(REASON_MAX).collect();
    reverse_source_in(tx, &Source::Visit(visit.clone()), &reason, by, clock)
}

/// A bed-day not yet charged, with the item and price it is charged at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayDue {
    pub day: BedDay<WardKind>,
    pub item: TariffItem,
    pub price: i64,
}

/// The priced bed-days of `admission` counted up to `until` that have not
/// been posted, from the stays `stays` (the file's, or as they will be).
fn days_due_of(
    conn: &Connection,
    admission: &Id,
    stays: &[Stay<WardKind>],
    clock: Clock,
    until: DateTime<Utc>,
) -> Result<Vec<DayDue>> {
    let mut due = Vec::new();
    for day in bed_days::bed_days(stays, clock.zone, until) {
        if store::posted_from(conn, &Source::AdmissionDay(admission.clone(), day.day))? {
            continue;
        }
        let own = bed_day_code(day.kind);
        if let Some((item, price)) = priced(
            conn,
            &[own.as_str(), BED_DAY],
            ServiceGroup::BedDay,
            day.day,
        )? {
            due.push(DayDue { day, item, price });
        }
    }
    Ok(due)
}

/// The bed-days a discharge now would post: those counted with the stay
/// ending at the clock's instant, priced and not yet posted.
pub fn days_due_at_discharge(
    conn: &Connection,
    admission: &Id,
    clock: Clock,
) -> Result<Vec<DayDue>> {
    let mut stays = beds::ward_stays_of(conn, admission)?;
    if let Some(last) = stays.last_mut()
        && last.to.is_none()
    {
        last.to = Some(clock.now);
    }
    days_due_of(conn, admission, &stays, clock, clock.now)
}

/// Posts the bed-days of `admission` that are due by the clock and not yet
/// posted, inside the caller's transaction, each on the admission's open
/// bill at its day's price. Safe to run in any transaction touching the
/// admission: a day once posted (even if reversed since) is never posted
/// again.
pub fn post_bed_days_in(
    tx: &Transaction,
    admission: &Id,
    by: &Id,
    clock: Clock,
) -> Result<Vec<AuditEvent>> {
    let stays = beds::ward_stays_of(tx, admission)?;
    let due = days_due_of(tx, admission, &stays, clock, clock.now)?;
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let (bill, opened) = open_or_find_in(tx, BillOf::Admission(admission), clock)?;
    let mut events: Vec<AuditEvent> = opened.into_iter().collect();
    for d in due {
        let description = format!("{} ({})", d.item.name, d.day.day);
        let (_, e) = post_in(
            tx,
            &bill,
            &Line {
                source: Source::AdmissionDay(admission.clone(), d.day.day),
                charged: Charged::Tariff(d.item.id.clone()),
                description: &description,
                quantity: 1,
                unit_price: d.price,
            },
            by,
            clock,
        )?;
        events.push(e);
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_made_from_the_hospitals_names() {
        assert_eq!(consultation_code("Follow up"), "CONSULT-FOLLOW-UP");
        assert_eq!(consultation_code(" antenatal "), "CONSULT-ANTENATAL");
        assert_eq!(consultation_code("New / review"), "CONSULT-NEW-REVIEW");
        assert_eq!(bed_day_code(WardKind::Icu), "BED-ICU");
        assert_eq!(bed_day_code(WardKind::Maternity), "BED-MATERNITY");
    }
}
