//! The beds tab, where the ward nurse runs the board: move between beds
//! with the arrows, open one, admit (choosing the patient with the shared
//! patients search), transfer, discharge, reserve, mark clean, take out of
//! service; the census of a day; and, for admins, setting up wards and beds.
//! Everything it shows is loaded when a view opens or after a change.

mod board;
mod views;

use crate::domain::beds::{
    BedKind, BedStatus, Disposition, SexRestriction, WardKind, days_between, parse_until,
};
use crate::domain::clock::Tz;
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::role::Permission;
use crate::error::Error;
use crate::ops::beds::{self as ops, AdmitInput, BedDetail, Board, Census};
use crate::store::beds::Bed;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::screens::patient_record::LocalDates;
use crate::tui::screens::patients::{Patients, PickOutcome};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup::{self, Prompt};
use board::BoardView;
use chrono::{DateTime, NaiveDate, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use std::cell::Cell;
use strum::IntoEnumIterator;
use views::{Form, Input, Setup, SetupRow, render_census, render_detail, render_setup, when};

/// What a form saves.
enum FormFor {
    Admit {
        patient: Box<Patient>,
        bed: Id,
        clinicians: Vec<Id>,
    },
    Discharge {
        admission: Id,
    },
    NewWard,
    NewBed {
        ward: Id,
    },
}

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
}

/// What a yes answer does.
enum Confirmed {
    CancelReservation { bed: Id },
    BackInService { bed: Id },
    RetireWard { ward: Id },
    RetireBed { bed: Id },
}

/// Why the patients search is open.
enum Picking {
    Admit { bed: Id },
    Reserve { bed: Id },
}

/// A transfer waiting for its new bed.
struct Moving {
    admission: Id,
    who: String,
    from: String,
}

enum View {
    Board,
    Detail { detail: Box<BedDetail>, scroll: u16 },
    Census(Box<Census>),
    Setup(Setup),
}

/// The beds tab's state: the board as last read, the filters, the view,
/// and whatever form, question or picker is open over it.
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
    prompt: Option<(Prompt, Asked)>,
    confirm: Option<(String, Confirmed)>,
    picker: Option<(Box<Patients>, Picking)>,
    /// The time zone the app shows clocks in (set by the app before each key).
    pub zone: Tz,
}

impl Beds {
    /// The tab as it opens: the whole board (a READ event for its patients).
    /// `zone` is the time zone clocks are shown in.
    pub fn new(ctx: &mut Ctx, zone: Tz) -> (Beds, Said) {
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
            prompt: None,
            confirm: None,
            picker: None,
            zone,
        };
        let said = b.load(ctx, true);
        (b, said)
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
                Said::Nothing
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

