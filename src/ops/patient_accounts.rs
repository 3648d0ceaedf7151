//! Patients' own (portal) accounts: created by an admin or a receptionist
//! for a verified patient, with a temporary password shown once; the
//! patient's portal switch; a new temporary password; and the account
//! following the person when two records are merged.
//!
//! Every change re-checks the acting user inside its write transaction.
//! The temporary password is returned to show, and never stored in clear,
//! logged or put in the audit trail.

use crate::auth::{Session, authorize, hash_password};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::domain::patient::Patient;
use crate::domain::role::Permission;
use crate::domain::temporary_password;
use crate::domain::user::{User, parse_user_name};
use crate::error::{Error, Result};
use crate::store::patient_accounts::{self as accounts, NewPatientAccount};
use crate::store::{Db, patients, users};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};

/// A patient's account and whether their portal access is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAccount {
    pub user: User,
    pub portal_enabled: bool,
}

impl PortalAccount {
    /// "on", "off", or why the account cannot be used.
    pub fn state(&self, now: DateTime<Utc>) -> &'static str {
        if self.user.disabled_at.is_some() {
            "disabled"
        } else if !self.portal_enabled {
            "off"
        } else if self.user.is_locked(now) {
            "on, locked after failed sign-ins"
        } else {
            "on"
        }
    }
}

impl PortalAccount {
    /// "on", "off" or "disabled", as the record shows it.
    pub fn switch(&self) -> &'static str {
        if self.user.disabled_at.is_some() {
            "disabled"
        } else if self.portal_enabled {
            "on"
        } else {
            "off"
        }
    }
}

/// A temporary password, to be shown once and given to the patient.
#[derive(Clone, PartialEq, Eq)]
pub struct TemporaryPassword(String);

impl TemporaryPassword {
    /// The password itself, to show once.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TemporaryPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TemporaryPassword(…)")
    }
}

/// A new account, or a reset one: its user name and the temporary password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub user: User,
    pub password: TemporaryPassword,
}

const CREATE: &str = "create portal accounts";
const VERIFY_FIRST: &str =
    "verify the patient's identity first (key v on their record), then create the account";

fn event(action: AuditAction, p: &Patient, user: &User, summary: String) -> AuditEvent {
    AuditEvent::new(action, "user", summary)
        .on(user.id.as_str())
        .for_patient(p.id.as_str())
}

fn patient(conn: &Connection, id: &Id) -> Result<Patient> {
    patients::get(conn, id)?
        .ok_or_else(|| Error::NotFound("that patient is not in this hospital file".into()))
}

/// Refuses a deleted or merged record, or one not yet verified.
fn refuse_unusable(p: &Patient) -> Result<()> {
    if p.deleted_at.is_some() {
        return Err(Error::Refused(format!(
            "{} is deleted: a deleted record cannot have a portal account",
            p.mrn
        )));
    }
    if p.merged_into.is_some() {
        return Err(Error::Refused(format!(
            "{} was merged into another record: open the surviving record",
            p.mrn
        )));
    }
    if p.verified_at.is_none() {
        return Err(Error::Refused(format!(
            "{} is not verified: {VERIFY_FIRST}",
            p.mrn
        )));
    }
    Ok(())
}

/// A fresh temporary password long enough for the hospital's policy (a
/// staff account's too, see [`crate::ops::accounts`]).
pub(crate) fn temporary_password(db: &Db) -> Result<TemporaryPassword> {
    let policy = db.settings()?.password_policy();
    Ok(TemporaryPassword(temporary_password::generate(
        &mut rand::rngs::OsRng,
        policy.min_length,
    )))
}

fn fresh_password(db: &Db) -> Result<(TemporaryPassword, String)> {
    let password = temporary_password(db)?;
    let hash = hash_password(password.reveal())?;
    Ok((password, hash))
}

/// The portal account of a patient, if one was made (any staff who may
/// find patients sees it on the record).
pub fn of_patient(db: &Db, by: &Session, patient_id: &Id) -> Result<Option<PortalAccount>> {
    by.require(Permission::FindPatients, "see portal accounts")?;
    account(db.conn(), patient_id)
}

fn account(conn: &Connection, patient_id: &Id) -> Result<Option<PortalAccount>> {
    let Some(user) = users::account_of_patient(conn, patient_id)? else {
        return Ok(None);
    };
    let portal_enabled = accounts::portal_enabled(conn, patient_id)?.unwrap_or(false);
    Ok(Some(PortalAccount {
        user,
        portal_enabled,
    }))
}

/// The user name a new account gets unless one is typed: the MRN in lower
/// case (`wl-000123-k`), which the patient can read off any letter.
pub fn default_user_name(p: &Patient) -> String {
    p.mrn.to_lowercase()
}

