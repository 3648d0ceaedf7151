//! The lab technician's worklist: orders waiting for collection, collected,
//! in progress, resulted (waiting for verification), all open ones, and
//! today's verified and rejected ones; stat first, then urgent, then
//! routine, oldest first.

use crate::auth::Session;
use crate::domain::clock::{Clock, day_bounds};
use crate::domain::ids::Id;
use crate::domain::lab::accession::Accession;
use crate::domain::lab::order::OrderStatus;
use crate::domain::patient::{Sex, age_years, full_name};
use crate::domain::prescribing::Priority;
use crate::domain::role::Permission;
use crate::error::Result;
use crate::store::Db;
use crate::store::lab_orders::worklist::{self as store, Filter};
use chrono::{DateTime, Utc};
use std::ops::Range;

/// How many orders a list holds at most (its count says how many there are).
pub const SHOWN: usize = 5_000;

/// Which orders the worklist shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum WorklistView {
    /// Waiting for collection.
    Waiting,
    Collected,
    InProgress,
    /// Every result entered, waiting for verification.
    Resulted,
    /// Verified today.
    Verified,
    /// Rejected today.
    Rejected,
    /// Every order not yet verified, rejected or cancelled.
    Open,
}

impl WorklistView {
    /// The view lists orders done with (verified or rejected), not waiting.
    pub fn ended(self) -> bool {
        matches!(self, WorklistView::Verified | WorklistView::Rejected)
    }

    /// How the lab names the view.
    pub fn label(self) -> &'static str {
        match self {
            WorklistView::Waiting => "waiting for collection",
            WorklistView::Collected => "collected",
            WorklistView::InProgress => "in progress",
            WorklistView::Resulted => "to verify",
            WorklistView::Verified => "verified today",
            WorklistView::Rejected => "rejected today",
            WorklistView::Open => "all open",
        }
    }
}

/// One order on the worklist.
#[derive(Debug, Clone, PartialEq)]
pub struct WorklistRow {
    pub order_id: Id,
    pub accession: Accession,
    pub priority: Priority,
    pub status: OrderStatus,
    pub patient_id: Id,
    pub patient_name: String,
    pub mrn: String,
    pub sex: Sex,
    /// In whole years, today.
    pub age: i32,
    /// `Medical MED-01` when the patient is admitted.
    pub ward_bed: Option<String>,
    /// The tests' codes, in the order asked.
    pub tests: Vec<String>,
    pub specimen: String,
    pub ordered_at: DateTime<Utc>,
    pub ordered_by_name: String,
    pub collected_at: Option<DateTime<Utc>>,
    /// When the order was verified, rejected or cancelled.
    pub ended_at: Option<DateTime<Utc>>,
    pub version: i64,
    /// A result of the order is critical (LL or HH).
    pub has_critical: bool,
}

/// A list of the worklist: its orders in order, and the rows read so far
/// (a screen reads those it shows, see [`read_rows`]).
#[derive(Debug, Clone, Default)]
pub struct Worklist {
    orders: Vec<Id>,
    rows: Vec<Option<WorklistRow>>,
}

impl Worklist {
    /// How many orders the list holds.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }

    /// The `i`th order's row, once read.
    pub fn row(&self, i: usize) -> Option<&WorklistRow> {
        self.rows.get(i).and_then(Option::as_ref)
    }

    /// Where the order `id` stands in the list.
    pub fn position(&self, id: &Id) -> Option<usize> {
        self.orders.iter().position(|o| o == id)
    }

    /// The rows read, in the list's order.
    pub fn rows(&self) -> impl Iterator<Item = &WorklistRow> {
        self.rows.iter().flatten()
    }
}

fn filter(view: WorklistView, clock: Clock) -> Filter {
    let (from, to) = day_bounds(clock.zone, clock.today());
    match view {
        WorklistView::Waiting => Filter::Open(OrderStatus::Ordered),
        WorklistView::Collected => Filter::Open(OrderStatus::Collected),
        WorklistView::InProgress => Filter::Open(OrderStatus::InProgress),
        WorklistView::Resulted => Filter::Open(OrderStatus::Resulted),
        WorklistView::Open => Filter::AllOpen,
        WorklistView::Verified => Filter::VerifiedWithin { from, to },
        WorklistView::Rejected => Filter::RejectedWithin { from, to },
    }
}

/// The orders of `view`, for a lab technician, in the worklist's order
/// (stat, urgent, routine; the oldest first), none of their rows read yet.
pub fn worklist(db: &mut Db, by: &Session, view: WorklistView, clock: Clock) -> Result<Worklist> {
    by.require(Permission::RunLab, "see the lab's worklist")?;
    let orders = store::order_ids(db.conn(), filter(view, clock), SHOWN)?;
    Ok(Worklist {
        rows: vec![None; orders.len()],
        orders,
    })
}

/// How many orders `view` holds.
pub fn count(db: &mut Db, by: &Session, view: WorklistView, clock: Clock) -> Result<usize> {
    by.require(Permission::RunLab, "see the lab's worklist")?;
    Ok(store::count(db.conn(), filter(view, clock))?)
}

/// Reads the rows of the orders at `range` of `list` not yet read (a
/// range past the end reads what there is).
pub fn read_rows(
    db: &mut Db,
    by: &Session,
    list: &mut Worklist,
    range: Range<usize>,
    clock: Clock,
) -> Result<()> {
    by.require(Permission::RunLab, "see the lab's worklist")?;
    let end = range.end.min(list.orders.len());
    let wanted: Vec<Id> = (range.start.min(end)..end)
        .filter(|&i| list.rows[i].is_none())
        .map(|i| list.orders[i].clone())
        .collect();
    let today = clock.today();
    for l in store::lines_of(db.conn(), &wanted)? {
        let Some(i) = list.position(&l.order_id) else {
            continue;
        };
        list.rows[i] = Some(WorklistRow {
            patient_name: full_name(&l.given_name, &l.middle_name, &l.family_name),
            age: age_years(l.birth_date, today),
            ward_bed: l.ward.zip(l.bed).map(|(w, b)| format!("{w} {b}")),
            order_id: l.order_id,
            accession: l.accession,
            priority: l.priority,
            status: l.status,
            patient_id: l.patient_id,
            mrn: l.mrn,
            sex: l.sex,
            tests: l.tests,
            specimen: l.specimen,
            ordered_at: l.ordered_at,
            ordered_by_name: l.ordered_by_name,
            collected_at: l.collected_at,
            ended_at: l.ended_at,
            version: l.version,
            has_critical: l.has_critical,
        });
    }
    Ok(())
}
