//! `wardline users role USER --role ROLE --as ADMIN` in the real binary:
//! an admin changes a nurse's role; the refusals (the last administrator,
//! one's own role, a patient's role, a clinician still on wards, a role
//! that does not exist) say what to do.

mod common;

use common::cli::{ok, refused};

#[test]
fn an_admin_changes_a_role_and_the_rules_of_the_desk_hold() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(
        data,
        &[
            "init", "--code", "TST", "--name", "Test", "--admin", "admin",
        ],
        1,
    );
    ok(
        data,
        &[
            "users", "add", "--user", "mei", "--role", "nurse", "--as", "admin",
        ],
        2,
    );
    let out = ok(
        data,
        &["users", "role", "mei", "--role", "doctor", "--as", "admin"],
        1,
    );
    assert!(out.contains("mei is doctor now"), "{out}");
    let list = ok(data, &["users", "list", "--as", "admin"], 1);
    let row = list
        .lines()
        .find(|l| l.starts_with("mei "))
        .unwrap_or_default();
    assert!(row.contains("doctor"), "{list}");

    let err = refused(
        data,
        &["users", "role", "admin", "--role", "nurse", "--as", "admin"],
    );
    assert!(
        err.contains("this is the last administrator account: add another administrator first"),
        "{err}"
    );
    let err = refused(
        data,
        &["users", "role", "mei", "--role", "patient", "--as", "admin"],
    );
    assert!(
        err.contains("mei cannot be given the role patient"),
        "{err}"
    );
    let err = refused(
        data,
        &["users", "role", "mei", "--role", "wizard", "--as", "admin"],
    );
    assert!(err.contains("unknown role \"wizard\""), "{err}");
    let err = refused(
        data,
        &["users", "role", "mei", "--role", "doctor", "--as", "admin"],
    );
    assert!(err.contains("mei's role is already doctor"), "{err}");

    // A clinician on a ward keeps a clinician's role until taken off it.
    ok(
        data,
        &[
            "wards", "add", "--name", "Medical", "--kind", "medical", "--as", "admin",
        ],
        1,
    );
    ok(
        data,
        &[
            "users", "wards", "--user", "mei", "--ward", "Medical", "--as", "admin",
        ],
        1,
    );
    let err = refused(
        data,
        &["users", "role", "mei", "--role", "cashier", "--as", "admin"],
    );
    assert!(
        err.contains("mei works on Medical: take them off every ward first"),
        "{err}"
    );
    ok(
        data,
        &["users", "role", "mei", "--role", "nurse", "--as", "admin"],
        1,
    );

    // With a second administrator, one still cannot change one's own role.
    ok(
        data,
        &[
            "users", "add", "--user", "ada", "--role", "admin", "--as", "admin",
        ],
        2,
    );
    let err = refused(
        data,
        &["users", "role", "admin", "--role", "nurse", "--as", "admin"],
    );
    assert!(
        err.contains("you cannot change your own role: ask another administrator"),
        "{err}"
    );
    // Each change is in the audit trail.
    let db = wardline::store::Db::open(&data.join("hospitals").join("TST.db")).unwrap();
    let summaries: Vec<String> = wardline::store::audit::recent(db.conn(), 50)
        .unwrap()
        .into_iter()
        .map(|r| r.summary)
        .collect();
    for change in ["role nurse → doctor", "role doctor → nurse"] {
        assert!(
            summaries.contains(&format!("account mei: {change}")),
            "{summaries:?}"
        );
    }
}
