//! The accounts section's forms (a new account: role, user name, full
//! name; an account's new role) and what its confirmations do once
//! answered yes, each through the ops of `wardline users`.

use super::accounts::{Accounts, Shown, who};
use super::keys;
use crate::domain::role::Role;
use crate::domain::user::{User, parse_user_name};
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Question};
use crate::tui::screen::{Ctx, Said, View, said_error};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::{Choice, Form, Input, Look};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use strum::IntoEnumIterator;

/// The staff roles an account may have, in the order offered.
fn staff_roles() -> Vec<Role> {
    Role::iter().filter(|r| *r != Role::Patient).collect()
}

/// Which form it is.
pub(super) enum Kind {
    Add,
    /// A new role for this account.
    Role {
        user: Box<User>,
    },
}

/// A form of the accounts section.
pub(super) struct AccountForm {
    kind: Kind,
    pub(super) fields: Form,
}

/// Fields of the add form.
const ROLE: usize = 0;
const USER_NAME: usize = 1;
const FULL_NAME: usize = 2;

/// What a confirmation goes on to do, with the account it names.
pub(super) enum Pending {
    Create {
        role: Role,
        user_name: String,
        full_name: String,
    },
    Role {
        user_name: String,
        role: Role,
    },
    Disable(String),
    Enable(String),
    Reset(String),
    Unlock(String),
    /// Throw away the form being filled in.
    Discard,
}

impl AccountForm {
    /// A new account: a receptionist until another role is chosen.
    pub(super) fn add() -> AccountForm {
        let roles = staff_roles();
        let at = roles
            .iter()
            .position(|r| *r == Role::Receptionist)
            .unwrap_or(0);
        let options = roles.iter().map(|r| r.label().to_string()).collect();
        AccountForm {
            kind: Kind::Add,
            fields: Form::new(vec![
                Input::Choice(Choice::new("Role", options).at(at)),
                Input::Text(Field::new("User name").wide(32)),
                Input::Text(Field::new("Full name").wide(60)),
            ]),
        }
    }

    /// `user`'s new role, starting on the one they have.
    pub(super) fn role(user: &User) -> AccountForm {
        let roles = staff_roles();
        let at = roles.iter().position(|r| *r == user.role).unwrap_or(0);
        let options = roles.iter().map(|r| r.label().to_string()).collect();
        AccountForm {
            kind: Kind::Role {
                user: Box::new(user.clone()),
            },
            fields: Form::new(vec![Input::Choice(Choice::new("Role", options).at(at))]),
        }
    }

    pub(super) fn table(&self) -> &'static [Binding] {
        match self.kind {
            Kind::Role { .. } => keys::ROLE_FORM,
            Kind::Add if self.fields.focused_is_choice() => keys::ACCOUNT_FORM_ROLE,
            Kind::Add => keys::ACCOUNT_FORM,
        }
    }

    pub(super) fn title(&self) -> &'static str {
        match self.kind {
            Kind::Add => "Admin: add an account",
            Kind::Role { .. } => "Admin: change role",
        }
    }

    fn chosen_role(&self) -> Role {
        staff_roles()
            .get(self.fields.choice(ROLE))
            .copied()
            .unwrap_or(Role::Receptionist)
    }

    /// The confirmation the form asks on saving, or the field to correct.
    fn confirmation(&mut self) -> Said {
        self.fields.clear_errors();
        let role = self.chosen_role();
        match &self.kind {
            Kind::Add => {
                let typed = self.fields.text(USER_NAME).to_string();
                let user_name = match parse_user_name(&typed) {
                    Ok(n) => n,
                    Err(e) => {
                        let message = if typed.trim().is_empty() {
                            "Type the user name they sign in with.".to_string()
                        } else {
                            match said_error(e.into()) {
                                Said::Error(m) => m,
                                _ => String::new(),
                            }
                        };
                        self.fields.set_error(USER_NAME, Some(message.clone()));
                        self.fields.focus_on(USER_NAME);
                        return Said::Error(message);
                    }
                };
                let full_name = self.fields.text(FULL_NAME).trim().to_string();
                let named = if full_name.is_empty() {
                    user_name.clone()
                } else {
                    format!("{user_name} ({full_name})")
                };
                Question::confirm(
                    format!(
                        "Create the account {named} as {}? A temporary password is shown once; they change it at first sign-in.",
                        role.label()
                    ),
                    Pending::Create {
                        role,
                        user_name,
                        full_name,
                    },
                )
                .into()
            }
            Kind::Role { user } => {
                if user.role == role {
                    return Said::Info(format!(
                        "{} is already {}: choose another role with ← →.",
                        user.user_name,
                        role.label()
                    ));
                }
                Question::confirm(
                    format!("Change the role of {} to {}?", who(user), role.label()),
                    Pending::Role {
                        user_name: user.user_name.clone(),
                        role,
                    },
                )
                .into()
            }
        }
    }

    /// Puts a refusal of the new account on the field it is about (a user
    /// name taken, a full name too long), the cursor there.
    fn mark_refused(&mut self, message: &str) {
        if !matches!(self.kind, Kind::Add) {
            return;
        }
        let field = if message.contains("full name") {
            FULL_NAME
        } else if message.contains("user name") || message.contains("account named") {
            USER_NAME
        } else {
            return;
        };
        self.fields.set_error(field, Some(message.to_string()));
        self.fields.focus_on(field);
    }

    pub(super) fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let (title, about) = match &self.kind {
            Kind::Add => (
                " Add a staff account ".to_string(),
                "The role decides what they may do. A temporary password is made for them and shown once; they choose their own when they first sign in.".to_string(),
            ),
            Kind::Role { user } => (
                format!(" Change role: {} ", user.user_name),
                format!(
                    "{} has the role {} now. The new role takes effect at their next action.",
                    if user.full_name.is_empty() {
                        user.user_name.clone()
                    } else {
                        format!("{} ({})", user.user_name, user.full_name)
                    },
                    user.role.label()
                ),
            ),
        };
        let block = Block::bordered().title(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let width = usize::from(inner.width.saturating_sub(1)).max(1);
        let about_height = u16::try_from(crate::tui::widgets::form::wrap(&about, width).len())
            .unwrap_or(1)
            .min(inner.height);
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(about, view.theme.muted())))
                .wrap(Wrap { trim: false }),
            Rect {
                height: about_height,
                ..inner
            },
        );
        let fields = Rect {
            y: inner.y + about_height + 1,
            height: inner.height.saturating_sub(about_height + 1),
            ..inner
        };
        self.fields.render(
            frame,
            fields,
            Look::new(10).gap(1).errors_below(),
            true,
            view.theme,
        );
    }
}

