//! The appointments tab's key tables: the day view, the queue, the booking
//! form and the set-up. The help overlay and the hint bar are made from
//! them, so help never drifts from behaviour.

use crate::domain::role::Permission;
use crate::tui::keymap::rows::{
    CANCEL, FIELDS, FORM, PAGING, SAVE, TAB_FIELDS, arrows, home_end, table, up_down,
};
use crate::tui::keymap::{Action, Binding, b, ch, ctrl, plain};
use ratatui::crossterm::event::KeyCode;

/// The appointments day view.
pub const APPT_DAY: &[Binding] = table![
    &[
        b(&[ch('n')], Action::NewAppointment, "book", true),
        b(&[plain(KeyCode::Enter)], Action::Open, "open record", true,),
        b(&[ch('/')], Action::FocusSearch, "find", true),
        b(&[ch('i')], Action::CheckIn, "check in", true),
        b(&[ch('q')], Action::ShowQueue, "queue", true),
        b(
            &[ch('['), plain(KeyCode::Left)],
            Action::PrevDay,
            "previous day",
            true,
        ),
        b(
            &[ch(']'), plain(KeyCode::Right)],
            Action::NextDay,
            "next day",
            true,
        ),
        b(&[ch('t')], Action::Today, "today", false),
        b(&[ch('g')], Action::GoToDate, "go to date", false),
        b(
            &[ch('c')],
            Action::FilterClinician,
            "clinician filter",
            false,
        ),
        b(&[ch('w')], Action::WalkIn, "walk-in", false),
        b(
            &[ch('s')],
            Action::StartConsultation,
            "call into consultation",
            false,
        )
        .needs(Permission::RunConsultations),
        b(
            &[ch('d')],
            Action::CompleteConsultation,
            "consultation done",
            false,
        )
        .needs(Permission::RunConsultations),
        b(&[ch('m')], Action::MarkNoShow, "mark no-show", false),
        b(
            &[ch('x')],
            Action::CancelAppointment,
            "cancel appointment",
            false,
        ),
        b(&[ch('r')], Action::Reschedule, "reschedule", false),
        b(
            &[ch('u')],
            Action::UndoStatus,
            "undo a change (admin)",
            false,
        )
        .needs(Permission::Administer),
        b(&[ch('h')], Action::SetUp, "types and hours (admin)", false)
            .needs(Permission::Administer),
    ],
    up_down!("appointment"),
    home_end!("appointment"),
    &[
        b(
            &[plain(KeyCode::PageUp)],
            Action::PageUp,
            "earlier hours",
            false,
        ),
        b(
            &[plain(KeyCode::PageDown)],
            Action::PageDown,
            "later hours",
            false,
        ),
        b(&[ctrl('r')], Action::Refresh, "refresh", false),
    ],
];

/// The find line over the day view: letters are typed into it.
pub const APPT_FIND: &[Binding] = table![
    &[
        b(
            &[plain(KeyCode::Enter)],
            Action::FocusList,
            "keep this one",
            true,
        ),
        b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
    ],
    arrows!("match"),
];

/// The queue of arrived patients.
pub const APPT_QUEUE: &[Binding] = table![
    &[
        b(&[ch('n')], Action::CallNext, "call next", true).needs(Permission::RunConsultations),
        b(&[plain(KeyCode::Enter)], Action::Open, "open record", true,),
        b(
            &[ch('s')],
            Action::StartConsultation,
            "call selected",
            false,
        )
        .needs(Permission::RunConsultations),
        b(
            &[ch('c')],
            Action::FilterClinician,
            "clinician filter",
            true,
        ),
        b(
            &[plain(KeyCode::Esc), ch('q')],
            Action::Back,
            "day view",
            true,
        ),
    ],
    up_down!("patient"),
    &[b(&[ctrl('r')], Action::Refresh, "refresh", false)],
];

/// The booking form on a choice (patient, clinician, type).
pub const APPT_FORM_CHOICE: &[Binding] = table![
    SAVE,
    &[
        b(
            &[plain(KeyCode::Enter)],
            Action::Open,
            "choose patient / next",
            false,
        ),
        b(
            &[plain(KeyCode::Left)],
            Action::PrevChoice,
            "previous choice",
            false,
        ),
        b(
            &[plain(KeyCode::Right), ch(' ')],
            Action::NextChoice,
            "next choice",
            true,
        ),
        b(
            &[ch('f'), ctrl('f')],
            Action::NextFreeSlot,
            "next free slot",
            true,
        ),
    ],
    TAB_FIELDS,
    CANCEL,
];

/// The booking form on a typed field (date, time, minutes, notes).
pub const APPT_FORM_TEXT: &[Binding] = table![
    SAVE,
    &[b(
        &[ctrl('f')],
        Action::NextFreeSlot,
        "next free slot",
        true
    )],
    FIELDS,
    CANCEL,
];

/// Appointment types and clinicians' hours (admin).
pub const APPT_SETUP: &[Binding] = table![
    &[
        b(
            &[plain(KeyCode::Enter), ch('e')],
            Action::Edit,
            "change",
            true,
        ),
        b(&[ch('n')], Action::NewType, "new type", true),
        b(
            &[ch('x')],
            Action::ToggleRetired,
            "retire / offer type",
            true,
        ),
        b(&[plain(KeyCode::Esc)], Action::Back, "day view", true),
    ],
    up_down!("row"),
    PAGING,
];

/// The appointment type form (admin).
pub const APPT_TYPE_FORM: &[Binding] = FORM;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice() {
        for table in [
            APPT_DAY,
            APPT_FIND,
            APPT_QUEUE,
            APPT_FORM_CHOICE,
            APPT_FORM_TEXT,
            APPT_SETUP,
            APPT_TYPE_FORM,
        ] {
            assert_no_key_twice(table);
        }
    }

    #[test]
    fn no_table_shadows_a_global_key() {
        for table in [
            APPT_DAY,
            APPT_FIND,
            APPT_QUEUE,
            APPT_FORM_CHOICE,
            APPT_FORM_TEXT,
            APPT_SETUP,
            APPT_TYPE_FORM,
        ] {
            assert_no_global_key_shadowed(table);
        }
    }
}
