//! The due list's drawing, from the state alone: a head line (the wards
//! shown and how many doses are overdue), then each dose with its time,
//! bed, patient, medicine and dose, route, frequency, state (a word as
//! well as a colour) and an allergy marker; the selected order's
//! instructions beneath.

use super::due::NO_WARD;
use super::{Round, hm};
use crate::domain::conditions::AllergyState;
use crate::domain::prescribing::mar::DoseState;
use crate::tui::screen::View;
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Cell, Column, Line as TableLine, ScrollTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// A dose's state as the round shows it: overdue in the alarm style, due
/// now as a warning; the word is always there.
pub(crate) fn state_style(state: DoseState, theme: &Theme) -> Style {
    match state {
        DoseState::Overdue | DoseState::Given { late: true } => theme.error(),
        DoseState::DueNow => theme.warn(),
        DoseState::Given { late: false } => theme.ok(),
        DoseState::Upcoming => theme.muted(),
        _ => Style::new(),
    }
}

fn allergy_cell(state: Option<&AllergyState>, theme: &Theme) -> Cell {
    match state {
        Some(AllergyState::Allergic) => Cell::styled("ALLERGY", theme.error()),
        Some(AllergyState::NoKnownAllergies) => Cell::styled("none", theme.muted()),
        _ => Cell::styled("not asked", theme.warn()),
    }
}

impl Round {
    pub(super) fn render_due(&self, frame: &mut Frame, area: Rect, view: &View) {
        let theme = view.theme;
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        if let Some(t) = &self.trouble {
            frame.render_widget(
                Paragraph::new(format!("The round could not be read: {t}"))
                    .wrap(Wrap { trim: true }),
                body,
            );
            return;
        }
        if self.wards.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled(" Medication round", theme.title())),
                head,
            );
            frame.render_widget(
                Paragraph::new(NO_WARD)
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered()),
                body,
            );
            return;
        }
        let overdue = self
            .due
            .iter()
            .filter(|d| d.state == DoseState::Overdue)
            .count();
        let mut words = format!(
            " Medication round · {} · {} due",
            self.showing(),
            self.due.len()
        );
        if overdue > 0 {
            words.push_str(&format!(", {overdue} OVERDUE"));
        }
        if self.due.is_empty() {
            words.push_str(" · nothing to give now");
        }
        words.push_str(&format!(" · {}", view.clock.at(view.now).format("%H:%M")));
        frame.render_widget(Paragraph::new(Span::styled(words, theme.title())), head);
        let clock = view.clock;
        let table = ScrollTable::new([
            Column::code("Due"),
            Column::code("Bed"),
            Column::name("Patient", 14).grow(),
            Column::name("Medicine", 16).grow(),
            Column::text("Route", 5),
            Column::text("Freq", 4),
            Column::text("State", 7),
            Column::text("Allergy", 7),
        ])
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(Block::bordered());
        table.render(
            frame,
            body,
            Some(self.selected.index()),
            self.due.len(),
            |i| match self.due.get(i) {
                Some(d) => {
                    let rx = &d.prescription;
                    TableLine::new(vec![
                        Cell::from(hm(d.due_at, clock)),
                        Cell::from(d.patient.bed.clone()),
                        Cell::from(format!("{} {}", d.patient.name, d.patient.mrn)),
                        Cell::from(format!("{} {}", rx.medicine, rx.dose)),
                        Cell::from(rx.route.label()),
                        Cell::from(rx.course.frequency.short()),
                        Cell::styled(d.state.label(), state_style(d.state, theme)),
                        allergy_cell(self.allergies.get(&d.patient.patient_id), theme),
                    ])
                }
                None => TableLine::default(),
            },
        );
        if let Some(d) = self.due.get(self.selected.index()) {
            let rx = &d.prescription;
            let mut text = format!(
                " {} {} · {} {}",
                d.patient.name, d.patient.mrn, rx.medicine, rx.dose
            );
            if !rx.instructions.is_empty() {
                text.push_str(&format!(" · {}", rx.instructions));
            }
            text.push_str(&format!(" · by {}", rx.prescriber));
            frame.render_widget(Paragraph::new(Line::from(text)), foot);
        }
    }
}
