//! The Admin tab's key tables, one per section and view: the help overlay
//! and the hint bar are made from them, so help never drifts from
//! behaviour. The keys that switch sections are added by the tab itself
//! (see [`with_sections`]) wherever no text field has the cursor.

use crate::tui::keymap::rows::{CANCEL, CHOICES, FIELDS, REFRESH, SAVE, list_keys, table};
use crate::tui::keymap::{Action, Binding, b, ch, ctrl, plain};
use ratatui::crossterm::event::KeyCode;
use std::sync::{LazyLock, Mutex};

/// The accounts list.
pub const ACCOUNTS: &[Binding] = table![
    list_keys!("account"),
    &[
        b(&[ch('a')], Action::AddAccount, "add account", true),
        b(&[ch('c')], Action::ChangeRole, "role", true),
        b(&[ch('d')], Action::ToggleAccount, "disable/enable", true),
        b(&[ch('p')], Action::ResetPassword, "new password", true),
        b(&[ch('u')], Action::UnlockAccount, "unlock", true),
        b(&[ch('w')], Action::SetWards, "set wards", true),
    ],
    REFRESH,
];

/// The form of a new account, on a typed field.
pub const ACCOUNT_FORM: &[Binding] = table![SAVE, FIELDS, CANCEL];

/// The form of a new account, on the role.
pub const ACCOUNT_FORM_ROLE: &[Binding] = table![SAVE, CHOICES, FIELDS, CANCEL];

/// Choosing an account's new role: one choice, Enter saves.
pub const ROLE_FORM: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter), ctrl('s')],
        Action::Save,
        "save",
        true
    )],
    CHOICES,
    CANCEL,
];

/// A temporary password on show, once.
pub const ISSUED: &[Binding] = &[b(
    &[plain(KeyCode::Enter), plain(KeyCode::Esc)],
    Action::Cancel,
    "written down: close",
    true,
)];

/// The settings list.
pub const SETTINGS: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Edit,
        "edit value",
        true
    )],
    list_keys!("setting"),
    REFRESH,
];

/// A setting's value typed in its row.
pub const SETTING_TYPED: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter), ctrl('s')],
        Action::Save,
        "save",
        true
    )],
    CANCEL,
];

/// A setting's value chosen among its options in its row.
pub const SETTING_CHOSEN: &[Binding] = table![SETTING_TYPED, CHOICES];

/// The backups list.
pub const BACKUPS: &[Binding] = table![
    &[
        b(&[ch('b')], Action::TakeBackup, "back up now", true),
        b(&[ch('c')], Action::CheckBackup, "check backup", true),
    ],
    list_keys!("backup"),
    REFRESH,
];

/// The rows that switch sections: Tab or → the next, Shift+Tab or ← the
/// previous, and a digit for each section named in `labels`.
fn section_rows(labels: &[&'static str]) -> Vec<Binding> {
    const DIGITS: [char; 9] = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const SWITCH: &[Binding] = &[
        b(
            &[plain(KeyCode::Tab), plain(KeyCode::Right)],
            Action::NextSection,
            "next section",
            true,
        ),
        b(
            &[plain(KeyCode::BackTab), plain(KeyCode::Left)],
            Action::PrevSection,
            "previous section",
            false,
        ),
    ];
    let mut rows = SWITCH.to_vec();
    for (i, label) in labels.iter().enumerate().take(DIGITS.len()) {
        let key: &'static [crate::tui::keymap::Key] = Vec::leak(vec![ch(DIGITS[i])]);
        rows.push(b(
            key,
            Action::ShowSection(i as u8 + 1),
            String::leak(label.to_lowercase()),
            false,
        ));
    }
    rows
}

/// A section's table with the section keys after its own, leaving out a
/// key the section already binds; made once per table and kept.
pub fn with_sections(table: &'static [Binding], labels: &[&'static str]) -> &'static [Binding] {
    type Joined = Vec<(usize, &'static [Binding])>;
    static JOINED: LazyLock<Mutex<Joined>> = LazyLock::new(|| Mutex::new(Vec::new()));
    let id = table.as_ptr() as usize;
    let Ok(mut joined) = JOINED.lock() else {
        return table;
    };
    if let Some((_, t)) = joined.iter().find(|(k, _)| *k == id) {
        return t;
    }
    let taken: Vec<_> = table.iter().flat_map(|b| b.keys.iter().copied()).collect();
    let mut rows = table.to_vec();
    for row in section_rows(labels) {
        let keys: Vec<_> = row
            .keys
            .iter()
            .copied()
            .filter(|k| !taken.contains(k))
            .collect();
        if !keys.is_empty() {
            rows.push(Binding {
                keys: Vec::leak(keys),
                ..row
            });
        }
    }
    let t: &'static [Binding] = Vec::leak(rows);
    joined.push((id, t));
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    const LABELS: &[&str] = &["Accounts", "Settings", "Audit trail", "Backups"];

    #[test]
    fn no_table_binds_one_key_twice_or_shadows_a_global_key() {
        for t in [
            ACCOUNTS,
            SETTINGS,
            super::super::audit_trail::keys::LIST,
            super::super::audit_trail::keys::EVENT,
            super::super::audit_trail::keys::WHO_OPENED,
            BACKUPS,
        ] {
            let joined = with_sections(t, LABELS);
            assert_no_key_twice(joined);
            assert_no_global_key_shadowed(joined);
        }
        for t in [
            ACCOUNT_FORM,
            ACCOUNT_FORM_ROLE,
            ROLE_FORM,
            ISSUED,
            SETTING_TYPED,
            SETTING_CHOSEN,
        ] {
            assert_no_key_twice(t);
        }
    }

    #[test]
    fn a_key_the_section_binds_stays_the_sections() {
        const OWN: &[Binding] = &[b(&[plain(KeyCode::Right)], Action::Right, "right", true)];
        let joined = with_sections(OWN, LABELS);
        let e = ratatui::crossterm::event::KeyEvent::from(KeyCode::Right);
        assert_eq!(crate::tui::keymap::lookup(joined, &e), Some(Action::Right));
        let e = ratatui::crossterm::event::KeyEvent::from(KeyCode::Tab);
        assert_eq!(
            crate::tui::keymap::lookup(joined, &e),
            Some(Action::NextSection)
        );
        let e = ratatui::crossterm::event::KeyEvent::from(KeyCode::Char('4'));
        assert_eq!(
            crate::tui::keymap::lookup(joined, &e),
            Some(Action::ShowSection(4))
        );
    }
}
