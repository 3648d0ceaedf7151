//! The note as it is written: five multi-line sections (each a
//! `ratatui-textarea`), the section with the cursor, and what the draft
//! saving needs to know — whether anything changed since the last save,
//! when the last key came, and the version of the note it was read at.

use crate::domain::visit::{NoteSection, NoteText};
use crate::tui::theme::Theme;
use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::widgets::Block;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};
use strum::IntoEnumIterator;

/// How long the clinician pauses before the draft is saved on a tick.
pub const PAUSE: Duration = Duration::seconds(2);

/// The five sections being written.
pub struct NoteEditor {
    areas: Vec<(NoteSection, TextArea<'static>)>,
    focus: usize,
    /// Typed since the last save.
    pub dirty: bool,
    /// When the last key was typed.
    pub last_key: Option<DateTime<Utc>>,
    /// The version of the note read or last saved (`None`: no note yet).
    pub version: Option<i64>,
}

fn area_of(text: &str) -> TextArea<'static> {
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.split('\n').map(str::to_string).collect()
    };
    let mut ta = TextArea::new(lines);
    ta.set_wrap_mode(WrapMode::WordOrGlyph);
    ta.set_cursor_line_style(Style::default());
    ta
}

impl NoteEditor {
    /// The editor over a note as read (empty for a new visit).
    pub fn new(text: &NoteText, version: Option<i64>) -> NoteEditor {
        NoteEditor {
            areas: NoteSection::iter()
                .map(|s| (s, area_of(text.get(s))))
                .collect(),
            focus: 0,
            dirty: false,
            last_key: None,
            version,
        }
    }

    /// The text as typed.
    pub fn text(&self) -> NoteText {
        let mut t = NoteText::default();
        for (s, ta) in &self.areas {
            *t.get_mut(*s) = ta.lines().join("\n");
        }
        t
    }

    /// To the next (or previous) section, round the ends.
    pub fn move_focus(&mut self, forward: bool) {
        let n = self.areas.len();
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    fn focused(&mut self) -> Option<&mut TextArea<'static>> {
        self.areas.get_mut(self.focus).map(|(_, ta)| ta)
    }

    fn changed(&mut self, changed: bool, now: DateTime<Utc>) {
        if changed {
            self.dirty = true;
            self.last_key = Some(now);
        }
    }

    /// A key typed into the section with the cursor.
    pub fn type_key(&mut self, key: KeyEvent, now: DateTime<Utc>) {
        let changed = self.focused().is_some_and(|ta| ta.input(key));
        self.changed(changed, now);
    }

    /// Text pasted into the section with the cursor: its lines kept, its
    /// control characters dropped.
    pub fn paste(&mut self, text: &str, now: DateTime<Utc>) {
        let text = crate::domain::text::pasted_lines(text);
        let changed = self.focused().is_some_and(|ta| ta.insert_str(text));
        self.changed(changed, now);
    }

    /// Enter: a new line.
    pub fn new_line(&mut self, now: DateTime<Utc>) {
        if let Some(ta) = self.focused() {
            ta.insert_newline();
        }
        self.changed(true, now);
    }

    /// ↑ or ↓ inside the section.
    pub fn line(&mut self, up: bool) {
        if let Some(ta) = self.focused() {
            ta.move_cursor(if up { CursorMove::Up } else { CursorMove::Down });
        }
    }

    /// Whether the pause after typing is long enough to save at `now`.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        self.dirty && self.last_key.is_none_or(|t| now - t >= PAUSE)
    }

    /// Draws the five sections; the cursor shows only while `writing`.
    pub fn render(&self, frame: &mut Frame, area: Rect, writing: bool, theme: &Theme) {
        let n = self.areas.len() as u32;
        let short = area.height < 6 * n as u16;
        let rows = Layout::vertical((0..n as usize).map(|i| {
            if writing && short {
                if i == self.focus {
                    Constraint::Fill(1)
                } else {
                    Constraint::Length(3)
                }
            } else {
                Constraint::Ratio(1, n)
            }
        }))
        .split(area);
        for (i, ((section, ta), row)) in self.areas.iter().zip(rows.iter()).enumerate() {
            let focused = writing && i == self.focus;
            let mut ta = ta.clone();
            let title = format!(" {} ", capital(section.label()));
            ta.set_block(Block::bordered().title(title).border_style(if focused {
                theme.focused()
            } else {
                theme.muted()
            }));
            ta.set_cursor_style(if focused {
                Style::default().add_modifier(ratatui::style::Modifier::REVERSED)
            } else {
                Style::default()
            });
            frame.render_widget(&ta, *row);
        }
    }
}

/// The first letter in capitals.
pub fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn typing_changes_the_focused_section_and_marks_the_draft() {
        let now = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let mut e = NoteEditor::new(&NoteText::default(), None);
        for c in "fever".chars() {
            e.type_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), now);
        }
        e.move_focus(true);
        e.type_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE), now);
        e.new_line(now);
        e.type_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE), now);
        let t = e.text();
        assert_eq!(t.presenting_complaint, "fever");
        assert_eq!(t.history, "x\ny");
        assert!(e.dirty);
        assert!(!e.due(now));
        assert!(e.due(now + PAUSE));
    }

    #[test]
    fn a_paste_keeps_its_lines_in_the_section() {
        let now = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let mut e = NoteEditor::new(&NoteText::default(), None);
        e.paste("fever\r\nthree days\u{7}", now);
        assert_eq!(e.text().presenting_complaint, "fever\nthree days");
        assert!(e.dirty);
    }
}
