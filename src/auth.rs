//! Passwords (argon2id), sign-in with lockout, and sessions.
//!
//! Every way of signing in, terminal screen and command line alike, goes
//! through [`sign_in`], so the lockout rules cannot be side-stepped.

use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::domain::role::{Permission, Role};
use crate::domain::sign_in_name;
use crate::domain::user::User;
use crate::error::{Error, Result};
use crate::store::sessions::{self, EndReason};
use crate::store::users::Attempt;
use crate::store::{Db, patient_accounts, secrets, users};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};

/// A session ends this long after sign-in, however active.
pub const MAX_SESSION: Duration = Duration::hours(12);

/// Hashes a password as an argon2id PHC string (the crate's defaults are the
/// OWASP floor: 19 MiB, 2 iterations, 1 lane).
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Hash(e.to_string()))
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the user name is unknown, so that a wrong
/// name takes as long as a wrong password: made once with the parameters
/// [`hash_password`] uses, and written here rather than made on first use,
/// which made an unknown name's first check cost a hash and a verification.
pub const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$40Cyvs0PPosySD+kRFQ2wg$wg/vrZdNHFfclGvO7dV+fMPWp+N7fWHd9SN0w2qWuaw";

/// A signed-in user at one terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: Id,
    pub user: User,
    pub started_at: DateTime<Utc>,
}

impl Session {
    /// The actor recorded in audit events.
    pub fn actor(&self) -> Actor {
        Actor {
            id: Some(self.user.id.to_string()),
            name: self.user.user_name.clone(),
            role: Some(self.user.role),
        }
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Refuses with a clear message unless the user's role allows `p`.
    pub fn require(&self, p: Permission, doing: &str) -> Result<()> {
        if self.user.role.can(p) {
            Ok(())
        } else {
            Err(Error::NotPermitted(self.user.role.refusal(p, doing)))
        }
    }

    /// Whether the session has reached its maximum length at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.started_at >= MAX_SESSION
    }
}

/// Checks, inside a write's transaction, that the acting account still
/// exists, is enabled and holds `p`: an account disabled or changed in
/// another terminal loses its rights at once, not at its next sign-in.
pub fn authorize(
    conn: &rusqlite::Connection,
    by: &Session,
    p: Permission,
    doing: &str,
) -> Result<()> {
    match users::find(conn, &by.user.user_name)? {
        Some((u, _)) if u.id == by.user.id && u.disabled_at.is_none() => {
            if u.role.can(p) {
                Ok(())
            } else {
                Err(Error::NotPermitted(u.role.refusal(p, doing)))
            }
        }
        _ => Err(Error::NotPermitted(
            "your account has been disabled: sign out, and ask an administrator".into(),
        )),
    }
}

/// The patient whose own record a patient account's session may read, checked
/// again on each read: refused (and to be signed out) once the account is
/// disabled, the patient's portal access is turned off, or the record is
/// deleted or merged. The patient is found through the account's link only.
pub fn patient_of(conn: &rusqlite::Connection, session: &Session) -> Result<Id> {
    let closed = || {
        Error::NotPermitted("your portal access has ended: ask the hospital's front desk".into())
    };
    if session.user.role != Role::Patient || !patient_accounts::may_sign_in(conn, &session.user.id)?
    {
        return Err(closed());
    }
    users::linked_patient(conn, &session.user.id)?.ok_or_else(closed)
}

