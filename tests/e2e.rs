//! End to end: the real binary on a pseudo-terminal the test opens (a shell
//! on it where a scenario looks at the terminal after the program quits),
//! typed at like a person. Needs nothing installed but the Rust toolchain.
#![cfg(unix)]

mod e2e_harness;

use e2e_harness::{BIN, Terminal, demo};
use std::process::Command;

#[test]
fn sign_in_switch_tabs_lock_unlock_quit_and_the_terminal_is_left_usable() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let t = Terminal::shell("session");
    t.typed(&format!("{BIN} --data-dir {}", dir.path().display()));
    t.keys(&["Enter"]);
    t.wait_for("Sign in");
    t.typed("admin");
    t.keys(&["Tab"]);
    t.typed("wrong password");
    t.keys(&["Enter"]);
    t.wait_for("User name or password is wrong");
    t.typed("wardline-demo");
    t.keys(&["Enter"]);
    t.wait_for("Signed in as Grace Mwangi");

    t.keys(&["F6"]);
    t.wait_for("Staff accounts");
    t.keys(&["F4"]);
    t.wait_for("Medical ward");
    t.keys(&["M-1"]);
    t.wait_for("Ctrl+N new patient");
    t.keys(&["F1"]);
    t.wait_for("Everywhere");
    t.keys(&["Escape"]);

    t.keys(&["C-l"]);
    let locked = t.wait_for("Screen locked");
    assert!(
        !locked.contains("F2 Patients"),
        "no tabs behind the lock:\n{locked}"
    );
    t.typed("wardline-demo");
    t.keys(&["Enter"]);
    t.wait_for("Unlocked.");
    assert!(t.bracketed_paste(), "a paste arrives as text while it runs");

    t.keys(&["C-q"]);
    t.wait_until_gone("F2 Patients");
    assert!(
        !t.bracketed_paste(),
        "bracketed paste is turned off on the way out"
    );
    t.typed("stty -a | tr ' ' '\\n' | grep -x -e echo -e -echo -e icanon -e -icanon; echo done-$((40+2))");
    t.keys(&["Enter"]);
    let screen = t.wait_for("done-42");
    let lines: Vec<&str> = screen.lines().map(str::trim).collect();
    assert!(
        lines.contains(&"echo") && lines.contains(&"icanon"),
        "terminal not restored:\n{screen}"
    );
    assert!(
        !lines.contains(&"-echo") && !lines.contains(&"-icanon"),
        "terminal not restored:\n{screen}"
    );

    let db = wardline::store::Db::open(&dir.path().join("hospitals/DEMO.db")).unwrap();
    let actions: Vec<String> = wardline::store::audit::recent(db.conn(), 7)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    // The clean exit's checkpoint is an event of its own, after the sign-out.
    assert_eq!(
        actions[..6],
        [
            "CHECKPOINT",
            "LOGOUT",
            "UNLOCK",
            "SESSION_LOCK",
            "READ",
            "LOGIN"
        ],
        "the bed board's patients were seen: {actions:?}"
    );
    let checkpoints = std::fs::read_to_string(dir.path().join("checkpoints/DEMO.log")).unwrap();
    assert_eq!(
        checkpoints.lines().count(),
        2,
        "demo creation and the clean exit each write a checkpoint"
    );
}

#[test]
fn init_asks_for_the_password_without_echo() {
    let dir = tempfile::tempdir().unwrap();
    let t = Terminal::run(
        "init",
        dir.path(),
        &[
            "init",
            "--code",
            "KCH",
            "--name",
            "Kisumu Clinic",
            "--admin",
            "boss",
        ],
    );
    // The zone is asked first, the machine's offered; a wrong name is explained.
    t.wait_for("Time zone of the hospital [");
    t.typed("Kisumu");
    t.keys(&["Enter"]);
    t.wait_for("is not a time zone");
    t.typed("africa/nairobi");
    t.keys(&["Enter"]);
    t.wait_for("New password for boss:");
    t.wait_until_echo_off();
    t.typed("ward round lantern");
    t.keys(&["Enter"]);
    t.wait_for("(again):");
    t.wait_until_echo_off();
    t.typed("ward round lantern");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Time zone: Africa/Nairobi");
    assert!(
        !screen.contains("lantern"),
        "the password was echoed:\n{screen}"
    );
    assert!(dir.path().join("hospitals/KCH.db").exists());
}

#[test]
fn with_no_hospital_the_program_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("wardline init --code") && text.contains("wardline demo"),
        "{text}"
    );
}

