//! The beds tab, where the ward nurse runs the board: move between beds
//! with the arrows, open one, admit (choosing the patient with the shared
//! patients search), transfer, discharge, reserve, mark clean, take out of
//! service; the census of a day; and, for admins, setting up wards and beds.
//! Everything it shows is loaded when a view opens or after a change.
//!
//! This file holds the tab's state, what happens next when a form, question
//! or search is answered, and the [`Screen`] impl that routes to the parts:
//! the board's keys (`navigate`), admissions (`admissions`), a bed's own
//! status (`bed_status`), the patients search (`picking`), carrying out
//! answers (`answers`), the census (`census`), set-up (`setup`), drawing
//! (`draw`, `board`, `views`) and the key tables (`keys`).

mod admissions;
mod answers;
mod bed_status;
mod board;
mod census;
mod draw;
mod keys;
mod navigate;
mod picking;
mod setup;
mod views;

use crate::domain::beds::{BedStatus, Disposition};
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::ops::beds::{self as ops, BedDetail, Board};
use crate::ops::census::Census;
use crate::ops::worklist::Score;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard};
use crate::tui::screen::{Ctx, Said, Screen, said_error};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use std::any::Any;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use views::{Form, Setup};

/// What a form saves.
enum FormFor {
    Admit {
        patient: Box<Patient>,
        bed: Id,
        clinicians: Vec<Id>,
    },
    Discharge {
        admission: Id,
        /// The patient, as the question about their balance names them.
        who: String,
    },
    NewWard,
    NewBed {
        ward: Id,
    },
}

/// The question to ask before quitting while a form or a typed answer holds
/// input.
const UNSAVED: &str = "Quit and throw away what you typed on the beds tab?";

/// What a typed answer is for.
enum Asked {
    TransferReason {
        admission: Id,
        to: Id,
        to_label: String,
    },
    OutOfService {
        bed: Id,
    },
    ReserveUntil {
        bed: Id,
        patient: Box<Patient>,
    },
    RenameWard {
        ward: Id,
    },
    CensusDate,
    RenameBed {
        bed: Id,
    },
    /// Discharging as deceased: when the patient died.
    TimeOfDeath {
        admission: Id,
        who: String,
        note: String,
    },
}

/// What a yes answer does.
enum Confirmed {
    CancelReservation {
        bed: Id,
    },
    BackInService {
        bed: Id,
    },
    RetireWard {
        ward: Id,
    },
    RetireBed {
        bed: Id,
    },
    /// A discharge asked about once because the patient owes money.
    Discharge {
        admission: Id,
        disposition: Disposition,
        note: String,
    },
    /// A patient placed in a bed not made for their age, asked once.
    AdmitDespiteAge {
        patient: Box<Patient>,
        bed: Id,
    },
    TransferDespiteAge {
        bed: Id,
    },
    /// A death to record, with the discharge it ends.
    DischargeDeceased {
        admission: Id,
        died_at: chrono::DateTime<chrono::Utc>,
        note: String,
    },
}

/// Why the patient picker is open.
enum Picking {
    Admit { bed: Id },
    Reserve { bed: Id },
}

/// A transfer waiting for its new bed.
struct Moving {
    admission: Id,
    patient: Id,
    who: String,
    from: String,
}

enum View {
    Board,
    Detail {
        detail: Box<BedDetail>,
        scroll: u16,
        /// The occupant's allergy banner, for a clinician (read on opening).
        allergies: Option<Result<crate::ops::record::AllergyBanner, String>>,
    },
    Census(Box<Census>),
    Setup(Setup),
}