/// Checks a user name and password against the lockout rules. The attempt
/// is counted in its own write transaction before the password is checked
/// (see [`users::claim_attempt`]), so parallel attempts cannot check more
/// passwords than the lockout allows; a failure is audited, a success is
/// returned for the caller to record (and to clear the count).
///
/// A patient account whose portal access is off, or whose record is deleted
/// or merged, is refused like a disabled account: as a wrong password, so
/// the answer never tells whether the name exists or the password was right.
///
/// A name no account has is counted and audited under its keyed tag
/// ([`sign_in_name::UserNameKey::tag`]), never as typed: it may be a password.
fn check_password(
    db: &mut Db,
    user_name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    let settings = db.settings()?;
    let account = users::find(db.conn(), &sign_in_name::fold(user_name))?;
    let entity_id = account.as_ref().map(|(u, _)| u.id.to_string());
    let name = match &account {
        Some((u, _)) => u.user_name.clone(),
        None => secrets::user_name_key(db.conn())?.tag(user_name),
    };
    let attempt = db.write(&Actor::anonymous(&name), |tx| {
        let attempt = users::claim_attempt(
            tx,
            &name,
            settings.lockout_threshold,
            settings.lockout_minutes,
            now,
        )?;
        let mut events = Vec::new();
        if let Attempt::Locked(_) = attempt {
            let mut e = AuditEvent::new(
                AuditAction::LoginFailed,
                "user",
                "sign-in refused: account locked",
            );
            e.entity_id.clone_from(&entity_id);
            events.push(e);
        }
        Ok::<_, Error>((attempt, events))
    })?;
    let locks = match attempt {
        Attempt::Locked(until) => {
            return Err(Error::Locked {
                until: until.with_timezone(&settings.time_zone),
            });
        }
        Attempt::Check { locks } => locks,
    };
    let matched = match &account {
        Some((u, hash)) => {
            verify_password(hash, password)
                && u.disabled_at.is_none()
                && patient_accounts::may_sign_in(db.conn(), &u.id)?
        }
        None => {
            verify_password(DECOY_HASH, password);
            false
        }
    };
    if matched {
        return account.map(|(u, _)| u).ok_or(Error::InvalidCredentials);
    }
    db.write(&Actor::anonymous(&name), |tx| {
        let mut events = vec![AuditEvent::new(
            AuditAction::LoginFailed,
            "user",
            "wrong user name or password",
        )];
        if locks.is_some() {
            users::keep_lock(tx, &name)?;
            events.push(AuditEvent::new(
                AuditAction::LockedOut,
                "user",
                format!(
                    "locked for {} minutes after {} failed sign-ins",
                    settings.lockout_minutes, settings.lockout_threshold
                ),
            ));
        }
        for e in &mut events {
            e.entity_id.clone_from(&entity_id);
        }
        Ok::<_, Error>(((), events))
    })?;
    Err(match locks {
        Some(until) => Error::Locked {
            until: until.with_timezone(&settings.time_zone),
        },
        None => Error::InvalidCredentials,
    })
}

