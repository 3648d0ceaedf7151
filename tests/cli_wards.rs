//! `wardline users wards` in the real binary: an admin sets a nurse's
//! wards, shows them, changes and ends them; the refusals (a pharmacist, a
//! ward that does not exist, a nurse asking) say what to do.

mod common;

use common::ADMIN_PASSWORD;
use common::cli::{ok, refused, run};

/// The staff's own passwords, chosen at their first sign-in.
const OWN_PASSWORD: &str = "a nurse's own phrase 4";

#[test]
fn an_admin_sets_shows_and_ends_a_nurses_wards() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(
        data,
        &[
            "init", "--code", "TST", "--name", "Test", "--admin", "admin",
        ],
        1,
    );
    for (user, role) in [("mei", "nurse"), ("olu", "pharmacist")] {
        ok(
            data,
            &[
                "users", "add", "--user", user, "--role", role, "--as", "admin",
            ],
            2,
        );
        // The password the admin chose works once, to choose one's own.
        let out = run(
            data,
            &["users", "passwd", "--as", user],
            &format!("{ADMIN_PASSWORD}\n{OWN_PASSWORD}\n"),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for (name, kind) in [
        ("Medical", "medical"),
        ("Surgical", "surgical"),
        ("ICU", "icu"),
    ] {
        ok(
            data,
            &[
                "wards", "add", "--name", name, "--kind", kind, "--as", "admin",
            ],
            1,
        );
    }
    let show = ["users", "wards", "--user", "mei", "--as", "admin"];
    assert!(ok(data, &show, 1).contains("mei is assigned to no ward."));

    let out = ok(
        data,
        &[
            "users", "wards", "--user", "mei", "--ward", "medical", "--ward", "ICU", "--as",
            "admin",
        ],
        1,
    );
    assert!(out.contains("mei works on ICU, Medical now."), "{out}");
    assert!(out.contains("Assigned: ICU, Medical."), "{out}");
    let out = ok(data, &show, 1);
    assert!(
        out.contains("ICU") && out.contains("Medical") && out.contains("since"),
        "{out}"
    );
    assert!(!out.contains("Surgical"), "{out}");

    let out = ok(
        data,
        &[
            "users", "wards", "--user", "mei", "--ward", "Surgical", "--ward", "ICU", "--as",
            "admin",
        ],
        1,
    );
    assert!(out.contains("mei works on ICU, Surgical now."), "{out}");
    assert!(
        out.contains("Assigned: Surgical.") && out.contains("Ended: Medical."),
        "{out}"
    );

    // Refusals, each saying what to do.
    let e = refused(
        data,
        &[
            "users", "wards", "--user", "olu", "--ward", "ICU", "--as", "admin",
        ],
    );
    assert!(e.contains("only doctors and nurses"), "{e}");
    let e = refused(
        data,
        &[
            "users",
            "wards",
            "--user",
            "mei",
            "--ward",
            "Maternity",
            "--as",
            "admin",
        ],
    );
    assert!(
        e.contains("no ward named") && e.contains("wards list"),
        "{e}"
    );
    let out = run(
        data,
        &["users", "wards", "--user", "mei", "--none", "--as", "mei"],
        &format!("{OWN_PASSWORD}\n"),
    );
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        e.contains("a nurse may not assign staff to wards: ask an administrator"),
        "{e}"
    );

    let out = ok(
        data,
        &["users", "wards", "--user", "mei", "--none", "--as", "admin"],
        1,
    );
    assert!(
        out.contains("mei is assigned to no ward now.") && out.contains("Ended: ICU, Surgical."),
        "{out}"
    );
    assert!(ok(data, &show, 1).contains("mei is assigned to no ward."));

    // Every change is in the audit trail.
    let check = ok(data, &["audit", "verify"], 0);
    assert!(!check.is_empty());
}
