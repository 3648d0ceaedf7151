//! `wardline users add --role patient --patient MRN` and `wardline patients
//! portal MRN --off|--on` in the real binary: the temporary password is
//! printed once and works once; the refusals say what to do.

mod common;

use chrono::Utc;
use common::cli::{run, said};
use common::clinic::{person, register};
use wardline::auth;
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops;
use wardline::store::Db;

/// A hospital in `dir` with a receptionist "desk" and two patients, the
/// first verified: their MRNs.
fn hospital(dir: &std::path::Path) -> (String, String) {
    let common::Hospital { mut db, admin, .. } = common::hospital(dir);
    common::add_user(&mut db, &admin, "desk", Role::Receptionist);
    common::add_user(&mut db, &admin, "rahman", Role::Doctor);
    let verified = register(
        &mut db,
        &admin,
        &person("Ama", "Mensah", "1980-01-01", "F"),
        Utc::now(),
    );
    ops::patients::verify_identity(&mut db, &admin, &verified.id, Utc::now()).unwrap();
    let unverified = register(
        &mut db,
        &admin,
        &person("Esi", "Owusu", "1981-01-01", "F"),
        Utc::now(),
    );
    (verified.mrn, unverified.mrn)
}

fn open(dir: &std::path::Path) -> Db {
    let data = wardline::paths::DataDir::resolve(Some(dir.to_path_buf())).unwrap();
    Db::open(&data.hospital_file(&common::code())).unwrap()
}

fn desk(args: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = args.iter().map(ToString::to_string).collect();
    all.extend(["--as".into(), "desk".into()]);
    all
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn a_receptionist_creates_a_patient_account_and_the_password_works_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mrn, _) = hospital(dir.path());
    let args = desk(&["users", "add", "--role", "patient", "--patient", &mrn]);
    let out = run(
        dir.path(),
        &as_strs(&args),
        &format!("{}\n", common::USER_PASSWORD),
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let user = mrn.to_lowercase();
    assert!(
        stdout.contains(&format!("User name:          {user}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("they must change it at first sign-in"),
        "{stdout}"
    );
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Temporary password: "))
        .expect("the temporary password is printed")
        .trim()
        .to_string();

    let mut db = open(dir.path());
    let session = auth::sign_in(&mut db, &user, &password, Utc::now()).unwrap();
    assert!(session.user.must_change_password);
    assert!(matches!(
        auth::sign_in_for_command(&mut db, &user, &password, Utc::now()),
        Err(Error::MustChangePassword(_))
    ));
    drop(db);

    // The command line cannot sign the patient in past the forced change.
    let (ok, said_) = said(
        dir.path(),
        &["users", "list", "--as", &user],
        &format!("{password}\n"),
    );
    assert!(!ok);
    assert!(said_.contains("must be changed first"), "{said_}");

    let (ok, again) = said(
        dir.path(),
        &as_strs(&args),
        &format!("{}\n", common::USER_PASSWORD),
    );
    assert!(!ok);
    assert!(again.contains("already has a portal account"), "{again}");
}

#[test]
fn the_refusals_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (mrn, unverified) = hospital(dir.path());
    let pw = format!("{}\n", common::USER_PASSWORD);
    let (ok, out) = said(
        dir.path(),
        &as_strs(&desk(&[
            "users", "add", "--role", "patient", "--user", "ama",
        ])),
        &pw,
    );
    assert!(!ok);
    assert!(out.contains("add --patient MRN"), "{out}");
    let (ok, out) = said(
        dir.path(),
        &as_strs(&desk(&[
            "users",
            "add",
            "--role",
            "patient",
            "--patient",
            &unverified,
        ])),
        &pw,
    );
    assert!(!ok);
    assert!(out.contains("verify the patient's identity first"), "{out}");
    let (ok, out) = said(
        dir.path(),
        &as_strs(&desk(&[
            "users",
            "add",
            "--role",
            "nurse",
            "--patient",
            &mrn,
        ])),
        &pw,
    );
    assert!(!ok);
    assert!(
        out.contains("--patient is only for a patient's account"),
        "{out}"
    );
    let (ok, out) = said(
        dir.path(),
        &[
            "users",
            "add",
            "--role",
            "patient",
            "--patient",
            &mrn,
            "--as",
            "rahman",
        ],
        &pw,
    );
    assert!(!ok);
    assert!(out.contains("may not create portal accounts"), "{out}");
    let (ok, out) = said(
        dir.path(),
        &as_strs(&desk(&[
            "users",
            "add",
            "--role",
            "patient",
            "--patient",
            "TST-999999-X",
        ])),
        &pw,
    );
    assert!(!ok);
    assert!(out.contains("no patient has the MRN"), "{out}");
}

#[test]
fn portal_access_is_turned_off_and_on() {
    let dir = tempfile::tempdir().unwrap();
    let (mrn, _) = hospital(dir.path());
    let pw = format!("{}\n", common::USER_PASSWORD);
    let create = desk(&[
        "users",
        "add",
        "--role",
        "patient",
        "--patient",
        &mrn,
        "--user",
        "ama",
    ]);
    let (ok, out) = said(dir.path(), &as_strs(&create), &pw);
    assert!(ok, "{out}");
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("Temporary password: "))
        .unwrap()
        .trim()
        .to_string();

    let (ok, out) = said(
        dir.path(),
        &as_strs(&desk(&["patients", "portal", &mrn, "--off"])),
        &pw,
    );
    assert!(ok, "{out}");
    assert!(out.contains("is off"), "{out}");
    let mut db = open(dir.path());
    assert!(matches!(
        auth::sign_in(&mut db, "ama", &password, Utc::now()),
        Err(Error::InvalidCredentials)
    ));
    drop(db);
    let (ok, out) = said(
        dir.path(),
        &as_strs(&desk(&["patients", "portal", &mrn])),
        &pw,
    );
    assert!(!ok, "one of --off and --on is needed: {out}");
    let (ok, out) = said(
        dir.path(),
        &as_strs(&desk(&["patients", "portal", &mrn, "--on"])),
        &pw,
    );
    assert!(ok, "{out}");
    let mut db = open(dir.path());
    auth::sign_in(&mut db, "ama", &password, Utc::now()).unwrap();
}
