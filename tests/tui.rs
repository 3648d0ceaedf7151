//! The terminal screens, driven by key events into a TestBackend and compared
//! with snapshots. Clocks are fixed; times and hashes written by the real
//! clock are masked.

use chrono::Duration;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use wardline::auth;
use wardline::domain::audit::AuditAction;
use wardline::ops::accounts;
use wardline::store::{Db, audit};
use wardline::tui::app::Mode;
use wardline::tui::keymap::Tab;

mod tui_harness;

use tui_harness::{Harness, PASSWORD, t0};

#[test]
fn sign_in_screen_shows_the_demo_accounts() {
    let mut h = Harness::new(true);
    let s = h.screen();
    assert!(s.contains("Sign in"));
    assert!(s.contains("wardline-demo"));
    snapshot!("sign_in", s);
}

#[test]
fn a_wrong_password_is_refused_with_a_clear_message() {
    let mut h = Harness::new(false);
    h.sign_in("admin", "not the password");
    let s = h.screen();
    assert!(s.contains("User name or password is wrong"));
    assert!(matches!(h.app.mode, Mode::SignIn(_)));
    assert_eq!(h.actions()[0], AuditAction::LoginFailed.to_string());
    snapshot!("wrong_password", s);
}

#[test]
fn five_wrong_passwords_lock_the_account_even_against_the_right_one() {
    let mut h = Harness::new(false);
    h.sign_in("nurse", "wrong password 1");
    for i in 2..=5 {
        h.typed(&format!("wrong password {i}"));
        h.press(KeyCode::Enter);
    }
    let s = h.screen();
    assert!(s.contains("locked after too many failed sign-ins"), "{s}");
    h.typed(PASSWORD);
    h.press(KeyCode::Enter);
    assert!(
        matches!(h.app.mode, Mode::SignIn(_)),
        "the right password must be refused while locked"
    );
    let s = h.screen();
    assert!(s.contains("locked after too many failed sign-ins"));
    assert!(h.actions().contains(&AuditAction::LockedOut.to_string()));
    snapshot!("locked_out", s);
}

#[test]
fn every_tab_key_switches_tabs_for_an_admin() {
    let mut h = Harness::new(false);
    h.sign_in("admin", PASSWORD);
    assert_eq!(h.tab(), Some(Tab::Patients));
    snapshot!("tab_patients", h.screen());
    for (key, tab, name) in [
        (3, Tab::Appointments, "tab_appointments"),
        (4, Tab::Beds, "tab_beds"),
        (5, Tab::Pharmacy, "tab_pharmacy"),
        (6, Tab::Admin, "tab_admin"),
        (2, Tab::Patients, ""),
    ] {
        h.press(KeyCode::F(key));
        assert_eq!(h.tab(), Some(tab));
        if !name.is_empty() {
            snapshot!(name, h.screen());
        }
    }
    for (c, tab) in [
        ('2', Tab::Appointments),
        ('3', Tab::Beds),
        ('4', Tab::Pharmacy),
        ('5', Tab::Admin),
        ('1', Tab::Patients),
    ] {
        h.alt(c);
        assert_eq!(h.tab(), Some(tab), "Alt+{c}");
    }
}

#[test]
fn a_role_sees_only_its_tabs() {
    let mut h = Harness::new(false);
    h.sign_in("pharm", PASSWORD);
    let s = h.screen();
    let top = s.lines().next().unwrap_or_default().to_string();
    assert!(
        top.contains("F2 Patients") && top.contains("F5 Pharmacy"),
        "{top}"
    );
    assert!(
        !top.contains("Beds") && !top.contains("Admin") && !top.contains("Appointments"),
        "{top}"
    );
    h.press(KeyCode::F(6));
    assert_eq!(h.tab(), Some(Tab::Patients));
    assert!(h.screen().contains("cannot open Admin"));
    h.press(KeyCode::F(5));
    assert_eq!(h.tab(), Some(Tab::Pharmacy));
}

