//! Orders and specimens: a clinician orders tests (one order, accession
//! number and label per specimen) or cancels an order before collection;
//! the lab collects the specimen, or rejects it with a reason the
//! clinician sees.

use super::{LabOrder, check_version, load};
use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::lab::order::{
    NOTES_MAX, OrderStatus, RejectReason, check_note, group_by_specimen,
};
use crate::domain::prescribing::Priority;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::billing::bills::{self, PricedTest};
use crate::ops::clinical::{self, event};
use crate::store::billing::{BillOf, Source};
use crate::store::clinical::visits;
use crate::store::lab_orders::{self as store, Ending, NewOrder};
use crate::store::{Db, beds, lab as catalogue};
use chrono::{DateTime, Utc};

/// What a clinician asks the lab for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderInput<'a> {
    pub patient: &'a Id,
    /// The visit it is ordered from; none for an admitted patient (the
    /// order is for the active admission).
    pub visit: Option<&'a Id>,
    /// Catalogue codes of the tests (`K`, `FBC`), any case.
    pub tests: &'a [&'a str],
    pub priority: Priority,
    /// What the lab should know (the question asked), optional.
    pub clinical_notes: &'a str,
}

/// A doctor or nurse orders tests for a patient in their care: one order
/// per specimen type, each with the next accession number, from the given
/// visit or for the patient's active admission.
pub fn order(db: &mut Db, by: &Session, input: &OrderInput, clock: Clock) -> Result<Vec<LabOrder>> {
    let notes = input.clinical_notes.trim();
    if notes.chars().count() > NOTES_MAX {
        return Err(Error::Refused(format!(
            "the clinical notes are longer than {NOTES_MAX} characters: shorten them"
        )));
    }
    crate::domain::text::refuse_control("clinical notes", notes, true).map_err(Error::Refused)?;
    if input.tests.iter().all(|t| t.trim().is_empty()) {
        return Err(Error::Refused("choose at least one test to order".into()));
    }
    clinical::write(
        db,
        by,
        Permission::OrderLabTests,
        "order laboratory tests",
        |tx| {
            let patient = clinical::patient_in_use(tx, input.patient)?;
            clinical::require_whole_record(tx, by, &patient.id, clock)?;
            let admission = beds::active_admission_of(tx, &patient.id)?.map(|a| a.id);
            if let Some(v) = input.visit {
                let visit = visits::visit_by_id(tx, v)?.ok_or_else(|| {
                    Error::NotFound("that visit is not in this hospital file".into())
                })?;
                if visit.patient_id != patient.id {
                    return Err(Error::Refused(format!(
                        "that visit is another patient's: order from a visit of {}",
                        patient.mrn
                    )));
                }
            }
            // An admitted patient's tests go on the admission's bill.
            let bill_of = match (admission.as_ref(), input.visit) {
                (Some(a), _) => BillOf::Admission(a),
                (None, Some(v)) => BillOf::Visit(v),
                (None, None) => {
                    return Err(Error::Refused(format!(
                        "{} has no visit chosen and is not admitted: open their visit and order from it",
                        patient.mrn
                    )));
                }
            };
            let mut found = Vec::new();
            let mut problems = Vec::new();
            for code in input
                .tests
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
            {
                match catalogue::by_code(tx, code)? {
                    Some(t) if store::test_is_active(tx, &t.id)? => found.push(t),
                    Some(t) => problems.push(format!(
                        "{} ({}) is no longer offered by the lab",
                        t.test.code, t.test.name
                    )),
                    None => problems.push(format!("the lab has no test {code:?}")),
                }
            }
            if !problems.is_empty() {
                return Err(Error::Refused(format!(
                    "{}: search the catalogue and choose again",
                    problems.join("; ")
                )));
            }
            let groups =
                group_by_specimen(&found, |t| t.test.specimen.as_str(), |a, b| a.id == b.id);
            let mut ids = Vec::new();
            let mut events = Vec::new();
            for g in &groups {
                let accession = store::next_accession(tx)?;
                let test_ids: Vec<Id> = g.tests.iter().map(|t| t.id.clone()).collect();
                let id = store::insert(
                    tx,
                    &NewOrder {
                        accession,
                        patient: &patient.id,
                        visit: input.visit,
                        admission: admission.as_ref(),
                        ordered_by: &by.user.id,
                        priority: input.priority,
                        specimen: &g.specimen,
                        clinical_notes: notes,
                        tests: &test_ids,
                    },
                    clock.now,
                )?;
                let priced: Vec<PricedTest> = g
                    .tests
                    .iter()
                    .map(|t| PricedTest {
                        id: &t.id,
                        name: &t.test.name,
                        price: t.test.price,
                    })
                    .collect();
                let charges =
                    bills::post_lab_order_in(tx, &id, bill_of, &priced, &by.user.id, clock)?;
                let names: Vec<&str> = g.tests.iter().map(|t| t.test.name.as_str()).collect();
                events.push(event(
                    AuditAction::LabOrder,
                    "lab_order",
                    &id,
                    &patient.id,
                    format!(
                        "ordered {accession} for {} ({}): {}, {}",
                        patient.mrn,
                        g.specimen,
                        names.join(", "),
                        input.priority
                    ),
                ));
                events.extend(charges);
                ids.push(id);
            }
            let orders = ids
                .iter()
                .map(|id| load(tx, id))
                .collect::<Result<Vec<_>>>()?;
            Ok((orders, events))
        },
    )
}

