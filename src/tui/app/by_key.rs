//! Sessions that begin signed in another way than the sign-in screen: an
//! SSH public key registered to the account (see `crate::ssh`).

use super::{App, Mode};
use crate::auth::Session;

impl App {
    /// Starts at work (or at the forced password change) for a session
    /// the SSH server signed in by key.
    pub fn begin_signed_in(&mut self, session: Session) {
        self.start(session, None);
    }

    /// Shows why a sign-in by key was refused, on the sign-in screen where
    /// the user can sign in with their password instead.
    pub fn show_sign_in_refusal(&mut self, why: String) {
        if let Mode::SignIn(form) = &mut self.mode {
            form.error = Some(why);
        }
    }
}
