//! The audit trail browser on the screen, driven by keys: an administrator
//! opens it from the Admin tab (`t`), filters by patient through the
//! patient picker, by staff member, action and dates (a wrong action or
//! date is refused in the question, saying what to type), opens an event
//! with all its fields, lists who opened the patient's record, writes the
//! events found to CSV, and goes back to the accounts with Esc.

mod common;
mod tui_harness;

use common::clinic as fixture;
use ratatui::crossterm::event::KeyCode;
use tui_harness::{Harness, t0};

/// Masks what the real clock wrote: times, hashes and the temporary
/// folder of the export.
macro_rules! trail_snapshot {
    ($name:expr, $screen:expr) => {
        insta::with_settings!({filters => vec![
            (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\S+ UTC\)",
             "[local time]            ([utc time]                      )"),
            (r"\d\d-\d\d \d\d:\d\d", "[time]     "),
            (r"[0-9a-f]{64}", "[hash                                                          ]"),
            (r"head [0-9a-f]{12}…", "head [hash]       …"),
            (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
             "[id                                ]"),
        ]}, {
            insta::assert_snapshot!($name, $screen);
        });
    };
}

fn clear(h: &mut Harness, n: usize) {
    for _ in 0..n {
        h.press(KeyCode::Backspace);
    }
}

#[test]
fn an_administrator_filters_opens_and_exports_the_audit_trail() {
    let mut h = Harness::sized(100, 30, false);
    {
        let mut c = fixture::Clinic::on(h.app.db().path(), t0());
        let input = fixture::person("Wanjiru", "Kamau", "1984-07-02", "F");
        fixture::register(&mut c.db, &c.admin, &input, t0());
    }
    h.sign_in_to("admin", KeyCode::F(6));
    h.press(KeyCode::Char('3'));
    let screen = h.screen();
    assert!(screen.contains("Patient: any"), "{screen}");
    assert!(
        screen.contains("events, head "),
        "the trail's head: {screen}"
    );
    assert!(
        screen.contains("registered"),
        "the registration's event: {screen}"
    );
    trail_snapshot!("audit_trail_all", screen);

    // The patient, chosen in the picker: their events only.
    h.press(KeyCode::Char('/'));
    h.typed("kamau");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Patient: TST-"), "{screen}");
    assert!(!screen.contains("signed in"), "{screen}");
    trail_snapshot!("audit_trail_patient", screen);

    // Who opened the record: the picker's choice was a READ by the admin.
    h.press(KeyCode::Char('o'));
    let screen = h.screen();
    assert!(screen.contains("Who opened TST-"), "{screen}");
    assert!(screen.contains("READ"), "{screen}");
    h.press(KeyCode::Esc);

    // An action that does not exist is refused, saying which do.
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('a'));
    h.typed("peek");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("not an action"), "{screen}");
    clear(&mut h, 4);
    h.typed("login");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('s'));
    h.typed("admin");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Staff: admin") && screen.contains("Action: LOGIN"),
        "{screen}"
    );
    assert!(!screen.contains("LOGOUT"), "{screen}");
    trail_snapshot!("audit_trail_staff_action", screen);

    // The event, whole.
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("Previous hash"), "{screen}");
    trail_snapshot!("audit_trail_event", screen);
    h.press(KeyCode::Esc);

    // Dates: a wrong one is refused; a day with no events says so.
    h.press(KeyCode::Char('f'));
    h.typed("soon");
    h.press(KeyCode::Enter);
    assert!(h.screen().contains("is not a date"));
    clear(&mut h, 4);
    h.typed("2090-01-01");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("No event matches"), "{screen}");

    // The export: the file offered in the data directory's exports folder.
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('x'));
    let screen = h.screen();
    assert!(screen.contains("ts/audit-TST-20260309-08"), "{screen}");
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("Wrote ") && screen.contains(" events to "),
        "{screen}"
    );
    let exports = h.dir.path().join("exports");
    let files: Vec<_> = std::fs::read_dir(&exports).unwrap().collect();
    assert_eq!(files.len(), 1);
    assert_eq!(h.actions().first().map(String::as_str), Some("EXPORT"));

    // Section 1 shows the accounts again, 3 the trail.
    h.press(KeyCode::Char('1'));
    let screen = h.screen();
    assert!(screen.contains("Staff accounts"), "{screen}");
    h.press(KeyCode::Char('3'));
    let screen = h.screen();
    assert!(screen.contains("events, head "), "{screen}");
}

#[test]
fn a_nurse_has_no_admin_tab_to_open_the_trail_from() {
    let mut h = Harness::sized(100, 30, false);
    h.sign_in_to("nurse", KeyCode::F(6));
    assert!(!h.screen().contains("Audit trail"));
}

#[test]
fn the_list_reads_a_screenful_at_a_time_and_reads_on_at_its_end() {
    use wardline::ops::audit_trail::SCREEN_PAGE;
    let mut h = Harness::sized(100, 30, false);
    {
        let mut c = fixture::Clinic::on(h.app.db().path(), t0());
        let syllables = ["ka", "mu", "ri", "to", "na", "se", "lo", "wi", "ba", "de"];
        for i in 0..2 * SCREEN_PAGE {
            let given = format!("A{}{}", syllables[i % 10], syllables[(i / 10) % 10]);
            let birth = format!("19{:02}-0{}-1{}", 20 + i, 1 + i % 9, i % 10);
            let input = fixture::person(&given, "Otieno", &birth, "F");
            fixture::register(&mut c.db, &c.admin, &input, t0());
        }
    }
    h.sign_in_to("admin", KeyCode::F(6));
    h.press(KeyCode::Char('3'));
    let first = format!(" {SCREEN_PAGE} shown of ");
    let screen = h.screen();
    assert!(screen.contains(&first), "{screen}");
    assert!(screen.contains("older: ↓ at the end"), "{screen}");

    // End goes to the last event read; ↓ there reads the next screenful
    // and moves onto its first event.
    h.press(KeyCode::End);
    assert!(h.screen().contains(&first));
    h.press(KeyCode::Down);
    let screen = h.screen();
    assert!(
        screen.contains(&format!(" {} shown of ", 2 * SCREEN_PAGE)),
        "{screen}"
    );
    // Reading on is the same search: no second SEARCH event.
    let searches = h.actions().iter().filter(|a| *a == "SEARCH").count();
    assert_eq!(searches, 1, "{:?}", h.actions());

    // PgDn and End at the end read on until the oldest event.
    for _ in 0..4 {
        h.press(KeyCode::End);
        h.press(KeyCode::PageDown);
    }
    let screen = h.screen();
    assert!(!screen.contains("older: ↓"), "{screen}");
    assert!(!screen.contains(&first), "{screen}");
}
