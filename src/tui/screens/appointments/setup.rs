//! Set-up of the appointments desk, for administrators: the appointment
//! types with their default lengths (add, rename, re-time, retire), and each
//! clinician's weekly hours (several ranges a day) and days off.

use super::keys;
use crate::domain::appointment::{AppointmentType, Clinician, WorkingHours, ranges_text};
use crate::domain::ids::Id;
use crate::tui::keymap::{Action, Binding};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::{Edit, Field as TextField};
use crate::tui::widgets::form::{Form, Look};
use crate::tui::widgets::table::Selection;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// One row of the set-up list.
#[derive(Debug, Clone)]
pub enum SetupRow {
    Heading(String),
    Type(usize),
    Weekday { clinician: usize, weekday: usize },
    DaysOff { clinician: usize },
}

/// The type being added or changed: its name and its length.
pub struct TypeForm {
    pub editing: Option<AppointmentType>,
    pub fields: Form,
    pub error: Option<String>,
}

impl TypeForm {
    fn new(editing: Option<AppointmentType>) -> TypeForm {
        let (name, minutes) = editing
            .as_ref()
            .map(|t| (t.name.clone(), t.minutes.to_string()))
            .unwrap_or_default();
        TypeForm {
            editing,
            fields: Form::of_fields([
                TextField::new("Name").wide(40).with_value(&name),
                TextField::new("Minutes").wide(4).with_value(&minutes),
            ]),
            error: None,
        }
    }

    pub fn name(&self) -> &str {
        self.fields.text(0)
    }

    pub fn minutes(&self) -> &str {
        self.fields.text(1)
    }
}

/// A question the controller asks with a prompt.
pub enum Ask {
    Hours {
        clinician: Id,
        weekday: usize,
        question: String,
        current: String,
    },
    DayOff {
        clinician: Id,
        question: String,
    },
}

pub struct Setup {
    pub rows: Vec<SetupRow>,
    pub selected: Selection,
    pub types: Vec<AppointmentType>,
    /// The clinicians and their hours, as loaded.
    names: Vec<(Id, String)>,
    hours: Vec<WorkingHours>,
    today: NaiveDate,
    pub type_form: Option<TypeForm>,
}

impl Setup {
    pub fn new(
        types: Vec<AppointmentType>,
        clinicians: &[Clinician],
        hours: &[WorkingHours],
        today: NaiveDate,
    ) -> Setup {
        let mut rows = vec![SetupRow::Heading(
            "Appointment types (Enter changes, n adds, x retires or offers again)".into(),
        )];
        rows.extend((0..types.len()).map(SetupRow::Type));
        for (i, c) in clinicians.iter().enumerate() {
            rows.push(SetupRow::Heading(format!(
                "{} ({}): Enter on a day sets its hours",
                c.name(),
                c.role.label()
            )));
            rows.extend((0..7).map(|w| SetupRow::Weekday {
                clinician: i,
                weekday: w,
            }));
            rows.push(SetupRow::DaysOff { clinician: i });
        }
        let mut s = Setup {
            rows,
            selected: Selection::default(),
            types,
            names: clinicians
                .iter()
                .map(|c| (c.id.clone(), c.name().to_string()))
                .collect(),
            hours: hours.to_vec(),
            today,
            type_form: None,
        };
        s.skip_headings(true);
        s
    }

