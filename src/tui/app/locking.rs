//! The lock screen: locking keeps the user's work whole (the tab, its
//! forms and their typed text, its open questions) without drawing any of
//! it; the same user unlocking returns to exactly where they were. Another
//! user signing in ends the first session, asking first when that would
//! throw away something typed.

use super::{App, Mode, Pending, Workspace, sentence};
use crate::auth;
use crate::store::sessions::EndReason;
use crate::tui::keymap::Tab;
use crate::tui::popups::Asker;
use crate::tui::screens::sign_in::{LockedBy, SignIn};

impl App {
    /// Locks the screen, saying `why` in the audit trail.
    pub(super) fn lock(&mut self, why: &str) {
        // A screen writes what it holds back (a search's audit event, a
        // note's draft) but keeps its state.
        self.leave_screen();
        let mode = std::mem::replace(&mut self.mode, Mode::SignIn(SignIn::new()));
        let workspace = match mode {
            Mode::Working(w) => w,
            // The forced change starts again after unlocking, empty.
            Mode::ChangePassword { session, .. } => Workspace {
                session,
                tab: Tab::Patients,
                screens: Vec::new(),
            },
            other => {
                self.mode = other;
                return;
            }
        };
        self.help = false;
        // The app's own questions (quit?) were the user's, of that moment.
        let own: Vec<u64> = self
            .popups
            .shown(None)
            .filter(|e| e.asker == Asker::App)
            .map(|e| e.id)
            .collect();
        for id in own {
            self.popups.take(id);
        }
        let audited = auth::lock_session(&mut self.db, &workspace.session, why);
        let form = SignIn::lock_screen(LockedBy {
            user_name: workspace.session.user.user_name.clone(),
            full_name: workspace.session.user.full_name.clone(),
        });
        self.mode = Mode::Locked {
            workspace,
            form,
            newcomer: None,
        };
        if let Err(e) = audited {
            self.complain(e);
        }
    }

    /// Enter on the lock screen: the same user unlocks, another signs in.
    pub(super) fn submit_locked(&mut self) {
        let now = self.now;
        let Mode::Locked {
            workspace, form, ..
        } = &mut self.mode
        else {
            return;
        };
        let typed = form.user.value().trim().to_lowercase();
        let password = form.password.value();
        if typed.is_empty() {
            form.failed("Type your user name, then your password.".into());
            return;
        }
        if typed == workspace.session.user.user_name {
            match auth::unlock_session(&mut self.db, &workspace.session, password, now) {
                Ok(()) => self.unlock(),
                Err(e) => form.failed(sentence(e)),
            }
            return;
        }
        match auth::sign_in(&mut self.db, &typed, password, now) {
            Ok(new) => {
                let unsaved = self.unsaved_of_locked();
                if let Mode::Locked { newcomer, .. } = &mut self.mode {
                    *newcomer = Some(Box::new(new));
                }
                match unsaved {
                    Some(who) => self.ask(
                        &format!(
                            "{who} was typing something not yet saved. Signing in ends their session and throws it away. Sign in?"
                        ),
                        Pending::ReplaceSession,
                    ),
                    None => self.replace_session(),
                }
            }
            Err(e) => form.failed(sentence(e)),
        }
    }

    /// The full name of the locked session's user when their screens hold
    /// typed input that would be lost.
    fn unsaved_of_locked(&self) -> Option<String> {
        let Mode::Locked { workspace, .. } = &self.mode else {
            return None;
        };
        let typed = workspace.screens.iter().any(|(tab, s)| {
            s.unsaved_input().is_some()
                || self
                    .popups
                    .of_tab(*tab)
                    .any(|e| e.question.unsaved_input().is_some())
        });
        typed.then(|| workspace.session.user.full_name.clone())
    }

    /// Back to exactly where the user was when the screen locked.
    fn unlock(&mut self) {
        let mode = std::mem::replace(&mut self.mode, Mode::SignIn(SignIn::new()));
        let Mode::Locked { workspace, .. } = mode else {
            self.mode = mode;
            return;
        };
        if workspace.screens.is_empty() || workspace.session.user.must_change_password {
            let Workspace { session, tab, .. } = workspace;
            self.start(session, Some(tab));
        } else {
            // Settings another terminal changed meanwhile apply from now.
            match self.db.settings() {
                Ok(s) => self.settings = s,
                Err(e) => self.complain(e),
            }
            self.last_input = self.now;
            self.mode = Mode::Working(workspace);
        }
        if self.message.is_none() {
            self.say("Unlocked.");
        }
    }

    /// The newcomer's session replaces the locked one, whose screens and
    /// questions are dropped.
    pub(super) fn replace_session(&mut self) {
        let mode = std::mem::replace(&mut self.mode, Mode::SignIn(SignIn::new()));
        let Mode::Locked {
            workspace,
            newcomer: Some(new),
            ..
        } = mode
        else {
            self.mode = mode;
            return;
        };
        self.popups.clear();
        let ended = auth::sign_out(
            &mut self.db,
            &workspace.session,
            EndReason::Replaced,
            self.now,
        );
        self.start(*new, None);
        if let Err(e) = ended {
            self.complain(e);
        }
    }

    /// The newcomer answered no: their new session ends, and the screen
    /// stays locked for the first user with their work.
    pub(super) fn keep_locked_session(&mut self) {
        let now = self.now;
        let newcomer = match &mut self.mode {
            Mode::Locked { newcomer, form, .. } => {
                form.password.clear();
                newcomer.take()
            }
            _ => None,
        };
        if let Some(new) = newcomer
            && let Err(e) = auth::sign_out(&mut self.db, &new, EndReason::Logout, now)
        {
            self.complain(e);
        }
    }
}
