//! The Admin tab's accounts: every account with its role, state, last
//! sign-in and (for a doctor or nurse) wards; adding one, changing its role,
//! disabling or enabling it, a new temporary password, lifting a lock and
//! its wards. Every change goes through [`crate::ops::accounts`], the rules
//! of `wardline users`, after a confirmation naming the account; the forms
//! and answers are in `account_forms`.

use super::account_forms::{AccountForm, Pending};
use super::keys;
use crate::domain::ids::Id;
use crate::domain::role::Role;
use crate::domain::user::User;
use crate::ops::patient_accounts::Issued;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard};
use crate::tui::screen::{Ctx, Said, Screen, View, said_error};
use crate::tui::widgets::table::{Cell, Column, Line as TableLine, ScrollTable, Selection};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Paragraph, Wrap};
use std::any::Any;
use std::collections::HashMap;

/// The width the list needs beyond its other columns to show each
/// clinician's wards.
const WARDS_WIDTH: u16 = 24;

/// What the section shows.
pub(super) enum Shown {
    List,
    Form(Box<AccountForm>),
    /// A temporary password, shown once: closing drops it.
    Issued(Box<Issued>),
}

/// The accounts section's state: what it shows is read when it opens or
/// after a change, never while drawing.
pub struct Accounts {
    pub(super) users: Vec<User>,
    /// The names of the wards each clinician works on, by account id.
    wards: HashMap<Id, Vec<String>>,
    selected: Selection,
    pub(super) shown: Shown,
}

impl Accounts {
    /// Opens the section, reading the accounts; nothing when they cannot be read.
    pub fn open(ctx: &mut Ctx) -> (Option<Accounts>, Said) {
        let mut a = Accounts {
            users: Vec::new(),
            wards: HashMap::new(),
            selected: Selection::default(),
            shown: Shown::List,
        };
        match a.reload(ctx) {
            Said::Nothing => (Some(a), Said::Nothing),
            said => (None, said),
        }
    }