#[test]
fn help_lists_the_keys_of_the_screen_and_closes() {
    let mut h = Harness::new(false);
    h.sign_in_to("admin", KeyCode::F(6));
    h.press(KeyCode::Char('?'));
    let s = h.screen();
    assert!(
        s.contains("unlock")
            && s.contains("new password")
            && s.contains("Ctrl+L")
            && s.contains("F2, Alt+1")
    );
    snapshot!("help_admin", s);
    h.press(KeyCode::Esc);
    assert!(!h.screen().contains("previous account"));
    h.press(KeyCode::F(1));
    assert!(h.screen().contains("previous account"));
    h.press(KeyCode::F(1));
    assert!(!h.screen().contains("previous account"));
    // On the patients tab the cursor is in the search box, where `?` is
    // typed; F1 opens help everywhere.
    h.press(KeyCode::F(2));
    h.press(KeyCode::Char('?'));
    assert!(
        !h.screen().contains("Everywhere"),
        "? is typed into the search box"
    );
    h.press(KeyCode::Backspace);
    h.press(KeyCode::F(1));
    let s = h.screen();
    assert!(
        s.contains("Everywhere") && !s.contains("previous account"),
        "help follows the screen"
    );
}

#[test]
fn the_screen_locks_when_idle_and_unlocks_with_the_password() {
    let mut h = Harness::new(false);
    h.sign_in("nurse", PASSWORD);
    h.app.tick(h.now + Duration::minutes(4));
    assert!(matches!(h.app.mode, Mode::Working(_)));
    h.app.tick(h.now + Duration::minutes(5));
    assert!(matches!(h.app.mode, Mode::Locked { .. }));
    let s = h.screen();
    assert!(s.contains("Screen locked") && !s.contains("F2 Patients"));
    snapshot!("locked", s);
    h.typed("wrong password");
    h.press(KeyCode::Enter);
    assert!(matches!(h.app.mode, Mode::Locked { .. }));
    h.typed(PASSWORD);
    h.press(KeyCode::Enter);
    assert!(matches!(h.app.mode, Mode::Working(_)));
    assert!(h.screen().contains("Unlocked."));
    let actions = h.actions();
    assert!(
        actions.contains(&"SESSION_LOCK".to_string()) && actions[0] == "UNLOCK",
        "{actions:?}"
    );
}

#[test]
fn on_the_lock_screen_another_user_goes_up_and_types_their_name_over_the_first() {
    let mut h = Harness::new(false);
    h.sign_in_to("admin", KeyCode::F(6));
    h.ctrl('l');
    let s = h.screen();
    assert!(
        s.contains("↑ or Shift+Tab to User"),
        "the hint says how: {s}"
    );
    h.press(KeyCode::Up);
    h.typed("nurse");
    h.press(KeyCode::Tab);
    h.typed(PASSWORD);
    h.press(KeyCode::Enter);
    assert_eq!(
        h.app.session().map(|s| s.user.user_name.as_str()),
        Some("nurse")
    );
}

#[test]
fn ctrl_l_locks_and_another_user_can_sign_in_ending_the_first_session() {
    let mut h = Harness::new(false);
    h.sign_in_to("admin", KeyCode::F(6));
    h.ctrl('l');
    assert!(matches!(h.app.mode, Mode::Locked { .. }));
    assert!(
        !h.screen().contains("Staff accounts (4)"),
        "no data behind the lock"
    );
    h.key(KeyCode::BackTab, KeyModifiers::SHIFT);
    for _ in 0.."admin".len() {
        h.press(KeyCode::Backspace);
    }
    h.typed("nurse");
    h.press(KeyCode::Tab);
    h.typed(PASSWORD);
    h.press(KeyCode::Enter);
    assert_eq!(
        h.app.session().map(|s| s.user.user_name.as_str()),
        Some("nurse")
    );
    let recent = audit::recent(h.app.db().conn(), 3).unwrap();
    assert!(
        recent
            .iter()
            .any(|r| r.action == "LOGOUT" && r.actor_name == "admin")
    );
    assert!(
        recent
            .iter()
            .any(|r| r.action == "LOGIN" && r.actor_name == "nurse")
    );
}

