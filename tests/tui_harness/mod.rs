//! A test harness for the terminal screens: a hospital on a temporary file,
//! the real `App`, key events in, a `TestBackend` screen out. Clocks are
//! fixed; times and hashes written by the real clock are masked.

#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use wardline::auth;
use wardline::domain::role::Role;
use wardline::ops::accounts::{self, NewAccount};
use wardline::store::{Db, audit};
use wardline::tui::app::{App, Mode, Options};
use wardline::tui::keymap::Tab;
use wardline::tui::theme::Theme;

pub const PASSWORD: &str = "correct horse battery";

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 8, 30, 0)
        .single()
        .unwrap_or_default()
}

/// A hospital on UTC with an admin, a receptionist, a nurse and a
/// pharmacist, all with PASSWORD.
pub fn hospital(dir: &Path) -> Db {
    hospital_in(dir, chrono_tz::UTC)
}

/// [`hospital`] in another time zone.
pub fn hospital_in(dir: &Path, zone: chrono_tz::Tz) -> Db {
    let path = dir.join("hospitals").join("TST.db");
    let mut db = Db::create(&path, &"TST".parse().unwrap(), "Lakeside Clinic", zone).unwrap();
    accounts::create_first_admin(&mut db, "admin", "Grace Mwangi", PASSWORD, t0()).unwrap();
    let s = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    for (user, name, role) in [
        ("reception", "Tomás Herrera", Role::Receptionist),
        ("nurse", "Mei Lin Chen", Role::Nurse),
        ("pharm", "Olu Adeyemi", Role::Pharmacist),
    ] {
        let a = NewAccount {
            user_name: user,
            full_name: name,
            role,
            password: PASSWORD,
        };
        accounts::add(&mut db, &s, &a, false, t0()).unwrap();
    }
    auth::sign_out(
        &mut db,
        &s,
        wardline::store::sessions::EndReason::Logout,
        t0(),
    )
    .unwrap();
    db
}

pub fn options(demo: bool) -> Options {
    Options {
        idle_lock: None,
        demo_accounts: demo.then(wardline::demo::accounts_text),
        theme: Theme::plain(),
    }
}

pub struct Harness {
    pub app: App,
    pub terminal: Terminal<TestBackend>,
    pub now: DateTime<Utc>,
    pub dir: tempfile::TempDir,
}

impl Harness {
    pub fn new(demo: bool) -> Harness {
        Self::sized(80, 24, demo)
    }

    pub fn sized(w: u16, h: u16, demo: bool) -> Harness {
        Self::build(chrono_tz::UTC, t0(), w, h, demo)
    }

    /// A hospital in `zone`, its screen started at `now`.
    pub fn at(zone: chrono_tz::Tz, now: DateTime<Utc>, w: u16, h: u16) -> Harness {
        Self::build(zone, now, w, h, false)
    }

    fn build(zone: chrono_tz::Tz, now: DateTime<Utc>, w: u16, h: u16, demo: bool) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let db = hospital_in(dir.path(), zone);
        Harness {
            app: App::new(db, options(demo), now).unwrap(),
            terminal: Terminal::new(TestBackend::new(w, h)).unwrap(),
            now,
            dir,
        }
    }

    pub fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.now += Duration::seconds(1);
        self.app.handle_key(KeyEvent::new(code, mods), self.now);
    }

    pub fn press(&mut self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE);
    }

    pub fn ctrl(&mut self, c: char) {
        self.key(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    pub fn alt(&mut self, c: char) {
        self.key(KeyCode::Char(c), KeyModifiers::ALT);
    }

    pub fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    pub fn sign_in(&mut self, user: &str, password: &str) {
        self.typed(user);
        self.press(KeyCode::Tab);
        self.typed(password);
        self.press(KeyCode::Enter);
    }

    /// Signs in as `user` with [`PASSWORD`] and presses `tab`'s key (F2…F8).
    pub fn sign_in_to(&mut self, user: &str, tab: KeyCode) {
        self.sign_in(user, PASSWORD);
        self.press(tab);
    }

    /// Finds a patient on the patients tab (F2) by `search` and opens the
    /// first one found.
    pub fn open_record(&mut self, search: &str) {
        self.press(KeyCode::F(2));
        self.typed(search);
        self.press(KeyCode::Enter);
    }

    pub fn screen(&mut self) -> String {
        self.terminal.draw(|f| self.app.render(f)).unwrap();
        self.terminal.backend().to_string()
    }

    pub fn tab(&self) -> Option<Tab> {
        match &self.app.mode {
            Mode::Working(w) => Some(w.tab),
            _ => None,
        }
    }

    pub fn actions(&self) -> Vec<String> {
        audit::recent(self.app.db().conn(), 500)
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect()
    }
}

/// Masks what the real clock wrote: audit times and the head hash.
#[macro_export]
macro_rules! snapshot {
    ($name:expr, $screen:expr) => {
        insta::with_settings!({filters => vec![
            (r"\d\d-\d\d \d\d:\d\d", "[time]     "),
            // An audit time cut short by an overlay drawn over the list.
            (r"(│\d{1,3} +)\d\d│", "${1}##│"),
            (r"head [0-9a-f]{12}", "head [hash]       "),
            (r"\d\d:\d\d: try again", "HH:MM: try again"),
        ]}, {
            insta::assert_snapshot!($name, $screen);
        });
    };
}
