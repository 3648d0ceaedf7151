//! Accounts and sign-in: password hashing and rules, lockout, forced password
//! changes, role permissions, settings and session length.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{ADMIN, ADMIN_PASSWORD, USER_PASSWORD, add_user, hospital};
use wardline::Error;
use wardline::auth::{self, MAX_SESSION, hash_password, verify_password};
use wardline::domain::audit::{AuditAction, AuditRecord};
use wardline::domain::password::PasswordError;
use wardline::domain::role::Role;
use wardline::domain::settings::{SettingError, SettingKey};
use wardline::domain::time::{format_ts, parse_ts};
use wardline::ops::accounts::{self, NewAccount};
use wardline::ops::settings;
use wardline::store::Db;
use wardline::store::audit::recent;

/// "Now", at the microsecond precision the file stores, so that times read
/// back compare equal.
fn now() -> DateTime<Utc> {
    parse_ts(&format_ts(Utc::now())).expect("a stored timestamp parses")
}

/// Audit events appended after `since` events, oldest first.
fn events_after(db: &Db, since: i64) -> Vec<AuditRecord> {
    let mut all = recent(db.conn(), 10_000).unwrap();
    all.retain(|r| r.seq > since);
    all.reverse();
    all
}

fn actions(events: &[AuditRecord]) -> Vec<String> {
    events.iter().map(|e| e.action.clone()).collect()
}

fn user_name_key(db: &Db) -> wardline::domain::sign_in_name::UserNameKey {
    wardline::store::secrets::user_name_key(db.conn()).expect("the hospital's key for user names")
}

fn head_seq(db: &Db) -> i64 {
    wardline::store::audit::head(db.conn()).unwrap().0
}

fn wrong_sign_in(db: &mut Db, user_name: &str, at: DateTime<Utc>) -> Error {
    auth::sign_in(db, user_name, "not the password at all", at)
        .expect_err("a wrong password signed in")
}

const FAILED: &str = "LOGIN_FAILED";
const LOCKED: &str = "LOCKED_OUT";

#[test]
fn action_names_are_as_stored() {
    assert_eq!(AuditAction::LoginFailed.to_string(), FAILED);
    assert_eq!(AuditAction::LockedOut.to_string(), LOCKED);
}

#[test]
fn passwords_hash_as_argon2id_with_the_owasp_parameters() {
    let hash = hash_password(ADMIN_PASSWORD).unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "unexpected PHC string {hash}"
    );
    assert!(!hash.contains(ADMIN_PASSWORD));
    assert!(verify_password(&hash, ADMIN_PASSWORD));
    assert!(!verify_password(&hash, "correct horse battery "));
    assert!(!verify_password(&hash, "Correct horse battery"));
    assert!(!verify_password(&hash, ""));
    // A fresh salt each time.
    let again = hash_password(ADMIN_PASSWORD).unwrap();
    assert_ne!(hash, again);
    assert!(verify_password(&again, ADMIN_PASSWORD));
    // Whatever is stored, garbage never verifies.
    assert!(!verify_password("not a hash", ADMIN_PASSWORD));
    assert!(!verify_password("", ""));
}

fn password_error(r: wardline::error::Result<impl std::fmt::Debug>) -> PasswordError {
    match r {
        Err(Error::Password(e)) => e,
        other => panic!("expected a password refusal, got {other:?}"),
    }
}

#[test]
fn the_first_admin_must_have_a_good_password() {
    let dir = tempfile::tempdir().unwrap();
    let (_data, mut db) = common::bare_hospital(dir.path());
    let mut first =
        |name: &str, pw: &str| accounts::create_first_admin(&mut db, name, "", pw, Utc::now());
    assert_eq!(
        password_error(first("amina", "short pw")),
        PasswordError::TooShort { min: 12 }
    );
    assert_eq!(
        password_error(first("amina", "eleven char")),
        PasswordError::TooShort { min: 12 }
    );
    assert_eq!(
        password_error(first("amina", &"x".repeat(129))),
        PasswordError::TooLong
    );
    assert_eq!(
        password_error(first("amina.okafor", "amina.okafor")),
        PasswordError::SameAsUserName
    );
    assert_eq!(
        password_error(first("amina.okafor", "Amina.Okafor")),
        PasswordError::SameAsUserName
    );
    assert_eq!(
        password_error(first("amina", "password1234")),
        PasswordError::Common
    );
    assert_eq!(
        password_error(first("amina", "PASSWORD1234")),
        PasswordError::Common
    );
    // Nothing was created by the refusals.
    assert!(
        wardline::store::users::list(db.conn()).unwrap().is_empty(),
        "a refused account was created"
    );
    // A good one is accepted, and only once.
    let admin = accounts::create_first_admin(&mut db, "Amina", "", ADMIN_PASSWORD, Utc::now())
        .expect("a good first admin");
    assert_eq!(admin.user_name, "amina");
    assert_eq!(admin.role, Role::Admin);
    assert!(!admin.must_change_password);
    match accounts::create_first_admin(&mut db, "second", "", ADMIN_PASSWORD, Utc::now()) {
        Err(Error::Refused(_)) => {}
        other => panic!("a second first admin: {other:?}"),
    }
}

