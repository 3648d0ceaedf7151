//! A patient's laboratory results as the record shows them (over a visit,
//! or from the patient's record): each order by date with
//! its state (pending, rejected with the reason, verified), its tests'
//! values with their flags in letters (never colour alone), corrected
//! values marked; Enter on a numeric value draws that analyte's trend as a
//! chart with the reference range, the values and dates listed beside it
//! (for a screen reader or a small terminal).

use crate::domain::ids::Id;
use crate::ops;
use crate::ops::lab::record::{OrderResults, ResultLine, Results, Trend};
use crate::tui::keymap::Action;
use crate::tui::keymap::rows::{BACK, table, up_down};
use crate::tui::keymap::{Binding, b, plain};
use crate::tui::screen::{Ctx, LocalDates, Said, said_error};
use crate::tui::theme::Theme;
use chrono_tz::Tz;
use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

/// The keys of the results.
pub const LAB_RESULTS: &[Binding] = table![
    &[b(&[plain(KeyCode::Enter)], Action::Open, "trend", true)],
    up_down!("value"),
    BACK,
];

/// The keys of an analyte's trend.
pub const LAB_TREND: &[Binding] = BACK;

/// What the results view shows.
pub struct ResultsView {
    results: Results,
    /// The lines of values (order, line) that ↑↓ select.
    lines: Vec<(usize, usize)>,
    selected: usize,
    /// The selected analyte's trend, when drawn.
    trend: Option<Trend>,
}

impl ResultsView {
    pub fn new(results: Results) -> ResultsView {
        let lines = results
            .orders
            .iter()
            .enumerate()
            .flat_map(|(i, o)| (0..o.lines.len()).map(move |k| (i, k)))
            .collect();
        ResultsView {
            results,
            lines,
            selected: 0,
            trend: None,
        }
    }

    /// Whether the trend chart is shown.
    pub fn showing_trend(&self) -> bool {
        self.trend.is_some()
    }

    /// The key table in force.
    pub fn table(&self) -> &'static [Binding] {
        if self.showing_trend() {
            LAB_TREND
        } else {
            LAB_RESULTS
        }
    }

    fn selected_line(&self) -> Option<&ResultLine> {
        let (i, k) = self.lines.get(self.selected)?;
        self.results.orders.get(*i)?.lines.get(*k)
    }
}

impl ResultsView {
    /// Reads the patient's results (an audited READ) for the view.
    pub fn open(ctx: &mut Ctx, patient: &Id) -> Result<(ResultsView, Said), Said> {
        match ops::lab::record::results_of(ctx.db, ctx.session, patient, ctx.clock()) {
            Ok(r) => {
                let none = r.orders.is_empty();
                let said = Said::Info(if none {
                    "No laboratory test ordered for this patient yet.".into()
                } else {
                    "↑↓ choose a value; Enter shows its trend; Esc back.".into()
                });
                Ok((ResultsView::new(r), said))
            }
            Err(e) => Err(said_error(e)),
        }
    }

    /// What a key does in the view; `None` when Esc leaves it.
    pub fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Option<Said> {
        match action {
            Action::Back if self.trend.is_some() => self.trend = None,
            Action::Back => return None,
            Action::Up if self.trend.is_none() => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.trend.is_none() => {
                self.selected = (self.selected + 1).min(self.lines.len().saturating_sub(1));
            }
            Action::Open if self.trend.is_none() => {
                let Some(line) = self.selected_line() else {
                    return Some(Said::Nothing);
                };
                if !line.numeric {
                    return Some(Said::Info(format!(
                        "{} is not a number: it has no trend to draw.",
                        line.name
                    )));
                }
                let analyte = line.analyte_id.clone();
                let patient = self.results.patient.clone();
                match ops::lab::record::trend(ctx.db, ctx.session, &patient, &analyte, ctx.clock())
                {
                    Ok(t) => self.trend = Some(t),
                    Err(e) => return Some(said_error(e)),
                }
            }
            _ => {}
        }
        Some(Said::Nothing)
    }
}

/// A number as typed, without trailing zeros.
fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A range in words: `3.5–5.1`, `< 5`, `> 2`, or nothing.
fn range_words(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("{}–{}", num(l), num(h)),
        (Some(l), None) => format!("> {}", num(l)),
        (None, Some(h)) => format!("< {}", num(h)),
        (None, None) => String::new(),
    }
}

