//! The admin tab: staff accounts (unlock from here, and set the wards a
//! doctor or nurse works on), the settings, the state of the audit trail
//! and when the latest backup was taken.

pub mod audit_trail;
mod keys;
mod wards;

use crate::auth::Session;
use crate::domain::audit::AuditRecord;
use crate::domain::backup::BackupRecord;
use crate::domain::clock::Tz;
use crate::domain::ids::Id;
use crate::domain::role::Role;
use crate::domain::settings::{SettingKey, Settings};
use crate::domain::user::User;
use crate::error::Result;
use crate::store::Db;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard};
use crate::tui::screen::{Ctx, Said, Screen, View, said_error};
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Cell, Column, Line as TableLine, ScrollTable, Selection};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use std::any::Any;
use std::collections::HashMap;
use strum::IntoEnumIterator;

/// How many recent audit events the tab shows.
const RECENT: usize = 50;

/// The width the accounts list needs beyond its other columns to show
/// each clinician's wards.
const WARDS_WIDTH: u16 = 24;

pub struct Admin {
    pub users: Vec<User>,
    /// The names of the wards each clinician works on, by account id.
    wards: HashMap<Id, Vec<String>>,
    settings: Settings,
    audit_count: i64,
    audit_head: String,
    recent: Vec<AuditRecord>,
    last_backup: Option<BackupRecord>,
    selected: Selection,
    /// The audit trail browser, full-screen over the tab while open (`t`).
    /// A stand-in until the Admin tab's sections hold it: the whole wiring
    /// is this field and the `if let Some(trail)` lines of `impl Screen`.
    trail: Option<audit_trail::AuditTrail>,
}

impl Admin {
    /// Reads what the tab shows (admin only).
    pub fn load(db: &Db, by: &Session) -> Result<Admin> {
        let users = crate::ops::accounts::list(db, by)?;
        let wards = crate::ops::ward_staff::all_wards(db, by)?;
        let settings = crate::ops::settings::list(db, by)?;
        let trail = crate::ops::audit_trail::overview(db, by, RECENT)?;
        let last_backup = crate::ops::backup::latest(db, by)?;
        Ok(Admin {
            users,
            wards,
            settings,
            audit_count: trail.count,
            audit_head: trail.head,
            recent: trail.recent,
            last_backup,
            selected: Selection::default(),
            trail: None,
        })
    }

    /// Reloads, keeping the selection on the same account where it still exists.
    pub fn reload(&mut self, db: &Db, by: &Session) -> Result<()> {
        let keep = self.selected_user().map(|u| u.id.clone());
        *self = Admin::load(db, by)?;
        if let Some(id) = keep {
            let at = self.users.iter().position(|u| u.id == id).unwrap_or(0);
            self.selected.select(at, self.users.len());
        }
        Ok(())
    }

    /// The wards a clinician works on, in words.
    fn wards_of(&self, user: &Id) -> String {
        match self.wards.get(user) {
            Some(names) if !names.is_empty() => names.join(", "),
            _ => "no ward".into(),
        }
    }

    pub fn selected_user(&self) -> Option<&User> {
        self.users.get(self.selected.index())
    }

    /// Moves the selection; returns true when the action was a movement.
    pub fn navigate(&mut self, action: Action) -> bool {
        self.selected.navigate(action, self.users.len())
    }

