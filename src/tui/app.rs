//! The application state machine: sign-in, forced password change, the
//! working tabs, and the lock screen; plus the help overlay and the popup
//! stack (routed in `asking`).
//!
//! A key goes to the help overlay or the top popup, else to the current
//! screen's key table, else to a focused text field, else to the global
//! table. The resulting
//! action is performed here, the only place that calls into the database;
//! rendering reads only the state.

use crate::auth::Session;
use crate::domain::clock::{Clock, Tz};
use crate::domain::settings::Settings;
use crate::store::Db;
use crate::store::sessions::EndReason;
use crate::tui::keymap::{self, Action, Binding, Tab};
use crate::tui::popups::{Asker, Popup, Popups, Question};
use crate::tui::screen::{Ctx, Said, Screen};
use crate::tui::screens::{self, change_password::ChangePassword, sign_in::SignIn};
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

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
    /// The screens opened so far, kept while the user is signed in.
    screens: Vec<(Tab, Box<dyn Screen>)>,
}

impl Workspace {
    /// The screen of the tab shown, once opened.
    fn shown(&self) -> Option<&dyn Screen> {
        self.screens
            .iter()
            .find(|(t, _)| *t == self.tab)
            .map(|(_, s)| s.as_ref())
    }
}

/// The parts of the app a screen or a dialog acts on, lent beside its [`Ctx`].
struct Lent<'a> {
    screens: &'a mut Vec<(Tab, Box<dyn Screen>)>,
    popups: &'a mut Popups,
}

pub enum Mode {
    SignIn(SignIn),
    ChangePassword {
        session: Session,
        form: ChangePassword,
    },
    Working(Workspace),
    /// The screen locked: what the user was doing is kept whole (forms and
    /// typed text included) and never drawn until they unlock.
    Locked {
        workspace: Workspace,
        form: SignIn,
        /// Another user signed in at the lock screen, waiting for their
        /// answer before the first user's unsaved work is thrown away.
        newcomer: Option<Box<Session>>,
    },
}

mod asking;
mod by_key;
mod damage;
mod draw;
mod locking;
mod pasting;
mod patient_gate;
#[cfg(test)]
mod popup_tests;
mod session;
mod too_small;

/// What a confirmed question of the app's own goes on to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Quit,
    SignOut,
    /// Another user signs in at the lock screen, ending the first session
    /// and throwing away what it had not saved.
    ReplaceSession,
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
    /// The questions open over the screens (the app's own too).
    popups: Popups,
    message: Option<Message>,
    now: DateTime<Utc>,
    last_input: DateTime<Utc>,
    /// Whether keys came since the write-ahead log was last folded into the
    /// file: it is folded in a pause, not in the middle of a user's write.
    wal_pending: bool,
    quit: bool,
    /// The background check of every page of the file, until it reports.
    pages_check: Option<std::sync::mpsc::Receiver<crate::health::PagesCheck>>,
    /// The size of the last frame drawn: keys act only on what was seen.
    drawn: std::cell::Cell<Option<ratatui::layout::Rect>>,
}