fn flag_style(flag: &str, theme: &Theme) -> Style {
    match flag {
        "LL" | "HH" => theme.error(),
        "" => Style::new(),
        _ => theme.warn(),
    }
}

/// An order's head line: when, accession, specimen, priority, state, who
/// ordered it (last: a narrow terminal cuts it first).
fn order_head(o: &OrderResults, zone: Tz, pattern: &str) -> String {
    let at = o.order.ordered_at.with_timezone(&zone);
    format!(
        "{} {} {} · {} · {} · {} · by {}",
        at.format(pattern),
        at.format("%H:%M"),
        o.order.accession,
        o.order.specimen,
        o.order.priority,
        o.state(),
        o.order.ordered_by
    )
}

/// A value's line: analyte, value and unit, flag letters, range, marks.
fn value_line(l: &ResultLine, theme: &Theme, on: bool) -> Line<'static> {
    let lead = format!(
        "{} {:<6} {:<22}",
        if on { "›" } else { " " },
        l.code,
        cut(&l.name, 22)
    );
    let base = if on { theme.selected() } else { Style::new() };
    let Some(v) = &l.value else {
        return Line::from(vec![
            Span::styled(lead, base),
            Span::styled("pending", theme.muted().patch(base)),
        ]);
    };
    let unit = l.unit.as_deref().unwrap_or("");
    let mut spans = vec![
        Span::styled(lead, base),
        Span::styled(format!("{} {unit}", v.value), base),
    ];
    if !v.flag.is_empty() {
        spans.push(Span::styled(
            format!(" {}", v.flag),
            flag_style(&v.flag, theme).patch(base),
        ));
    }
    let range = range_words(v.range_low, v.range_high);
    if !range.is_empty() {
        spans.push(Span::styled(
            format!("  ({range})"),
            theme.muted().patch(base),
        ));
    }
    if let Some((old, reason)) = v.corrected.first() {
        spans.push(Span::styled(
            format!("  CORRECTED from {old}: {reason}"),
            theme.warn().patch(base),
        ));
    }
    if v.correction_pending {
        spans.push(Span::styled(
            "  correction pending",
            theme.warn().patch(base),
        ));
    }
    if let Some((who, _)) = &v.acknowledged {
        spans.push(Span::styled(
            format!("  seen by {who}"),
            theme.muted().patch(base),
        ));
    }
    Line::from(spans)
}

/// `s` cut to `width` characters, an ellipsis ending what was cut.
pub fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Draws the results, or the selected analyte's trend.
pub fn render(v: &ResultsView, frame: &mut Frame, area: Rect, dates: &LocalDates, theme: &Theme) {
    if let Some(t) = &v.trend {
        render_trend(t, frame, area, dates, theme);
        return;
    }
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                " Laboratory results · {} order{}, newest first · Enter: trend · Esc: back",
                v.results.orders.len(),
                if v.results.orders.len() == 1 { "" } else { "s" }
            ),
            theme.title(),
        )),
        title,
    );
    let pattern = dates.date_pattern;
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_at = 0;
    let mut k = 0;
    for o in &v.results.orders {
        let head = order_head(o, dates.zone, pattern);
        let style = if o.order.status == "rejected" {
            theme.warn()
        } else {
            theme.header()
        };
        lines.push(Line::from(Span::styled(head, style)));
        for l in &o.lines {
            let on = k == v.selected;
            if on {
                selected_at = lines.len();
            }
            lines.push(value_line(l, theme, on));
            k += 1;
        }
    }
    if lines.is_empty() {
        lines.push(Line::from(
            " No laboratory test ordered yet: l orders tests.",
        ));
    }
    let height = usize::from(body.height);
    let offset = (selected_at + 1).saturating_sub(height);
    frame.render_widget(
        Paragraph::new(lines).scroll((u16::try_from(offset).unwrap_or(0), 0)),
        body,
    );
}