#[test]
fn a_tiny_terminal_asks_for_a_larger_window_and_resizing_never_panics() {
    let mut h = Harness::sized(60, 20, false);
    let s = h.screen();
    assert!(s.contains("make the window larger"));
    snapshot!("too_small", s);
    // Keys typed while nothing can be seen do nothing: sign in once the
    // window is large enough.
    h.sign_in_to("admin", KeyCode::F(6));
    assert!(h.app.session().is_none());
    h.terminal.backend_mut().resize(80, 24);
    h.screen();
    h.sign_in_to("admin", KeyCode::F(6));
    for (w, hgt) in [
        (1, 1),
        (2, 0),
        (79, 24),
        (80, 23),
        (80, 24),
        (200, 60),
        (120, 40),
        (5, 30),
    ] {
        h.terminal.backend_mut().resize(w, hgt);
        h.terminal
            .resize(ratatui::layout::Rect::new(0, 0, w, hgt))
            .unwrap();
        let s = h.screen();
        assert_eq!(
            s.contains("Staff accounts (4)"),
            w >= 80 && hgt >= 24,
            "{w}x{hgt}"
        );
    }
}

#[test]
fn a_reset_password_must_be_changed_at_sign_in() {
    let mut h = Harness::new(false);
    {
        let dbs = Db::open(h.app.db().path()).unwrap();
        let mut db = dbs;
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        accounts::reset_password(&mut db, &admin, "nurse", "temporary pass 1", t0()).unwrap();
    }
    h.sign_in("nurse", "temporary pass 1");
    assert!(matches!(h.app.mode, Mode::ChangePassword { .. }));
    h.typed("short");
    h.press(KeyCode::Tab);
    h.typed("short");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("too short"));
    snapshot!("change_password_error", s);
    h.typed("lantern river morning");
    h.press(KeyCode::Tab);
    h.typed("lantern river morning");
    h.ctrl('s');
    assert!(matches!(h.app.mode, Mode::Working(_)));
    assert!(h.screen().contains("Password changed."));
    let mut db = Db::open(h.app.db().path()).unwrap();
    assert!(auth::sign_in_for_command(&mut db, "nurse", "lantern river morning", t0()).is_ok());
}

#[test]
fn quitting_signs_out_and_asks_first_when_a_password_was_typed() {
    let mut h = Harness::new(false);
    h.sign_in("admin", PASSWORD);
    h.ctrl('q');
    assert!(h.app.should_quit());
    assert_eq!(h.actions()[0], "LOGOUT");

    let mut h = Harness::new(false);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
        accounts::reset_password(&mut db, &admin, "nurse", "temporary pass 1", t0()).unwrap();
    }
    h.sign_in("nurse", "temporary pass 1");
    h.typed("half typed");
    h.ctrl('q');
    assert!(!h.app.should_quit());
    assert!(h.screen().contains("throw away the password you typed"));
    h.press(KeyCode::Char('n'));
    assert!(!h.app.should_quit());
    h.ctrl('q');
    h.press(KeyCode::Char('y'));
    assert!(h.app.should_quit());
}

#[test]
fn the_admin_tab_unlocks_a_locked_account() {
    let mut h = Harness::new(false);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        for _ in 0..5 {
            let _ = auth::sign_in(&mut db, "pharm", "wrong password!", h.now);
        }
    }
    h.sign_in_to("admin", KeyCode::F(6));
    let s = h.screen();
    assert!(s.contains("locked"), "{s}");
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('u'));
    assert!(
        h.screen()
            .contains("Unlock pharm (Olu Adeyemi, pharmacist)?")
    );
    h.press(KeyCode::Char('y'));
    assert!(h.screen().contains("Unlocked pharm"));
    let mut db = Db::open(h.app.db().path()).unwrap();
    assert!(auth::sign_in(&mut db, "pharm", PASSWORD, h.now).is_ok());
}

#[test]
fn the_write_ahead_log_is_folded_into_the_file_in_a_pause_between_keys() {
    let mut h = Harness::new(false);
    h.sign_in("reception", PASSWORD);
    let file = h.app.db().path().to_path_buf();
    let before = std::fs::read(&file).unwrap();
    h.app.tick(h.now + chrono::Duration::milliseconds(500));
    assert_eq!(std::fs::read(&file).unwrap(), before, "not while typing");
    h.app.tick(h.now + chrono::Duration::seconds(2));
    assert_ne!(std::fs::read(&file).unwrap(), before, "folded in the pause");
}