    pub fn render(
        &self,
        now: DateTime<Utc>,
        zone: Tz,
        theme: &Theme,
        area: Rect,
        frame: &mut Frame,
    ) {
        // The settings take the room they need, leaving the audit trail at
        // least three rows.
        let every_setting = SettingKey::iter().count() as u16 + 2;
        let top_height = (area.height * 55 / 100)
            .max(every_setting)
            .min(area.height.saturating_sub(5));
        let [top, bottom] =
            Layout::vertical([Constraint::Length(top_height), Constraint::Min(0)]).areas(area);
        let [users_area, settings_area] =
            Layout::horizontal([Constraint::Min(48), Constraint::Length(32)]).areas(top);

        // The wards column shows where there is room for it; the selected
        // clinician's wards always show under the list.
        let wide = users_area.width >= 48 + WARDS_WIDTH;
        let mut columns = vec![
            Column::code("User"),
            Column::text("Role", 6),
            Column::text("Status", 6),
            Column::text("Last login", 11),
        ];
        if wide {
            columns.push(Column::text("Wards", 8).grow());
        } else {
            columns[3] = Column::text("Last login", 11).grow();
        }
        let mut block = Block::bordered().title(format!(" Staff accounts ({}) ", self.users.len()));
        if let Some(u) = self.selected_user()
            && matches!(u.role, Role::Doctor | Role::Nurse)
        {
            block = block.title_bottom(format!(" {}: {} ", u.user_name, self.wards_of(&u.id)));
        }
        let users = ScrollTable::new(columns)
            .header_style(theme.header())
            .highlight(theme.selected())
            .block(block);
        let selected = Some(self.selected.index());
        users.render(frame, users_area, selected, self.users.len(), |i| {
            let u = &self.users[i];
            let status = u.status(now);
            let style = match status {
                "active" => theme.ok(),
                "locked" | "disabled" => theme.error(),
                _ => theme.warn(),
            };
            let mut cells = vec![
                Cell::from(u.user_name.clone()),
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
        let buf = frame.buffer_mut();

        // Where not every setting fits, the last line says how many more
        // there are and where to read them all.
        let room = settings_area.height.saturating_sub(2) as usize;
        let total = SettingKey::iter().count();
        let shown = if total > room {
            room.saturating_sub(1)
        } else {
            total
        };
        // The key column as wide as the longest key and a space: a key never
        // runs into its value.
        let key_width = SettingKey::iter()
            .map(|k| k.to_string().chars().count())
            .max()
            .unwrap_or(0)
            + 1;
        // A value too long for the panel ends in … (all of it: `wardline
        // settings list`).
        let value_width = (settings_area.width as usize).saturating_sub(2 + key_width);
        let mut lines: Vec<Line> = SettingKey::iter()
            .take(shown)
            .map(|k| {
                Line::from(vec![
                    Span::styled(format!("{:<key_width$}", k.to_string()), theme.muted()),
                    Span::raw(crate::tui::widgets::table::fit_or_mark(
                        &self.settings.get(k),
                        value_width,
                    )),
                ])
            })
            .collect();
        if shown < total {
            lines.push(Line::from(Span::styled(
                format!("{} more: wardline settings list", total - shown),
                theme.muted(),
            )));
        }
        Paragraph::new(lines)
            .block(Block::bordered().title(" Settings "))
            .render(settings_area, buf);

        let head = self.audit_head.get(..12).unwrap_or(&self.audit_head);
        let backup = self
            .last_backup
            .as_ref()
            .map(|b| {
                b.taken_at
                    .with_timezone(&zone)
                    .format("%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| "never".into());
        let title = format!(
            " Audit trail: {} events, head {head}… · Last backup: {backup} ",
            self.audit_count
        );
        ScrollTable::new([
            Column::number("#"),
            Column::text("When", 11),
            Column::text("Who", 8),
            Column::text("Action", 8),
            Column::text("What", 10).grow(),
        ])
        .header_style(theme.header())
        .block(Block::bordered().title(title))
        .render(frame, bottom, None, self.recent.len(), |i| {
            let r = &self.recent[i];
            let at = crate::domain::time::parse_ts(&r.at)
                .map(|t| t.with_timezone(&zone).format("%m-%d %H:%M").to_string())
                .unwrap_or_default();
            TableLine::new(vec![
                crate::domain::display::grouped(r.seq),
                at,
                r.actor_name.clone(),
                r.action.clone(),
                r.summary.clone(),
            ])
        });
    }
}

impl Admin {
    /// Opens the tab, reading what it shows; nothing when it cannot be read.
    pub fn open(ctx: &mut Ctx) -> (Option<Admin>, Said) {
        match Admin::load(ctx.db, ctx.session) {
            Ok(a) => (Some(a), Said::Nothing),
            Err(e) => (None, said_error(e)),
        }
    }

    fn unlock_selected_account(&mut self, ctx: &mut Ctx) -> Said {
        let Some(user) = self.selected_user() else {
            return Said::Nothing;
        };
        let name = user.user_name.clone();
        if !user.is_locked(ctx.now) {
            return Said::Info(format!("{name} is not locked."));
        }
        match crate::ops::accounts::unlock(ctx.db, ctx.session, &name) {
            Ok(u) => match self.reload(ctx.db, ctx.session) {
                Ok(()) => Said::Info(format!("Unlocked {}: they can sign in again.", u.user_name)),
                Err(e) => said_error(e),
            },
            Err(e) => said_error(e),
        }
    }
}

impl Screen for Admin {
    fn table(&self) -> &'static [Binding] {
        if let Some(trail) = &self.trail {
            return trail.table();
        }
        keys::ADMIN
    }

    fn title(&self) -> &'static str {
        "Admin"
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if let Some(trail) = &mut self.trail {
            if action == Action::Back && trail.at_list() {
                self.trail = None;
                return self.shown_again(ctx);
            }
            return trail.perform(action, ctx);
        }
        match action {
            Action::AuditTrail => {
                let (trail, said) = audit_trail::AuditTrail::open(ctx);
                self.trail = Some(trail);
                said
            }
            Action::UnlockAccount => self.unlock_selected_account(ctx),
            Action::SetWards => self.ask_wards(ctx),
            Action::Refresh => match self.reload(ctx.db, ctx.session) {
                Ok(()) => Said::Info("Refreshed.".into()),
                Err(e) => said_error(e),
            },
            other => {
                self.navigate(other);
                Said::Nothing
            }
        }
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        if let Some(trail) = &mut self.trail {
            return trail.answered(about, answer, ctx);
        }
        match about.downcast::<wards::WardsFor>() {
            Ok(wards) => self.answer_wards(*wards, answer, ctx),
            Err(_) => Ok(Said::Nothing),
        }
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(trail) = &mut self.trail {
            return trail.shown_again(ctx);
        }
        match self.reload(ctx.db, ctx.session) {
            Ok(()) => Said::Nothing,
            Err(e) => said_error(e),
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        if let Some(trail) = &self.trail {
            return trail.render(frame, area, view);
        }
        Admin::render(self, view.now, view.clock.zone, view.theme, area, frame)
    }
}
