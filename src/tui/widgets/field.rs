//! A labelled one-line text field, optionally masked, with its error beside it.
//! A masked field keeps its text in a [`SecretText`], wiped when dropped.
//! A field opened with a value holds it selected: the first character typed
//! replaces it, while an arrow, Home, End or Backspace keeps it to edit.
//! Pasted text goes in as text (see [`Field::paste`]), never as keys.

use crate::tui::theme::Theme;
use crate::tui::widgets::secret_text::SecretText;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// What changes the text that has the cursor: a key typed, or text pasted
/// (which is only ever text: its line breaks are never Enter, its letters
/// never keys).
#[derive(Debug, Clone, Copy)]
pub enum Edit<'a> {
    Key(KeyEvent),
    Paste(&'a str),
}

pub struct Field {
    pub label: &'static str,
    text: Text,
    width: u16,
    pub error: Option<String>,
    /// The text was filled in for the user and nothing was typed since.
    selected: bool,
}

/// What a field holds: text shown as typed, or a password shown as dots.
enum Text {
    Shown(Input),
    Masked(SecretText),
}

impl Field {
    pub fn new(label: &'static str) -> Self {
        Field {
            label,
            text: Text::Shown(Input::default()),
            width: 32,
            error: None,
            selected: false,
        }
    }

    pub fn masked(label: &'static str) -> Self {
        Field {
            text: Text::Masked(SecretText::new()),
            ..Field::new(label)
        }
    }

    /// The most columns the value may take (32 unless set).
    pub fn wide(mut self, width: u16) -> Self {
        self.width = width;
        self
    }

    /// The field opened with `value` selected, so that typing replaces it.
    pub fn with_value(mut self, value: &str) -> Self {
        self.set_value(value);
        self.selected = !self.is_empty();
        self
    }

