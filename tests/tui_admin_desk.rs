//! The administrator's desk on the screen (Admin tab, F6), driven by keys
//! into the real app: its strip of sections; an account added with a
//! temporary password shown once, which signs in only to be changed; a
//! role changed, and the last administrator's refused; an account disabled
//! (it cannot sign in), enabled, given a new temporary password, unlocked;
//! a setting edited in its row (a bad value refused with the command
//! line's words, nothing changed; a good one saved and audited); a backup
//! made now and listed, and checked again. Each view drawn at 80×24 and
//! 100×30 with nothing cut off.

mod tui_harness;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tui_harness::{Harness, PASSWORD};
use wardline::auth;
use wardline::domain::role::Role;
use wardline::store::audit;
use wardline::tui::app::Mode;

/// Selects the account `user_name` in the accounts list (in the order of
/// user names, as the list shows them).
fn select(h: &mut Harness, user_name: &str) {
    let at = {
        let session = h.app.session().expect("signed in");
        wardline::ops::accounts::list(h.app.db(), session)
            .unwrap()
            .iter()
            .position(|u| u.user_name == user_name)
            .unwrap_or_else(|| panic!("no account {user_name}"))
    };
    h.press(KeyCode::Home);
    for _ in 0..at {
        h.press(KeyCode::Down);
    }
}

/// The line of the accounts list showing `user_name`.
fn row(screen: &str, user_name: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(&format!("│{user_name} ")))
        .unwrap_or_default()
        .to_string()
}

fn summaries(h: &Harness, n: usize) -> Vec<String> {
    audit::recent(h.app.db().conn(), n)
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}", r.action, r.summary))
        .collect()
}

fn lock_and_sign_in(h: &mut Harness, user: &str, password: &str) {
    h.ctrl('l');
    h.key(KeyCode::BackTab, KeyModifiers::SHIFT);
    for _ in 0..40 {
        h.press(KeyCode::Backspace);
    }
    h.typed(user);
    h.press(KeyCode::Tab);
    h.typed(password);
    h.press(KeyCode::Enter);
}

/// The temporary password shown on the screen.
fn shown_password(screen: &str) -> String {
    let line = screen
        .lines()
        .find(|l| l.contains("Temporary password:"))
        .unwrap_or_else(|| panic!("no password shown: {screen}"));
    line.split("Temporary password:")
        .nth(1)
        .unwrap_or_default()
        .trim()
        .trim_end_matches(['│', '"'])
        .trim()
        .to_string()
}

