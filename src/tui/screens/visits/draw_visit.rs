//! A visit's drawing, from the state alone: the patient with the allergy
//! banner, the visit's kind, clinician and status; the note (being written,
//! or signed and read-only with its addenda beneath); the latest vitals
//! sets with their out-of-range flags and NEWS2; the diagnoses and
//! problems; and each vital's trend.

use super::draw::band_style;
use super::note::capital;
use super::{Entry, Mode, Open, SETS_SHOWN};
use crate::domain::conditions::AllergyState;
use crate::domain::news2::{Trend, trend};
use crate::domain::patient::age_years;
use crate::domain::visit::NoteSection;
use crate::domain::vitals::{AgeBand, VitalField, flags};
use crate::store::clinical::vitals::VitalsRecord;
use crate::tui::screen::View;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline, Wrap};
use strum::IntoEnumIterator;

/// The allergy banner's words.
pub fn banner_words(o: &Open) -> String {
    match o.banner.state {
        AllergyState::Allergic => format!(
            "Allergies: {}",
            o.banner
                .allergies
                .iter()
                .map(|a| format!("{} ({}, {})", a.substance, a.reaction, a.severity))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        AllergyState::NoKnownAllergies => "No known allergies".into(),
        AllergyState::NotAsked => "Allergies not asked: A records them".into(),
    }
}

/// Draws the visit.
pub fn render(o: &Open, frame: &mut Frame, area: Rect, view: &View) {
    let theme = view.theme;
    let [head, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(area);
    render_head(o, frame, head, view);
    match &o.mode {
        Mode::Vitals(f) => f.render(frame, body, theme),
        Mode::Codes(c) => c.render(frame, body, theme),
        Mode::Diagnosis(d) => d.render(frame, body, theme),
        Mode::Prescribe(f) => super::prescribe_draw::render(f, frame, body, theme),
        Mode::Trends => render_trends(o, frame, body, theme),
        Mode::LabOrder(f) => crate::tui::widgets::lab_order::render(f, frame, body, theme),
        Mode::LabResults(v) => {
            crate::tui::widgets::lab_results::render(v, frame, body, &view.dates, theme)
        }
        Mode::Overview | Mode::Writing => {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                    .areas(body);
            if o.signed() {
                render_signed(o, frame, left, view);
            } else {
                o.editor
                    .render(frame, left, matches!(o.mode, Mode::Writing), theme);
            }
            render_side(o, frame, right, view);
        }
    }
}

fn render_head(o: &Open, frame: &mut Frame, area: Rect, view: &View) {
    let theme = view.theme;
    let p = &o.patient;
    let age = age_years(p.details.birth_date, view.clock.today());
    let status = match &o.note {
        Some(n) if n.signed_at.is_some() => {
            format!("signed by {}", n.signed_by.as_deref().unwrap_or("?"))
        }
        Some(_) if o.editor.dirty => "draft (typing)".into(),
        Some(_) => "draft saved".into(),
        None if o.editor.dirty => "draft (typing)".into(),
        None => "draft (empty)".into(),
    };
    let banner_style = match o.banner.state {
        AllergyState::NoKnownAllergies => theme.ok(),
        _ => theme.error(),
    };
    let lines = vec![
        Line::from(vec![
            Span::styled(
                format!(
                    " {} · {} · {age} y · {}",
                    p.details.full_name(),
                    p.mrn,
                    p.details.sex
                ),
                theme.title(),
            ),
            Span::styled(
                if o.via_glass {
                    "  GLASS BROKEN: opened outside your care"
                } else {
                    ""
                },
                theme.error(),
            ),
        ]),
        Line::from(Span::styled(
            format!(" ⚠ {}", banner_words(o)),
            banner_style,
        )),
        Line::from(Span::styled(
            format!(
                " {} · {} · note {status}",
                capital(o.visit.kind.label()),
                o.visit.clinician
            ),
            theme.muted(),
        )),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_signed(o: &Open, frame: &mut Frame, area: Rect, view: &View) {
    let theme = view.theme;
    let mut lines = Vec::new();
    let text = o.editor.text();
    for s in NoteSection::iter() {
        let t = text.get(s);
        if t.trim().is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(capital(s.label()), theme.header())));
        for l in t.lines() {
            lines.push(Line::from(l.to_string()));
        }
    }
    for a in &o.addenda {
        let pattern = format!("{} %H:%M", view.settings.date_pattern());
        let when = a.added_at.with_timezone(&view.clock.zone).format(&pattern);
        lines.push(Line::from(Span::styled(
            format!("Addendum by {}, {when}: {}", a.author, a.reason),
            theme.warn(),
        )));
        for l in a.body.lines() {
            lines.push(Line::from(format!("  {l}")));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Signed note (read-only) ")),
        area,
    );
}

/// One set in a line: its time and values.
fn set_line(r: &VitalsRecord, view: &View) -> String {
    let when = r.taken_at.with_timezone(&view.clock.zone).format("%H:%M");
    let v = &r.vitals;
    let mut parts = vec![when.to_string()];
    let short = [
        (VitalField::Temperature, "T"),
        (VitalField::Pulse, "P"),
        (VitalField::RespiratoryRate, "RR"),
        (VitalField::Spo2, "SpO2"),
        (VitalField::Pain, "pain"),
        (VitalField::Glucose, "glu"),
        (VitalField::Weight, "wt"),
        (VitalField::Muac, "MUAC"),
    ];
    for (f, name) in short {
        if let Some(x) = v.get(f) {
            parts.push(format!("{name} {}", f.number(x)));
        }
        if f == VitalField::RespiratoryRate
            && let (Some(s), Some(d)) = (v.systolic, v.diastolic)
        {
            parts.push(format!("BP {s}/{d}"));
        }
    }
    if let Some(bmi) = v.bmi_tenths() {
        parts.push(format!("BMI {}.{}", bmi / 10, bmi % 10));
    }
    if v.on_oxygen == Some(true) {
        parts.push("O2".into());
    }
    if let Some(c) = v.consciousness {
        parts.push(c.to_string());
    }
    parts.join(" ")
}

/// The first characters of an entry's line: a marker when selected.
fn mark(selected: bool) -> &'static str {
    if selected { "›" } else { " " }
}

fn entry_style(selected: bool, normal: Style, theme: &Theme) -> Style {
    if selected { theme.selected() } else { normal }
}

fn render_side(o: &Open, frame: &mut Frame, area: Rect, view: &View) {
    let theme = view.theme;
    let band = AgeBand::of(o.patient.details.birth_date, view.clock.today());
    let chosen = o.selected_entry();
    let mut lines = Vec::new();
    if o.vitals.is_empty() {
        lines.push(Line::from(Span::styled(
            "No vitals: v records a set.",
            theme.muted(),
        )));
    }
    for (i, r) in o.vitals.iter().enumerate().take(SETS_SHOWN) {
        let sel = chosen == Some(Entry::Set(i));
        if let Some(e) = &r.error {
            lines.push(Line::from(Span::styled(
                format!(
                    "{}{} — in error: {}",
                    mark(sel),
                    set_line(r, view),
                    e.reason
                ),
                entry_style(sel, theme.muted(), theme),
            )));
            continue;
        }
        lines.push(Line::from(Span::styled(
            format!("{}{}", mark(sel), set_line(r, view)),
            entry_style(sel, Style::default(), theme),
        )));
        if let Some((score, b)) = r.news2 {
            let previous = o.vitals[i + 1..]
                .iter()
                .filter(|p| p.error.is_none() && p.admission_id == r.admission_id)
                .find_map(|p| p.news2.map(|(s, _)| s));
            let t = trend(previous, score);
            let alarming = t == Trend::Rising || b == crate::domain::news2::Band::High;
            lines.push(Line::from(Span::styled(
                format!(
                    "  {}NEWS2 {score} {}{}",
                    if alarming { "! " } else { "" },
                    b.label(),
                    if t == Trend::Rising {
                        " ▲ RISING"
                    } else {
                        ""
                    }
                ),
                band_style(b, alarming, theme),
            )));
        }
        for f in flags(&r.vitals, band) {
            lines.push(Line::from(Span::styled(
                format!("  {} {}", if f.high { "▲" } else { "▼" }, f.words),
                theme.warn(),
            )));
        }
    }
    lines.push(Line::from(Span::styled("Diagnoses", theme.header())));
    if o.diagnoses.is_empty() {
        lines.push(Line::from(Span::styled(
            "none yet: d adds one",
            theme.muted(),
        )));
    }
    for (i, d) in o.diagnoses.iter().enumerate() {
        let sel = chosen == Some(Entry::Diagnosis(i));
        let words = format!(
            "{}{} {} · {} {}",
            mark(sel),
            d.coded.code,
            d.coded.text,
            d.rank,
            d.certainty
        );
        lines.push(match &d.error {
            Some(e) => Line::from(Span::styled(
                format!("{words} — in error: {}", e.reason),
                entry_style(sel, theme.muted(), theme),
            )),
            None => Line::from(Span::styled(
                words,
                entry_style(sel, Style::default(), theme),
            )),
        });
    }
    medicine_lines(o, chosen, &mut lines, view);
    if !o.banner.allergies.is_empty() {
        lines.push(Line::from(Span::styled("Allergies", theme.header())));
    }
    for (i, a) in o.banner.allergies.iter().enumerate() {
        let sel = chosen == Some(Entry::Allergy(i));
        lines.push(Line::from(Span::styled(
            format!(
                "{}{} ({}, {})",
                mark(sel),
                a.substance,
                a.reaction,
                a.severity
            ),
            entry_style(sel, theme.error(), theme),
        )));
    }
    let standing: Vec<_> = o
        .problems
        .iter()
        .enumerate()
        .filter(|(_, p)| p.error.is_none())
        .collect();
    if !standing.is_empty() {
        lines.push(Line::from(Span::styled("Problems", theme.header())));
    }
    for (i, p) in standing {
        let sel = chosen == Some(Entry::Problem(i));
        let onset = match p.onset {
            Some(d) => format!(" since {}", d.format(view.settings.date_pattern())),
            None => String::new(),
        };
        let state = match p.resolved_on {
            Some(d) => format!(" (resolved {})", d.format(view.settings.date_pattern())),
            None => String::new(),
        };
        lines.push(Line::from(Span::styled(
            format!(
                "{}{} {}{onset}{state}",
                mark(sel),
                p.coded.code,
                p.coded.text
            ),
            entry_style(sel, Style::default(), theme),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Record (↑↓ select) ")),
        area,
    );
}

use ratatui::style::Style;

/// The patient's current medicines (when there are any): the order, since
/// when, and dispensed against owed or bought outside.
fn medicine_lines(o: &Open, chosen: Option<Entry>, lines: &mut Vec<Line>, view: &View) {
    let theme = view.theme;
    if o.medicines.is_empty() {
        return;
    }
    lines.push(Line::from(Span::styled("Medicines", theme.header())));
    for (i, rx) in o.medicines.iter().enumerate() {
        let sel = chosen == Some(Entry::Medicine(i));
        let since = rx
            .starts_at
            .with_timezone(&view.clock.zone)
            .format(view.settings.date_pattern());
        let supply = if rx.outside() {
            String::new()
        } else {
            format!(
                " · {}/{} {} dispensed{}",
                rx.dispensed,
                rx.quantity,
                rx.item_unit,
                if rx.owed() > 0 {
                    format!(", {} owed", rx.owed())
                } else {
                    String::new()
                }
            )
        };
        lines.push(Line::from(Span::styled(
            format!("{}{} · from {since}{supply}", mark(sel), rx.label()),
            entry_style(sel, Style::default(), theme),
        )));
    }
}

fn render_trends(o: &Open, frame: &mut Frame, area: Rect, theme: &Theme) {
    let sets: Vec<&VitalsRecord> = o
        .vitals
        .iter()
        .rev()
        .filter(|r| r.error.is_none())
        .collect();
    let mut rows: Vec<(String, Vec<u64>, String)> = Vec::new();
    for f in VitalField::ALL {
        let values: Vec<i64> = sets.iter().filter_map(|r| r.vitals.get(f)).collect();
        if values.is_empty() {
            continue;
        }
        let last = values.last().map_or(String::new(), |x| f.show(*x));
        rows.push((
            f.name().to_string(),
            values.iter().map(|x| (*x).max(0) as u64).collect(),
            last,
        ));
    }
    let news: Vec<u64> = sets
        .iter()
        .filter_map(|r| r.news2.map(|(s, _)| u64::from(s)))
        .collect();
    if let Some(last) = news.last() {
        rows.push(("NEWS2".into(), news.clone(), last.to_string()));
    }
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                " Trends over the last {} sets, oldest on the left (Esc: back)",
                sets.len()
            ),
            theme.title(),
        )),
        title,
    );
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(" No vitals recorded yet."), body);
        return;
    }
    let lines = Layout::vertical(rows.iter().map(|_| Constraint::Length(1))).split(body);
    for ((name, data, last), line) in rows.iter().zip(lines.iter()) {
        let [label, spark, value] = Layout::horizontal([
            Constraint::Length(18),
            Constraint::Min(10),
            Constraint::Length(12),
        ])
        .areas(*line);
        frame.render_widget(Paragraph::new(format!(" {name}")), label);
        let min = data.iter().min().copied().unwrap_or(0);
        let shifted: Vec<u64> = data.iter().map(|x| x - min + 1).collect();
        frame.render_widget(Sparkline::default().data(&shifted).style(theme.ok()), spark);
        frame.render_widget(Paragraph::new(format!(" {last}")), value);
    }
}
