//! The "Portal account" popup of a record (key P, admins and receptionists):
//! creating the patient's account, after asking once, and showing its user
//! name and temporary password once; or an account's state, with keys to
//! turn portal access off or on and to issue a new temporary password.

use crate::domain::patient::Patient;
use crate::ops::patient_accounts::{self, Issued, PortalAccount};
use crate::tui::keymap::rows::table;
use crate::tui::keymap::{Action, Binding, b, ch, plain};
use crate::tui::popups::{Answer, Dialog};
use crate::tui::screen::{Ctx, Said, Screen, View, said_error};
use crate::tui::widgets::popup::{centered, frame_box};
use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};

const CLOSE: &[Binding] = &[b(&[plain(KeyCode::Esc)], Action::Cancel, "close", true)];

/// No account yet: Enter creates it.
pub const PORTAL_OFFER: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::CreatePortalAccount,
        "create the account",
        true
    )],
    CLOSE,
];

/// An account: its switch and a new temporary password.
pub const PORTAL_SHOWN: &[Binding] = table![
    &[
        b(&[ch('o')], Action::TogglePortal, "turn access off/on", true),
        b(
            &[ch('r')],
            Action::ResetPortalPassword,
            "new temporary password",
            true
        ),
    ],
    CLOSE,
];

/// The temporary password on show, once.
pub const PORTAL_ISSUED: &[Binding] = table![&[b(
    &[plain(KeyCode::Enter), plain(KeyCode::Esc)],
    Action::Cancel,
    "written down: close",
    true
)]];

/// The token the record gets back when the popup closes: read the account again.
pub struct PortalClosed;

enum Stage {
    Offer,
    Shown(PortalAccount),
    Issued(Issued),
}

/// The popup's state.
pub struct PortalAccountDialog {
    patient: Patient,
    stage: Stage,
    done: bool,
}

impl PortalAccountDialog {
    /// The popup for `patient`, showing their account if they have one.
    pub fn open(patient: Patient, ctx: &mut Ctx) -> Result<PortalAccountDialog, Said> {
        let stage = match patient_accounts::of_patient(ctx.db, ctx.session, &patient.id) {
            Ok(Some(a)) => Stage::Shown(a),
            Ok(None) => Stage::Offer,
            Err(e) => return Err(said_error(e)),
        };
        Ok(PortalAccountDialog {
            patient,
            stage,
            done: false,
        })
    }

    fn text(&self, ctx_now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
        let p = &self.patient;
        let who = format!("{} {}", p.mrn, p.details.full_name());
        match &self.stage {
            Stage::Offer => vec![
                format!("{who} has no portal account."),
                String::new(),
                "Create one? Press Enter. The patient gets a temporary password, shown once here, and chooses their own at first sign-in.".into(),
            ],
            Stage::Shown(a) => vec![
                format!("Portal account of {who}"),
                String::new(),
                format!("User name: {}", a.user.user_name),
                format!("Access:    {}", a.state(ctx_now)),
                format!(
                    "Password:  {}",
                    if a.user.must_change_password {
                        "temporary (to change at first sign-in)"
                    } else {
                        "chosen by the patient"
                    }
                ),
            ],
            Stage::Issued(i) => vec![
                format!("Portal account of {who}"),
                String::new(),
                format!("User name:          {}", i.user.user_name),
                format!("Temporary password: {}", i.password.reveal()),
                String::new(),
                "Write it down for the patient; it is not shown again. They must change it at first sign-in.".into(),
            ],
        }
    }
}

impl Screen for PortalAccountDialog {
    fn table(&self) -> &'static [Binding] {
        match self.stage {
            Stage::Offer => PORTAL_OFFER,
            Stage::Shown(_) => PORTAL_SHOWN,
            Stage::Issued(_) => PORTAL_ISSUED,
        }
    }

    fn title(&self) -> &'static str {
        "Portal account"
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let id = self.patient.id.clone();
        match (action, &self.stage) {
            (Action::Cancel, _) => {
                self.done = true;
                Said::Nothing
            }
            (Action::CreatePortalAccount, Stage::Offer) => {
                match patient_accounts::create(ctx.db, ctx.session, &id, None, ctx.now) {
                    Ok(issued) => {
                        self.stage = Stage::Issued(issued);
                        Said::Info("Portal account created.".into())
                    }
                    Err(e) => said_error(e),
                }
            }
            (Action::TogglePortal, Stage::Shown(a)) => {
                let on = !a.portal_enabled;
                match patient_accounts::set_portal(ctx.db, ctx.session, &id, on, ctx.now) {
                    Ok(_) => {
                        if let Ok(Some(a)) = patient_accounts::of_patient(ctx.db, ctx.session, &id)
                        {
                            self.stage = Stage::Shown(a);
                        }
                        Said::Info(format!(
                            "Portal access turned {}.",
                            if on { "on" } else { "off" }
                        ))
                    }
                    Err(e) => said_error(e),
                }
            }
            (Action::ResetPortalPassword, Stage::Shown(_)) => {
                match patient_accounts::reset_password(ctx.db, ctx.session, &id, ctx.now) {
                    Ok(issued) => {
                        self.stage = Stage::Issued(issued);
                        Said::Info("New temporary password issued.".into())
                    }
                    Err(e) => said_error(e),
                }
            }
            _ => Said::Nothing,
        }
    }

    fn shown_again(&mut self, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let text = self.text(view.now).join("\n");
        let r = centered(area, 66, 11);
        let inner = frame_box("Portal account", r, view.theme, frame.buffer_mut());
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
    }
}

impl Dialog for PortalAccountDialog {
    fn finished(&mut self) -> Option<Answer> {
        std::mem::take(&mut self.done).then_some(Answer::Cancelled)
    }

    fn covers_screen(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::assert_no_key_twice;

    #[test]
    fn no_table_binds_one_key_twice() {
        for t in [PORTAL_OFFER, PORTAL_SHOWN, PORTAL_ISSUED] {
            assert_no_key_twice(t);
        }
    }
}
