//! Drawing the appointments tab: the day grid, one clinician's list, the
//! selected appointment's line, and the queue. Reads the screen's state only.

use super::{Appointments, MIN_COLUMN, ROW_MINUTES, TIME_COLUMN, View};
use crate::domain::appointment::{self as rules, Booked, Span, Status, hhmm, is_late};
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, Line as TableLine, ScrollTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span as TextSpan};
use ratatui::widgets::{Block, Paragraph};

/// How a column of a clinician who no longer takes bookings is marked.
const INACTIVE: &str = "(inactive)";

impl Appointments {
    /// Draws the view as of the clinic's local time `now` (late and waiting
    /// times follow the clock between keys).
    pub fn render(&self, frame: &mut Frame, area: Rect, now: chrono::NaiveDateTime, theme: &Theme) {
        self.local_now.set(now);
        match &self.view {
            View::Day => self.render_day(frame, area, theme),
            View::Queue => self.render_queue(frame, area, theme),
            View::Form(f) => f.render(
                frame,
                area,
                &self.clinicians[..self.bookable],
                &self.types,
                theme,
            ),
            View::Setup(s) => s.render(frame, area, theme),
        }
    }

    fn day_title(&self) -> String {
        let today = self.local_now.get().date();
        let rel = match (self.day - today).num_days() {
            0 => " (today)".to_string(),
            1 => " (tomorrow)".to_string(),
            -1 => " (yesterday)".to_string(),
            _ => String::new(),
        };
        format!("{}{rel}", self.day.format("%a %d %b %Y"))
    }

    /// A column's heading: the clinician's name, marked when they no longer
    /// take bookings.
    fn column_name(&self, c: usize) -> String {
        match self.clinicians.get(c) {
            Some(clinician) if self.is_bookable(c) => clinician.name().to_string(),
            Some(clinician) => format!("{} {INACTIVE}", clinician.name()),
            None => String::new(),
        }
    }

    /// Which clinicians get a column: the filter's, all when they fit, else
    /// the first (a one-clinician list).
    fn columns(&self, width: u16) -> (Vec<usize>, bool) {
        match self.filter {
            Some(i) => (vec![i], false),
            None => {
                let n = self.clinicians.len() as u16;
                if n > 0 && TIME_COLUMN + 2 + n * MIN_COLUMN <= width {
                    ((0..self.clinicians.len()).collect(), true)
                } else {
                    (vec![0], false)
                }
            }
        }
    }