    pub fn table(&self) -> &'static [Binding] {
        if self.type_form.is_some() {
            keys::APPT_TYPE_FORM
        } else {
            keys::APPT_SETUP
        }
    }

    pub fn has_unsaved_input(&self) -> bool {
        self.type_form.is_some()
    }

    /// Selects row `i` (or the nearest row below that is not a heading).
    pub fn select(&mut self, i: usize) {
        self.selected.select(i, self.rows.len());
        self.skip_headings(true);
    }

    fn skip_headings(&mut self, down: bool) {
        let n = self.rows.len();
        let heading =
            |s: &Setup| matches!(s.rows.get(s.selected.index()), Some(SetupRow::Heading(_)));
        while heading(self) {
            let i = self.selected.index();
            if down && i + 1 < n {
                self.selected.select(i + 1, n);
            } else if !down && i > 0 {
                self.selected.select(i - 1, n);
            } else {
                break;
            }
        }
        if heading(self) && !down {
            self.skip_headings(true);
        }
    }

    pub fn navigate(&mut self, action: Action) {
        let down = matches!(action, Action::Down | Action::PageDown | Action::End);
        self.selected.navigate(action, self.rows.len());
        self.skip_headings(down);
    }

    pub fn selected_type(&self) -> Option<&AppointmentType> {
        match self.rows.get(self.selected.index()) {
            Some(SetupRow::Type(i)) => self.types.get(*i),
            _ => None,
        }
    }

    pub fn new_type(&mut self) {
        self.type_form = Some(TypeForm::new(None));
    }

    /// Enter on a row: a type opens its form; a weekday or the days off
    /// become a question for the controller.
    pub fn edit_selected(&mut self, date_pattern: &str) -> Option<Ask> {
        match self.rows.get(self.selected.index())?.clone() {
            SetupRow::Heading(_) => None,
            SetupRow::Type(i) => {
                let t = self.types.get(i)?.clone();
                self.type_form = Some(TypeForm::new(Some(t)));
                None
            }
            SetupRow::Weekday { clinician, weekday } => {
                let (id, name) = self.names.get(clinician)?.clone();
                let current = self
                    .hours
                    .get(clinician)
                    .map(|h| ranges_text(&h.week[weekday]))
                    .unwrap_or_default();
                Some(Ask::Hours {
                    clinician: id,
                    weekday,
                    question: format!(
                        "{name}'s hours on {}: ranges like 08:00-12:00, 13:00-17:00 (empty: not working).",
                        weekday_name(weekday)
                    ),
                    current,
                })
            }
            SetupRow::DaysOff { clinician } => {
                let (id, name) = self.names.get(clinician)?.clone();
                let example = self.today.format(date_pattern).to_string();
                Some(Ask::DayOff {
                    clinician: id,
                    question: format!(
                        "A day off for {name}: the date (like {example}), then a reason if you like. A leading - takes a day off back."
                    ),
                })
            }
        }
    }

    /// A key typed or text pasted into the type form's focused field; a
    /// paste onto a choice (or with no form open) is not taken: false.
    pub fn edit(&mut self, edit: Edit) -> bool {
        let Some(f) = &mut self.type_form else {
            return false;
        };
        if matches!(edit, Edit::Paste(_)) && !f.fields.on_text() {
            return false;
        }
        f.fields.edit(edit);
        f.error = None;
        true
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::bordered().title(Span::styled(
            " Appointment types and working hours ",
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if let Some(f) = &self.type_form {
            let title = match &f.editing {
                Some(t) => format!("Change the type {}", t.name),
                None => "A new appointment type".to_string(),
            };
            let line = |y: u16| Rect {
                x: inner.x + 1,
                y: inner.y + y,
                width: inner.width.saturating_sub(2),
                height: 1,
            };
            frame.render_widget(Paragraph::new(Span::styled(title, theme.header())), line(0));
            let fields = Rect {
                height: inner.height.saturating_sub(2).min(2),
                ..line(2)
            };
            f.fields.render(frame, fields, Look::new(8), true, theme);
            let note = match &f.error {
                Some(e) => Span::styled(e.clone(), theme.error()),
                None => Span::styled(
                    "The length is the default for new bookings (5 to 480 minutes, in steps of 5). Ctrl+S saves.",
                    theme.muted(),
                ),
            };
            frame.render_widget(Paragraph::new(note), line(5));
            return;
        }
        let visible = inner.height as usize;
        let offset = self.selected.offset(visible);
        let lines: Vec<Line> = self
            .rows
            .iter()
            .enumerate()
            .skip(offset)
            .take(visible)
            .map(|(i, row)| {
                let style = if i == self.selected.index() {
                    theme.selected()
                } else {
                    ratatui::style::Style::default()
                };
                match row {
                    SetupRow::Heading(h) => Line::from(Span::styled(h.clone(), theme.header())),
                    SetupRow::Type(t) => {
                        let t = &self.types[*t];
                        Line::from(Span::styled(
                            format!(
                                "  {:<24} {:>3} min{}",
                                t.name,
                                t.minutes,
                                if t.retired { "   retired" } else { "" }
                            ),
                            if t.retired && i != self.selected.index() {
                                theme.muted()
                            } else {
                                style
                            },
                        ))
                    }
                    SetupRow::Weekday { clinician, weekday } => {
                        let spans = self
                            .hours
                            .get(*clinician)
                            .map(|h| h.week[*weekday].clone())
                            .unwrap_or_default();
                        let text = if spans.is_empty() {
                            "not working".to_string()
                        } else {
                            ranges_text(&spans)
                        };
                        Line::from(Span::styled(
                            format!("  {:<10} {text}", weekday_name(*weekday)),
                            style,
                        ))
                    }
                    SetupRow::DaysOff { clinician } => {
                        let days: Vec<String> = self
                            .hours
                            .get(*clinician)
                            .map(|h| {
                                h.days_off
                                    .iter()
                                    .filter(|d| **d >= self.today)
                                    .map(|d| d.format("%a %d %b %Y").to_string())
                                    .collect()
                            })
                            .unwrap_or_default();
                        let text = if days.is_empty() {
                            "none coming".to_string()
                        } else {
                            days.join(", ")
                        };
                        Line::from(Span::styled(format!("  {:<10} {text}", "days off"), style))
                    }
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn weekday_name(i: usize) -> &'static str {
    const NAMES: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    NAMES.get(i).copied().unwrap_or("")
}
