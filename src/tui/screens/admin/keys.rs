//! The admin tab's key tables: the help overlay and the hint bar are made
//! from them, so help never drifts from behaviour.

use crate::tui::keymap::rows::{list_keys, table};
use crate::tui::keymap::{Action, Binding, b, ch};

/// The admin tab: the accounts list.
pub const ADMIN: &[Binding] = table![
    list_keys!("account"),
    &[
        b(&[ch('u')], Action::UnlockAccount, "unlock account", true),
        b(&[ch('w')], Action::SetWards, "set wards", true),
        b(&[ch('t')], Action::AuditTrail, "audit trail", false),
        b(&[ch('r')], Action::Refresh, "refresh", true),
    ],
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice() {
        assert_no_key_twice(ADMIN);
    }

    #[test]
    fn no_table_shadows_a_global_key() {
        assert_no_global_key_shadowed(ADMIN);
    }
}
