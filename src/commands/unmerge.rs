//! `wardline patients unmerge MRN --as ADMIN`: an administrator undoes a
//! merge of two patient records, from either record's MRN (the merged-away
//! one, or the survivor's for its latest merge).

use super::{AsUser, Passwords, as_user};
use crate::ops::unmerge;
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::Utc;

/// Undoes the merge found from `mrn` and says which records came back.
pub fn unmerge(db: &mut Db, mrn: &str, by: &AsUser, pw: &mut Passwords) -> Result<()> {
    let (survivor, other) = as_user(db, by, pw, |db, s, _| {
        let p = unmerge::record_by_mrn(db, s, mrn)?.with_context(|| {
            format!("no patient has the MRN {mrn:?}: check it on the patient's card")
        })?;
        Ok(unmerge::unmerge(db, s, &p.id, Utc::now())?)
    })?;
    say!(
        "Undid the merge of {} into {}: both records are as they were before it, and what the merge moved is back on {}.",
        other.mrn,
        survivor.mrn,
        other.mrn
    );
    Ok(())
}
