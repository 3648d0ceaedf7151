//! Staff accounts: create, reset, unlock, disable, enable (admin work).

use crate::auth::{Session, hash_password};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::role::{Permission, Role};
use crate::domain::user::{User, parse_user_name};
use crate::error::{Error, Result};
use crate::store::{Db, users};
use chrono::{DateTime, Utc};

/// What an admin types to create an account.
pub struct NewAccount<'a> {
    pub user_name: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub password: &'a str,
}

fn validate(db: &Db, a: &NewAccount) -> Result<(String, String)> {
    let name = parse_user_name(a.user_name)?;
    if a.role == Role::Patient {
        return Err(Error::Refused(
            "a patient account must be linked to a registered patient; it is created from that patient's record, not with a staff role".into(),
        ));
    }
    let full_name = a.full_name.trim();
    if full_name.chars().count() > 100 {
        return Err(Error::Refused(
            "the full name is too long: use at most 100 characters".into(),
        ));
    }
    let full_name = if full_name.is_empty() {
        name.clone()
    } else {
        full_name.to_string()
    };
    db.settings()?.password_policy().check(&name, a.password)?;
    Ok((name, full_name))
}

fn create(
    db: &mut Db,
    actor: &Actor,
    a: &NewAccount,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<User> {
    let (name, full_name) = validate(db, a)?;
    let hash = hash_password(a.password)?;
    db.write(actor, |tx| {
        let user = users::insert(
            tx,
            &users::NewUser {
                user_name: &name,
                full_name: &full_name,
                role: a.role,
                password_hash: &hash,
                must_change_password: must_change,
            },
            now,
        )?;
        let e = AuditEvent::new(
            AuditAction::Create,
            "user",
            format!("account {} ({}) created", user.user_name, user.role),
        )
        .on(user.id.as_str());
        Ok::<_, Error>((user, vec![e]))
    })
}

/// The first administrator of a new hospital, created by the system itself.
pub fn create_first_admin(
    db: &mut Db,
    user_name: &str,
    full_name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    if !users::list(db.conn())?.is_empty() {
        return Err(Error::Refused(
            "this hospital already has accounts: an administrator adds more with `wardline users add`".into(),
        ));
    }
    let account = NewAccount {
        user_name,
        full_name,
        role: Role::Admin,
        password,
    };
    create(db, &Actor::system(), &account, false, now)
}

/// An admin creates an account. With `must_change`, the user chooses their
/// own password at first sign-in.
pub fn add(
    db: &mut Db,
    by: &Session,
    account: &NewAccount,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<User> {
    by.require(Permission::Administer, "create accounts")?;
    create(db, &by.actor(), account, must_change, now)
}

/// Every account (admin only).
pub fn list(db: &Db, by: &Session) -> Result<Vec<User>> {
    by.require(Permission::Administer, "list accounts")?;
    Ok(users::list(db.conn())?)
}

fn existing(db: &Db, user_name: &str) -> Result<User> {
    let name = user_name.trim().to_lowercase();
    users::find(db.conn(), &name)?
        .map(|(u, _)| u)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "there is no account named {name:?}: `wardline users list` shows the accounts"
            ))
        })
}

fn change(
    db: &mut Db,
    by: &Session,
    user: &User,
    summary: &str,
    apply: impl FnOnce(&rusqlite::Transaction) -> std::result::Result<(), crate::store::StoreError>,
) -> Result<()> {
    db.write(&by.actor(), |tx| {
        apply(tx)?;
        let e = AuditEvent::new(
            AuditAction::Update,
            "user",
            format!("account {}: {summary}", user.user_name),
        )
        .on(user.id.as_str());
        Ok::<_, Error>(((), vec![e]))
    })
}

/// Clears failed sign-ins and any lock on an account.
pub fn unlock(db: &mut Db, by: &Session, user_name: &str) -> Result<User> {
    by.require(Permission::Administer, "unlock accounts")?;
    let user = existing(db, user_name)?;
    change(db, by, &user, "unlocked", |tx| {
        users::clear_throttle(tx, &user.user_name)
    })?;
    existing(db, user_name)
}

/// Sets a temporary password that must be changed at the next sign-in.
pub fn reset_password(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    temporary: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    by.require(Permission::Administer, "reset passwords")?;
    let user = existing(db, user_name)?;
    db.settings()?
        .password_policy()
        .check(&user.user_name, temporary)?;
    let hash = hash_password(temporary)?;
    change(
        db,
        by,
        &user,
        "password reset; must be changed at next sign-in",
        |tx| {
            users::set_password(tx, &user.id, &hash, true, now)?;
            users::clear_throttle(tx, &user.user_name)
        },
    )?;
    existing(db, user_name)
}

/// Disables an account: it can no longer sign in. Never the last admin, never oneself.
pub fn disable(db: &mut Db, by: &Session, user_name: &str, now: DateTime<Utc>) -> Result<User> {
    by.require(Permission::Administer, "disable accounts")?;
    let user = existing(db, user_name)?;
    if user.id == by.user.id {
        return Err(Error::Refused(
            "you cannot disable your own account: ask another administrator".into(),
        ));
    }
    if user.disabled_at.is_some() {
        return Err(Error::Refused(format!(
            "account {} is already disabled",
            user.user_name
        )));
    }
    if user.role == Role::Admin && users::active_admins(db.conn())? <= 1 {
        return Err(Error::Refused(
            "this is the last administrator account: add another administrator first".into(),
        ));
    }
    change(db, by, &user, "disabled", |tx| {
        users::set_disabled(tx, &user.id, Some(now), now)
    })?;
    existing(db, user_name)
}

/// Enables a disabled account again.
pub fn enable(db: &mut Db, by: &Session, user_name: &str, now: DateTime<Utc>) -> Result<User> {
    by.require(Permission::Administer, "enable accounts")?;
    let user = existing(db, user_name)?;
    if user.disabled_at.is_none() {
        return Err(Error::Refused(format!(
            "account {} is not disabled",
            user.user_name
        )));
    }
    change(db, by, &user, "enabled", |tx| {
        users::set_disabled(tx, &user.id, None, now)
    })?;
    existing(db, user_name)
}
