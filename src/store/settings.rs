//! Settings rows: one text value per key.

use super::StoreError;
use crate::domain::hospital::HospitalCode;
use crate::domain::settings::{SettingKey, Settings};
use rusqlite::{Connection, Transaction};
use strum::IntoEnumIterator;

/// Reads the settings, starting from the defaults for anything not stored.
pub fn load(conn: &Connection, code: &HospitalCode) -> Result<Settings, StoreError> {
    let mut settings = Settings::defaults(code.as_str(), code.as_str(), chrono_tz::UTC);
    let mut stmt = conn.prepare_cached("SELECT key, value FROM settings")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (key, value) = row?;
        let applied = SettingKey::parse(&key).and_then(|k| settings.set(k, &value));
        if let Err(e) = applied {
            tracing::warn!(key, error = %e, "stored setting ignored, default used");
        }
    }
    Ok(settings)
}

/// Writes one setting.
pub fn put(tx: &Transaction, key: SettingKey, value: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key.to_string(), value),
    )?;
    Ok(())
}

/// Writes every setting.
pub fn save(tx: &Transaction, settings: &Settings) -> Result<(), StoreError> {
    for key in SettingKey::iter() {
        put(tx, key, &settings.get(key))?;
    }
    Ok(())
}

/// Gives a file that has no time zone yet the machine's: its dates and times
/// were shown in that zone until the setting existed.
pub fn pin_time_zone(tx: &Transaction) -> Result<(), StoreError> {
    let zone = crate::machine_zone::machine_zone();
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
        (SettingKey::TimeZone.to_string(), zone.name()),
    )?;
    Ok(())
}
