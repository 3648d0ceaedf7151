//! The MAR's drawing, from the state alone: the patient with bed, day and
//! allergy banner, then each order (medicine, dose, route, frequency,
//! instructions) with its due doses and what happened at each — given by
//! whom and when, LATE, held, refused or not available with the reason,
//! due now, OVERDUE — its PRN doses with their indication, and each
//! correction beneath the record it corrects.

use super::chart::{MarRow, MarView, chain, first_record};
use super::draw::state_style;
use super::hm;
use crate::domain::clock::Clock;
use crate::domain::prescribing::mar::DoseState;
use crate::domain::prescribing::{Frequency, Status};
use crate::store::prescriptions::Administration;
use crate::tui::screen::View;
use crate::tui::widgets::allergies;
use crate::tui::widgets::table::{Cell, Column, Line as TableLine, ScrollTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Paragraph};

/// A record in words: `given 08:10 by Mei Lin Chen: reason`.
fn record_words(a: &Administration, clock: Clock) -> String {
    let mut s = format!("{} {} by {}", a.outcome.label(), hm(a.at, clock), a.by);
    if let Some(r) = &a.reason {
        s.push_str(&format!(": {r}"));
    }
    s
}

pub(super) fn render(m: &MarView, frame: &mut Frame, area: Rect, view: &View) {
    let theme = view.theme;
    let clock = view.clock;
    let [head, banner, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    let day = m.chart.day;
    let when = if day == clock.today() { " (today)" } else { "" };
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                " MAR · {} {} · bed {} · {} {}{when}",
                m.patient.name,
                m.patient.mrn,
                m.patient.bed,
                day.format("%a"),
                day.format(view.settings.date_pattern())
            ),
            theme.title(),
        )),
        head,
    );
    frame.render_widget(
        Paragraph::new(allergies::line_or_error(&m.banner, " ", theme)),
        banner,
    );
    if m.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(" No medicines are ordered for this admission.")
                .block(Block::bordered()),
            body,
        );
        return;
    }
    let table = ScrollTable::new([
        Column::text("Time", 7),
        Column::text("State", 11),
        Column::text("What happened", 20).grow(),
    ])
    .header_style(theme.header())
    .highlight(theme.selected())
    .block(Block::bordered());
    table.render(frame, body, Some(m.selected.index()), m.rows.len(), |i| {
        let Some(row) = m.rows.get(i) else {
            return TableLine::default();
        };
        match row {
            MarRow::Order(l) => {
                let Some(line) = m.chart.lines.get(*l) else {
                    return TableLine::default();
                };
                let rx = &line.prescription;
                let mut words = rx.label();
                if !rx.instructions.is_empty() {
                    words.push_str(&format!(" · {}", rx.instructions));
                }
                let kind = match rx.status {
                    Status::Active if rx.course.frequency == Frequency::Prn => "PRN order".into(),
                    Status::Active => "order".to_string(),
                    other => other.to_string(),
                };
                TableLine::new(vec![Cell::from("▪"), Cell::from(kind), Cell::from(words)])
                    .style(theme.title())
            }
            MarRow::Dose(l, k) => {
                let Some(line) = m.chart.lines.get(*l) else {
                    return TableLine::default();
                };
                let Some(d) = line.doses.get(*k) else {
                    return TableLine::default();
                };
                let words = match first_record(line, *k) {
                    Some(first) => {
                        let mut w = record_words(first, clock);
                        if chain(&line.history, first).len() > 1 {
                            w.push_str(" (corrected below)");
                        }
                        w
                    }
                    None if d.state.waiting() => "not recorded".into(),
                    None => String::new(),
                };
                TableLine::new(vec![
                    Cell::from(format!("  {}", hm(d.due_at, clock))),
                    Cell::styled(d.state.label(), state_style(d.state, theme)),
                    Cell::from(words),
                ])
            }
            MarRow::Prn(l, a) => {
                let fixes = m
                    .chart
                    .lines
                    .get(*l)
                    .map_or(1, |line| chain(&line.history, a).len());
                let mut w = record_words(a, clock);
                if let Some(i) = &a.prn_indication {
                    w.push_str(&format!(" for {i}"));
                }
                if fixes > 1 {
                    w.push_str(" (corrected below)");
                }
                TableLine::new(vec![
                    Cell::from(format!("  {}", hm(a.at, clock))),
                    Cell::styled(
                        format!("PRN {}", a.outcome.label()),
                        state_style(DoseState::Given { late: false }, theme),
                    ),
                    Cell::from(w),
                ])
            }
            MarRow::Fix(a) => {
                let why = a.corrects.as_ref().map_or("", |(_, w)| w.as_str());
                TableLine::new(vec![
                    Cell::from(""),
                    Cell::styled("  ↳ corrected", theme.warn()),
                    Cell::from(format!(
                        "{}{} · why: {why} · by {} at {}",
                        a.outcome.label(),
                        a.reason
                            .as_ref()
                            .map_or(String::new(), |r| format!(": {r}")),
                        a.by,
                        hm(a.recorded_at, clock)
                    )),
                ])
            }
        }
    });
}
