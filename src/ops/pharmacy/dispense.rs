//! Dispensing first-expiry-first-out: the plan of batches shown before
//! confirming, the dispense refused when the stock moved since, and the
//! ledger rows that dispensing against a prescription writes too.

use super::{asked, get_item, item_event, quantity_ok, recipient_mrn, today, units};
use crate::auth::{Session, authorize};
use crate::domain::audit::AuditAction;
use crate::domain::ids::Id;
use crate::domain::pharmacy::{Item, MovementKind, PlanError, Take, plan_dispense};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::billing::bills;
use crate::store::Db;
use crate::store::billing::BillOf;
use crate::store::pharmacy::{self as store, NewMovement};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Transaction;

fn plan_in(
    conn: &rusqlite::Connection,
    item: &Item,
    quantity: i64,
    today: NaiveDate,
) -> Result<Vec<Take>> {
    quantity_ok(quantity)?;
    let batches = store::batches(conn, &item.id)?;
    plan_dispense(&batches, quantity, today).map_err(|e| match e {
        PlanError::NotPositive => Error::Refused("the quantity must be at least 1".into()),
        PlanError::Short { available: 0 } => Error::Refused(format!(
            "no usable stock of {}: none can be dispensed (expired stock is never issued)",
            item.details.label()
        )),
        PlanError::Short { available } => Error::Refused(format!(
            "only {} usable in stock (expired batches left out): ask for {available} or less",
            units(available, item)
        )),
    })
}

/// The batches a dispense of `quantity` would take on `today`, to show
/// before confirming. Refused with the quantity available when short.
pub fn plan(
    db: &Db,
    by: &Session,
    item_id: &str,
    quantity: i64,
    today: NaiveDate,
) -> Result<Vec<Take>> {
    by.require(Permission::Dispense, "dispense")?;
    let item = get_item(db.conn(), item_id)?;
    if !item.active {
        return Err(Error::Refused(format!(
            "{} is deactivated: it cannot be dispensed",
            item.details.label()
        )));
    }
    plan_in(db.conn(), &item, quantity, today)
}

/// Dispenses first-expiry-first-out. `shown` is the choice the user saw
/// and confirmed: when the stock changed meanwhile the dispense is refused
/// so that nothing is issued that was not shown. More than the item's
/// largest plausible single dispense is refused with the question
/// ([`Error::AskFirst`]) until asked: see [`dispense_confirmed`].
pub fn dispense(
    db: &mut Db,
    by: &Session,
    item_id: &str,
    quantity: i64,
    patient_id: Option<&str>,
    shown: Option<&[Take]>,
    now: DateTime<Utc>,
) -> Result<Vec<Take>> {
    dispense_as(db, by, item_id, (quantity, false), patient_id, shown, now)
}

/// [`dispense`] after the person was asked its question and said yes; the
/// question and the answer go into the audit event.
pub fn dispense_confirmed(
    db: &mut Db,
    by: &Session,
    item_id: &str,
    quantity: i64,
    patient_id: Option<&str>,
    shown: Option<&[Take]>,
    now: DateTime<Utc>,
) -> Result<Vec<Take>> {
    dispense_as(db, by, item_id, (quantity, true), patient_id, shown, now)
}

fn dispense_as(
    db: &mut Db,
    by: &Session,
    item_id: &str,
    (quantity, confirmed): (i64, bool),
    patient_id: Option<&str>,
    shown: Option<&[Take]>,
    now: DateTime<Utc>,
) -> Result<Vec<Take>> {
    by.require(Permission::Dispense, "dispense")?;
    quantity_ok(quantity)?;
    let clock = db.clock(now)?;
    let today = today(&clock);
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Dispense, "dispense")?;
        let item = get_item(tx, item_id)?;
        if !item.active {
            return Err(Error::Refused(format!(
                "{} is deactivated: it cannot be dispensed",
                item.details.label()
            )));
        }
        let mrn = match patient_id {
            Some(pid) => Some(recipient_mrn(tx, pid)?),
            None => None,
        };
        let concerns: Vec<_> =
            crate::domain::stock_concerns::dispense_concern(quantity, item.details.max_dispense)
                .into_iter()
                .collect();
        // Asked after the refusals: a question before a "no" is pointless.
        let plan = plan_in(tx, &item, quantity, today)?;
        let answer = asked(&concerns, &item, confirmed)?;
        if let Some(shown) = shown
            && shown != plan.as_slice()
        {
            return Err(Error::Refused(
                "the stock moved since the batches were shown: nothing was dispensed; check the new choice".into(),
            ));
        }
        let seqs = issue(tx, by, &item, &plan, patient_id, "", now)?;
        // Dispensed to an admitted patient: charged on the admission's
        // bill. Without an admission there is no bill to charge here; a
        // dispense against a prescription is charged to its visit.
        let admission = match patient_id {
            Some(pid) => {
                crate::store::beds::active_admission_of(tx, &Id::from_stored(pid.to_string()))?
            }
            None => None,
        };
        let charges = match &admission {
            Some(a) => {
                let dispensed: Vec<(i64, &Take)> = seqs.iter().copied().zip(&plan).collect();
                bills::post_dispense_in(
                    tx,
                    BillOf::Admission(&a.id),
                    &item.details.label(),
                    &dispensed,
                    &by.user.id,
                    clock,
                )?
            }
            None => Vec::new(),
        };
        let batches = plan
            .iter()
            .map(|t| format!("{} from {}", t.quantity, t.batch_no))
            .collect::<Vec<_>>()
            .join(", ");
        let to = mrn.map(|m| format!(" to {m}")).unwrap_or_default();
        let mut e = item_event(
            AuditAction::Dispense,
            &item,
            format!(
                "dispensed {} of {}{to} ({batches}){answer}",
                units(quantity, &item),
                item.details.label()
            ),
        );
        if let Some(pid) = patient_id {
            e = e.for_patient(pid);
        }
        Ok::<_, Error>((plan, std::iter::once(e).chain(charges).collect()))
    })
}

/// Writes one dispense ledger row per batch of `plan`; returns their
/// sequence numbers, in the plan's order. Dispensing against a
/// prescription writes its rows through here too.
pub(crate) fn issue(
    tx: &Transaction,
    by: &Session,
    item: &Item,
    plan: &[Take],
    patient_id: Option<&str>,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut seqs = Vec::with_capacity(plan.len());
    for t in plan {
        seqs.push(store::insert_movement(
            tx,
            &NewMovement {
                batch_id: &t.batch_id,
                item_id: &item.id,
                kind: MovementKind::Dispense,
                quantity: -t.quantity,
                reason: "",
                reference,
                patient_id,
                actor_id: Some(by.user.id.as_str()),
            },
            now,
        )?);
    }
    Ok(seqs)
}