/// Signs a user in: lockout, password, then a new session and a LOGIN event.
pub fn sign_in(
    db: &mut Db,
    user_name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Session> {
    let user = check_password(db, user_name, password, now)?;
    open_session(db, user, "signed in", now)
}

/// Signs in the account an SSH public key is registered to (the SSH server
/// has checked the client holds the key's private half). The rules of a
/// password sign-in apply: a disabled or locked account, or a patient's, is
/// refused (and the refusal audited); a forced password change stays
/// forced, on the screen the session starts at.
pub fn sign_in_by_key(db: &mut Db, fingerprint: &str, now: DateTime<Utc>) -> Result<Session> {
    let refused = |why: &str| {
        Error::NotPermitted(format!(
            "{why}: sign in with your password, or ask an administrator"
        ))
    };
    let Some(user_id) = crate::store::ssh_keys::owner(db.conn(), fingerprint)? else {
        return Err(refused("this SSH key is not registered to any account"));
    };
    let user = users::list(db.conn())?
        .into_iter()
        .find(|u| u.id == user_id)
        .ok_or_else(|| refused("this SSH key's account no longer exists"))?;
    let why = if user.disabled_at.is_some() {
        Some("the account is disabled")
    } else if user.role == Role::Patient {
        Some("a patient's account has no terminal")
    } else if user.locked_until.is_some_and(|t| t > now) {
        Some("the account is locked after failed sign-ins")
    } else {
        None
    };
    if let Some(why) = why {
        let actor = Actor::anonymous(&user.user_name);
        let summary = format!("sign-in by SSH key {fingerprint} refused: {why}");
        db.write(&actor, |_| {
            let e = AuditEvent::new(AuditAction::LoginFailed, "user", summary).on(user.id.as_str());
            Ok::<_, Error>(((), vec![e]))
        })?;
        return Err(refused(why));
    }
    open_session(
        db,
        user,
        &format!("signed in by SSH key {fingerprint}"),
        now,
    )
}

/// Starts a session for a user who has proved who they are, with a LOGIN
/// event saying how.
fn open_session(db: &mut Db, user: User, how: &str, now: DateTime<Utc>) -> Result<Session> {
    let actor = Actor {
        id: Some(user.id.to_string()),
        name: user.user_name.clone(),
        role: Some(user.role),
    };
    let id = db.write(&actor, |tx| {
        users::clear_throttle(tx, &user.user_name)?;
        users::record_login(tx, &user.id, now)?;
        let mut events = Vec::new();
        for stale in sessions::expire_stale(tx, &user.id, now - MAX_SESSION, now)? {
            events.push(
                AuditEvent::new(
                    AuditAction::Logout,
                    "session",
                    "signed out: the session was still open past its maximum length (its program was stopped)",
                )
                .on(stale.as_str()),
            );
        }
        let id = sessions::start(tx, &user.id, now)?;
        events.push(AuditEvent::new(AuditAction::Login, "session", how).on(id.as_str()));
        Ok::<_, Error>((id, events))
    })?;
    Ok(Session {
        id,
        user,
        started_at: now,
    })
}

/// Signs in for a command-line command, which cannot change a password on
/// the way: an account that must change it is sent to do so first.
pub fn sign_in_for_command(
    db: &mut Db,
    user_name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Session> {
    let session = sign_in(db, user_name, password, now)?;
    if session.user.must_change_password {
        let name = session.user.user_name.clone();
        sign_out(db, &session, EndReason::Logout, now)?;
        return Err(Error::MustChangePassword(name));
    }
    Ok(session)
}

/// Ends a session with a LOGOUT event.
pub fn sign_out(
    db: &mut Db,
    session: &Session,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<()> {
    db.write(&session.actor(), |tx| {
        sessions::end(tx, &session.id, reason, now)?;
        let summary = match reason {
            EndReason::Logout => "signed out",
            EndReason::Replaced => "signed out: another user signed in at this terminal",
            EndReason::Expired => "signed out: the session reached its maximum length",
        };
        let e = AuditEvent::new(AuditAction::Logout, "session", summary).on(session.id.as_str());
        Ok::<_, Error>(((), vec![e]))
    })
}

/// Records that the screen was locked (idle, or Ctrl+L).
pub fn lock_session(db: &mut Db, session: &Session, why: &str) -> Result<()> {
    db.write(&session.actor(), |_| {
        let e = AuditEvent::new(
            AuditAction::SessionLock,
            "session",
            format!("screen locked: {why}"),
        )
        .on(session.id.as_str());
        Ok::<_, Error>(((), vec![e]))
    })
}

/// Unlocks a locked screen for the same user, under the same lockout rules.
pub fn unlock_session(
    db: &mut Db,
    session: &Session,
    password: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = check_password(db, &session.user.user_name, password, now)?;
    if user.id != session.user.id {
        return Err(Error::InvalidCredentials);
    }
    db.write(&session.actor(), |tx| {
        users::clear_throttle(tx, &user.user_name)?;
        let e = AuditEvent::new(AuditAction::Unlock, "session", "screen unlocked")
            .on(session.id.as_str());
        Ok::<_, Error>(((), vec![e]))
    })
}

/// Sets a new password for the signed-in user and clears a forced change.
pub fn change_own_password(
    db: &mut Db,
    session: &mut Session,
    new_password: &str,
    confirm: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if new_password != confirm {
        return Err(crate::domain::password::PasswordError::Mismatch.into());
    }
    let policy = db
        .settings()?
        .password_policy()
        .in_hospital(db.code().as_str());
    policy.check(&session.user.user_name, new_password)?;
    if let Some((_, old)) = users::find(db.conn(), &session.user.user_name)?
        && verify_password(&old, new_password)
    {
        return Err(Error::Refused(
            "the new password is the same as the old one: choose a different one".into(),
        ));
    }
    let hash = hash_password(new_password)?;
    let user_id = session.user.id.clone();
    db.write(&session.actor(), |tx| {
        users::set_password(tx, &user_id, &hash, false, now)?;
        let e = AuditEvent::new(AuditAction::Update, "user", "own password changed")
            .on(user_id.as_str());
        Ok::<_, Error>(((), vec![e]))
    })?;
    session.user.must_change_password = false;
    Ok(())
}
