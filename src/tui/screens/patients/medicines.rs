//! The record's medicines on its clinical page: those current (dose, route,
//! frequency, since when, dispensed and owed, or bought outside) and those
//! past (stopped or completed, when, by whom and why). Shown only when the
//! patient has any, beneath the visits.

use crate::ops::prescriptions::Medicines;
use crate::store::prescriptions::Prescription;
use crate::tui::screen::LocalDates;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::wrap;
use ratatui::text::{Line, Span};

/// How many past medicines the page lists.
const PAST_SHOWN: usize = 10;

fn day(t: chrono::DateTime<chrono::Utc>, dates: &LocalDates) -> String {
    t.with_timezone(&dates.zone)
        .format(dates.date_pattern)
        .to_string()
}

fn push(lines: &mut Vec<Line<'static>>, text: &str, width: usize, style: ratatui::style::Style) {
    for (i, part) in wrap(text, width.saturating_sub(4).max(10))
        .into_iter()
        .enumerate()
    {
        let pad = if i == 0 { "  " } else { "    " };
        lines.push(Line::from(Span::styled(format!("{pad}{part}"), style)));
    }
}

/// What was dispensed of a current medicine, or that it is bought outside.
fn supply(rx: &Prescription) -> String {
    if rx.outside() {
        return String::new();
    }
    let owed = match rx.owed() {
        0 => String::new(),
        n => format!(", {n} owed"),
    };
    format!(
        " · {} of {} {} dispensed{owed}",
        rx.dispensed, rx.quantity, rx.item_unit
    )
}

/// The lines of the medicines, or of why they could not be read; none
/// when the patient has no prescription.
pub fn lines(
    m: &Result<Medicines, String>,
    width: usize,
    dates: &LocalDates,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let m = match m {
        Ok(m) => m,
        Err(e) => {
            lines.push(Line::from(""));
            push(
                &mut lines,
                &format!("Medicines could not be read: {e}"),
                width,
                theme.error(),
            );
            return lines;
        }
    };
    if m.current.is_empty() && m.past.is_empty() {
        return lines;
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Current medicines",
        theme.header(),
    )));
    if m.current.is_empty() {
        push(&mut lines, "none", width, theme.muted());
    }
    for rx in &m.current {
        let text = format!(
            "{} · from {} by {}{}",
            rx.label(),
            day(rx.starts_at, dates),
            rx.prescriber,
            supply(rx)
        );
        push(&mut lines, &text, width, ratatui::style::Style::new());
    }
    if m.past.is_empty() {
        return lines;
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Past medicines", theme.header())));
    for rx in m.past.iter().take(PAST_SHOWN) {
        let end = match &rx.ended {
            Some((at, by, why)) => format!("{} {} by {by}: {why}", rx.status, day(*at, dates)),
            None => "course ended".to_string(),
        };
        let text = format!("{} · from {} · {end}", rx.label(), day(rx.starts_at, dates));
        push(&mut lines, &text, width, theme.muted());
    }
    if m.past.len() > PAST_SHOWN {
        push(
            &mut lines,
            &format!("and {} earlier", m.past.len() - PAST_SHOWN),
            width,
            theme.muted(),
        );
    }
    lines
}
