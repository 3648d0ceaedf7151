//! The forced password change after an administrator's reset.

use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup::{centered, frame_box};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};

pub struct ChangePassword {
    pub new: Field,
    pub confirm: Field,
    focus: usize,
    pub error: Option<String>,
}

impl ChangePassword {
    pub fn new() -> Self {
        ChangePassword {
            new: Field::masked("New"),
            confirm: Field::masked("Again"),
            focus: 0,
            error: None,
        }
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % 2;
    }

    pub fn prev_field(&mut self) {
        self.next_field();
    }

    /// Text pasted into the field that has the cursor (a password too,
    /// without its line break).
    pub fn paste(&mut self, text: &str) {
        self.error = None;
        if self.focus == 0 {
            self.new.paste(text)
        } else {
            self.confirm.paste(text)
        }
    }

    pub fn type_key(&mut self, key: KeyEvent) {
        self.error = None;
        if self.focus == 0 {
            self.new.type_key(key)
        } else {
            self.confirm.type_key(key)
        }
    }

    /// Whether anything has been typed that leaving would throw away.
    pub fn has_input(&self) -> bool {
        !self.new.is_empty() || !self.confirm.is_empty()
    }

    pub fn failed(&mut self, message: String) {
        self.error = Some(message);
        self.new.clear();
        self.confirm.clear();
        self.focus = 0;
    }

    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        user_name: &str,
        min_length: usize,
        theme: &Theme,
    ) {
        let r = centered(area, 70, 13);
        let inner = frame_box("Choose a new password", r, theme, frame.buffer_mut());
        let line = |y: u16, h: u16| Rect {
            x: inner.x + 1,
            y: inner.y + y,
            width: inner.width.saturating_sub(2),
            height: h,
        };
        let intro = format!(
            "The password of {user_name} was set by the hospital (an administrator or the front desk). Choose your own: at least {min_length} characters; a few words make a good one."
        );
        frame.render_widget(Paragraph::new(intro).wrap(Wrap { trim: true }), line(0, 3));
        self.new
            .render(frame, line(4, 1), 6, self.focus == 0, theme);
        self.confirm
            .render(frame, line(5, 1), 6, self.focus == 1, theme);
        if let Some(err) = &self.error {
            frame.render_widget(
                Paragraph::new(Span::styled(err.clone(), theme.error())).wrap(Wrap { trim: true }),
                line(7, 3),
            );
        }
    }
}

impl Default for ChangePassword {
    fn default() -> Self {
        Self::new()
    }
}
