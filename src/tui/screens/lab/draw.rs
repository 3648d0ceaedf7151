//! The lab tab's drawing, from the state alone: the strip of lists with
//! their counts, the worklist (two lines an order: what and for whom, then
//! the MRN, specimen and who ordered it; a critical mark in letters), the
//! accession box, and an open order with its results, flags, who entered
//! and verified them, and what a correction replaced.

use super::Lab;
use super::entry_draw::letters_style;
use super::lists::{LISTS, short, title, waited};
use super::order::analytes;
use super::worklist::tests_of;
use crate::domain::lab::order::SELF_VERIFY_WORD;
use crate::domain::prescribing::Priority;
use crate::ops::lab::{LabResult, WorklistRow};
use crate::tui::screen::View as Drawn;
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Cell, Column, Line as TableLine, ScrollTable};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// The priority as the lab reads it, in capitals when it is not routine.
pub fn priority(p: Priority) -> &'static str {
    match p {
        Priority::Stat => "STAT",
        Priority::Urgent => "URGENT",
        Priority::Routine => "routine",
    }
}

fn priority_style(p: Priority, theme: &Theme) -> Style {
    match p {
        Priority::Stat => theme.error(),
        Priority::Urgent => theme.warn(),
        Priority::Routine => Style::new(),
    }
}

/// A time as the lab reads it: `08:15` today, else with its date.
fn when(t: DateTime<Utc>, v: &Drawn) -> String {
    let local = v.clock.at(t);
    if local.date_naive() == v.dates.today {
        local.format("%H:%M").to_string()
    } else {
        local
            .format(&format!("{} %H:%M", v.dates.date_pattern))
            .to_string()
    }
}

impl Lab {
    pub(super) fn render_list(&self, frame: &mut Frame, area: Rect, v: &Drawn) {
        let theme = v.theme;
        let [strip, table_area, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(4),
            Constraint::Length(1),
        ])
        .areas(area);
        let mut spans = Vec::new();
        for i in 0..LISTS.len() {
            let style = if i == self.list {
                theme.tab_active()
            } else {
                theme.tab()
            };
            spans.push(Span::styled(
                format!(" {} {} ", short(i), self.counts[i]),
                style,
            ));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), strip);
        let block = Block::bordered().title(Span::styled(
            format!(
                " {} ({}) · stat, urgent, then the oldest · !! a critical value ",
                title(self.list),
                self.counts[self.list]
            ),
            theme.title(),
        ));
        let table = ScrollTable::new([
            Column::text("Pri", 7),
            Column::code("Accession"),
            Column::name("Patient", 18).grow(),
            Column::text("Ward/bed", 8),
            Column::text("Tests", 12).grow(),
            Column::text("Ordered", 11),
            Column::code(if LISTS[self.list].ended() {
                "Took"
            } else {
                "Waiting"
            }),
        ])
        .row_height(2)
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(block);
        self.rows_in_view.set(table.visible(table_area));
        let selected = (!self.rows.is_empty()).then(|| self.selected.index());
        table.render(
            frame,
            table_area,
            selected,
            self.rows.len(),
            |i| match self.rows.row(i) {
                Some(r) => worklist_row(r, v),
                None => unread_row(v),
            },
        );
        if self.rows.is_empty() {
            let r = Rect {
                x: table_area.x + 2,
                y: table_area.y + 3,
                width: table_area.width.saturating_sub(4),
                height: 1,
            };
            frame.render_widget(
                Paragraph::new(Span::styled(
                    "No order in this list. Tab shows another list.",
                    theme.muted(),
                )),
                r,
            );
        }
        let line = match &self.finding {
            Some(f) => {
                f.render(frame, foot, 10, true, theme);
                return;
            }
            None => Line::from(Span::styled(
                " / finds an order by its accession number, typed or scanned",
                theme.muted(),
            )),
        };
        frame.render_widget(Paragraph::new(line), foot);
    }

    pub(super) fn render_order(&self, frame: &mut Frame, area: Rect, v: &Drawn) {
        let theme = v.theme;
        let Some(d) = &self.order else {
            return;
        };
        let o = &d.order;
        let block = Block::bordered().title(Span::styled(
            format!(" {} · {} ", o.accession, o.status.label()),
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [head, table_area, foot] = Layout::vertical([
            Constraint::Length(4),
            Constraint::Min(3),
            Constraint::Length(3),
        ])
        .areas(inner);
        let p = &d.patient;
        let age = crate::domain::patient::age_label(p.birth_date, false, v.dates.today);
        let mut steps = format!(
            " Ordered {} by {}",
            when(o.ordered_at, v),
            o.ordered_by_name
        );
        if let (Some(at), Some(by)) = (o.collected_at, &o.collected_by_name) {
            steps.push_str(&format!(" · collected {} by {by}", when(at, v)));
        }
        if let Some(at) = o.verified_at {
            steps.push_str(&format!(" · verified {}", when(at, v)));
        }
        let mut head_lines = vec![
            Line::from(format!(
                " {} {} · {:?} {age} · {}",
                p.name, p.mrn, p.sex, o.specimen
            )),
            Line::from(vec![
                Span::styled(
                    format!(" {}", priority(o.priority)),
                    priority_style(o.priority, theme),
                ),
                Span::raw(format!(" · {}", tests_of(o))),
            ]),
            Line::from(steps),
        ];
        if let Some(reason) = o.reject_reason {
            head_lines.push(Line::from(Span::styled(
                format!(
                    " Rejected: {}{}",
                    reason.label(),
                    o.end_note
                        .as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                ),
                theme.error(),
            )));
        } else if !o.clinical_notes.trim().is_empty() {
            head_lines.push(Line::from(Span::styled(
                format!(" Notes: {}", o.clinical_notes),
                theme.muted(),
            )));
        }
        frame.render_widget(Paragraph::new(head_lines), head);
        let all = analytes(d);
        let table = ScrollTable::new([
            Column::text("Analyte", 16).grow(),
            Column::code("Value"),
            Column::code("Unit"),
            Column::text("Flag", 4),
            Column::code("Range"),
            Column::text("Entered", 12),
            Column::text("Verified", 12).grow(),
        ])
        .header_style(theme.header())
        .highlight(theme.selected());
        table.render(
            frame,
            table_area,
            Some(self.result.index()),
            all.len(),
            |k| {
                let (t, a) = all[k];
                let name = if t.analytes.len() > 1 && d.tests.len() > 1 {
                    format!("{}: {}", t.test.code, a.analyte.name)
                } else {
                    a.analyte.name.clone()
                };
                let unit = a.analyte.unit.clone().unwrap_or_default();
                match &a.current {
                    None => TableLine::new(vec![
                        name,
                        "—".into(),
                        unit,
                        String::new(),
                        String::new(),
                        "to enter".into(),
                        String::new(),
                    ]),
                    Some(r) => TableLine::new(vec![
                        name,
                        if a.history.is_empty() {
                            r.value.clone()
                        } else {
                            format!("{} (new)", r.value)
                        },
                        unit,
                        r.flag.clone(),
                        range(r),
                        format!("{} {}", when(r.entered_at, v), r.entered_by_name),
                        verified(r, v),
                    ])
                    .style(letters_style(&r.flag, theme)),
                }
            },
        );
        let mut notes = Vec::new();
        if let Some((_, a)) = all.get(self.result.index()) {
            for old in &a.history {
                notes.push(Line::from(Span::styled(
                    format!(
                        " Corrected: {} {} {} entered {} by {}, {} — replaced{}",
                        a.analyte.name,
                        old.value,
                        old.flag,
                        when(old.entered_at, v),
                        old.entered_by_name,
                        verified(old, v),
                        a.current
                            .as_ref()
                            .and_then(|c| c.correction_reason.as_deref())
                            .map(|why| format!(": {why}"))
                            .unwrap_or_default()
                    ),
                    theme.muted(),
                )));
            }
        }
        let mine = all.iter().any(|(_, a)| {
            a.current
                .as_ref()
                .is_some_and(|r| r.verified_at.is_none() && r.entered_by == self.me)
        });
        if mine && notes.is_empty() {
            notes.push(Line::from(if v.settings.lab_self_verify {
                format!(
                    " You entered results here: with no second technician, v asks you to type {SELF_VERIFY_WORD}."
                )
            } else {
                " You entered results here: a second lab technician verifies them. An administrator can let a lab with one technician verify its own (setting lab_self_verify).".to_string()
            }));
        }
        if notes.is_empty() {
            notes.push(Line::from(Span::styled(
                " Flags: L low · H high · LL HH critical · A abnormal",
                theme.muted(),
            )));
        }
        frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: false }), foot);
    }
}