#[test]
fn an_admin_adds_accounts_only_with_good_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let add = |db: &mut Db, name: &str, pw: &str| {
        accounts::add(
            db,
            &h.admin,
            &NewAccount {
                user_name: name,
                full_name: "Nora Nurse",
                role: Role::Nurse,
                password: pw,
            },
            false,
            Utc::now(),
        )
    };
    assert_eq!(
        password_error(add(&mut h.db, "nora", "too short")),
        PasswordError::TooShort { min: 12 }
    );
    assert_eq!(
        password_error(add(&mut h.db, "nora", &"y".repeat(129))),
        PasswordError::TooLong
    );
    assert_eq!(
        password_error(add(&mut h.db, "nora.nightingale", "nora.nightingale")),
        PasswordError::SameAsUserName
    );
    assert_eq!(
        password_error(add(&mut h.db, "nora", "password1234")),
        PasswordError::Common
    );
    let users = wardline::store::users::list(h.db.conn()).unwrap();
    assert_eq!(users.len(), 1, "a refused account was created");

    // 128 characters is the longest accepted (of a real phrase: one letter
    // repeated is easy to guess, whatever its length).
    assert!(matches!(
        password_error(add(&mut h.db, "nora", &"z".repeat(128))),
        PasswordError::Guessable { .. }
    ));
    let phrase = "seven purple herons watch the river bank from tall reeds at dawn while a lazy dog sleeps near the old mill and ferries cross";
    let longest: String = phrase.chars().cycle().take(128).collect();
    assert_eq!(longest.chars().count(), 128);
    let nora = add(&mut h.db, "nora", &longest).expect("128 characters are allowed");
    assert_eq!(nora.role, Role::Nurse);
    assert!(auth::sign_in(&mut h.db, "nora", &longest, Utc::now()).is_ok());

    // The same user name twice is refused.
    assert!(matches!(
        add(&mut h.db, "NORA", USER_PASSWORD),
        Err(Error::Store(wardline::store::StoreError::Conflict(_)))
    ));

    // Resets follow the same rules.
    assert_eq!(
        password_error(accounts::reset_password(
            &mut h.db,
            &h.admin,
            "nora",
            "password1234",
            Utc::now()
        )),
        PasswordError::Common
    );

    // The hospital's minimum length is in force.
    settings::set(&mut h.db, &h.admin, "password_min_length", "16").unwrap();
    assert_eq!(
        password_error(add(&mut h.db, "olu", "fifteen chars!!")),
        PasswordError::TooShort { min: 16 }
    );
    // ... and applies to resets as well.
    assert_eq!(
        password_error(accounts::reset_password(
            &mut h.db,
            &h.admin,
            "nora",
            "fifteen chars!!",
            Utc::now()
        )),
        PasswordError::TooShort { min: 16 }
    );
}

#[test]
fn five_wrong_passwords_lock_the_account_until_the_lock_expires() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let nora_id = wardline::store::users::find(h.db.conn(), "nora")
        .unwrap()
        .unwrap()
        .0
        .id
        .to_string();
    let t0 = now();
    let start = head_seq(&h.db);

    // The count is per user name whatever its case or spaces.
    for (i, typed) in ["nora", "NORA", "Nora", " nora "].iter().enumerate() {
        match wrong_sign_in(&mut h.db, typed, t0) {
            Error::InvalidCredentials => {}
            other => panic!("failure {} gave {other:?}", i + 1),
        }
    }
    let until = match wrong_sign_in(&mut h.db, "nora", t0) {
        Error::Locked { until } => until,
        other => panic!("the 5th failure gave {other:?}"),
    };
    assert_eq!(until, t0 + Duration::minutes(15));

    let events = events_after(&h.db, start);
    assert_eq!(
        actions(&events),
        [FAILED, FAILED, FAILED, FAILED, FAILED, LOCKED]
    );
    for e in &events {
        assert_eq!(e.actor_name, "nora");
        assert_eq!(e.actor_id, None);
        assert_eq!(e.entity_id.as_deref(), Some(nora_id.as_str()));
        assert!(!e.summary.contains("not the password"));
    }

    // While locked, even the right password is refused, and that is audited.
    let during = head_seq(&h.db);
    for later in [Duration::seconds(1), Duration::minutes(14)] {
        match auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0 + later) {
            Err(Error::Locked { until: u }) => assert_eq!(u, until),
            other => panic!("the right password while locked: {other:?}"),
        }
    }
    assert!(matches!(
        auth::sign_in_for_command(&mut h.db, "nora", USER_PASSWORD, t0 + Duration::minutes(1)),
        Err(Error::Locked { .. })
    ));
    assert_eq!(
        actions(&events_after(&h.db, during)),
        [FAILED, FAILED, FAILED]
    );
    let user = wardline::store::users::find(h.db.conn(), "nora")
        .unwrap()
        .unwrap()
        .0;
    assert!(user.is_locked(t0 + Duration::minutes(14)));

    // After the lock ends, the right password works.
    let session = auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0 + Duration::minutes(16))
        .expect("the lock has expired");
    assert_eq!(session.user.user_name, "nora");
    assert_eq!(
        wardline::store::users::throttle(h.db.conn(), "nora").unwrap(),
        (0, None),
        "a good sign-in clears the failures"
    );
}