/// Creates the patient's account (admin or receptionist) with a temporary
/// password that must be changed at first sign-in. `user_name` empty or
/// `None`: [`default_user_name`].
pub fn create(
    db: &mut Db,
    by: &Session,
    patient_id: &Id,
    user_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Issued> {
    by.require(Permission::CreatePortalAccounts, CREATE)?;
    let p = patient(db.conn(), patient_id)?;
    refuse_unusable(&p)?;
    let name = match user_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => parse_user_name(n)?,
        None => parse_user_name(&default_user_name(&p))?,
    };
    let (password, hash) = fresh_password(db)?;
    let full_name = p.details.full_name();
    let user = db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::CreatePortalAccounts, CREATE)?;
        let p = patient(tx, patient_id)?;
        refuse_unusable(&p)?;
        if let Some(existing) = users::account_of_patient(tx, patient_id)? {
            return Err(Error::Refused(format!(
                "{} already has a portal account ({}): reset its password instead",
                p.mrn, existing.user_name
            )));
        }
        let user = accounts::insert(
            tx,
            &NewPatientAccount {
                user_name: &name,
                full_name: &full_name,
                password_hash: &hash,
                patient_id,
            },
            now,
        )?;
        let e = event(
            AuditAction::Create,
            &p,
            &user,
            format!(
                "portal account {} created for {}; temporary password issued",
                user.user_name, p.mrn
            ),
        );
        Ok::<_, Error>((user, vec![e]))
    })?;
    Ok(Issued { user, password })
}

/// Turns the patient's portal access on or off (admin or receptionist).
/// Off takes effect at once: an open session of the patient stops at its
/// next action, and sign-in is refused.
pub fn set_portal(
    db: &mut Db,
    by: &Session,
    patient_id: &Id,
    on: bool,
    now: DateTime<Utc>,
) -> Result<Patient> {
    let doing = "turn portal access on or off";
    by.require(Permission::CreatePortalAccounts, doing)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::CreatePortalAccounts, doing)?;
        let p = patient(tx, patient_id)?;
        if p.deleted_at.is_some() || p.merged_into.is_some() {
            return Err(Error::Refused(format!(
                "{} is deleted or merged: its portal access stays off",
                p.mrn
            )));
        }
        let was = accounts::portal_enabled(tx, patient_id)?.unwrap_or(false);
        if was == on {
            return Err(Error::Refused(format!(
                "portal access of {} is already {}",
                p.mrn,
                if on { "on" } else { "off" }
            )));
        }
        accounts::set_portal_enabled(tx, patient_id, on, now)?;
        let e = AuditEvent::new(
            AuditAction::Update,
            "patient",
            format!(
                "{}: portal access turned {}",
                p.mrn,
                if on { "on" } else { "off" }
            ),
        )
        .on(p.id.as_str())
        .for_patient(p.id.as_str());
        Ok::<_, Error>((p, vec![e]))
    })
}

/// Gives the patient's account a new temporary password (admin or
/// receptionist), shown once; it must be changed at the next sign-in, and
/// any lock after failed sign-ins is lifted.
pub fn reset_password(
    db: &mut Db,
    by: &Session,
    patient_id: &Id,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let doing = "reset portal passwords";
    by.require(Permission::CreatePortalAccounts, doing)?;
    let (password, hash) = fresh_password(db)?;
    let user = db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::CreatePortalAccounts, doing)?;
        let p = patient(tx, patient_id)?;
        let Some(user) = users::account_of_patient(tx, patient_id)? else {
            return Err(Error::NotFound(format!(
                "{} has no portal account: create one first",
                p.mrn
            )));
        };
        if user.disabled_at.is_some() {
            return Err(Error::Refused(format!(
                "the portal account {} is disabled: its record was deleted",
                user.user_name
            )));
        }
        users::set_password(tx, &user.id, &hash, true, now)?;
        users::clear_throttle(tx, &user.user_name)?;
        let e = event(
            AuditAction::Update,
            &p,
            &user,
            format!(
                "portal account {}: new temporary password issued; must be changed at next sign-in",
                user.user_name
            ),
        );
        Ok::<_, Error>((user, vec![e]))
    })?;
    Ok(Issued { user, password })
}

/// In a merge's transaction: the other record's account moves to the
/// survivor, with its event. When both records have one, the merge is
/// refused unless the other's is disabled, which then stays with the
/// merged record (where it can never sign in). Nothing when the other has
/// none.
pub fn move_for_merge(
    tx: &Transaction,
    survivor: &Patient,
    other: &Patient,
    now: DateTime<Utc>,
) -> Result<Vec<AuditEvent>> {
    let Some(moving) = users::account_of_patient(tx, &other.id)? else {
        return Ok(Vec::new());
    };
    if let Some(kept) = users::account_of_patient(tx, &survivor.id)? {
        if moving.disabled_at.is_some() {
            return Ok(vec![event(
                AuditAction::Merge,
                other,
                &moving,
                format!(
                    "portal account {} stays disabled with {}; the patient keeps {}",
                    moving.user_name, other.mrn, kept.user_name
                ),
            )]);
        }
        return Err(Error::Refused(format!(
            "both records have a portal account ({} and {}): disable one first (an administrator runs `wardline users disable --user {}`), then merge; the patient keeps {}",
            kept.user_name, moving.user_name, moving.user_name, kept.user_name
        )));
    }
    accounts::move_account(tx, &moving.id, &survivor.id, now)?;
    Ok(vec![event(
        AuditAction::Merge,
        survivor,
        &moving,
        format!(
            "portal account {} moved from {} to {}",
            moving.user_name, other.mrn, survivor.mrn
        ),
    )])
}
