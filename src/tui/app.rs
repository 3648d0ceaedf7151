//! The application state machine: sign-in, forced password change, the
//! working tabs, and the lock screen; plus the help overlay and confirmations.
//!
//! A key goes to the top overlay, else to the current screen's key table,
//! else to a focused text field, else to the global table. The resulting
//! action is performed here, the only place that calls into the database;
//! rendering reads only the state.

use crate::auth::{self, Session};
use crate::domain::clock::{Clock, Tz};
use crate::domain::settings::Settings;
use crate::store::Db;
use crate::store::sessions::EndReason;
use crate::tui::keymap::{self, Action, Binding, Tab};
use crate::tui::screens::appointments::{Appointments, Ctx as AppointmentsCtx};
use crate::tui::screens::beds::Beds;
use crate::tui::screens::patient_record::LocalDates;
use crate::tui::screens::patients::{Ctx as PatientsCtx, Patients, Said};
use crate::tui::screens::pharmacy::Pharmacy;
use crate::tui::screens::{
    admin::Admin,
    change_password::ChangePassword,
    help, notice,
    sign_in::{LockedBy, SignIn},
};
use crate::tui::theme::Theme;
use crate::tui::widgets::{bars, popup};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};
use strum::IntoEnumIterator;

/// The smallest terminal wardline draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// How the app is started.
#[derive(Debug, Clone)]
pub struct Options {
    /// Overrides the hospital's idle-lock setting.
    pub idle_lock: Option<chrono::Duration>,
    /// The demo's accounts, shown on its sign-in screen.
    pub demo_accounts: Option<Vec<String>>,
    pub theme: Theme,
}

/// A signed-in user at work on a tab.
pub struct Workspace {
    pub session: Session,
    pub tab: Tab,
    admin: Option<Admin>,
    patients: Option<Box<Patients>>,
    pharmacy: Option<Box<Pharmacy>>,
    beds: Option<Box<Beds>>,
    appointments: Option<Box<Appointments>>,
}

pub enum Mode {
    SignIn(SignIn),
    ChangePassword {
        session: Session,
        form: ChangePassword,
    },
    Working(Workspace),
    Locked {
        session: Session,
        tab: Tab,
        form: SignIn,
    },
}

/// What a confirmed question goes on to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Quit,
    SignOut,
}

struct Confirm {
    question: String,
    then: Pending,
}

struct Message {
    text: String,
    error: bool,
    /// A warning in words that is not an error (an old backup).
    warning: bool,
}

pub struct App {
    db: Db,
    settings: Settings,
    options: Options,
    pub mode: Mode,
    help: bool,
    confirm: Option<Confirm>,
    message: Option<Message>,
    now: DateTime<Utc>,
    last_input: DateTime<Utc>,
    /// Whether keys came since the write-ahead log was last folded into the
    /// file: it is folded in a pause, not in the middle of a user's write.
    wal_pending: bool,
    quit: bool,
}

/// An error message as a sentence on screen.
/// Shows a tab's screen again (reading its data afresh), or opens it the
/// first time; an error the screen reports becomes the app's complaint.
fn open_or_show_again<S, C>(
    screen: &mut Option<Box<S>>,
    ctx: &mut C,
    again: impl FnOnce(&mut S, &mut C) -> Said,
    open: impl FnOnce(&mut C) -> (S, Said),
) -> Result<(), crate::error::Error> {
    let said = match screen {
        Some(s) => again(s, ctx),
        None => {
            let (s, said) = open(ctx);
            *screen = Some(Box::new(s));
            said
        }
    };
    match said {
        Said::Error(m) => Err(crate::error::Error::Refused(m)),
        _ => Ok(()),
    }
}