/// A result's range as it was flagged against.
fn range(r: &LabResult) -> String {
    super::entry::limits(r.range_low, r.range_high)
}

/// Who verified a result and when, or that it waits.
fn verified(r: &LabResult, v: &Drawn) -> String {
    match (r.verified_at, &r.verified_by_name) {
        (Some(at), Some(by)) if r.self_verified => format!("{} {by} (self)", when(at, v)),
        (Some(at), Some(by)) => format!("{} {by}", when(at, v)),
        _ => "to verify".into(),
    }
}

/// One order of the worklist, on two lines.
fn worklist_row(r: &WorklistRow, v: &Drawn) -> TableLine {
    let theme = v.theme;
    let waited = waited((r.ended_at.unwrap_or(v.now) - r.ordered_at).num_minutes());
    let mark = if r.has_critical { "!! crit" } else { "" };
    let place = r.ward_bed.clone().unwrap_or_else(|| "outpatient".into());
    let plain = Style::new();
    let cell = |a: String, b: String| Cell::lines([(a, plain), (b, plain)]);
    TableLine::new(vec![
        Cell::lines([
            (
                priority(r.priority).to_string(),
                priority_style(r.priority, theme),
            ),
            (mark.to_string(), theme.error()),
        ]),
        cell(r.accession.to_string(), String::new()),
        cell(
            r.patient_name.clone(),
            format!("{} · {:?} {}", r.mrn, r.sex, r.age),
        ),
        cell(place, String::new()),
        cell(r.tests.join(", "), r.specimen.clone()),
        cell(when(r.ordered_at, v), format!("by {}", r.ordered_by_name)),
        cell(waited, String::new()),
    ])
}

/// A row not read yet (the terminal grew since the rows in view were
/// read): the next key reads it.
fn unread_row(v: &Drawn) -> TableLine {
    TableLine::new([Cell::styled("…", v.theme.muted())])
}