#[test]
fn with_several_hospitals_the_screen_offers_a_picker() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "init",
            "--code",
            "ABC",
            "--name",
            "Abbey Road Clinic",
            "--admin",
            "boss",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"ward round lantern\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    let t = Terminal::run("picker", dir.path(), &[]);
    let screen = t.wait_for("Choose a hospital");
    assert!(
        screen.contains("Abbey Road Clinic") && screen.contains("Riverside Community Hospital")
    );
    t.keys(&["Down", "Enter"]);
    t.wait_for("Sign in");
    let screen = t.wait_for("Riverside Community Hospital");
    assert!(!screen.contains("Abbey Road"), "{screen}");
    t.keys(&["C-q"]);
    t.wait_until_gone("Sign in");
}

#[test]
fn a_receptionist_registers_and_finds_a_patient() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let t = Terminal::run("register", dir.path(), &[]);
    t.sign_in_to_demo("reception");
    t.wait_for("Signed in as");
    t.keys(&["C-n"]);
    t.wait_for("Register a new patient");
    t.typed("Zawadi");
    t.keys(&["Tab", "Tab"]);
    t.typed("Mwakilema");
    t.keys(&["Tab"]);
    t.typed("1993-04-17");
    t.keys(&["Tab", "Tab"]);
    t.typed("F");
    t.keys(&["Tab"]);
    t.typed("+255 754 000 321");
    t.keys(&["C-s"]);
    let screen = t.wait_for("Registered DEMO-");
    let mrn = screen
        .split_whitespace()
        .find(|w| w.starts_with("DEMO-") && w.len() >= 13)
        .map(|w| w.trim_end_matches(':').to_string())
        .expect("the new MRN is shown");
    t.keys(&["Escape"]);
    t.typed("mwakil zaw");
    t.wait_for("Zawadi Mwakilema");
    t.keys(&["C-u"]);
    t.typed(&mrn.to_lowercase().replace('-', ""));
    t.wait_for("Zawadi Mwakilema");
    t.keys(&["Enter"]);
    t.wait_for("Demographics");
    t.keys(&["C-q"]);
    t.wait_until_gone("Demographics");
}