impl Accounts {
    /// A key of a form's table.
    pub(super) fn perform_form(&mut self, action: Action, _ctx: &mut Ctx) -> Said {
        let Shown::Form(f) = &mut self.shown else {
            return Said::Nothing;
        };
        match action {
            Action::Save => f.confirmation(),
            Action::Cancel if f.fields.changed() => Question::confirm(
                "Throw away the account form you were filling in?",
                Pending::Discard,
            )
            .into(),
            Action::Cancel => {
                self.shown = Shown::List;
                Said::Info("Nothing changed.".into())
            }
            Action::NextField => {
                f.fields.next();
                Said::Nothing
            }
            Action::PrevField => {
                f.fields.prev();
                Said::Nothing
            }
            Action::NextChoice | Action::PrevChoice => {
                f.fields.cycle(action == Action::NextChoice);
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    /// Carries out a confirmed change; a refusal leaves the form open with
    /// the reason on the status line.
    pub(super) fn answer(&mut self, then: Pending, answer: Answer, ctx: &mut Ctx) -> Said {
        if !matches!(answer, Answer::Yes) {
            return Said::Info("Nothing changed.".into());
        }
        if let Pending::Discard = then {
            self.shown = Shown::List;
            return Said::Info("Nothing changed.".into());
        }
        use crate::ops::accounts as ops;
        let (db, by, now) = (&mut *ctx.db, ctx.session, ctx.now);
        let done = match then {
            Pending::Create {
                role,
                user_name,
                full_name,
            } => ops::add_with_temporary_password(db, by, &user_name, &full_name, role, now).map(
                |issued| {
                    let said = format!(
                        "Created the account {} ({}): give them the temporary password shown.",
                        issued.user.user_name,
                        issued.user.role.label()
                    );
                    (Some(issued), None, said)
                },
            ),
            Pending::Role { user_name, role } => ops::change_role(db, by, &user_name, role, now)
                .map(|u| {
                    let said = format!("{} is {} now.", u.user_name, u.role.label());
                    (None, Some(u.user_name), said)
                }),
            Pending::Disable(name) => ops::disable(db, by, &name, now).map(|u| {
                let said = format!("Disabled {}: it can no longer sign in.", u.user_name);
                (None, Some(u.user_name), said)
            }),
            Pending::Enable(name) => ops::enable(db, by, &name, now).map(|u| {
                let said = format!("Enabled {}: it can sign in again.", u.user_name);
                (None, Some(u.user_name), said)
            }),
            Pending::Reset(name) => ops::reset_to_temporary_password(db, by, &name, now).map(|i| {
                let said = format!(
                    "New temporary password for {}: they must change it when they sign in.",
                    i.user.user_name
                );
                (Some(i), None, said)
            }),
            Pending::Unlock(name) => ops::unlock(db, by, &name).map(|u| {
                let said = format!("Unlocked {}: they can sign in again.", u.user_name);
                (None, Some(u.user_name), said)
            }),
            Pending::Discard => return Said::Nothing,
        };
        let (issued, select, said) = match done {
            Ok(d) => d,
            Err(e) => {
                let said = said_error(e);
                if let (Shown::Form(f), Said::Error(m)) = (&mut self.shown, &said) {
                    f.mark_refused(m);
                }
                return said;
            }
        };
        let select = select.or_else(|| issued.as_ref().map(|i| i.user.user_name.clone()));
        self.shown = match issued {
            Some(i) => Shown::Issued(Box::new(i)),
            None => Shown::List,
        };
        if let said @ (Said::Error(_) | Said::Info(_)) = self.reload(ctx) {
            return said;
        }
        if let Some(name) = select {
            self.select_named(&name);
        }
        Said::Info(said)
    }
}
