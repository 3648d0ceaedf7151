//! What the beds tab draws besides the board: its small forms, a bed's
//! detail and history, the census of a day, and the set-up list.

use crate::domain::beds::{SexRestriction, StayEnd, StayStart, days_between};
use crate::domain::clock::Tz;
use crate::ops::beds::{self as ops, BedDetail};
use crate::ops::census::Census;
use crate::store::beds::{Bed, Stay, Ward};
use crate::tui::theme::Theme;
use crate::tui::widgets::form;
use crate::tui::widgets::popup;
use crate::tui::widgets::table::Selection;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// A time as the ward reads it: day, month, hour and minute.
pub fn when(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%d %b %H:%M").to_string()
}

/// A small form in a popup: what it is about, then its fields.
pub struct Form<P> {
    pub title: String,
    pub about: Vec<String>,
    pub fields: form::Form,
    pub purpose: P,
}

impl<P> Form<P> {
    pub fn focused_is_choice(&self) -> bool {
        self.fields.focused_is_choice()
    }

    pub fn text(&self, i: usize) -> String {
        self.fields.text(i).to_string()
    }

    pub fn choice(&self, i: usize) -> usize {
        self.fields.choice(i)
    }

    pub fn has_input(&self) -> bool {
        self.fields.has_text()
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let height = (self.about.len() + self.fields.len() * 2 + 3) as u16;
        let r = popup::centered(area, 74, height);
        let inner = popup::frame_box(&self.title, r, theme, frame.buffer_mut());
        let mut y = inner.y;
        for line in &self.about {
            frame.render_widget(
                Paragraph::new(line.clone()),
                Rect {
                    y,
                    height: 1,
                    ..inner
                },
            );
            y += 1;
        }
        y += 1;
        let fields = Rect {
            x: inner.x + 1,
            y,
            width: inner.width.saturating_sub(2),
            height: inner.bottom().saturating_sub(y),
        };
        let look = form::Look::new(10).gap(1);
        self.fields.render(frame, fields, look, true, theme);
    }
}

/// One line of the set-up list.
pub enum SetupRow {
    Ward(Ward),
    Bed(Bed),
}

/// The set-up list and its selection.
pub struct Setup {
    pub rows: Vec<SetupRow>,
    pub selected: Selection,
}

fn stay_line(s: &Stay, zone: Tz, with_patient: bool) -> String {
    let end = match (s.ended_at, s.ended_by) {
        (Some(t), Some(StayEnd::Discharge)) => format!("{} discharged", when(t, zone)),
        (Some(t), _) => format!("{} moved out", when(t, zone)),
        _ => "now".into(),
    };
    let who = if with_patient {
        format!("{} {} · ", s.patient.mrn, s.patient.name)
    } else {
        String::new()
    };
    let why = match s.started_by {
        StayStart::Transfer if !s.reason.is_empty() => format!(" · moved in: {}", s.reason),
        _ => String::new(),
    };
    format!(
        "  {who}{} {} → {end}{why}",
        s.bed_label,
        when(s.started_at, zone)
    )
}

/// What a clinician sees of the occupant besides the bed: the latest
/// NEWS2 and the allergy banner.
pub struct DetailClinical<'a> {
    pub score: Option<&'a crate::ops::worklist::Score>,
    pub allergies: Option<&'a Result<crate::ops::record::AllergyBanner, String>>,
}