#[test]
fn failures_must_be_consecutive_and_an_expired_lock_starts_a_new_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let t0 = now();

    for _ in 0..4 {
        assert!(matches!(
            wrong_sign_in(&mut h.db, "nora", t0),
            Error::InvalidCredentials
        ));
    }
    common::sign_in_user(&mut h.db, "nora", t0);
    for _ in 0..4 {
        assert!(matches!(
            wrong_sign_in(&mut h.db, "nora", t0),
            Error::InvalidCredentials
        ));
    }
    assert!(matches!(
        wrong_sign_in(&mut h.db, "nora", t0),
        Error::Locked { .. }
    ));

    // Once the lock has run out, one more mistake is one failure, not a new lock.
    let later = t0 + Duration::minutes(20);
    assert!(matches!(
        wrong_sign_in(&mut h.db, "nora", later),
        Error::InvalidCredentials
    ));
    common::sign_in_user(&mut h.db, "nora", later);
}

#[test]
fn an_unknown_user_name_locks_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let t0 = now();
    let start = head_seq(&h.db);

    let mut unknown = Vec::new();
    let mut known = Vec::new();
    for _ in 0..5 {
        unknown.push(wrong_sign_in(&mut h.db, "ghost", t0));
        known.push(wrong_sign_in(&mut h.db, "nora", t0));
    }
    for (i, (u, k)) in unknown.iter().zip(&known).enumerate() {
        // The same error, word for word: nothing tells whether "ghost" exists.
        assert_eq!(u.to_string(), k.to_string(), "attempt {}", i + 1);
        if i < 4 {
            assert!(matches!(u, Error::InvalidCredentials), "{u:?}");
        } else {
            match u {
                Error::Locked { until } => assert_eq!(*until, t0 + Duration::minutes(15)),
                other => panic!("the 5th failure for an unknown name gave {other:?}"),
            }
            assert!(matches!(k, Error::Locked { .. }), "{k:?}");
        }
    }
    let tag = user_name_key(&h.db).tag("ghost");
    let ghost: Vec<_> = events_after(&h.db, start)
        .into_iter()
        .filter(|e| e.actor_name == tag)
        .collect();
    assert_eq!(
        actions(&ghost),
        [FAILED, FAILED, FAILED, FAILED, FAILED, LOCKED]
    );
    assert!(ghost.iter().all(|e| e.entity_id.is_none()));

    // Still locked for a later attempt, as a real account would be.
    assert!(matches!(
        auth::sign_in(
            &mut h.db,
            "ghost",
            "anything at all",
            t0 + Duration::minutes(5)
        ),
        Err(Error::Locked { .. })
    ));
}

