//! The laboratory's work on orders: clinicians order tests (one order per
//! specimen) and acknowledge critical results; lab technicians collect or
//! reject specimens, enter results, verify them (a second technician, or
//! the same one where the hospital allows it, typed and audited) and
//! correct verified ones by a new version. Reading an order's detail is an
//! audited read of the patient's record: clinicians see verified values
//! only, the lab sees everything.

pub mod label;
pub mod orders;
pub mod record;
pub mod reports;
pub mod results;
pub mod worklist;

pub use crate::store::lab_orders::results::LabResult;
pub use crate::store::lab_orders::{LabOrder, OrderedTest};
pub use orders::{OrderInput, cancel, collect, order, reject};
pub use results::{acknowledge, correct, enter_results, verify};
pub use worklist::{Worklist, WorklistRow, WorklistView, count, read_rows, worklist};

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::lab::Analyte;
use crate::domain::lab::accession::Accession;
use crate::domain::patient::Sex;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical;
use crate::store::lab_orders::{self as store, results as result_store};
use crate::store::{Db, lab as catalogue, patients};
use chrono::NaiveDate;
use rusqlite::Connection;

/// Who an order's patient is, as a specimen label and the lab's screens
/// show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientTag {
    pub id: Id,
    pub name: String,
    pub mrn: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub birth_date_estimated: bool,
}

/// One analyte of an ordered test and its results.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyteResults {
    pub analyte_id: Id,
    pub analyte: Analyte,
    /// The value shown: for the lab the newest version; for a clinician
    /// the newest verified one.
    pub current: Option<LabResult>,
    /// The versions it replaced (corrected), newest first.
    pub history: Vec<LabResult>,
    /// A newer value waits for verification (shown to a clinician as
    /// "pending").
    pub pending: bool,
}

/// One ordered test with its analytes.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResults {
    pub test: OrderedTest,
    pub analytes: Vec<AnalyteResults>,
}

/// An order as the lab or a clinician opens it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderDetail {
    pub order: LabOrder,
    pub patient: PatientTag,
    pub tests: Vec<TestResults>,
    /// Whether unverified values are shown (a lab technician's view).
    pub lab_view: bool,
}

impl OrderDetail {
    /// The analyte with this code, in the first test that has it.
    pub fn analyte(&self, code: &str) -> Option<&AnalyteResults> {
        self.tests
            .iter()
            .flat_map(|t| &t.analytes)
            .find(|a| a.analyte.code.eq_ignore_ascii_case(code))
    }
}

/// The order, or a sentence saying it is not in the file.
pub(crate) fn load(conn: &Connection, order: &Id) -> Result<LabOrder> {
    store::get(conn, order)?
        .ok_or_else(|| Error::NotFound("that lab order is not in this hospital file".into()))
}

/// Refuses a step made on an older version of the order.
pub(crate) fn check_version(o: &LabOrder, version: i64) -> Result<()> {
    if o.version == version {
        Ok(())
    } else {
        Err(Error::Refused(format!(
            "another terminal changed {} first (it is now {}): open it again to see where it stands, then try again",
            o.accession,
            o.status.label()
        )))
    }
}

/// Whether `by` sees the lab's view of an order (a lab technician) or a
/// clinician's (the care rule of the clinical record applies).
fn lab_view(conn: &Connection, by: &Session, patient: &Id, clock: Clock) -> Result<bool> {
    if by.role().can(Permission::RunLab) {
        return Ok(true);
    }
    by.require(Permission::ViewClinicalRecord, "see laboratory results")?;
    clinical::require_whole_record(conn, by, patient, clock)?;
    Ok(false)
}

/// An ordered test with its active analytes, each with its id.
pub(crate) type TestAnalytes = (OrderedTest, Vec<(Id, Analyte)>);

/// The tests of an order with their analytes (and the analytes' ids).
pub(crate) fn analytes_of_order(conn: &Connection, o: &LabOrder) -> Result<Vec<TestAnalytes>> {
    o.tests
        .iter()
        .map(|t| {
            Ok((
                t.clone(),
                catalogue::analytes_with_ids(conn, t.test_id.as_str())?,
            ))
        })
        .collect()
}

