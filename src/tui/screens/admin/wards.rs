//! The wards a doctor or nurse works on, chosen in a check list over the
//! accounts section (`w`): the wards in use, those the clinician is assigned to
//! checked; Enter saves through the ward-staff ops (new wards assigned, the
//! unchecked ended, each recorded in the audit trail).

use super::accounts::Accounts;
use crate::domain::ids::Id;
use crate::domain::role::Role;
use crate::tui::popups::{Answer, Heard, Question};
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::checklist::Checklist;

/// What the check list's answer is for: whose wards, and the ward of each
/// line in order.
pub(super) struct WardsFor {
    user_name: String,
    wards: Vec<Id>,
}

impl Accounts {
    /// Opens the check list of wards for the selected account.
    pub(super) fn ask_wards(&mut self, ctx: &mut Ctx) -> Said {
        let Some(user) = self.selected_user() else {
            return Said::Nothing;
        };
        if !matches!(user.role, Role::Doctor | Role::Nurse) {
            return Said::Info(format!(
                "{} is a {} account: only doctors and nurses are assigned to wards.",
                user.user_name,
                user.role.label()
            ));
        }
        let (user_name, who) = (
            user.user_name.clone(),
            format!("{} ({})", display_name(user), user.role.label()),
        );
        let wards = match crate::ops::beds::wards(ctx.db, ctx.session) {
            Ok(w) => w,
            Err(e) => return said_error(e),
        };
        if wards.is_empty() {
            return Said::Info(
                "There are no wards yet: add them on the bed board (F4, m) first.".into(),
            );
        }
        let current = match crate::ops::ward_staff::wards_of(ctx.db, ctx.session, &user_name) {
            Ok(a) => a,
            Err(e) => return said_error(e),
        };
        let items = wards
            .iter()
            .map(|w| {
                let on = current.iter().any(|a| a.ward_id == w.id);
                (w.name.clone(), on)
            })
            .collect();
        let list = Checklist::new("Wards", format!("The wards {who} works on:"), items);
        let about = WardsFor {
            user_name,
            wards: wards.into_iter().map(|w| w.id).collect(),
        };
        Question::dialog(Box::new(list), about).into()
    }

    /// Saves the wards checked.
    pub(super) fn answer_wards(&mut self, about: WardsFor, answer: Answer, ctx: &mut Ctx) -> Heard {
        let Answer::Checked(lines) = answer else {
            return Ok(Said::Nothing);
        };
        let ids: Vec<Id> = lines
            .iter()
            .filter_map(|&i| about.wards.get(i).cloned())
            .collect();
        let set = match crate::ops::ward_staff::set_wards(
            ctx.db,
            ctx.session,
            &about.user_name,
            &ids,
            ctx.now,
        ) {
            Ok(set) => set,
            Err(e) => return Ok(said_error(e)),
        };
        if let said @ Said::Error(_) = self.reload(ctx) {
            return Ok(said);
        }
        let name = &set.user.user_name;
        Ok(Said::Info(
            if set.assigned.is_empty() && set.ended.is_empty() {
                format!("{name}'s wards are unchanged.")
            } else if set.wards.is_empty() {
                format!("{name} is assigned to no ward now.")
            } else {
                format!("{name} works on {} now.", set.wards.join(", "))
            },
        ))
    }
}

fn display_name(u: &crate::domain::user::User) -> &str {
    if u.full_name.is_empty() {
        &u.user_name
    } else {
        &u.full_name
    }
}
