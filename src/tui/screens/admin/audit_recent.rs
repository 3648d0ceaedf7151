//! The Admin tab's audit trail as the tab has always shown it: how many
//! events, the head of the hash chain, and the latest events (the full
//! browser, with filters and export, takes this section's place).

use super::keys;
use crate::domain::audit::AuditRecord;
use crate::tui::keymap::{Action, Binding};
use crate::tui::screen::{Ctx, Said, Screen, View, said_error};
use crate::tui::widgets::table::{Column, Line as TableLine, ScrollTable, Selection};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Block;

/// How many recent audit events the section shows.
const RECENT: usize = 50;

/// The count, the chain's head and the latest events.
pub struct AuditRecent {
    count: i64,
    head: String,
    recent: Vec<AuditRecord>,
    selected: Selection,
}

impl AuditRecent {
    /// Opens the section, reading the trail; nothing when it cannot be read.
    pub fn open(ctx: &mut Ctx) -> (Option<AuditRecent>, Said) {
        let mut a = AuditRecent {
            count: 0,
            head: String::new(),
            recent: Vec::new(),
            selected: Selection::default(),
        };
        match a.reload(ctx) {
            Said::Nothing => (Some(a), Said::Nothing),
            said => (None, said),
        }
    }

    fn reload(&mut self, ctx: &mut Ctx) -> Said {
        match crate::ops::audit_trail::overview(ctx.db, ctx.session, RECENT) {
            Ok(o) => {
                self.count = o.count;
                self.head = o.head;
                self.recent = o.recent;
                self.selected.clamp(self.recent.len());
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }
}

impl Screen for AuditRecent {
    fn table(&self) -> &'static [Binding] {
        keys::AUDIT_RECENT
    }

    fn title(&self) -> &'static str {
        "Admin: audit trail"
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::Refresh => match self.reload(ctx) {
                Said::Nothing => Said::Info("Refreshed.".into()),
                said => said,
            },
            other => {
                self.selected.navigate(other, self.recent.len());
                Said::Nothing
            }
        }
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        self.reload(ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let zone = view.clock.zone;
        let head = self.head.get(..12).unwrap_or(&self.head);
        let title = format!(
            " Audit trail: {} events, head {head}… (latest {}) ",
            crate::domain::display::grouped(self.count),
            self.recent.len()
        );
        ScrollTable::new([
            Column::number("#"),
            Column::text("When", 11),
            Column::text("Who", 8),
            Column::text("Action", 8),
            Column::text("What", 10).grow(),
        ])
        .header_style(view.theme.header())
        .highlight(view.theme.selected())
        .block(Block::bordered().title(title))
        .render(
            frame,
            area,
            Some(self.selected.index()),
            self.recent.len(),
            |i| {
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
            },
        );
    }
}
