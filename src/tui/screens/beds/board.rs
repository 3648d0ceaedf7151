//! Drawing the bed board and moving on it: ward grids of tiles, each
//! lettered and coloured by status, ward headers with occupancy, the
//! hospital's total and a bar chart by ward. The grid's geometry lives here
//! so that the arrow keys move the way the tiles are drawn.

use crate::domain::beds::{BedStatus, days_between, percent};
use crate::domain::clock::Tz;
use crate::domain::ids::Id;
use crate::domain::news2::{Band, Trend};
use crate::ops::beds::{Board, BoardBed};
use crate::ops::worklist::Score;
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use std::collections::{HashMap, HashSet};

/// A tile's width and height, and the gap between tiles.
pub const TILE_W: u16 = 19;
pub const TILE_H: u16 = 3;
const GAP: u16 = 1;
/// The bar chart's panel width, drawn beside the grids on wide screens.
const CHART_W: u16 = 36;
const CHART_FROM: u16 = 120;

/// How many tiles fit side by side in a board `width` columns wide.
pub fn columns(width: u16) -> usize {
    let grid = if width >= CHART_FROM {
        width - CHART_W - 1
    } else {
        width
    };
    usize::from(((grid + GAP) / (TILE_W + GAP)).max(1))
}

/// Where each shown bed sits: (grid row, column), ward after ward, each ward
/// starting a new row.
pub fn positions(board: &Board, shown: &[usize], cols: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(shown.len());
    let mut row = 0;
    let mut i_in_ward: usize = 0;
    let mut ward = None;
    for &i in shown {
        let w = &board.beds[i].bed.ward_id;
        if ward != Some(w) {
            if ward.is_some() {
                row += i_in_ward.div_ceil(cols);
            }
            ward = Some(w);
            i_in_ward = 0;
        }
        out.push((row + i_in_ward / cols, i_in_ward % cols));
        i_in_ward += 1;
    }
    out
}

