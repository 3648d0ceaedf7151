//! SSH public keys registered to staff accounts (admin work), with which
//! staff sign in to `wardline serve --ssh` without typing a password.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::role::{Permission, Role};
use crate::domain::ssh_key::StaffKey;
use crate::domain::user::User;
use crate::error::{Error, Result};
use crate::store::ssh_keys::{self, KeyRow};
use crate::store::{Db, users};
use chrono::{DateTime, Utc};

fn account(conn: &rusqlite::Connection, user_name: &str) -> Result<User> {
    let name = user_name.trim().to_lowercase();
    users::find(conn, &name)?.map(|(u, _)| u).ok_or_else(|| {
        Error::NotFound(format!(
            "there is no account named {name:?}: `wardline users list` shows the accounts"
        ))
    })
}

/// Registers a key to a staff account; refused for a patient's account, a
/// disabled one, and a key already registered to anyone.
pub fn add(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    key: &StaffKey,
    now: DateTime<Utc>,
) -> Result<User> {
    by.require(Permission::Administer, "register SSH keys")?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, "register SSH keys")?;
        let user = account(tx, user_name)?;
        if user.role == Role::Patient {
            return Err(Error::Refused(format!(
                "{} is a patient's account: patients read the portal, never a terminal, so it takes no SSH key",
                user.user_name
            )));
        }
        if user.disabled_at.is_some() {
            return Err(Error::Refused(format!(
                "account {} is disabled: enable it first (`wardline users enable`)",
                user.user_name
            )));
        }
        ssh_keys::add(tx, &user.id, key, &by.user.id, now)?;
        let e = AuditEvent::new(
            AuditAction::Update,
            "user",
            format!(
                "account {}: SSH key {} ({}) registered",
                user.user_name, key.fingerprint, key.algorithm
            ),
        )
        .on(user.id.as_str());
        Ok::<_, Error>((user, vec![e]))
    })
}

/// Every key an account has had, current ones first (admin only).
pub fn list(db: &Db, by: &Session, user_name: &str) -> Result<(User, Vec<KeyRow>)> {
    authorize(db.conn(), by, Permission::Administer, "list SSH keys")?;
    let user = account(db.conn(), user_name)?;
    let keys = ssh_keys::of_user(db.conn(), &user.id)?;
    Ok((user, keys))
}

/// Removes a key from an account: it signs in no more, and stays in the
/// account's history.
pub fn remove(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    by.require(Permission::Administer, "remove SSH keys")?;
    let fingerprint = fingerprint.trim();
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, "remove SSH keys")?;
        let user = account(tx, user_name)?;
        if ssh_keys::remove(tx, &user.id, fingerprint, &by.user.id, now)?.is_none() {
            return Err(Error::NotFound(format!(
                "account {} has no SSH key {fingerprint:?}: `wardline users ssh-key list {}` shows its keys",
                user.user_name, user.user_name
            )));
        }
        let e = AuditEvent::new(
            AuditAction::Update,
            "user",
            format!("account {}: SSH key {fingerprint} removed", user.user_name),
        )
        .on(user.id.as_str());
        Ok::<_, Error>((user, vec![e]))
    })
}
