//! The hospital's own secrets (`hospital_secrets`), kept in its file and
//! nowhere else, read by name.

use super::StoreError;
use crate::domain::sign_in_name::UserNameKey;
use rusqlite::{Connection, OptionalExtension};
use zeroize::Zeroizing;

/// The key that tags user names nobody has (made by migration 18).
pub fn user_name_key(conn: &Connection) -> Result<UserNameKey, StoreError> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT value FROM hospital_secrets WHERE name = 'user_name_key'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let missing = || StoreError::Damaged {
        path: conn.path().unwrap_or_default().into(),
        detail: "its key for user names is missing or too short".into(),
    };
    UserNameKey::new(Zeroizing::new(bytes.ok_or_else(missing)?)).map_err(|_| missing())
}
