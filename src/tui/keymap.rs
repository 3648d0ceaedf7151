//! The key tables of the screens outside the working areas (sign-in, the
//! lock, password change, help, confirmations, prompts) and the global keys,
//! and what every table is made of. Each area keeps its own tables in its
//! folder. The help overlay and the hint bar are generated from the tables,
//! so help never drifts from behaviour.

mod action;
pub mod rows;

pub use action::Action;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rows::{TAB_FIELDS, table};
use std::sync::LazyLock;

/// The working areas' tabs. What each is called, its key, who may open it
/// and how its screen opens are in one list, [`crate::tui::screens::AREAS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Patients,
    Appointments,
    Beds,
    Pharmacy,
    Admin,
    Visits,
    Round,
    Lab,
    Billing,
    /// A patient's own record (a patient account's only tab).
    MyRecord,
}

/// One key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

/// A key without modifiers (the key tables' shorthand).
pub const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
/// A character key.
pub const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}
/// Ctrl and a character.
pub const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}
/// Alt and a character.
pub const fn alt(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::ALT,
    }
}

impl Key {
    /// Whether a key event is this key. Shift is ignored for characters and
    /// Shift+Tab, since terminals differ in reporting it (`?` is Shift+/).
    pub fn matches(&self, e: &KeyEvent) -> bool {
        let mods = if matches!(e.code, KeyCode::Char(_) | KeyCode::BackTab) {
            e.modifiers - KeyModifiers::SHIFT
        } else {
            e.modifiers
        };
        let code = match e.code {
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        code == self.code && mods == self.mods
    }

    /// How the key is written in help and hints.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) if self.mods.is_empty() => c.to_string(),
            KeyCode::Char(c) => c.to_ascii_uppercase().to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift+Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl+{base}")
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt+{base}")
        } else {
            base
        }
    }
}

/// A row of a screen's key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    /// What it does, in a few words.
    pub does: &'static str,
    /// Whether the bottom hint bar shows it.
    pub hint: bool,
    /// What the key asks of the user's role: a role without it is neither
    /// shown the key in the hint bar nor in help.
    pub needs: Option<crate::domain::role::Permission>,
}

/// A row of a key table: its keys, its action, what it does, and whether
/// the hint bar shows it.
pub const fn b(keys: &'static [Key], action: Action, does: &'static str, hint: bool) -> Binding {
    Binding {
        keys,
        action,
        does,
        hint,
        needs: None,
    }
}

impl Binding {
    /// The same key, shown only to a role that holds `p`.
    pub const fn needs(self, p: crate::domain::role::Permission) -> Binding {
        Binding {
            needs: Some(p),
            ..self
        }
    }

    /// Whether `role` (or nobody signed in) is offered this key.
    pub fn offered_to(&self, role: Option<crate::domain::role::Role>) -> bool {
        match (self.needs, role) {
            (Some(p), Some(r)) => r.can(p),
            _ => true,
        }
    }

    /// All the keys, e.g. "↑, k".
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Keys that work on every tab of the working screen besides the tabs' own.
const EVERYWHERE: &[Binding] = &[
    b(
        &[plain(KeyCode::F(1)), ch('?')],
        Action::ShowHelp,
        "help",
        true,
    ),
    b(&[ctrl('l')], Action::Lock, "lock", true),
    b(&[ctrl('q')], Action::Quit, "quit", true),
];

/// The keys that act while the window is too small to show anything:
/// quitting (which asks first) and locking. Every other key is ignored, so
/// that nothing happens that the user cannot see.
pub const TOO_SMALL: &[Binding] = &[
    b(&[ctrl('q')], Action::Quit, "quit (asks first)", true),
    b(&[ctrl('l')], Action::Lock, "lock", true),
];

/// The same while nobody is at work (signing in, or locked): only quitting.
pub const TOO_SMALL_SIGNED_OUT: &[Binding] =
    &[b(&[ctrl('q')], Action::Quit, "quit (asks first)", true)];

/// The sign-in screen, and the lock screen (which is a sign-in for the same
/// or another user).
pub const SIGN_IN: &[Binding] = table![
    &[b(&[plain(KeyCode::Enter)], Action::Submit, "sign in", true)],
    TAB_FIELDS,
    &[
        b(&[plain(KeyCode::F(1))], Action::ShowHelp, "help", true),
        b(&[ctrl('q')], Action::Quit, "quit", true),
    ],
];

/// The lock screen: unlock, or sign in as someone else.
pub const LOCKED: &[Binding] = table![
    &[b(&[plain(KeyCode::Enter)], Action::Submit, "unlock", true)],
    TAB_FIELDS,
    &[
        b(&[plain(KeyCode::F(1))], Action::ShowHelp, "help", true),
        b(&[ctrl('q')], Action::Quit, "quit (signs out)", true),
    ],
];

/// The forced password change after an admin's reset.
pub const CHANGE_PASSWORD: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter), ctrl('s')],
        Action::Submit,
        "save",
        true,
    )],
    TAB_FIELDS,
    &[
        b(&[plain(KeyCode::Esc)], Action::Cancel, "sign out", true),
        b(&[plain(KeyCode::F(1))], Action::ShowHelp, "help", true),
        b(&[ctrl('q')], Action::Quit, "quit", true),
    ],
];

