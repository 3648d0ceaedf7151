//! Staff accounts: create, reset, unlock, disable, enable, change role
//! (admin work), the same rules for the command line and the Admin tab.
//!
//! Each change re-checks the acting admin and its own rules inside the write
//! transaction, so two terminals cannot race past them.

use crate::auth::{Session, authorize, hash_password};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::role::{Permission, Role};
use crate::domain::user::{User, parse_user_name};
use crate::error::{Error, Result};
use crate::ops::patient_accounts::{self, Issued};
use crate::store::{Db, users};
use chrono::{DateTime, Utc};
use rusqlite::Transaction;

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
            "a patient account must be linked to a registered, verified patient: add --patient MRN, or create it from the patient's record (key P)".into(),
        ));
    }
    let full_name = a.full_name.trim();
    if full_name.chars().count() > 100 {
        return Err(Error::Refused(
            "the full name is too long: use at most 100 characters".into(),
        ));
    }
    crate::domain::text::refuse_control("full name", full_name, false).map_err(Error::Refused)?;
    let full_name = if full_name.is_empty() {
        name.clone()
    } else {
        full_name.to_string()
    };
    db.settings()?
        .password_policy()
        .in_hospital(db.code().as_str())
        .check(&name, a.password)?;
    Ok((name, full_name))
}

fn create(
    db: &mut Db,
    by: Option<&Session>,
    a: &NewAccount,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<User> {
    let (name, full_name) = validate(db, a)?;
    let hash = hash_password(a.password)?;
    let actor = by.map_or_else(Actor::system, Session::actor);
    db.write(&actor, |tx| {
        match by {
            Some(by) => authorize(tx, by, Permission::Administer, "create accounts")?,
            None if !users::list(tx)?.is_empty() => {
                return Err(Error::Refused(
                    "this hospital already has accounts: an administrator adds more with `wardline users add`".into(),
                ));
            }
            None => {}
        }
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
        Ok((user, vec![e]))
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
    let account = NewAccount {
        user_name,
        full_name,
        role: Role::Admin,
        password,
    };
    create(db, None, &account, false, now)
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
    create(db, Some(by), account, must_change, now)
}

/// Every account (admin only).
pub fn list(db: &Db, by: &Session) -> Result<Vec<User>> {
    authorize(db.conn(), by, Permission::Administer, "list accounts")?;
    Ok(users::list(db.conn())?)
}

fn find(conn: &rusqlite::Connection, user_name: &str) -> Result<User> {
    let name = user_name.trim().to_lowercase();
    users::find(conn, &name)?.map(|(u, _)| u).ok_or_else(|| {
        Error::NotFound(format!(
            "there is no account named {name:?}: `wardline users list` shows the accounts"
        ))
    })
}

/// One admin change of an account: authorise, find the account, apply
/// `change` (which may refuse), audit, all in one transaction.
fn change(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    doing: &str,
    change: impl FnOnce(&Transaction, &User) -> Result<String>,
) -> Result<User> {
    by.require(Permission::Administer, doing)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, doing)?;
        let user = find(tx, user_name)?;
        let summary = change(tx, &user)?;
        let e = AuditEvent::new(
            AuditAction::Update,
            "user",
            format!("account {}: {summary}", user.user_name),
        )
        .on(user.id.as_str());
        Ok::<_, Error>(((), vec![e]))
    })?;
    find(db.conn(), user_name)
}

/// Clears failed sign-ins and any lock on an account.
pub fn unlock(db: &mut Db, by: &Session, user_name: &str) -> Result<User> {
    change(db, by, user_name, "unlock accounts", |tx, user| {
        users::clear_throttle(tx, &user.user_name)?;
        Ok("unlocked".into())
    })
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
    let target = find(db.conn(), user_name)?;
    db.settings()?
        .password_policy()
        .in_hospital(db.code().as_str())
        .check(&target.user_name, temporary)?;
    let hash = hash_password(temporary)?;
    change(db, by, user_name, "reset passwords", |tx, user| {
        users::set_password(tx, &user.id, &hash, true, now)?;
        users::clear_throttle(tx, &user.user_name)?;
        Ok("password reset; must be changed at next sign-in".into())
    })
}

