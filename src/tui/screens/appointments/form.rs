//! The booking form: the patient (from the picker), the clinician and the
//! type (chosen with ←/→; the type fills the length), the date, the time,
//! the length and notes. The same form reschedules (the patient stays) and
//! takes a walk-in (patient, clinician and type only).

use super::keys;
use crate::domain::appointment::{AppointmentType, Clinician, hhmm};
use crate::domain::ids::Id;
use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use crate::tui::widgets::field::{Edit, Field as TextField};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// What saving the form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    Book,
    WalkIn,
    /// Moves this appointment (its id and the version read).
    Reschedule {
        id: Id,
        version: i64,
    },
}

/// The form's fields, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Patient,
    Clinician,
    Type,
    Date,
    Time,
    Minutes,
    Notes,
}

impl Slot {
    fn label(self) -> &'static str {
        match self {
            Slot::Patient => "Patient",
            Slot::Clinician => "Clinician",
            Slot::Type => "Type",
            Slot::Date => "Date",
            Slot::Time => "Time",
            Slot::Minutes => "Minutes",
            Slot::Notes => "Notes",
        }
    }

    fn is_choice(self) -> bool {
        matches!(self, Slot::Patient | Slot::Clinician | Slot::Type)
    }
}

/// The patient chosen: id, name and MRN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub id: Id,
    pub name: String,
    pub mrn: String,
}

pub struct BookingForm {
    pub purpose: Purpose,
    pub patient: Option<Chosen>,
    pub clinician: usize,
    pub kind: usize,
    pub date: TextField,
    pub time: TextField,
    pub minutes: TextField,
    pub notes: TextField,
    pub focus: usize,
    /// Why the last save was refused (a clash, a bad time…).
    pub error: Option<String>,
    /// What the last `f` found, or other guidance.
    pub info: Option<String>,
    /// Whether anything was typed or chosen.
    pub touched: bool,
}

const LABEL: u16 = 10;

impl BookingForm {
    pub fn new(purpose: Purpose, day: NaiveDate, date_pattern: &str) -> BookingForm {
        BookingForm {
            purpose,
            patient: None,
            clinician: 0,
            kind: 0,
            date: TextField::new("Date")
                .wide(12)
                .with_value(&day.format(date_pattern).to_string()),
            time: TextField::new("Time").wide(6),
            minutes: TextField::new("Minutes").wide(4),
            notes: TextField::new("Notes").wide(50),
            focus: 0,
            error: None,
            info: None,
            touched: false,
        }
    }