/// A step on an order by `by` with `p`: the order loaded, its version
/// checked, the change made, the order read back.
fn step(
    db: &mut Db,
    by: &Session,
    p: Permission,
    doing: &str,
    order: &Id,
    version: i64,
    change: impl FnOnce(
        &rusqlite::Transaction,
        &LabOrder,
    ) -> Result<Vec<crate::domain::audit::AuditEvent>>,
) -> Result<LabOrder> {
    clinical::write(db, by, p, doing, |tx| {
        let o = load(tx, order)?;
        check_version(&o, version)?;
        let events = change(tx, &o)?;
        Ok((load(tx, order)?, events))
    })
}

/// A clinician cancels an order whose specimen is not yet collected, with
/// a note saying why.
pub fn cancel(
    db: &mut Db,
    by: &Session,
    order: &Id,
    version: i64,
    note: &str,
    clock: Clock,
) -> Result<LabOrder> {
    let note = check_note(note, "reason for cancelling", true)
        .map_err(Error::Refused)?
        .unwrap_or_default();
    step(
        db,
        by,
        Permission::OrderLabTests,
        "cancel lab orders",
        order,
        version,
        |tx, o| {
            clinical::require_whole_record(tx, by, &o.patient_id, clock)?;
            if o.status != OrderStatus::Ordered {
                return Err(Error::Refused(format!(
                    "{} is {}: only an order waiting for collection can be cancelled; ask the lab to reject the specimen",
                    o.accession,
                    o.status.label()
                )));
            }
            store::end(
                tx,
                &o.id,
                version,
                Ending::Cancelled(&note),
                &by.user.id,
                clock.now,
            )?;
            let reversals = bills::reverse_source_in(
                tx,
                &Source::LabOrder(o.id.clone()),
                &format!("{} cancelled: {note}", o.accession),
                &by.user.id,
                clock,
            )?;
            Ok(std::iter::once(event(
                AuditAction::CancelLabOrder,
                "lab_order",
                &o.id,
                &o.patient_id,
                format!("cancelled {}: {note}", o.accession),
            ))
            .chain(reversals)
            .collect())
        },
    )
}

/// The lab records the specimen collected, at `at` (now when none; never
/// in the future, never before the order).
pub fn collect(
    db: &mut Db,
    by: &Session,
    order: &Id,
    version: i64,
    at: Option<DateTime<Utc>>,
    clock: Clock,
) -> Result<LabOrder> {
    let at = at.unwrap_or(clock.now);
    if at > clock.now {
        return Err(Error::Refused(
            "the collection time is in the future: type when the specimen was taken".into(),
        ));
    }
    step(
        db,
        by,
        Permission::RunLab,
        "collect specimens",
        order,
        version,
        |tx, o| {
            if o.status != OrderStatus::Ordered {
                return Err(Error::Refused(format!(
                    "{} is {}: its specimen was collected or the order ended already",
                    o.accession,
                    o.status.label()
                )));
            }
            if at < o.ordered_at {
                return Err(Error::Refused(format!(
                    "{} was ordered at {}: the collection time cannot be earlier",
                    o.accession,
                    clock.at(o.ordered_at).format("%Y-%m-%d %H:%M")
                )));
            }
            store::collect(tx, &o.id, version, &by.user.id, at)?;
            Ok(vec![event(
                AuditAction::CollectSpecimen,
                "lab_order",
                &o.id,
                &o.patient_id,
                format!("collected the specimen of {} ({})", o.accession, o.specimen),
            )])
        },
    )
}

/// The lab rejects a specimen (haemolysed, clotted…) before its results
/// are complete; "other" needs a note. The ordering clinician sees why.
pub fn reject(
    db: &mut Db,
    by: &Session,
    order: &Id,
    version: i64,
    reason: RejectReason,
    note: Option<&str>,
    clock: Clock,
) -> Result<LabOrder> {
    let note = check_note(
        note.unwrap_or(""),
        "note saying why",
        reason == RejectReason::Other,
    )
    .map_err(Error::Refused)?;
    step(
        db,
        by,
        Permission::RunLab,
        "reject specimens",
        order,
        version,
        |tx, o| {
            if !matches!(
                o.status,
                OrderStatus::Ordered | OrderStatus::Collected | OrderStatus::InProgress
            ) {
                return Err(Error::Refused(format!(
                    "{} is {}: a specimen is rejected before all its results are entered; correct a wrong result instead",
                    o.accession,
                    o.status.label()
                )));
            }
            store::end(
                tx,
                &o.id,
                version,
                Ending::Rejected(reason, note.as_deref()),
                &by.user.id,
                clock.now,
            )?;
            let reversals = bills::reverse_source_in(
                tx,
                &Source::LabOrder(o.id.clone()),
                &format!(
                    "the specimen of {} was rejected: {}",
                    o.accession,
                    reason.label()
                ),
                &by.user.id,
                clock,
            )?;
            Ok(std::iter::once(event(
                AuditAction::RejectSpecimen,
                "lab_order",
                &o.id,
                &o.patient_id,
                format!(
                    "rejected the specimen of {}: {}",
                    o.accession,
                    reason.label()
                ),
            ))
            .chain(reversals)
            .collect())
        },
    )
}