/// The shown bed above (`up`) or below the one at `at`, same column or the
/// nearest to it.
pub fn vertical(pos: &[(usize, usize)], at: usize, up: bool) -> usize {
    let Some(&(row, col)) = pos.get(at) else {
        return at;
    };
    let target = if up {
        match row.checked_sub(1) {
            Some(r) => r,
            None => return at,
        }
    } else {
        row + 1
    };
    let in_row: Vec<usize> = (0..pos.len()).filter(|&i| pos[i].0 == target).collect();
    match in_row
        .iter()
        .copied()
        .min_by_key(|&i| pos[i].1.abs_diff(col))
    {
        Some(i) => i,
        None => at,
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut t: String = text.chars().take(width.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn bar(part: i64, whole: i64, width: usize) -> String {
    let filled = if whole <= 0 {
        0
    } else {
        ((part * width as i64 + whole / 2) / whole).clamp(0, width as i64) as usize
    };
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// What the board draws besides the grids.
pub struct BoardView<'a> {
    pub board: &'a Board,
    pub shown: &'a [usize],
    pub selected: usize,
    pub now: DateTime<Utc>,
    pub zone: Tz,
    /// The line above the grids: filters, or the transfer under way.
    pub banner: Option<String>,
    pub filter: String,
    /// The latest NEWS2 by admission (doctors and nurses; empty otherwise).
    pub scores: &'a HashMap<Id, Score>,
    /// The admissions with a dose overdue (those who give doses; empty
    /// otherwise): their tiles are marked `Rx!`.
    pub overdue: &'a HashSet<Id>,
    /// The patients with an open critical laboratory result (doctors and
    /// nurses; empty otherwise): their tiles are marked `!LAB`.
    pub criticals: &'a HashSet<Id>,
}

/// The mark of a tile whose patient has a dose overdue.
pub const OVERDUE_MARK: &str = "Rx!";

/// The mark of a tile whose patient has a critical laboratory result no
/// clinician has acknowledged yet.
pub const CRITICAL_MARK: &str = "!LAB";

/// The marks ending a tile's third line, in the alarm style: `!LAB`, `Rx!`
/// or both.
fn tile_mark(critical: bool, overdue: bool) -> Option<String> {
    match (critical, overdue) {
        (true, true) => Some(format!("{CRITICAL_MARK} {OVERDUE_MARK}")),
        (true, false) => Some(CRITICAL_MARK.into()),
        (false, true) => Some(OVERDUE_MARK.into()),
        (false, false) => None,
    }
}

/// A score as a tile shows it: `N7!↑` — the number, `!` when the band is
/// high, an arrow when it rose or fell since the set before.
pub fn score_text(s: &Score) -> String {
    format!(
        "N{}{}{}",
        s.score,
        if s.band == Band::High { "!" } else { "" },
        match s.trend {
            Trend::Rising => "↑",
            Trend::Falling => "↓",
            Trend::First | Trend::Same => "",
        }
    )
}

/// A score's style: an error when the nurse should look first (high or
/// rising), a warning for a medium band.
pub fn score_style(s: &Score, theme: &Theme) -> Style {
    if s.alarming() {
        theme.error()
    } else if matches!(s.band, Band::Medium | Band::LowMedium) {
        theme.warn()
    } else {
        Style::new()
    }
}

fn hm(t: DateTime<Utc>, zone: Tz, now: DateTime<Utc>) -> String {
    let local = t.with_timezone(&zone);
    if local.date_naive() == now.with_timezone(&zone).date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%a %H:%M").to_string()
    }
}

/// The three lines of a tile.
fn tile_lines(
    b: &BoardBed,
    score: Option<&str>,
    mark: Option<&str>,
    now: DateTime<Utc>,
    zone: Tz,
) -> [String; 3] {
    let w = usize::from(TILE_W) - 2;
    let bed = &b.bed;
    let head = match (&b.occupant, bed.status) {
        (Some(a), _) => {
            let mut days = format!("{}d", days_between(a.admitted_at, now));
            if let Some(score) = score {
                days = format!("{score} {days}");
            }
            let n = days.chars().count();
            let label = truncate(&bed.label, w.saturating_sub(n + 3));
            format!("{label:<width$}{days}", width = w - 2 - n)
        }
        _ => truncate(&bed.label, w - 2),
    };
    let (second, third) = match (&b.occupant, bed.status) {
        (Some(a), _) if mark.is_some() => {
            let mark = mark.unwrap_or_default();
            let n = mark.chars().count();
            (
                a.patient.name.clone(),
                format!(
                    "{:<width$}{mark}",
                    truncate(&a.patient.mrn, w.saturating_sub(n + 1)),
                    width = w.saturating_sub(n)
                ),
            )
        }
        (Some(a), _) => (a.patient.name.clone(), a.patient.mrn.clone()),
        (None, BedStatus::Reserved) => (
            b.reserved
                .as_ref()
                .map_or_else(|| "reserved".to_string(), |p| p.name.clone()),
            match bed.reserved_until {
                Some(t) => format!("held to {}", hm(t, zone, now)),
                None => "reserved".into(),
            },
        ),
        (None, BedStatus::Cleaning) => (
            "cleaning".into(),
            format!("since {}", hm(bed.status_since, zone, now)),
        ),
        (None, BedStatus::OutOfService) => (
            "out of service".into(),
            bed.out_of_service_reason.clone().unwrap_or_default(),
        ),
        (None, _) => (
            "available".into(),
            match bed.cleaned_at {
                Some(t) => format!("clean {}", hm(t, zone, now)),
                None => String::new(),
            },
        ),
    };
    [head, truncate(&second, w), truncate(&third, w)]
}

/// Draws one tile with its top left corner at `at`, clipped to `area`.
fn draw_tile(
    b: &BoardBed,
    selected: bool,
    view: &BoardView,
    theme: &Theme,
    at: (u16, u16),
    area: Rect,
    buf: &mut Buffer,
) {
    let (x, y) = at;
    let score = b.occupant.as_ref().and_then(|a| view.scores.get(&a.id));
    let score_words = score.map(score_text);
    let overdue = b
        .occupant
        .as_ref()
        .is_some_and(|a| view.overdue.contains(&a.id));
    let critical = b
        .occupant
        .as_ref()
        .is_some_and(|a| view.criticals.contains(&a.patient.id));
    let mark = tile_mark(critical, overdue);
    let lines = tile_lines(
        b,
        score_words.as_deref(),
        mark.as_deref(),
        view.now,
        view.zone,
    );
    let status = b.bed.status;
    let base = if selected {
        theme.selected()
    } else {
        Style::new()
    };
    for (k, text) in lines.iter().enumerate() {
        let yy = y + k as u16;
        if yy < area.y || yy >= area.y + area.height {
            continue;
        }
        let r = Rect {
            x,
            y: yy,
            width: TILE_W.min(area.x + area.width - x),
            height: 1,
        };
        let line = if k == 0 {
            Line::from(vec![
                Span::styled(if selected { "▸" } else { " " }, base),
                Span::styled(status.letter().to_string(), theme.bed(status).patch(base)),
                Span::styled(
                    format!(" {text:<w$}", w = usize::from(TILE_W) - 3),
                    theme.bed(status).patch(base),
                ),
            ])
        } else {
            Line::from(Span::styled(
                format!("  {text:<w$}", w = usize::from(TILE_W) - 2),
                base,
            ))
        };
        Paragraph::new(line).render(r, buf);
        if k == 2
            && let Some(mark) = &mark
        {
            // The mark ends the tile's third line, in the alarm style.
            let n = mark.chars().count() as u16;
            let from = x + TILE_W - n;
            let cell = Rect {
                x: from,
                y: yy,
                width: n.min((area.x + area.width).saturating_sub(from)),
                height: 1,
            };
            buf.set_style(cell, theme.error().patch(base));
        }
        if k == 0
            && let (Some(sc), Some(words)) = (score, &score_words)
        {
            // The score sits before the days: "N7!↑ 3d" ends the head line.
            let days = b.occupant.as_ref().map_or(0, |a| {
                format!("{}d", days_between(a.admitted_at, view.now)).len()
            });
            let n = words.chars().count() as u16;
            let end = x + TILE_W - 1 - days as u16 - 1;
            let from = end.saturating_sub(n);
            let cell = Rect {
                x: from,
                y: yy,
                width: n.min((area.x + area.width).saturating_sub(from)),
                height: 1,
            };
            buf.set_style(cell, score_style(sc, theme).patch(base));
        }
    }
}

/// Draws the board in `area`.
pub fn render(view: &BoardView, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let board = view.board;
    let (occupied, total) = board.occupancy(None);
    let free = board
        .beds
        .iter()
        .filter(|b| b.bed.status == BedStatus::Available)
        .count();
    let summary = Line::from(vec![
        Span::styled(
            format!(
                " Hospital {occupied}/{total} occupied {}% · {free} free",
                percent(occupied, total)
            ),
            theme.title(),
        ),
        Span::styled(format!(" · {}", view.filter), theme.muted()),
    ]);
    Paragraph::new(summary).render(Rect { height: 1, ..area }, buf);
    let mut top = area.y + 1;
    if let Some(b) = &view.banner {
        Paragraph::new(Span::styled(format!(" {b}"), theme.warn())).render(
            Rect {
                y: top,
                height: 1,
                ..area
            },
            buf,
        );
        top += 1;
    }
    let body = Rect {
        y: top,
        height: area.height.saturating_sub(top - area.y),
        ..area
    };
    let grid = if area.width >= CHART_FROM {
        let chart = Rect {
            x: body.x + body.width - CHART_W,
            width: CHART_W,
            ..body
        };
        render_chart(board, theme, chart, buf);
        Rect {
            width: body.width - CHART_W - 1,
            ..body
        }
    } else {
        body
    };
    if board.beds.is_empty() {
        Paragraph::new(vec![
            Line::from(""),
            Line::from(" No beds yet. An administrator sets up wards and beds with m,"),
            Line::from(" or with `wardline wards add` and `wardline beds add`."),
        ])
        .render(grid, buf);
        return;
    }
    if view.shown.is_empty() {
        Paragraph::new(" No bed matches the filter: f shows all beds, w the next ward.")
            .render(Rect { height: 1, ..grid }, buf);
        return;
    }
    let cols = columns(area.width);
    let pos = positions(board, view.shown, cols);
    // content lines: each ward has a header line, then its rows of tiles
    let mut ward_top: Vec<(usize, u16)> = Vec::new(); // (first shown index, y offset)
    let mut y: u16 = 0;
    let mut tile_y = vec![0u16; view.shown.len()];
    let mut last_row = None;
    for (k, &i) in view.shown.iter().enumerate() {
        let new_ward =
            k == 0 || board.beds[view.shown[k - 1]].bed.ward_id != board.beds[i].bed.ward_id;
        if new_ward {
            if k > 0 {
                y += TILE_H + 1;
            }
            ward_top.push((k, y));
            y += 1;
            last_row = Some(pos[k].0);
        } else if last_row != Some(pos[k].0) {
            y += TILE_H;
            last_row = Some(pos[k].0);
        }
        tile_y[k] = y;
    }
    let sel = view.selected.min(view.shown.len() - 1);
    let scroll = (tile_y[sel] + TILE_H).saturating_sub(grid.height);
    for (k, wy) in &ward_top {
        if *wy < scroll || *wy - scroll >= grid.height {
            continue;
        }
        let ward_id = &board.beds[view.shown[*k]].bed.ward_id;
        let Some(w) = board.wards.iter().find(|w| &w.id == ward_id) else {
            continue;
        };
        let (o, t) = board.occupancy(Some(ward_id));
        let mut spans = vec![
            Span::styled(format!(" {}", w.name), theme.header()),
            Span::styled(
                format!(
                    " · {}{} · {o}/{t} occupied {}% ",
                    w.kind.label(),
                    w.sex
                        .map(|s| format!(", {}", s.label()))
                        .unwrap_or_default(),
                    percent(o, t)
                ),
                theme.muted(),
            ),
        ];
        spans.push(Span::raw(bar(o, t, 10)));
        Paragraph::new(Line::from(spans)).render(
            Rect {
                y: grid.y + wy - scroll,
                height: 1,
                ..grid
            },
            buf,
        );
    }
    for (k, &i) in view.shown.iter().enumerate() {
        let ty = tile_y[k];
        if ty + TILE_H <= scroll || ty >= scroll + grid.height {
            continue;
        }
        let x = grid.x + pos[k].1 as u16 * (TILE_W + GAP);
        if x + TILE_W > grid.x + grid.width {
            continue;
        }
        let yy = (grid.y + ty).saturating_sub(scroll);
        draw_tile(&board.beds[i], k == sel, view, theme, (x, yy), grid, buf);
    }
}

/// The occupancy of every ward as a bar, and the hospital's.
fn render_chart(board: &Board, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![Line::from(Span::styled(
        "Occupancy by ward",
        theme.header(),
    ))];
    let name_w = 14;
    let mut rows: Vec<(String, i64, i64)> = board
        .wards
        .iter()
        .map(|w| {
            let (o, t) = board.occupancy(Some(&w.id));
            (w.name.clone(), o, t)
        })
        .collect();
    let (o, t) = board.occupancy(None);
    rows.push(("Hospital".into(), o, t));
    for (name, o, t) in rows {
        lines.push(Line::from(vec![
            Span::raw(format!("{:<name_w$} ", truncate(&name, name_w))),
            Span::styled(bar(o, t, 12), theme.bed(BedStatus::Occupied)),
            Span::raw(format!(" {:>3}%", percent(o, t))),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("Key", theme.header())));
    for s in [
        BedStatus::Available,
        BedStatus::Reserved,
        BedStatus::Occupied,
        BedStatus::Cleaning,
        BedStatus::OutOfService,
    ] {
        lines.push(Line::from(vec![
            Span::styled(s.letter().to_string(), theme.bed(s)),
            Span::raw(format!(" {}", s.label())),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_truncation() {
        assert_eq!(bar(1, 2, 4), "██░░");
        assert_eq!(bar(0, 0, 3), "░░░");
        assert_eq!(truncate("Amina Okafor", 6), "Amina…");
        assert_eq!(columns(80), 4);
        assert_eq!(columns(160), 6);
    }

    #[test]
    fn up_and_down_keep_the_column() {
        // ward A: 5 beds in rows of 3; ward B: 2 beds
        let pos = vec![(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0), (2, 1)];
        assert_eq!(vertical(&pos, 2, false), 4);
        assert_eq!(vertical(&pos, 4, false), 6);
        assert_eq!(vertical(&pos, 6, true), 4);
        assert_eq!(vertical(&pos, 1, true), 1);
        assert_eq!(vertical(&pos, 6, false), 6);
    }
}