#[test]
fn an_admin_unlock_lifts_the_lock_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let t0 = now();
    for _ in 0..5 {
        wrong_sign_in(&mut h.db, "nora", t0);
    }
    assert!(matches!(
        auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0),
        Err(Error::Locked { .. })
    ));
    let listed = accounts::list(&h.db, &h.admin).unwrap();
    let nora = listed.iter().find(|u| u.user_name == "nora").unwrap();
    assert!(nora.is_locked(t0));

    let start = head_seq(&h.db);
    let unlocked = accounts::unlock(&mut h.db, &h.admin, "Nora").expect("unlock");
    assert_eq!(unlocked.locked_until, None);
    assert!(!unlocked.is_locked(t0));
    let events = events_after(&h.db, start);
    assert_eq!(actions(&events), ["UPDATE"]);
    assert_eq!(events[0].actor_name, ADMIN);
    assert_eq!(events[0].entity_id.as_deref(), Some(unlocked.id.as_str()));
    assert!(
        events[0].summary.contains("unlocked"),
        "{}",
        events[0].summary
    );

    let session = auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0 + Duration::seconds(1))
        .expect("unlocked");
    assert_eq!(session.user.user_name, "nora");

    assert!(matches!(
        accounts::unlock(&mut h.db, &h.admin, "nobody"),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn unlocking_a_locked_screen_follows_the_same_lockout() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let t0 = now();
    let session = common::sign_in_user(&mut h.db, "nora", t0);
    auth::lock_session(&mut h.db, &session, "idle").unwrap();
    auth::unlock_session(&mut h.db, &session, USER_PASSWORD, t0).expect("the right password");

    let start = head_seq(&h.db);
    for _ in 0..4 {
        assert!(matches!(
            auth::unlock_session(&mut h.db, &session, "not my password", t0),
            Err(Error::InvalidCredentials)
        ));
    }
    assert!(matches!(
        auth::unlock_session(&mut h.db, &session, "not my password", t0),
        Err(Error::Locked { .. })
    ));
    assert!(matches!(
        auth::unlock_session(
            &mut h.db,
            &session,
            USER_PASSWORD,
            t0 + Duration::minutes(1)
        ),
        Err(Error::Locked { .. })
    ));
    // The lock is on the account: a fresh sign-in is refused too.
    assert!(matches!(
        auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0 + Duration::minutes(1)),
        Err(Error::Locked { .. })
    ));
    assert_eq!(
        actions(&events_after(&h.db, start)),
        [
            FAILED, FAILED, FAILED, FAILED, FAILED, LOCKED, FAILED, FAILED
        ]
    );
    auth::unlock_session(
        &mut h.db,
        &session,
        USER_PASSWORD,
        t0 + Duration::minutes(16),
    )
    .expect("the lock has expired");
    assert_eq!(
        recent(h.db.conn(), 1).unwrap()[0].action,
        AuditAction::Unlock.to_string()
    );
}

#[test]
fn a_reset_password_must_be_changed_before_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let temporary = "temporary ward key";
    let new = "my own long passphrase";

    let reset = accounts::reset_password(&mut h.db, &h.admin, "nora", temporary, Utc::now())
        .expect("reset");
    assert!(reset.must_change_password);
    assert!(matches!(
        auth::sign_in(&mut h.db, "nora", USER_PASSWORD, Utc::now()),
        Err(Error::InvalidCredentials)
    ));

    match auth::sign_in_for_command(&mut h.db, "nora", temporary, Utc::now()) {
        Err(Error::MustChangePassword(name)) => assert_eq!(name, "nora"),
        other => panic!("expected MustChangePassword, got {other:?}"),
    }

    let mut session = auth::sign_in(&mut h.db, "nora", temporary, Utc::now()).unwrap();
    assert!(session.user.must_change_password);

    match auth::change_own_password(
        &mut h.db,
        &mut session,
        new,
        "my own long passphrasE",
        Utc::now(),
    ) {
        Err(Error::Password(PasswordError::Mismatch)) => {}
        other => panic!("mismatched confirmation: {other:?}"),
    }
    match auth::change_own_password(&mut h.db, &mut session, temporary, temporary, Utc::now()) {
        Err(Error::Refused(_)) => {}
        other => panic!("the same password again: {other:?}"),
    }
    match auth::change_own_password(&mut h.db, &mut session, "nora", "nora", Utc::now()) {
        Err(Error::Password(PasswordError::TooShort { min: 12 })) => {}
        other => panic!("a short password: {other:?}"),
    }
    match auth::change_own_password(
        &mut h.db,
        &mut session,
        "password1234",
        "password1234",
        Utc::now(),
    ) {
        Err(Error::Password(PasswordError::Common)) => {}
        other => panic!("a common password: {other:?}"),
    }
    assert!(
        session.user.must_change_password,
        "a refusal cleared the flag"
    );

    let start = head_seq(&h.db);
    auth::change_own_password(&mut h.db, &mut session, new, new, Utc::now())
        .expect("a good new password");
    assert!(!session.user.must_change_password);
    let stored = wardline::store::users::find(h.db.conn(), "nora")
        .unwrap()
        .unwrap();
    assert!(!stored.0.must_change_password);
    assert!(verify_password(&stored.1, new));
    let events = events_after(&h.db, start);
    assert_eq!(actions(&events), ["UPDATE"]);
    assert_eq!(events[0].actor_name, "nora");

    let cmd = auth::sign_in_for_command(&mut h.db, "nora", new, Utc::now())
        .expect("a command signs in after the change");
    assert!(!cmd.user.must_change_password);
    assert!(matches!(
        auth::sign_in(&mut h.db, "nora", temporary, Utc::now()),
        Err(Error::InvalidCredentials)
    ));

    // No password ever reaches the audit trail.
    for e in recent(h.db.conn(), 10_000).unwrap() {
        for secret in [temporary, new, USER_PASSWORD, ADMIN_PASSWORD] {
            assert!(
                !e.summary.contains(secret),
                "event {} shows a password: {}",
                e.seq,
                e.summary
            );
        }
    }
}

