//! The audit trail browser: the events an administrator's filters find
//! (patient through the patient picker, staff member, action, local dates),
//! newest first, read a screenful at a time (↓ or PgDn at the end of the
//! list reads the next);
//! Enter opens an event with every field, its hashes included; `o` lists
//! who opened the filtered patient's record; `x` writes the events found
//! to a CSV file. Each search, who-opened and export is audited by
//! `ops::audit_trail`.

mod draw;
pub(super) mod keys;

use crate::domain::audit::AuditRecord;
use crate::domain::audit_filter::{AuditFilter, PatientRef, parse_action};
use crate::error::Error;
use crate::ops::audit_trail::{self, AuditPage, Page, SCREEN_PAGE};
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard, Question, Refused};
use crate::tui::screen::{Ctx, Said, Screen, View, said_error};
use crate::tui::widgets::popup::Prompt;
use crate::tui::widgets::table::Selection;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::any::Any;

/// What the browser shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    List,
    /// The selected event of the list, whole.
    Event,
    WhoOpened,
    /// The selected access of who-opened, whole.
    Access,
}

/// What a question's answer is for.
enum Asked {
    Patient,
    Staff,
    Action,
    From,
    To,
    Export,
}

/// The browser's state: the filters, the events read so far and where
/// the next page starts.
pub struct AuditTrail {
    filter: AuditFilter,
    events: Vec<AuditRecord>,
    older: Option<Page>,
    selected: Selection,
    /// Who opened the filtered patient's record, as read so far.
    who: Vec<AuditRecord>,
    who_older: Option<Page>,
    who_selected: Selection,
    shown: Shown,
    /// The first line of an opened event shown.
    scroll: u16,
    /// The whole trail's length and head hash, read with each search.
    head: Option<audit_trail::Head>,
}

/// Whether `action` at the end of a list reads its next (older) page: the
/// keys that move down, so that reading a screenful at a time never shows.
fn reads_on(action: Action) -> bool {
    matches!(action, Action::Down | Action::PageDown | Action::End)
}

impl AuditTrail {
    /// Opens on the whole trail, newest first (administrators only: the
    /// read is refused otherwise, and said).
    pub fn open(ctx: &mut Ctx) -> (AuditTrail, Said) {
        let mut t = AuditTrail {
            filter: AuditFilter::default(),
            events: Vec::new(),
            older: None,
            selected: Selection::default(),
            who: Vec::new(),
            who_older: None,
            who_selected: Selection::default(),
            shown: Shown::List,
            scroll: 0,
            head: None,
        };
        let said = t.search(ctx);
        (t, said)
    }

