//! The registration and edit form: every field of a patient, errors beside
//! their fields as soon as they are known, and possible duplicates alongside.

use super::record::wrap;
use crate::domain::ids::Id;
use crate::domain::patient::{Field, FieldError, PatientInput, age_label};
use crate::ops::patients::Duplicate;
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field as TextField;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use std::collections::HashSet;
use strum::IntoEnumIterator;

/// The record an edit started from.
#[derive(Debug, Clone)]
pub struct Editing {
    pub id: Id,
    pub version: i64,
    pub mrn: String,
}

pub struct PatientForm {
    /// `None` for a new registration.
    pub editing: Option<Editing>,
    fields: Vec<(Field, TextField)>,
    focus: usize,
    /// What the form held when it opened, to tell whether anything changed.
    original: PatientInput,
    touched: HashSet<Field>,
    pub tried_to_save: bool,
    errors: Vec<FieldError>,
    pub duplicates: Vec<Duplicate>,
    /// The selected duplicate, when the focus is on the duplicates list.
    pub duplicate_focus: Option<usize>,
}

/// The fields whose change calls for a new duplicate check.
const IDENTITY: [Field; 6] = [
    Field::GivenName,
    Field::MiddleName,
    Field::FamilyName,
    Field::BirthDate,
    Field::EstimatedAge,
    Field::Phone,
];

const LABEL_WIDTH: u16 = 18;

impl PatientForm {
    pub fn new(input: PatientInput, editing: Option<Editing>) -> PatientForm {
        let fields = Field::iter()
            .map(|f| {
                (
                    f,
                    TextField::new(f.label()).wide(40).with_value(input.get(f)),
                )
            })
            .collect();
        PatientForm {
            editing,
            fields,
            focus: 0,
            original: input,
            touched: HashSet::new(),
            tried_to_save: false,
            errors: Vec::new(),
            duplicates: Vec::new(),
            duplicate_focus: None,
        }
    }

    /// What is typed now.
    pub fn input(&self) -> PatientInput {
        let mut i = PatientInput::default();
        for (f, t) in &self.fields {
            i.set(*f, t.value());
        }
        i
    }

    /// Whether leaving would throw typed input away.
    pub fn changed(&self) -> bool {
        self.input() != self.original
    }

    /// Replaces every value (after another terminal changed the record).
    pub fn reset(&mut self, input: PatientInput, editing: Option<Editing>) {
        let focus = self.focus;
        *self = PatientForm::new(input, editing);
        self.focus = focus;
    }

    pub fn focused_field(&self) -> Field {
        self.fields[self.focus].0
    }

    pub fn next_field(&mut self) {
        self.touched.insert(self.focused_field());
        self.focus = (self.focus + 1) % self.fields.len();
    }

    pub fn prev_field(&mut self) {
        self.touched.insert(self.focused_field());
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
    }

