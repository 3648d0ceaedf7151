//! One file per screen. Each holds its own state, draws itself, and turns
//! the actions of its key table into changes of that state; the app performs
//! anything that touches the database.

pub mod admin;
pub mod appointments;
pub mod bed_board;
pub mod bed_views;
pub mod beds;
pub mod change_password;
pub mod help;
pub mod notice;
pub mod patient_form;
pub mod patient_record;
pub mod patients;
pub mod pharmacy;
pub mod pharmacy_forms;
pub mod picker;
pub mod sign_in;

use crate::tui::keymap::Tab;
use crate::tui::screen::{Ctx, Said, Screen};

/// Opens the screen of `tab`: the one place that names the working areas.
/// Nothing comes back when the screen cannot be read (what went wrong is
/// said); the tab then shows a notice.
pub fn open(tab: Tab, ctx: &mut Ctx) -> (Option<Box<dyn Screen>>, Said) {
    fn boxed<S: Screen + 'static>((screen, said): (S, Said)) -> (Option<Box<dyn Screen>>, Said) {
        (Some(Box::new(screen)), said)
    }
    match tab {
        Tab::Patients => boxed((patients::Patients::new(ctx), Said::Nothing)),
        Tab::Appointments => boxed(appointments::Appointments::open(ctx)),
        Tab::Beds => {
            let zone = ctx.settings.time_zone;
            boxed(beds::Beds::new(ctx, zone))
        }
        Tab::Pharmacy => boxed(pharmacy::Pharmacy::new(ctx)),
        Tab::Admin => match admin::Admin::open(ctx) {
            (Some(a), said) => boxed((a, said)),
            (None, said) => (None, said),
        },
    }
}