#[test]
fn a_pharmacist_receives_and_dispenses_stock_by_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let t = Terminal::run("pharmacy", dir.path(), &[]);
    t.sign_in_to_demo("pharmacist");
    t.wait_for("Signed in as Olusegun Adeyemi");
    t.keys(&["F5"]);
    t.wait_for("Alerts");
    t.typed("/amoxicillin 500 mg caps");
    t.wait_for("1 item");
    t.keys(&["Tab", "Enter"]);
    t.wait_for("Ledger (");

    t.typed("r");
    t.wait_for("Receive Amoxicillin 500 mg capsule");
    let expiry = (chrono::Utc::now().date_naive() + chrono::Duration::days(400))
        .format("%Y-%m-%d")
        .to_string();
    t.typed("E2E-1");
    t.keys(&["Tab"]);
    t.typed(&expiry);
    t.keys(&["Tab"]);
    // 30, one pneumonia course: never more than twelve months of the
    // demo's use of the item, which counts the courses the demo dispensed
    // before the hour it was made (none at 04:00, one at 18:00), so the
    // receipt asks no question at any hour or in any zone.
    t.typed("30");
    t.keys(&["Tab"]);
    t.typed("4.50");
    t.keys(&["Tab"]);
    t.typed("7");
    t.keys(&["C-s"]);
    t.wait_for("Received 30 capsules of Amoxicillin 500 mg capsule into batch E2E-1");

    t.typed("d");
    t.wait_for("Usable stock:");
    t.typed("30");
    t.keys(&["C-p"]);
    t.wait_for("Dispense to which patient?");
    t.keys(&["Enter"]);
    t.wait_for("chosen.");
    t.keys(&["C-s"]);
    let screen = t.wait_for_question("Confirm dispense");
    assert!(screen.contains("first expiry first out"), "{screen}");
    t.typed("y");
    t.wait_for("Dispensed 30 capsules of Amoxicillin 500 mg capsule to DEMO-");
    t.keys(&["C-q"]);
    t.wait_until_gone("F5 Pharmacy");

    let db = wardline::store::Db::open(&dir.path().join("hospitals/DEMO.db")).unwrap();
    let events = wardline::store::audit::recent(db.conn(), 20).unwrap();
    let dispense = events.iter().find(|e| e.action == "DISPENSE").unwrap();
    assert!(dispense.patient_id.is_some(), "{dispense:?}");
    assert!(
        events
            .iter()
            .any(|e| e.action == "RECEIVE" && e.summary.contains("E2E-1"))
    );
    assert!(
        wardline::store::pharmacy::ledger_problems(db.conn())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_nurse_admits_transfers_discharges_and_cleans_on_the_bed_board() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let path = dir.path().join("hospitals/DEMO.db");
    {
        let mut db = wardline::store::Db::open(&path).unwrap();
        let now = chrono::Utc::now();
        let s = wardline::auth::sign_in(&mut db, "reception", "wardline-demo", now).unwrap();
        let input = wardline::domain::patient::PatientInput::default()
            .with(wardline::domain::patient::Field::GivenName, "Zawadi")
            .with(wardline::domain::patient::Field::FamilyName, "Testcase")
            .with(wardline::domain::patient::Field::BirthDate, "1971-08-09")
            .with(wardline::domain::patient::Field::Sex, "F");
        wardline::ops::patients::register(&mut db, &s, &input, &[], now).unwrap();
    }
    let t = Terminal::run("beds", dir.path(), &[]);
    t.sign_in_to_demo("nurse");
    t.wait_for("Signed in as Mei Lin Chen");
    t.keys(&["F4"]);
    t.wait_for("Medical ward");

    // ICU only; ICU-3 is the third bed and was cleaned after its patient stepped down
    t.keys(&["w", "w"]);
    t.wait_for("ward ICU");
    t.keys(&["Right", "Right", "a"]);
    t.wait_for("Admit which patient into bed ICU-3");
    t.typed("testcase");
    t.wait_for("Zawadi Testcase");
    t.keys(&["Enter"]);
    t.wait_for("Attending");
    // The form starts on the attending; Tab to the reason.
    t.keys(&["Tab"]);
    t.typed("chest pain");
    t.keys(&["C-s"]);
    t.wait_for("Zawadi Testcase admitted to bed ICU-3");

    // to the free surgical bed SUR-8, the last of the surgical ward
    t.keys(&["t"]);
    t.wait_for("Transfer Zawadi Testcase from ICU-3");
    t.keys(&["w", "w", "w"]);
    t.wait_for("ward Surgical ward");
    t.keys(&["End", "Enter"]);
    t.wait_for_question("Type the reason");
    t.typed("stepped down");
    t.keys(&["Enter"]);
    t.wait_for("Zawadi Testcase moved to bed SUR-8");

    t.keys(&["d"]);
    t.wait_for("The bed goes to cleaning");
    t.keys(&["Tab"]);
    t.typed("walking, eating well");
    t.keys(&["C-s"]);
    // The demo's tariff prices the stay: the discharge asks once about
    // the balance it leaves.
    t.wait_for_question("Discharge anyway?");
    t.keys(&["y"]);
    t.wait_for("bed SUR-8 goes to cleaning");
    t.keys(&["c"]);
    t.wait_for("Bed SUR-8 marked clean");
    t.keys(&["C-q"]);
    t.wait_until_gone("F4 Beds");

    let db = wardline::store::Db::open(&path).unwrap();
    let (stays, disposition): (String, String) = db
        .conn()
        .query_row(
            "SELECT (SELECT group_concat(b.label, ' > ') FROM bed_stays s JOIN beds b ON b.id = s.bed_id
                     WHERE s.admission_id = a.id ORDER BY s.started_at),
                    a.disposition
             FROM admissions a JOIN patients p ON p.id = a.patient_id
             WHERE p.family_name = 'Testcase'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stays, "ICU-3 > SUR-8");
    assert_eq!(disposition, "home");
    let status: String = db
        .conn()
        .query_row(
            "SELECT status || ' ' || (cleaned_at IS NOT NULL) FROM beds WHERE label = 'SUR-8'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "available 1");
}

#[test]
fn a_real_bracketed_paste_is_text_in_the_search_never_keys() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let t = Terminal::run("paste", dir.path(), &[]);
    t.sign_in_to_demo("admin");
    t.wait_for("Signed in as Grace Mwangi");
    t.keys(&["F2"]);
    t.wait_for("Ctrl+N new patient");
    // An MRN, a line break and a hotkey letter, as a clerk pastes them
    // from a spreadsheet: as keys they would open the record and `d` its
    // delete question.
    t.pasted("000001\nd");
    let screen = t.wait_for("Find 000001 d");
    assert!(!screen.contains("Delete"), "{screen}");
    assert!(!screen.contains("Demographics"), "{screen}");
    t.pasted("kamau\npeter");
    let screen = t.wait_for("Find 000001 dkamau peter");
    assert!(!screen.contains("Edit DEMO-"), "{screen}");
    t.keys(&["C-q"]);
    t.wait_until_gone("F2 Patients");
}