/// The beds tab's state: the board as last read, the filters, the view,
/// and the form open over it (its questions and the patient picker are on
/// the app's popup stack).
pub struct Beds {
    board: Board,
    /// Indexes into `board.beds` of the beds shown (filters applied).
    shown: Vec<usize>,
    selected: usize,
    /// One ward only (an index into `board.wards`), or all.
    ward: Option<usize>,
    free_only: bool,
    /// Tiles per row at the last frame: the arrows move the way it was drawn.
    columns: Cell<usize>,
    view: View,
    moving: Option<Moving>,
    form: Option<Form<FormFor>>,
    /// The latest NEWS2 of each admission, for doctors and nurses.
    scores: HashMap<Id, Score>,
    /// The admissions with a dose overdue, for those who give doses.
    overdue: HashSet<Id>,
    /// The patients with an open critical laboratory result, for doctors
    /// and nurses.
    criticals: HashSet<Id>,
}

impl Beds {
    /// The tab as it opens: the whole board (a READ event for its patients).
    /// Clocks are shown in the hospital's zone, read from `ctx` (or, when
    /// drawing, from the view) where they are needed.
    pub fn new(ctx: &mut Ctx) -> (Beds, Said) {
        let mut b = Beds {
            board: Board::default(),
            shown: Vec::new(),
            selected: 0,
            ward: None,
            free_only: false,
            columns: Cell::new(4),
            view: View::Board,
            moving: None,
            form: None,
            scores: HashMap::new(),
            overdue: HashSet::new(),
            criticals: HashSet::new(),
        };
        let said = b.load(ctx, true);
        (b, said)
    }

    /// The admitted patients with an open critical laboratory result.
    fn read_criticals(&self, ctx: &mut Ctx) -> crate::error::Result<HashSet<Id>> {
        let patients: Vec<Id> = self
            .board
            .beds
            .iter()
            .filter_map(|b| b.occupant.as_ref().map(|a| a.patient.id.clone()))
            .collect();
        let counts = crate::ops::lab::record::criticals_of(ctx.db, ctx.session, &patients)?;
        Ok(counts.into_keys().collect())
    }

    /// Reads the board again, keeping the selected bed where it can.
    pub fn reload(&mut self, ctx: &mut Ctx) -> Said {
        self.load(ctx, true)
    }

    fn load(&mut self, ctx: &mut Ctx, audit: bool) -> Said {
        let keep = self.selected_bed().map(|b| b.bed.id.clone());
        match ops::board(ctx.db, ctx.session, ctx.now, audit) {
            Ok(board) => {
                self.board = board;
                let mut said = Said::Nothing;
                self.scores = HashMap::new();
                if ctx
                    .session
                    .role()
                    .can(crate::domain::role::Permission::ClinicalWorklist)
                {
                    match crate::ops::worklist::board_scores(ctx.db, ctx.session, audit) {
                        Ok(s) => self.scores = s,
                        Err(e) => said = said_error(e),
                    }
                    match self.read_criticals(ctx) {
                        Ok(c) => self.criticals = c,
                        Err(e) => said = said_error(e),
                    }
                }
                self.overdue = HashSet::new();
                if ctx
                    .session
                    .role()
                    .can(crate::domain::role::Permission::GiveDoses)
                {
                    let clock = ctx.clock();
                    match crate::ops::mar::overdue_admissions(ctx.db, ctx.session, clock, audit) {
                        Ok(o) => self.overdue = o,
                        Err(e) => said = said_error(e),
                    }
                }
                if self.ward.is_some_and(|w| w >= self.board.wards.len()) {
                    self.ward = None;
                }
                self.filter();
                if let Some(id) = keep
                    && let Some(k) = self
                        .shown
                        .iter()
                        .position(|&i| self.board.beds[i].bed.id == id)
                {
                    self.selected = k;
                }
                said
            }
            Err(e) => said_error(e),
        }
    }