#[test]
fn a_nurse_cannot_administer() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let nurse = common::sign_in_user(&mut h.db, "nora", Utc::now());
    let start = head_seq(&h.db);

    let account = NewAccount {
        user_name: "olu",
        full_name: "",
        role: Role::Doctor,
        password: USER_PASSWORD,
    };
    let refused = |r: std::result::Result<(), Error>, what: &str| match r {
        Err(Error::NotPermitted(msg)) => assert!(msg.contains("nurse"), "{what}: {msg}"),
        other => panic!("a nurse could {what}: {other:?}"),
    };
    refused(
        accounts::add(&mut h.db, &nurse, &account, false, Utc::now()).map(drop),
        "add an account",
    );
    refused(
        settings::set(&mut h.db, &nurse, "lockout_threshold", "3").map(drop),
        "change a setting",
    );
    refused(settings::list(&h.db, &nurse).map(drop), "list settings");
    refused(accounts::list(&h.db, &nurse).map(drop), "list accounts");
    refused(
        accounts::unlock(&mut h.db, &nurse, ADMIN).map(drop),
        "unlock",
    );
    refused(
        accounts::reset_password(&mut h.db, &nurse, ADMIN, "a nurse's choice", Utc::now())
            .map(drop),
        "reset a password",
    );
    refused(
        accounts::disable(&mut h.db, &nurse, ADMIN, Utc::now()).map(drop),
        "disable an account",
    );
    refused(
        accounts::enable(&mut h.db, &nurse, ADMIN, Utc::now()).map(drop),
        "enable an account",
    );

    assert_eq!(head_seq(&h.db), start, "a refused change wrote to the file");
    assert_eq!(wardline::store::users::list(h.db.conn()).unwrap().len(), 2);
    assert_eq!(h.db.settings().unwrap().lockout_threshold, 5);
}

