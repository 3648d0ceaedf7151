//! End to end: booking and check-in in the real binary on a pseudo-terminal
//! the test opens, typed at like a receptionist.
#![cfg(unix)]

mod e2e_harness;

use e2e_harness::{Terminal, demo};

#[test]
fn a_receptionist_books_with_the_next_free_slot_and_checks_the_patient_in() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let t = Terminal::run("appointments", dir.path(), &[]);
    t.sign_in_to_demo("reception");
    t.wait_for("Signed in as");

    t.keys(&["F3"]);
    t.wait_for("all clinicians");
    t.typed("n");
    t.wait_for("Book an appointment for");
    // MRN 1, without its prefix and check character.
    t.typed("000001");
    t.wait_for("DEMO-000001");
    t.keys(&["Enter"]);
    t.wait_for("now the clinician and type");
    t.typed("f");
    t.wait_for("Next free 15 min for");
    // The free slot may be tomorrow late in the evening, and check-in is for
    // the day itself: book today outside working hours. The demo runs a
    // clinic session from three hours before to three hours after the
    // moment it is built, so the time is taken at the far end of the day
    // from now: at any hour it is free and outside the hours.
    // `f` left the cursor in the time.
    let now = chrono::Local::now();
    let (time, span) = if chrono::Timelike::hour(&now) < 12 {
        ("23:30", "23:30–23:45")
    } else {
        ("00:00", "00:00–00:15")
    };
    t.keys(&["C-u"]);
    t.typed(time);
    t.keys(&["BTab", "C-u"]);
    t.typed(&now.format("%Y-%m-%d").to_string());
    t.keys(&["C-s"]);
    t.wait_for_question("anyway?");
    t.typed("y");
    let s = t.wait_for("Booked ");
    assert!(s.contains(span), "{s}");
    t.typed("i");
    let s = t.wait_for("checked in: waiting in the queue");
    assert!(s.contains("arrived"), "{s}");
    t.keys(&["C-q"]);
    t.wait_until_gone("F2 Patients");

    // The booking is in the file, checked in, with its audit events.
    let db = rusqlite::Connection::open(dir.path().join("hospitals/DEMO.db")).unwrap();
    let (status, created, updated): (String, i64, i64) = db
        .query_row(
            "SELECT a.status,
                    (SELECT count(*) FROM audit_log l WHERE l.entity_id = a.id AND l.action = 'CREATE'),
                    (SELECT count(*) FROM audit_log l WHERE l.entity_id = a.id AND l.action = 'UPDATE')
             FROM appointments a JOIN patients p ON p.id = a.patient_id
             WHERE p.seq = 1 AND a.created_by = (SELECT id FROM users WHERE user_name = 'reception')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), created, updated), ("checked_in", 1, 1));
}
