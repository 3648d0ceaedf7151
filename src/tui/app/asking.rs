//! How the app runs its popup stack: the top popup takes the keys, an
//! answer goes back with its token to whoever asked (the app, the screen of
//! the tab, or a dialog below it), and a refused answer reopens the question.

use super::{App, Pending, Workspace, is_text};
use crate::tui::keymap::{self, Action, Binding, Tab};
use crate::tui::popups::{Answer, Asker, Dialog, Entry, Popup, Question, Refused};
use crate::tui::screen::{Ctx, Said};

/// What the status line says when a question ignores keys that came as it
/// opened (see [`crate::tui::popups::SETTLE`]).
const TOO_SOON: &str =
    "… Keys that came as the question opened are not its answer: read it, then answer.";
use ratatui::crossterm::event::KeyEvent;
use std::any::Any;

impl App {
    /// A key for the top popup. `false` when it does not take the key, which
    /// then goes to the global keys (a tab key, help, lock, quit), except
    /// over the app's own questions, which take every key.
    pub(super) fn popup_key(&mut self, key: KeyEvent) -> bool {
        let Some(top) = self.popups.top(self.current_tab()) else {
            return false;
        };
        let (id, asker) = (top.id, top.asker);
        if top.too_soon(self.now) {
            self.say(TOO_SOON);
            return true;
        }
        match (
            &top.question.popup,
            keymap::lookup(top.question.table(), &key),
        ) {
            (Popup::Confirm(_), Some(Action::Yes)) => self.answer(id, Answer::Yes),
            (Popup::Confirm(_) | Popup::Prompt(_), Some(Action::No)) => {
                self.answer(id, Answer::Cancelled)
            }
            (Popup::Prompt(p), Some(Action::Yes)) => {
                let text = p.answer.value().to_string();
                self.answer(id, Answer::Text(text))
            }
            (Popup::Prompt(_), _) if is_text(&key) => {
                if let Some(Popup::Prompt(p)) =
                    self.popups.get_mut(id).map(|e| &mut e.question.popup)
                {
                    p.answer.type_key(key);
                }
            }
            (Popup::Dialog(_), Some(action)) => {
                if let Some(said) = self.in_dialog(id, |d, ctx| d.perform(action, ctx)) {
                    self.dialog_said(id, said);
                }
            }
            (Popup::Dialog(d), None) if is_text(&key) && d.takes_text() => {
                if let Some(said) = self.in_dialog(id, |d, ctx| d.type_key(key, ctx)) {
                    self.dialog_said(id, said);
                }
            }
            _ => return asker == Asker::App,
        }
        true
    }

    /// Closes the question `id` and gives `answer` with its token to whoever
    /// asked; a refusal puts the question back as it was.
    fn answer(&mut self, id: u64, answer: Answer) {
        let Some(Entry {
            id,
            tab,
            asker,
            question,
            opened,
        }) = self.popups.take(id)
        else {
            return;
        };
        let Question {
            mut popup,
            about,
            unsaved,
            settles,
        } = question;
        let heard = match (asker, tab) {
            (Asker::App, _) => {
                self.app_answered(about, answer);
                return;
            }
            (Asker::Screen, Some(tab)) => {
                self.in_screen(tab, |s, ctx| s.answered(about, answer, ctx))
            }
            (Asker::Popup(dialog), _) => {
                self.in_dialog(dialog, |d, ctx| d.answered(about, answer, ctx))
            }
            (Asker::Screen, None) => None,
        };
        match heard {
            None => {}
            Some(Ok(said)) => match asker {
                Asker::Popup(dialog) => self.dialog_said(dialog, said),
                _ => self.hear(tab, asker, said),
            },
            Some(Err(Refused {
                about,
                said,
                field_error,
            })) => {
                if let (Popup::Prompt(p), Some(e)) = (&mut popup, field_error) {
                    p.answer.error = Some(e);
                }
                self.popups.reopen(Entry {
                    id,
                    tab,
                    asker,
                    question: Question {
                        popup,
                        about,
                        unsaved,
                        settles,
                    },
                    opened,
                });
                self.hear(tab, asker, said);
            }
        }
    }