#[test]
fn disabling_spares_oneself_and_the_last_admin() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    add_user(&mut h.db, &h.admin, "bola", Role::Admin);

    match accounts::disable(&mut h.db, &h.admin, ADMIN, Utc::now()) {
        Err(Error::Refused(msg)) => assert!(msg.contains("your own account"), "{msg}"),
        other => panic!("an admin disabled themself: {other:?}"),
    }

    // A disabled account cannot sign in, with the same answer as a wrong password.
    let disabled = accounts::disable(&mut h.db, &h.admin, "nora", Utc::now()).unwrap();
    assert!(disabled.disabled_at.is_some());
    match auth::sign_in(&mut h.db, "nora", USER_PASSWORD, Utc::now()) {
        Err(Error::InvalidCredentials) => {}
        other => panic!("a disabled account signed in: {other:?}"),
    }
    assert!(matches!(
        accounts::disable(&mut h.db, &h.admin, "nora", Utc::now()),
        Err(Error::Refused(_))
    ));

    let enabled = accounts::enable(&mut h.db, &h.admin, "nora", Utc::now()).unwrap();
    assert!(enabled.disabled_at.is_none());
    common::sign_in_user(&mut h.db, "nora", Utc::now());
    assert!(matches!(
        accounts::enable(&mut h.db, &h.admin, "nora", Utc::now()),
        Err(Error::Refused(_))
    ));

    // Two admins: bola disables admin. The session admin still holds loses
    // its rights at once, so it cannot disable bola, the last active
    // administrator, nor do anything else an administrator does.
    let bola = common::sign_in_user(&mut h.db, "bola", Utc::now());
    accounts::disable(&mut h.db, &bola, ADMIN, Utc::now()).expect("one of two admins");
    assert!(matches!(
        auth::sign_in(&mut h.db, ADMIN, ADMIN_PASSWORD, Utc::now()),
        Err(Error::InvalidCredentials)
    ));
    match accounts::disable(&mut h.db, &h.admin, "bola", Utc::now()) {
        Err(Error::NotPermitted(msg)) => assert!(msg.contains("disabled"), "{msg}"),
        other => panic!("a disabled admin's session disabled the last administrator: {other:?}"),
    }
    match settings::set(&mut h.db, &h.admin, "currency", "EUR") {
        Err(Error::NotPermitted(msg)) => assert!(msg.contains("disabled"), "{msg}"),
        other => panic!("a disabled admin's session changed a setting: {other:?}"),
    }
    match accounts::disable(&mut h.db, &bola, "bola", Utc::now()) {
        Err(Error::Refused(msg)) => assert!(msg.contains("your own account"), "{msg}"),
        other => panic!("the last administrator disabled themself: {other:?}"),
    }
    assert_eq!(
        wardline::store::users::active_admins(h.db.conn()).unwrap(),
        1
    );
    common::sign_in_user(&mut h.db, "bola", Utc::now());

    assert!(matches!(
        accounts::disable(&mut h.db, &bola, "nobody", Utc::now()),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn settings_are_validated_stored_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let start = head_seq(&h.db);

    match settings::set(&mut h.db, &h.admin, "lockout_threshold", "2") {
        Err(Error::Setting(SettingError::Invalid { key, value, .. })) => {
            assert_eq!(key, SettingKey::LockoutThreshold);
            assert_eq!(value, "2");
        }
        other => panic!("a bad threshold was accepted: {other:?}"),
    }
    match settings::set(&mut h.db, &h.admin, "colour", "blue") {
        Err(Error::Setting(SettingError::UnknownKey(k))) => assert_eq!(k, "colour"),
        other => panic!("an unknown key was accepted: {other:?}"),
    }
    assert!(matches!(
        settings::set(&mut h.db, &h.admin, "currency", "shilling"),
        Err(Error::Setting(SettingError::Invalid { .. }))
    ));
    assert_eq!(
        head_seq(&h.db),
        start,
        "a refused setting was audited as a change"
    );
    assert_eq!(h.db.settings().unwrap().lockout_threshold, 5);

    assert_eq!(
        settings::set(&mut h.db, &h.admin, "lockout_threshold", " 3 ").unwrap(),
        "3"
    );
    assert_eq!(
        settings::set(&mut h.db, &h.admin, "currency", "kes").unwrap(),
        "KES"
    );
    let s = h.db.settings().unwrap();
    assert_eq!(s.lockout_threshold, 3);
    assert_eq!(s.currency, "KES");

    let events = events_after(&h.db, start);
    assert_eq!(actions(&events), ["UPDATE", "UPDATE"]);
    let threshold = &events[0];
    assert_eq!(threshold.entity, "setting");
    assert_eq!(threshold.entity_id.as_deref(), Some("lockout_threshold"));
    assert_eq!(threshold.actor_name, ADMIN);
    assert_eq!(threshold.actor_role.as_deref(), Some("admin"));
    assert!(
        threshold.summary.contains("\"5\"") && threshold.summary.contains("\"3\""),
        "the event should show the old and new values: {}",
        threshold.summary
    );
    assert!(
        threshold.summary.find("\"5\"") < threshold.summary.find("\"3\""),
        "old value first: {}",
        threshold.summary
    );
    assert!(events[1].summary.contains("\"USD\"") && events[1].summary.contains("\"KES\""));

    // The new threshold is in force, and survives reopening the file.
    let t0 = now();
    for _ in 0..2 {
        assert!(matches!(
            wrong_sign_in(&mut h.db, "ghost", t0),
            Error::InvalidCredentials
        ));
    }
    assert!(matches!(
        wrong_sign_in(&mut h.db, "ghost", t0),
        Error::Locked { .. }
    ));
    let path = h.db.path().to_path_buf();
    drop(h);
    let db = Db::open(&path).unwrap();
    assert_eq!(db.settings().unwrap().lockout_threshold, 3);
}

#[test]
fn a_session_ends_after_twelve_hours() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let t0 = now();
    let session = auth::sign_in(&mut h.db, ADMIN, ADMIN_PASSWORD, t0).unwrap();
    assert_eq!(session.started_at, t0);
    assert_eq!(MAX_SESSION, Duration::hours(12));
    assert!(!session.expired(t0));
    assert!(!session.expired(t0 + Duration::hours(12) - Duration::seconds(1)));
    assert!(session.expired(t0 + Duration::hours(12)));
    assert!(session.expired(t0 + Duration::hours(13)));
    let user = wardline::store::users::find(h.db.conn(), ADMIN)
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(user.last_login_at, Some(t0));
}

/// Sign-ins of one name arriving all at once, each from its own
/// connection as terminals and commands make them: every attempt is
/// counted before its password is checked, so no more than the lockout's
/// threshold of wrong passwords is ever checked, and the rest are refused
/// as locked without a check.
#[test]
fn parallel_wrong_passwords_check_no_more_than_the_threshold() {
    for attempts in [40, 100] {
        let dir = tempfile::tempdir().unwrap();
        let mut h = hospital(dir.path());
        add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
        let path = h.db.path().to_path_buf();
        let start = head_seq(&h.db);
        let t0 = now();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(attempts));
        let threads: Vec<_> = (0..attempts)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut db = Db::open(&path).unwrap();
                    barrier.wait();
                    auth::sign_in(&mut db, "nora", "not the password at all", t0)
                        .expect_err("a wrong password signed in")
                })
            })
            .collect();
        let mut locked = 0;
        for t in threads {
            match t.join().unwrap() {
                Error::Locked { .. } => locked += 1,
                Error::InvalidCredentials => {}
                other => panic!("{other:?}"),
            }
        }
        let events = events_after(&h.db, start);
        let checked = events
            .iter()
            .filter(|e| e.summary == "wrong user name or password")
            .count();
        assert_eq!(checked, 5, "{attempts} at once: {:?}", actions(&events));
        assert_eq!(locked, attempts - 4, "{attempts} at once");
        let refused = events
            .iter()
            .filter(|e| e.summary == "sign-in refused: account locked")
            .count();
        assert_eq!(refused, attempts - 5);
        assert_eq!(actions(&events).iter().filter(|a| *a == LOCKED).count(), 1);
        // The lock holds against the right password too, then ends.
        assert!(matches!(
            auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0 + Duration::minutes(1)),
            Err(Error::Locked { .. })
        ));
        auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0 + Duration::minutes(16))
            .expect("the lock has ended");
    }
}

