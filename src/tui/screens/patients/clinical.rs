//! The clinical sections of a patient's record, for those who may see them:
//! the allergy banner, problems, diagnoses, recent visits (one opens to its
//! note with addenda, read-only), the latest vitals with their flags and
//! NEWS2, and each vital's trend as a sparkline. What opens is decided once
//! per opening by [`crate::ops::record::open`] (its READ event); drawing
//! only reads the state.

use crate::domain::care::Sections;
use crate::domain::clock::Tz;
use crate::domain::patient::Patient;
use crate::domain::role::Permission;
use crate::domain::visit::NoteSection;
use crate::domain::vitals::{AgeBand, VitalField, flags};
use crate::error::Error;
use crate::ops::record::{ClinicalRecord, Extent, Opening, VisitEntry};
use crate::store::clinical::vitals::VitalsRecord;
use crate::tui::screen::{Ctx, LocalDates};
use crate::tui::theme::Theme;
use crate::tui::widgets::allergies;
use crate::tui::widgets::form::wrap;
use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Sparkline, Widget};
use strum::IntoEnumIterator;

/// The line shown to a clinician or admin outside the patient's care.
pub const GLASS_LINE: &str = "Clinical record: not in your care — press g to break the glass";

/// How many visits the record lists.
const VISITS_SHOWN: usize = 8;
/// How many sets a trend covers when the patient is not admitted.
const TREND_SETS: usize = 20;

/// What the clinical page reads of the record: what it shows.
pub const PAGE: Extent = Extent::Page {
    visits: VISITS_SHOWN,
    trend_sets: TREND_SETS,
};

/// What the record shows of the clinical record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clinical {
    /// Nothing: not for this role (or a deleted or merged record).
    Hidden,
    /// Outside the reader's care: break the glass first.
    Glass,
    Open(Box<ClinicalRecord>),
    /// It could not be read; the message says why.
    Failed(String),
}

impl Clinical {
    /// Opens the clinical record for `ctx`'s reader (one READ event), or
    /// says it needs the glass broken, or that it is not for this role.
    pub fn load(ctx: &mut Ctx, patient: &Patient) -> Clinical {
        let role = ctx.session.role();
        if !role.can(Permission::ViewClinicalRecord)
            && !role.can(Permission::ViewAllergiesAndDiagnoses)
        {
            return Clinical::Hidden;
        }
        if patient.deleted_at.is_some() || patient.merged_into.is_some() {
            return Clinical::Hidden;
        }
        let clock = ctx.clock();
        match crate::ops::record::open_extent(ctx.db, ctx.session, &patient.id, clock, PAGE) {
            Ok(r) => Clinical::Open(Box::new(r)),
            Err(Error::BreakGlassNeeded(_)) => Clinical::Glass,
            Err(e) => Clinical::Failed(e.to_string()),
        }
    }

    /// What opening the patient's record showed of it.
    pub fn of(opening: Opening) -> Clinical {
        match opening {
            Opening::Hidden => Clinical::Hidden,
            Opening::Glass => Clinical::Glass,
            Opening::Open(r) => Clinical::Open(r),
            Opening::Failed(m) => Clinical::Failed(m),
        }
    }

    /// The record as opened, if it is.
    pub fn open(&self) -> Option<&ClinicalRecord> {
        match self {
            Clinical::Open(r) => Some(r),
            _ => None,
        }
    }

    /// How many visits can be chosen.
    pub fn visits(&self) -> usize {
        self.open().map_or(0, |r| r.visits.len().min(VISITS_SHOWN))
    }
}

fn when(t: DateTime<Utc>, zone: Tz, pattern: &str) -> String {
    t.with_timezone(&zone)
        .format(&format!("{pattern} %H:%M"))
        .to_string()
}

fn day(t: DateTime<Utc>, zone: Tz, pattern: &str) -> String {
    t.with_timezone(&zone).format(pattern).to_string()
}

fn heading(lines: &mut Vec<Line<'static>>, title: &str, theme: &Theme) {
    if !lines.is_empty() {
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(title.to_string(), theme.header())));
}