    /// Types into the focused field; true when a field that identifies the
    /// patient changed (time to look for duplicates again).
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        let before = self.fields[self.focus].1.value().to_string();
        self.fields[self.focus].1.type_key(key);
        let changed = self.fields[self.focus].1.value() != before;
        changed && IDENTITY.contains(&self.focused_field())
    }

    /// Takes the validation result of what is typed now.
    pub fn set_errors(&mut self, errors: Vec<FieldError>) {
        self.errors = errors;
    }

    /// The errors shown: those of fields already left, or all after a save.
    fn shown_error(&self, f: Field) -> Option<&str> {
        if !self.tried_to_save && !self.touched.contains(&f) {
            return None;
        }
        self.errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| e.message.as_str())
    }

    /// The lines of a field's error under it, `width` wide: a sentence
    /// (capital first letter) after `↳ `, wrapped, never cut off.
    fn error_lines(&self, f: Field, width: u16) -> Vec<String> {
        let Some(message) = self.shown_error(f) else {
            return Vec::new();
        };
        let mut chars = message.chars();
        let sentence: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        wrap(&sentence, usize::from(width.saturating_sub(2)).max(1))
            .into_iter()
            .enumerate()
            .map(|(i, l)| format!("{}{l}", if i == 0 { "↳ " } else { "  " }))
            .collect()
    }

    /// Moves the cursor to the first field with an error.
    pub fn focus_first_error(&mut self) {
        if let Some(e) = self.errors.first()
            && let Some(i) = self.fields.iter().position(|(f, _)| *f == e.field)
        {
            self.focus = i;
        }
    }

    pub fn move_duplicate(&mut self, down: bool) {
        if let Some(i) = self.duplicate_focus {
            let last = self.duplicates.len().saturating_sub(1);
            self.duplicate_focus = Some(if down {
                (i + 1).min(last)
            } else {
                i.saturating_sub(1)
            });
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, today: NaiveDate, theme: &Theme) {
        let title = match &self.editing {
            Some(e) => format!(" Edit {} ", e.mrn),
            None => " Register a new patient ".to_string(),
        };
        let dup_width = if self.duplicates.is_empty() { 0 } else { 34 };
        let [form_area, dup_area] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(dup_width)]).areas(area);
        let block = Block::bordered().title(Span::styled(title, theme.title()));
        let inner = block.inner(form_area);
        frame.render_widget(block, form_area);

        // Each field takes a line, and more for its error.
        let error_width = inner.width.saturating_sub(LABEL_WIDTH + 1);
        let errors: Vec<Vec<String>> = self
            .fields
            .iter()
            .map(|(f, _)| self.error_lines(*f, error_width))
            .collect();
        let heights: Vec<u16> = errors
            .iter()
            .map(|e| 1 + u16::try_from(e.len()).unwrap_or(u16::MAX - 1))
            .collect();
        let before_focus: u16 = heights[..self.focus].iter().sum();
        let visible = inner.height;
        let scroll = (before_focus + heights[self.focus]).saturating_sub(visible);
        let mut y: i32 = -i32::from(scroll);
        for (i, (_, t)) in self.fields.iter().enumerate() {
            let h = heights[i];
            if y >= 0 && (y as u16) < visible {
                let line = Rect {
                    x: inner.x,
                    y: inner.y + y as u16,
                    width: inner.width,
                    height: 1,
                };
                t.render(
                    frame,
                    line,
                    LABEL_WIDTH,
                    i == self.focus && self.duplicate_focus.is_none(),
                    theme,
                );
                for (j, err) in errors[i].iter().enumerate() {
                    let below = u16::try_from(j + 1).unwrap_or(u16::MAX);
                    if (y as u16).saturating_add(below) >= visible {
                        break;
                    }
                    let err_line = Rect {
                        y: line.y + below,
                        x: line.x + LABEL_WIDTH + 1,
                        width: error_width,
                        ..line
                    };
                    frame.render_widget(
                        Paragraph::new(Span::styled(err.as_str(), theme.error())),
                        err_line,
                    );
                }
            }
            y += i32::from(h);
        }

        if !self.duplicates.is_empty() {
            let block = Block::bordered().title(Span::styled(
                format!(" Possible duplicates ({}) ", self.duplicates.len()),
                theme.warn(),
            ));
            let inner = block.inner(dup_area);
            frame.render_widget(block, dup_area);
            let mut lines = vec![
                Line::from(Span::styled(
                    "Ctrl+D to look, Enter opens one",
                    theme.muted(),
                )),
                Line::from(""),
            ];
            for (i, d) in self.duplicates.iter().enumerate() {
                let style = if self.duplicate_focus == Some(i) {
                    theme.selected()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::from(Span::styled(d.row.name.clone(), style)));
                lines.push(Line::from(Span::styled(
                    format!(
                        " {} {} {}",
                        d.row.mrn,
                        d.row.sex,
                        age_label(d.row.birth_date, d.row.estimated, today)
                    ),
                    theme.muted(),
                )));
                lines.push(Line::from(Span::styled(
                    format!(" {}", d.reason),
                    theme.warn(),
                )));
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
    }
}