/// Disables an account: it can no longer sign in. Never the last admin, never oneself.
pub fn disable(db: &mut Db, by: &Session, user_name: &str, now: DateTime<Utc>) -> Result<User> {
    change(db, by, user_name, "disable accounts", |tx, user| {
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
        if user.role == Role::Admin && users::active_admins(tx)? <= 1 {
            return Err(Error::Refused(
                "this is the last administrator account: add another administrator first".into(),
            ));
        }
        users::set_disabled(tx, &user.id, Some(now), now)?;
        Ok("disabled".into())
    })
}

/// Enables a disabled account again.
pub fn enable(db: &mut Db, by: &Session, user_name: &str, now: DateTime<Utc>) -> Result<User> {
    change(db, by, user_name, "enable accounts", |tx, user| {
        if user.disabled_at.is_none() {
            return Err(Error::Refused(format!(
                "account {} is not disabled",
                user.user_name
            )));
        }
        users::set_disabled(tx, &user.id, None, now)?;
        Ok("enabled".into())
    })
}

/// An admin creates an account with a temporary password, generated here
/// and returned to show once; it must be changed at first sign-in.
pub fn add_with_temporary_password(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    full_name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Issued> {
    by.require(Permission::Administer, "create accounts")?;
    let password = patient_accounts::temporary_password(db)?;
    let account = NewAccount {
        user_name,
        full_name,
        role,
        password: password.reveal(),
    };
    let user = add(db, by, &account, true, now)?;
    Ok(Issued { user, password })
}

/// A new temporary password, generated and returned to show once; it must
/// be changed at the next sign-in, and any lock is lifted. A patient's
/// account is reset as its record's portal account is (the event names the
/// patient).
pub fn reset_to_temporary_password(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    now: DateTime<Utc>,
) -> Result<Issued> {
    by.require(Permission::Administer, "reset passwords")?;
    let target = find(db.conn(), user_name)?;
    if target.role == Role::Patient {
        let patient = users::linked_patient(db.conn(), &target.id)?.ok_or_else(|| {
            Error::NotFound(format!(
                "the patient account {} is linked to no patient",
                target.user_name
            ))
        })?;
        return patient_accounts::reset_password(db, by, &patient, now);
    }
    let password = patient_accounts::temporary_password(db)?;
    let user = reset_password(db, by, user_name, password.reveal(), now)?;
    Ok(Issued { user, password })
}

/// Gives an account another role. Never one's own, never the last enabled
/// administrator's; a patient's account stays a patient's and a staff
/// account never becomes one; a doctor or nurse on wards is taken off them
/// first.
pub fn change_role(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<User> {
    change(db, by, user_name, "change roles", |tx, user| {
        if user.role == role {
            return Err(Error::Refused(format!(
                "{}'s role is already {}",
                user.user_name,
                role.label()
            )));
        }
        if user.role == Role::Patient || role == Role::Patient {
            return Err(Error::Refused(format!(
                "{} cannot be given the role {}: a patient's account stays a patient's, and a staff account never becomes one (a patient's portal account is made from their record, key P)",
                user.user_name,
                role.label()
            )));
        }
        if user.role == Role::Admin && user.disabled_at.is_none() && users::active_admins(tx)? <= 1
        {
            return Err(Error::Refused(
                "this is the last administrator account: add another administrator first".into(),
            ));
        }
        if user.id == by.user.id {
            return Err(Error::Refused(
                "you cannot change your own role: ask another administrator".into(),
            ));
        }
        if !matches!(role, Role::Doctor | Role::Nurse) {
            let wards: Vec<String> = crate::store::ward_staff::open_of(tx, &user.id)?
                .into_iter()
                .map(|a| a.ward_name)
                .collect();
            if !wards.is_empty() {
                return Err(Error::Refused(format!(
                    "{} works on {}: take them off every ward first (w on the Admin tab, or `wardline users wards --user {} --none`)",
                    user.user_name,
                    wards.join(", "),
                    user.user_name
                )));
            }
        }
        users::set_role(tx, &user.id, role, now)?;
        Ok(format!("role {} → {role}", user.role))
    })
}
