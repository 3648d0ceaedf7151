//! Drawing the audit trail browser: the filter line over the events found,
//! an event whole, and who opened the patient's record.

use super::{AuditTrail, Shown};
use crate::domain::audit::AuditRecord;
use crate::domain::clock::Tz;
use crate::domain::display::grouped;
use crate::domain::time::parse_ts;
use crate::tui::screen::View;
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, Line as TableLine, ScrollTable, Selection};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub(super) fn render(t: &AuditTrail, frame: &mut Frame, area: Rect, view: &View) {
    let [filters, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(filter_line(t, view.theme)), filters);
    let zone = view.clock.zone;
    match t.shown {
        Shown::List => {
            let of = t.head.as_ref().map_or(String::new(), |h| {
                let hash = h.hash.get(..12).unwrap_or(&h.hash);
                format!(" of {} events, head {hash}…", grouped(h.count))
            });
            let title = format!(
                " Audit trail: {} shown{of}{} ",
                grouped(t.events.len() as i64),
                more(t.older.is_some())
            );
            events(&t.events, &t.selected, title, zone, view.theme, frame, body);
        }
        Shown::WhoOpened => {
            let mrn = t.filter.patient.as_ref().map_or("", |p| p.mrn.as_str());
            let title = format!(
                " Who opened {mrn}: {} staff accesses shown{} ",
                grouped(t.who.len() as i64),
                more(t.who_older.is_some())
            );
            let (rows, selected) = (&t.who, &t.who_selected);
            events(rows, selected, title, zone, view.theme, frame, body);
        }
        Shown::Event | Shown::Access => {
            let (rows, selected) = if t.shown == Shown::Event {
                (&t.events, &t.selected)
            } else {
                (&t.who, &t.who_selected)
            };
            event(
                rows.get(selected.index()),
                t.scroll,
                zone,
                view,
                frame,
                body,
            );
        }
    }
}

/// The title's note that older events follow, when they do.
fn more(older: bool) -> &'static str {
    if older { ", older: ↓ at the end" } else { "" }
}

/// `Patient: any  Staff: nurse  Action: READ  From: 2026-03-01  To: any`.
fn filter_line<'a>(t: &'a AuditTrail, theme: &Theme) -> Line<'a> {
    let f = &t.filter;
    let any = || "any".to_string();
    let parts = [
        ("Patient", f.patient.as_ref().map(|p| p.mrn.clone())),
        ("Staff", f.staff.clone()),
        ("Action", f.action.map(|a| a.to_string())),
        ("From", f.from.map(|d| d.to_string())),
        ("To", f.to.map(|d| d.to_string())),
    ];
    let mut spans = Vec::new();
    for (label, value) in parts {
        spans.push(Span::styled(format!("{label}: "), theme.muted()));
        spans.push(Span::raw(format!("{}  ", value.unwrap_or_else(any))));
    }
    Line::from(spans)
}

fn local(at: &str, zone: Tz, pattern: &str) -> String {
    parse_ts(at)
        .map(|t| t.with_timezone(&zone).format(pattern).to_string())
        .unwrap_or_else(|| at.to_string())
}

fn events(
    rows: &[AuditRecord],
    selected: &Selection,
    title: String,
    zone: Tz,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    if rows.is_empty() {
        let text = "No event matches these filters: change one (/ s a f t), or c clears them all.";
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(title)),
            area,
        );
        return;
    }
    ScrollTable::new([
        Column::number("#"),
        Column::text("When", 11),
        Column::text("Who", 8),
        Column::text("Action", 6),
        Column::text("What", 10).grow(),
    ])
    .header_style(theme.header())
    .highlight(theme.selected())
    .block(Block::bordered().title(title))
    .render(frame, area, Some(selected.index()), rows.len(), |i| {
        let r = &rows[i];
        TableLine::new(vec![
            grouped(r.seq),
            local(&r.at, zone, "%m-%d %H:%M"),
            r.actor_name.clone(),
            r.action.clone(),
            format!("{}: {}", r.entity.replace('_', " "), r.summary),
        ])
    });
}

/// Every field of one event, wrapped, its hashes whole.
fn event(
    r: Option<&AuditRecord>,
    scroll: u16,
    zone: Tz,
    view: &View,
    frame: &mut Frame,
    area: Rect,
) {
    let Some(r) = r else {
        return;
    };
    let theme = view.theme;
    let none = || "—".to_string();
    let fields = [
        ("Event", grouped(r.seq)),
        (
            "Time",
            format!(
                "{} ({} UTC)",
                local(&r.at, zone, "%Y-%m-%d %H:%M:%S %Z"),
                r.at
            ),
        ),
        ("Staff", r.actor_name.clone()),
        ("Account", r.actor_id.clone().unwrap_or_else(none)),
        ("Role", r.actor_role.clone().unwrap_or_else(none)),
        ("Action", r.action.clone()),
        ("Entity", r.entity.clone()),
        ("Entity id", r.entity_id.clone().unwrap_or_else(none)),
        ("Patient id", r.patient_id.clone().unwrap_or_else(none)),
        ("Summary", r.summary.clone()),
        ("Previous hash", r.prev_hash.clone()),
        ("Hash", r.hash.clone()),
    ];
    let lines: Vec<Line> = fields
        .into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(format!("{label:<14}"), theme.muted()),
                Span::raw(value),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::bordered().title(format!(" Event {} ", grouped(r.seq)))),
        area,
    );
}
