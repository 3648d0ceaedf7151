//! How the app takes a paste (the terminal's bracketed paste): as text for
//! the field that has the cursor — in the top popup, else the screen —
//! never as keys; where no text field has the cursor the status line says
//! so and nothing changes.

use super::{App, Mode};
use crate::tui::popups::{Asker, Popup};
use crate::tui::screen::{NOT_PASTED, not_pasted};
use chrono::{DateTime, Utc};

impl App {
    /// Handles text pasted at `now` (the terminal's bracketed paste): it goes
    /// to the text field that has the cursor — in the top popup, else the
    /// screen — as text, never as keys: a line break in it is not Enter and
    /// its letters are not hotkeys. Where no text field has the cursor, the
    /// status line says so and nothing changes.
    pub fn handle_paste(&mut self, text: &str, now: DateTime<Utc>) {
        self.now = now;
        self.last_input = now;
        self.wal_pending = true;
        self.message = None;
        if self.window_too_small() || self.help {
            self.say(NOT_PASTED);
            return;
        }
        if self.popups.top(self.current_tab()).is_some() {
            self.popup_paste(text);
            return;
        }
        match &mut self.mode {
            Mode::SignIn(form) | Mode::Locked { form, .. } => form.paste(text),
            Mode::ChangePassword { form, .. } => form.paste(text),
            Mode::Working(_) => {
                if self.with_screen(|s, ctx| s.paste(text, ctx)).is_none() {
                    self.say(NOT_PASTED);
                }
            }
        }
    }

    /// Text pasted while a popup is open: into a typed answer or the
    /// picker's search as text; a yes/no question takes none and says so.
    fn popup_paste(&mut self, text: &str) {
        let Some(top) = self.popups.top(self.current_tab()) else {
            return;
        };
        let id = top.id;
        match &top.question.popup {
            Popup::Confirm(_) => self.hear(None, Asker::App, not_pasted()),
            Popup::Prompt(_) => {
                if let Some(Popup::Prompt(p)) =
                    self.popups.get_mut(id).map(|e| &mut e.question.popup)
                {
                    p.answer.paste(text);
                }
            }
            Popup::Dialog(_) => {
                if let Some(said) = self.in_dialog(id, |d, ctx| d.paste(text, ctx)) {
                    self.dialog_said(id, said);
                }
            }
        }
    }
}
