//! The key table of a patient's own record: the help overlay and the hint
//! bar are made from it. It has no search and no key to any other screen.

use crate::tui::keymap::rows::{PAGING, SCROLL, table};
use crate::tui::keymap::{Action, Binding, b, ch, plain};
use ratatui::crossterm::event::KeyCode;

/// A patient's own record.
pub const MY_RECORD: &[Binding] = table![
    &[
        b(
            &[plain(KeyCode::Right), plain(KeyCode::Tab)],
            Action::Right,
            "next section",
            true,
        ),
        b(
            &[plain(KeyCode::Left), plain(KeyCode::BackTab)],
            Action::Left,
            "previous section",
            true,
        ),
        b(&[ch('1')], Action::ShowSection(1), "your details", false),
        b(&[ch('2')], Action::ShowSection(2), "appointments", false),
        b(&[ch('3')], Action::ShowSection(3), "hospital stays", false),
        b(&[ch('4')], Action::ShowSection(4), "medicines", false),
        b(
            &[ch('5')],
            Action::ShowSection(5),
            "laboratory results",
            false
        ),
        b(
            &[ch('6')],
            Action::ShowSection(6),
            "bills and receipts",
            false
        ),
        b(
            &[ch('7')],
            Action::ShowSection(7),
            "who opened my record",
            false
        ),
        b(
            &[ch('n')],
            Action::OlderEntries,
            "older entries (who opened)",
            false
        ),
        b(
            &[ch('p')],
            Action::NewerEntries,
            "newer entries (who opened)",
            false
        ),
    ],
    SCROLL,
    PAGING,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_key_twice_and_no_global_key_shadowed() {
        assert_no_key_twice(MY_RECORD);
        assert_no_global_key_shadowed(MY_RECORD);
    }
}
