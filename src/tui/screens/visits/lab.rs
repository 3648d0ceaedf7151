//! The laboratory over a visit: the order form and the patient's results
//! (the shared widgets), opened from the visit and closed back to it.

use super::{Asked, Mode, Visits};
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said};
use crate::tui::widgets::lab_order::{DISCARD_QUESTION, Step};

impl Visits {
    /// A key on the laboratory order form over the visit.
    pub(super) fn perform_lab_order(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        let Mode::LabOrder(f) = &mut o.mode else {
            return Said::Nothing;
        };
        match f.perform(action, ctx, &o.patient.id, Some(&o.visit.id)) {
            Step::Stay(said) => said,
            Step::Close(said) => {
                o.mode = Mode::Overview;
                said
            }
            Step::AskDiscard => Question::confirm(DISCARD_QUESTION, Asked::DiscardLabOrder).into(),
        }
    }

    /// `R`: reads the patient's results and shows them over the visit.
    pub(super) fn show_lab_results(&mut self, ctx: &mut Ctx) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        let patient = o.patient.id.clone();
        match crate::tui::widgets::lab_results::ResultsView::open(ctx, &patient) {
            Ok((v, said)) => {
                o.mode = Mode::LabResults(Box::new(v));
                said
            }
            Err(said) => said,
        }
    }

    pub(super) fn perform_lab_results(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        let Mode::LabResults(v) = &mut o.mode else {
            return Said::Nothing;
        };
        match v.perform(action, ctx) {
            Some(said) => said,
            None => {
                o.mode = Mode::Overview;
                Said::Nothing
            }
        }
    }
}