    /// Runs the filters afresh (a SEARCH event) from the newest event.
    fn search(&mut self, ctx: &mut Ctx) -> Said {
        let zone = ctx.settings.time_zone;
        match audit_trail::head(ctx.db, ctx.session) {
            Ok(head) => self.head = Some(head),
            Err(e) => return said_error(e),
        }
        match audit_trail::search(
            ctx.db,
            ctx.session,
            &self.filter,
            zone,
            Page::First,
            SCREEN_PAGE,
        ) {
            Ok(AuditPage { events, older }) => {
                self.events = events;
                self.older = older;
                self.selected = Selection::default();
                self.shown = Shown::List;
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    /// Reads the next (older) page onto the end of the list.
    fn more(&mut self, ctx: &mut Ctx) -> Said {
        let Some(page) = self.older else {
            return Said::Info("That is the oldest event the filters find.".into());
        };
        let zone = ctx.settings.time_zone;
        match audit_trail::browse(ctx.db, ctx.session, &self.filter, zone, page, SCREEN_PAGE) {
            Ok(p) => {
                let first_new = self.events.len();
                self.events.extend(p.events);
                self.older = p.older;
                self.selected.select(first_new, self.events.len());
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn who_opened(&mut self, page: Page, ctx: &mut Ctx) -> Said {
        let Some(patient) = self.filter.patient.clone() else {
            return Said::Info(
                "Choose the patient first (/): who opened lists that patient's record.".into(),
            );
        };
        match audit_trail::who_opened(ctx.db, ctx.session, &patient, page, SCREEN_PAGE) {
            Ok(p) => {
                if page == Page::First {
                    self.who = p.events;
                    self.who_selected = Selection::default();
                } else {
                    let first_new = self.who.len();
                    self.who.extend(p.events);
                    self.who_selected.select(first_new, self.who.len());
                }
                self.who_older = p.older;
                self.shown = Shown::WhoOpened;
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    fn ask(&self, question: &str, label: &'static str, value: &str, asked: Asked) -> Said {
        let mut prompt = Prompt::new(question, label);
        prompt.answer.set_value(value);
        Question::prompt(prompt, asked).at_once().into()
    }

    fn perform_list(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let at_end = self.selected.index() + 1 >= self.events.len();
        if reads_on(action) && at_end && self.older.is_some() {
            return self.more(ctx);
        }
        if self.selected.navigate(action, self.events.len()) {
            return Said::Nothing;
        }
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        match action {
            Action::Open if !self.events.is_empty() => {
                self.shown = Shown::Event;
                self.scroll = 0;
                Said::Nothing
            }
            Action::ChoosePatient => Question::patient(
                ctx,
                "Find the patient whose audit trail to show",
                Asked::Patient,
            )
            .into(),
            Action::FilterStaff => self.ask(
                "Events by which member of staff? Their user name (empty: everyone).",
                "User name",
                self.filter.staff.as_deref().unwrap_or(""),
                Asked::Staff,
            ),
            Action::FilterAction => self.ask(
                "Events of which action? READ, SEARCH, EXPORT, BREAK_GLASS, UPDATE, LOGIN_FAILED, … (empty: all).",
                "Action",
                &self.filter.action.map(|a| a.to_string()).unwrap_or_default(),
                Asked::Action,
            ),
            Action::FilterFrom => self.ask(
                "From which day (the hospital's date, YYYY-MM-DD; empty: the first event)?",
                "From",
                &date(self.filter.from),
                Asked::From,
            ),
            Action::FilterTo => self.ask(
                "Up to which day, included (YYYY-MM-DD; empty: the latest event)?",
                "To",
                &date(self.filter.to),
                Asked::To,
            ),
            Action::ClearFilters => {
                self.filter = AuditFilter::default();
                self.search(ctx)
            }
            Action::WhoOpened => self.who_opened(Page::First, ctx),
            Action::ExportCsv => {
                let path = audit_trail::default_export_path(ctx.db, &ctx.clock());
                self.ask(
                    &format!(
                        "Write every event found ({}) to which new file?",
                        self.filter.describe()
                    ),
                    "File",
                    &path.display().to_string(),
                    Asked::Export,
                )
            }
            Action::Refresh => self.search(ctx),
            _ => Said::Nothing,
        }
    }

    fn perform_who(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let at_end = self.who_selected.index() + 1 >= self.who.len();
        if reads_on(action)
            && at_end
            && let Some(page) = self.who_older
        {
            return self.who_opened(page, ctx);
        }
        if self.who_selected.navigate(action, self.who.len()) {
            return Said::Nothing;
        }
        match action {
            Action::Open if !self.who.is_empty() => {
                self.shown = Shown::Access;
                self.scroll = 0;
                Said::Nothing
            }
            Action::Back => {
                self.shown = Shown::List;
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    /// The filter's answer to `asked`, or why it cannot be taken.
    fn take(&mut self, asked: &Asked, text: &str) -> Result<(), String> {
        let text = text.trim();
        let date = |flag: &str| -> Result<Option<NaiveDate>, String> {
            if text.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    format!(
                        "{text:?} is not a date: type the {flag} day as YYYY-MM-DD, e.g. 2026-03-09"
                    )
                })
        };
        let mut f = self.filter.clone();
        match asked {
            Asked::Staff => f.staff = (!text.is_empty()).then(|| text.to_string()),
            Asked::Action => {
                f.action = if text.is_empty() {
                    None
                } else {
                    Some(parse_action(text).map_err(|e| e.to_string())?)
                }
            }
            Asked::From => f.from = date("first")?,
            Asked::To => f.to = date("last")?,
            Asked::Patient | Asked::Export => {}
        }
        if let (Some(from), Some(to)) = (f.from, f.to)
            && from > to
        {
            return Err(format!(
                "the first date ({from}) is after the last ({to}): swap them, or clear one"
            ));
        }
        self.filter = f;
        Ok(())
    }

    fn export(&mut self, path: &str, ctx: &mut Ctx) -> Result<Said, String> {
        let path = path.trim();
        if path.is_empty() {
            return Err("Type the file to write, or Esc.".into());
        }
        let zone = ctx.settings.time_zone;
        let path = std::path::Path::new(path);
        match audit_trail::export_csv(ctx.db, ctx.session, &self.filter, zone, path) {
            Ok(rows) => Ok(Said::Info(format!(
                "Wrote {} events to {}.",
                crate::domain::display::thousands(rows as u64),
                path.display()
            ))),
            Err(e @ Error::Refused(_)) => Err(capitalised(e)),
            Err(e) => Ok(said_error(e)),
        }
    }
}

fn capitalised(e: Error) -> String {
    match said_error(e) {
        Said::Error(s) => s,
        _ => String::new(),
    }
}

impl Screen for AuditTrail {
    fn table(&self) -> &'static [Binding] {
        match self.shown {
            Shown::List => keys::LIST,
            Shown::Event | Shown::Access => keys::EVENT,
            Shown::WhoOpened => keys::WHO_OPENED,
        }
    }

    fn title(&self) -> &'static str {
        "Audit trail"
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match self.shown {
            Shown::List => self.perform_list(action, ctx),
            Shown::WhoOpened => self.perform_who(action, ctx),
            Shown::Event | Shown::Access => {
                match action {
                    Action::Up => self.scroll = self.scroll.saturating_sub(1),
                    Action::Down => self.scroll = self.scroll.saturating_add(1),
                    Action::Back => {
                        self.shown = if self.shown == Shown::Event {
                            Shown::List
                        } else {
                            Shown::WhoOpened
                        }
                    }
                    _ => {}
                }
                Said::Nothing
            }
        }
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        let Ok(asked) = about.downcast::<Asked>() else {
            return Ok(Said::Nothing);
        };
        match (*asked, answer) {
            (Asked::Patient, Answer::Patient(p)) => {
                self.filter.patient = Some(PatientRef {
                    id: p.id,
                    mrn: p.mrn,
                });
                Ok(self.search(ctx))
            }
            (Asked::Export, Answer::Text(path)) => self.export(&path, ctx).map_err(|e| Refused {
                about: Box::new(Asked::Export),
                said: Said::Error(e),
                field_error: None,
            }),
            (asked, Answer::Text(text)) => match self.take(&asked, &text) {
                Ok(()) => Ok(self.search(ctx)),
                Err(e) => Err(Refused {
                    about: Box::new(asked),
                    said: Said::Error(capitalise(&e)),
                    field_error: None,
                }),
            },
            _ => Ok(Said::Nothing),
        }
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        if self.shown == Shown::List {
            self.search(ctx)
        } else {
            Said::Nothing
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        draw::render(self, frame, area, view)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
