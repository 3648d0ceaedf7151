//! Which wards a doctor or nurse works on (administrator's work): assign,
//! end, set a clinician's wards at once, and read them. A clinician on a
//! ward is in the care of the patients admitted to its beds (see
//! [`crate::domain::care`]) and has them on their worklist. Every change is
//! one transaction with an ASSIGN_WARD or END_WARD_ASSIGNMENT event per
//! assignment; ended assignments stay as history.

use crate::auth::{Session, authorize};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::ids::Id;
use crate::domain::role::{Permission, Role};
use crate::domain::user::{Clinician, User};
use crate::error::{Error, Result};
use crate::store::beds::{self, Ward};
use crate::store::ward_staff::{self as store, Assignment};
use crate::store::{Db, StoreError, users};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};
use std::collections::HashMap;

/// What setting a clinician's wards changed, and where they work now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WardsSet {
    pub user: User,
    /// The wards newly assigned, by name.
    pub assigned: Vec<String>,
    /// The wards whose assignment ended, by name.
    pub ended: Vec<String>,
    /// Every ward the clinician works on now, by name.
    pub wards: Vec<String>,
}

fn find_user(conn: &Connection, user_name: &str) -> Result<User> {
    let name = user_name.trim().to_lowercase();
    users::find(conn, &name)?.map(|(u, _)| u).ok_or_else(|| {
        Error::NotFound(format!(
            "there is no account named {name:?}: `wardline users list` shows the accounts"
        ))
    })
}

fn clinician_only(user: &User) -> Result<()> {
    match user.role {
        Role::Doctor | Role::Nurse => Ok(()),
        other => Err(Error::Refused(format!(
            "{} is a {} account: only doctors and nurses are assigned to wards",
            user.user_name,
            other.label()
        ))),
    }
}

fn ward_in_use(conn: &Connection, ward: &Id) -> Result<Ward> {
    let w = beds::ward_by_id(conn, ward)?.ok_or_else(|| {
        Error::NotFound(
            "that ward is not in this hospital file: `wardline wards list` shows them".into(),
        )
    })?;
    if w.retired_at.is_some() {
        return Err(Error::Refused(format!(
            "ward {} is retired: choose a ward in use",
            w.name
        )));
    }
    Ok(w)
}

/// The file's refusals in words.
fn explain(e: StoreError) -> Error {
    if let StoreError::Sqlite(se) = &e
        && se.to_string().contains("ward_staff.user_id")
    {
        return Error::Refused(
            "that clinician was assigned to this ward from another terminal meanwhile: look again"
                .into(),
        );
    }
    crate::ops::clinical::explain(e)
}

/// One admin change of a clinician's wards: authorise, find the account,
/// apply `change` (which may refuse) with its events, all in one transaction.
fn change<T>(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    change: impl FnOnce(&Transaction, &User) -> Result<(T, Vec<AuditEvent>)>,
) -> Result<T> {
    const DOING: &str = "assign staff to wards";
    by.require(Permission::Administer, DOING)?;
    db.write(&by.actor(), |tx| {
        authorize(tx, by, Permission::Administer, DOING)?;
        let user = find_user(tx, user_name)?;
        change(tx, &user).map_err(|e| match e {
            Error::Store(s) => explain(s),
            other => other,
        })
    })
}

fn assign_in(
    tx: &Transaction,
    by: &Session,
    user: &User,
    ward: &Ward,
    now: DateTime<Utc>,
) -> Result<(Assignment, AuditEvent)> {
    let id = store::insert(tx, &user.id, &ward.id, &by.user.id, now)?;
    let a = store::open_of(tx, &user.id)?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| Error::Store(StoreError::Conflict("the new assignment vanished".into())))?;
    let e = AuditEvent::new(
        AuditAction::AssignWard,
        "ward_staff",
        format!(
            "{} ({}) assigned to ward {}",
            user.user_name, user.role, ward.name
        ),
    )
    .on(id.as_str());
    Ok((a, e))
}

fn end_in(
    tx: &Transaction,
    by: &Session,
    (user_name, role): (&str, Role),
    a: &Assignment,
    now: DateTime<Utc>,
) -> Result<AuditEvent> {
    if !store::end(tx, &a.id, &by.user.id, now)? {
        return Err(Error::Refused(format!(
            "the assignment of {user_name} to ward {} was ended from another terminal meanwhile: look again",
            a.ward_name
        )));
    }
    Ok(AuditEvent::new(
        AuditAction::EndWardAssignment,
        "ward_staff",
        format!(
            "{user_name} ({role}) no longer assigned to ward {}",
            a.ward_name
        ),
    )
    .on(a.id.as_str()))
}

/// Assigns a doctor or nurse to a ward in use.
pub fn assign(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    ward: &Id,
    now: DateTime<Utc>,
) -> Result<Assignment> {
    change(db, by, user_name, |tx, user| {
        clinician_only(user)?;
        if user.disabled_at.is_some() {
            return Err(Error::Refused(format!(
                "account {} is disabled: enable it before assigning it to a ward",
                user.user_name
            )));
        }
        let w = ward_in_use(tx, ward)?;
        if store::open_of(tx, &user.id)?
            .iter()
            .any(|a| a.ward_id == w.id)
        {
            return Err(Error::Refused(format!(
                "{} works on ward {} already",
                user.user_name, w.name
            )));
        }
        let (a, e) = assign_in(tx, by, user, &w, now)?;
        Ok((a, vec![e]))
    })
}