#[test]
fn the_desk_shows_its_sections_and_switches_with_digits_tab_and_arrows() {
    let mut h = Harness::new(false);
    h.sign_in_to("admin", KeyCode::F(6));
    let screen = h.screen();
    assert!(
        screen.contains("1 Accounts")
            && screen.contains("2 Settings")
            && screen.contains("3 Audit trail")
            && screen.contains("4 Backups"),
        "{screen}"
    );
    assert!(screen.contains("Staff accounts (4)"), "{screen}");
    assert!(screen.contains("Last backup: never"), "{screen}");
    h.press(KeyCode::Char('2'));
    assert!(h.screen().contains("Settings ("), "{}", h.screen());
    h.press(KeyCode::Tab);
    assert!(h.screen().contains("Audit trail:"), "{}", h.screen());
    h.press(KeyCode::Right);
    assert!(h.screen().contains("Backups (0)"), "{}", h.screen());
    h.press(KeyCode::Tab);
    assert!(
        h.screen().contains("Staff accounts (4)"),
        "round to the first"
    );
    h.key(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert!(h.screen().contains("Backups (0)"));
    h.press(KeyCode::Left);
    assert!(h.screen().contains("Audit trail:"));
    h.press(KeyCode::Char('1'));
    // Help lists the section's keys and the keys that switch sections.
    h.press(KeyCode::F(1));
    let help = h.screen();
    assert!(
        help.contains("add account") && help.contains("next section"),
        "{help}"
    );
    h.press(KeyCode::Esc);
}

#[test]
fn an_added_account_gets_a_temporary_password_once_that_must_be_changed() {
    let mut h = Harness::sized(100, 30, false);
    h.sign_in_to("admin", KeyCode::F(6));
    h.press(KeyCode::Char('a'));
    let form = h.screen();
    assert!(form.contains("Add a staff account"), "{form}");
    assert!(form.contains("◂ receptionist ▸"), "{form}");
    // Digits and letters go into the form, not to the section keys.
    h.press(KeyCode::Right);
    assert!(h.screen().contains("◂ doctor ▸"));
    h.press(KeyCode::Tab);
    h.typed("Amina2");
    h.press(KeyCode::Tab);
    h.typed("Amina Odhiambo");
    h.ctrl('s');
    let ask = h.screen();
    assert!(
        ask.contains("Create the account amina2 (Amina Odhiambo) as doctor?"),
        "{ask}"
    );
    h.press(KeyCode::Char('y'));
    let shown = h.screen();
    let password = shown_password(&shown);
    assert!(password.len() >= 12, "{password:?}: {shown}");
    assert!(shown.contains("not shown again"), "{shown}");
    assert!(
        summaries(&h, 3)
            .iter()
            .any(|s| s == "CREATE account amina2 (doctor) created"),
        "{:?}",
        summaries(&h, 3)
    );
    h.press(KeyCode::Enter);
    let list = h.screen();
    assert!(!list.contains(&password), "shown once only: {list}");
    assert!(row(&list, "amina2").contains("doctor"), "{list}");

    // A user name already taken is refused on its field; the form stays.
    h.press(KeyCode::Char('a'));
    h.press(KeyCode::Tab);
    h.typed("nurse");
    h.ctrl('s');
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(
        screen.contains("account named \"nurse\" already exists"),
        "{screen}"
    );
    assert!(screen.contains("Add a staff account"), "{screen}");
    // Esc asks before throwing the typed form away.
    h.press(KeyCode::Esc);
    assert!(h.screen().contains("Throw away the account form"));
    h.press(KeyCode::Char('y'));
    let list = h.screen();
    assert!(row(&list, "amina2").contains("must change"), "{list}");

    // Signing in with it leads to the forced change of password.
    lock_and_sign_in(&mut h, "amina2", &password);
    assert!(
        matches!(h.app.mode, Mode::ChangePassword { .. }),
        "{}",
        h.screen()
    );
    assert!(h.screen().contains("was set by the hospital"));
}

#[test]
fn roles_change_with_the_cli_rules_and_the_last_admin_keeps_hers() {
    let mut h = Harness::sized(100, 30, false);
    h.sign_in_to("admin", KeyCode::F(6));
    select(&mut h, "nurse");
    h.press(KeyCode::Char('c'));
    let form = h.screen();
    assert!(form.contains("Change role: nurse"), "{form}");
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    let ask = h.screen();
    assert!(
        ask.contains("Change the role of nurse (Mei Lin Chen, nurse) to pharmacist?"),
        "{ask}"
    );
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(screen.contains("nurse is pharmacist now."), "{screen}");
    assert!(row(&screen, "nurse").contains("pharmacist"), "{screen}");
    assert!(
        summaries(&h, 2)
            .iter()
            .any(|s| s == "UPDATE account nurse: role nurse → pharmacist"),
        "{:?}",
        summaries(&h, 2)
    );

    // The only administrator cannot demote herself.
    select(&mut h, "admin");
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(
        screen.contains("This is the last administrator account: add another administrator first"),
        "{screen}"
    );
    let session = h.app.session().unwrap().clone();
    let admin = wardline::ops::accounts::list(h.app.db(), &session)
        .unwrap()
        .into_iter()
        .find(|u| u.user_name == "admin")
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    // Esc leaves the form (asking first, a role having been chosen).
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('y'));
    assert!(h.screen().contains("Staff accounts (4)"));
}

#[test]
fn an_account_is_disabled_enabled_reset_and_unlocked_after_naming_it() {
    let mut h = Harness::sized(100, 30, false);
    h.sign_in_to("admin", KeyCode::F(6));
    select(&mut h, "reception");
    h.press(KeyCode::Char('d'));
    let ask = h.screen();
    assert!(
        ask.contains("Disable reception (Tomás Herrera, receptionist)?"),
        "{ask}"
    );
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(row(&screen, "reception").contains("disabled"), "{screen}");
    let now = h.now;
    assert!(auth::sign_in(h.app.db_mut(), "reception", PASSWORD, now).is_err());

    h.press(KeyCode::Char('d'));
    assert!(
        h.screen()
            .contains("Enable reception (Tomás Herrera, receptionist)?")
    );
    h.press(KeyCode::Char('y'));
    assert!(row(&h.screen(), "reception").contains("active"));
    let now = h.now;
    let s = auth::sign_in(h.app.db_mut(), "reception", PASSWORD, now).unwrap();
    auth::sign_out(
        h.app.db_mut(),
        &s,
        wardline::store::sessions::EndReason::Logout,
        now,
    )
    .unwrap();

    // A new temporary password, shown once; the old one stops working.
    select(&mut h, "pharm");
    h.press(KeyCode::Char('p'));
    assert!(
        h.screen()
            .contains("Give pharm (Olu Adeyemi, pharmacist) a new temporary password?")
    );
    h.press(KeyCode::Char('y'));
    let password = shown_password(&h.screen());
    // Leaving the section takes the password off the screen for good.
    h.press(KeyCode::Char('2'));
    h.press(KeyCode::Char('1'));
    assert!(!h.screen().contains(&password));
    let now = h.now;
    assert!(auth::sign_in(h.app.db_mut(), "pharm", PASSWORD, now).is_err());
    let s = auth::sign_in(h.app.db_mut(), "pharm", &password, now).unwrap();
    assert!(s.user.must_change_password);

    // Locked after failed sign-ins, then unlocked from the desk.
    for _ in 0..6 {
        let now = h.now;
        let _ = auth::sign_in(h.app.db_mut(), "nurse", "wrong password", now);
    }
    h.ctrl('r');
    let screen = h.screen();
    assert!(row(&screen, "nurse").contains("locked"), "{screen}");
    select(&mut h, "nurse");
    h.press(KeyCode::Char('u'));
    assert!(h.screen().contains("Unlock nurse (Mei Lin Chen, nurse)?"));
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(screen.contains("Unlocked nurse"), "{screen}");
    assert!(row(&screen, "nurse").contains("active"), "{screen}");
    let now = h.now;
    assert!(auth::sign_in(h.app.db_mut(), "nurse", PASSWORD, now).is_ok());
}