    fn render_day(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(2),
        ])
        .areas(area);
        let shown = self.shown();
        let (cols, grid) = self.columns(area.width);
        let waiting = self.queue_shown().len();
        let late = shown
            .iter()
            .filter(|b| {
                is_late(
                    b.appt.status,
                    b.appt.day,
                    &b.appt.span,
                    self.local_now.get(),
                )
            })
            .count();
        let who = match self.filter {
            Some(i) => self.column_name(i),
            None if grid => "all clinicians".into(),
            None => match self.clinicians.first() {
                Some(c) => format!("{} (narrow window: c for the others)", c.name()),
                None => "no clinicians".into(),
            },
        };
        let booked = shown
            .iter()
            .filter(|b| b.appt.status != Status::Cancelled)
            .count();
        let mut spans = vec![
            TextSpan::styled(format!(" {} ", self.day_title()), theme.title()),
            TextSpan::raw(format!("· {who} · {booked} booked")),
        ];
        if late > 0 {
            spans.push(TextSpan::styled(format!(" · {late} LATE"), theme.warn()));
        }
        if waiting > 0 {
            spans.push(TextSpan::raw(format!(" · {waiting} waiting (q)")));
        }
        if self.find.is_some() {
            self.render_find(frame, head, theme);
        } else {
            frame.render_widget(Paragraph::new(Line::from(spans)), head);
        }

        if self.clinicians.is_empty() {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from(" No doctor or nurse accounts yet: an administrator adds them on the Admin tab"),
                    Line::from(" (or with `wardline users add`), then sets their hours here with h."),
                ])
                .block(Block::bordered()),
                body,
            );
        } else if grid {
            self.render_grid(frame, body, &cols, theme);
        } else {
            self.render_list(frame, body, cols[0], theme);
        }
        self.render_selected(frame, foot, theme);
    }

    /// The short status word of the grid and list, and whether it is late.
    fn tag(&self, b: &Booked) -> (&'static str, bool) {
        if is_late(
            b.appt.status,
            b.appt.day,
            &b.appt.span,
            self.local_now.get(),
        ) {
            return ("LATE", true);
        }
        let t = match b.appt.status {
            Status::Scheduled => "booked",
            Status::CheckedIn => "arrived",
            Status::InConsultation => "in room",
            Status::Completed => "done",
            Status::Cancelled => "cancel",
            Status::NoShow => "no-show",
        };
        (t, false)
    }

    fn status_style(&self, b: &Booked, theme: &Theme) -> Style {
        if is_late(
            b.appt.status,
            b.appt.day,
            &b.appt.span,
            self.local_now.get(),
        ) {
            return theme.warn();
        }
        match b.appt.status {
            Status::CheckedIn | Status::InConsultation => theme.ok(),
            Status::Completed | Status::Cancelled | Status::NoShow => theme.muted(),
            Status::Scheduled => Style::default(),
        }
    }

    /// The grid's first and last minute: working hours and appointments,
    /// widened to whole hours (08:00–17:00 when there is nothing).
    pub(super) fn grid_range(&self, cols: &[usize]) -> (u16, u16) {
        let mut lo = u16::MAX;
        let mut hi = 0;
        for &c in cols {
            if let Some(h) = self.hours.get(c) {
                for s in h.on(self.day) {
                    lo = lo.min(s.start);
                    hi = hi.max(s.end);
                }
            }
        }
        for b in self.shown() {
            lo = lo.min(b.appt.span.start);
            hi = hi.max(b.appt.span.end);
        }
        if lo >= hi {
            return (8 * 60, 17 * 60);
        }
        (lo / 60 * 60, hi.div_ceil(60) * 60)
    }

    fn render_grid(&self, frame: &mut Frame, area: Rect, cols: &[usize], theme: &Theme) {
        let block = Block::bordered();
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let (lo, hi) = self.grid_range(cols);
        let rows: Vec<u16> = (lo..hi).step_by(ROW_MINUTES as usize).collect();
        let width = (inner.width.saturating_sub(TIME_COLUMN)) / cols.len().max(1) as u16;
        let visible = inner.height.saturating_sub(1) as usize;
        let shown = self.shown();
        let selected = shown.get(self.selected.index());
        // Keep the selection (or now, or the first working hour) in view.
        let focus_minute = self
            .anchor
            .or(selected.map(|b| b.appt.span.start))
            .or_else(|| {
                (self.day == self.local_now.get().date())
                    .then(|| rules::minute_of(self.local_now.get()))
            })
            .unwrap_or(lo);
        let focus_row = rows
            .iter()
            .position(|r| *r + ROW_MINUTES > focus_minute)
            .unwrap_or(0);
        let offset = if rows.len() <= visible {
            0
        } else {
            focus_row
                .saturating_sub(visible / 3)
                .min(rows.len() - visible)
        };
        let buf = frame.buffer_mut();
        // Header: clinician names.
        let mut x = inner.x + TIME_COLUMN;
        for &c in cols {
            let name = self.column_name(c);
            buf.set_stringn(
                x,
                inner.y,
                format!("│{name}"),
                width as usize,
                theme.header(),
            );
            x += width;
        }
        // Each column's appointments holding time, found once per frame
        // rather than once per cell.
        let by_column: Vec<Vec<&&Booked>> = cols
            .iter()
            .map(|&c| {
                let cid = &self.clinicians[c].id;
                shown
                    .iter()
                    .filter(|b| b.appt.clinician_id == *cid && b.appt.status != Status::Cancelled)
                    .collect()
            })
            .collect();
        let now_row = (self.day == self.local_now.get().date())
            .then(|| rules::minute_of(self.local_now.get()))
            .filter(|m| (lo..hi).contains(m));
        for (i, &t) in rows.iter().enumerate().skip(offset).take(visible) {
            let y = inner.y + 1 + (i - offset) as u16;
            let now_here = now_row.is_some_and(|m| m >= t && m < t + ROW_MINUTES);
            let label = if now_here {
                format!("{}▸", hhmm(t))
            } else {
                format!("{} ", hhmm(t))
            };
            buf.set_stringn(
                inner.x,
                y,
                label,
                TIME_COLUMN as usize,
                if t % 60 == 0 {
                    Style::default()
                } else {
                    theme.muted()
                },
            );
            let mut x = inner.x + TIME_COLUMN;
            for (&c, column) in cols.iter().zip(&by_column) {
                let row = Span {
                    start: t,
                    end: t + ROW_MINUTES,
                };
                let here: Vec<&&Booked> = column
                    .iter()
                    .copied()
                    .filter(|b| b.appt.span.overlaps(&row))
                    .collect();
                let starting: Vec<&&&Booked> =
                    here.iter().filter(|b| b.appt.span.start >= t).collect();
                let working = self.hours.get(c).is_some_and(|h| h.working_at(self.day, t));
                let cell_w = width.saturating_sub(1) as usize;
                buf.set_stringn(x, y, "│", 1, theme.muted());
                // Several starting in one row: the selected one shows, the
                // others named after it.
                let first = starting
                    .iter()
                    .find(|b| selected.is_some_and(|s| s.appt.id == b.appt.id))
                    .or(starting.first());
                if let Some(first) = first {
                    let (tag, _) = self.tag(first);
                    let time_and_tag = format!("{} {tag:<7}", hhmm(first.appt.span.start));
                    let others: Vec<&Booked> = starting
                        .iter()
                        .filter(|b| b.appt.id != first.appt.id)
                        .map(|b| ***b)
                        .collect();
                    let text = if others.is_empty() {
                        format!(
                            "{time_and_tag} {} · {}",
                            first.patient_name, first.type_name
                        )
                    } else {
                        super::slots::crowded_cell(&time_and_tag, first, &others)
                    };
                    let is_sel = selected.is_some_and(|s| s.appt.id == first.appt.id);
                    let style = if is_sel {
                        theme.selected()
                    } else {
                        self.status_style(first, theme)
                    };
                    let padded = format!("{text:<cell_w$}");
                    buf.set_stringn(x + 1, y, padded, cell_w, style);
                } else if let Some(cont) = here.first() {
                    let is_sel = selected.is_some_and(|s| s.appt.id == cont.appt.id);
                    let style = if is_sel {
                        theme.selected()
                    } else {
                        theme.muted()
                    };
                    buf.set_stringn(x + 1, y, format!("{:<cell_w$}", "  ┆"), cell_w, style);
                } else if !working {
                    buf.set_stringn(x + 1, y, "░".repeat(cell_w), cell_w, theme.muted());
                }
                x += width;
            }
        }
    }

    fn render_list(&self, frame: &mut Frame, area: Rect, clinician: usize, theme: &Theme) {
        let shown: Vec<&Booked> = self
            .shown()
            .into_iter()
            .filter(|b| {
                self.clinicians
                    .get(clinician)
                    .is_some_and(|c| c.id == b.appt.clinician_id)
            })
            .collect();
        let hours = self.hours.get(clinician);
        let title = match hours {
            Some(h) => format!(
                " {} · hours {} ",
                self.column_name(clinician),
                h.describe(self.day)
            ),
            None => format!(
                " {}: book these patients with someone else ",
                self.column_name(clinician)
            ),
        };
        let all = self.shown();
        let selected_id = all.get(self.selected.index()).map(|b| b.appt.id.clone());
        if shown.is_empty() {
            let text = Paragraph::new(vec![
                Line::from(""),
                Line::from(TextSpan::styled(
                    "  No appointments: n books one, w takes a walk-in.",
                    theme.muted(),
                )),
            ])
            .block(Block::bordered().title(TextSpan::styled(title, theme.title())));
            frame.render_widget(text, area);
            return;
        }
        let table = ScrollTable::new([
            Column::text("Time", 13),
            Column::text("Status", 6),
            Column::text("Patient", 14).grow(),
            Column::code("MRN"),
            Column::text("Type", 8),
            Column::text("Notes", 5).grow(),
        ])
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(Block::bordered().title(TextSpan::styled(title, theme.title())));
        let index = selected_id.and_then(|id| shown.iter().position(|b| b.appt.id == id));
        table.render(frame, area, index, shown.len(), |i| {
            let b = shown[i];
            let (tag, _) = self.tag(b);
            let outside = hours.is_some_and(|h| !h.covers(b.appt.day, &b.appt.span));
            let time = TableLine::new(vec![
                format!("{}{}", b.appt.span, if outside { " ░" } else { "" }),
                tag.to_string(),
                b.patient_name.clone(),
                b.mrn.clone(),
                b.type_name.clone(),
                if b.appt.status == Status::Cancelled {
                    b.appt.cancel_reason.clone().unwrap_or_default()
                } else {
                    b.appt.notes.clone()
                },
            ]);
            time.style(self.status_style(b, theme))
        });
    }

    fn render_selected(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let shown = self.shown();
        let on_grid = self.columns(area.width).1;
        let unset: Vec<&str> = self
            .clinicians
            .iter()
            .zip(&self.hours)
            .filter(|(_, h)| h.is_empty())
            .map(|(c, _)| c.name())
            .collect();
        let lines = match shown.get(self.selected.index()) {
            None if !unset.is_empty() => vec![Line::from(TextSpan::styled(
                format!(
                    " No working hours yet for {}: an administrator sets them with h.",
                    unset.join(", ")
                ),
                theme.warn(),
            ))],
            None => vec![Line::from(TextSpan::styled(
                " No appointment selected: n books, w takes a walk-in, [ ] change the day, ? shows all keys.",
                theme.muted(),
            ))],
            Some(b) => {
                let (_, late) = self.tag(b);
                let state = if late {
                    "LATE (m marks no-show)".to_string()
                } else {
                    b.appt.status.label().to_string()
                };
                let first = Line::from(vec![
                    TextSpan::styled(format!(" {} ", b.appt.span), theme.title()),
                    TextSpan::raw(format!(
                        "{} {} · {} · {} · ",
                        b.mrn, b.patient_name, b.type_name, b.clinician_name
                    )),
                    TextSpan::styled(state, self.status_style(b, theme)),
                ]);
                let mut more = Vec::new();
                if b.appt.walk_in {
                    more.push("walk-in".to_string());
                }
                if let Some(t) = b.appt.checked_in_at {
                    let at = t.with_timezone(&self.zone()).naive_local();
                    more.push(format!("arrived {}", at.format("%H:%M")));
                    if b.appt.status == Status::CheckedIn {
                        more.push(format!(
                            "waiting {} min",
                            (self.local_now.get() - at).num_minutes().max(0)
                        ));
                    }
                }
                if b.appt.rescheduled_from.is_some() {
                    more.push("rescheduled from an earlier booking".into());
                }
                if let Some(r) = &b.appt.cancel_reason {
                    more.push(format!("cancelled: {r}"));
                }
                if !b.appt.notes.is_empty() {
                    more.push(format!("notes: {}", b.appt.notes));
                }
                if let Some(mates) = self.slot_mates_line(b).filter(|_| on_grid) {
                    more.insert(0, mates);
                }
                let hint = match b.appt.status {
                    Status::Scheduled if late => "i check in · m no-show · r reschedule · x cancel",
                    Status::Scheduled => "i check in · r reschedule · x cancel",
                    Status::CheckedIn => "s call in · q queue",
                    Status::InConsultation => "d done",
                    _ => "",
                };
                let mut second = vec![TextSpan::raw(format!(" {}", more.join(" · ")))];
                if !hint.is_empty() {
                    second.push(TextSpan::styled(
                        format!("{}{hint}", if more.is_empty() { "" } else { "   " }),
                        theme.muted(),
                    ));
                }
                vec![first, Line::from(second)]
            }
        };
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn zone(&self) -> crate::domain::clock::Tz {
        self.zone
    }

    fn render_queue(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let q = self.queue_shown();
        let zone = self.zone();
        let waits: Vec<i64> = q
            .iter()
            .map(|b| {
                b.appt
                    .checked_in_at
                    .map(|t| {
                        (self.local_now.get() - t.with_timezone(&zone).naive_local())
                            .num_minutes()
                            .max(0)
                    })
                    .unwrap_or(0)
            })
            .collect();
        let who = match self.filter.and_then(|i| self.clinicians.get(i)) {
            Some(c) => format!(" for {}", c.name()),
            None => String::new(),
        };
        let mut spans = vec![
            TextSpan::styled(
                format!(
                    " Queue{who} · {} ",
                    self.local_now.get().date().format("%a %d %b")
                ),
                theme.title(),
            ),
            TextSpan::raw(format!("· {} waiting", q.len())),
        ];
        if let Some(longest) = waits.iter().max() {
            spans.push(TextSpan::raw(format!(" · longest {longest} min")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), head);
        if q.is_empty() {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from(TextSpan::styled(
                        "  Nobody is waiting. Patients appear here when they are checked in (i on the day view, or w for a walk-in).",
                        theme.muted(),
                    )),
                ])
                .wrap(ratatui::widgets::Wrap { trim: true })
                .block(Block::bordered()),
                body,
            );
            return;
        }
        let table = ScrollTable::new([
            Column::number("#"),
            Column::text("Arrived", 7),
            Column::number("Waiting"),
            Column::text("Patient", 14).grow(),
            Column::code("MRN"),
            Column::text("Clinician", 10),
            Column::text("Booked", 10).grow(),
        ])
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(Block::bordered().title(TextSpan::styled(
            " In order of arrival · n calls the first in ",
            theme.muted(),
        )));
        let selected = Some(self.queue_selected.index());
        table.render(frame, body, selected, q.len(), |i| {
            let (b, w) = (q[i], waits[i]);
            let arrived = b
                .appt
                .checked_in_at
                .map(|t| t.with_timezone(&zone).format("%H:%M").to_string())
                .unwrap_or_default();
            TableLine::new(vec![
                crate::domain::display::thousands(i as u64 + 1),
                arrived,
                format!("{} min", crate::domain::display::grouped(w)),
                b.patient_name.clone(),
                b.mrn.clone(),
                b.clinician_name.clone(),
                format!(
                    "{} {}{}",
                    hhmm(b.appt.span.start),
                    b.type_name,
                    if b.appt.walk_in { " (walk-in)" } else { "" }
                ),
            ])
        });
    }
}
