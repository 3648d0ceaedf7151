//! The audit trail as the administrator's tab reads it: how long it is, its
//! head hash, and the latest events.

use crate::auth::Session;
use crate::domain::audit::AuditRecord;
use crate::domain::role::Permission;
use crate::error::Result;
use crate::store::Db;
use crate::store::audit;

/// The trail's length and head hash, and its `recent` latest events.
pub struct Overview {
    pub count: i64,
    pub head: String,
    pub recent: Vec<AuditRecord>,
}

/// Reads the overview (administrators only).
pub fn overview(db: &Db, by: &Session, recent: usize) -> Result<Overview> {
    by.require(Permission::Administer, "read the audit trail")?;
    let (count, head) = audit::head(db.conn())?;
    let recent = audit::recent(db.conn(), recent)?;
    Ok(Overview {
        count,
        head,
        recent,
    })
}