#[test]
fn a_setting_is_edited_in_its_row_refused_with_the_cli_words_or_saved_and_audited() {
    let mut h = Harness::sized(100, 30, false);
    h.sign_in_to("admin", KeyCode::F(6));
    h.press(KeyCode::Char('2'));
    // idle_lock_minutes is the third setting.
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    assert!(
        h.screen()
            .contains("Minutes without a key before the screen locks")
    );
    h.press(KeyCode::Enter);
    h.typed("abc");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    let words = "value \"abc\" of idle_lock_minutes is not valid: a whole number from 1 to 240";
    assert!(screen.contains(words), "{screen}");
    let before = summaries(&h, 1);
    assert_eq!(h.app.db().settings().unwrap().idle_lock_minutes, 5);
    // Esc leaves the value as it was, with nothing written.
    h.press(KeyCode::Esc);
    assert_eq!(summaries(&h, 1), before);

    h.press(KeyCode::Enter);
    h.typed("10");
    h.ctrl('s');
    let screen = h.screen();
    assert!(
        screen.contains("idle_lock_minutes = 10: saved."),
        "{screen}"
    );
    assert_eq!(h.app.db().settings().unwrap().idle_lock_minutes, 10);
    assert_eq!(
        summaries(&h, 1),
        vec!["UPDATE idle_lock_minutes: \"5\" → \"10\"".to_string()]
    );

    // A setting of a few values is chosen with ← →.
    h.press(KeyCode::End);
    h.press(KeyCode::Home);
    for _ in 0..6 {
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("◂ YYYY-MM-DD ▸"), "{screen}");
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("date_format = DD/MM/YYYY: saved."));
    assert_eq!(h.app.db().settings().unwrap().date_format, "DD/MM/YYYY");
}

#[test]
fn a_backup_is_made_now_listed_and_checked_again() {
    let mut h = Harness::new(false);
    h.sign_in_to("admin", KeyCode::F(6));
    h.press(KeyCode::Char('4'));
    assert!(h.screen().contains("No backup yet: b makes one now."));
    h.press(KeyCode::Char('b'));
    assert!(h.screen().contains("Back up Lakeside Clinic now?"));
    h.press(KeyCode::Char('y'));
    let screen = h.screen();
    assert!(screen.contains("Backup written and checked"), "{screen}");
    assert!(screen.contains("Backups (1)"), "{screen}");
    assert!(screen.contains("passed when taken"), "{screen}");
    assert!(
        screen.contains("backups/ passed"),
        "kept in the data directory's folder: {screen}"
    );
    assert!(!screen.contains("Last backup: never"), "{screen}");
    assert!(h.actions().iter().any(|a| a == "BACKUP"));
    h.press(KeyCode::Char('c'));
    let screen = h.screen();
    assert!(screen.contains("passes every check"), "{screen}");
    assert!(screen.contains("passed again"), "{screen}");
}

#[test]
fn every_view_fits_80x24_and_100x30() {
    for (w, ht) in [(80, 24), (100, 30)] {
        let mut h = Harness::sized(w, ht, false);
        h.sign_in_to("admin", KeyCode::F(6));
        let screen = h.screen();
        assert!(screen.contains("Last backup: never"), "{w}x{ht}: {screen}");
        assert!(
            row(&screen, "reception").contains("receptionist"),
            "{screen}"
        );
        snapshot!(format!("desk_accounts_{w}x{ht}"), screen);
        h.press(KeyCode::Char('a'));
        let screen = h.screen();
        assert!(
            screen.contains("Full name") && screen.contains("Ctrl+S save"),
            "{w}x{ht}: {screen}"
        );
        snapshot!(format!("desk_add_{w}x{ht}"), screen);
        h.press(KeyCode::Esc);
        h.press(KeyCode::Char('2'));
        let screen = h.screen();
        assert!(
            screen.contains("hospital_name") && screen.contains("Lakeside Clinic"),
            "{screen}"
        );
        snapshot!(format!("desk_settings_{w}x{ht}"), screen);
        h.press(KeyCode::Enter);
        snapshot!(format!("desk_setting_edit_{w}x{ht}"), h.screen());
        h.press(KeyCode::Esc);
        h.press(KeyCode::Char('3'));
        let screen = h.screen();
        assert!(screen.contains("LOGIN"), "{screen}");
        snapshot!(format!("desk_audit_{w}x{ht}"), screen);
        h.press(KeyCode::Char('4'));
        let screen = h.screen();
        assert!(screen.contains("b back up now"), "{screen}");
        snapshot!(format!("desk_backups_{w}x{ht}"), screen);
    }
}