/// A command killed mid-way leaves its session open: the user's next
/// sign-in ends every session of theirs older than the maximum length as
/// expired (audited), and leaves a younger one (a terminal in use) open.
#[test]
fn sessions_left_open_past_their_maximum_length_expire_at_the_next_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let t0 = now();
    let killed = auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0).unwrap();
    let in_use = auth::sign_in(&mut h.db, "nora", USER_PASSWORD, t0 + Duration::hours(2)).unwrap();
    let start = head_seq(&h.db);
    let later = t0 + MAX_SESSION + Duration::minutes(1);
    let fresh = auth::sign_in(&mut h.db, "nora", USER_PASSWORD, later).unwrap();
    let state = |id: &wardline::domain::ids::Id| -> (Option<String>, Option<String>) {
        h.db.conn()
            .query_row(
                "SELECT ended_at, end_reason FROM sessions WHERE id = ?1",
                [id.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    assert_eq!(
        state(&killed.id),
        (Some(format_ts(later)), Some("expired".to_string()))
    );
    assert_eq!(state(&in_use.id), (None, None));
    assert_eq!(state(&fresh.id), (None, None));
    let events = events_after(&h.db, start);
    assert_eq!(actions(&events), ["LOGOUT", "LOGIN"]);
    assert_eq!(events[0].entity_id.as_deref(), Some(killed.id.as_str()));
    assert!(events[0].summary.contains("past its maximum length"));
}

/// An unknown user name is checked against a decoy hash of the same cost
/// as a real one, made in advance: never hashed on first use, which made a
/// wrong name measurably slower than a wrong password.
#[test]
fn the_decoy_hash_costs_what_a_real_one_does() {
    let real = hash_password(ADMIN_PASSWORD).unwrap();
    let parameters = |h: &str| h.rsplitn(3, '$').nth(2).map(str::to_string);
    assert_eq!(parameters(auth::DECOY_HASH), parameters(&real));
    assert!(parameters(&real).is_some_and(|p| p.starts_with("$argon2id$v=19$m=19456,t=2,p=1")));
    assert!(!verify_password(auth::DECOY_HASH, ""));
    assert!(!verify_password(auth::DECOY_HASH, ADMIN_PASSWORD));
}

/// A password an administrator chose on the command line works once: to
/// sign in and choose one's own. Commands are refused until then, saying
/// how; `users passwd` changes it.
#[test]
fn an_account_made_on_the_command_line_chooses_its_own_password_first() {
    let dir = tempfile::tempdir().unwrap();
    let h = hospital(dir.path());
    let data = h.data.root().to_path_buf();
    drop(h);
    let chosen = "temporary ward key 7";
    let (ok, said) = common::cli::said(
        &data,
        &[
            "users", "add", "--user", "nora", "--role", "nurse", "--as", ADMIN,
        ],
        &format!("{ADMIN_PASSWORD}\n{chosen}\n"),
    );
    assert!(ok, "{said}");
    assert!(said.contains("choose their own"), "{said}");
    let wards = ["wards", "list", "--as", "nora"];
    let (ok, said) = common::cli::said(&data, &wards, &format!("{chosen}\n"));
    assert!(!ok, "{said}");
    assert!(
        said.contains("set by an administrator and must be changed first")
            && said.contains("wardline users passwd --as nora"),
        "{said}"
    );
    let (ok, said) = common::cli::said(
        &data,
        &["users", "passwd", "--as", "nora"],
        &format!("{chosen}\n{USER_PASSWORD}\n"),
    );
    assert!(ok, "{said}");
    let (ok, said) = common::cli::said(&data, &wards, &format!("{USER_PASSWORD}\n"));
    assert!(ok, "{said}");
}

/// A fixed instant, so that nothing here depends on the day it runs.
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0).unwrap()
}

/// Every row of `table` in which any column, read as text, holds `text`
/// whatever its case.
fn rows_holding(db: &Db, table: &str, text: &str) -> Vec<String> {
    let conn = db.conn();
    let columns: Vec<String> = conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!columns.is_empty(), "no table {table}");
    let mut found = Vec::new();
    for c in columns {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT CAST({c} AS TEXT) FROM {table}
                 WHERE instr(lower(CAST({c} AS TEXT)), lower(?1)) > 0"
            ))
            .unwrap();
        let hits = stmt.query_map([text], |r| r.get::<_, String>(0)).unwrap();
        for hit in hits {
            found.push(format!("{table}.{c} = {}", hit.unwrap()));
        }
    }
    found
}