/// Choosing a hospital before signing in.
pub const PICKER: &[Binding] = &[
    b(&[plain(KeyCode::Up), ch('k')], Action::Up, "previous", true),
    b(&[plain(KeyCode::Down), ch('j')], Action::Down, "next", true),
    b(&[plain(KeyCode::Enter)], Action::Submit, "open", true),
    b(
        &[ctrl('q'), plain(KeyCode::Esc)],
        Action::Quit,
        "quit",
        true,
    ),
];

/// A question that needs a typed answer (the reason for a deletion).
pub const PROMPT: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Yes, "confirm", true),
    b(&[plain(KeyCode::Esc)], Action::No, "cancel", true),
];

/// A tab whose screen has no keys of its own yet.
pub const NOTICE: &[Binding] = &[];

/// The help overlay.
pub const HELP: &[Binding] = &[b(
    &[plain(KeyCode::Esc), plain(KeyCode::F(1)), ch('?'), ch('q')],
    Action::CloseHelp,
    "close help",
    true,
)];

/// A yes/no question.
pub const CONFIRM: &[Binding] = &[
    b(&[ch('y'), plain(KeyCode::Enter)], Action::Yes, "yes", true),
    b(&[ch('n'), plain(KeyCode::Esc)], Action::No, "no", true),
];

/// A check list popup (a clinician's wards): move, check, save or cancel.
pub const CHECKLIST: &[Binding] = table![
    rows::list_keys!("line"),
    &[
        b(
            &[plain(KeyCode::Char(' '))],
            Action::ToggleCheck,
            "check or uncheck",
            true,
        ),
        b(&[plain(KeyCode::Enter)], Action::Submit, "save", true),
        b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
    ],
];

/// Keys that work on every tab of the working screen: each area's tab key
/// (F2… and Alt+1…, from [`crate::tui::screens::AREAS`]), then help, lock
/// and quit.
pub fn global() -> &'static [Binding] {
    static GLOBAL: LazyLock<Vec<Binding>> = LazyLock::new(|| {
        let tabs = crate::tui::screens::AREAS
            .iter()
            .enumerate()
            .map(|(i, area)| {
                let alt_digit = char::from_digit(i as u32 + 1, 10).unwrap_or('0');
                let keys = vec![plain(KeyCode::F(area.function_key)), alt(alt_digit)];
                Binding {
                    keys: Vec::leak(keys),
                    action: Action::GoTo(area.tab),
                    does: String::leak(format!("{} tab", area.title)),
                    hint: false,
                    needs: Some(area.tab.permission()),
                }
            });
        tabs.chain(EVERYWHERE.iter().copied()).collect()
    });
    &GLOBAL
}

/// The keys that work on every tab, as the help shows them to `role`: the
/// tab keys of the areas it may open only.
pub fn global_of(role: crate::domain::role::Role) -> &'static [Binding] {
    use strum::IntoEnumIterator;
    type ByRole = Vec<(crate::domain::role::Role, Vec<Binding>)>;
    static BY_ROLE: LazyLock<ByRole> = LazyLock::new(|| {
        crate::domain::role::Role::iter()
            .map(|r| {
                let rows = global()
                    .iter()
                    .filter(|b| match b.action {
                        Action::GoTo(t) => r.can(t.permission()),
                        _ => true,
                    })
                    .copied()
                    .collect();
                (r, rows)
            })
            .collect()
    });
    BY_ROLE
        .iter()
        .find(|(r, _)| *r == role)
        .map_or(global(), |(_, rows)| rows.as_slice())
}

/// The action a table binds to a key event, if any.
pub fn lookup(table: &[Binding], e: &KeyEvent) -> Option<Action> {
    table
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(e)))
        .map(|b| b.action)
}

/// Fails when a table binds one key twice. Every key table is checked
/// with it, in the tests beside the table.
#[cfg(test)]
pub fn assert_no_key_twice(table: &[Binding]) {
    let keys: Vec<Key> = table.iter().flat_map(|b| b.keys.iter().copied()).collect();
    for (i, k) in keys.iter().enumerate() {
        assert!(!keys[i + 1..].contains(k), "{} bound twice", k.label());
    }
}

/// Fails when a screen's table takes a key that works on every tab.
#[cfg(test)]
pub fn assert_no_global_key_shadowed(table: &[Binding]) {
    let global: Vec<Key> = global()
        .iter()
        .flat_map(|b| b.keys.iter().copied())
        .collect();
    for b in table {
        for k in b.keys {
            assert!(!global.contains(k), "{} shadows a global key", k.label());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The areas' tables are checked in their folders' tests.
    #[test]
    fn no_table_binds_one_key_twice() {
        for table in [
            global(),
            SIGN_IN,
            CHANGE_PASSWORD,
            HELP,
            CONFIRM,
            PICKER,
            CHECKLIST,
        ] {
            assert_no_key_twice(table);
        }
    }

    #[test]
    fn control_keys_match_either_case_and_question_mark_ignores_shift() {
        let e = KeyEvent::new(
            KeyCode::Char('L'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(lookup(global(), &e), Some(Action::Lock));
        let e = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::ALT);
        assert_eq!(lookup(global(), &e), None);
        let e = KeyEvent::new(KeyCode::Char('L'), KeyModifiers::CONTROL);
        assert_eq!(lookup(global(), &e), Some(Action::Lock));
        let e = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(lookup(SIGN_IN, &e), Some(Action::PrevField));
        let e = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(lookup(global(), &e), Some(Action::ShowHelp));
        assert_eq!(ctrl('q').label(), "Ctrl+Q");
        assert_eq!(alt('1').label(), "Alt+1");
    }
}
