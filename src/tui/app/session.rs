//! Sessions begun and ended: signing in (or the forced password change
//! first), the working tabs entered with a warning of an old backup for an
//! administrator, and signing out when the program stops.

use super::{App, Message, Mode, Workspace, sentence};
use crate::auth::{self, Session};
use crate::store::sessions::EndReason;
use crate::tui::keymap::Tab;
use crate::tui::screens::{change_password::ChangePassword, sign_in::SignIn};

impl App {
    /// Signs the current session out (if any) and returns to the sign-in screen.
    pub(super) fn end_session(&mut self, reason: EndReason) {
        let mode = std::mem::replace(&mut self.mode, Mode::SignIn(SignIn::new()));
        let session = match mode {
            Mode::SignIn(form) => {
                self.mode = Mode::SignIn(form);
                return;
            }
            Mode::ChangePassword { session, .. } => session,
            Mode::Working(w) | Mode::Locked { workspace: w, .. } => w.session,
        };
        self.help = false;
        self.popups.clear();
        if let Err(e) = auth::sign_out(&mut self.db, &session, reason, self.now) {
            self.complain(e);
        }
    }

    /// Ends the session when the program stops (a clean exit signs out),
    /// after the screen shown has written what it holds (a note's draft).
    pub fn shutdown(&mut self) {
        self.leave_screen();
        self.end_session(EndReason::Logout);
    }

    pub(super) fn submit(&mut self) {
        let now = self.now;
        match &mut self.mode {
            Mode::SignIn(form) => {
                let user = form.user.value().to_string();
                if user.trim().is_empty() {
                    form.failed("Type your user name, then your password.".into());
                    return;
                }
                match auth::sign_in(&mut self.db, &user, form.password.value(), now) {
                    Ok(session) => self.start(session, None),
                    Err(e) => form.failed(sentence(e)),
                }
            }
            Mode::Locked { .. } => self.submit_locked(),
            Mode::ChangePassword { session, form } => {
                let (new, confirm) = (form.new.value(), form.confirm.value());
                match auth::change_own_password(&mut self.db, session, new, confirm, now) {
                    Ok(()) => {
                        let session = session.clone();
                        self.start(session, None);
                        self.say("Password changed.");
                    }
                    Err(e) => form.failed(sentence(e)),
                }
            }
            Mode::Working(_) => {}
        }
    }

    /// Enters the working screen (or the forced password change) for a session.
    pub(super) fn start(&mut self, session: Session, tab: Option<Tab>) {
        match self.db.settings() {
            Ok(s) => self.settings = s,
            Err(e) => self.complain(e),
        }
        self.last_input = self.now;
        self.popups.clear();
        if session.user.must_change_password {
            self.mode = Mode::ChangePassword {
                session,
                form: ChangePassword::new(),
            };
            return;
        }
        let allowed: Vec<Tab> = Tab::all()
            .filter(|t| session.role().can(t.permission()))
            .collect();
        let tab = tab
            .filter(|t| allowed.contains(t))
            .or(crate::tui::screens::home(session.role()).filter(|t| allowed.contains(t)))
            .or(allowed.first().copied())
            .unwrap_or(Tab::Patients);
        let name = session.user.full_name.clone();
        self.mode = Mode::Working(Workspace {
            session,
            tab,
            screens: Vec::new(),
        });
        self.say(format!("Signed in as {name}."));
        self.warn_of_old_backup(&name);
        self.reload_tab();
    }

    /// An administrator is told, in words, when the latest backup is older
    /// than the hospital's `backup_warn_hours`, or when there is none.
    fn warn_of_old_backup(&mut self, name: &str) {
        let Mode::Working(w) = &self.mode else {
            return;
        };
        if !w
            .session
            .role()
            .can(crate::domain::role::Permission::Administer)
        {
            return;
        }
        match crate::ops::backup::latest(&self.db, &w.session) {
            Ok(latest) => {
                if let Some(warning) = crate::domain::backup::staleness_warning(
                    latest.map(|b| b.taken_at),
                    self.now,
                    self.settings.backup_warn_hours,
                ) {
                    self.message = Some(Message {
                        text: format!("Signed in as {name}. {warning}"),
                        error: false,
                        warning: true,
                    });
                }
            }
            Err(e) => self.complain(e),
        }
    }
}
