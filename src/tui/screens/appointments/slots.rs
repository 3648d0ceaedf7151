//! Appointments sharing one of the grid's rows: a clinician's appointments
//! that start in the same quarter hour show in one cell, which names the
//! others (`+1 Bao Tran`), and the selected one's line lists them, so that
//! none hides behind the first (↓ selects each in turn).

use super::{Appointments, ROW_MINUTES};
use crate::domain::appointment::{Booked, Status, hhmm};

impl Appointments {
    /// The other appointments of `b`'s clinician that start in the same
    /// row of the grid, in time order.
    pub(super) fn slot_mates(&self, b: &Booked) -> Vec<&Booked> {
        let row = b.appt.span.start / ROW_MINUTES;
        self.shown()
            .into_iter()
            .filter(|o| {
                o.appt.id != b.appt.id
                    && o.appt.clinician_id == b.appt.clinician_id
                    && o.appt.status != Status::Cancelled
                    && o.appt.span.start / ROW_MINUTES == row
            })
            .collect()
    }

    /// The selected appointment's line about the others in its cell:
    /// `also here: 09:10 John Omondi in consultation (↓ selects)`.
    pub(super) fn slot_mates_line(&self, b: &Booked) -> Option<String> {
        let mates = self.slot_mates(b);
        if mates.is_empty() {
            return None;
        }
        let names: Vec<String> = mates
            .iter()
            .map(|o| {
                format!(
                    "{} {} {}",
                    hhmm(o.appt.span.start),
                    o.patient_name,
                    o.appt.status.label()
                )
            })
            .collect();
        Some(format!("also here: {} (↑↓ select)", names.join(", ")))
    }
}

/// A grid cell's text for `first` when others start in the same row: their
/// count and names after the one shown, in place of its type.
pub(super) fn crowded_cell(time_and_tag: &str, first: &Booked, others: &[&Booked]) -> String {
    let names: Vec<&str> = others.iter().map(|o| o.patient_name.as_str()).collect();
    format!(
        "{time_and_tag} {} +{} {}",
        first.patient_name,
        others.len(),
        names.join(", ")
    )
}
