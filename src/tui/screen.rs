//! The shape every working tab has: the [`Screen`] trait the app routes
//! keys, time and drawing through, and what a screen is given to act
//! ([`Ctx`]) and to draw ([`View`]), and how it asks a question
//! ([`Said::Ask`], answered through [`Screen::answered`]). The app knows no screen by name; the
//! one list of tabs is [`crate::tui::screens::open`].

use crate::auth::Session;
use crate::domain::clock::{Clock, Tz};
use crate::domain::role::Permission;
use crate::domain::settings::Settings;
use crate::error::Error;
use crate::store::Db;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard, Question};
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use std::any::Any;

/// What a screen needs from the app to act: the file, who is signed in,
/// the hospital's settings and the instant.
pub struct Ctx<'a> {
    pub db: &'a mut Db,
    pub session: &'a Session,
    /// The settings the app works with: read again by the screen that
    /// changes one (the Admin tab's settings), so that the change shows at
    /// once.
    pub settings: &'a mut Settings,
    pub now: DateTime<Utc>,
}

impl Ctx<'_> {
    /// The hospital's clock now.
    pub fn clock(&self) -> Clock {
        Clock::new(self.now, self.settings.time_zone)
    }

    /// The hospital's date now.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock().today()
    }
}

/// What a screen tells the app: a message for the status line, or a
/// question for the popup stack.
#[derive(Debug, PartialEq, Eq)]
pub enum Said {
    Nothing,
    Info(String),
    Error(String),
    /// A question to open over the screen; its answer comes back through
    /// [`Screen::answered`].
    Ask(Box<Question>),
    /// Show the area that takes this request (switching tabs), and hand it
    /// the request: one screen asking the app for another's work.
    Go(Request),
}

/// What a screen asks another area to show, through [`Said::Go`]: the app
/// offers it to the areas in order and the first that accepts it opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Open (or reopen) the visit of an appointment called in.
    OpenVisit {
        appointment: crate::domain::ids::Id,
        patient: crate::domain::ids::Id,
    },
    /// Start a visit of this kind for a patient (from the record, a bed).
    StartVisit {
        patient: crate::domain::ids::Id,
        kind: crate::domain::visit::VisitKind,
    },
    /// Open a patient's record (Enter on an appointment or a queue row),
    /// audited as the record's READ like a search result's.
    OpenRecord { patient: crate::domain::ids::Id },
}

impl Request {
    /// What the request opens, in words, for a role that may open no area
    /// taking it.
    pub fn what(&self) -> &'static str {
        match self {
            Request::OpenVisit { .. } | Request::StartVisit { .. } => "visits",
            Request::OpenRecord { .. } => "patient records",
        }
    }
}

/// What an error says on the status line: its message, capitalised.
pub fn said_error(e: Error) -> Said {
    let s = e.to_string();
    let mut c = s.chars();
    Said::Error(match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => s,
    })
}

/// What a paste says where no text field has the cursor: nothing changed.
pub fn not_pasted() -> Said {
    Said::Info(NOT_PASTED.into())
}

/// The words of [`not_pasted`].
pub const NOT_PASTED: &str = "Pasted text is only taken into a text field: nothing changed. Move the cursor into a field (/ finds, Tab moves), then paste again.";

/// The status message when the signed-in role may not do something.
pub fn refused(ctx: &Ctx, p: Permission, doing: &str) -> Option<Said> {
    ctx.session.require(p, doing).err().map(said_error)
}

/// What a view needs to show dates and times: today, the hospital's zone
/// and its date format.
pub struct LocalDates<'a> {
    pub today: chrono::NaiveDate,
    pub zone: Tz,
    pub date_pattern: &'a str,
}

/// What a screen is given to draw itself: state only, never the file.
pub struct View<'a> {
    pub now: DateTime<Utc>,
    /// The hospital's clock at `now`.
    pub clock: Clock,
    /// Today, the zone and the date format, as the record views take them.
    pub dates: LocalDates<'a>,
    pub settings: &'a Settings,
    pub theme: &'a Theme,
}

/// A working tab. The app sends it the actions of its key table (and the
/// typed keys while its cursor is in a text field), tells it when time
/// passes, when it is shown again and when it is left, asks whether it
/// holds unsaved input before quitting, and has it draw itself.
pub trait Screen {
    /// The keys that work here now (the help overlay and the hint bar are
    /// made from this table).
    fn table(&self) -> &'static [Binding];

    /// The screen's name in the help overlay.
    fn title(&self) -> &'static str;

    /// Carries out one action of its key table.
    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said;

    /// Whether the cursor is in a text field, so that typed characters go
    /// to [`Screen::type_key`] rather than to the keys of every screen.
    fn takes_text(&self) -> bool {
        false
    }

    /// A key typed into the text field that has the cursor.
    fn type_key(&mut self, _key: KeyEvent, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    /// Text pasted while the screen is shown (a bracketed paste): it goes
    /// into the text field that has the cursor as text, never as keys. A
    /// screen with no text field under the cursor says so.
    fn paste(&mut self, _text: &str, _ctx: &mut Ctx) -> Said {
        not_pasted()
    }

    /// The question to ask before quitting when the screen holds typed
    /// input that would be lost; `None` when it holds none.
    fn unsaved_input(&self) -> Option<&'static str> {
        None
    }

    /// The user leaves the screen (another tab, the lock, quitting): the
    /// moment to write pending audit events, such as a search's.
    fn leave(&mut self, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    /// Time passes without keys while the screen is shown.
    fn tick(&mut self, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    /// The answer to a question the screen asked, with the token it gave;
    /// a refusal keeps the question open.
    fn answered(&mut self, _about: Box<dyn Any>, _answer: Answer, _ctx: &mut Ctx) -> Heard {
        Ok(Said::Nothing)
    }

    /// Another screen's request this area accepted (see
    /// [`crate::tui::screens::Area::accepts`]), after its tab is shown.
    fn open_request(&mut self, _request: Request, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    /// The screen is shown again (its tab chosen, or Ctrl+R): read afresh.
    fn shown_again(&mut self, ctx: &mut Ctx) -> Said;

    /// Draws the screen into `area`.
    fn render(&self, frame: &mut Frame, area: Rect, view: &View);
}
