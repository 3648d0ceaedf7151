//! The lab tab's key tables, one per view, kept beside the screen that uses
//! them. The help overlay and the hint bar are generated from them.

use crate::tui::keymap::rows::{CHOICE_FORM, FORM, REFRESH, list_keys, table};
use crate::tui::keymap::{Action, Binding, b, ch, plain};
use ratatui::crossterm::event::KeyCode;

/// The order's steps, on the worklist and on an open order alike.
const STEPS: &[Binding] = &[
    b(&[ch('c')], Action::CollectSpecimen, "collect", true),
    b(&[ch('r')], Action::RejectSpecimen, "reject", true),
    b(&[ch('e')], Action::EnterResults, "results", true),
    b(&[ch('v')], Action::VerifyResults, "verify", true),
];

/// The lab's worklist: its lists, the order's steps, finding an accession.
pub const WORKLIST: &[Binding] = table![
    &[b(&[plain(KeyCode::Enter)], Action::Open, "open", true)],
    list_keys!("order"),
    STEPS,
    &[
        b(&[ch('/')], Action::FocusSearch, "find accession", true),
        b(
            &[plain(KeyCode::Tab)],
            Action::NextLabList,
            "next list",
            true
        ),
        b(
            &[plain(KeyCode::BackTab)],
            Action::PrevLabList,
            "previous list",
            false,
        ),
    ],
    REFRESH,
];

/// Typing or scanning an accession number.
pub const FIND: &[Binding] = &[
    b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open the order",
        true,
    ),
    b(
        &[plain(KeyCode::Esc)],
        Action::FocusList,
        "back to the list",
        true,
    ),
];

/// One order: its tests, results and flags, and its steps.
pub const ORDER: &[Binding] = table![
    &[b(&[plain(KeyCode::Esc)], Action::Back, "back", true)],
    list_keys!("result"),
    STEPS,
    &[b(
        &[ch('a')],
        Action::CorrectResult,
        "correct a result",
        true
    )],
    REFRESH,
];

/// The result form, on a typed value.
pub const ENTRY: &[Binding] = FORM;

/// The result form, on a value chosen from its options.
pub const ENTRY_PICK: &[Binding] = CHOICE_FORM;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice_or_shadows_a_global_key() {
        for t in [WORKLIST, FIND, ORDER, ENTRY, ENTRY_PICK] {
            assert_no_key_twice(t);
        }
        assert_no_global_key_shadowed(WORKLIST);
        assert_no_global_key_shadowed(ORDER);
    }
}
