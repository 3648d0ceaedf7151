//! Rows that many key tables share (moving in a list, moving between a
//! form's fields and its options, saving and cancelling, going back,
//! refreshing), written once, and the [`table!`]
//! macro that joins such groups into one table at compile time. A table
//! made of groups reads, and shows in help, exactly as if written out.

use super::{Action, Binding, b, ctrl, plain};
use ratatui::crossterm::event::KeyCode;

/// Joins groups of rows (each a `&[Binding]`) into one `&'static [Binding]`,
/// in order, at compile time.
macro_rules! table {
    ($($group:expr),+ $(,)?) => {{
        const GROUPS: &[&[$crate::tui::keymap::Binding]] = &[$($group),+];
        const LEN: usize = $crate::tui::keymap::rows::total_len(GROUPS);
        const TABLE: [$crate::tui::keymap::Binding; LEN] = $crate::tui::keymap::rows::join(GROUPS);
        &TABLE
    }};
}
pub(crate) use table;

/// Two rows hidden from the hint bar: keys, action and words of each.
macro_rules! pair {
    ($keys1:tt, $action1:ident, $does1:expr, $keys2:tt, $action2:ident, $does2:expr) => {{
        use ratatui::crossterm::event::KeyCode;
        use $crate::tui::keymap::{Action, b, plain};
        &[
            b(&$keys1, Action::$action1, $does1, false),
            b(&$keys2, Action::$action2, $does2, false),
        ]
    }};
}
pub(crate) use pair;

/// ↑/k and ↓/j: the previous and the next row, e.g. "previous patient"
/// (without a noun: "previous", "next").
macro_rules! up_down {
    () => {
        $crate::tui::keymap::rows::up_down!(@ "previous", "next")
    };
    ($noun:literal) => {
        $crate::tui::keymap::rows::up_down!(@ concat!("previous ", $noun), concat!("next ", $noun))
    };
    (@ $up:expr, $down:expr) => {
        $crate::tui::keymap::rows::pair!(
            [plain(KeyCode::Up), $crate::tui::keymap::ch('k')], Up, $up,
            [plain(KeyCode::Down), $crate::tui::keymap::ch('j')], Down, $down
        )
    };
}
pub(crate) use up_down;

/// ↑ and ↓ alone, where letters are typed into a search box.
macro_rules! arrows {
    ($noun:literal) => {
        $crate::tui::keymap::rows::pair!(
            [plain(KeyCode::Up)],
            Up,
            concat!("previous ", $noun),
            [plain(KeyCode::Down)],
            Down,
            concat!("next ", $noun)
        )
    };
}
pub(crate) use arrows;

/// Home and End: the first and the last row.
macro_rules! home_end {
    ($noun:literal) => {
        $crate::tui::keymap::rows::pair!(
            [plain(KeyCode::Home)],
            Home,
            concat!("first ", $noun),
            [plain(KeyCode::End)],
            End,
            concat!("last ", $noun)
        )
    };
}
pub(crate) use home_end;

/// Every key of a scrolling list: ↑/k ↓/j, PgUp PgDn, Home End.
macro_rules! list_keys {
    ($noun:literal) => {
        $crate::tui::keymap::rows::table![
            $crate::tui::keymap::rows::up_down!($noun),
            $crate::tui::keymap::rows::PAGING,
            $crate::tui::keymap::rows::home_end!($noun),
        ]
    };
}
pub(crate) use list_keys;

/// PgUp and PgDn move the selection a page.
pub const PAGING: &[Binding] = pair!(
    [plain(KeyCode::PageUp)],
    PageUp,
    "page up",
    [plain(KeyCode::PageDown)],
    PageDown,
    "page down"
);

/// ↑/k and ↓/j scroll a view that has no selection.
pub const SCROLL: &[Binding] = up_down!(@ "scroll up", "scroll down");

/// Tab (or ↓, or Enter) and Shift+Tab (or ↑) move between a form's fields.
pub const FIELDS: &[Binding] = &[
    b(
        &[
            plain(KeyCode::Tab),
            plain(KeyCode::Down),
            plain(KeyCode::Enter),
        ],
        Action::NextField,
        "next field",
        true,
    ),
    PREV_FIELD,
];

/// Tab (or ↓) and Shift+Tab (or ↑) move between fields, where Enter does
/// something else (signs in, opens a picker).
pub const TAB_FIELDS: &[Binding] = &[
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        Action::NextField,
        "next field",
        true,
    ),
    PREV_FIELD,
];

const PREV_FIELD: Binding = b(
    &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
    Action::PrevField,
    "previous field",
    false,
);

/// Ctrl+S saves a form.
pub const SAVE: &[Binding] = &[b(&[ctrl('s')], Action::Save, "save", true)];

/// Esc leaves a form.
pub const CANCEL: &[Binding] = &[b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true)];

/// A form of typed fields: save, move between fields, cancel.
pub const FORM: &[Binding] = table![SAVE, FIELDS, CANCEL];

/// ← and → choose the previous and the next option of a field with options.
pub const CHOICES: &[Binding] = &[
    b(
        &[plain(KeyCode::Left)],
        Action::PrevChoice,
        "previous option",
        false,
    ),
    b(
        &[plain(KeyCode::Right)],
        Action::NextChoice,
        "next option",
        true,
    ),
];

/// A form on a field with options: save, choose, move between fields, cancel.
pub const CHOICE_FORM: &[Binding] = table![SAVE, CHOICES, TAB_FIELDS, CANCEL];

/// Esc goes back to the view this one was opened from.
pub const BACK: &[Binding] = &[b(&[plain(KeyCode::Esc)], Action::Back, "back", true)];

/// Enter chooses the row found (a patient, a code, a medicine).
pub const CHOOSE: &[Binding] = &[b(&[plain(KeyCode::Enter)], Action::Open, "choose", true)];

/// Ctrl+R reads what is shown again from the file.
pub const REFRESH: &[Binding] = &[b(&[ctrl('r')], Action::Refresh, "refresh", false)];

/// How many rows the groups hold together.
pub const fn total_len(groups: &[&[Binding]]) -> usize {
    let mut n = 0;
    let mut g = 0;
    while g < groups.len() {
        n += groups[g].len();
        g += 1;
    }
    n
}

/// The groups' rows in order, as one array of `N` rows (`N` is
/// [`total_len`] of the groups; compilation fails otherwise).
pub const fn join<const N: usize>(groups: &[&[Binding]]) -> [Binding; N] {
    let mut out = [b(&[], Action::ShowHelp, "", false); N];
    let mut k = 0;
    let mut g = 0;
    while g < groups.len() {
        let mut i = 0;
        while i < groups[g].len() {
            out[k] = groups[g][i];
            k += 1;
            i += 1;
        }
        g += 1;
    }
    assert!(k == N, "a joined key table has the wrong length");
    out
}