    /// The key table in force.
    pub fn table(&self) -> &'static [Binding] {
        if let Some((p, _)) = &self.picker {
            return p.table();
        }
        if self.confirm.is_some() {
            return keymap::CONFIRM;
        }
        if self.prompt.is_some() {
            return keymap::PROMPT;
        }
        if let Some(f) = &self.form {
            return if f.focused_is_choice() {
                keymap::BEDS_FORM_CHOICE
            } else {
                keymap::BEDS_FORM
            };
        }
        match &self.view {
            View::Board if self.moving.is_some() => keymap::BEDS_MOVE,
            View::Board => keymap::BEDS_BOARD,
            View::Detail { .. } => keymap::BEDS_DETAIL,
            View::Census(_) => keymap::BEDS_CENSUS,
            View::Setup(_) => keymap::BEDS_SETUP,
        }
    }

    /// What the help overlay calls the current view.
    pub fn title(&self) -> &'static str {
        if let Some((p, _)) = &self.picker {
            return p.title();
        }
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

    /// Whether a form or the picker holds typed input that leaving would lose.
    pub fn has_unsaved_input(&self) -> bool {
        let typed_answer = self.prompt.as_ref().is_some_and(|(p, asked)| {
            !p.answer.is_empty() && !matches!(asked, Asked::ReserveUntil { .. } | Asked::CensusDate)
        });
        typed_answer
            || self.form.as_ref().is_some_and(Form::has_input)
            || self
                .picker
                .as_ref()
                .is_some_and(|(p, _)| p.has_unsaved_input())
    }

    /// The tab is being left: the picker's search goes to the audit trail.
    pub fn leave(&mut self, ctx: &mut Ctx) -> Said {
        match &mut self.picker {
            Some((p, _)) => p.leave(ctx),
            None => Said::Nothing,
        }
    }

    /// Text typed where the cursor is: the picker, a prompt, a form field.
    /// Whether typed characters go into a field (so `?` is text, not help).
    pub fn takes_text(&self) -> bool {
        if let Some((p, _)) = &self.picker {
            return p.takes_text();
        }
        self.prompt.is_some()
            || self
                .form
                .as_ref()
                .is_some_and(|f| matches!(f.inputs.get(f.focus), Some(Input::Text(_))))
    }

    pub fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        if let Some((p, _)) = &mut self.picker {
            let said = p.type_key(key, ctx);
            return self.after_picker(said, ctx);
        }
        if let Some((p, _)) = &mut self.prompt {
            p.answer.type_key(key);
            return Said::Nothing;
        }
        if let Some(f) = &mut self.form
            && let Some(Input::Text(field)) = f.inputs.get_mut(f.focus)
        {
            field.type_key(key);
        }
        Said::Nothing
    }

    /// Performs an action of the table in force.
    pub fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if let Some((p, _)) = &mut self.picker {
            let said = p.perform(action, ctx);
            return self.after_picker(said, ctx);
        }
        if self.confirm.is_some() {
            return self.answer_confirm(action, ctx);
        }
        if self.prompt.is_some() {
            return self.answer_prompt(action, ctx);
        }
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

    // ---- the board ----------------------------------------------------------

    fn perform_board(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let last = self.shown.len().saturating_sub(1);
        match action {
            Action::Left => self.selected = self.selected.saturating_sub(1),
            Action::Right => self.selected = (self.selected + 1).min(last),
            Action::Home => self.selected = 0,
            Action::End => self.selected = last,
            Action::PageDown | Action::PageUp => {
                self.selected = self.ward_start(action == Action::PageDown);
            }
            Action::Up | Action::Down => {
                let pos = board::positions(&self.board, &self.shown, self.columns.get());
                self.selected = board::vertical(&pos, self.selected, action == Action::Up);
            }
            Action::NextWard => {
                self.ward = match self.ward {
                    None if !self.board.wards.is_empty() => Some(0),
                    Some(w) if w + 1 < self.board.wards.len() => Some(w + 1),
                    _ => None,
                };
                self.selected = 0;
                self.filter();
            }
            Action::FreeOnly => {
                self.free_only = !self.free_only;
                self.selected = 0;
                self.filter();
            }
            Action::Refresh => {
                let said = self.load(ctx, true);
                return if said == Said::Nothing {
                    Said::Info("Board refreshed.".into())
                } else {
                    said
                };
            }
            Action::Back => {
                if let Some(m) = self.moving.take() {
                    return Said::Info(format!("Transfer of {} cancelled.", m.who));
                }
            }
            Action::Open if self.moving.is_some() => return self.choose_transfer_bed(),
            Action::Open => return self.open_detail(ctx),
            Action::Admit => return self.start_admit(ctx),
            Action::Transfer => return self.start_transfer(ctx),
            Action::Discharge => return self.start_discharge(ctx),
            Action::Reserve => return self.start_reserve(ctx),
            Action::MarkClean => return self.mark_clean(ctx),
            Action::ToggleService => return self.toggle_service(ctx),
            Action::Census => {
                let today = ctx.now.with_timezone(&self.zone).date_naive();
                return self.open_census(today, ctx);
            }
            Action::SetUp => return self.open_setup(ctx),
            _ => {}
        }
        Said::Nothing
    }

    /// The first shown bed of the next ward (or of this or the previous one,
    /// going back), for PgDn and PgUp.
    fn ward_start(&self, forward: bool) -> usize {
        let ward_of = |k: usize| &self.board.beds[self.shown[k]].bed.ward_id;
        let starts: Vec<usize> = (0..self.shown.len())
            .filter(|&k| k == 0 || ward_of(k) != ward_of(k - 1))
            .collect();
        let here = self.selected;
        if forward {
            starts.iter().copied().find(|&k| k > here).unwrap_or(here)
        } else {
            starts
                .iter()
                .copied()
                .rev()
                .find(|&k| k < here)
                .unwrap_or(0)
        }
    }

    fn no_bed() -> Said {
        Said::Info("No bed selected: press f or w to change the filter.".into())
    }

    fn open_detail(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        match ops::bed_detail(ctx.db, ctx.session, &b.bed.id) {
            Ok(detail) => {
                self.view = View::Detail {
                    detail: Box::new(detail),
                    scroll: 0,
                };
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn start_admit(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::AdmitTransferDischarge, "admit patients") {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let bed = b.bed.clone();
        match bed.status {
            BedStatus::Available => {
                let purpose = format!("Admit which patient into bed {}? Enter chooses", bed.label);
                self.picker = Some((
                    Box::new(Patients::picker(ctx, &purpose)),
                    Picking::Admit { bed: bed.id },
                ));
                Said::Nothing
            }
            BedStatus::Reserved => {
                let Some(pid) = bed.reserved_for.clone() else {
                    return Said::Nothing;
                };
                match crate::ops::patients::open(ctx.db, ctx.session, &pid) {
                    Ok(p) => self.admit_form(p, &bed, ctx),
                    Err(e) => said_error(e),
                }
            }
            other => Said::Error(format!(
                "Bed {} is {}: choose an available bed (A) to admit into.",
                bed.label,
                other.label()
            )),
        }
    }

    fn admit_form(&mut self, p: Patient, bed: &Bed, ctx: &mut Ctx) -> Said {
        let clinicians = match ops::clinicians(ctx.db, ctx.session) {
            Ok(c) => c,
            Err(e) => return said_error(e),
        };
        if clinicians.is_empty() {
            return Said::Error(
                "There is no doctor or nurse account to attend the admission: ask an administrator to add one."
                    .into(),
            );
        }
        let me = clinicians
            .iter()
            .position(|c| c.id == ctx.session.user.id)
            .unwrap_or(0);
        let options = clinicians
            .iter()
            .map(|c| {
                if c.full_name.is_empty() {
                    c.user_name.clone()
                } else {
                    format!("{} ({})", c.full_name, c.user_name)
                }
            })
            .collect();
        self.form = Some(Form {
            title: "Admit".into(),
            about: vec![
                format!(
                    "Patient  {} · {} · sex {}",
                    p.details.full_name(),
                    p.mrn,
                    p.details.sex
                ),
                format!("Bed      {} · {}", bed.label, bed.ward_name),
            ],
            inputs: vec![
                Input::Choice {
                    label: "Attending",
                    options,
                    index: me,
                },
                Input::Text(TextField::new("Reason").wide(56)),
            ],
            focus: 1,
            purpose: FormFor::Admit {
                patient: Box::new(p),
                bed: bed.id.clone(),
                clinicians: clinicians.into_iter().map(|c| c.id).collect(),
            },
        });
        Said::Nothing
    }

    fn start_transfer(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::AdmitTransferDischarge, "transfer patients") {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let Some(a) = &b.occupant else {
            return Said::Error(format!(
                "Bed {} has no patient to transfer: choose an occupied bed (O).",
                b.bed.label
            ));
        };
        let msg = format!(
            "Choose the bed for {} and press Enter (Esc cancels).",
            a.patient.name
        );
        self.moving = Some(Moving {
            admission: a.id.clone(),
            who: a.patient.name.clone(),
            from: b.bed.label.clone(),
        });
        Said::Info(msg)
    }

    fn choose_transfer_bed(&mut self) -> Said {
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let Some(m) = &self.moving else {
            return Said::Nothing;
        };
        if b.bed.status != BedStatus::Available && b.bed.status != BedStatus::Reserved {
            return Said::Error(format!(
                "Bed {} is {}: choose an available bed (A).",
                b.bed.label,
                b.bed.status.label()
            ));
        }
        let question = format!(
            "Transfer {} from {} to {}. Type the reason:",
            m.who, m.from, b.bed.label
        );
        let asked = Asked::TransferReason {
            admission: m.admission.clone(),
            to: b.bed.id.clone(),
            to_label: b.bed.label.clone(),
        };
        self.prompt = Some((Prompt::new(question, "Reason"), asked));
        Said::Nothing
    }

    fn start_discharge(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(
            ctx,
            Permission::AdmitTransferDischarge,
            "discharge patients",
        ) {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let Some(a) = &b.occupant else {
            return Said::Error(format!(
                "Bed {} has no patient to discharge: choose an occupied bed (O).",
                b.bed.label
            ));
        };
        let off = self.zone;
        self.form = Some(Form {
            title: "Discharge".into(),
            about: vec![
                format!("Patient  {} · {}", a.patient.name, a.patient.mrn),
                format!(
                    "Bed      {} · admitted {} · day {}",
                    b.bed.label,
                    when(a.admitted_at, off),
                    days_between(a.admitted_at, ctx.now)
                ),
                "The bed goes to cleaning.".into(),
            ],
            inputs: vec![
                Input::Choice {
                    label: "Outcome",
                    options: Disposition::iter().map(|d| d.label().to_string()).collect(),
                    index: 0,
                },
                Input::Text(TextField::new("Note").wide(56)),
            ],
            focus: 0,
            purpose: FormFor::Discharge {
                admission: a.id.clone(),
            },
        });
        Said::Nothing
    }

    fn start_reserve(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::AdmitTransferDischarge, "reserve beds") {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let bed = &b.bed;
        match bed.status {
            BedStatus::Available => {
                let purpose = format!("Reserve bed {} for which patient? Enter chooses", bed.label);
                self.picker = Some((
                    Box::new(Patients::picker(ctx, &purpose)),
                    Picking::Reserve {
                        bed: bed.id.clone(),
                    },
                ));
                Said::Nothing
            }
            BedStatus::Reserved => {
                let who = b
                    .reserved
                    .as_ref()
                    .map(|p| format!("{} {}", p.mrn, p.name))
                    .unwrap_or_default();
                self.confirm = Some((
                    format!("Cancel the reservation of bed {} for {who}?", bed.label),
                    Confirmed::CancelReservation {
                        bed: bed.id.clone(),
                    },
                ));
                Said::Nothing
            }
            other => Said::Error(format!(
                "Bed {} is {}: only an available bed can be reserved.",
                bed.label,
                other.label()
            )),
        }
    }

    fn mark_clean(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let id = b.bed.id.clone();
        match ops::mark_clean(ctx.db, ctx.session, &id, ctx.now) {
            Ok(bed) => self.after_change(
                ctx,
                format!(
                    "Bed {} marked clean at {}: available.",
                    bed.label,
                    ctx.now.with_timezone(&self.zone).format("%H:%M")
                ),
            ),
            Err(e) => said_error(e),
        }
    }

    fn toggle_service(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(
            ctx,
            Permission::ManageBedCleaning,
            "take beds out of service",
        ) {
            return r;
        }
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        let bed = &b.bed;
        match bed.status {
            BedStatus::OutOfService => {
                self.confirm = Some((
                    format!(
                        "Put bed {} back in service? ({})",
                        bed.label,
                        bed.out_of_service_reason.clone().unwrap_or_default()
                    ),
                    Confirmed::BackInService {
                        bed: bed.id.clone(),
                    },
                ));
                Said::Nothing
            }
            BedStatus::Available | BedStatus::Cleaning => {
                self.prompt = Some((
                    Prompt::new(
                        format!("Take bed {} out of service. Type the reason:", bed.label),
                        "Reason",
                    ),
                    Asked::OutOfService {
                        bed: bed.id.clone(),
                    },
                ));
                Said::Nothing
            }
            other => Said::Error(format!(
                "Bed {} is {}: only a free or cleaning bed can go out of service.",
                bed.label,
                other.label()
            )),
        }
    }

    /// After a change: the board again, and the message.
    fn after_change(&mut self, ctx: &mut Ctx, message: String) -> Said {
        self.view = View::Board;
        match self.load(ctx, false) {
            Said::Nothing => Said::Info(message),
            other => other,
        }
    }

    // ---- the patients search -----------------------------------------------------

    fn after_picker(&mut self, said: Said, ctx: &mut Ctx) -> Said {
        let Some((p, _)) = &mut self.picker else {
            return said;
        };
        let Some(outcome) = p.outcome() else {
            return said;
        };
        let Some((_, picking)) = self.picker.take() else {
            return said;
        };
        match (outcome, picking) {
            (PickOutcome::Cancelled, _) => Said::Info("Nothing was changed.".into()),
            (PickOutcome::Chosen(patient), Picking::Admit { bed }) => {
                match ops::current_admission(ctx.db, ctx.session, &patient.id) {
                    Ok(Some(a)) => {
                        return Said::Error(format!(
                            "{} is already admitted, in bed {} of {}: transfer them instead (t on that bed), or discharge first.",
                            a.patient.name, a.bed_label, a.ward_name
                        ));
                    }
                    Ok(None) => {}
                    Err(e) => return said_error(e),
                }
                match self.board.beds.iter().find(|b| b.bed.id == bed) {
                    Some(b) => {
                        let bed = b.bed.clone();
                        self.admit_form(*patient, &bed, ctx)
                    }
                    None => Said::Error("That bed is gone from the board: look again.".into()),
                }
            }
            (PickOutcome::Chosen(patient), Picking::Reserve { bed }) => {
                let label = self
                    .board
                    .beds
                    .iter()
                    .find(|b| b.bed.id == bed)
                    .map(|b| b.bed.label.clone())
                    .unwrap_or_default();
                let suggested = (ctx.now + chrono::Duration::hours(4))
                    .with_timezone(&self.zone)
                    .format("%H:%M")
                    .to_string();
                let mut prompt = Prompt::new(
                    format!(
                        "Reserve bed {label} for {} {} until when? HH:MM (the next such time) or YYYY-MM-DD HH:MM:",
                        patient.mrn,
                        patient.details.full_name()
                    ),
                    "Until",
                );
                prompt.answer = TextField::new("Until").with_value(&suggested);
                self.prompt = Some((prompt, Asked::ReserveUntil { bed, patient }));
                Said::Nothing
            }
        }
    }

    // ---- forms, prompts, confirmations -----------------------------------------

    fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(f) = &mut self.form else {
            return Said::Nothing;
        };
        let n = f.inputs.len();
        match action {
            Action::NextField => f.focus = (f.focus + 1) % n,
            Action::PrevField => f.focus = (f.focus + n - 1) % n,
            Action::NextChoice | Action::PrevChoice => {
                if let Some(Input::Choice { options, index, .. }) = f.inputs.get_mut(f.focus) {
                    let k = options.len().max(1);
                    *index = if action == Action::NextChoice {
                        (*index + 1) % k
                    } else {
                        (*index + k - 1) % k
                    };
                }
            }
            Action::Cancel => {
                self.form = None;
                return Said::Info("Nothing was changed.".into());
            }
            Action::Save => return self.save_form(ctx),
            _ => {}
        }
        Said::Nothing
    }

    fn save_form(&mut self, ctx: &mut Ctx) -> Said {
        let Some(f) = &self.form else {
            return Said::Nothing;
        };
        let now = ctx.now;
        let result: Result<String, Error> = match &f.purpose {
            FormFor::Admit {
                patient,
                bed,
                clinicians,
            } => {
                let attending = clinicians.get(f.choice(0)).cloned().unwrap_or_default();
                let reason = f.text(1);
                ops::admit(
                    ctx.db,
                    ctx.session,
                    &AdmitInput {
                        patient: &patient.id,
                        bed,
                        attending: &attending,
                        reason: &reason,
                    },
                    now,
                )
                .map(|a| {
                    format!(
                        "{} admitted to bed {} ({}).",
                        a.patient.name, a.bed_label, a.ward_name
                    )
                })
            }
            FormFor::Discharge { admission } => {
                let disposition = Disposition::iter()
                    .nth(f.choice(0))
                    .unwrap_or(Disposition::Home);
                ops::discharge(ctx.db, ctx.session, admission, disposition, &f.text(1), now).map(
                    |a| {
                        format!(
                            "{} discharged ({}); bed {} goes to cleaning.",
                            a.patient.name,
                            disposition.label(),
                            a.bed_label
                        )
                    },
                )
            }
            FormFor::NewWard => {
                let kind = WardKind::iter()
                    .nth(f.choice(1))
                    .unwrap_or(WardKind::General);
                let sex = match f.choice(2) {
                    1 => Some(SexRestriction::Female),
                    2 => Some(SexRestriction::Male),
                    _ => None,
                };
                ops::add_ward(ctx.db, ctx.session, &f.text(0), kind, sex, now)
                    .map(|w| format!("Ward {} added: b adds its beds.", w.name))
            }
            FormFor::NewBed { ward } => {
                let kind = BedKind::iter()
                    .nth(f.choice(1))
                    .unwrap_or(BedKind::Standard);
                ops::add_bed(ctx.db, ctx.session, ward, &f.text(0), kind, now)
                    .map(|b| format!("Bed {} added to {}: available.", b.label, b.ward_name))
            }
        };
        match result {
            Ok(message) => {
                let setup = matches!(f.purpose, FormFor::NewWard | FormFor::NewBed { .. });
                self.form = None;
                if setup {
                    self.reload_setup(ctx, message)
                } else {
                    self.after_change(ctx, message)
                }
            }
            Err(e) => self.refused_change(e, ctx),
        }
    }

    /// A change was refused: the message, and the board read again, since
    /// another terminal may have changed it (the form or prompt stays open).
    fn refused_change(&mut self, e: Error, ctx: &mut Ctx) -> Said {
        let said = said_error(e);
        let reloaded = self.load(ctx, false);
        if reloaded == Said::Nothing {
            said
        } else {
            reloaded
        }
    }

    fn answer_prompt(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::No => {
                self.prompt = None;
                self.moving = None;
                Said::Info("Nothing was changed.".into())
            }
            Action::Yes => {
                let Some((prompt, asked)) = &self.prompt else {
                    return Said::Nothing;
                };
                let answer = prompt.answer.value().to_string();
                let now = ctx.now;
                if matches!(asked, Asked::CensusDate) {
                    let pattern = ctx.settings.date_pattern();
                    return match crate::domain::patient::parse_date(&answer, pattern) {
                        Some(d) => {
                            self.prompt = None;
                            self.open_census(d, ctx)
                        }
                        None => Said::Error(format!(
                            "{answer:?} is not a date: type it as {} or YYYY-MM-DD.",
                            ctx.settings.date_format
                        )),
                    };
                }
                let result: Result<(String, bool), Error> = match asked {
                    Asked::TransferReason {
                        admission,
                        to,
                        to_label,
                    } => ops::transfer(ctx.db, ctx.session, admission, to, &answer, now).map(|a| {
                        (
                            format!(
                                "{} moved to bed {to_label}; the old bed goes to cleaning.",
                                a.patient.name
                            ),
                            false,
                        )
                    }),
                    Asked::OutOfService { bed } => {
                        ops::out_of_service(ctx.db, ctx.session, bed, &answer, now)
                            .map(|b| (format!("Bed {} is out of service.", b.label), false))
                    }
                    Asked::ReserveUntil { bed, patient } => {
                        let off = self.zone;
                        let local = now.with_timezone(&off).naive_local();
                        match parse_until(&answer, local)
                            .and_then(|t| t.and_local_timezone(off).single())
                        {
                            Some(until) => ops::reserve(
                                ctx.db,
                                ctx.session,
                                bed,
                                &patient.id,
                                until.with_timezone(&Utc),
                                now,
                            )
                            .map(|b| {
                                (
                                    format!(
                                        "Bed {} reserved for {} until {}.",
                                        b.label,
                                        patient.details.full_name(),
                                        until.format("%d %b %H:%M")
                                    ),
                                    false,
                                )
                            }),
                            None => Err(Error::Refused(format!(
                                "{answer:?} is not a time: type HH:MM, e.g. 18:30, or YYYY-MM-DD HH:MM"
                            ))),
                        }
                    }
                    Asked::RenameWard { ward } => {
                        ops::rename_ward(ctx.db, ctx.session, ward, &answer, now)
                            .map(|w| (format!("Ward renamed {}.", w.name), true))
                    }
                    Asked::RenameBed { bed } => {
                        ops::rename_bed(ctx.db, ctx.session, bed, &answer, now)
                            .map(|b| (format!("Bed relabelled {}.", b.label), true))
                    }
                    Asked::CensusDate => return Said::Nothing,
                };
                match result {
                    Ok((message, setup)) => {
                        self.prompt = None;
                        self.moving = None;
                        if setup {
                            self.reload_setup(ctx, message)
                        } else {
                            self.after_change(ctx, message)
                        }
                    }
                    Err(e) => self.refused_change(e, ctx),
                }
            }
            _ => Said::Nothing,
        }
    }

    fn answer_confirm(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if action == Action::No {
            self.confirm = None;
            return Said::Info("Nothing was changed.".into());
        }
        if action != Action::Yes {
            return Said::Nothing;
        }
        let Some((_, then)) = self.confirm.take() else {
            return Said::Nothing;
        };
        let now = ctx.now;
        let result: Result<(String, bool), Error> = match then {
            Confirmed::CancelReservation { bed } => {
                ops::cancel_reservation(ctx.db, ctx.session, &bed, now).map(|b| {
                    (
                        format!("Reservation of bed {} cancelled: available.", b.label),
                        false,
                    )
                })
            }
            Confirmed::BackInService { bed } => {
                ops::back_in_service(ctx.db, ctx.session, &bed, now)
                    .map(|b| (format!("Bed {} is back in service.", b.label), false))
            }
            Confirmed::RetireWard { ward } => ops::retire_ward(ctx.db, ctx.session, &ward, now)
                .map(|w| {
                    (
                        format!("Ward {} retired; its history is kept.", w.name),
                        true,
                    )
                }),
            Confirmed::RetireBed { bed } => {
                ops::retire_bed(ctx.db, ctx.session, &bed, now).map(|b| {
                    (
                        format!("Bed {} retired; its history is kept.", b.label),
                        true,
                    )
                })
            }
        };
        match result {
            Ok((message, true)) => self.reload_setup(ctx, message),
            Ok((message, false)) => self.after_change(ctx, message),
            Err(e) => said_error(e),
        }
    }

    // ---- detail and census ------------------------------------------------------

    fn perform_detail(&mut self, action: Action) -> Said {
        if let View::Detail { scroll, .. } = &mut self.view {
            match action {
                Action::Back => self.view = View::Board,
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Down => *scroll = scroll.saturating_add(1).min(60),
                _ => {}
            }
        }
        Said::Nothing
    }

    fn open_census(&mut self, date: NaiveDate, ctx: &mut Ctx) -> Said {
        match ops::census(ctx.db, ctx.session, date) {
            Ok(c) => {
                self.view = View::Census(Box::new(c));
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn perform_census(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Census(c) = &self.view else {
            return Said::Nothing;
        };
        let date = c.date;
        match action {
            Action::Back => {
                self.view = View::Board;
                Said::Nothing
            }
            Action::PrevDay => match date.pred_opt() {
                Some(d) => self.open_census(d, ctx),
                None => Said::Nothing,
            },
            Action::NextDay => match date.succ_opt() {
                Some(d) => self.open_census(d, ctx),
                None => Said::Nothing,
            },
            Action::GoToDate => {
                let shown = date.format(ctx.settings.date_pattern()).to_string();
                let mut prompt = Prompt::new("Census for which day?", "Date");
                prompt.answer = TextField::new("Date").with_value(&shown);
                self.prompt = Some((prompt, Asked::CensusDate));
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    // ---- set-up -------------------------------------------------------------------

    fn setup_rows(ctx: &mut Ctx) -> Result<Vec<SetupRow>, Error> {
        let wards = ops::wards(ctx.db, ctx.session)?;
        let beds = ops::beds_of(ctx.db, ctx.session, None)?;
        let mut rows = Vec::new();
        for w in wards {
            let id = w.id.clone();
            rows.push(SetupRow::Ward(w));
            for b in beds.iter().filter(|b| b.ward_id == id) {
                rows.push(SetupRow::Bed(b.clone()));
            }
        }
        Ok(rows)
    }

    fn open_setup(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::Administer, "set up wards and beds") {
            return r;
        }
        match Self::setup_rows(ctx) {
            Ok(rows) => {
                self.view = View::Setup(Setup { rows, selected: 0 });
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn reload_setup(&mut self, ctx: &mut Ctx, message: String) -> Said {
        let selected = match &self.view {
            View::Setup(s) => s.selected,
            _ => 0,
        };
        match Self::setup_rows(ctx) {
            Ok(rows) => {
                let selected = selected.min(rows.len().saturating_sub(1));
                self.view = View::Setup(Setup { rows, selected });
                let said = self.load(ctx, false);
                if said == Said::Nothing {
                    Said::Info(message)
                } else {
                    said
                }
            }
            Err(e) => said_error(e),
        }
    }

    fn perform_setup(&mut self, action: Action) -> Said {
        let View::Setup(s) = &mut self.view else {
            return Said::Nothing;
        };
        let last = s.rows.len().saturating_sub(1);
        match action {
            Action::Back => {
                self.view = View::Board;
                Said::Nothing
            }
            Action::Up => {
                s.selected = s.selected.saturating_sub(1);
                Said::Nothing
            }
            Action::Down => {
                s.selected = (s.selected + 1).min(last);
                Said::Nothing
            }
            Action::PageUp => {
                s.selected = s.selected.saturating_sub(10);
                Said::Nothing
            }
            Action::PageDown => {
                s.selected = (s.selected + 10).min(last);
                Said::Nothing
            }
            Action::NewWard => {
                self.form = Some(Form {
                    title: "New ward".into(),
                    about: vec!["A ward holds beds; b adds them once it is saved.".into()],
                    inputs: vec![
                        Input::Text(TextField::new("Name").wide(40)),
                        Input::Choice {
                            label: "Kind",
                            options: WardKind::iter().map(|k| k.label().to_string()).collect(),
                            index: 0,
                        },
                        Input::Choice {
                            label: "Takes",
                            options: vec!["any sex".into(), "women only".into(), "men only".into()],
                            index: 0,
                        },
                    ],
                    focus: 0,
                    purpose: FormFor::NewWard,
                });
                Said::Nothing
            }
            Action::NewBed => {
                let ward = match s.rows.get(s.selected) {
                    Some(SetupRow::Ward(w)) => Some((w.id.clone(), w.name.clone())),
                    Some(SetupRow::Bed(b)) => Some((b.ward_id.clone(), b.ward_name.clone())),
                    None => None,
                };
                let Some((ward, name)) = ward else {
                    return Said::Error("Add a ward first (n), then its beds.".into());
                };
                self.form = Some(Form {
                    title: "New bed".into(),
                    about: vec![format!(
                        "In ward {name}. Labels are unique in the hospital."
                    )],
                    inputs: vec![
                        Input::Text(TextField::new("Label").wide(12)),
                        Input::Choice {
                            label: "Kind",
                            options: BedKind::iter().map(|k| k.label().to_string()).collect(),
                            index: 0,
                        },
                    ],
                    focus: 0,
                    purpose: FormFor::NewBed { ward },
                });
                Said::Nothing
            }
            Action::Edit => {
                let (question, label, asked, value) = match s.rows.get(s.selected) {
                    Some(SetupRow::Ward(w)) => (
                        format!("Rename ward {}. Type the new name:", w.name),
                        "Name",
                        Asked::RenameWard { ward: w.id.clone() },
                        w.name.clone(),
                    ),
                    Some(SetupRow::Bed(b)) => (
                        format!("Relabel bed {}. Type the new label:", b.label),
                        "Label",
                        Asked::RenameBed { bed: b.id.clone() },
                        b.label.clone(),
                    ),
                    None => return Said::Nothing,
                };
                let mut p = Prompt::new(question, label);
                p.answer = TextField::new(label).with_value(&value);
                self.prompt = Some((p, asked));
                Said::Nothing
            }
            Action::Retire => {
                let (question, then) = match s.rows.get(s.selected) {
                    Some(SetupRow::Ward(w)) => (
                        format!(
                            "Retire ward {} and all its beds? Their history is kept.",
                            w.name
                        ),
                        Confirmed::RetireWard { ward: w.id.clone() },
                    ),
                    Some(SetupRow::Bed(b)) => (
                        format!(
                            "Retire bed {} of {}? Its history is kept.",
                            b.label, b.ward_name
                        ),
                        Confirmed::RetireBed { bed: b.id.clone() },
                    ),
                    None => return Said::Nothing,
                };
                self.confirm = Some((question, then));
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    // ---- drawing ----------------------------------------------------------------

    /// Draws the current view and whatever is open over it.
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        now: DateTime<Utc>,
        theme: &Theme,
    ) {
        if let Some((p, _)) = &self.picker {
            p.render(frame, area, clock, theme);
            return;
        }
        match &self.view {
            View::Board => self.render_board(frame, area, clock, now, theme),
            View::Detail { detail, scroll } => {
                render_detail(detail, *scroll, clock.zone, now, theme, area, frame)
            }
            View::Census(c) => render_census(c, theme, area, frame),
            View::Setup(s) => render_setup(s, theme, area, frame),
        }
        if let Some(f) = &self.form {
            f.render(frame, area, theme);
        }
        if let Some((p, _)) = &self.prompt {
            p.render(frame, area, theme);
        }
        if let Some((q, _)) = &self.confirm {
            popup::confirm(q, theme, area, frame.buffer_mut());
        }
    }

    fn render_board(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        now: DateTime<Utc>,
        theme: &Theme,
    ) {
        self.columns.set(board::columns(area.width));
        let ward = self
            .ward
            .and_then(|w| self.board.wards.get(w))
            .map_or_else(|| "all wards".to_string(), |w| format!("ward {}", w.name));
        let filter = format!(
            "{ward} · {}",
            if self.free_only {
                "free beds only"
            } else {
                "all beds"
            }
        );
        let banner = self.moving.as_ref().map(|m| {
            format!(
                "Transfer {} from {}: choose a free bed, Enter; Esc cancels",
                m.who, m.from
            )
        });
        let view = BoardView {
            board: &self.board,
            shown: &self.shown,
            selected: self.selected,
            now,
            zone: clock.zone,
            banner,
            filter,
        };
        board::render(&view, theme, area, frame.buffer_mut());
    }
}

impl crate::tui::screen::Screen for Beds {
    fn table(&self) -> &'static [Binding] {
        Beds::table(self)
    }

    fn title(&self) -> &'static str {
        Beds::title(self)
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        self.zone = ctx.settings.time_zone;
        Beds::perform(self, action, ctx)
    }

    fn takes_text(&self) -> bool {
        Beds::takes_text(self)
    }

    fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        self.zone = ctx.settings.time_zone;
        Beds::type_key(self, key, ctx)
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input()
            .then_some("Quit and throw away what you typed on the beds tab?")
    }

    fn leave(&mut self, ctx: &mut Ctx) -> Said {
        Beds::leave(self, ctx)
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        self.zone = ctx.settings.time_zone;
        Beds::reload(self, ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        Beds::render(self, frame, area, &view.dates, view.now, view.theme)
    }
}