    /// Whether the text is selected, waiting to be replaced by typing.
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    pub fn value(&self) -> &str {
        match &self.text {
            Text::Shown(input) => input.value(),
            Text::Masked(secret) => secret.as_str(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.value().is_empty()
    }

    /// Replaces the text (a value found for the user), cursor at its end,
    /// not selected: what the user typed goes on from there.
    /// A masked field is only ever typed into.
    pub fn set_value(&mut self, value: &str) {
        if let Text::Shown(input) = &mut self.text {
            *input = Input::new(value.to_string());
        }
        self.selected = false;
    }

    pub fn clear(&mut self) {
        self.selected = false;
        match &mut self.text {
            Text::Shown(input) => input.reset(),
            Text::Masked(secret) => secret.clear(),
        }
    }

    /// Edits the text with a key (characters, Backspace, arrows, Home, End…).
    pub fn type_key(&mut self, key: KeyEvent) {
        if std::mem::take(&mut self.selected) && replaces_selection(&key) {
            self.clear();
        }
        match &mut self.text {
            Text::Shown(input) => {
                input.handle_event(&Event::Key(key));
            }
            Text::Masked(secret) => secret.type_key(key),
        }
        self.error = None;
    }

    /// Pasted text at the cursor, as one line: line breaks and tabs folded
    /// to spaces, control characters dropped (a masked field takes no space
    /// for a line break either). Replaces a selected value, as typing does.
    pub fn paste(&mut self, text: &str) {
        if std::mem::take(&mut self.selected) {
            self.clear();
        }
        match &mut self.text {
            Text::Shown(input) => {
                for c in crate::domain::text::pasted_line(text).chars() {
                    input.handle(tui_input::InputRequest::InsertChar(c));
                }
            }
            Text::Masked(secret) => secret.paste(&crate::domain::text::pasted_secret(text)),
        }
        self.error = None;
    }

    /// A key typed or a text pasted, as [`Edit`] says.
    pub fn edit(&mut self, edit: Edit) {
        match edit {
            Edit::Key(key) => self.type_key(key),
            Edit::Paste(text) => self.paste(text),
        }
    }

    /// Draws `label  [value]  error` on one line, with the cursor when focused.
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        label_width: u16,
        focused: bool,
        theme: &Theme,
    ) {
        self.render_line(frame, area, label_width, focused, theme, true);
    }

    /// Draws `label  [value]`, and the error beside it when `with_error`.
    pub fn render_line(
        &self,
        frame: &mut Frame,
        area: Rect,
        label_width: u16,
        focused: bool,
        theme: &Theme,
        with_error: bool,
    ) {
        let width = area.width.saturating_sub(label_width + 2).min(self.width) as usize;
        let (shown, scroll, cursor) = match &self.text {
            Text::Shown(input) => (
                input.value().to_string(),
                input.visual_scroll(width.max(1)),
                input.visual_cursor(),
            ),
            Text::Masked(secret) => (
                "•".repeat(secret.len()),
                secret.cursor().saturating_sub(width.max(1)),
                secret.cursor(),
            ),
        };
        let visible: String = shown.chars().skip(scroll).take(width).collect();
        let pad = width.saturating_sub(visible.chars().count());
        let value_style = if focused {
            theme.tab_active()
        } else {
            theme.tab()
        };
        let text_style = if focused && self.selected {
            theme.selected().add_modifier(Modifier::UNDERLINED)
        } else {
            value_style
        };
        let label_style = if focused {
            theme.focused()
        } else {
            theme.muted()
        };
        let mut spans = vec![
            Span::styled(
                format!("{:>w$} ", self.label, w = label_width as usize),
                label_style,
            ),
            Span::styled(visible, text_style),
            Span::styled("_".repeat(pad), value_style),
        ];
        if let (Some(err), true) = (&self.error, with_error) {
            spans.push(Span::styled(format!("  {err}"), theme.error()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        if focused {
            let cursor = cursor.saturating_sub(scroll).min(width);
            frame.set_cursor_position((area.x + label_width + 1 + cursor as u16, area.y));
        }
    }
}

/// Whether a key typed on selected text replaces it: a character does;
/// moving (arrows, Home, End) and Backspace keep the text to edit.
fn replaces_selection(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_prefilled_value_is_replaced_by_the_first_character_typed() {
        let mut f = Field::new("Date").with_value("04/12/2026");
        assert!(f.is_selected());
        f.type_key(press(KeyCode::Char('1')));
        assert_eq!(f.value(), "1", "typing replaces, never appends");
        f.type_key(press(KeyCode::Char('2')));
        assert_eq!(f.value(), "12", "only the first character replaces");
    }

    #[test]
    fn arrows_and_backspace_keep_a_prefilled_value_to_edit() {
        let mut f = Field::new("Count").with_value("50");
        f.type_key(press(KeyCode::Backspace));
        assert_eq!(f.value(), "5");
        f.type_key(press(KeyCode::Char('4')));
        assert_eq!(f.value(), "54");
        let mut f = Field::new("Count").with_value("50");
        f.type_key(press(KeyCode::Left));
        f.type_key(press(KeyCode::Char('4')));
        assert_eq!(f.value(), "540");
        let mut f = Field::new("Count").with_value("50");
        f.set_value("7");
        f.type_key(press(KeyCode::Char('1')));
        assert_eq!(
            f.value(),
            "71",
            "a value found while typing is not selected"
        );
        assert!(!Field::new("Empty").with_value("").is_selected());
    }

    #[test]
    fn a_paste_is_text_on_one_line_replacing_a_selected_value() {
        let mut f = Field::new("Find");
        f.type_key(press(KeyCode::Char('x')));
        f.paste("3014\nd");
        assert_eq!(f.value(), "x3014 d");
        let mut f = Field::new("Date").with_value("04/12/2026");
        f.paste("05/12/2026\n");
        assert_eq!(f.value(), "05/12/2026");
        let mut f = Field::masked("Password");
        f.paste("s3cret\tpass\n");
        assert_eq!(f.value(), "s3cretpass");
    }

    #[test]
    fn selected_text_is_drawn_underlined_while_focused() {
        let f = Field::new("Date").with_value("ab");
        let mut t = Terminal::new(TestBackend::new(20, 1)).unwrap();
        t.draw(|fr| f.render(fr, fr.area(), 4, true, &Theme::plain()))
            .unwrap();
        let buf = t.backend().buffer().clone();
        let underlined = |x: u16| buf[(x, 0)].modifier.contains(Modifier::UNDERLINED);
        assert!(underlined(5) && underlined(6), "the selected text");
        assert!(!underlined(7), "the blank after it");
    }
}
