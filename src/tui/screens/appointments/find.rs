//! Finding a patient in the day view: `/` opens a find line over the day;
//! each key typed moves the selection to the first appointment shown whose
//! patient's name or MRN matches; ↓ ↑ go to the next and previous match,
//! Enter keeps the selection there and Esc goes back to where it was.

use super::Appointments;
use crate::domain::front_desk::finds_patient;
use crate::tui::keymap::Action;
use crate::tui::screen::Said;
use crate::tui::theme::Theme;
use crate::tui::widgets::field::{Edit, Field};
use ratatui::Frame;
use ratatui::layout::Rect;

/// The find line while it is open.
pub(super) struct Find {
    field: Field,
    /// The selection before `/`, for Esc.
    before: usize,
    /// How many appointments shown match what is typed.
    matches: usize,
}

impl Appointments {
    /// `/`: opens the find line.
    pub(super) fn open_find(&mut self) -> Said {
        self.find = Some(Find {
            field: Field::new("Find").wide(30),
            before: self.selected.index(),
            matches: 0,
        });
        Said::Nothing
    }

    /// The indices into `shown()` of the appointments whose patient the
    /// find line names.
    fn found(&self, query: &str) -> Vec<usize> {
        self.shown()
            .iter()
            .enumerate()
            .filter(|(_, b)| finds_patient(query, &b.patient_name, &b.mrn))
            .map(|(i, _)| i)
            .collect()
    }

    /// A key typed (or text pasted) into the find line: the selection
    /// follows.
    pub(super) fn type_find(&mut self, edit: Edit) {
        let Some(find) = self.find.as_mut() else {
            return;
        };
        find.field.edit(edit);
        let query = find.field.value().to_string();
        let found = self.found(&query);
        let n = self.shown().len();
        if let Some(f) = self.find.as_mut() {
            f.matches = found.len();
        }
        if let Some(&first) = found.first() {
            self.selected.select(first, n);
            self.anchor = None;
        }
    }

    /// Enter, Esc, ↓ and ↑ on the find line.
    pub(super) fn perform_find(&mut self, action: Action) -> Said {
        let Some(find) = self.find.as_ref() else {
            return Said::Nothing;
        };
        let n = self.shown().len();
        match action {
            Action::FocusList => {
                let said = if find.matches == 0 && !find.field.is_empty() {
                    Said::Info(format!(
                        "Nobody on this day matches \"{}\": check the spelling, or look on another day ([ ]).",
                        find.field.value()
                    ))
                } else {
                    Said::Nothing
                };
                self.find = None;
                said
            }
            Action::Back => {
                self.selected.select(find.before, n);
                self.find = None;
                Said::Nothing
            }
            Action::Up | Action::Down => {
                let found = self.found(find.field.value());
                let at = self.selected.index();
                let next = if action == Action::Down {
                    found.iter().find(|&&i| i > at).or(found.first())
                } else {
                    found.iter().rev().find(|&&i| i < at).or(found.last())
                };
                if let Some(&i) = next {
                    self.selected.select(i, n);
                    self.anchor = None;
                }
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    /// The find line, drawn over the day view's heading.
    pub(super) fn render_find(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let Some(find) = &self.find else {
            return;
        };
        find.field.render_line(frame, area, 5, true, theme, false);
        let said = match (find.field.is_empty(), find.matches) {
            (true, _) => "name or MRN · Enter keeps · Esc back".to_string(),
            (false, 0) => "nobody on this day matches".to_string(),
            (false, 1) => "1 found · Enter keeps · i then checks in".to_string(),
            (false, n) => format!("{n} found · ↓ next · Enter keeps"),
        };
        let used = 5 + 1 + 30 + 2;
        if area.width > used {
            let rest = Rect {
                x: area.x + used,
                width: area.width - used,
                ..area
            };
            frame.render_widget(
                ratatui::widgets::Paragraph::new(ratatui::text::Span::styled(said, theme.muted())),
                rest,
            );
        }
    }
}