/// An error message as a sentence on screen.
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
            popups: Popups::default(),
            message: None,
            now,
            last_input: now,
            wal_pending: true,
            quit: false,
            pages_check: None,
            drawn: std::cell::Cell::new(None),
        })
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The hospital file, to write the checkpoint on leaving.
    pub fn db_mut(&mut self) -> &mut Db {
        &mut self.db
    }

    /// The error the status line shows, if any (the bench refuses to time
    /// a screen that shows one).
    pub fn error_shown(&self) -> Option<&str> {
        self.message
            .as_ref()
            .filter(|m| m.error)
            .map(|m| m.text.as_str())
    }

    /// What the status line says that is not an error, if anything (the
    /// bench's terminals note it when a step did not end as expected).
    pub fn notice_shown(&self) -> Option<&str> {
        self.message
            .as_ref()
            .filter(|m| !m.error)
            .map(|m| m.text.as_str())
    }

    /// Whether a question or dialog is open over the tab shown (the bench's
    /// terminals answer it as a person would).
    pub fn asking(&self) -> bool {
        self.popups.top(self.current_tab()).is_some()
    }

    /// The words of the question open over the tab shown, when it is a
    /// yes/no question or a typed answer (what the bench's terminals note
    /// when a step stops at a question they did not expect).
    pub fn question_shown(&self) -> Option<&str> {
        match &self.popups.top(self.current_tab())?.question.popup {
            Popup::Confirm(text) => Some(text),
            Popup::Prompt(prompt) => Some(&prompt.question),
            Popup::Dialog(_) => None,
        }
    }

    /// The signed-in session, if any (also behind the lock screen).
    pub fn session(&self) -> Option<&Session> {
        match &self.mode {
            Mode::SignIn(_) => None,
            Mode::ChangePassword { session, .. } => Some(session),
            Mode::Working(w) | Mode::Locked { workspace: w, .. } => Some(&w.session),
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
            Some(s) => Tab::all()
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
            Mode::Working(w) => w.shown().map_or(keymap::NOTICE, |s| s.table()),
        }
    }

    /// The tables in force, titled, for the help overlay and the hint bar.
    fn tables(&self) -> Vec<(&'static str, &'static [Binding])> {
        if self.help {
            return vec![("Help", keymap::HELP)];
        }
        if self
            .popups
            .top(self.current_tab())
            .is_some_and(|e| e.asker == Asker::App)
        {
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
        if self.patient_access_closed() {
            return;
        }
        if self.window_too_small() {
            self.key_while_too_small(key);
            return;
        }
        if self.help {
            if keymap::lookup(keymap::HELP, &key) == Some(Action::CloseHelp) {
                self.help = false;
            }
            return;
        }
        if self.popups.top(self.current_tab()).is_some() {
            if !self.popup_key(key)
                && let Some(action) = keymap::lookup(keymap::global(), &key)
            {
                self.perform(action);
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
                    self.with_screen(|s, ctx| s.type_key(key, ctx));
                    return;
                }
                if let Some(action) = keymap::lookup(keymap::global(), &key) {
                    self.perform(action);
                }
            }
        }
    }

    /// Whether the tab shown has the cursor in a text field, so that typed
    /// characters (`?` too) go there rather than to the keys of every screen.
    fn screen_takes_text(&self) -> bool {
        matches!(&self.mode, Mode::Working(w) if w.shown().is_some_and(|s| s.takes_text()))
    }

    /// The tab shown, while at work.
    fn current_tab(&self) -> Option<Tab> {
        match &self.mode {
            Mode::Working(w) => Some(w.tab),
            _ => None,
        }
    }

    /// Runs `f` on the screen of the tab shown, once opened, with what it
    /// needs from the app, and shows what it says (or opens what it asks).
    fn with_screen(&mut self, f: impl FnOnce(&mut dyn Screen, &mut Ctx) -> Said) -> Option<()> {
        let tab = self.current_tab()?;
        let said = self.in_screen(tab, f)?;
        self.hear(Some(tab), Asker::Screen, said);
        Some(())
    }

    /// Runs `f` on the screen of `tab`, once opened, with what it needs.
    fn in_screen<R>(
        &mut self,
        tab: Tab,
        f: impl FnOnce(&mut dyn Screen, &mut Ctx) -> R,
    ) -> Option<R> {
        self.lend(|lent, ctx| {
            let (_, screen) = lent.screens.iter_mut().find(|(t, _)| *t == tab)?;
            Some(f(screen.as_mut(), ctx))
        })
    }

    /// Runs `f`, while at work, with what a screen or a dialog needs from the
    /// app ([`Ctx`]) and the screens and popups it may act on.
    fn lend<R>(&mut self, f: impl FnOnce(Lent, &mut Ctx) -> Option<R>) -> Option<R> {
        let App {
            db,
            mode,
            settings,
            now,
            popups,
            ..
        } = self;
        let Mode::Working(Workspace {
            session, screens, ..
        }) = mode
        else {
            return None;
        };
        let mut ctx = Ctx {
            db,
            session,
            settings,
            now: *now,
        };
        f(Lent { screens, popups }, &mut ctx)
    }

    /// Time passing without keys: idle lock and the session's maximum length.
    pub fn tick(&mut self, now: DateTime<Utc>) {
        self.now = now;
        self.hear_pages_check();
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
        // The screen shown may follow other terminals' changes, but is not
        // read again under a question it asked.
        if !self.current_tab().is_some_and(|t| self.popups.any_for(t)) {
            self.with_screen(|s, ctx| s.tick(ctx));
        }
    }

    fn perform(&mut self, action: Action) {
        let global = matches!(
            action,
            Action::ShowHelp | Action::CloseHelp | Action::Lock | Action::Quit | Action::GoTo(_)
        );
        if !global && matches!(&self.mode, Mode::Working(w) if w.shown().is_some()) {
            self.with_screen(|s, ctx| s.perform(action, ctx));
            return;
        }
        match action {
            Action::ShowHelp => self.help = true,
            Action::CloseHelp => self.help = false,
            Action::Quit => match self.quit_question() {
                Some(question) => self.ask(question, Pending::Quit),
                None => self.perform_pending(Pending::Quit),
            },
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
            Action::Refresh => {
                self.reload_tab();
                if self.message.is_none() {
                    self.say("Refreshed.");
                }
            }
            _ => {}
        }
    }

    /// What to ask before quitting, when quitting would lose what was typed.
    fn quit_question(&self) -> Option<&'static str> {
        match &self.mode {
            Mode::ChangePassword { form, .. } if form.has_input() => {
                Some("Quit and throw away the password you typed?")
            }
            Mode::Working(w) => w.screens.iter().find_map(|(tab, s)| {
                self.popups
                    .of_tab(*tab)
                    .find_map(|e| e.question.unsaved_input())
                    .or_else(|| s.unsaved_input())
            }),
            _ => None,
        }
    }

    fn ask(&mut self, question: &str, then: Pending) {
        self.popups.push(
            None,
            Asker::App,
            Question::confirm(question, then),
            self.now,
        );
    }

    fn perform_pending(&mut self, p: Pending) {
        match p {
            Pending::Quit => {
                self.leave_screen();
                self.end_session(EndReason::Logout);
                self.quit = true;
            }
            Pending::SignOut => {
                self.end_session(EndReason::Logout);
                self.say("Signed out.");
            }
            Pending::ReplaceSession => self.replace_session(),
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
            self.leave_screen();
        }
        if let Mode::Working(w) = &mut self.mode {
            w.tab = tab;
        }
        self.reload_tab();
    }

    /// Shows the current tab's screen again (it reads its data afresh), or
    /// opens it the first time; an error it reports is complained of.
    fn reload_tab(&mut self) {
        let Some(tab) = self.current_tab() else {
            return;
        };
        let said = self.lend(|lent, ctx| {
            Some(match lent.screens.iter_mut().find(|(t, _)| *t == tab) {
                Some((_, screen)) => screen.shown_again(ctx),
                None => {
                    let (screen, said) = screens::open(tab, ctx);
                    if let Some(screen) = screen {
                        lent.screens.push((tab, screen));
                    }
                    said
                }
            })
        });
        match said.unwrap_or(Said::Nothing) {
            Said::Error(m) => self.complain(m),
            Said::Ask(q) => {
                self.popups.push(Some(tab), Asker::Screen, *q, self.now);
            }
            Said::Go(request) => self.hear(Some(tab), Asker::Screen, Said::Go(request)),
            Said::Nothing | Said::Info(_) => {}
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
