//! The application state machine: sign-in, forced password change, the
//! working tabs, and the lock screen; plus the help overlay and the popup
//! stack (routed in `asking`).
//!
//! A key goes to the help overlay or the top popup, else to the current
//! screen's key table, else to a focused text field, else to the global
//! table. The resulting
//! action is performed here, the only place that calls into the database;
//! rendering reads only the state.

use crate::auth::{self, Session};
use crate::domain::clock::{Clock, Tz};
use crate::domain::settings::Settings;
use crate::store::Db;
use crate::store::sessions::EndReason;
use crate::tui::keymap::{self, Action, Binding, Tab};
use crate::tui::popups::{Asker, Popups, Question};
use crate::tui::screen::{Ctx, LocalDates, Said, Screen, View};
use crate::tui::screens::{self, change_password::ChangePassword, help, notice, sign_in::SignIn};
use crate::tui::theme::Theme;
use crate::tui::widgets::bars;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Span;

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
use damage::{damage_banner, damage_lines};
mod locking;
mod pasting;
mod patient_gate;
#[cfg(test)]
mod popup_tests;
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

    /// Whether a question or dialog is open over the tab shown (the bench's
    /// terminals answer it as a person would).
    pub fn asking(&self) -> bool {
        self.popups.top(self.current_tab()).is_some()
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

    /// Signs the current session out (if any) and returns to the sign-in screen.
    fn end_session(&mut self, reason: EndReason) {
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

    fn submit(&mut self) {
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
    fn start(&mut self, session: Session, tab: Option<Tab>) {
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

    /// Draws the whole screen. Reads state only; never the database.
    pub fn render(&self, frame: &mut Frame) {
        let area = frame.area();
        let theme = self.options.theme;
        self.drawn.set(Some(area));
        if too_small::too_small(area) {
            self.render_too_small(frame);
            return;
        }
        let damage = crate::store::damage::found().map(|d| damage_lines(&d, area.width));
        let banner_height = damage.as_ref().map_or(0, |l| l.len() + 2);
        let right = self.status_right();
        let status_height = bars::status_height(
            self.message.as_ref().map(|m| m.text.as_str()),
            &right,
            area.width,
        );
        let [top, banner, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(u16::try_from(banner_height).unwrap_or(u16::MAX)),
            Constraint::Min(0),
            Constraint::Length(status_height),
            Constraint::Length(1),
        ])
        .areas(area);
        if let Some(lines) = damage {
            damage_banner(lines, &theme, banner, frame);
        }
        let clock = self.clock();
        let view = View {
            now: self.now,
            clock,
            dates: LocalDates {
                today: clock.today(),
                zone: clock.zone,
                date_pattern: self.settings.date_pattern(),
            },
            settings: &self.settings,
            theme: &theme,
        };
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
            Mode::Working(w) => match w.shown() {
                Some(screen) => screen.render(frame, body, &view),
                None => notice::render(w.tab, &theme, body, frame.buffer_mut()),
            },
        }
        for entry in self.popups.shown(self.current_tab()) {
            entry.question.render(frame, body, &view);
        }

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
        let role = self.session().map(|s| s.role());
        let offered = |table: &[Binding]| -> Vec<Binding> {
            table
                .iter()
                .filter(|b| b.offered_to(role))
                .copied()
                .collect()
        };
        let tables: Vec<Vec<Binding>> =
            self.tables().into_iter().map(|(_, t)| offered(t)).collect();
        let tables: Vec<&[Binding]> = tables.iter().map(Vec::as_slice).collect();
        bars::hint_bar(&tables, &theme, hints, frame.buffer_mut());

        if self.help {
            let mut sections = self.help_sections();
            if let Some(role) = role {
                for (_, table) in sections.iter_mut() {
                    if std::ptr::eq(*table, keymap::global()) {
                        *table = keymap::global_of(role);
                    }
                }
            }
            let sections: Vec<(&str, Vec<Binding>)> = sections
                .into_iter()
                .map(|(title, t)| (title, offered(t)))
                .collect();
            let sections: Vec<(&str, &[Binding])> = sections
                .iter()
                .map(|(title, t)| (*title, t.as_slice()))
                .collect();
            help::render("Keys", &sections, &theme, body, frame.buffer_mut());
        }
    }

    /// The right of the status line: who is signed in (not while locked)
    /// and the hospital's clock.
    fn status_right(&self) -> String {
        let clock = self
            .now
            .with_timezone(&self.zone())
            .format("%a %d %b %H:%M")
            .to_string();
        match self.session() {
            Some(s) if !matches!(self.mode, Mode::Locked { .. }) => {
                format!("{} ({}) · {clock} ", s.user.user_name, s.role().label())
            }
            _ => format!("{clock} "),
        }
    }

    fn help_sections(&self) -> Vec<(&'static str, &'static [Binding])> {
        match &self.mode {
            Mode::SignIn(_) => vec![("Sign in", keymap::SIGN_IN)],
            Mode::Locked { .. } => vec![("Screen locked", keymap::LOCKED)],
            Mode::ChangePassword { .. } => vec![("New password", keymap::CHANGE_PASSWORD)],
            Mode::Working(w) => {
                let (title, table) = self.working_section(w);
                vec![(title, table), ("Everywhere", keymap::global())]
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