    /// The fields this form has.
    pub fn slots(&self) -> &'static [Slot] {
        match self.purpose {
            Purpose::WalkIn => &[Slot::Patient, Slot::Clinician, Slot::Type],
            _ => &[
                Slot::Patient,
                Slot::Clinician,
                Slot::Type,
                Slot::Date,
                Slot::Time,
                Slot::Minutes,
                Slot::Notes,
            ],
        }
    }

    pub fn focused(&self) -> Slot {
        self.slots()[self.focus.min(self.slots().len() - 1)]
    }

    pub fn table(&self) -> &'static [Binding] {
        if self.focused().is_choice() {
            keys::APPT_FORM_CHOICE
        } else {
            keys::APPT_FORM_TEXT
        }
    }

    pub fn title(&self) -> &'static str {
        match self.purpose {
            Purpose::Book => "Book an appointment",
            Purpose::WalkIn => "Walk-in",
            Purpose::Reschedule { .. } => "Reschedule",
        }
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.slots().len();
    }

    pub fn prev_field(&mut self) {
        let n = self.slots().len();
        self.focus = (self.focus + n - 1) % n;
    }

    pub fn focus_on(&mut self, slot: Slot) {
        if let Some(i) = self.slots().iter().position(|s| *s == slot) {
            self.focus = i;
        }
    }

    /// Types into the focused text field.
    pub fn type_key(&mut self, key: KeyEvent) {
        self.edit(Edit::Key(key));
    }

    /// Whether the cursor is in a typed field (date, time, minutes, notes).
    pub fn on_text(&self) -> bool {
        !self.focused().is_choice()
    }

    /// Types or pastes into the focused text field.
    pub fn edit(&mut self, edit: Edit) {
        let field = match self.focused() {
            Slot::Date => &mut self.date,
            Slot::Time => &mut self.time,
            Slot::Minutes => &mut self.minutes,
            Slot::Notes => &mut self.notes,
            _ => return,
        };
        field.edit(edit);
        self.touched = true;
        self.error = None;
    }

    /// Sets the type and fills its length.
    pub fn set_type(&mut self, i: usize, types: &[AppointmentType]) {
        if let Some(t) = types.get(i) {
            self.kind = i;
            self.minutes = TextField::new("Minutes")
                .wide(4)
                .with_value(&t.minutes.to_string());
        }
    }

    /// Puts a found slot into the date and time.
    pub fn set_when(&mut self, day: NaiveDate, start: u16, date_pattern: &str) {
        self.date = TextField::new("Date")
            .wide(12)
            .with_value(&day.format(date_pattern).to_string());
        self.time = TextField::new("Time").wide(6).with_value(&hhmm(start));
        self.touched = true;
    }

    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        clinicians: &[Clinician],
        types: &[AppointmentType],
        theme: &Theme,
    ) {
        let block =
            Block::bordered().title(Span::styled(format!(" {} ", self.title()), theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut y = inner.y;
        let line = |y: u16| Rect {
            x: inner.x + 1,
            y,
            width: inner.width.saturating_sub(2),
            height: 1,
        };
        for (i, slot) in self.slots().iter().enumerate() {
            if y >= inner.y + inner.height {
                break;
            }
            let focused = i == self.focus;
            let label_style = if focused {
                theme.focused()
            } else {
                theme.muted()
            };
            let choice = |text: String, hint: &str| {
                let mut spans = vec![
                    Span::styled(
                        format!("{:>w$} ", slot.label(), w = LABEL as usize),
                        label_style,
                    ),
                    Span::styled(
                        text,
                        if focused {
                            theme.tab_active()
                        } else {
                            theme.tab()
                        },
                    ),
                ];
                if focused {
                    spans.push(Span::styled(format!("  {hint}"), theme.muted()));
                }
                Line::from(spans)
            };
            match slot {
                Slot::Patient => {
                    let text = match &self.patient {
                        Some(p) => format!("{} {}", p.mrn, p.name),
                        None => "(none chosen)".to_string(),
                    };
                    let hint = if matches!(self.purpose, Purpose::Reschedule { .. }) {
                        "stays the same"
                    } else {
                        "Enter: find or register"
                    };
                    frame.render_widget(Paragraph::new(choice(text, hint)), line(y));
                }
                Slot::Clinician => {
                    let text = clinicians
                        .get(self.clinician)
                        .map(|c| format!("◀ {} ({}) ▶", c.name(), c.role.label()))
                        .unwrap_or_else(|| "no doctor or nurse accounts yet".into());
                    frame.render_widget(Paragraph::new(choice(text, "←/→ change")), line(y));
                }
                Slot::Type => {
                    let text = types
                        .get(self.kind)
                        .map(|t| format!("◀ {} ({} min) ▶", t.name, t.minutes))
                        .unwrap_or_else(|| "no appointment types".into());
                    frame.render_widget(Paragraph::new(choice(text, "←/→ change")), line(y));
                }
                Slot::Date => self.date.render(frame, line(y), LABEL, focused, theme),
                Slot::Time => self.time.render(frame, line(y), LABEL, focused, theme),
                Slot::Minutes => self.minutes.render(frame, line(y), LABEL, focused, theme),
                Slot::Notes => self.notes.render(frame, line(y), LABEL, focused, theme),
            }
            y += 1;
        }
        y += 1;
        let rest = Rect {
            y,
            height: (inner.y + inner.height).saturating_sub(y),
            ..line(y)
        };
        let mut text = Vec::new();
        if let Some(e) = &self.error {
            text.push(Line::from(Span::styled(e.clone(), theme.error())));
        }
        if let Some(i) = &self.info {
            text.push(Line::from(Span::styled(i.clone(), theme.ok())));
        }
        if text.is_empty() {
            let help = match self.purpose {
                Purpose::WalkIn => {
                    "The patient is checked in now, in the clinician's first free time. Ctrl+S saves."
                }
                _ => {
                    "f (Ctrl+F in a typed field) finds the clinician's next free slot from the time typed, or from now. Ctrl+S saves."
                }
            };
            text.push(Line::from(Span::styled(help, theme.muted())));
        }
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), rest);
    }
}