/// Review finding 13: a password typed into the user-name field was kept,
/// lower-cased, in the audit trail and the lockout table for ever. Now only
/// its keyed tag is kept, and the tag still counts to a lock.
#[test]
fn a_user_name_nobody_has_is_kept_only_as_its_tag_and_still_locks() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let typed = "My-Secret-Pass-99";
    let t0 = at(10, 0);
    let start = head_seq(&h.db);

    for (i, variant) in [typed, "my-secret-pass-99", " MY-SECRET-PASS-99 ", typed]
        .iter()
        .enumerate()
    {
        match wrong_sign_in(&mut h.db, variant, t0) {
            Error::InvalidCredentials => {}
            other => panic!("failure {} gave {other:?}", i + 1),
        }
    }
    match wrong_sign_in(&mut h.db, typed, t0) {
        Error::Locked { until } => assert_eq!(until, t0 + Duration::minutes(15)),
        other => panic!("the 5th failure gave {other:?}"),
    }
    assert!(matches!(
        auth::sign_in(&mut h.db, typed, "anything", t0 + Duration::minutes(5)),
        Err(Error::Locked { .. })
    ));

    for table in ["audit_log", "login_throttle"] {
        let found = rows_holding(&h.db, table, typed);
        assert!(found.is_empty(), "the typed name was kept: {found:?}");
    }
    let tag = user_name_key(&h.db).tag(typed);
    assert!(
        tag.len() == "unknown:".len() + 16
            && tag.starts_with("unknown:")
            && tag[8..].bytes().all(|b| b.is_ascii_hexdigit()),
        "{tag}"
    );
    let events = events_after(&h.db, start);
    assert_eq!(
        actions(&events),
        [FAILED, FAILED, FAILED, FAILED, FAILED, LOCKED, FAILED]
    );
    assert!(events.iter().all(|e| e.actor_name == tag), "{events:?}");
    let (failures, locked_until) = wardline::store::users::throttle(h.db.conn(), &tag).unwrap();
    assert_eq!(
        (failures, locked_until),
        (0, Some(t0 + Duration::minutes(15)))
    );
}

/// The tag of one name is the same at every attempt in one hospital, so an
/// administrator sees repeated tries on it; another hospital, with its own
/// key, tags the same name differently.
#[test]
fn a_tag_is_stable_in_one_hospital_and_differs_in_another() {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut first = hospital(one.path());
    let mut second = hospital(two.path());
    let t0 = at(9, 30);
    let kept = |db: &mut Db, typed: &str| {
        let start = head_seq(db);
        wrong_sign_in(db, typed, t0);
        let events = events_after(db, start);
        assert_eq!(actions(&events), [FAILED]);
        events[0].actor_name.clone()
    };
    let a = kept(&mut first.db, "ghost");
    assert_eq!(kept(&mut first.db, "Ghost "), a);
    assert_eq!(user_name_key(&first.db).tag("ghost"), a);
    assert_ne!(kept(&mut first.db, "ghost2"), a);
    let b = kept(&mut second.db, "ghost");
    assert!(b.starts_with("unknown:"), "{b}");
    assert_ne!(a, b, "two hospitals gave one tag");
}

/// A known account's failed sign-in names the account, as before.
#[test]
fn a_known_users_failed_sign_in_still_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let start = head_seq(&h.db);
    wrong_sign_in(&mut h.db, "Nora", at(8, 0));
    let events = events_after(&h.db, start);
    assert_eq!(actions(&events), [FAILED]);
    assert_eq!(events[0].actor_name, "nora");
    assert_eq!(
        wardline::store::users::throttle(h.db.conn(), "nora").unwrap(),
        (1, None)
    );
    assert!(rows_holding(&h.db, "login_throttle", "unknown:").is_empty());
}

/// The review's own reproduction: `--as` with a password on the command
/// line leaves no trace of it in the file, its output or its log.
#[test]
fn a_password_given_as_the_user_on_the_command_line_is_never_kept() {
    let dir = tempfile::tempdir().unwrap();
    let h = hospital(dir.path());
    let data = h.data.root().to_path_buf();
    let file = h.data.hospital_file(&common::code());
    drop(h);
    let typed = "My-Secret-Pass-99";
    let (ok, said) = common::cli::said(&data, &["users", "list", "--as", typed], "x\n");
    assert!(!ok, "{said}");
    assert!(
        !said.to_lowercase().contains(&typed.to_lowercase()),
        "{said}"
    );
    let db = Db::open(&file).unwrap();
    for table in ["audit_log", "login_throttle"] {
        let found = rows_holding(&db, table, typed);
        assert!(found.is_empty(), "the typed name was kept: {found:?}");
    }
    let logs = data.join("logs");
    for entry in std::fs::read_dir(&logs).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(
            !text.to_lowercase().contains(&typed.to_lowercase()),
            "{text}"
        );
    }
}