#[allow(clippy::too_many_arguments)]
pub fn render_detail(
    d: &BedDetail,
    clinical: &DetailClinical,
    scroll: u16,
    zone: Tz,
    now: DateTime<Utc>,
    theme: &Theme,
    area: Rect,
    frame: &mut Frame,
) {
    let b = &d.bed;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("Bed {}", b.label), theme.title()),
            Span::raw(format!(" · {} · {} bed", b.ward_name, b.kind.label())),
        ]),
        Line::from(vec![
            Span::raw("Status  "),
            Span::styled(
                format!("{} {}", b.status.letter(), b.status.label()),
                theme.bed(b.status),
            ),
            Span::raw(format!(" since {}", when(b.status_since, zone))),
        ]),
    ];
    if let Some(t) = b.cleaned_at {
        lines.push(Line::from(format!("Cleaned {}", when(t, zone))));
    }
    if let Some(r) = &b.out_of_service_reason {
        lines.push(Line::from(format!("Out of service: {r}")));
    }
    if let (Some(p), Some(until)) = (&d.reserved, b.reserved_until) {
        lines.push(Line::from(format!(
            "Reserved for {} {} until {}",
            p.mrn,
            p.name,
            when(until, zone)
        )));
    }
    if let Some(a) = &d.occupant {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Patient", theme.header())));
        lines.push(Line::from(format!(
            "{} · {} · sex {} · day {} (admitted {})",
            a.patient.name,
            a.patient.mrn,
            a.patient.sex,
            days_between(a.admitted_at, now),
            when(a.admitted_at, zone)
        )));
        lines.push(Line::from(format!(
            "Attending {} · reason: {}",
            a.attending, a.reason
        )));
        if let Some(al) = clinical.allergies {
            lines.push(crate::tui::widgets::allergies::line_or_error(al, "", theme));
        }
        if let Some(s) = clinical.score {
            let trend = match s.trend {
                crate::domain::news2::Trend::First => "first score",
                crate::domain::news2::Trend::Rising => "RISING since the set before",
                crate::domain::news2::Trend::Same => "same as the set before",
                crate::domain::news2::Trend::Falling => "falling since the set before",
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        "NEWS2 {} ({} risk)",
                        super::board::score_text(s),
                        s.band.label()
                    ),
                    super::board::score_style(s, theme),
                ),
                Span::raw(format!(" · {trend} · taken {}", when(s.taken_at, zone))),
            ]));
        }
        lines.push(Line::from("This admission's beds:"));
        for s in &d.occupant_stays {
            lines.push(Line::from(stay_line(s, zone, false)));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!("Bed history (latest {})", ops::HISTORY),
        theme.header(),
    )));
    if d.history.is_empty() {
        lines.push(Line::from("  No patient has used this bed yet."));
    }
    for s in &d.history {
        lines.push(Line::from(stay_line(s, zone, true)));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::bordered()),
        area,
    );
}

pub fn render_census(c: &Census, theme: &Theme, area: Rect, frame: &mut Frame) {
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Census for {} (midnight to midnight) · ← → another day, g a date",
                c.date.format("%a %d %b %Y")
            ),
            theme.title(),
        )),
        Line::from(""),
    ];
    let width = usize::from(area.width.saturating_sub(2));
    let name_w = width.saturating_sub(58).clamp(8, 30);
    lines.push(Line::from(Span::styled(
        format!(
            "{:<name_w$} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6}",
            "Ward", "00:00", "Adm", "In", "Out", "Dis", "24:00", "Beds", "Occ"
        ),
        theme.header(),
    )));
    let names = c.wards.iter().map(String::as_str).chain(["Hospital"]);
    for (name, l) in names.zip(&c.lines) {
        let name: String = name.chars().take(name_w).collect();
        lines.push(Line::from(format!(
            "{name:<name_w$} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}%",
            l.at_start,
            l.admitted,
            l.transferred_in,
            l.transferred_out,
            l.discharged,
            l.at_end,
            l.beds,
            l.occupancy()
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "00:00 and 24:00: patients in the ward at each midnight (those admitted earlier included). Adm admitted, In / Out transferred, Dis discharged, Occ patients at 24:00 per bed.",
        theme.muted(),
    )));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered()),
        area,
    );
}

pub fn render_setup(s: &Setup, theme: &Theme, area: Rect, frame: &mut Frame) {
    let inner_h = usize::from(area.height.saturating_sub(3));
    let offset = s.selected.offset(inner_h);
    let mut lines = vec![Line::from(Span::styled(
        "Wards and beds · n new ward · b new bed · e rename · x retire",
        theme.title(),
    ))];
    if s.rows.is_empty() {
        lines.push(Line::from("No wards yet: n adds the first."));
    }
    for (i, row) in s.rows.iter().enumerate().skip(offset).take(inner_h) {
        let text = match row {
            SetupRow::Ward(w) => format!(
                "{} · {} · {}",
                w.name,
                w.kind.label(),
                w.sex.map_or("any sex", SexRestriction::label)
            ),
            SetupRow::Bed(b) => format!(
                "    {:<12} {:<10} {} {}",
                b.label,
                b.kind.label(),
                b.status.letter(),
                b.status.label()
            ),
        };
        let style = if i == s.selected.index() {
            theme.selected()
        } else if matches!(row, SetupRow::Ward(_)) {
            theme.header()
        } else {
            ratatui::style::Style::new()
        };
        let marker = if i == s.selected.index() {
            "▸ "
        } else {
            "  "
        };
        lines.push(Line::from(Span::styled(format!("{marker}{text}"), style)));
    }
    frame.render_widget(Paragraph::new(lines).block(Block::bordered()), area);
}
