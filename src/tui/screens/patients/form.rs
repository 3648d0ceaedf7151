//! The registration and edit form: every field of a patient, errors beside
//! their fields as soon as they are known, and possible duplicates alongside.

use crate::domain::ids::Id;
use crate::domain::patient::{Field, FieldError, PatientInput};
use crate::ops::patients::Duplicate;
use crate::tui::theme::Theme;
use crate::tui::widgets::field::{Edit, Field as TextField};
use crate::tui::widgets::form::{Form, Look};
use chrono::NaiveDate;
use ratatui::Frame;
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
    /// The patient's fields, in the order of `fields`.
    keys: Vec<Field>,
    fields: Form,
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
const IDENTITY: [Field; 7] = [
    Field::GivenName,
    Field::MiddleName,
    Field::FamilyName,
    Field::BirthDate,
    Field::EstimatedAge,
    Field::Sex,
    Field::Phone,
];

const LABEL_WIDTH: u16 = 18;

impl PatientForm {
    pub fn new(input: PatientInput, editing: Option<Editing>) -> PatientForm {
        let keys: Vec<Field> = Field::iter().collect();
        let fields = Form::of_fields(
            keys.iter()
                .map(|&f| TextField::new(f.label()).wide(40).with_value(input.get(f))),
        );
        PatientForm {
            editing,
            keys,
            fields,
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
        for (k, f) in self.keys.iter().enumerate() {
            i.set(*f, self.fields.text(k));
        }
        i
    }

    /// Whether leaving would throw typed input away.
    pub fn changed(&self) -> bool {
        self.input() != self.original
    }

    /// Replaces every value (after another terminal changed the record).
    pub fn reset(&mut self, input: PatientInput, editing: Option<Editing>) {
        let focus = self.fields.focus();
        *self = PatientForm::new(input, editing);
        self.fields.focus_on(focus);
    }

    pub fn focused_field(&self) -> Field {
        self.keys[self.fields.focus()]
    }

    pub fn next_field(&mut self) {
        self.touched.insert(self.focused_field());
        self.fields.next();
        self.show_errors();
    }

    pub fn prev_field(&mut self) {
        self.touched.insert(self.focused_field());
        self.fields.prev();
        self.show_errors();
    }

    /// Types or pastes into the focused field; true when a field that
    /// identifies the patient changed (time to look for duplicates again).
    pub fn edit(&mut self, edit: Edit) -> bool {
        let changed = self.fields.edit(edit);
        changed && IDENTITY.contains(&self.focused_field())
    }

    /// Whether the cursor is in a typed field (not a choice such as sex).
    pub fn on_text(&self) -> bool {
        self.fields.on_text()
    }

    /// Takes the validation result of what is typed now.
    pub fn set_errors(&mut self, errors: Vec<FieldError>) {
        self.errors = errors;
        self.show_errors();
    }

    /// Shows each field's error (as a sentence) when it is shown at all.
    fn show_errors(&mut self) {
        for (i, f) in self.keys.iter().enumerate() {
            let shown = self.shown_error(*f).map(|m| {
                let mut chars = m.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            });
            self.fields.set_error(i, shown);
        }
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

    /// Moves the cursor to the first field with an error.
    pub fn focus_first_error(&mut self) {
        if let Some(e) = self.errors.first()
            && let Some(i) = self.keys.iter().position(|f| *f == e.field)
        {
            self.fields.focus_on(i);
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

        let look = Look::new(LABEL_WIDTH).errors_below();
        let active = self.duplicate_focus.is_none();
        self.fields.render(frame, inner, look, active, theme);

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
                lines.extend(super::duplicates_panel::lines(d, style, today, theme));
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
    }
}
