//! The laboratory's steps on a [`Clinic`], each at the time given: a
//! clinician orders tests, the lab collects the specimen, enters results
//! and verifies them. Each step panics with the refusal when it fails, and
//! reads the order's current version itself.

use super::clinic::Clinic;
use chrono::{DateTime, Utc};
use wardline::auth::Session;
use wardline::domain::clock::Clock;
use wardline::domain::ids::Id;
use wardline::domain::prescribing::Priority;
use wardline::ops;
use wardline::ops::lab::{LabOrder, OrderDetail, OrderInput};
use wardline::store::lab_orders;

impl Clinic {
    /// The hospital's clock at `at`.
    pub fn clock(&self, at: DateTime<Utc>) -> Clock {
        self.db.clock(at).expect("the hospital's clock")
    }

    /// The version `order` stands at now.
    pub fn order_version(&self, order: &LabOrder) -> i64 {
        lab_orders::version_of(self.db.conn(), &order.id)
            .expect("read the order's version")
            .expect("the order exists")
    }

    /// `by` orders `tests` for `patient` (from `visit`, or for the active
    /// admission) at `at`, with no clinical notes; one order per specimen.
    pub fn lab_order(
        &mut self,
        by: &Session,
        patient: &Id,
        visit: Option<&Id>,
        tests: &[&str],
        priority: Priority,
        at: DateTime<Utc>,
    ) -> Vec<LabOrder> {
        let clock = self.clock(at);
        let input = OrderInput {
            patient,
            visit,
            tests,
            priority,
            clinical_notes: "",
        };
        ops::lab::order(&mut self.db, by, &input, clock)
            .unwrap_or_else(|e| panic!("order {tests:?}: {e}"))
    }

    /// The lab records `order`'s specimen collected at `at`.
    pub fn collect(&mut self, lab: &Session, order: &LabOrder, at: DateTime<Utc>) -> LabOrder {
        let (clock, version) = (self.clock(at), self.order_version(order));
        ops::lab::collect(&mut self.db, lab, &order.id, version, None, clock)
            .unwrap_or_else(|e| panic!("collect {}: {e}", order.accession))
    }

    /// The lab enters `values` (analyte code, value as typed) at `at`.
    pub fn results(
        &mut self,
        lab: &Session,
        order: &LabOrder,
        values: &[(&str, &str)],
        at: DateTime<Utc>,
    ) -> OrderDetail {
        let (clock, version) = (self.clock(at), self.order_version(order));
        ops::lab::enter_results(&mut self.db, lab, &order.id, version, values, clock)
            .unwrap_or_else(|e| panic!("enter results of {}: {e}", order.accession))
    }

    /// The order as `lab` sees it now (an audited read).
    pub fn results_seen(&mut self, lab: &Session, order: &LabOrder) -> OrderDetail {
        let clock = self.clock(self.early);
        ops::lab::detail(&mut self.db, lab, &order.id, clock)
            .unwrap_or_else(|e| panic!("open {}: {e}", order.accession))
    }

    /// `lab` (a technician who entered none of them) verifies `order`'s
    /// entered results at `at`.
    pub fn verify(&mut self, lab: &Session, order: &LabOrder, at: DateTime<Utc>) -> OrderDetail {
        let (clock, version) = (self.clock(at), self.order_version(order));
        ops::lab::verify(&mut self.db, lab, &order.id, version, None, clock)
            .unwrap_or_else(|e| panic!("verify {}: {e}", order.accession))
    }
}
