//! A popup list with a check box on each line (a clinician's wards): ↑↓
//! move, Space checks or unchecks, Enter answers with the lines checked,
//! Esc leaves without an answer. It is a [`Dialog`] on the app's popup
//! stack, so the screen that asks keeps no state for it.

use crate::tui::keymap::{self, Action, Binding};
use crate::tui::popups::{Answer, Dialog};
use crate::tui::screen::{Ctx, Said, Screen, View};
use crate::tui::widgets::popup::{centered, frame_box};
use crate::tui::widgets::table::{Column, Line as TableLine, ScrollTable, Selection};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};

/// The check list and what it answers once done.
pub struct Checklist {
    title: &'static str,
    heading: String,
    items: Vec<(String, bool)>,
    selected: Selection,
    outcome: Option<Answer>,
}

impl Checklist {
    /// A list headed by `heading` (what is being chosen, for whom), with
    /// its lines and whether each starts checked. `title` names it in the
    /// help overlay.
    pub fn new(
        title: &'static str,
        heading: impl Into<String>,
        items: Vec<(String, bool)>,
    ) -> Checklist {
        Checklist {
            title,
            heading: heading.into(),
            items,
            selected: Selection::default(),
            outcome: None,
        }
    }

    /// The lines checked now, by position.
    pub fn checked(&self) -> Vec<usize> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, (_, on))| *on)
            .map(|(i, _)| i)
            .collect()
    }

    fn toggle(&mut self) {
        if let Some((_, on)) = self.items.get_mut(self.selected.index()) {
            *on = !*on;
        }
    }
}

impl Screen for Checklist {
    fn table(&self) -> &'static [Binding] {
        keymap::CHECKLIST
    }

    fn title(&self) -> &'static str {
        self.title
    }

    fn perform(&mut self, action: Action, _ctx: &mut Ctx) -> Said {
        match action {
            Action::ToggleCheck => self.toggle(),
            Action::Submit => self.outcome = Some(Answer::Checked(self.checked())),
            Action::Cancel => self.outcome = Some(Answer::Cancelled),
            other => {
                self.selected.navigate(other, self.items.len());
            }
        }
        Said::Nothing
    }

    fn shown_again(&mut self, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let theme = view.theme;
        let height = (self.items.len() as u16).clamp(1, 12) + 5;
        let r = centered(area, 56, height);
        let inner = frame_box(self.title, r, theme, frame.buffer_mut());
        let [heading, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        frame.render_widget(
            Paragraph::new(self.heading.clone()).wrap(Wrap { trim: true }),
            heading,
        );
        if self.items.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled("Nothing to choose from.", theme.muted())),
                list,
            );
            return;
        }
        let table = ScrollTable::new([Column::code(""), Column::text("", 10).grow()])
            .highlight(theme.selected());
        table.render(
            frame,
            list,
            Some(self.selected.index()),
            self.items.len(),
            |i| {
                let (label, on) = &self.items[i];
                TableLine::new([if *on { "[x]" } else { "[ ]" }.to_string(), label.clone()])
            },
        );
    }
}

impl Dialog for Checklist {
    /// The lines checked (Enter), or nothing chosen (Esc).
    fn finished(&mut self) -> Option<Answer> {
        self.outcome.take()
    }

    /// A box over the tab, which stays in view around it.
    fn covers_screen(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> Checklist {
        Checklist::new(
            "Wards",
            "Wards of Mei Lin Chen",
            vec![
                ("ICU".into(), false),
                ("Medical ward".into(), true),
                ("Surgical ward".into(), false),
            ],
        )
    }

    #[test]
    fn space_toggles_the_selected_line() {
        let mut c = list();
        c.toggle();
        assert_eq!(c.checked(), [0, 1]);
        c.selected.navigate(Action::Down, 3);
        c.toggle();
        assert_eq!(c.checked(), [0]);
        c.selected.navigate(Action::End, 3);
        c.toggle();
        c.toggle();
        c.toggle();
        assert_eq!(c.checked(), [0, 2]);
    }

    #[test]
    fn an_empty_list_toggles_nothing() {
        let mut c = Checklist::new("Wards", "none", Vec::new());
        c.toggle();
        assert!(c.checked().is_empty());
    }
}
