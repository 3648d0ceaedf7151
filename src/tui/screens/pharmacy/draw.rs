//! The pharmacy tab's drawing, from its state alone (nothing here reads the
//! file): the stock list, an item with its batches and ledger, and the
//! batches a dispense will take. The forms and the count sheet draw
//! themselves.

use super::forms::Purpose;
use super::{DispenseChoice, Local, Pharmacy, View};
use crate::domain::display::{grouped, plural, quantity_of, signed, thousands};
use crate::domain::pharmacy::{Batch, Item, StockLevel, money, stock_level};
use crate::store::pharmacy::MovementRow;
use crate::tui::screen::LocalDates;
use crate::tui::theme::Theme;
use crate::tui::widgets::table::Line as Cells;
use crate::tui::widgets::table::{Column, ScrollTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

impl Pharmacy {
    /// Draws the current view from the state alone.
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        ctx: &Local,
        theme: &Theme,
    ) {
        match &self.view {
            View::List => self.render_list(frame, area, ctx, theme),
            View::Item => self.render_item(frame, area, clock, ctx, theme),
            View::Form(f) => f.render(frame, area, ctx, theme),
            View::Confirm(c) => render_dispense_choice(c, frame, area, ctx, theme),
            View::Count(c) => c.render(frame, area, ctx, theme),
            View::Queue => self.render_queue(frame, area, ctx, theme),
            View::RxPlan => self.render_rx_plan(frame, area, clock, ctx, theme),
        }
    }

    fn render_list(&self, frame: &mut Frame, area: Rect, local: &Local, theme: &Theme) {
        let [query_area, count_area, table_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(area);
        let q = Rect {
            x: query_area.x + 1,
            width: query_area.width.saturating_sub(2),
            ..query_area
        };
        self.search.render(frame, q, 5, self.searching, theme);
        let n = self.shown.len();
        let mut count = format!(
            " {} {} · {} (f) · expiring = within {} days",
            thousands(n as u64),
            if n == 1 { "item" } else { "items" },
            self.filter.label(),
            local_window(self)
        );
        if n == 0 && self.levels.is_empty() {
            count = " Empty catalogue: n adds an item; `wardline import items` loads a formulary"
                .into();
        }
        frame.render_widget(
            Paragraph::new(Span::styled(count, theme.muted())),
            count_area,
        );

        let table = ScrollTable::new([
            Column::name("Item", 20).grow(),
            Column::number("On hand"),
            Column::text("Unit", 6),
            Column::text("Expires", 10),
            Column::text("Alerts", 6),
        ])
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(Block::bordered());
        table.render(frame, table_area, Some(self.selected.index()), n, |k| {
            let l = &self.levels[self.shown[k]];
            let style = if l.flags.expired || (l.flags.below_reorder && l.usable == 0) {
                theme.error()
            } else if l.flags.below_reorder || l.flags.expiring {
                theme.warn()
            } else {
                ratatui::style::Style::new()
            };
            Cells::new(vec![
                l.item.details.label(),
                grouped(l.on_hand),
                l.item.details.unit.clone(),
                l.nearest_expiry
                    .map(|d| d.format(local.date_pattern).to_string())
                    .unwrap_or_else(|| "—".into()),
                flag_words(l),
            ])
            .style(style)
        });
    }

    fn render_item(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        local: &Local,
        theme: &Theme,
    ) {
        let Some(v) = &self.item else {
            return;
        };
        let level = stock_level(v.item.clone(), &v.batches, local.today, local_window(self));
        let d = &v.item.details;
        let block =
            Block::bordered().title(Span::styled(format!(" {} ", d.label()), theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let batch_rows = (v.batches.len().max(1) + 1).min(7) as u16;
        let [info, batches_area, ledger_title, ledger_area] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(batch_rows),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(inner);
        let info_lines = item_info(&v.item, &level, local, theme);
        frame.render_widget(Paragraph::new(info_lines), info);
        self.render_batches(frame, batches_area, &v.batches, local, theme);
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    " Ledger ({}, newest first; PgUp PgDn scroll)",
                    plural(v.ledger.len() as u64, "movement", "movements")
                ),
                theme.header(),
            )),
            ledger_title,
        );
        self.render_ledger(frame, ledger_area, &v.ledger, clock, theme);
    }

    /// The item's batches, the selected one highlighted, each with its
    /// expiry state (EXPIRED, or the days left within the window).
    fn render_batches(
        &self,
        frame: &mut Frame,
        batches_area: Rect,
        batches: &[Batch],
        local: &Local,
        theme: &Theme,
    ) {
        if batches.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    " No batches yet: r receives a delivery.",
                    theme.muted(),
                )),
                batches_area,
            );
            return;
        }
        let table = ScrollTable::new([
            Column::code("Batch"),
            Column::text("Expiry", 10),
            Column::text("", 7),
            Column::number("On hand"),
            Column::number(format!("Cost {}", local.currency)),
            Column::number(format!("Price {}", local.currency)),
            Column::text("Supplier", 8).grow(),
        ])
        .header_style(theme.header())
        .highlight(theme.selected());
        table.render(frame, batches_area, Some(self.batch), batches.len(), |i| {
            let b = &batches[i];
            let left = (b.expiry - local.today).num_days();
            let state = if left <= 0 {
                "EXPIRED".to_string()
            } else if left <= i64::from(local_window(self) as i32) {
                format!("{left} days")
            } else {
                String::new()
            };
            let style = if left <= 0 && b.on_hand > 0 {
                theme.error()
            } else if b.on_hand == 0 {
                theme.muted()
            } else {
                ratatui::style::Style::new()
            };
            Cells::new(vec![
                b.batch_no.clone(),
                b.expiry.format(local.date_pattern).to_string(),
                state,
                grouped(b.on_hand),
                crate::domain::pharmacy::amount(b.unit_cost, local.currency),
                crate::domain::pharmacy::amount(b.price, local.currency),
                b.supplier.clone(),
            ])
            .style(style)
        });
    }

    /// The item's ledger, newest first, from the scroll position.
    fn render_ledger(
        &self,
        frame: &mut Frame,
        ledger_area: Rect,
        ledger: &[MovementRow],
        clock: &LocalDates,
        theme: &Theme,
    ) {
        let table = ScrollTable::new([
            Column::number("No."),
            Column::text("When", 11),
            Column::text("Kind", 8),
            Column::code("Batch"),
            Column::number("Qty"),
            Column::text("By", 6),
            Column::text("Patient / reason", 10).grow(),
        ])
        .header_style(theme.header())
        .from_row(self.ledger_scroll);
        // only the rows in view are formatted
        table.render(frame, ledger_area, None, ledger.len(), |i| {
            let m = &ledger[i];
            let at = crate::domain::time::parse_ts(&m.at)
                .map(|t| {
                    t.with_timezone(&clock.zone)
                        .format("%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            let mut note = m.reason.clone();
            if let Some(mrn) = &m.patient_mrn {
                note = if note.is_empty() {
                    mrn.clone()
                } else {
                    format!("{mrn} {note}")
                };
            }
            if !m.reference.is_empty() {
                note = if note.is_empty() {
                    format!("ref {}", m.reference)
                } else {
                    format!("{note} ref {}", m.reference)
                };
            }
            Cells::new(vec![
                m.seq.to_string(),
                at,
                m.kind.clone(),
                m.batch_no.clone(),
                signed(m.quantity),
                m.actor.clone().unwrap_or_default(),
                note,
            ])
        });
    }
}

/// The flags of an item as words (colour is never the only signal).
fn flag_words(l: &StockLevel) -> String {
    let mut w = Vec::new();
    if !l.item.active {
        w.push("INACTIVE");
    }
    if l.flags.expired {
        w.push("EXPIRED");
    }
    if l.flags.expiring {
        w.push("EXPIRING");
    }
    if l.flags.below_reorder {
        w.push("LOW");
    }
    w.join(" ")
}

/// The expiry window the list was computed with.
fn local_window(p: &Pharmacy) -> i64 {
    p.window
}

/// The three lines above the batches: names, stock and value, and alerts.
fn item_info(item: &Item, level: &StockLevel, local: &Local, theme: &Theme) -> Vec<Line<'static>> {
    let d = &item.details;
    let status = if item.active { "" } else { " · DEACTIVATED" };
    let flags = flag_words(level);
    vec![
        Line::from(vec![
            Span::styled(" Generic ", theme.muted()),
            Span::raw(if d.generic_name.is_empty() {
                "—".to_string()
            } else {
                d.generic_name.clone()
            }),
            Span::styled("  Category ", theme.muted()),
            Span::raw(if d.category.is_empty() {
                "—".to_string()
            } else {
                d.category.clone()
            }),
            Span::raw(status),
        ]),
        Line::from(vec![
            Span::styled(" On hand ", theme.muted()),
            Span::raw(quantity_of(level.on_hand, &d.unit)),
            Span::styled("  usable ", theme.muted()),
            Span::raw(grouped(level.usable)),
            Span::styled("  reorder at ", theme.muted()),
            Span::raw(grouped(d.reorder_level)),
            Span::styled("  value ", theme.muted()),
            Span::raw(money(level.value, local.currency)),
        ]),
        Line::from(Span::styled(
            if flags.is_empty() {
                " No alerts".to_string()
            } else {
                format!(" Alerts: {flags}")
            },
            if level.flags.expired {
                theme.error()
            } else if flags.is_empty() {
                theme.muted()
            } else {
                theme.warn()
            },
        )),
    ]
}

fn render_dispense_choice(
    c: &DispenseChoice,
    frame: &mut Frame,
    area: Rect,
    local: &Local,
    theme: &Theme,
) {
    let Purpose::Dispense { level } = &c.form.purpose else {
        return;
    };
    let block = Block::bordered().title(Span::styled(" Confirm dispense ", theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let banner = c
        .form
        .allergies
        .as_ref()
        .map(|a| crate::tui::widgets::allergies::line_or_error(a, " ", theme));
    let [head, table_area, foot] = Layout::vertical([
        Constraint::Length(3 + u16::from(banner.is_some())),
        Constraint::Length(c.plan.len() as u16 + 1),
        Constraint::Min(0),
    ])
    .areas(inner);
    let to = match &c.form.patient {
        Some(p) => format!("to {} {}", p.mrn, p.details.full_name()),
        None => "with no patient recorded".into(),
    };
    let mut lines = vec![
        Line::from(format!(
            " Dispense {} of {}",
            quantity_of(c.quantity, &level.item.details.unit),
            level.item.details.label()
        )),
        Line::from(format!(" {to}")),
    ];
    lines.extend(banner);
    lines.push(Line::from(Span::styled(
        " from these batches, first expiry first out:",
        theme.muted(),
    )));
    frame.render_widget(Paragraph::new(lines), head);
    ScrollTable::new([
        Column::code("Batch"),
        Column::text("Expiry", 10),
        Column::number("Take"),
        Column::number("Left after"),
    ])
    .header_style(theme.header())
    .render(
        frame,
        table_area,
        None,
        c.plan.len().min(c.before.len()),
        |i| {
            let (t, before) = (&c.plan[i], c.before[i]);
            Cells::new(vec![
                t.batch_no.clone(),
                t.expiry.format(local.date_pattern).to_string(),
                grouped(t.quantity),
                grouped(before - t.quantity),
            ])
        },
    );
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(""),
            Line::from(Span::styled(
                " Batches on or past their expiry date are never used.",
                theme.muted(),
            )),
            Line::from(vec![
                Span::styled(" y", theme.key()),
                Span::raw(" or Enter dispenses; "),
                Span::styled("n", theme.key()),
                Span::raw(" or Esc goes back to the form."),
            ]),
        ])
        .wrap(Wrap { trim: false }),
        foot,
    );
}
