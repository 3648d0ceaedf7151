//! The worklist's drawing, from the state alone: each patient with where
//! they are, what is pending in words, the latest NEWS2 (a high or rising
//! score marked with a word as well as a colour) and an allergy marker;
//! then the clinician's drafts left unsigned too long.

use super::Visits;
use crate::domain::conditions::AllergyState;
use crate::domain::news2::{Band, Trend};
use crate::domain::patient::age_years;
use crate::ops::worklist::{Entry, Pending, Reason, Score};
use crate::tui::screen::View;
use crate::tui::widgets::table::{Cell, Column, Line as TableLine, ScrollTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Paragraph};

/// What is still to do, in words (`narrow`: shortened for 80 columns).
pub fn pending_words(p: &Pending, narrow: bool) -> String {
    let mut w = Vec::new();
    if p.vitals {
        w.push("vitals");
    }
    if p.note {
        w.push("note");
    }
    if p.diagnosis {
        w.push(if narrow { "dx" } else { "diagnosis" });
    }
    if w.is_empty() {
        "done".into()
    } else {
        w.join(if narrow { " " } else { ", " })
    }
}

/// A NEWS2 score in words: `7 high ▲ RISING`, with `!` first when the nurse
/// should look first (`narrow`: the arrow alone).
pub fn score_words(s: &Score, narrow: bool) -> String {
    let trend = match s.trend {
        Trend::Rising if narrow => " ▲",
        Trend::Rising => " ▲ RISING",
        Trend::Falling => " ▼",
        Trend::Same | Trend::First => "",
    };
    let band = match s.band {
        Band::LowMedium if narrow => "low–med",
        Band::Medium if narrow => "med",
        other => other.label(),
    };
    format!(
        "{}{} {band}{trend}",
        if s.alarming() { "! " } else { "" },
        s.score,
    )
}

/// The style of a NEWS2 band.
pub fn band_style(band: Band, alarming: bool, theme: &crate::tui::theme::Theme) -> Style {
    if alarming || band == Band::High {
        theme.error()
    } else if band == Band::Low {
        theme.ok()
    } else {
        theme.warn()
    }
}

fn place(e: &Entry, waiting_before: usize) -> String {
    match &e.reason {
        Reason::CalledIn(_) => "in room".into(),
        Reason::Waiting(_) => format!("queue {}", waiting_before + 1),
        Reason::Admitted(a) => a.bed_label.clone(),
    }
}

impl Visits {
    pub(super) fn render_worklist(&self, frame: &mut Frame, area: Rect, view: &View) {
        let theme = view.theme;
        let Some(list) = &self.list else {
            frame.render_widget(Paragraph::new("The worklist could not be read."), area);
            return;
        };
        let drafts = list.stale_drafts.len();
        let alerts = self.alerts.lines(theme);
        let [head, alerts_area, table_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(alerts.len() as u16),
            Constraint::Min(0),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(alerts), alerts_area);
        let who = self
            .clinicians
            .iter()
            .find(|c| c.id == list.clinician)
            .map_or("you".to_string(), |c| c.name().to_string());
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut words = format!(
            " Worklist of {who} · {}",
            plural(list.entries.len(), "patient", "patients")
        );
        if drafts > 0 {
            words.push_str(&format!(
                " · {} unsigned too long",
                plural(drafts, "draft", "drafts")
            ));
        }
        if list.entries.is_empty() {
            words.push_str(" · no one waiting or admitted: n starts a visit");
        }
        frame.render_widget(Paragraph::new(Span::styled(words, theme.title())), head);
        let today = view.clock.today();
        let narrow = area.width < 110;
        let mut waiting = Vec::new();
        let mut k = 0;
        for e in &list.entries {
            waiting.push(k);
            if matches!(e.reason, Reason::Waiting(_)) {
                k += 1;
            }
        }
        let table = ScrollTable::new([
            Column::code("Where"),
            Column::name("Patient", 18).grow(),
            Column::text("Age", 4),
            Column::text("Pending", if narrow { 14 } else { 23 }),
            Column::text("NEWS2", if narrow { 13 } else { 23 }),
            Column::text("Allergy", 7),
        ])
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(Block::bordered());
        let n = list.entries.len() + drafts;
        self.rows_in_view.set(usize::from(table_area.height));
        table.render(
            frame,
            table_area,
            Some(self.selected.index()),
            n,
            |i| match list.entries.get(i) {
                Some(e) => {
                    let facts = e.facts.as_ref();
                    let age = match facts {
                        Some(f) => f.birth.map_or(String::new(), |b| {
                            format!("{}{}", age_years(b, today), f.patient.sex)
                        }),
                        None => String::new(),
                    };
                    let score = e
                        .news2
                        .as_ref()
                        .map_or(Cell::styled("—", theme.muted()), |s| {
                            Cell::styled(
                                score_words(s, narrow),
                                band_style(s.band, s.alarming(), theme),
                            )
                        });
                    let allergy = match facts.map(|f| f.allergy) {
                        Some(AllergyState::Allergic) => Cell::styled("ALLERGY", theme.error()),
                        Some(AllergyState::NoKnownAllergies) => Cell::styled("none", theme.muted()),
                        Some(AllergyState::NotAsked) => Cell::styled("not asked", theme.warn()),
                        None => Cell::from(""),
                    };
                    TableLine::new(vec![
                        Cell::from(place(e, waiting.get(i).copied().unwrap_or(0))),
                        Cell::from(facts.map_or(String::new(), |f| {
                            format!("{} {}", f.patient.name, f.patient.mrn)
                        })),
                        Cell::from(age),
                        Cell::from(facts.map_or("…".into(), |f| pending_words(&f.pending, narrow))),
                        score,
                        allergy,
                    ])
                }
                None => {
                    let d = &list.stale_drafts[i - list.entries.len()];
                    let saved = d
                        .note
                        .saved_at
                        .with_timezone(&view.clock.zone)
                        .format(view.settings.date_pattern());
                    TableLine::new(vec![
                        Cell::styled("draft", theme.warn()),
                        Cell::from(format!("{} {}", d.patient.name, d.patient.mrn)),
                        Cell::from(""),
                        Cell::styled(format!("unsigned since {saved}"), theme.warn()),
                        Cell::from(d.visit.kind.label()),
                        Cell::from(""),
                    ])
                }
            },
        );
    }
}
