//! The appointments tab, where the front desk runs the clinic day: the day
//! view (a time grid per clinician, or one clinician's list), booking with
//! the patient picker, check-in in one key, walk-ins, no-shows, the queue
//! with call-next, and for administrators the types and working hours.
//!
//! Everything shown is loaded when the view opens or after a change and
//! kept here; rendering never touches the database.

use crate::domain::appointment::{AppointmentType, Booked, Clinician, WorkingHours};
use crate::domain::role::Permission;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard};
use crate::tui::screen::{Ctx, Said, not_pasted, said_error};
use crate::tui::widgets::field::Edit;
use crate::tui::widgets::table::Selection;
use chrono::NaiveDate;
use form::BookingForm;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use setup::Setup;
use std::any::Any;
use std::collections::BTreeSet;

mod booking;
mod call_in;
mod day;
mod draw;
mod find;
mod form;
mod keys;
mod load;
mod prompts;
mod queue;
mod setup;
mod setup_actions;
mod slots;

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
    selected: Selection,
    /// The grid's time in view when scrolled with PgUp/PgDn (else the
    /// selection's).
    anchor: Option<u16>,
    queue_selected: Selection,
    view: View,
    /// The find line over the day view, while open (`/`).
    find: Option<find::Find>,
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
            day: ctx.clock().today(),
            list: Vec::new(),
            queue: Vec::new(),
            clinicians: Vec::new(),
            bookable: 0,
            hours: Vec::new(),
            types: Vec::new(),
            filter: None,
            selected: Selection::default(),
            anchor: None,
            queue_selected: Selection::default(),
            view: View::Day,
            find: None,
            audited: BTreeSet::new(),
            local_now: std::cell::Cell::new(ctx.clock().local()),
            zone: ctx.clock().zone,
            loaded_at: ctx.clock().now,
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
        match &self.view {
            View::Day if self.find.is_some() => keys::APPT_FIND,
            View::Day => keys::APPT_DAY,
            View::Queue => keys::APPT_QUEUE,
            View::Form(f) => f.table(),
            View::Setup(s) => s.table(),
        }
    }

    pub fn title(&self) -> &'static str {
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
    /// [`RELOAD_EVERY`], so that another terminal's check-ins and calls show
    /// (the app does not tick a screen under a question it asked).
    pub fn tick(&mut self, ctx: &mut Ctx) -> Said {
        if matches!(self.view, View::Day | View::Queue)
            && ctx.clock().now - self.loaded_at >= RELOAD_EVERY
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

    // ---- keys -------------------------------------------------------------

    /// Whether typed characters go somewhere: a form's text field.
    /// Otherwise they fall to the global keys (`?`).
    pub fn takes_text(&self) -> bool {
        matches!(&self.view, View::Form(_))
            || (matches!(&self.view, View::Day) && self.find.is_some())
            || matches!(&self.view, View::Setup(s) if s.type_form.is_some())
    }

    /// Text typed into the form field that has the cursor.
    pub fn type_key(&mut self, key: KeyEvent) -> Said {
        match &mut self.view {
            View::Form(f) => {
                use crate::tui::widgets::form::option_starting_with;
                let letter = match key.code {
                    ratatui::crossterm::event::KeyCode::Char(c) => Some(c),
                    _ => None,
                };
                match (f.focused(), letter) {
                    (form::Slot::Clinician, Some(c)) => {
                        let names = self.clinicians[..self.bookable.min(self.clinicians.len())]
                            .iter()
                            .map(Clinician::name);
                        if let Some(i) = option_starting_with(names, f.clinician, c) {
                            f.clinician = i;
                            f.touched = true;
                            f.error = None;
                        }
                    }
                    (form::Slot::Type, Some(c)) => {
                        let names = self.types.iter().map(|t| t.name.as_str());
                        if let Some(i) = option_starting_with(names, f.kind, c) {
                            f.set_type(i, &self.types);
                            f.touched = true;
                            f.error = None;
                        }
                    }
                    _ => f.type_key(key),
                }
                Said::Nothing
            }
            View::Setup(s) => {
                s.edit(Edit::Key(key));
                Said::Nothing
            }
            View::Day => {
                self.type_find(Edit::Key(key));
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    /// Text pasted where the cursor is: the find line or a form's typed
    /// field, as text (a choice, the grid and the queue take none).
    pub fn paste(&mut self, text: &str) -> Said {
        let taken = match &mut self.view {
            View::Form(f) if f.on_text() => {
                f.edit(Edit::Paste(text));
                true
            }
            View::Setup(s) => s.edit(Edit::Paste(text)),
            View::Day if self.find.is_some() => {
                self.type_find(Edit::Paste(text));
                true
            }
            _ => false,
        };
        if taken { Said::Nothing } else { not_pasted() }
    }

    pub fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match &self.view {
            View::Day if self.find.is_some() => self.perform_find(action),
            View::Day => self.perform_day(action, ctx),
            View::Queue => self.perform_queue(action, ctx),
            View::Form(_) => self.perform_form(action, ctx),
            View::Setup(_) => self.perform_setup(action, ctx),
        }
    }

    fn refused(ctx: &Ctx, p: Permission, doing: &str) -> Option<Said> {
        ctx.session.require(p, doing).err().map(said_error)
    }
}

fn nothing_selected() -> Said {
    Said::Info("No appointment selected: ↑↓ choose one, or n books.".into())
}

impl crate::tui::screen::Screen for Appointments {
    fn table(&self) -> &'static [Binding] {
        Appointments::table(self)
    }

    fn title(&self) -> &'static str {
        Appointments::title(self)
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        Appointments::perform(self, action, ctx)
    }

    fn takes_text(&self) -> bool {
        Appointments::takes_text(self)
    }

    fn type_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Said {
        Appointments::type_key(self, key)
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Said {
        Appointments::paste(self, text)
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input()
            .then_some("Quit and throw away the appointment form you were typing?")
    }

    /// A question of the tab answered (see `prompts`).
    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        Appointments::answered(self, about, answer, ctx)
    }

    fn tick(&mut self, ctx: &mut Ctx) -> Said {
        Appointments::tick(self, ctx)
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        Appointments::reopen(self, ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        Appointments::render(self, frame, area, view.clock.local(), view.theme)
    }
}

impl Appointments {
    /// Opens the clinic on the hospital's today.
    pub fn open(ctx: &mut Ctx) -> (Appointments, Said) {
        Appointments::new(ctx)
    }
}
