//! The sign-in screen, which is also the lock screen: the same user unlocks
//! with their password, or another user signs in (ending the first session).

use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup::{centered, frame_box};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// Who is signed in behind a lock screen.
#[derive(Debug, Clone)]
pub struct LockedBy {
    pub user_name: String,
    pub full_name: String,
}

pub struct SignIn {
    pub user: Field,
    pub password: Field,
    focus: usize,
    pub error: Option<String>,
    pub locked_by: Option<LockedBy>,
}

impl SignIn {
    pub fn new() -> Self {
        SignIn {
            user: Field::new("User"),
            password: Field::masked("Password"),
            focus: 0,
            error: None,
            locked_by: None,
        }
    }

    /// The lock screen for a signed-in user: their name filled in and
    /// selected (another user's name typed there replaces it), the cursor
    /// on the password.
    pub fn lock_screen(by: LockedBy) -> Self {
        SignIn {
            user: Field::new("User").with_value(&by.user_name),
            focus: 1,
            locked_by: Some(by),
            ..SignIn::new()
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
            self.user.paste(text)
        } else {
            self.password.paste(text)
        }
    }

    pub fn type_key(&mut self, key: KeyEvent) {
        self.error = None;
        if self.focus == 0 {
            self.user.type_key(key)
        } else {
            self.password.type_key(key)
        }
    }

    /// After a failed attempt: keep the user name, clear the password.
    pub fn failed(&mut self, message: String) {
        self.error = Some(message);
        self.password.clear();
        self.focus = if self.user.is_empty() { 0 } else { 1 };
    }

    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        hospital: &str,
        demo: Option<&[String]>,
        theme: &Theme,
    ) {
        let demo_lines = demo.map_or(0, |d| d.len() as u16 + 3);
        let height = 9 + demo_lines + if self.locked_by.is_some() { 2 } else { 0 };
        let r = centered(area, 70, height);
        let title = if self.locked_by.is_some() {
            "Screen locked"
        } else {
            "Sign in"
        };
        let inner = frame_box(title, r, theme, frame.buffer_mut());
        let mut y = inner.y;
        let line = |y: u16| Rect {
            x: inner.x + 1,
            y,
            width: inner.width.saturating_sub(2),
            height: 1,
        };
        frame.render_widget(
            Paragraph::new(Span::styled(hospital.to_string(), theme.title())),
            line(y),
        );
        y += 1;
        if let Some(by) = &self.locked_by {
            let text = format!(
                "{} ({}) is signed in: type the password to unlock. Someone else? ↑ or Shift+Tab to User, then type your user name (it replaces theirs).",
                by.full_name, by.user_name
            );
            let area = Rect {
                height: 3,
                ..line(y + 1)
            };
            frame.render_widget(
                Paragraph::new(text)
                    .style(theme.muted())
                    .wrap(Wrap { trim: true }),
                area,
            );
            y += 3;
        }
        y += 1;
        self.user.render(frame, line(y), 9, self.focus == 0, theme);
        y += 1;
        self.password
            .render(frame, line(y), 9, self.focus == 1, theme);
        y += 2;
        if let Some(err) = &self.error {
            let area = Rect {
                height: 2,
                ..line(y)
            };
            frame.render_widget(
                Paragraph::new(Span::styled(err.clone(), theme.error())).wrap(Wrap { trim: true }),
                area,
            );
        }
        y += 3;
        if let Some(accounts) = demo {
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled("Demo accounts", theme.header()),
                    Span::raw(format!("  password for all: {}", crate::demo::PASSWORD)),
                ])),
                line(y),
            );
            y += 1;
            for a in accounts {
                frame.render_widget(
                    Paragraph::new(Span::styled(a.clone(), theme.muted())),
                    line(y),
                );
                y += 1;
            }
        }
    }
}

impl Default for SignIn {
    fn default() -> Self {
        Self::new()
    }
}