    /// The app's own questions: quitting and signing out.
    fn app_answered(&mut self, about: Box<dyn Any>, answer: Answer) {
        match (answer, about.downcast::<Pending>()) {
            (Answer::Yes, Ok(then)) => self.perform_pending(*then),
            (_, Ok(then)) if *then == Pending::ReplaceSession => self.keep_locked_session(),
            _ => {}
        }
    }

    /// What a dialog said after a key or an answer: when it is done, its
    /// answer goes to its asker (whose message replaces the dialog's).
    pub(super) fn dialog_said(&mut self, id: u64, said: Said) {
        let Some(entry) = self.popups.get_mut(id) else {
            return;
        };
        let tab = entry.tab;
        let finished = match &mut entry.question.popup {
            Popup::Dialog(d) => d.finished(),
            _ => None,
        };
        match finished {
            Some(answer) => self.answer(id, answer),
            None => self.hear(tab, Asker::Popup(id), said),
        }
    }

    /// Shows what was said on the status line, or opens the question asked.
    pub(super) fn hear(&mut self, tab: Option<Tab>, asker: Asker, said: Said) {
        match said {
            Said::Nothing => {}
            Said::Info(m) => self.say(m),
            Said::Error(m) => self.complain(m),
            Said::Ask(q) => {
                self.popups.push(tab, asker, *q, self.now);
            }
            Said::Go(request) => self.go_with(request),
        }
    }

    /// Shows the first area the role may open that accepts `request`, and
    /// hands it the request; nothing happens when no area takes it.
    fn go_with(&mut self, request: crate::tui::screen::Request) {
        let Some(session) = self.session() else {
            return;
        };
        let role = session.role();
        let Some(tab) = crate::tui::screens::taker(&request, |t| role.can(t.permission())) else {
            let refusal = format!(
                "a {} cannot open {}: ask an administrator if you need it",
                role.label(),
                request.what()
            );
            self.complain(refusal);
            return;
        };
        self.go_to(tab);
        if self.current_tab() == Some(tab) {
            self.with_screen(|s, ctx| s.open_request(request, ctx));
        }
    }

    /// Runs `f` on the dialog `id`, with what it needs from the app.
    pub(super) fn in_dialog<R>(
        &mut self,
        id: u64,
        f: impl FnOnce(&mut dyn Dialog, &mut Ctx) -> R,
    ) -> Option<R> {
        self.lend(|lent, ctx| {
            let Popup::Dialog(d) = &mut lent.popups.get_mut(id)?.question.popup else {
                return None;
            };
            Some(f(d.as_mut(), ctx))
        })
    }

    /// Lets the screen shown, and the dialogs open over it, write their
    /// pending events (a search's) before the user leaves it (another tab,
    /// the lock, quitting).
    pub(super) fn leave_screen(&mut self) {
        self.with_screen(|s, ctx| s.leave(ctx));
        let Some(tab) = self.current_tab() else {
            return;
        };
        let dialogs: Vec<u64> = self
            .popups
            .of_tab(tab)
            .filter(|e| matches!(e.question.popup, Popup::Dialog(_)))
            .map(|e| e.id)
            .collect();
        for id in dialogs {
            if let Some(said) = self.in_dialog(id, |d, ctx| d.leave(ctx)) {
                self.hear(Some(tab), Asker::Popup(id), said);
            }
        }
    }

    /// The title and keys of what takes the keys on the tab shown: its top
    /// popup, else its screen.
    pub(super) fn working_section(&self, w: &Workspace) -> (&'static str, &'static [Binding]) {
        let screen_title = w.shown().map_or(w.tab.title(), |s| s.title());
        let Some(top) = self.popups.top(Some(w.tab)) else {
            return (
                screen_title,
                w.shown().map_or(keymap::NOTICE, |s| s.table()),
            );
        };
        let title = match (&top.question.popup, top.asker) {
            (Popup::Dialog(d), _) => d.title(),
            (_, Asker::App) => "Confirm",
            (_, Asker::Screen) => screen_title,
            (_, Asker::Popup(id)) => match self.popups.get(id).map(|e| &e.question.popup) {
                Some(Popup::Dialog(d)) => d.title(),
                _ => screen_title,
            },
        };
        (title, top.question.table())
    }
}
