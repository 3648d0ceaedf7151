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
use crate::tui::screen::{Ctx as PatientsCtx, Said, said_error};
use crate::tui::screens::patients::{Patients, PickOutcome};
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
use form::{BookingForm, Chosen, Purpose, Slot};
use setup::Setup;
use std::collections::BTreeSet;

mod draw;
mod form;
mod setup;

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

/// How often a day view or queue left open is read again.
const RELOAD_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

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
    /// The columns: the clinicians who take bookings (the first
    /// `bookable`, with their `hours`), then those who no longer do (a
    /// disabled account, a changed role) but have appointments on the day
    /// shown: their patients still come, and the desk must see them to
    /// call them in or book them with someone else.
    clinicians: Vec<Clinician>,
    bookable: usize,
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
    /// When the day was last read from the file.
    loaded_at: chrono::DateTime<chrono::Utc>,
    /// The clinic's zone from UTC, for the times of arrival.
    zone: crate::domain::clock::Tz,
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
            bookable: 0,
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
            zone: ctx.clock.zone,
            loaded_at: ctx.clock.now,
            date_pattern: ctx.settings.date_pattern(),
        };
        let said = a.load_setup(ctx);
        // A doctor or nurse starts on their own list and queue.
        a.filter = a.clinician_index(&ctx.session.user.id);
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

    /// Time passing: a day view or queue left open is read again every
    /// [`RELOAD_EVERY`], so that another terminal's check-ins and calls show.
    pub fn tick(&mut self, ctx: &mut Ctx) -> Said {
        let idle = self.picker.is_none() && self.prompt.is_none() && self.confirm.is_none();
        if idle
            && matches!(self.view, View::Day | View::Queue)
            && ctx.clock.now - self.loaded_at >= RELOAD_EVERY
        {
            let selected = self.current().map(|b| b.appt.id);
            let said = self.load_day(ctx, false);
            if let (Some(id), View::Day) = (selected, &self.view) {
                self.select(&id);
            }
            return said;
        }
        Said::Nothing
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
                self.bookable = c.len();
                self.clinicians = c;
                self.hours = h;
                self.types = t;
                self.add_former_clinicians(ctx)
            }
            Err(e) => said_error(e),
        }
    }

    /// Adds after the bookable clinicians those with appointments on the day
    /// shown who are not bookable any more.
    fn add_former_clinicians(&mut self, ctx: &mut Ctx) -> Said {
        let filtered = self
            .filter
            .and_then(|i| self.clinicians.get(i))
            .map(|c| c.id.clone());
        self.clinicians.truncate(self.bookable);
        let mut former: Vec<&Id> = Vec::new();
        for b in &self.list {
            let id = &b.appt.clinician_id;
            if !self.clinicians.iter().any(|c| c.id == *id) && !former.contains(&id) {
                former.push(id);
            }
        }
        for id in former {
            match crate::store::users::clinician_by_id(ctx.db.conn(), id) {
                Ok(Some(c)) => self.clinicians.push(c),
                Ok(None) => {}
                Err(e) => return said_error(e.into()),
            }
        }
        self.filter = filtered.and_then(|id| self.clinician_index(&id));
        Said::Nothing
    }

    /// Whether column `i` is a clinician who takes bookings.
    pub(super) fn is_bookable(&self, i: usize) -> bool {
        i < self.bookable
    }

    /// Reads the day shown (and today's queue). A day seen for the first
    /// time is a READ event.
    fn load_day(&mut self, ctx: &mut Ctx, navigated: bool) -> Said {
        self.local_now.set(ctx.clock.local());
        self.loaded_at = ctx.clock.now;
        self.zone = ctx.clock.zone;
        let audit = navigated && !self.audited.contains(&self.day);
        match ops::day(ctx.db, ctx.session, self.day, audit) {
            Ok(list) => {
                self.list = list;
                self.audited.insert(self.day);
            }
            Err(e) => return said_error(e),
        }
        let said = self.add_former_clinicians(ctx);
        if said != Said::Nothing {
            return said;
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
            || self.picker.as_ref().is_some_and(|p| p.takes_text())
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
            return self.after_pick(said);
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
            return self.after_pick(said);
        }
        match &self.view {
            View::Day => self.perform_day(action, ctx),
            View::Queue => self.perform_queue(action, ctx),
            View::Form(_) => self.perform_form(action, ctx),
            View::Setup(_) => self.perform_setup(action, ctx),
        }
    }

    /// After a key in the picker: takes its outcome into the form.
    fn after_pick(&mut self, said: Said) -> Said {
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
            Action::PrevDay | Action::NextDay | Action::Today => {
                self.day = match action {
                    Action::PrevDay => self.day.pred_opt().unwrap_or(self.day),
                    Action::NextDay => self.day.succ_opt().unwrap_or(self.day),
                    _ => ctx.clock.today(),
                };
                self.selected = 0;
                return self.load_day(ctx, true);
            }
            Action::GoToDate => {
                let p = Prompt::new(format!("Which day? Like {}.", self.today_text()), "Date");
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
                if self.bookable == 0 || self.types.is_empty() {
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
                    .filter(|&i| self.is_bookable(i))
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
                form.clinician = self
                    .clinician_index(&b.appt.clinician_id)
                    .filter(|&i| self.is_bookable(i))
                    .unwrap_or(0);
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
            Action::NextChoice | Action::PrevChoice => {
                let step = |i: usize, n: usize| -> usize {
                    if n == 0 {
                        0
                    } else if action == Action::NextChoice {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    }
                };
                match form.focused() {
                    Slot::Clinician => {
                        form.clinician = step(form.clinician, self.bookable);
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
        if !outside_hours_ok
            && let (Some(hours), Some(c)) = (self.hours.get(ci), self.clinicians.get(ci))
            && !hours.covers(booking.day, &booking.span)
        {
            self.confirm = Some(Confirm {
                question: format!(
                    "{} {} is outside {}'s working hours ({} that day). Book anyway?",
                    booking.day.format("%a %d %b"),
                    booking.span,
                    c.name(),
                    hours.describe(booking.day)
                ),
                then: Pending::BookOutsideHours,
            });
            return Said::Nothing;
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
            self.clinicians[..self.bookable].get(form.clinician),
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
                    // The question stays open, with why the answer was refused.
                    let mut p = p;
                    p.answer.error = Some("see below".into());
                    self.prompt = Some((p, asking));
                    return Said::Error(m.clone());
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
                    &self.clinicians[..self.bookable],
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
                if let Some(ask) = s.edit_selected(self.date_pattern) {
                    self.prompt = Some(ask_for(ask));
                }
            }
            _ => {}
        }
        Said::Nothing
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
fn ask_for(ask: setup::Ask) -> (Prompt, Asking) {
    use setup::Ask;
    match ask {
        Ask::Hours {
            clinician,
            weekday,
            question,
            current,
        } => {
            let mut p = Prompt::new(question, "Hours");
            p.answer = TextField::new("Hours").wide(40).with_value(&current);
            (p, Asking::Hours { clinician, weekday })
        }
        Ask::DayOff {
            clinician,
            question,
        } => {
            let mut p = Prompt::new(question, "Date");
            p.answer = TextField::new("Date").wide(40);
            (p, Asking::DayOff { clinician })
        }
    }
}

/// The appointments screen acts with the hospital's clock taken once per
/// call, so that a key's checks and its writes see the same instant.
fn with_clock<T>(ctx: &mut PatientsCtx, f: impl FnOnce(&mut Ctx) -> T) -> T {
    let clock = ctx.clock();
    let mut ctx = Ctx {
        db: ctx.db,
        session: ctx.session,
        settings: ctx.settings,
        clock,
    };
    f(&mut ctx)
}

impl crate::tui::screen::Screen for Appointments {
    fn table(&self) -> &'static [Binding] {
        Appointments::table(self)
    }

    fn title(&self) -> &'static str {
        Appointments::title(self)
    }

    fn perform(&mut self, action: Action, ctx: &mut PatientsCtx) -> Said {
        with_clock(ctx, |ctx| Appointments::perform(self, action, ctx))
    }

    fn takes_text(&self) -> bool {
        Appointments::takes_text(self)
    }

    fn type_key(&mut self, key: KeyEvent, ctx: &mut PatientsCtx) -> Said {
        with_clock(ctx, |ctx| Appointments::type_key(self, key, ctx))
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input()
            .then_some("Quit and throw away the appointment form you were typing?")
    }

    fn leave(&mut self, ctx: &mut PatientsCtx) -> Said {
        with_clock(ctx, |ctx| Appointments::leave(self, ctx))
    }

    fn tick(&mut self, ctx: &mut PatientsCtx) -> Said {
        with_clock(ctx, |ctx| Appointments::tick(self, ctx))
    }

    fn shown_again(&mut self, ctx: &mut PatientsCtx) -> Said {
        with_clock(ctx, |ctx| Appointments::reopen(self, ctx))
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        Appointments::render(self, frame, area, view.clock.local(), view.theme)
    }
}

impl Appointments {
    /// Opens the clinic on the hospital's today.
    pub fn open(ctx: &mut PatientsCtx) -> (Appointments, Said) {
        with_clock(ctx, Appointments::new)
    }
}
