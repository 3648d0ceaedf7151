//! A labelled one-line text field, optionally masked, with its error beside it.

use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

pub struct Field {
    pub label: &'static str,
    input: Input,
    masked: bool,
    width: u16,
    pub error: Option<String>,
}

impl Field {
    pub fn new(label: &'static str) -> Self {
        Field {
            label,
            input: Input::default(),
            masked: false,
            width: 32,
            error: None,
        }
    }

    pub fn masked(label: &'static str) -> Self {
        Field {
            masked: true,
            ..Field::new(label)
        }
    }

    /// The most columns the value may take (32 unless set).
    pub fn wide(mut self, width: u16) -> Self {
        self.width = width;
        self
    }

    pub fn with_value(mut self, value: &str) -> Self {
        self.input = Input::new(value.to_string());
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn is_empty(&self) -> bool {
        self.input.value().is_empty()
    }

    /// Replaces the text (a value found for the user), cursor at its end.
    pub fn set_value(&mut self, value: &str) {
        self.input = Input::new(value.to_string());
    }

    pub fn clear(&mut self) {
        self.input.reset();
    }

    /// Edits the text with a key (characters, Backspace, arrows, Home, End…).
    pub fn type_key(&mut self, key: KeyEvent) {
        self.input.handle_event(&Event::Key(key));
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
        let shown: String = if self.masked {
            "•".repeat(self.input.value().chars().count())
        } else {
            self.input.value().to_string()
        };
        let scroll = self.input.visual_scroll(width.max(1));
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
            let cursor = self.input.visual_cursor().saturating_sub(scroll).min(width);
            frame.set_cursor_position((area.x + label_width + 1 + cursor as u16, area.y));
        }
    }
}
