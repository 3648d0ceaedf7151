//! A patient account's session is checked again at each key: once its
//! portal access is turned off, its account disabled, or its record
//! deleted or merged, the session ends and the sign-in screen says why.

use super::{App, Mode};
use crate::domain::role::Role;
use crate::store::sessions::EndReason;

impl App {
    /// Ends a patient's session whose access has closed; whether it did.
    pub(super) fn patient_access_closed(&mut self) -> bool {
        let session = match &self.mode {
            Mode::Working(w) | Mode::Locked { workspace: w, .. } => &w.session,
            Mode::ChangePassword { session, .. } => session,
            Mode::SignIn(_) => return false,
        };
        if session.role() != Role::Patient {
            return false;
        }
        let Err(e) = crate::auth::patient_of(self.db.conn(), session) else {
            return false;
        };
        self.end_session(EndReason::Logout);
        if let Mode::SignIn(form) = &mut self.mode {
            form.error = Some(super::sentence(e));
        }
        true
    }
}