/// An analyte's versions, first entry first, each numbered.
pub(crate) fn chain(all: &[LabResult], analyte: &Id) -> Vec<LabResult> {
    let mut out: Vec<LabResult> = Vec::new();
    let mut next = all
        .iter()
        .find(|r| &r.analyte_id == analyte && r.corrects_id.is_none());
    while let Some(r) = next {
        let mut r = r.clone();
        r.version = out.len() as u32 + 1;
        next = all.iter().find(|c| c.corrects_id.as_ref() == Some(&r.id));
        out.push(r);
        if out.len() > all.len() {
            break;
        }
    }
    out
}

/// Builds an order's detail for the lab (`lab_view`) or a clinician.
pub(crate) fn build_detail(
    conn: &Connection,
    order: LabOrder,
    lab_view: bool,
) -> Result<OrderDetail> {
    let analytes = analytes_of_order(conn, &order)?;
    detail_from(conn, order, analytes, lab_view)
}

/// As [`build_detail`], with the order's tests and analytes read already.
pub(crate) fn detail_from(
    conn: &Connection,
    order: LabOrder,
    ordered: Vec<TestAnalytes>,
    lab_view: bool,
) -> Result<OrderDetail> {
    let p = patients::get(conn, &order.patient_id)?.ok_or_else(|| {
        Error::NotFound("that order's patient is not in this hospital file".into())
    })?;
    let all = result_store::of_order(conn, &order.id)?;
    let mut tests = Vec::new();
    for (test, analytes) in ordered {
        let analytes = analytes
            .into_iter()
            .map(|(analyte_id, analyte)| {
                let mut versions = chain(&all, &analyte_id);
                let pending = !lab_view && versions.last().is_some_and(|r| !r.is_verified());
                if !lab_view {
                    versions.retain(LabResult::is_verified);
                }
                let current = versions.pop();
                versions.reverse();
                AnalyteResults {
                    analyte_id,
                    analyte,
                    current,
                    history: versions,
                    pending,
                }
            })
            .collect();
        tests.push(TestResults { test, analytes });
    }
    Ok(OrderDetail {
        patient: PatientTag {
            id: p.id.clone(),
            name: p.details.full_name(),
            mrn: p.mrn.clone(),
            sex: p.details.sex,
            birth_date: p.details.birth_date,
            birth_date_estimated: p.details.birth_date_estimated,
        },
        order,
        tests,
        lab_view,
    })
}

fn read_detail(
    db: &mut Db,
    by: &Session,
    find: impl FnOnce(&Connection) -> Result<LabOrder>,
    clock: Clock,
) -> Result<OrderDetail> {
    db.write(&by.actor(), |tx| {
        let o = find(tx)?;
        let lab = lab_view(tx, by, &o.patient_id, clock)?;
        let event = clinical::event(
            AuditAction::Read,
            "lab_order",
            &o.id,
            &o.patient_id,
            format!("opened lab order {}", o.accession),
        );
        Ok((build_detail(tx, o, lab)?, vec![event]))
    })
}

/// An order with its patient and results, for a lab technician (every
/// value) or a clinician whose patient it is (verified values only); an
/// audited read.
pub fn detail(db: &mut Db, by: &Session, order: &Id, clock: Clock) -> Result<OrderDetail> {
    read_detail(db, by, |c| load(c, order), clock)
}

/// The order with this accession number (typed or scanned from its
/// label), as [`detail`] shows it.
pub fn by_accession(
    db: &mut Db,
    by: &Session,
    accession: &Accession,
    clock: Clock,
) -> Result<OrderDetail> {
    read_detail(
        db,
        by,
        |c| {
            store::by_accession(c, *accession)?.ok_or_else(|| {
                Error::NotFound(format!(
                    "no lab order has accession number {accession}: check the label"
                ))
            })
        },
        clock,
    )
}