/// The trend: a chart of the values over time with the reference range as
/// two lines, and the values with their dates and flags listed beside it.
fn render_trend(t: &Trend, frame: &mut Frame, area: Rect, dates: &LocalDates, theme: &Theme) {
    let unit = t.unit.as_deref().unwrap_or("");
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                " Trend of {} {} ({unit}) · {} values, oldest first · Esc: back",
                t.code,
                t.name,
                t.points.len()
            ),
            theme.title(),
        )),
        title,
    );
    let [chart_area, list_area] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(34)]).areas(body);
    let pattern = dates.date_pattern;
    let mut list: Vec<Line> = Vec::new();
    for p in &t.points {
        let at = p.collected_at.with_timezone(&dates.zone);
        list.push(Line::from(vec![
            Span::raw(format!("{} {} ", at.format(pattern), at.format("%H:%M"))),
            Span::raw(format!("{} ", p.value)),
            Span::styled(p.flag.clone(), flag_style(&p.flag, theme)),
        ]));
    }
    if let Some(last) = t.points.last() {
        let range = range_words(last.range_low, last.range_high);
        if !range.is_empty() {
            list.push(Line::from(Span::styled(
                format!("range {range} {unit}"),
                theme.muted(),
            )));
        }
    }
    let shown_from = list
        .len()
        .saturating_sub(usize::from(list_area.height.saturating_sub(2)));
    frame.render_widget(
        Paragraph::new(list.split_off(shown_from)).block(Block::bordered().title(" Values ")),
        list_area,
    );
    let data: Vec<(f64, f64)> = t
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.number.map(|n| (i as f64, n)))
        .collect();
    if data.is_empty() {
        frame.render_widget(
            Paragraph::new(" No verified value to draw yet."),
            chart_area,
        );
        return;
    }
    let last_x = (t.points.len().max(2) - 1) as f64;
    let range = t.points.last().map(|p| (p.range_low, p.range_high));
    let low: Vec<(f64, f64)> = range
        .and_then(|r| r.0)
        .map_or_else(Vec::new, |l| vec![(0.0, l), (last_x, l)]);
    let high: Vec<(f64, f64)> = range
        .and_then(|r| r.1)
        .map_or_else(Vec::new, |h| vec![(0.0, h), (last_x, h)]);
    let ys = data
        .iter()
        .map(|(_, y)| *y)
        .chain(low.iter().chain(high.iter()).map(|(_, y)| *y));
    let (min, max) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let pad = ((max - min) * 0.1).max(0.5);
    let (y0, y1) = (min - pad, max + pad);
    let mut sets = vec![
        Dataset::default()
            .name(format!("{} {unit}", t.code))
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.ok())
            .data(&data),
    ];
    if !low.is_empty() {
        sets.push(
            Dataset::default()
                .name("range low")
                .marker(Marker::Dot)
                .graph_type(GraphType::Line)
                .style(theme.muted())
                .data(&low),
        );
    }
    if !high.is_empty() {
        sets.push(
            Dataset::default()
                .name("range high")
                .marker(Marker::Dot)
                .graph_type(GraphType::Line)
                .style(theme.muted())
                .data(&high),
        );
    }
    let first_day = t
        .points
        .first()
        .map(|p| {
            p.collected_at
                .with_timezone(&dates.zone)
                .format(pattern)
                .to_string()
        })
        .unwrap_or_default();
    let last_day = t
        .points
        .last()
        .map(|p| {
            p.collected_at
                .with_timezone(&dates.zone)
                .format(pattern)
                .to_string()
        })
        .unwrap_or_default();
    // The values and the range are listed beside the chart: no legend
    // over the line.
    let chart = Chart::new(sets)
        .legend_position(None)
        .block(Block::bordered())
        .x_axis(
            Axis::default()
                .bounds([0.0, last_x])
                .labels([first_day, last_day]),
        )
        .y_axis(Axis::default().bounds([y0, y1]).labels([num(y0), num(y1)]));
    frame.render_widget(chart, chart_area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn the_tables_bind_each_key_once_and_leave_the_global_keys() {
        for t in [LAB_RESULTS, LAB_TREND] {
            assert_no_key_twice(t);
            assert_no_global_key_shadowed(t);
        }
    }

    #[test]
    fn ranges_and_numbers_read_as_typed() {
        assert_eq!(range_words(Some(3.5), Some(5.1)), "3.5–5.1");
        assert_eq!(range_words(None, Some(5.0)), "< 5");
        assert_eq!(range_words(Some(2.0), None), "> 2");
        assert_eq!(range_words(None, None), "");
        assert_eq!(num(150.0), "150");
    }
}