/// Ends a clinician's assignment to a ward; the assignment stays as history.
pub fn end(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    ward: &Id,
    now: DateTime<Utc>,
) -> Result<Assignment> {
    change(db, by, user_name, |tx, user| {
        let a = store::open_of(tx, &user.id)?
            .into_iter()
            .find(|a| &a.ward_id == ward)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "{} is not assigned to that ward: nothing to end",
                    user.user_name
                ))
            })?;
        let e = end_in(tx, by, (&user.user_name, user.role), &a, now)?;
        Ok((a, vec![e]))
    })
}

/// Makes `wards` exactly the wards a doctor or nurse works on: assigns the
/// new ones and ends the others, in one transaction. An empty list ends
/// every assignment (allowed for any role, so that a former clinician can
/// be taken off the wards).
pub fn set_wards(
    db: &mut Db,
    by: &Session,
    user_name: &str,
    wards: &[Id],
    now: DateTime<Utc>,
) -> Result<WardsSet> {
    change(db, by, user_name, |tx, user| {
        if !wards.is_empty() {
            clinician_only(user)?;
            if user.disabled_at.is_some() {
                return Err(Error::Refused(format!(
                    "account {} is disabled: enable it before assigning it to wards",
                    user.user_name
                )));
            }
        }
        let mut wanted: Vec<Ward> = Vec::new();
        for id in wards {
            let w = ward_in_use(tx, id)?;
            if !wanted.iter().any(|x| x.id == w.id) {
                wanted.push(w);
            }
        }
        wanted.sort_by_key(|w| w.name.to_lowercase());
        let open = store::open_of(tx, &user.id)?;
        let mut events = Vec::new();
        let mut ended = Vec::new();
        for a in open
            .iter()
            .filter(|a| !wanted.iter().any(|w| w.id == a.ward_id))
        {
            events.push(end_in(tx, by, (&user.user_name, user.role), a, now)?);
            ended.push(a.ward_name.clone());
        }
        let mut assigned = Vec::new();
        for w in wanted
            .iter()
            .filter(|w| !open.iter().any(|a| a.ward_id == w.id))
        {
            let (_, e) = assign_in(tx, by, user, w, now)?;
            events.push(e);
            assigned.push(w.name.clone());
        }
        let wards = store::open_of(tx, &user.id)?
            .into_iter()
            .map(|a| a.ward_name)
            .collect();
        let set = WardsSet {
            user: user.clone(),
            assigned,
            ended,
            wards,
        };
        Ok((set, events))
    })
}

/// The wards a clinician works on now, by name (admin only).
pub fn wards_of(db: &Db, by: &Session, user_name: &str) -> Result<Vec<Assignment>> {
    authorize(db.conn(), by, Permission::Administer, "see staff's wards")?;
    let user = find_user(db.conn(), user_name)?;
    Ok(store::open_of(db.conn(), &user.id)?)
}

/// The wards the signed-in doctor or nurse works on now, by name (their
/// medication round).
pub fn my_wards(db: &Db, by: &Session) -> Result<Vec<Assignment>> {
    by.require(Permission::GiveDoses, "see the wards of your round")?;
    Ok(store::open_of(db.conn(), &by.user.id)?)
}

/// A clinician's assignments, ended ones included, newest first (admin only).
pub fn history_of(db: &Db, by: &Session, user_name: &str) -> Result<Vec<Assignment>> {
    authorize(db.conn(), by, Permission::Administer, "see staff's wards")?;
    let user = find_user(db.conn(), user_name)?;
    Ok(store::history_of(db.conn(), &user.id)?)
}

/// The doctors and nurses who work on a ward (admin only).
pub fn staff_of(db: &Db, by: &Session, ward: &Id) -> Result<Vec<Clinician>> {
    authorize(db.conn(), by, Permission::Administer, "see wards' staff")?;
    ward_in_use(db.conn(), ward)?;
    Ok(store::staff_of(db.conn(), ward)?)
}

/// The names of the wards each clinician works on, by account id (admin
/// only; the list of accounts shows them).
pub fn all_wards(db: &Db, by: &Session) -> Result<HashMap<Id, Vec<String>>> {
    authorize(db.conn(), by, Permission::Administer, "see staff's wards")?;
    let mut out: HashMap<Id, Vec<String>> = HashMap::new();
    for a in store::open_all(db.conn())? {
        out.entry(a.user_id).or_default().push(a.ward_name);
    }
    Ok(out)
}

/// Ends every open assignment to a ward being retired, inside its
/// transaction; the events say so.
pub fn end_on_retired_ward(
    tx: &Transaction,
    by: &Session,
    ward: &Id,
    now: DateTime<Utc>,
) -> Result<Vec<AuditEvent>> {
    let mut events = Vec::new();
    for a in store::open_on(tx, ward)? {
        let who = users::clinician_by_id(tx, &a.user_id)?
            .ok_or_else(|| Error::NotFound("a ward's clinician is not in this file".into()))?;
        events.push(end_in(tx, by, (&who.user_name, who.role), &a, now)?);
    }
    Ok(events)
}