    /// Reads the accounts again, keeping the selection on the same account
    /// where it still exists.
    pub(super) fn reload(&mut self, ctx: &mut Ctx) -> Said {
        let keep = self.selected_user().map(|u| u.id.clone());
        let read = crate::ops::accounts::list(ctx.db, ctx.session).and_then(|users| {
            let wards = crate::ops::ward_staff::all_wards(ctx.db, ctx.session)?;
            Ok((users, wards))
        });
        match read {
            Ok((users, wards)) => {
                self.users = users;
                self.wards = wards;
                let at = keep
                    .and_then(|id| self.users.iter().position(|u| u.id == id))
                    .unwrap_or(self.selected.index());
                self.selected.select(at, self.users.len());
                self.selected.clamp(self.users.len());
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    /// Selects the account `user_name` (a new one, after it is added).
    pub(super) fn select_named(&mut self, user_name: &str) {
        if let Some(i) = self.users.iter().position(|u| u.user_name == user_name) {
            self.selected.select(i, self.users.len());
        }
    }

    pub(super) fn selected_user(&self) -> Option<&User> {
        self.users.get(self.selected.index())
    }

    /// The wards a clinician works on, in words.
    fn wards_of(&self, user: &Id) -> String {
        match self.wards.get(user) {
            Some(names) if !names.is_empty() => names.join(", "),
            _ => "no ward".into(),
        }
    }

    /// A confirmation naming the selected account, or what to say when
    /// there is nothing to ask.
    fn ask_about_selected(&self, ctx: &Ctx, action: Action) -> Said {
        let Some(u) = self.selected_user() else {
            return Said::Info("There is no account selected.".into());
        };
        let who = who(u);
        let name = u.user_name.clone();
        let (question, then) = match action {
            Action::ToggleAccount if u.disabled_at.is_some() => (
                format!("Enable {who}? They can sign in again."),
                Pending::Enable(name),
            ),
            Action::ToggleAccount => (
                format!("Disable {who}? They can no longer sign in."),
                Pending::Disable(name),
            ),
            Action::ResetPassword => (
                format!(
                    "Give {who} a new temporary password? Their password stops working; the new one is shown once and must be changed at sign-in."
                ),
                Pending::Reset(name),
            ),
            Action::UnlockAccount if !u.is_locked(ctx.now) => {
                return Said::Info(format!("{name} is not locked."));
            }
            Action::UnlockAccount => (
                format!("Unlock {who}? They can sign in again at once."),
                Pending::Unlock(name),
            ),
            _ => return Said::Nothing,
        };
        crate::tui::popups::Question::confirm(question, then).into()
    }
}

/// An account as a confirmation names it: "nurse (Mei Lin Chen, nurse)".
pub(super) fn who(u: &User) -> String {
    if u.full_name.is_empty() || u.full_name == u.user_name {
        format!("{} ({})", u.user_name, u.role.label())
    } else {
        format!("{} ({}, {})", u.user_name, u.full_name, u.role.label())
    }
}

impl Screen for Accounts {
    fn table(&self) -> &'static [Binding] {
        match &self.shown {
            Shown::List => keys::ACCOUNTS,
            Shown::Form(f) => f.table(),
            Shown::Issued(_) => keys::ISSUED,
        }
    }

    fn title(&self) -> &'static str {
        match &self.shown {
            Shown::List => "Admin: accounts",
            Shown::Form(f) => f.title(),
            Shown::Issued(_) => "Admin: temporary password",
        }
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match &mut self.shown {
            Shown::Form(_) => return self.perform_form(action, ctx),
            Shown::Issued(_) => {
                if action == Action::Cancel {
                    self.shown = Shown::List;
                }
                return Said::Nothing;
            }
            Shown::List => {}
        }
        match action {
            Action::AddAccount => {
                self.shown = Shown::Form(Box::new(AccountForm::add()));
                Said::Nothing
            }
            Action::ChangeRole => match self.selected_user() {
                Some(u) if u.role == Role::Patient => Said::Info(format!(
                    "{} is a patient's account: it keeps the patient's role.",
                    u.user_name
                )),
                Some(u) => {
                    self.shown = Shown::Form(Box::new(AccountForm::role(u)));
                    Said::Nothing
                }
                None => Said::Nothing,
            },
            Action::ToggleAccount | Action::ResetPassword | Action::UnlockAccount => {
                self.ask_about_selected(ctx, action)
            }
            Action::SetWards => self.ask_wards(ctx),
            Action::Refresh => match self.reload(ctx) {
                Said::Nothing => Said::Info("Refreshed.".into()),
                said => said,
            },
            other => {
                self.selected.navigate(other, self.users.len());
                Said::Nothing
            }
        }
    }

    fn takes_text(&self) -> bool {
        matches!(self.shown, Shown::Form(_))
    }

    fn type_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Said {
        if let Shown::Form(f) = &mut self.shown {
            f.fields.type_key(key);
        }
        Said::Nothing
    }

    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Said {
        match &mut self.shown {
            Shown::Form(f) if f.fields.on_text() => {
                f.fields.paste(text);
                Said::Nothing
            }
            _ => crate::tui::screen::not_pasted(),
        }
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        match &self.shown {
            Shown::Form(f) if f.fields.changed() => {
                Some("Quit and throw away the account form you were filling in?")
            }
            _ => None,
        }
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        let about = match about.downcast::<super::wards::WardsFor>() {
            Ok(wards) => return self.answer_wards(*wards, answer, ctx),
            Err(other) => other,
        };
        match about.downcast::<Pending>() {
            Ok(then) => Ok(self.answer(*then, answer, ctx)),
            Err(_) => Ok(Said::Nothing),
        }
    }

    /// A temporary password is not kept on show once the user leaves it
    /// (another section or tab, the lock).
    fn leave(&mut self, _ctx: &mut Ctx) -> Said {
        if matches!(self.shown, Shown::Issued(_)) {
            self.shown = Shown::List;
        }
        Said::Nothing
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        match self.shown {
            Shown::List => self.reload(ctx),
            _ => Said::Nothing,
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        match &self.shown {
            Shown::List => self.render_list(frame, area, view),
            Shown::Form(f) => f.render(frame, area, view),
            Shown::Issued(i) => render_issued(i, frame, area, view),
        }
    }
}

impl Accounts {
    fn render_list(&self, frame: &mut Frame, area: Rect, view: &View) {
        let theme = view.theme;
        let zone = view.clock.zone;
        // The wards column shows where there is room for it; the selected
        // clinician's wards always show under the list.
        let wide = area.width >= 72 + WARDS_WIDTH;
        let mut columns = vec![
            Column::code("User"),
            Column::name("Name", 12).grow(),
            Column::text("Role", 6),
            Column::text("Status", 6),
            Column::text("Last sign-in", 11),
        ];
        if wide {
            columns.push(Column::text("Wards", 8).grow());
        }
        let mut block = Block::bordered().title(format!(" Staff accounts ({}) ", self.users.len()));
        if let Some(u) = self.selected_user()
            && matches!(u.role, Role::Doctor | Role::Nurse)
        {
            block = block.title_bottom(format!(" {}: {} ", u.user_name, self.wards_of(&u.id)));
        }
        let table = ScrollTable::new(columns)
            .header_style(theme.header())
            .highlight(theme.selected())
            .block(block);
        let selected = Some(self.selected.index());
        table.render(frame, area, selected, self.users.len(), |i| {
            let u = &self.users[i];
            let status = u.status(view.now);
            let style = match status {
                "active" => theme.ok(),
                "locked" | "disabled" => theme.error(),
                _ => theme.warn(),
            };
            let mut cells = vec![
                Cell::from(u.user_name.clone()),
                Cell::from(u.full_name.clone()),
                Cell::from(u.role.to_string()),
                Cell::styled(status, style),
                Cell::from(
                    u.last_login_at
                        .map(|t| t.with_timezone(&zone).format("%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "never".into()),
                ),
            ];
            if wide && matches!(u.role, Role::Doctor | Role::Nurse) {
                cells.push(Cell::from(self.wards_of(&u.id)));
            }
            TableLine::new(cells)
        });
    }
}

/// The account and its temporary password, shown once.
fn render_issued(i: &Issued, frame: &mut Frame, area: Rect, view: &View) {
    let block = Block::bordered().title(" Temporary password ");
    let text = [
        format!("Account:            {}", who(&i.user)),
        format!("User name:          {}", i.user.user_name),
        format!("Temporary password: {}", i.password.reveal()),
        String::new(),
        "Give it to them in person; it is not shown again. They choose their own password when they first sign in with it.".into(),
        String::new(),
        "Enter or Esc when it is written down.".into(),
    ];
    frame.render_widget(
        Paragraph::new(text.join("\n"))
            .style(view.theme.title())
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
