//! What the multi-process tests' child writers share: reading their
//! settings from the environment, and one write through the one write path.

use chrono::Utc;
use wardline::domain::audit::{Actor, AuditAction, AuditEvent};
use wardline::domain::role::Role;
use wardline::store::users::{self, NewUser};
use wardline::store::{Db, StoreError};

/// A setting the parent passed to the child process.
pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set for the child"))
}

/// One write through the one write path: a user row and its CREATE event.
pub fn insert_user(db: &mut Db, name: &str, hash: &str) -> Result<(), StoreError> {
    db.write(&Actor::system(), |tx| {
        let user = users::insert(
            tx,
            &NewUser {
                user_name: name,
                full_name: name,
                role: Role::Nurse,
                password_hash: hash,
                must_change_password: false,
            },
            Utc::now(),
        )?;
        let event = AuditEvent::new(AuditAction::Create, "user", name).on(user.id.as_str());
        Ok::<_, StoreError>(((), vec![event]))
    })
}
