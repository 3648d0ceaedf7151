//! A labelled one-line text field, optionally masked, with its error beside it.
//! A masked field keeps its text in a [`SecretText`], wiped when dropped.

use crate::tui::theme::Theme;
use crate::tui::widgets::secret_text::SecretText;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

pub struct Field {
    pub label: &'static str,
    text: Text,
    width: u16,
    pub error: Option<String>,
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

    pub fn with_value(mut self, value: &str) -> Self {
        self.set_value(value);
        self
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

    /// Replaces the text (a value found for the user), cursor at its end.
    /// A masked field is only ever typed into.
    pub fn set_value(&mut self, value: &str) {
        if let Text::Shown(input) = &mut self.text {
            *input = Input::new(value.to_string());
        }
    }

    pub fn clear(&mut self) {
        match &mut self.text {
            Text::Shown(input) => input.reset(),
            Text::Masked(secret) => secret.clear(),
        }
    }

    /// Edits the text with a key (characters, Backspace, arrows, Home, End…).
    pub fn type_key(&mut self, key: KeyEvent) {
        match &mut self.text {
            Text::Shown(input) => {
                input.handle_event(&Event::Key(key));
            }
            Text::Masked(secret) => secret.type_key(key),
        }
        self.error = None;
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
            Span::styled(
                format!("{visible}{}", "_".repeat(pad)),
                if focused {
                    theme.tab_active()
                } else {
                    theme.tab()
                },
            ),
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
