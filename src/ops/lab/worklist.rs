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
use chrono::{DateTime, Duration, Utc};

/// How many orders a worklist shows.
pub const SHOWN: usize = 500;
/// How far back today's verified and rejected orders may have been made.
pub const LOOKBACK: Duration = Duration::days(14);

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
    pub version: i64,
    /// A result of the order is critical (LL or HH).
    pub has_critical: bool,
}

/// The orders of `view`, for a lab technician.
pub fn worklist(
    db: &mut Db,
    by: &Session,
    view: WorklistView,
    clock: Clock,
) -> Result<Vec<WorklistRow>> {
    by.require(Permission::RunLab, "see the lab's worklist")?;
    let (from, to) = day_bounds(clock.zone, clock.today());
    let today = |status| Filter::EndedWithin {
        status,
        since: from - LOOKBACK,
        from,
        to,
    };
    let filter = match view {
        WorklistView::Waiting => Filter::Open(OrderStatus::Ordered),
        WorklistView::Collected => Filter::Open(OrderStatus::Collected),
        WorklistView::InProgress => Filter::Open(OrderStatus::InProgress),
        WorklistView::Resulted => Filter::Open(OrderStatus::Resulted),
        WorklistView::Open => Filter::AllOpen,
        WorklistView::Verified => today(OrderStatus::Verified),
        WorklistView::Rejected => today(OrderStatus::Rejected),
    };
    let today = clock.today();
    Ok(store::lines(db.conn(), filter, SHOWN)?
        .into_iter()
        .map(|l| WorklistRow {
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
            version: l.version,
            has_critical: l.has_critical,
        })
        .collect())
}
