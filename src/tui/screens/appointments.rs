//! The appointments tab, where the front desk runs the clinic day: the day
//! view (a time grid per clinician, or one clinician's list), booking with
//! the patient picker, check-in in one key, walk-ins, no-shows, the queue
//! with call-next, and for administrators the types and working hours.
//!
//! Everything shown is loaded when the view opens or after a change and
//! kept here; rendering never touches the database.

use crate::auth::Session;
use crate::domain::appointment::{
    self as rules, AppointmentType, Booked, Clinician, Span, Status, WorkingHours, hhmm, is_late,
};
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::domain::settings::Settings;
use crate::error::Error;
use crate::ops::appointments::{self as ops, Booking, Clock};
use crate::store::Db;
use crate::store::appointments as store;
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::screens::appointment_form::{BookingForm, Chosen, Purpose, Slot};
use crate::tui::screens::appointment_setup::Setup;
use crate::tui::screens::patients::{Ctx as PatientsCtx, Patients, PickOutcome, Said};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup::{self, Prompt};
use chrono::{NaiveDate, NaiveTime};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span as TextSpan};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};
use std::collections::BTreeSet;

/// What the screen needs from the app to act.
pub struct Ctx<'a> {
    pub db: &'a mut Db,
    pub session: &'a Session,
    pub settings: &'a Settings,
    pub clock: Clock,
}

impl Ctx<'_> {
    fn patients(&mut self) -> PatientsCtx<'_> {
        PatientsCtx {
            db: self.db,
            session: self.session,
            settings: self.settings,
            now: self.clock.now,
        }
    }
}

fn said_error(e: Error) -> Said {
    let s = e.to_string();
    let mut c = s.chars();
    Said::Error(match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => s,
    })
}

/// Rows of the time grid are this many minutes.
const ROW_MINUTES: u16 = 15;
/// The narrowest clinician column of the grid; narrower windows get a list.
const MIN_COLUMN: u16 = 22;
const TIME_COLUMN: u16 = 6;

enum View {
    Day,
    Queue,
    Form(Box<BookingForm>),
    Setup(Box<Setup>),
}

/// What a typed answer is for.
enum Asking {
    CancelReason {
        id: Id,
        version: i64,
    },
    UndoReason {
        id: Id,
        version: i64,
    },
    GoToDate,
    /// Set-up: a clinician's ranges on a weekday, or a day off.
    Hours {
        clinician: Id,
        weekday: usize,
    },
    DayOff {
        clinician: Id,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    BookOutsideHours,
    DiscardForm,
}

struct Confirm {
    question: String,
    then: Pending,
}

pub struct Appointments {
    day: NaiveDate,
    list: Vec<Booked>,
    queue: Vec<Booked>,
    clinicians: Vec<Clinician>,
    hours: Vec<WorkingHours>,
    types: Vec<AppointmentType>,
    /// Index into `clinicians` when one is picked.
    filter: Option<usize>,
    /// Index into `shown()`.
    selected: usize,
    /// The grid's time in view when scrolled with PgUp/PgDn (else the
    /// selection's).
    anchor: Option<u16>,
    queue_selected: usize,
    view: View,
    picker: Option<Box<Patients>>,
    prompt: Option<(Prompt, Asking)>,
    confirm: Option<Confirm>,
    /// Days whose list was read into the audit trail already.
    audited: BTreeSet<NaiveDate>,
    /// The clinic's local time when last loaded (for late and waiting).
    local_now: std::cell::Cell<chrono::NaiveDateTime>,
    /// The clinic's offset from UTC, for the times of arrival.
    offset: chrono::FixedOffset,
    date_pattern: &'static str,
}

impl Appointments {
    /// The tab as it opens: today.
    pub fn new(ctx: &mut Ctx) -> (Appointments, Said) {
        let mut a = Appointments {
            day: ctx.clock.today(),
            list: Vec::new(),
            queue: Vec::new(),
            clinicians: Vec::new(),
            hours: Vec::new(),
            types: Vec::new(),
            filter: None,
            selected: 0,
            anchor: None,
            queue_selected: 0,
            view: View::Day,
            picker: None,
            prompt: None,
            confirm: None,
            audited: BTreeSet::new(),
            local_now: std::cell::Cell::new(ctx.clock.local()),
            offset: ctx.clock.offset,
            date_pattern: ctx.settings.date_pattern(),
        };
        let said = a.load_setup(ctx);
        let loaded = a.load_day(ctx, true);
        (a, if said == Said::Nothing { loaded } else { said })
    }

    /// The key table in force.
    pub fn table(&self) -> &'static [Binding] {
        if self.confirm.is_some() {
            return keymap::CONFIRM;
        }
        if self.prompt.is_some() {
            return keymap::PROMPT;
        }
        if let Some(p) = &self.picker {
            return p.table();
        }
        match &self.view {
            View::Day => keymap::APPT_DAY,
            View::Queue => keymap::APPT_QUEUE,
            View::Form(f) => f.table(),
            View::Setup(s) => s.table(),
        }
    }