fn sentence(e: impl std::fmt::Display) -> String {
    let s = e.to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

impl App {
    pub fn new(db: Db, options: Options, now: DateTime<Utc>) -> crate::error::Result<App> {
        let settings = db.settings()?;
        db.defer_wal_checkpoints()?;
        Ok(App {
            db,
            settings,
            options,
            mode: Mode::SignIn(SignIn::new()),
            help: false,
            confirm: None,
            message: None,
            now,
            last_input: now,
            wal_pending: true,
            quit: false,
        })
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The error the status line shows, if any (the bench refuses to time
    /// a screen that shows one).
    pub fn error_shown(&self) -> Option<&str> {
        self.message
            .as_ref()
            .filter(|m| m.error)
            .map(|m| m.text.as_str())
    }

    /// The signed-in session, if any (also behind the lock screen).
    pub fn session(&self) -> Option<&Session> {
        match &self.mode {
            Mode::SignIn(_) => None,
            Mode::ChangePassword { session, .. } | Mode::Locked { session, .. } => Some(session),
            Mode::Working(w) => Some(&w.session),
        }
    }

    fn idle_limit(&self) -> chrono::Duration {
        self.options.idle_lock.unwrap_or_else(|| {
            chrono::Duration::minutes(i64::from(self.settings.idle_lock_minutes))
        })
    }

    /// The hospital's time zone: every local date and time on screen.
    fn zone(&self) -> Tz {
        self.settings.time_zone
    }

    /// The hospital's clock now.
    fn clock(&self) -> Clock {
        Clock::new(self.now, self.zone())
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
            warning: false,
        });
    }

    fn complain(&mut self, e: impl std::fmt::Display) {
        self.message = Some(Message {
            text: sentence(e),
            error: true,
            warning: false,
        });
    }

    /// The tabs the signed-in role may open.
    pub fn tabs(&self) -> Vec<Tab> {
        match self.session() {
            Some(s) => Tab::iter()
                .filter(|t| s.role().can(t.permission()))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The key table of the current screen.
    fn screen_table(&self) -> &'static [Binding] {
        match &self.mode {
            Mode::SignIn(_) => keymap::SIGN_IN,
            Mode::Locked { .. } => keymap::LOCKED,
            Mode::ChangePassword { .. } => keymap::CHANGE_PASSWORD,
            Mode::Working(w) if w.tab == Tab::Admin => keymap::ADMIN,
            Mode::Working(Workspace {
                tab: Tab::Patients,
                patients: Some(p),
                ..
            }) => p.table(),
            Mode::Working(Workspace {
                tab: Tab::Pharmacy,
                pharmacy: Some(p),
                ..
            }) => p.table(),
            Mode::Working(Workspace {
                tab: Tab::Beds,
                beds: Some(b),
                ..
            }) => b.table(),
            Mode::Working(Workspace {
                tab: Tab::Appointments,
                appointments: Some(a),
                ..
            }) => a.table(),
            Mode::Working(_) => keymap::NOTICE,
        }
    }

    /// The tables in force, titled, for the help overlay and the hint bar.
    fn tables(&self) -> Vec<(&'static str, &'static [Binding])> {
        if self.help {
            return vec![("Help", keymap::HELP)];
        }
        if self.confirm.is_some() {
            return vec![("Confirm", keymap::CONFIRM)];
        }
        self.help_sections()
    }

    /// Handles one key press at `now`.
    pub fn handle_key(&mut self, key: KeyEvent, now: DateTime<Utc>) {
        self.now = now;
        self.last_input = now;
        self.wal_pending = true;
        self.message = None;
        if self.help {
            if keymap::lookup(keymap::HELP, &key) == Some(Action::CloseHelp) {
                self.help = false;
            }
            return;
        }
        if let Some(confirm) = &self.confirm {
            match keymap::lookup(keymap::CONFIRM, &key) {
                Some(Action::Yes) => {
                    let then = confirm.then;
                    self.confirm = None;
                    self.perform_pending(then);
                }
                Some(Action::No) => self.confirm = None,
                _ => {}
            }
            return;
        }
        if let Some(action) = keymap::lookup(self.screen_table(), &key) {
            self.perform(action);
            return;
        }
        match &mut self.mode {
            Mode::SignIn(form) | Mode::Locked { form, .. } => form.type_key(key),
            Mode::ChangePassword { form, .. } => form.type_key(key),
            Mode::Working(_) => {
                if is_text(&key) && self.screen_takes_text() {
                    self.with_patients(|p, ctx| p.type_key(key, ctx));
                    self.with_pharmacy(|p, ctx| p.type_key(key, ctx));
                    self.with_beds(|b, ctx| b.type_key(key, ctx));
                    self.with_appointments(|a, ctx| a.type_key(key, ctx));
                    return;
                }
                if let Some(action) = keymap::lookup(keymap::GLOBAL, &key) {
                    self.perform(action);
                }
            }
        }
    }

    /// Whether the tab shown has the cursor in a text field, so that typed
    /// characters (`?` too) go there rather than to the keys of every screen.
    fn screen_takes_text(&self) -> bool {
        let Mode::Working(w) = &self.mode else {
            return false;
        };
        match w.tab {
            Tab::Patients => w.patients.as_ref().is_some_and(|p| p.takes_text()),
            Tab::Pharmacy => w.pharmacy.as_ref().is_some_and(|p| p.takes_text()),
            Tab::Beds => w.beds.as_ref().is_some_and(|b| b.takes_text()),
            Tab::Appointments => w.appointments.as_ref().is_some_and(|a| a.takes_text()),
            _ => false,
        }
    }

    /// Shows what a screen said on the status line.
    fn show(&mut self, said: Said) {
        match said {
            Said::Nothing => {}
            Said::Info(m) => self.say(m),
            Said::Error(m) => self.complain(m),
        }
    }

    /// Runs `f` on the screen of `tab` when it is the one shown and open,
    /// with what it needs from the app, and shows what it says. `pick`
    /// finds the screen (and the session) in the workspace.
    fn on_tab<S: ?Sized>(
        &mut self,
        tab: Tab,
        pick: for<'w> fn(&'w mut Workspace) -> Option<(&'w Session, &'w mut S)>,
        f: impl FnOnce(&mut S, &mut PatientsCtx) -> Said,
    ) -> Option<()> {
        let App {
            db,
            mode,
            settings,
            now,
            ..
        } = self;
        let Mode::Working(w) = mode else {
            return None;
        };
        if w.tab != tab {
            return None;
        }
        let (session, screen) = pick(w)?;
        let mut ctx = PatientsCtx {
            db,
            session,
            settings,
            now: *now,
        };
        let said = f(screen, &mut ctx);
        self.show(said);
        Some(())
    }

    /// Runs `f` on the patients tab when it is the one shown.
    fn with_patients(
        &mut self,
        f: impl FnOnce(&mut Patients, &mut PatientsCtx) -> Said,
    ) -> Option<()> {
        self.on_tab(
            Tab::Patients,
            |w| Some((&w.session, w.patients.as_deref_mut()?)),
            f,
        )
    }

    /// Runs `f` on the beds tab when it is the one shown, with the
    /// hospital's time zone brought up to date.
    fn with_beds(&mut self, f: impl FnOnce(&mut Beds, &mut PatientsCtx) -> Said) -> Option<()> {
        let zone = self.zone();
        self.on_tab(
            Tab::Beds,
            |w| Some((&w.session, w.beds.as_deref_mut()?)),
            |b, ctx| {
                b.zone = zone;
                f(b, ctx)
            },
        )
    }

    /// Lets the patients tab (and the beds tab's patient picker) write its
    /// pending search event before the user leaves it (another tab, the
    /// lock, quitting).
    fn leave_patients(&mut self) {
        self.with_patients(|p, ctx| p.leave(ctx));
        self.with_pharmacy(|p, ctx| p.leave(ctx));
        self.with_beds(|b, ctx| b.leave(ctx));
        self.with_appointments(|a, ctx| a.leave(ctx));
    }

    /// Runs `f` on the appointments tab when it is the one shown.
    fn with_appointments(
        &mut self,
        f: impl FnOnce(&mut Appointments, &mut AppointmentsCtx) -> Said,
    ) -> Option<()> {
        let zone = self.zone();
        let App {
            db,
            mode,
            settings,
            now,
            ..
        } = self;
        let Mode::Working(Workspace {
            session,
            tab: Tab::Appointments,
            appointments: Some(a),
            ..
        }) = mode
        else {
            return None;
        };
        let mut ctx = AppointmentsCtx {
            db,
            session,
            settings,
            clock: Clock::new(*now, zone),
        };
        let said = f(a, &mut ctx);
        self.show(said);
        Some(())
    }

    /// Runs `f` on the pharmacy tab when it is the one shown.
    fn with_pharmacy(
        &mut self,
        f: impl FnOnce(&mut Pharmacy, &mut PatientsCtx) -> Said,
    ) -> Option<()> {
        self.on_tab(
            Tab::Pharmacy,
            |w| Some((&w.session, w.pharmacy.as_deref_mut()?)),
            f,
        )
    }

    /// Time passing without keys: idle lock and the session's maximum length.
    pub fn tick(&mut self, now: DateTime<Utc>) {
        self.now = now;
        if self.wal_pending && now - self.last_input >= chrono::Duration::seconds(1) {
            self.wal_pending = false;
            if let Err(e) = self.db.checkpoint_wal() {
                tracing::warn!(error = %e, "could not fold the write-ahead log into the file");
            }
        }
        let expired = self.session().is_some_and(|s| s.expired(now));
        if expired {
            self.end_session(EndReason::Expired);
            if let Mode::SignIn(form) = &mut self.mode {
                form.error = Some("Your session reached its 12-hour limit: sign in again.".into());
            }
            return;
        }
        if matches!(self.mode, Mode::Working(_) | Mode::ChangePassword { .. })
            && now - self.last_input >= self.idle_limit()
        {
            let minutes = self.idle_limit().num_seconds() as f64 / 60.0;
            self.lock(&format!("idle for {minutes:.0} min"));
        }
        // appointments: the day view follows other terminals' changes.
        self.with_appointments(|a, ctx| a.tick(ctx));
    }

    fn perform(&mut self, action: Action) {
        let global = matches!(
            action,
            Action::ShowHelp | Action::CloseHelp | Action::Lock | Action::Quit | Action::GoTo(_)
        );
        if !global && matches!(&self.mode, Mode::Working(w) if w.tab == Tab::Patients) {
            self.with_patients(|p, ctx| p.perform(action, ctx));
            return;
        }
        if !global && matches!(&self.mode, Mode::Working(w) if w.tab == Tab::Pharmacy) {
            self.with_pharmacy(|p, ctx| p.perform(action, ctx));
            return;
        }
        if !global
            && matches!(&self.mode, Mode::Working(w) if w.tab == Tab::Beds && w.beds.is_some())
        {
            self.with_beds(|b, ctx| b.perform(action, ctx));
            return;
        }
        if !global && matches!(&self.mode, Mode::Working(w) if w.tab == Tab::Appointments) {
            self.with_appointments(|a, ctx| a.perform(action, ctx));
            return;
        }
        match action {
            Action::ShowHelp => self.help = true,
            Action::CloseHelp => self.help = false,
            Action::Quit => {
                let unsaved_password =
                    matches!(&self.mode, Mode::ChangePassword { form, .. } if form.has_input());
                let unsaved_form = matches!(&self.mode, Mode::Working(Workspace { patients: Some(p), .. }) if p.has_unsaved_input());
                let unsaved_stock = matches!(&self.mode, Mode::Working(Workspace { pharmacy: Some(p), .. }) if p.has_unsaved_input());
                let unsaved_beds = matches!(&self.mode, Mode::Working(Workspace { beds: Some(b), .. }) if b.has_unsaved_input());
                let unsaved_booking = matches!(&self.mode, Mode::Working(Workspace { appointments: Some(a), .. }) if a.has_unsaved_input());
                if unsaved_password {
                    self.ask("Quit and throw away the password you typed?", Pending::Quit);
                } else if unsaved_stock {
                    self.ask(
                        "Quit and throw away the pharmacy form or count you were typing?",
                        Pending::Quit,
                    );
                } else if unsaved_booking {
                    self.ask(
                        "Quit and throw away the appointment form you were typing?",
                        Pending::Quit,
                    );
                } else if unsaved_beds {
                    self.ask(
                        "Quit and throw away what you typed on the beds tab?",
                        Pending::Quit,
                    );
                } else if unsaved_form {
                    self.ask(
                        "Quit and throw away the patient form you were typing?",
                        Pending::Quit,
                    );
                } else {
                    self.perform_pending(Pending::Quit);
                }
            }
            Action::Lock => self.lock("locked with Ctrl+L"),
            Action::GoTo(tab) => self.go_to(tab),
            Action::NextField | Action::PrevField => match &mut self.mode {
                Mode::SignIn(f) | Mode::Locked { form: f, .. } => {
                    if action == Action::NextField {
                        f.next_field()
                    } else {
                        f.prev_field()
                    }
                }
                Mode::ChangePassword { form, .. } => {
                    if action == Action::NextField {
                        form.next_field()
                    } else {
                        form.prev_field()
                    }
                }
                Mode::Working(_) => {}
            },
            Action::Submit => self.submit(),
            Action::Cancel => {
                let unsaved =
                    matches!(&self.mode, Mode::ChangePassword { form, .. } if form.has_input());
                if unsaved {
                    self.ask(
                        "Sign out and throw away the password you typed?",
                        Pending::SignOut,
                    );
                } else {
                    self.perform_pending(Pending::SignOut);
                }
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => {
                if let Mode::Working(Workspace { admin: Some(a), .. }) = &mut self.mode {
                    a.navigate(action);
                }
            }
            Action::UnlockAccount => self.unlock_selected_account(),
            Action::Refresh => {
                self.reload_tab();
                if self.message.is_none() {
                    self.say("Refreshed.");
                }
            }
            _ => {}
        }
    }

    fn ask(&mut self, question: &str, then: Pending) {
        self.confirm = Some(Confirm {
            question: question.to_string(),
            then,
        });
    }

    fn perform_pending(&mut self, p: Pending) {
        match p {
            Pending::Quit => {
                self.leave_patients();
                self.end_session(EndReason::Logout);
                self.quit = true;
            }
            Pending::SignOut => {
                self.end_session(EndReason::Logout);
                self.say("Signed out.");
            }
        }
    }

    /// Signs the current session out (if any) and returns to the sign-in screen.
    fn end_session(&mut self, reason: EndReason) {
        let mode = std::mem::replace(&mut self.mode, Mode::SignIn(SignIn::new()));
        let session = match mode {
            Mode::SignIn(form) => {
                self.mode = Mode::SignIn(form);
                return;
            }
            Mode::ChangePassword { session, .. } | Mode::Locked { session, .. } => session,
            Mode::Working(w) => w.session,
        };
        self.help = false;
        self.confirm = None;
        if let Err(e) = auth::sign_out(&mut self.db, &session, reason, self.now) {
            self.complain(e);
        }
    }

    /// Ends the session when the program stops (a clean exit signs out).
    pub fn shutdown(&mut self) {
        self.end_session(EndReason::Logout);
    }

    fn lock(&mut self, why: &str) {
        self.leave_patients();
        let mode = std::mem::replace(&mut self.mode, Mode::SignIn(SignIn::new()));
        let (session, tab) = match mode {
            Mode::Working(w) => (w.session, w.tab),
            Mode::ChangePassword { session, .. } => (session, Tab::Patients),
            other => {
                self.mode = other;
                return;
            }
        };
        self.help = false;
        self.confirm = None;
        let audited = auth::lock_session(&mut self.db, &session, why);
        let form = SignIn::lock_screen(LockedBy {
            user_name: session.user.user_name.clone(),
            full_name: session.user.full_name.clone(),
        });
        self.mode = Mode::Locked { session, tab, form };
        if let Err(e) = audited {
            self.complain(e);
        }
    }

    fn submit(&mut self) {
        let now = self.now;
        match &mut self.mode {
            Mode::SignIn(form) => {
                let user = form.user.value().to_string();
                if user.trim().is_empty() {
                    form.failed("Type your user name, then your password.".into());
                    return;
                }
                let password = form.password.value().to_string();
                match auth::sign_in(&mut self.db, &user, &password, now) {
                    Ok(session) => self.start(session, None),
                    Err(e) => form.failed(sentence(e)),
                }
            }
            Mode::Locked { session, form, .. } => {
                let typed = form.user.value().trim().to_lowercase();
                let password = form.password.value().to_string();
                if typed.is_empty() {
                    form.failed("Type your user name, then your password.".into());
                } else if typed == session.user.user_name {
                    match auth::unlock_session(&mut self.db, session, &password, now) {
                        Ok(()) => self.unlock(),
                        Err(e) => form.failed(sentence(e)),
                    }
                } else {
                    match auth::sign_in(&mut self.db, &typed, &password, now) {
                        Ok(new) => {
                            let old = session.clone();
                            let ended =
                                auth::sign_out(&mut self.db, &old, EndReason::Replaced, now);
                            self.start(new, None);
                            if let Err(e) = ended {
                                self.complain(e);
                            }
                        }
                        Err(e) => form.failed(sentence(e)),
                    }
                }
            }
            Mode::ChangePassword { session, form } => {
                let (new, confirm) = (
                    form.new.value().to_string(),
                    form.confirm.value().to_string(),
                );
                match auth::change_own_password(&mut self.db, session, &new, &confirm, now) {
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

    fn unlock(&mut self) {
        let mode = std::mem::replace(&mut self.mode, Mode::SignIn(SignIn::new()));
        if let Mode::Locked { session, tab, .. } = mode {
            self.start(session, Some(tab));
            self.say("Unlocked.");
        } else {
            self.mode = mode;
        }
    }

    /// Enters the working screen (or the forced password change) for a session.
    fn start(&mut self, session: Session, tab: Option<Tab>) {
        match self.db.settings() {
            Ok(s) => self.settings = s,
            Err(e) => self.complain(e),
        }
        self.last_input = self.now;
        if session.user.must_change_password {
            self.mode = Mode::ChangePassword {
                session,
                form: ChangePassword::new(),
            };
            return;
        }
        let allowed: Vec<Tab> = Tab::iter()
            .filter(|t| session.role().can(t.permission()))
            .collect();
        let tab = tab
            .filter(|t| allowed.contains(t))
            .or(allowed.first().copied())
            .unwrap_or(Tab::Patients);
        let name = session.user.full_name.clone();
        self.mode = Mode::Working(Workspace {
            session,
            tab,
            admin: None,
            patients: None,
            pharmacy: None,
            beds: None,
            appointments: None,
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

    fn go_to(&mut self, tab: Tab) {
        let Mode::Working(w) = &self.mode else {
            return;
        };
        if !w.session.role().can(tab.permission()) {
            let role = w.session.role().label();
            self.complain(format!(
                "a {role} cannot open {}: ask an administrator if you need it",
                tab.title()
            ));
            return;
        }
        if w.tab != tab {
            self.leave_patients();
        }
        if let Mode::Working(w) = &mut self.mode {
            w.tab = tab;
        }
        self.reload_tab();
    }

    /// Reads the current tab's data again (the patients tab keeps its state).
    fn reload_tab(&mut self) {
        let zone = self.zone();
        let App {
            db,
            mode,
            settings,
            now,
            ..
        } = self;
        let Mode::Working(w) = mode else {
            return;
        };
        let result = match w.tab {
            Tab::Admin => match &mut w.admin {
                Some(a) => a.reload(db, &w.session),
                None => Admin::load(db, &w.session).map(|a| w.admin = Some(a)),
            },
            Tab::Patients if w.patients.is_none() => {
                let mut ctx = PatientsCtx {
                    db,
                    session: &w.session,
                    settings,
                    now: *now,
                };
                w.patients = Some(Box::new(Patients::new(&mut ctx)));
                Ok(())
            }
            Tab::Pharmacy => {
                let mut ctx = PatientsCtx {
                    db,
                    session: &w.session,
                    settings,
                    now: *now,
                };
                open_or_show_again(
                    &mut w.pharmacy,
                    &mut ctx,
                    Pharmacy::shown_again,
                    Pharmacy::new,
                )
            }
            Tab::Beds => {
                let mut ctx = PatientsCtx {
                    db,
                    session: &w.session,
                    settings,
                    now: *now,
                };
                open_or_show_again(&mut w.beds, &mut ctx, Beds::reload, |ctx| {
                    Beds::new(ctx, zone)
                })
            }
            Tab::Appointments => {
                let mut ctx = AppointmentsCtx {
                    db,
                    session: &w.session,
                    settings,
                    clock: Clock::new(*now, zone),
                };
                open_or_show_again(
                    &mut w.appointments,
                    &mut ctx,
                    Appointments::reopen,
                    Appointments::new,
                )
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.complain(e);
        }
    }

    fn unlock_selected_account(&mut self) {
        let Mode::Working(Workspace {
            session,
            admin: Some(a),
            ..
        }) = &self.mode
        else {
            return;
        };
        let Some(user) = a.selected_user() else {
            return;
        };
        if !user.is_locked(self.now) {
            let name = user.user_name.clone();
            self.say(format!("{name} is not locked."));
            return;
        }
        let (session, name) = (session.clone(), user.user_name.clone());
        match crate::ops::accounts::unlock(&mut self.db, &session, &name) {
            Ok(u) => {
                self.reload_tab();
                self.say(format!("Unlocked {}: they can sign in again.", u.user_name));
            }
            Err(e) => self.complain(e),
        }
    }

    /// Draws the whole screen. Reads state only; never the database.
    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        let theme = self.options.theme;
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = vec![
                ratatui::text::Line::from(format!("The window is {}×{}.", area.width, area.height)),
                ratatui::text::Line::from(format!(
                    "wardline needs at least {MIN_WIDTH}×{MIN_HEIGHT}: make the window larger."
                )),
            ];
            let top = area.height.saturating_sub(2) / 2;
            let r = ratatui::layout::Rect {
                y: area.y + top,
                height: area.height - top,
                ..area
            };
            frame.render_widget(Paragraph::new(text).centered().wrap(Wrap { trim: true }), r);
            return;
        }
        let [top, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let (tabs, current) = match &self.mode {
            Mode::Working(w) => (self.tabs(), Some(w.tab)),
            _ => (Vec::new(), None),
        };
        bars::top_bar(
            &self.settings.hospital_name,
            &tabs,
            current,
            &theme,
            top,
            frame.buffer_mut(),
        );

        match &self.mode {
            Mode::SignIn(form) | Mode::Locked { form, .. } => {
                let demo = self
                    .options
                    .demo_accounts
                    .as_deref()
                    .filter(|_| form.locked_by.is_none());
                form.render(frame, body, &self.settings.hospital_name, demo, &theme);
            }
            Mode::ChangePassword { session, form } => {
                form.render(
                    frame,
                    body,
                    &session.user.user_name,
                    self.settings.password_policy().min_length,
                    &theme,
                );
            }
            Mode::Working(Workspace {
                tab: Tab::Beds,
                beds: Some(b),
                ..
            }) => {
                let zone = self.zone();
                let clock = LocalDates {
                    today: crate::domain::clock::local_date(zone, self.now),
                    zone,
                    date_pattern: self.settings.date_pattern(),
                };
                b.render(frame, body, &clock, self.now, &theme);
            }
            Mode::Working(Workspace {
                tab: Tab::Appointments,
                appointments: Some(a),
                ..
            }) => {
                let now = self.now.with_timezone(&self.zone()).naive_local();
                a.render(frame, body, now, &theme)
            }
            Mode::Working(w) => match (&w.tab, &w.admin, &w.patients) {
                (Tab::Admin, Some(a), _) => {
                    a.render(self.now, self.zone(), &theme, body, frame.buffer_mut())
                }
                (Tab::Patients, _, Some(p)) => {
                    let zone = self.zone();
                    let clock = LocalDates {
                        today: crate::domain::clock::local_date(zone, self.now),
                        zone,
                        date_pattern: self.settings.date_pattern(),
                    };
                    p.render(frame, body, &clock, &theme);
                }
                (Tab::Pharmacy, _, _) if w.pharmacy.is_some() => {
                    let zone = self.zone();
                    let clock = LocalDates {
                        today: crate::domain::clock::local_date(zone, self.now),
                        zone,
                        date_pattern: self.settings.date_pattern(),
                    };
                    let local = crate::tui::screens::pharmacy_forms::Local {
                        currency: &self.settings.currency,
                        date_pattern: self.settings.date_pattern(),
                        today: crate::ops::pharmacy::today(&self.clock()),
                    };
                    if let Some(p) = &w.pharmacy {
                        p.render(frame, body, &clock, &local, &theme);
                    }
                }
                (tab, _, _) => notice::render(*tab, &theme, body, frame.buffer_mut()),
            },
        }

        let clock = self
            .now
            .with_timezone(&self.zone())
            .format("%a %d %b %H:%M")
            .to_string();
        let right = match self.session() {
            Some(s) if !matches!(self.mode, Mode::Locked { .. }) => {
                format!("{} ({}) · {clock} ", s.user.user_name, s.role().label())
            }
            _ => format!("{clock} "),
        };
        let message = self.message.as_ref().map(|m| {
            Span::styled(
                m.text.clone(),
                if m.error {
                    theme.error()
                } else if m.warning {
                    theme.warn()
                } else {
                    theme.ok()
                },
            )
        });
        bars::status_line(message, &right, &theme, status, frame.buffer_mut());
        let tables: Vec<&[Binding]> = self.tables().into_iter().map(|(_, t)| t).collect();
        bars::hint_bar(&tables, &theme, hints, frame.buffer_mut());

        if self.help {
            let sections = self.help_sections();
            help::render("Keys", &sections, &theme, body, frame.buffer_mut());
        }
        if let Some(c) = &self.confirm {
            popup::confirm(&c.question, &theme, body, frame.buffer_mut());
        }
    }

    fn help_sections(&self) -> Vec<(&'static str, &'static [Binding])> {
        match &self.mode {
            Mode::SignIn(_) => vec![("Sign in", keymap::SIGN_IN)],
            Mode::Locked { .. } => vec![("Screen locked", keymap::LOCKED)],
            Mode::ChangePassword { .. } => vec![("New password", keymap::CHANGE_PASSWORD)],
            Mode::Working(w) => {
                let title = match (&w.tab, &w.patients, &w.pharmacy, &w.beds) {
                    (Tab::Patients, Some(p), _, _) => p.title(),
                    (Tab::Pharmacy, _, Some(p), _) => p.title(),
                    (Tab::Beds, _, _, Some(b)) => b.title(),
                    (Tab::Appointments, _, _, _) if w.appointments.is_some() => w
                        .appointments
                        .as_ref()
                        .map_or("Appointments", |a| a.title()),
                    (tab, _, _, _) => tab.title(),
                };
                vec![(title, self.screen_table()), ("Everywhere", keymap::GLOBAL)]
            }
        }
    }
}

/// Keys that edit text: characters (AltGr ones too), the editing keys, and
/// the readline-style Ctrl keys the text fields understand (Ctrl+U clears).
fn is_text(key: &KeyEvent) -> bool {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    let m = key.modifiers - KeyModifiers::SHIFT;
    match key.code {
        KeyCode::Char(_) if m.is_empty() || m == KeyModifiers::CONTROL | KeyModifiers::ALT => true,
        KeyCode::Char(c) if m == KeyModifiers::CONTROL => "uwkaehbfy".contains(c),
        KeyCode::Backspace | KeyCode::Delete | KeyCode::Left | KeyCode::Right => true,
        KeyCode::Home | KeyCode::End => m.is_empty(),
        _ => false,
    }
}