fn wrapped(lines: &mut Vec<Line<'static>>, text: &str, indent: usize, width: usize) {
    let pad = " ".repeat(indent);
    for part in wrap(text, width.saturating_sub(indent).max(10)) {
        lines.push(Line::from(format!("{pad}{part}")));
    }
}

fn muted(lines: &mut Vec<Line<'static>>, text: &str, theme: &Theme) {
    lines.push(Line::from(Span::styled(format!("  {text}"), theme.muted())));
}

/// One visit in one line: date, kind, clinician, signed or draft; then its
/// assessment or diagnoses in one more.
fn visit_lines(
    r: &ClinicalRecord,
    v: &VisitEntry,
    chosen: bool,
    width: usize,
    dates: &LocalDates,
    theme: &Theme,
) -> [Line<'static>; 2] {
    let state = match &v.note {
        Some(n) if n.signed_at.is_some() => "signed",
        Some(_) => "DRAFT",
        None => "no note",
    };
    let head = format!(
        "{}{} {} · {} · {state}",
        if chosen { "▸ " } else { "  " },
        day(v.visit.started_at, dates.zone, dates.date_pattern),
        v.visit.kind.label(),
        v.visit.clinician,
    );
    let codes: Vec<String> = r
        .diagnoses
        .iter()
        .filter(|d| d.visit_id == v.visit.id && d.error.is_none())
        .map(|d| format!("{} {}", d.coded.code, d.coded.text))
        .collect();
    let assessment = v
        .note
        .as_ref()
        .map(|n| {
            n.text
                .assessment
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_default();
    let second = if !codes.is_empty() {
        codes.join("; ")
    } else if !assessment.is_empty() {
        assessment
    } else {
        "no assessment or diagnosis yet".to_string()
    };
    let cut = |s: String, w: usize| -> String {
        if s.chars().count() <= w {
            s
        } else {
            let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
            t.push('…');
            t
        }
    };
    let style = if chosen {
        theme.selected()
    } else {
        ratatui::style::Style::new()
    };
    [
        Line::from(Span::styled(cut(head, width), style)),
        Line::from(Span::styled(
            cut(format!("    {second}"), width),
            theme.muted(),
        )),
    ]
}

/// A series drawn by ratatui's [`Sparkline`] into a line of text, so that
/// it scrolls with the record.
pub fn sparkline(values: &[i64], width: u16) -> String {
    let (Some(lo), Some(hi)) = (values.iter().min(), values.iter().max()) else {
        return String::new();
    };
    // The lowest value keeps the lowest bar (an eighth of the highest)
    // rather than none.
    let floor = ((hi - lo + 6) / 7).max(1);
    let data: Vec<u64> = values.iter().map(|v| (v - lo + floor) as u64).collect();
    let shown = &data[data.len().saturating_sub(usize::from(width))..];
    let w = shown.len() as u16;
    let area = Rect::new(0, 0, w, 1);
    let mut buf = Buffer::empty(area);
    Sparkline::default().data(shown).render(area, &mut buf);
    (0..w)
        .map(|x| buf[(x, 0)].symbol().to_string())
        .collect::<String>()
}

/// The sets a trend covers: this admission's, or the last ones.
fn trend_sets(vitals: &[VitalsRecord]) -> (Vec<&VitalsRecord>, String) {
    let standing: Vec<&VitalsRecord> = vitals.iter().filter(|v| v.error.is_none()).collect();
    let admission = standing.first().and_then(|v| v.admission_id.clone());
    let mut sets: Vec<&VitalsRecord> = match &admission {
        Some(a) => standing
            .into_iter()
            .filter(|v| v.admission_id.as_ref() == Some(a))
            .collect(),
        None => standing.into_iter().take(TREND_SETS).collect(),
    };
    sets.reverse();
    let over = match admission {
        Some(_) => format!("over this admission ({} sets)", sets.len()),
        None => format!("over the last {} sets", sets.len()),
    };
    (sets, over)
}

fn vitals_lines(
    lines: &mut Vec<Line<'static>>,
    r: &ClinicalRecord,
    patient: &Patient,
    width: usize,
    dates: &LocalDates,
    theme: &Theme,
) {
    heading(lines, "Latest vitals", theme);
    let Some(latest) = r.vitals.iter().find(|v| v.error.is_none()) else {
        muted(lines, "none recorded", theme);
        return;
    };
    muted(
        lines,
        &format!(
            "{} by {}",
            when(latest.taken_at, dates.zone, dates.date_pattern),
            latest.taken_by
        ),
        theme,
    );
    let v = &latest.vitals;
    let shown: Vec<String> = VitalField::ALL
        .iter()
        .filter(|f| **f != VitalField::Diastolic)
        .filter_map(|&f| {
            let value = v.get(f)?;
            Some(match f {
                VitalField::Systolic => format!(
                    "BP {}/{} mmHg",
                    value,
                    v.diastolic.map_or("?".to_string(), |d| d.to_string())
                ),
                VitalField::Spo2 => format!(
                    "SpO2 {value}%{}",
                    match v.on_oxygen {
                        Some(true) => " on oxygen",
                        Some(false) => " on air",
                        None => "",
                    }
                ),
                _ => format!("{} {}", f.name(), f.show(value)),
            })
        })
        .collect();
    wrapped(lines, &shown.join(" · "), 2, width);
    if let Some((score, band)) = latest.news2 {
        let style = match band {
            crate::domain::news2::Band::High => theme.error(),
            crate::domain::news2::Band::Medium => theme.warn(),
            _ => ratatui::style::Style::new(),
        };
        lines.push(Line::from(Span::styled(
            format!("  NEWS2 {score} ({} risk)", band.label()),
            style,
        )));
    }
    let band = AgeBand::of(patient.details.birth_date, dates.today);
    for f in flags(v, band) {
        for part in wrap(
            &format!("{} {}", if f.high { "▲" } else { "▼" }, f.words),
            width.saturating_sub(2).max(10),
        ) {
            lines.push(Line::from(Span::styled(format!("  {part}"), theme.warn())));
        }
    }
    let (sets, over) = trend_sets(&r.vitals);
    if sets.len() < 2 {
        return;
    }
    heading(lines, &format!("Trends {over}"), theme);
    let spark_w = width.saturating_sub(26).clamp(4, 40) as u16;
    let mut series: Vec<(&str, Vec<i64>, String)> = Vec::new();
    for (name, f) in [
        ("temp", VitalField::Temperature),
        ("pulse", VitalField::Pulse),
        ("resp", VitalField::RespiratoryRate),
        ("systolic", VitalField::Systolic),
        ("SpO2", VitalField::Spo2),
    ] {
        let values: Vec<i64> = sets.iter().filter_map(|s| s.vitals.get(f)).collect();
        if let (Some(first), Some(last)) = (values.first(), values.last()) {
            let span = format!("{}→{}", f.number(*first), f.number(*last));
            series.push((name, values, span));
        }
    }
    let scores: Vec<i64> = sets
        .iter()
        .filter_map(|s| s.news2.map(|(n, _)| i64::from(n)))
        .collect();
    if let (Some(first), Some(last)) = (scores.first(), scores.last()) {
        let span = format!("{first}→{last}");
        series.push(("NEWS2", scores, span));
    }
    for (name, values, span) in series {
        lines.push(Line::from(vec![
            Span::styled(format!("  {name:<10}"), theme.muted()),
            Span::raw(format!(
                "{:<w$} ",
                sparkline(&values, spark_w),
                w = usize::from(spark_w)
            )),
            Span::raw(span),
        ]));
    }
}

/// The latest vitals with their flags and NEWS2, and the trends.
pub fn vitals(
    r: &ClinicalRecord,
    patient: &Patient,
    width: usize,
    dates: &LocalDates,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    vitals_lines(&mut lines, r, patient, width, dates, theme);
    lines
}

/// Problems, diagnoses (for a reader without the notes) and visits, with
/// the `chosen` one marked.
pub fn history(
    r: &ClinicalRecord,
    chosen: usize,
    width: usize,
    dates: &LocalDates,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let s: Sections = r.sections;
    if s.problems {
        heading(&mut lines, "Problems", theme);
        let standing: Vec<_> = r.problems.iter().filter(|p| p.error.is_none()).collect();
        if standing.is_empty() {
            muted(&mut lines, "none recorded", theme);
        }
        for p in standing {
            let mut text = format!("{} {}", p.coded.code, p.coded.text);
            if let Some(on) = p.onset {
                text.push_str(&format!(" · since {}", on.format(dates.date_pattern)));
            }
            if let Some(on) = p.resolved_on {
                text.push_str(&format!(" · resolved {}", on.format(dates.date_pattern)));
            }
            wrapped(&mut lines, &text, 2, width);
        }
    }
    if s.diagnoses && !s.notes {
        heading(&mut lines, "Diagnoses", theme);
        let standing: Vec<_> = r.diagnoses.iter().filter(|d| d.error.is_none()).collect();
        if standing.is_empty() {
            muted(&mut lines, "none recorded", theme);
        }
        for d in standing.iter().take(10) {
            let text = format!(
                "{} {} · {}, {} · {}",
                d.coded.code,
                d.coded.text,
                d.rank,
                d.certainty,
                day(d.recorded_at, dates.zone, dates.date_pattern)
            );
            wrapped(&mut lines, &text, 2, width);
        }
    }
    if s.notes {
        heading(
            &mut lines,
            "Visits (Tab chooses, Enter reads the note)",
            theme,
        );
        if r.visits.is_empty() {
            muted(&mut lines, "none yet", theme);
        }
        for (i, v) in r.visits.iter().take(VISITS_SHOWN).enumerate() {
            lines.extend(visit_lines(r, v, i == chosen, width, dates, theme));
        }
        if r.visit_count > VISITS_SHOWN {
            muted(
                &mut lines,
                &format!("and {} earlier", r.visit_count - VISITS_SHOWN),
                theme,
            );
        }
    }
    lines
}

/// A visit's note with its addenda beneath, read-only.
pub fn note_lines(
    v: &VisitEntry,
    width: usize,
    dates: &LocalDates,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{} · {} · {} (read-only; Esc back)",
            when(v.visit.started_at, dates.zone, dates.date_pattern),
            v.visit.kind.label(),
            v.visit.clinician
        ),
        theme.title(),
    ))];
    let Some(n) = &v.note else {
        muted(&mut lines, "No note was written for this visit.", theme);
        return lines;
    };
    let state = match (&n.signed_at, &n.signed_by) {
        (Some(at), by) => format!(
            "Signed by {} on {}",
            by.clone().unwrap_or_else(|| n.author.clone()),
            when(*at, dates.zone, dates.date_pattern)
        ),
        (None, _) => format!(
            "DRAFT by {}, last saved {}: not signed",
            n.author,
            when(n.saved_at, dates.zone, dates.date_pattern)
        ),
    };
    let style = if n.signed_at.is_some() {
        theme.muted()
    } else {
        theme.warn()
    };
    lines.push(Line::from(Span::styled(state, style)));
    for s in NoteSection::iter() {
        let text = n.text.get(s);
        if text.trim().is_empty() {
            continue;
        }
        heading(&mut lines, &capitalised(s.label()), theme);
        for l in text.lines() {
            wrapped(&mut lines, l, 2, width);
        }
    }
    for a in &v.addenda {
        heading(
            &mut lines,
            &format!(
                "Addendum by {} on {}",
                a.author,
                when(a.added_at, dates.zone, dates.date_pattern)
            ),
            theme,
        );
        wrapped(&mut lines, &format!("Why: {}", a.reason), 2, width);
        for l in a.body.lines() {
            wrapped(&mut lines, l, 2, width);
        }
    }
    lines
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The allergy banner of an opened record (when its allergies opened).
pub fn banner(r: &ClinicalRecord, theme: &Theme) -> Option<Line<'static>> {
    r.sections
        .allergies
        .then(|| allergies::line(&r.allergies, "", theme))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_rises_with_its_values() {
        let s = sparkline(&[70, 80, 90, 130], 10);
        assert_eq!(s.chars().count(), 4);
        assert!(s.ends_with('█'), "{s}");
        assert_eq!(sparkline(&[], 10), "");
    }
}
