//! The round tab (F8): the ward's medication round for the doctors and
//! nurses who give doses — the doses due now and overdue on the wards the
//! signed-in nurse works on, each given (after a confirmation naming it),
//! held, refused or not available (with a reason); and an admitted
//! patient's medication administration record (MAR) for a day, where PRN
//! doses are given with their indication and a wrong record is corrected
//! by a new one shown beneath it.
//!
//! The folder holds the whole area: this file the tab's state and its
//! [`Screen`] implementation; `due` the due list's reading and keys;
//! `chart` the MAR's rows and keys; `answers` the questions asked; `draw`
//! and `draw_chart` the drawing; `keys` the key tables.

mod answers;
mod chart;
mod draw;
mod draw_chart;
mod due;
mod keys;

use crate::domain::clock::Clock;
use crate::domain::conditions::AllergyState;
use crate::domain::ids::Id;
use crate::domain::prescribing::mar::Outcome;
use crate::ops::mar::Due;
use crate::store::ward_staff::Assignment;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard};
use crate::tui::screen::{Ctx, Said, Screen};
use crate::tui::widgets::table::Selection;
use chart::MarView;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::any::Any;
use std::collections::HashMap;

/// A dose a question is about: what to record, and how to name it.
#[derive(Debug, Clone)]
pub(crate) struct DoseRef {
    pub prescription: Id,
    /// The scheduled time; none for a PRN dose.
    pub due_at: Option<DateTime<Utc>>,
    /// The medicine with its dose and route.
    pub what: String,
    /// The patient's name and MRN.
    pub patient: String,
}

/// What a question of the tab is for.
pub(crate) enum Asked {
    /// Yes gives the dose now.
    Give(DoseRef),
    /// Why the dose is held, refused or not available.
    Reason { dose: DoseRef, outcome: Outcome },
    /// Why a PRN dose is given (the order's indication offered).
    Indication(DoseRef),
    /// What a wrong record should have said.
    CorrectTo { wrong: Wrong },
    /// Why the dose was not given, under the corrected outcome.
    CorrectReason { wrong: Wrong, outcome: Outcome },
    /// Why the first record was wrong; then the correction is recorded.
    CorrectWhy {
        wrong: Wrong,
        outcome: Outcome,
        reason: String,
    },
}

/// A record being corrected.
#[derive(Debug, Clone)]
pub(crate) struct Wrong {
    pub id: Id,
    /// When the dose was given (or not), kept by the correction.
    pub at: DateTime<Utc>,
    /// The record in words, for the questions.
    pub words: String,
}

enum View {
    Due,
    Mar(Box<MarView>),
}

/// The round tab's state.
pub struct Round {
    /// The wards the signed-in clinician works on.
    wards: Vec<Assignment>,
    /// The ward shown (an index into `wards`), or all of them.
    ward: Option<usize>,
    due: Vec<Due>,
    /// Each listed patient's allergy state.
    allergies: HashMap<Id, AllergyState>,
    selected: Selection,
    view: View,
    /// Why the list could not be read, if it could not.
    trouble: Option<String>,
    /// When the due list was read: a minute later, on a tick, it is read
    /// again, since doses fall due and overdue as time passes.
    read_at: Option<DateTime<Utc>>,
}

/// How long the due list stands before a tick reads it again.
const STANDS: chrono::Duration = chrono::Duration::minutes(1);

impl Round {
    /// The tab as it opens: the doses due on all the clinician's wards.
    pub fn open(ctx: &mut Ctx) -> (Round, Said) {
        let mut r = Round {
            wards: Vec::new(),
            ward: None,
            due: Vec::new(),
            allergies: HashMap::new(),
            selected: Selection::default(),
            view: View::Due,
            trouble: None,
            read_at: None,
        };
        let said = r.load(ctx, true);
        (r, said)
    }

    /// Reads whatever the tab shows again.
    fn reload(&mut self, ctx: &mut Ctx) -> Said {
        match &self.view {
            View::Due => self.load(ctx, false),
            View::Mar(_) => self.reload_chart(ctx),
        }
    }
}

/// A time as the round shows it: `08:00` today, `Sun 22:00` another day.
pub(crate) fn hm(t: DateTime<Utc>, clock: Clock) -> String {
    let local = clock.at(t);
    if local.date_naive() == clock.today() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%a %H:%M").to_string()
    }
}

impl Screen for Round {
    fn table(&self) -> &'static [Binding] {
        match &self.view {
            View::Due => keys::DUE,
            View::Mar(_) => keys::MAR,
        }
    }

    fn title(&self) -> &'static str {
        match &self.view {
            View::Due => "Medication round",
            View::Mar(_) => "Medication chart (MAR)",
        }
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if action == Action::Refresh {
            return match self.reload(ctx) {
                Said::Nothing => Said::Info("Refreshed.".into()),
                said => said,
            };
        }
        match &self.view {
            View::Due => self.perform_due(action, ctx),
            View::Mar(_) => self.perform_chart(action, ctx),
        }
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        match about.downcast::<Asked>() {
            Ok(asked) => self.answer(*asked, answer, ctx),
            Err(_) => Ok(Said::Nothing),
        }
    }

    fn tick(&mut self, ctx: &mut Ctx) -> Said {
        let stale = self.read_at.is_none_or(|t| ctx.now - t >= STANDS);
        match self.view {
            View::Due if stale => self.load(ctx, false),
            _ => Said::Nothing,
        }
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        self.reload(ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        match &self.view {
            View::Due => self.render_due(frame, area, view),
            View::Mar(m) => draw_chart::render(m, frame, area, view),
        }
    }
}