    fn filter(&mut self) {
        let ward = self
            .ward
            .and_then(|w| self.board.wards.get(w))
            .map(|w| &w.id);
        self.shown = (0..self.board.beds.len())
            .filter(|&i| {
                let b = &self.board.beds[i].bed;
                ward.is_none_or(|w| &b.ward_id == w)
                    && (!self.free_only || b.status == BedStatus::Available)
            })
            .collect();
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    fn selected_bed(&self) -> Option<&ops::BoardBed> {
        self.shown
            .get(self.selected)
            .and_then(|&i| self.board.beds.get(i))
    }

    /// Whether a form holds typed input that leaving would lose (the
    /// questions open say so for themselves).
    pub fn has_unsaved_input(&self) -> bool {
        self.form.as_ref().is_some_and(Form::has_input)
    }

    fn no_bed() -> Said {
        Said::Info("No bed selected: press f or w to change the filter.".into())
    }

    /// After a change: the board again, and the message.
    fn after_change(&mut self, ctx: &mut Ctx, message: String) -> Said {
        self.view = View::Board;
        match self.load(ctx, false) {
            Said::Nothing => Said::Info(message),
            other => other,
        }
    }
}

impl Screen for Beds {
    /// The key table in force.
    fn table(&self) -> &'static [Binding] {
        if let Some(f) = &self.form {
            return if f.focused_is_choice() {
                keys::BEDS_FORM_CHOICE
            } else {
                keys::BEDS_FORM
            };
        }
        match &self.view {
            View::Board if self.moving.is_some() => keys::BEDS_MOVE,
            View::Board => keys::BEDS_BOARD,
            View::Detail { .. } => keys::BEDS_DETAIL,
            View::Census(_) => keys::BEDS_CENSUS,
            View::Setup(_) => keys::BEDS_SETUP,
        }
    }

    /// What the help overlay calls the current view.
    fn title(&self) -> &'static str {
        if let Some(f) = &self.form {
            return match f.purpose {
                FormFor::Admit { .. } => "Admit",
                FormFor::Discharge { .. } => "Discharge",
                FormFor::NewWard => "New ward",
                FormFor::NewBed { .. } => "New bed",
            };
        }
        match &self.view {
            View::Board if self.moving.is_some() => "Transfer: choose the bed",
            View::Board => "Bed board",
            View::Detail { .. } => "Bed",
            View::Census(_) => "Census",
            View::Setup(_) => "Wards and beds",
        }
    }

    /// Performs an action of the table in force.
    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if self.form.is_some() {
            return self.perform_form(action, ctx);
        }
        match &self.view {
            View::Board => self.perform_board(action, ctx),
            View::Detail { .. } => self.perform_detail(action),
            View::Census(_) => self.perform_census(action, ctx),
            View::Setup(_) => self.perform_setup(action),
        }
    }

    /// Whether typed characters go into a field (so `?` is text, not help);
    /// on a choice they pick the option starting with them.
    fn takes_text(&self) -> bool {
        self.form.is_some()
    }

    /// Text typed into the form field that has the cursor.
    fn type_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Said {
        if let Some(f) = &mut self.form {
            f.fields.type_key(key);
        }
        Said::Nothing
    }

    /// Text pasted into the form's typed field that has the cursor; the
    /// bed board and a choice take none.
    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Said {
        match &mut self.form {
            Some(f) if f.fields.on_text() => {
                f.fields.paste(text);
                Said::Nothing
            }
            _ => crate::tui::screen::not_pasted(),
        }
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input().then_some(UNSAVED)
    }

    /// A question of the tab answered: what it was for is carried out
    /// (`answers`, `picking`).
    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        let about = match about.downcast::<Asked>() {
            Ok(asked) => return self.answer_prompt(*asked, answer, ctx),
            Err(other) => other,
        };
        let about = match about.downcast::<Confirmed>() {
            Ok(then) => return Ok(self.answer_confirm(*then, answer, ctx)),
            Err(other) => other,
        };
        match about.downcast::<Picking>() {
            Ok(picking) => Ok(self.after_picker(*picking, answer, ctx)),
            Err(_) => Ok(Said::Nothing),
        }
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        Beds::reload(self, ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        Beds::render(self, frame, area, &view.dates, view.now, view.theme)
    }
}
