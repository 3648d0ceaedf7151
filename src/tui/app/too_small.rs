//! A window too small to draw wardline in: the screen says so, and no key
//! acts behind it but quitting (with its question, shown here) and locking.

use super::{App, MIN_HEIGHT, MIN_WIDTH, Mode, Pending};
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::popups::{Asker, Popup};
use crate::tui::widgets::bars;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

/// Whether an area is too small to draw wardline in.
pub(super) fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

impl App {
    /// Whether the last frame drawn was too small to show anything.
    pub(super) fn window_too_small(&self) -> bool {
        self.drawn.get().is_some_and(too_small)
    }

    /// The keys that act on the too-small screen: locking only while at work.
    fn too_small_keys(&self) -> &'static [Binding] {
        match self.mode {
            Mode::Working(_) | Mode::ChangePassword { .. } => keymap::TOO_SMALL,
            Mode::SignIn(_) | Mode::Locked { .. } => keymap::TOO_SMALL_SIGNED_OUT,
        }
    }

    /// A key pressed while the window is too small: only the app's own
    /// question (quit?) is answered, and only quit and lock act.
    pub(super) fn key_while_too_small(&mut self, key: KeyEvent) {
        let asking = self
            .popups
            .top(self.current_tab())
            .is_some_and(|e| e.asker == Asker::App);
        if asking {
            if keymap::lookup(keymap::CONFIRM, &key).is_some() {
                self.popup_key(key);
            }
            return;
        }
        match keymap::lookup(self.too_small_keys(), &key) {
            // Nothing can be seen to be lost: quitting always asks first.
            Some(Action::Quit) => {
                let question = self.quit_question().unwrap_or("Quit wardline?");
                self.ask(question, Pending::Quit);
            }
            Some(Action::Lock) => {
                self.help = false;
                self.perform(Action::Lock);
            }
            _ => {}
        }
    }

    /// The whole screen while the window is too small: its size, what it
    /// needs, the app's open question if any, and the keys that still act.
    pub(super) fn render_too_small(&self, frame: &mut Frame) {
        let area = frame.area();
        let question = self
            .popups
            .top(self.current_tab())
            .filter(|e| e.asker == Asker::App)
            .and_then(|e| match &e.question.popup {
                Popup::Confirm(q) => Some(q.clone()),
                _ => None,
            });
        let mut text = vec![
            Line::from(format!("The window is {}×{}.", area.width, area.height)),
            Line::from(format!(
                "wardline needs at least {MIN_WIDTH}×{MIN_HEIGHT}: make the window larger."
            )),
        ];
        if let Some(q) = &question {
            text.push(Line::from(""));
            text.push(Line::from(format!("{q} (y yes · n no)")));
        }
        let lines = text.len() as u16;
        let top = area.height.saturating_sub(lines + 1) / 2;
        let body = Rect {
            y: area.y + top,
            height: area.height.saturating_sub(top + 1),
            ..area
        };
        frame.render_widget(
            Paragraph::new(text).centered().wrap(Wrap { trim: true }),
            body,
        );
        if question.is_none() && area.height > 0 {
            let hints = Rect {
                y: area.y + area.height - 1,
                height: 1,
                ..area
            };
            bars::hint_bar(
                &[self.too_small_keys()],
                &self.options.theme,
                hints,
                frame.buffer_mut(),
            );
        }
    }
}
