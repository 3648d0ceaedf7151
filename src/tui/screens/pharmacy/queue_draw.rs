//! The prescription queue's drawing, from the state alone: the waiting
//! prescriptions with their allergy marks and what is owed, the selected
//! one's order and allergy banner, and the plan of a dispense against it
//! (batches, expiry, what each gives, short stock and short-dated batches
//! in words).

use super::queue::{QueueRow, age};
use super::{Local, Pharmacy};
use crate::domain::display::{grouped, quantity_of};
use crate::domain::prescribing::Priority;
use crate::tui::screen::LocalDates;
use crate::tui::theme::Theme;
use crate::tui::widgets::allergies;
use crate::tui::widgets::table::{Column, Line as TableLine, ScrollTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

fn priority(p: Priority) -> &'static str {
    match p {
        Priority::Stat => "STAT",
        Priority::Urgent => "URGENT",
        Priority::Routine => "routine",
    }
}

/// Prescribed / dispensed / owed, and `part` when partly dispensed.
fn quantity_cell(r: &QueueRow) -> String {
    let rx = &r.waiting.prescription;
    let part = if rx.dispensed > 0 { " part" } else { "" };
    format!(
        "{}/{}/{}{part}",
        grouped(rx.quantity),
        grouped(rx.dispensed),
        grouped(rx.owed())
    )
}

impl Pharmacy {
    pub(super) fn render_queue(&self, frame: &mut Frame, area: Rect, local: &Local, theme: &Theme) {
        let [count_area, table_area, detail_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(5),
        ])
        .areas(area);
        let n = self.rx.rows.len();
        let count = match n {
            0 => " No prescription waiting · p or Esc: the stock list".to_string(),
            _ => format!(
                " {n} waiting · stat and urgent first, then the oldest · ! allergies  ? not asked"
            ),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(count, theme.muted())),
            count_area,
        );
        let table = ScrollTable::new([
            Column::code("!"),
            Column::text("Urgency", 7),
            Column::code("Waiting"),
            Column::name("Patient", 25).grow(),
            Column::text("Medicine", 20).grow(),
            Column::code("Rx/Disp/Owed"),
        ])
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(Block::bordered().title(Span::styled(" Prescription queue ", theme.title())));
        table.render(frame, table_area, Some(self.rx.selected.index()), n, |k| {
            let r = &self.rx.rows[k];
            let rx = &r.waiting.prescription;
            let waited = (local.now - rx.prescribed_at).num_minutes();
            let style = match rx.priority {
                Priority::Stat => theme.error(),
                Priority::Urgent => theme.warn(),
                Priority::Routine => Style::new(),
            };
            TableLine::new(vec![
                r.marker().to_string(),
                priority(rx.priority).to_string(),
                age(waited),
                format!("{} {}", r.waiting.patient_name, r.waiting.mrn),
                format!(
                    "{} {} {}",
                    rx.medicine,
                    rx.dose,
                    rx.course.frequency.short()
                ),
                quantity_cell(r),
            ])
            .style(style)
        });
        let Some(r) = self.selected_rx() else {
            return;
        };
        let rx = &r.waiting.prescription;
        let mut lines = vec![
            Line::from(format!(
                " {} {} · by {}",
                r.waiting.patient_name, r.waiting.mrn, rx.prescriber
            )),
            Line::from(format!(" {}", rx.label())),
        ];
        let owed = if rx.dispensed > 0 {
            format!(
                " Partly dispensed: {} of {} given, {} still owed.",
                grouped(rx.dispensed),
                quantity_of(rx.quantity, &rx.item_unit),
                grouped(rx.owed())
            )
        } else {
            format!(" {} to dispense.", quantity_of(rx.quantity, &rx.item_unit))
        };
        lines.push(Line::from(owed));
        lines.push(allergies::line_or_error(&r.allergies, " ", theme));
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            detail_area,
        );
    }

    pub(super) fn render_rx_plan(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        local: &Local,
        theme: &Theme,
    ) {
        let (Some(plan), Some(r)) = (&self.rx.plan, self.selected_rx()) else {
            return;
        };
        let rx = &plan.prescription;
        let block =
            Block::bordered().title(Span::styled(" Dispense a prescription ", theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [head, table_area, foot] = Layout::vertical([
            Constraint::Length(6),
            Constraint::Length(plan.takes.len() as u16 + 1),
            Constraint::Min(0),
        ])
        .areas(inner);
        let at = rx.prescribed_at.with_timezone(&clock.zone);
        let when = if at.date_naive() == clock.today {
            at.format("%H:%M").to_string()
        } else {
            at.format(&format!("{} %H:%M", local.date_pattern))
                .to_string()
        };
        let head_lines = vec![
            Line::from(format!(" {}", rx.label())),
            Line::from(format!(
                " for {} {} · {} · by {} at {when}",
                r.waiting.patient_name,
                r.waiting.mrn,
                priority(rx.priority),
                rx.prescriber,
            )),
            allergies::line_or_error(&r.allergies, " ", theme),
            Line::from(format!(
                " Prescribed {}, dispensed {}, owed {}.",
                quantity_of(rx.quantity, &rx.item_unit),
                grouped(rx.dispensed),
                grouped(plan.owed)
            )),
            Line::from(Span::styled(
                format!(
                    " This dispense: {} from these batches, first expiry first out:",
                    quantity_of(plan.quantity, &rx.item_unit)
                ),
                theme.muted(),
            )),
        ];
        frame.render_widget(Paragraph::new(head_lines), head);
        ScrollTable::new([
            Column::code(" Batch"),
            Column::text("Expires", 10),
            Column::number("Take"),
            Column::text("Note", 10).grow(),
        ])
        .header_style(theme.header())
        .render(frame, table_area, None, plan.takes.len(), |i| {
            let t = &plan.takes[i];
            let short = plan.short_dated(t);
            TableLine::new(vec![
                format!(" {}", t.batch_no),
                t.expiry.format(local.date_pattern).to_string(),
                grouped(t.quantity),
                if short {
                    "expires before the course ends".to_string()
                } else {
                    String::new()
                },
            ])
            .style(if short { theme.warn() } else { Style::new() })
        });
        let mut notes = vec![Line::from("")];
        if plan.still_owed() > 0 {
            notes.push(Line::from(Span::styled(
                format!(
                    " Stock is short: {} go out now and {} stay owed; the prescription stays in the queue.",
                    quantity_of(plan.quantity, &rx.item_unit),
                    quantity_of(plan.still_owed(), &rx.item_unit)
                ),
                theme.warn(),
            )));
        }
        if let (Some(last), true) = (
            plan.last_day,
            plan.takes.iter().any(|t| plan.short_dated(t)),
        ) {
            notes.push(Line::from(Span::styled(
                format!(
                    " ⚠ No stock that lasts the course (to {}) is left: tell the patient the expiry date.",
                    last.format(local.date_pattern)
                ),
                theme.warn(),
            )));
        }
        notes.push(Line::from(vec![
            Span::styled(" y", theme.key()),
            Span::raw(" dispense (asks first)   "),
            Span::styled("n", theme.key()),
            Span::raw(" back to the queue"),
        ]));
        frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: false }), foot);
    }
}