    pub fn title(&self) -> &'static str {
        if let Some(p) = &self.picker {
            return p.title();
        }
        match &self.view {
            View::Day => "Appointments",
            View::Queue => "Queue",
            View::Form(f) => f.title(),
            View::Setup(_) => "Types and hours",
        }
    }

    /// Whether a form holds input that leaving would lose.
    pub fn has_unsaved_input(&self) -> bool {
        matches!(&self.view, View::Form(f) if f.touched)
            || matches!(&self.view, View::Setup(s) if s.has_unsaved_input())
    }

    /// The tab is being left: an open picker writes its search event.
    pub fn leave(&mut self, ctx: &mut Ctx) -> Said {
        match &mut self.picker {
            Some(p) => p.leave(&mut ctx.patients()),
            None => Said::Nothing,
        }
    }

    /// The tab is shown again: read the day anew (another terminal may have
    /// changed it), keeping the view.
    pub fn reopen(&mut self, ctx: &mut Ctx) -> Said {
        let said = self.load_setup(ctx);
        if said != Said::Nothing {
            return said;
        }
        self.load_day(ctx, true)
    }

    // ---- loading ----------------------------------------------------------

    fn load_setup(&mut self, ctx: &mut Ctx) -> Said {
        let conn = ctx.db.conn();
        let loaded = (|| -> Result<_, Error> {
            let clinicians = store::clinicians(conn)?;
            let hours = clinicians
                .iter()
                .map(|c| store::hours(conn, &c.id))
                .collect::<Result<Vec<_>, _>>()?;
            let types = store::types(conn, false)?;
            Ok((clinicians, hours, types))
        })();
        match loaded {
            Ok((c, h, t)) => {
                self.clinicians = c;
                self.hours = h;
                self.types = t;
                if self.filter.is_some_and(|i| i >= self.clinicians.len()) {
                    self.filter = None;
                }
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    /// Reads the day shown (and today's queue). A day seen for the first
    /// time is a READ event.
    fn load_day(&mut self, ctx: &mut Ctx, navigated: bool) -> Said {
        self.local_now.set(ctx.clock.local());
        self.offset = ctx.clock.offset;
        let audit = navigated && !self.audited.contains(&self.day);
        match ops::day(ctx.db, ctx.session, self.day, audit) {
            Ok(list) => {
                self.list = list;
                self.audited.insert(self.day);
            }
            Err(e) => return said_error(e),
        }
        let today = ctx.clock.today();
        match ops::queue(ctx.db, ctx.session, today) {
            Ok(q) => self.queue = q,
            Err(e) => return said_error(e),
        }
        if !self.audited.contains(&today) && !self.queue.is_empty() && navigated {
            if let Err(e) = ops::day(ctx.db, ctx.session, today, true) {
                return said_error(e);
            }
            self.audited.insert(today);
        }
        let n = self.shown().len();
        self.selected = self.selected.min(n.saturating_sub(1));
        self.queue_selected = self
            .queue_selected
            .min(self.queue_shown().len().saturating_sub(1));
        Said::Nothing
    }

    /// Selects the appointment with this id, if shown.
    fn select(&mut self, id: &Id) {
        if let Some(i) = self.shown().iter().position(|b| b.appt.id == *id) {
            self.selected = i;
        }
    }

    /// The appointments shown: the filter's clinician (or the one the
    /// narrow list shows), cancelled ones only in a one-clinician list.
    fn shown(&self) -> Vec<&Booked> {
        self.list
            .iter()
            .filter(|b| {
                self.filter.is_none_or(|i| {
                    self.clinicians
                        .get(i)
                        .is_some_and(|c| c.id == b.appt.clinician_id)
                })
            })
            .filter(|b| self.filter.is_some() || b.appt.status != Status::Cancelled)
            .collect()
    }

    fn queue_shown(&self) -> Vec<&Booked> {
        self.queue
            .iter()
            .filter(|b| {
                self.filter.is_none_or(|i| {
                    self.clinicians
                        .get(i)
                        .is_some_and(|c| c.id == b.appt.clinician_id)
                })
            })
            .collect()
    }

    fn current(&self) -> Option<Booked> {
        match &self.view {
            View::Queue => self
                .queue_shown()
                .get(self.queue_selected)
                .map(|b| (*b).clone()),
            _ => self.shown().get(self.selected).map(|b| (*b).clone()),
        }
    }

    /// The type a new booking starts with: a consultation, where there is one.
    fn usual_type(&self) -> usize {
        self.types
            .iter()
            .position(|t| t.name == "consultation")
            .unwrap_or(0)
    }

    fn clinician_index(&self, id: &Id) -> Option<usize> {
        self.clinicians.iter().position(|c| c.id == *id)
    }

    // ---- keys -------------------------------------------------------------

    /// Whether typed characters go somewhere: a prompt, the picker's search,
    /// a form's text field. Otherwise they fall to the global keys (`?`).
    pub fn takes_text(&self) -> bool {
        if self.confirm.is_some() {
            return false;
        }
        self.prompt.is_some()
            || self.picker.is_some()
            || matches!(&self.view, View::Form(_))
            || matches!(&self.view, View::Setup(s) if s.type_form.is_some())
    }

    /// Text typed where the cursor is: the picker, a prompt, a form field.
    pub fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        if self.confirm.is_some() {
            return Said::Nothing;
        }
        if let Some((p, _)) = &mut self.prompt {
            p.answer.type_key(key);
            return Said::Nothing;
        }
        if let Some(p) = &mut self.picker {
            let said = p.type_key(key, &mut ctx.patients());
            return self.after_pick(said, ctx);
        }
        match &mut self.view {
            View::Form(f) => {
                f.type_key(key);
                Said::Nothing
            }
            View::Setup(s) => {
                s.type_key(key);
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    pub fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if self.confirm.is_some() {
            return self.answer_confirm(action, ctx);
        }
        if self.prompt.is_some() {
            return self.answer_prompt(action, ctx);
        }
        if let Some(p) = &mut self.picker {
            let said = p.perform(action, &mut ctx.patients());
            return self.after_pick(said, ctx);
        }
        match &self.view {
            View::Day => self.perform_day(action, ctx),
            View::Queue => self.perform_queue(action, ctx),
            View::Form(_) => self.perform_form(action, ctx),
            View::Setup(_) => self.perform_setup(action, ctx),
        }
    }

    /// After a key in the picker: takes its outcome into the form.
    fn after_pick(&mut self, said: Said, _ctx: &mut Ctx) -> Said {
        let Some(outcome) = self.picker.as_mut().and_then(|p| p.outcome()) else {
            return said;
        };
        self.picker = None;
        let View::Form(form) = &mut self.view else {
            return said;
        };
        match outcome {
            PickOutcome::Chosen(p) => {
                form.patient = Some(Chosen {
                    id: p.id.clone(),
                    name: p.details.full_name(),
                    mrn: p.mrn.clone(),
                });
                form.touched = true;
                form.focus_on(Slot::Clinician);
                Said::Info(format!(
                    "{} {}: now the clinician and type.",
                    p.mrn,
                    p.details.full_name()
                ))
            }
            PickOutcome::Cancelled => {
                if form.patient.is_none() {
                    self.view = View::Day;
                    Said::Info("Nothing booked.".into())
                } else {
                    Said::Nothing
                }
            }
        }
    }

    fn refused(ctx: &Ctx, p: Permission, doing: &str) -> Option<Said> {
        ctx.session.require(p, doing).err().map(said_error)
    }

    fn perform_day(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let n = self.shown().len();
        if !matches!(action, Action::PageUp | Action::PageDown) {
            self.anchor = None;
        }
        match action {
            Action::PageUp | Action::PageDown => {
                let (lo, hi) = self.grid_range(&(0..self.clinicians.len()).collect::<Vec<_>>());
                let from = self
                    .anchor
                    .or_else(|| self.shown().get(self.selected).map(|b| b.appt.span.start))
                    .unwrap_or(lo);
                self.anchor = Some(if action == Action::PageUp {
                    from.saturating_sub(120).max(lo)
                } else {
                    (from + 120).min(hi.saturating_sub(ROW_MINUTES))
                });
            }
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::Home => self.selected = 0,
            Action::End => self.selected = n.saturating_sub(1),
            Action::PreviousDay | Action::NextDay | Action::Today => {
                self.day = match action {
                    Action::PreviousDay => self.day.pred_opt().unwrap_or(self.day),
                    Action::NextDay => self.day.succ_opt().unwrap_or(self.day),
                    _ => ctx.clock.today(),
                };
                self.selected = 0;
                return self.load_day(ctx, true);
            }
            Action::GoToDate => {
                let p = Prompt::new(
                    format!(
                        "Which day? ({}, or YYYY-MM-DD)",
                        self.date_pattern
                            .replace("%d", "DD")
                            .replace("%m", "MM")
                            .replace("%Y", "YYYY")
                    ),
                    "Date",
                );
                self.prompt = Some((p, Asking::GoToDate));
            }
            Action::FilterClinician => return self.next_filter(),
            Action::Refresh => {
                let said = self.load_setup(ctx);
                if said != Said::Nothing {
                    return said;
                }
                let said = self.load_day(ctx, false);
                return if said == Said::Nothing {
                    Said::Info("Refreshed.".into())
                } else {
                    said
                };
            }
            Action::NewAppointment | Action::WalkIn => {
                let doing = if action == Action::WalkIn {
                    "check in walk-ins"
                } else {
                    "book appointments"
                };
                if let Some(r) = Self::refused(ctx, Permission::ManageAppointments, doing) {
                    return r;
                }
                if self.clinicians.is_empty() || self.types.is_empty() {
                    return Said::Error(
                        "There are no doctor or nurse accounts, or no appointment types: an administrator adds them first (Admin tab, or h here)."
                            .into(),
                    );
                }
                let purpose = if action == Action::WalkIn {
                    Purpose::WalkIn
                } else {
                    Purpose::Book
                };
                let day = if action == Action::WalkIn {
                    ctx.clock.today()
                } else {
                    self.day
                };
                let mut form = BookingForm::new(purpose, day, self.date_pattern);
                form.clinician = self
                    .filter
                    .or_else(|| {
                        self.current()
                            .and_then(|b| self.clinician_index(&b.appt.clinician_id))
                    })
                    .unwrap_or(0);
                form.set_type(self.usual_type(), &self.types);
                form.touched = false;
                self.view = View::Form(Box::new(form));
                let purpose = if action == Action::WalkIn {
                    "Walk-in: who has arrived?"
                } else {
                    "Book an appointment for"
                };
                self.picker = Some(Box::new(Patients::picker(&mut ctx.patients(), purpose)));
            }
            Action::Reschedule => {
                let Some(b) = self.current() else {
                    return nothing_selected();
                };
                if let Some(r) = Self::refused(
                    ctx,
                    Permission::ManageAppointments,
                    "reschedule appointments",
                ) {
                    return r;
                }
                if b.appt.status != Status::Scheduled {
                    return Said::Error(format!(
                        "Only a scheduled appointment can be rescheduled; this one is {}.",
                        b.appt.status.label()
                    ));
                }
                let mut form = BookingForm::new(
                    Purpose::Reschedule {
                        id: b.appt.id.clone(),
                        version: b.appt.version,
                    },
                    b.appt.day,
                    self.date_pattern,
                );
                form.patient = Some(Chosen {
                    id: b.appt.patient_id.clone(),
                    name: b.patient_name.clone(),
                    mrn: b.mrn.clone(),
                });
                form.clinician = self.clinician_index(&b.appt.clinician_id).unwrap_or(0);
                let kind = self
                    .types
                    .iter()
                    .position(|t| t.id == b.appt.type_id)
                    .unwrap_or(0);
                form.set_type(kind, &self.types);
                form.minutes = TextField::new("Minutes")
                    .wide(4)
                    .with_value(&b.appt.span.minutes().to_string());
                form.time = TextField::new("Time")
                    .wide(6)
                    .with_value(&hhmm(b.appt.span.start));
                form.notes = TextField::new("Notes").wide(50).with_value(&b.appt.notes);
                form.focus_on(Slot::Date);
                form.touched = false;
                self.view = View::Form(Box::new(form));
            }
            Action::CheckIn => return self.advance(Status::CheckedIn, None, ctx),
            Action::StartConsultation => return self.advance(Status::InConsultation, None, ctx),
            Action::CompleteConsultation => return self.advance(Status::Completed, None, ctx),
            Action::MarkNoShow => return self.advance(Status::NoShow, None, ctx),
            Action::CancelAppointment => {
                let Some(b) = self.current() else {
                    return nothing_selected();
                };
                if let Some(r) =
                    Self::refused(ctx, Permission::ManageAppointments, "cancel appointments")
                {
                    return r;
                }
                if let Err(m) = rules::check_move(b.appt.status, Status::Cancelled) {
                    return said_error(Error::Refused(m));
                }
                let p = Prompt::new(
                    format!(
                        "Cancel {} {} {}? Why:",
                        b.patient_name, b.appt.span, b.type_name
                    ),
                    "Reason",
                );
                self.prompt = Some((
                    p,
                    Asking::CancelReason {
                        id: b.appt.id,
                        version: b.appt.version,
                    },
                ));
            }
            Action::UndoStatus => {
                let Some(b) = self.current() else {
                    return nothing_selected();
                };
                if let Some(r) =
                    Self::refused(ctx, Permission::Administer, "undo appointment changes")
                {
                    return r;
                }
                let Some(to) = b.appt.status.undo_target() else {
                    return Said::Error(format!(
                        "{}'s appointment is {}: nothing to undo.",
                        b.patient_name,
                        b.appt.status.label()
                    ));
                };
                let p = Prompt::new(
                    format!(
                        "Undo {}'s {} back to {}? Why:",
                        b.patient_name,
                        b.appt.status.label(),
                        to.label()
                    ),
                    "Reason",
                );
                self.prompt = Some((
                    p,
                    Asking::UndoReason {
                        id: b.appt.id,
                        version: b.appt.version,
                    },
                ));
            }
            Action::ShowQueue => {
                self.view = View::Queue;
                self.queue_selected = 0;
                return self.load_day(ctx, true);
            }
            Action::SetUp => {
                if let Some(r) = Self::refused(
                    ctx,
                    Permission::Administer,
                    "change appointment types and working hours",
                ) {
                    return r;
                }
                return self.open_setup(ctx);
            }
            _ => {}
        }
        Said::Nothing
    }

    fn next_filter(&mut self) -> Said {
        if self.clinicians.is_empty() {
            return Said::Info("There are no doctor or nurse accounts yet.".into());
        }
        self.filter = match self.filter {
            None => Some(0),
            Some(i) if i + 1 < self.clinicians.len() => Some(i + 1),
            Some(_) => None,
        };
        self.selected = 0;
        self.queue_selected = 0;
        Said::Info(match self.filter {
            Some(i) => format!(
                "Showing {} only: c for the next clinician.",
                self.clinicians[i].name()
            ),
            None => "Showing all clinicians.".into(),
        })
    }

    fn advance(&mut self, to: Status, reason: Option<&str>, ctx: &mut Ctx) -> Said {
        let Some(b) = self.current() else {
            return nothing_selected();
        };
        match ops::advance(
            ctx.db,
            ctx.session,
            &b.appt.id,
            b.appt.version,
            to,
            reason,
            ctx.clock,
        ) {
            Ok(after) => {
                let said = self.load_day(ctx, false);
                if said != Said::Nothing {
                    return said;
                }
                if !matches!(self.view, View::Queue) {
                    self.select(&after.appt.id);
                }
                let what = match to {
                    Status::CheckedIn => "checked in: waiting in the queue",
                    Status::InConsultation => "called into consultation",
                    Status::Completed => "done",
                    Status::Cancelled => "cancelled",
                    Status::NoShow => "marked no-show",
                    Status::Scheduled => "scheduled",
                };
                Said::Info(format!(
                    "{} {} ({}) {what}.",
                    after.appt.span, after.patient_name, after.clinician_name
                ))
            }
            Err(e) => said_error(e),
        }
    }

    fn perform_queue(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let n = self.queue_shown().len();
        match action {
            Action::Up => self.queue_selected = self.queue_selected.saturating_sub(1),
            Action::Down => {
                self.queue_selected = (self.queue_selected + 1).min(n.saturating_sub(1))
            }
            Action::Back => {
                self.view = View::Day;
            }
            Action::FilterClinician => return self.next_filter(),
            Action::Refresh => return self.load_day(ctx, false),
            Action::StartConsultation => return self.advance(Status::InConsultation, None, ctx),
            Action::CallNext => {
                let clinician = self
                    .filter
                    .and_then(|i| self.clinicians.get(i))
                    .map(|c| c.id.clone());
                return match ops::call_next(ctx.db, ctx.session, clinician.as_ref(), ctx.clock) {
                    Ok(b) => {
                        let said = self.load_day(ctx, false);
                        if said != Said::Nothing {
                            return said;
                        }
                        Said::Info(format!(
                            "{} {} called in to {}.",
                            b.mrn, b.patient_name, b.clinician_name
                        ))
                    }
                    Err(e) => said_error(e),
                };
            }
            _ => {}
        }
        Said::Nothing
    }

    fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => form.next_field(),
            Action::PrevField => form.prev_field(),
            Action::Open => match form.focused() {
                Slot::Patient if !matches!(form.purpose, Purpose::Reschedule { .. }) => {
                    self.picker = Some(Box::new(Patients::picker(
                        &mut ctx.patients(),
                        "Book an appointment for",
                    )));
                }
                _ => form.next_field(),
            },
            Action::ChooseNext | Action::ChoosePrevious => {
                let step = |i: usize, n: usize| -> usize {
                    if n == 0 {
                        0
                    } else if action == Action::ChooseNext {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    }
                };
                match form.focused() {
                    Slot::Clinician => {
                        form.clinician = step(form.clinician, self.clinicians.len());
                        form.touched = true;
                        form.error = None;
                    }
                    Slot::Type => {
                        let i = step(form.kind, self.types.len());
                        form.set_type(i, &self.types);
                        form.touched = true;
                        form.error = None;
                    }
                    _ => {}
                }
            }
            Action::NextFreeSlot => return self.find_free(ctx),
            Action::Cancel => {
                if form.touched {
                    self.confirm = Some(Confirm {
                        question: "Leave the form and throw away what was typed?".into(),
                        then: Pending::DiscardForm,
                    });
                } else {
                    self.view = View::Day;
                }
            }
            Action::Save => return self.save_form(ctx, false),
            _ => {}
        }
        Said::Nothing
    }

    /// The booking the form describes, or what to correct.
    fn read_form(&self, form: &BookingForm) -> Result<Booking, String> {
        let patient = form
            .patient
            .as_ref()
            .ok_or("Choose the patient first: Enter on the Patient field.")?;
        let clinician = self
            .clinicians
            .get(form.clinician)
            .ok_or("Choose a clinician.")?;
        let kind = self
            .types
            .get(form.kind)
            .ok_or("Choose an appointment type.")?;
        let day = crate::domain::patient::parse_date(form.date.value(), self.date_pattern)
            .ok_or_else(|| {
                format!(
                    "The date {:?} cannot be read: write it like {}.",
                    form.date.value(),
                    self.today_text()
                )
            })?;
        let when = rules::check_when(day, form.time.value(), form.minutes.value())
            .map_err(|m| sentence(&m))?;
        Ok(Booking {
            patient: patient.id.clone(),
            clinician: clinician.id.clone(),
            type_id: kind.id.clone(),
            day: when.day,
            span: when.span,
            notes: form.notes.value().to_string(),
        })
    }

    fn today_text(&self) -> String {
        self.local_now
            .get()
            .date()
            .format(self.date_pattern)
            .to_string()
    }

    fn find_free(&mut self, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &self.view else {
            return Said::Nothing;
        };
        let Some(clinician) = self.clinicians.get(form.clinician) else {
            return Said::Nothing;
        };
        let minutes = match rules::check_minutes(form.minutes.value()) {
            Ok(m) => m,
            Err(m) => return Said::Error(sentence(&m)),
        };
        let now = ctx.clock.local();
        let typed_day = crate::domain::patient::parse_date(form.date.value(), self.date_pattern);
        let typed_time = rules::parse_time(form.time.value()).filter(|m| *m < rules::DAY_END);
        let from = match (typed_day, typed_time) {
            (Some(d), Some(t)) => {
                d.and_time(NaiveTime::MIN) + chrono::Duration::minutes(i64::from(t))
            }
            (Some(d), None) if d > now.date() => d.and_time(NaiveTime::MIN),
            _ => now,
        }
        .max(now);
        let except = match &form.purpose {
            Purpose::Reschedule { id, .. } => Some(id.clone()),
            _ => None,
        };
        let patient = form.patient.as_ref().map(|p| p.id.clone());
        let name = clinician.name().to_string();
        let found = ops::next_free(
            ctx.db,
            &clinician.id,
            patient.as_ref(),
            minutes,
            from,
            except.as_ref(),
        );
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        match found {
            Ok(Some((day, span))) => {
                form.set_when(day, span.start, self.date_pattern);
                form.error = None;
                form.info = Some(format!(
                    "Next free {minutes} min for {name}: {} {}.",
                    day.format("%a %d %b"),
                    span
                ));
                form.focus_on(Slot::Time);
                Said::Nothing
            }
            Ok(None) => {
                form.info = None;
                form.error = Some(format!(
                    "{name} has no free {minutes} minutes in working hours in the next {} days: check their hours (h), or type a time.",
                    rules::SEARCH_DAYS
                ));
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn save_form(&mut self, ctx: &mut Ctx, outside_hours_ok: bool) -> Said {
        let View::Form(form) = &self.view else {
            return Said::Nothing;
        };
        if form.purpose == Purpose::WalkIn {
            return self.save_walk_in(ctx);
        }
        let booking = match self.read_form(form) {
            Ok(b) => b,
            Err(m) => {
                if let View::Form(form) = &mut self.view {
                    form.error = Some(m);
                    form.info = None;
                }
                return Said::Nothing;
            }
        };
        let ci = form.clinician;
        if !outside_hours_ok {
            let hours = &self.hours[ci.min(self.hours.len().saturating_sub(1))];
            if !self.hours.is_empty() && !hours.covers(booking.day, &booking.span) {
                self.confirm = Some(Confirm {
                    question: format!(
                        "{} {} is outside {}'s working hours ({} that day). Book anyway?",
                        booking.day.format("%a %d %b"),
                        booking.span,
                        self.clinicians[ci].name(),
                        hours.describe(booking.day)
                    ),
                    then: Pending::BookOutsideHours,
                });
                return Said::Nothing;
            }
        }
        let result = match &form.purpose {
            Purpose::Reschedule { id, version } => ops::reschedule(
                ctx.db,
                ctx.session,
                id,
                *version,
                &booking,
                true,
                ctx.clock.now,
            ),
            _ => ops::book(ctx.db, ctx.session, &booking, true, ctx.clock.now),
        };
        match result {
            Ok(b) => {
                let rescheduled = matches!(form.purpose, Purpose::Reschedule { .. });
                self.view = View::Day;
                self.day = b.appt.day;
                let said = self.load_day(ctx, true);
                if said != Said::Nothing {
                    return said;
                }
                self.select(&b.appt.id);
                Said::Info(format!(
                    "{} {} {} {} with {}.",
                    if rescheduled { "Moved to" } else { "Booked" },
                    b.appt.day.format("%a %d %b"),
                    b.appt.span,
                    b.patient_name,
                    b.clinician_name
                ))
            }
            Err(e) => {
                let message = match said_error(e) {
                    Said::Error(m) => m,
                    _ => String::new(),
                };
                if let View::Form(form) = &mut self.view {
                    form.error = Some(message.clone());
                    form.info = None;
                }
                Said::Error(message)
            }
        }
    }

    fn save_walk_in(&mut self, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &self.view else {
            return Said::Nothing;
        };
        let Some(patient) = form.patient.clone() else {
            if let View::Form(form) = &mut self.view {
                form.error = Some("Choose the patient first: Enter on the Patient field.".into());
            }
            return Said::Nothing;
        };
        let (Some(c), Some(t)) = (
            self.clinicians.get(form.clinician),
            self.types.get(form.kind),
        ) else {
            return Said::Error("Choose a clinician and a type.".into());
        };
        match ops::walk_in(
            ctx.db,
            ctx.session,
            &patient.id,
            &c.id.clone(),
            &t.id.clone(),
            ctx.clock,
        ) {
            Ok(b) => {
                self.view = View::Day;
                self.day = b.appt.day;
                let said = self.load_day(ctx, true);
                if said != Said::Nothing {
                    return said;
                }
                self.select(&b.appt.id);
                Said::Info(format!(
                    "{} checked in as a walk-in for {}, {} {}.",
                    b.patient_name, b.clinician_name, b.appt.span, b.type_name
                ))
            }
            Err(e) => {
                let said = said_error(e);
                if let (View::Form(form), Said::Error(m)) = (&mut self.view, &said) {
                    form.error = Some(m.clone());
                }
                said
            }
        }
    }

    fn answer_confirm(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(c) = self.confirm.take() else {
            return Said::Nothing;
        };
        match (action, c.then) {
            (Action::Yes, Pending::BookOutsideHours) => self.save_form(ctx, true),
            (Action::Yes, Pending::DiscardForm) => {
                self.view = View::Day;
                Said::Info("Nothing booked.".into())
            }
            (Action::No, _) => Said::Nothing,
            _ => {
                self.confirm = Some(c);
                Said::Nothing
            }
        }
    }

    fn answer_prompt(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::No => {
                self.prompt = None;
                Said::Nothing
            }
            Action::Yes => {
                let Some((p, asking)) = self.prompt.take() else {
                    return Said::Nothing;
                };
                let answer = p.answer.value().to_string();
                let said = self.answered(&asking, &answer, ctx);
                if let Said::Error(m) = &said {
                    // Keep the question open with the reason for the refusal.
                    let mut p = p;
                    p.answer.error = Some(m.clone());
                    if matches!(
                        asking,
                        Asking::CancelReason { .. }
                            | Asking::UndoReason { .. }
                            | Asking::GoToDate
                            | Asking::Hours { .. }
                            | Asking::DayOff { .. }
                    ) && !m.contains("another terminal")
                    {
                        self.prompt = Some((p, asking));
                        return Said::Nothing;
                    }
                }
                said
            }
            _ => Said::Nothing,
        }
    }

    fn answered(&mut self, asking: &Asking, answer: &str, ctx: &mut Ctx) -> Said {
        match asking {
            Asking::GoToDate => match crate::domain::patient::parse_date(answer, self.date_pattern)
            {
                Some(d) => {
                    self.day = d;
                    self.selected = 0;
                    self.view = View::Day;
                    self.load_day(ctx, true)
                }
                None => Said::Error(format!(
                    "That is not a date: write it like {}.",
                    self.today_text()
                )),
            },
            Asking::CancelReason { id, version } => {
                match ops::advance(
                    ctx.db,
                    ctx.session,
                    id,
                    *version,
                    Status::Cancelled,
                    Some(answer),
                    ctx.clock,
                ) {
                    Ok(b) => {
                        let said = self.load_day(ctx, false);
                        if said != Said::Nothing {
                            return said;
                        }
                        Said::Info(format!(
                            "Cancelled {} {} {}.",
                            b.appt.span, b.patient_name, b.type_name
                        ))
                    }
                    Err(e) => said_error(e),
                }
            }
            Asking::UndoReason { id, version } => {
                match ops::undo(ctx.db, ctx.session, id, *version, answer, ctx.clock) {
                    Ok(b) => {
                        let said = self.load_day(ctx, false);
                        if said != Said::Nothing {
                            return said;
                        }
                        self.select(&b.appt.id);
                        Said::Info(format!(
                            "{} {} is {} again.",
                            b.appt.span,
                            b.patient_name,
                            b.appt.status.label()
                        ))
                    }
                    Err(e) => said_error(e),
                }
            }
            Asking::Hours { clinician, weekday } => {
                match ops::set_hours(ctx.db, ctx.session, clinician, *weekday, answer) {
                    Ok(_) => self.reload_setup(ctx, "Working hours saved."),
                    Err(e) => said_error(e),
                }
            }
            Asking::DayOff { clinician } => {
                let (remove, text) = match answer.trim().strip_prefix('-') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, answer.trim()),
                };
                let (date, reason) = text.split_once(' ').unwrap_or((text, ""));
                match crate::domain::patient::parse_date(date, self.date_pattern) {
                    Some(d) => {
                        match ops::set_day_off(ctx.db, ctx.session, clinician, d, !remove, reason) {
                            Ok(_) => self.reload_setup(
                                ctx,
                                if remove {
                                    "Day off taken back."
                                } else {
                                    "Day off recorded."
                                },
                            ),
                            Err(e) => said_error(e),
                        }
                    }
                    None => Said::Error(format!(
                        "That is not a date: write it like {} (a leading - takes a day off back).",
                        self.today_text()
                    )),
                }
            }
        }
    }

    // ---- set-up -----------------------------------------------------------

    fn open_setup(&mut self, ctx: &mut Ctx) -> Said {
        let said = self.load_setup(ctx);
        match store::types(ctx.db.conn(), true) {
            Ok(all) => {
                let selected = match &self.view {
                    View::Setup(s) => s.selected,
                    _ => 0,
                };
                let mut s = Setup::new(
                    all,
                    &self.clinicians,
                    &self.hours,
                    self.local_now.get().date(),
                );
                s.select(selected);
                self.view = View::Setup(Box::new(s));
                said
            }
            Err(e) => said_error(e.into()),
        }
    }

    fn reload_setup(&mut self, ctx: &mut Ctx, done: &str) -> Said {
        let said = self.open_setup(ctx);
        if said != Said::Nothing {
            return said;
        }
        Said::Info(done.into())
    }

    fn perform_setup(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Setup(s) = &mut self.view else {
            return Said::Nothing;
        };
        if s.type_form.is_some() {
            match action {
                Action::NextField | Action::PrevField => {
                    if let Some(f) = &mut s.type_form {
                        f.focus = 1 - f.focus;
                    }
                }
                Action::Cancel => s.type_form = None,
                Action::Save => {
                    let Some(f) = &s.type_form else {
                        return Said::Nothing;
                    };
                    let result = match &f.editing {
                        Some(t) => ops::edit_type(
                            ctx.db,
                            ctx.session,
                            t,
                            f.name.value(),
                            f.minutes.value(),
                            t.retired,
                        ),
                        None => {
                            ops::add_type(ctx.db, ctx.session, f.name.value(), f.minutes.value())
                        }
                    };
                    return match result {
                        Ok(t) => {
                            let said = self.reload_setup(ctx, "");
                            if said != Said::Info(String::new()) {
                                return said;
                            }
                            Said::Info(format!("Type {} saved ({} min).", t.name, t.minutes))
                        }
                        Err(e) => {
                            let said = said_error(e);
                            if let (View::Setup(s), Said::Error(m)) = (&mut self.view, &said)
                                && let Some(f) = &mut s.type_form
                            {
                                f.error = Some(m.clone());
                            }
                            said
                        }
                    };
                }
                _ => {}
            }
            return Said::Nothing;
        }
        match action {
            Action::Back => self.view = View::Day,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => s.navigate(action),
            Action::NewType => s.new_type(),
            Action::ToggleRetired => {
                let Some(t) = s.selected_type().cloned() else {
                    return Said::Info("Choose a type first (the list's top part).".into());
                };
                return match ops::edit_type(
                    ctx.db,
                    ctx.session,
                    &t,
                    &t.name,
                    &t.minutes.to_string(),
                    !t.retired,
                ) {
                    Ok(t) => self.reload_setup(
                        ctx,
                        &if t.retired {
                            format!("Type {} is no longer offered for new bookings.", t.name)
                        } else {
                            format!("Type {} is offered again.", t.name)
                        },
                    ),
                    Err(e) => said_error(e),
                };
            }
            Action::Edit => {
                if let Some(ask) = s.edit_selected(&self.clinicians, self.date_pattern) {
                    self.prompt = Some(ask_for(ask));
                }
            }
            _ => {}
        }
        Said::Nothing
    }

    // ---- drawing ----------------------------------------------------------

    /// Draws the view as of the clinic's local time `now` (late and waiting
    /// times follow the clock between keys).
    pub fn render(&self, frame: &mut Frame, area: Rect, now: chrono::NaiveDateTime, theme: &Theme) {
        self.local_now.set(now);
        match &self.view {
            _ if self.picker.is_some() => {}
            View::Day => self.render_day(frame, area, theme),
            View::Queue => self.render_queue(frame, area, theme),
            View::Form(f) => f.render(frame, area, &self.clinicians, &self.types, theme),
            View::Setup(s) => s.render(frame, area, theme),
        }
        if let Some(p) = &self.picker {
            p.render(frame, area, &self.record_clock(), theme);
        }
        if let Some(c) = &self.confirm {
            popup::confirm(&c.question, theme, area, frame.buffer_mut());
        }
        if let Some((p, _)) = &self.prompt {
            p.render(frame, area, theme);
        }
    }

    fn record_clock(&self) -> crate::tui::screens::patient_record::Clock<'static> {
        crate::tui::screens::patient_record::Clock {
            today: self.local_now.get().date(),
            offset: self.offset,
            date_pattern: self.date_pattern,
        }
    }

    fn day_title(&self) -> String {
        let today = self.local_now.get().date();
        let rel = match (self.day - today).num_days() {
            0 => " (today)".to_string(),
            1 => " (tomorrow)".to_string(),
            -1 => " (yesterday)".to_string(),
            _ => String::new(),
        };
        format!("{}{rel}", self.day.format("%a %d %b %Y"))
    }

    /// Which clinicians get a column: the filter's, all when they fit, else
    /// the first (a one-clinician list).
    fn columns(&self, width: u16) -> (Vec<usize>, bool) {
        match self.filter {
            Some(i) => (vec![i], false),
            None => {
                let n = self.clinicians.len() as u16;
                if n > 0 && TIME_COLUMN + 2 + n * MIN_COLUMN <= width {
                    ((0..self.clinicians.len()).collect(), true)
                } else {
                    (vec![0], false)
                }
            }
        }
    }

    fn render_day(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(2),
        ])
        .areas(area);
        let shown = self.shown();
        let (cols, grid) = self.columns(area.width);
        let waiting = self.queue.len();
        let late = shown
            .iter()
            .filter(|b| {
                is_late(
                    b.appt.status,
                    b.appt.day,
                    &b.appt.span,
                    self.local_now.get(),
                )
            })
            .count();
        let who = match self.filter {
            Some(i) => self
                .clinicians
                .get(i)
                .map(|c| c.name().to_string())
                .unwrap_or_default(),
            None if grid => "all clinicians".into(),
            None => match self.clinicians.first() {
                Some(c) => format!("{} (narrow window: c for the others)", c.name()),
                None => "no clinicians".into(),
            },
        };
        let booked = shown
            .iter()
            .filter(|b| b.appt.status != Status::Cancelled)
            .count();
        let mut spans = vec![
            TextSpan::styled(format!(" {} ", self.day_title()), theme.title()),
            TextSpan::raw(format!("· {who} · {booked} booked")),
        ];
        if late > 0 {
            spans.push(TextSpan::styled(format!(" · {late} LATE"), theme.warn()));
        }
        if waiting > 0 {
            spans.push(TextSpan::raw(format!(" · {waiting} waiting (q)")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), head);

        if self.clinicians.is_empty() {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from(" No doctor or nurse accounts yet: an administrator adds them on the Admin tab"),
                    Line::from(" (or with `wardline users add`), then sets their hours here with h."),
                ])
                .block(Block::bordered()),
                body,
            );
        } else if grid {
            self.render_grid(frame, body, &cols, theme);
        } else {
            self.render_list(frame, body, cols[0], theme);
        }
        self.render_selected(frame, foot, theme);
    }

    fn tag(&self, b: &Booked) -> (&'static str, Style, bool) {
        if is_late(
            b.appt.status,
            b.appt.day,
            &b.appt.span,
            self.local_now.get(),
        ) {
            return ("LATE", Style::default(), true);
        }
        let t = match b.appt.status {
            Status::Scheduled => "booked",
            Status::CheckedIn => "arrived",
            Status::InConsultation => "in room",
            Status::Completed => "done",
            Status::Cancelled => "cancel",
            Status::NoShow => "no-show",
        };
        (t, Style::default(), false)
    }

    fn status_style(&self, b: &Booked, theme: &Theme) -> Style {
        if is_late(
            b.appt.status,
            b.appt.day,
            &b.appt.span,
            self.local_now.get(),
        ) {
            return theme.warn();
        }
        match b.appt.status {
            Status::CheckedIn | Status::InConsultation => theme.ok(),
            Status::Completed | Status::Cancelled | Status::NoShow => theme.muted(),
            Status::Scheduled => Style::default(),
        }
    }

    /// The grid's first and last minute: working hours and appointments,
    /// widened to whole hours (08:00–17:00 when there is nothing).
    fn grid_range(&self, cols: &[usize]) -> (u16, u16) {
        let mut lo = u16::MAX;
        let mut hi = 0;
        for &c in cols {
            if let Some(h) = self.hours.get(c) {
                for s in h.on(self.day) {
                    lo = lo.min(s.start);
                    hi = hi.max(s.end);
                }
            }
        }
        for b in self.shown() {
            lo = lo.min(b.appt.span.start);
            hi = hi.max(b.appt.span.end);
        }
        if lo >= hi {
            return (8 * 60, 17 * 60);
        }
        (lo / 60 * 60, hi.div_ceil(60) * 60)
    }

    fn render_grid(&self, frame: &mut Frame, area: Rect, cols: &[usize], theme: &Theme) {
        let block = Block::bordered();
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let (lo, hi) = self.grid_range(cols);
        let rows: Vec<u16> = (lo..hi).step_by(ROW_MINUTES as usize).collect();
        let width = (inner.width.saturating_sub(TIME_COLUMN)) / cols.len().max(1) as u16;
        let visible = inner.height.saturating_sub(1) as usize;
        let shown = self.shown();
        let selected = shown.get(self.selected);
        // Keep the selection (or now, or the first working hour) in view.
        let focus_minute = self
            .anchor
            .or(selected.map(|b| b.appt.span.start))
            .or_else(|| {
                (self.day == self.local_now.get().date())
                    .then(|| rules::minute_of(self.local_now.get()))
            })
            .unwrap_or(lo);
        let focus_row = rows
            .iter()
            .position(|r| *r + ROW_MINUTES > focus_minute)
            .unwrap_or(0);
        let offset = if rows.len() <= visible {
            0
        } else {
            focus_row
                .saturating_sub(visible / 3)
                .min(rows.len() - visible)
        };
        let buf = frame.buffer_mut();
        // Header: clinician names.
        let mut x = inner.x + TIME_COLUMN;
        for &c in cols {
            let name = self
                .clinicians
                .get(c)
                .map(|c| c.name().to_string())
                .unwrap_or_default();
            buf.set_stringn(
                x,
                inner.y,
                format!("│{name}"),
                width as usize,
                theme.header(),
            );
            x += width;
        }
        let now_row = (self.day == self.local_now.get().date())
            .then(|| rules::minute_of(self.local_now.get()))
            .filter(|m| (lo..hi).contains(m));
        for (i, &t) in rows.iter().enumerate().skip(offset).take(visible) {
            let y = inner.y + 1 + (i - offset) as u16;
            let now_here = now_row.is_some_and(|m| m >= t && m < t + ROW_MINUTES);
            let label = if now_here {
                format!("{}▸", hhmm(t))
            } else {
                format!("{} ", hhmm(t))
            };
            buf.set_stringn(
                inner.x,
                y,
                label,
                TIME_COLUMN as usize,
                if t % 60 == 0 {
                    Style::default()
                } else {
                    theme.muted()
                },
            );
            let mut x = inner.x + TIME_COLUMN;
            for &c in cols {
                let cid = &self.clinicians[c].id;
                let row = Span {
                    start: t,
                    end: t + ROW_MINUTES,
                };
                let here: Vec<&&Booked> = shown
                    .iter()
                    .filter(|b| b.appt.clinician_id == *cid && b.appt.status != Status::Cancelled)
                    .filter(|b| b.appt.span.overlaps(&row))
                    .collect();
                let starting: Vec<&&&Booked> =
                    here.iter().filter(|b| b.appt.span.start >= t).collect();
                let working = self.hours.get(c).is_some_and(|h| h.working_at(self.day, t));
                let cell_w = width.saturating_sub(1) as usize;
                buf.set_stringn(x, y, "│", 1, theme.muted());
                // Two starting in one row: the selected one shows, with "+1".
                let first = starting
                    .iter()
                    .find(|b| selected.is_some_and(|s| s.appt.id == b.appt.id))
                    .or(starting.first());
                if let Some(first) = first {
                    let (tag, _, _) = self.tag(first);
                    let more = if starting.len() > 1 {
                        format!("+{} ", starting.len() - 1)
                    } else {
                        String::new()
                    };
                    let text = format!(
                        "{} {tag:<7} {more}{} · {}",
                        hhmm(first.appt.span.start),
                        first.patient_name,
                        first.type_name
                    );
                    let is_sel = selected.is_some_and(|s| s.appt.id == first.appt.id);
                    let style = if is_sel {
                        theme.selected()
                    } else {
                        self.status_style(first, theme)
                    };
                    let padded = format!("{text:<cell_w$}");
                    buf.set_stringn(x + 1, y, padded, cell_w, style);
                } else if let Some(cont) = here.first() {
                    let is_sel = selected.is_some_and(|s| s.appt.id == cont.appt.id);
                    let style = if is_sel {
                        theme.selected()
                    } else {
                        theme.muted()
                    };
                    buf.set_stringn(x + 1, y, format!("{:<cell_w$}", "  ┆"), cell_w, style);
                } else if !working {
                    buf.set_stringn(x + 1, y, "░".repeat(cell_w), cell_w, theme.muted());
                }
                x += width;
            }
        }
    }

    fn render_list(&self, frame: &mut Frame, area: Rect, clinician: usize, theme: &Theme) {
        let shown: Vec<&Booked> = self
            .shown()
            .into_iter()
            .filter(|b| {
                self.clinicians
                    .get(clinician)
                    .is_some_and(|c| c.id == b.appt.clinician_id)
            })
            .collect();
        let hours = self.hours.get(clinician);
        let title = format!(
            " {} · hours {} ",
            self.clinicians
                .get(clinician)
                .map(|c| c.name())
                .unwrap_or(""),
            hours.map(|h| h.describe(self.day)).unwrap_or_default()
        );
        let all = self.shown();
        let selected_id = all.get(self.selected).map(|b| b.appt.id.clone());
        let rows = shown.iter().map(|b| {
            let (tag, _, _) = self.tag(b);
            let outside = hours.is_some_and(|h| !h.covers(b.appt.day, &b.appt.span));
            let time = Row::new(vec![
                format!("{}{}", b.appt.span, if outside { " ░" } else { "" }),
                tag.to_string(),
                b.patient_name.clone(),
                b.mrn.clone(),
                b.type_name.clone(),
                if b.appt.status == Status::Cancelled {
                    b.appt.cancel_reason.clone().unwrap_or_default()
                } else {
                    b.appt.notes.clone()
                },
            ]);
            time.style(self.status_style(b, theme))
        });
        let widths = [
            Constraint::Length(13),
            Constraint::Length(8),
            Constraint::Min(14),
            Constraint::Length(13),
            Constraint::Length(12),
            Constraint::Min(0),
        ];
        let table = Table::new(rows, widths)
            .header(
                Row::new(vec!["Time", "Status", "Patient", "MRN", "Type", "Notes"])
                    .style(theme.header()),
            )
            .row_highlight_style(theme.selected())
            .block(Block::bordered().title(TextSpan::styled(title.clone(), theme.title())));
        let index = selected_id.and_then(|id| shown.iter().position(|b| b.appt.id == id));
        let mut state = TableState::default().with_selected(index);
        if shown.is_empty() {
            let text = Paragraph::new(vec![
                Line::from(""),
                Line::from(TextSpan::styled(
                    "  No appointments: n books one, w takes a walk-in.",
                    theme.muted(),
                )),
            ])
            .block(Block::bordered().title(TextSpan::styled(title, theme.title())));
            frame.render_widget(text, area);
        } else {
            frame.render_stateful_widget(table, area, &mut state);
        }
    }

    fn render_selected(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let shown = self.shown();
        let unset: Vec<&str> = self
            .clinicians
            .iter()
            .zip(&self.hours)
            .filter(|(_, h)| h.is_empty())
            .map(|(c, _)| c.name())
            .collect();
        let lines = match shown.get(self.selected) {
            None if !unset.is_empty() => vec![Line::from(TextSpan::styled(
                format!(
                    " No working hours yet for {}: an administrator sets them with h.",
                    unset.join(", ")
                ),
                theme.warn(),
            ))],
            None => vec![Line::from(TextSpan::styled(
                " No appointment selected: n books, w takes a walk-in, [ ] change the day, ? shows all keys.",
                theme.muted(),
            ))],
            Some(b) => {
                let (tag, _, late) = self.tag(b);
                let state = if late {
                    "LATE (m marks no-show)".to_string()
                } else {
                    b.appt.status.label().to_string()
                };
                let first = Line::from(vec![
                    TextSpan::styled(format!(" {} ", b.appt.span), theme.title()),
                    TextSpan::raw(format!(
                        "{} {} · {} · {} · ",
                        b.mrn, b.patient_name, b.type_name, b.clinician_name
                    )),
                    TextSpan::styled(state, self.status_style(b, theme)),
                ]);
                let _ = tag;
                let mut more = Vec::new();
                if b.appt.walk_in {
                    more.push("walk-in".to_string());
                }
                if let Some(t) = b.appt.checked_in_at {
                    let at = t.with_timezone(&self.offset()).naive_local();
                    more.push(format!("arrived {}", at.format("%H:%M")));
                    if b.appt.status == Status::CheckedIn {
                        more.push(format!(
                            "waiting {} min",
                            (self.local_now.get() - at).num_minutes().max(0)
                        ));
                    }
                }
                if b.appt.rescheduled_from.is_some() {
                    more.push("rescheduled from an earlier booking".into());
                }
                if let Some(r) = &b.appt.cancel_reason {
                    more.push(format!("cancelled: {r}"));
                }
                if !b.appt.notes.is_empty() {
                    more.push(format!("notes: {}", b.appt.notes));
                }
                let hint = match b.appt.status {
                    Status::Scheduled if late => "i check in · m no-show · r reschedule · x cancel",
                    Status::Scheduled => "i check in · r reschedule · x cancel",
                    Status::CheckedIn => "s call in · q queue",
                    Status::InConsultation => "d done",
                    _ => "",
                };
                let mut second = vec![TextSpan::raw(format!(" {}", more.join(" · ")))];
                if !hint.is_empty() {
                    second.push(TextSpan::styled(
                        format!("{}{hint}", if more.is_empty() { "" } else { "   " }),
                        theme.muted(),
                    ));
                }
                vec![first, Line::from(second)]
            }
        };
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn offset(&self) -> chrono::FixedOffset {
        self.offset
    }

    fn render_queue(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let q = self.queue_shown();
        let offset = self.offset();
        let waits: Vec<i64> = q
            .iter()
            .map(|b| {
                b.appt
                    .checked_in_at
                    .map(|t| {
                        (self.local_now.get() - t.with_timezone(&offset).naive_local())
                            .num_minutes()
                            .max(0)
                    })
                    .unwrap_or(0)
            })
            .collect();
        let who = match self.filter.and_then(|i| self.clinicians.get(i)) {
            Some(c) => format!(" for {}", c.name()),
            None => String::new(),
        };
        let mut spans = vec![
            TextSpan::styled(
                format!(
                    " Queue{who} · {} ",
                    self.local_now.get().date().format("%a %d %b")
                ),
                theme.title(),
            ),
            TextSpan::raw(format!("· {} waiting", q.len())),
        ];
        if let Some(longest) = waits.iter().max() {
            spans.push(TextSpan::raw(format!(" · longest {longest} min")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), head);
        if q.is_empty() {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from(TextSpan::styled(
                        "  Nobody is waiting. Patients appear here when they are checked in (i on the day view, or w for a walk-in).",
                        theme.muted(),
                    )),
                ])
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(Block::bordered()),
                body,
            );
            return;
        }
        let rows = q.iter().zip(&waits).enumerate().map(|(i, (b, w))| {
            let arrived = b
                .appt
                .checked_in_at
                .map(|t| t.with_timezone(&offset).format("%H:%M").to_string())
                .unwrap_or_default();
            Row::new(vec![
                format!("{}", i + 1),
                arrived,
                format!("{w} min"),
                b.patient_name.clone(),
                b.mrn.clone(),
                b.clinician_name.clone(),
                format!(
                    "{} {}{}",
                    hhmm(b.appt.span.start),
                    b.type_name,
                    if b.appt.walk_in { " (walk-in)" } else { "" }
                ),
            ])
        });
        let widths = [
            Constraint::Length(3),
            Constraint::Length(7),
            Constraint::Length(8),
            Constraint::Min(14),
            Constraint::Length(13),
            Constraint::Length(16),
            Constraint::Min(10),
        ];
        let table = Table::new(rows, widths)
            .header(
                Row::new(vec![
                    "#",
                    "Arrived",
                    "Waiting",
                    "Patient",
                    "MRN",
                    "Clinician",
                    "Booked",
                ])
                .style(theme.header()),
            )
            .row_highlight_style(theme.selected())
            .block(Block::bordered().title(TextSpan::styled(
                " In order of arrival · n calls the first in ",
                theme.muted(),
            )));
        let mut state = TableState::default().with_selected(Some(self.queue_selected));
        frame.render_stateful_widget(table, body, &mut state);
    }
}

fn nothing_selected() -> Said {
    Said::Info("No appointment selected: ↑↓ choose one, or n books.".into())
}

fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().chain(c).collect();
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

/// A set-up question as a prompt.
fn ask_for(ask: crate::tui::screens::appointment_setup::Ask) -> (Prompt, Asking) {
    use crate::tui::screens::appointment_setup::Ask;
    match ask {
        Ask::Hours {
            clinician,
            weekday,
            question,
            current,
        } => {
            let mut p = Prompt::new(question, "Hours");
            p.answer = TextField::new("Hours").wide(50).with_value(&current);
            (p, Asking::Hours { clinician, weekday })
        }
        Ask::DayOff {
            clinician,
            question,
        } => {
            let mut p = Prompt::new(question, "Date");
            p.answer = TextField::new("Date").wide(50);
            (p, Asking::DayOff { clinician })
        }
    }
}
