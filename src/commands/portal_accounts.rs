//! The command line's patient (portal) accounts: `wardline users add --role
//! patient --patient MRN` and `wardline patients portal MRN --off|--on`.

use super::{AsUser, Passwords, as_user};
use crate::auth::Session;
use crate::domain::patient::Patient;
use crate::ops::{patient_accounts, patients};
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::Utc;

fn patient(db: &Db, s: &Session, mrn: &str) -> Result<Patient> {
    patients::by_mrn(db, s, mrn)?
        .with_context(|| format!("no patient has the MRN {mrn:?}: check it on the patient's card"))
}

/// Creates the patient's account and prints its user name and temporary
/// password, once: printing them is what the command is for.
pub fn add(
    db: &mut Db,
    mrn: &str,
    user: Option<&str>,
    by: &AsUser,
    pw: &mut Passwords,
) -> Result<()> {
    let now = Utc::now();
    let (p, issued) = as_user(db, by, pw, |db, s, _| {
        let p = patient(db, s, mrn)?;
        let issued = patient_accounts::create(db, s, &p.id, user, now)?;
        Ok((p, issued))
    })?;
    say!(
        "Created the portal account of {} ({}).",
        p.mrn,
        p.details.full_name()
    );
    say!("User name:          {}", issued.user.user_name);
    say!("Temporary password: {}", issued.password.reveal());
    say!("Give it to the patient; they must change it at first sign-in. It is not shown again.");
    Ok(())
}

/// Turns a patient's portal access on or off.
pub fn portal(db: &mut Db, mrn: &str, on: bool, by: &AsUser, pw: &mut Passwords) -> Result<()> {
    let now = Utc::now();
    let p = as_user(db, by, pw, |db, s, _| {
        let p = patient(db, s, mrn)?;
        Ok(patient_accounts::set_portal(db, s, &p.id, on, now)?)
    })?;
    if on {
        say!("Portal access of {} is on: the patient can sign in.", p.mrn);
    } else {
        say!(
            "Portal access of {} is off: the patient cannot sign in, and an open session ends at its next step.",
            p.mrn
        );
    }
    Ok(())
}
