//! Changing a hospital setting (admin only), validated and audited.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::role::Permission;
use crate::domain::settings::{SettingKey, Settings};
use crate::error::{Error, Result};
use crate::store::{Db, settings};

/// Every setting (admin only).
pub fn list(db: &Db, by: &Session) -> Result<Settings> {
    crate::auth::authorize(db.conn(), by, Permission::Administer, "read the settings")?;
    Ok(db.settings()?)
}

/// Sets `key` to `value`; returns the stored form of the value.
pub fn set(db: &mut Db, by: &Session, key: &str, value: &str) -> Result<String> {
    by.require(Permission::Administer, "change settings")?;
    let key = SettingKey::parse(key)?;
    let mut current = db.settings()?;
    let old = current.get(key);
    current.set(key, value)?;
    let new = current.get(key);
    db.write(&by.actor(), |tx| {
        crate::auth::authorize(tx, by, Permission::Administer, "change settings")?;
        settings::put(tx, key, &new)?;
        let e = AuditEvent::new(
            AuditAction::Update,
            "setting",
            format!("{key}: {old:?} → {new:?}"),
        )
        .on(key.to_string());
        Ok::<_, Error>(((), vec![e]))
    })?;
    Ok(new)
}