#[test]
fn question_mark_opens_help_on_every_tab_unless_typed_into_a_field() {
    let mut h = Harness::sized(120, 40, false);
    h.sign_in("admin", PASSWORD);
    for tab in ["F3", "F4", "F5"] {
        let code = match tab {
            "F3" => KeyCode::F(3),
            "F4" => KeyCode::F(4),
            _ => KeyCode::F(5),
        };
        h.press(code);
        h.key(KeyCode::Char('?'), KeyModifiers::SHIFT);
        let screen = h.screen();
        assert!(
            screen.contains("Everywhere"),
            "{tab}: help did not open\n{screen}"
        );
        h.press(KeyCode::Esc);
        assert!(
            !h.screen().contains("Everywhere"),
            "{tab}: help did not close"
        );
    }
    // On the patients tab the search box has the cursor: `?` is text there,
    // and help opens once the list has it.
    h.press(KeyCode::F(2));
    h.key(KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert!(!h.screen().contains("Everywhere"));
    h.press(KeyCode::Backspace);
    h.press(KeyCode::Tab);
    h.key(KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert!(h.screen().contains("Everywhere"), "{}", h.screen());
}

#[test]
fn locking_keeps_a_half_typed_form_for_its_user_and_asks_before_another_discards_it() {
    let mut h = Harness::new(false);
    h.sign_in("reception", PASSWORD);
    h.ctrl('n');
    h.typed("Wanjiru");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("Kamau");
    assert!(h.screen().contains("Kamau"));

    h.ctrl('l');
    let s = h.screen();
    assert!(s.contains("Screen locked"), "{s}");
    assert!(
        !s.contains("Wanjiru") && !s.contains("Kamau"),
        "nothing shown while locked: {s}"
    );
    h.typed(PASSWORD);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("Unlocked."), "{s}");
    assert!(
        s.contains("Register") && s.contains("Wanjiru") && s.contains("Kamau"),
        "back on the form with its text: {s}"
    );
    // Typing goes on in the field it was in.
    h.typed("-Otieno");
    assert!(h.screen().contains("Kamau-Otieno"));

    // The idle lock keeps it too.
    h.app.tick(h.now + Duration::minutes(30));
    assert!(matches!(h.app.mode, Mode::Locked { .. }));
    assert!(!h.screen().contains("Kamau-Otieno"));

    // Another user: asked once, after their password is checked; no keeps
    // the first user's work and ends the newcomer's session.
    let other = |h: &mut Harness| {
        h.key(KeyCode::BackTab, KeyModifiers::SHIFT);
        for _ in 0.."reception".len() {
            h.press(KeyCode::Backspace);
        }
        h.typed("nurse");
        h.press(KeyCode::Tab);
        h.typed(PASSWORD);
        h.press(KeyCode::Enter);
    };
    other(&mut h);
    let s = h.screen();
    assert!(s.contains("was typing something not yet saved"), "{s}");
    h.press(KeyCode::Char('n'));
    assert!(matches!(h.app.mode, Mode::Locked { .. }));
    assert_eq!(
        h.app.session().map(|s| s.user.user_name.as_str()),
        Some("reception")
    );
    let recent = audit::recent(h.app.db().conn(), 2).unwrap();
    assert!(
        recent[0].action == "LOGOUT" && recent[0].actor_name == "nurse",
        "{recent:?}"
    );
    other(&mut h);
    h.press(KeyCode::Char('y'));
    assert_eq!(
        h.app.session().map(|s| s.user.user_name.as_str()),
        Some("nurse")
    );
    assert!(!h.screen().contains("Kamau-Otieno"));
    let recent = audit::recent(h.app.db().conn(), 3).unwrap();
    assert!(
        recent
            .iter()
            .any(|r| r.action == "LOGOUT" && r.actor_name == "reception"),
        "{recent:?}"
    );
}
