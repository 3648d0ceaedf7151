//! Drawing the result form from its state: a panel's analytes under their
//! test, each value with its unit, the patient's range and its flag in
//! letters as soon as it is typed, and what is wrong with the value under
//! the cursor.

use super::entry::{Checked, EntryForm, Line as EntryLine, Value};
use crate::domain::lab::ranges::Flag;
use crate::tui::theme::Theme;
use crate::tui::widgets::table::offset;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

const NAME: usize = 28;
const VALUE: u16 = 16;

/// The style of a flag: critical as an error, L/H/A as a warning; the
/// letters always say it too.
pub fn flag_style(flag: Flag, theme: &Theme) -> Style {
    letters_style(flag.letters(), theme)
}

/// The style of a stored flag's letters (see [`flag_style`]).
pub fn letters_style(letters: &str, theme: &Theme) -> Style {
    match letters {
        "LL" | "HH" => theme.error(),
        "L" | "H" | "A" => theme.warn(),
        _ => Style::new(),
    }
}

/// One row of the form: a test's heading, or an analyte's line.
enum Row {
    Heading(String),
    Analyte(usize),
}

/// Whether line `i` is one of several analytes of its test.
fn in_panel(form: &EntryForm, i: usize) -> bool {
    let test = &form.lines[i].test;
    form.lines.iter().filter(|o| &o.test == test).count() > 1
}

fn rows(form: &EntryForm) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut last: Option<&str> = None;
    for (i, l) in form.lines.iter().enumerate() {
        if in_panel(form, i) && last != Some(l.test.as_str()) {
            rows.push(Row::Heading(l.test.clone()));
        }
        last = Some(l.test.as_str());
        rows.push(Row::Analyte(i));
    }
    rows
}

pub fn render(form: &EntryForm, frame: &mut Frame, area: Rect, theme: &Theme) {
    let block = Block::bordered().title(Span::styled(
        format!(" Results · {} ", form.heading),
        theme.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 4 {
        return;
    }
    let head = Rect { height: 1, ..inner };
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                " {:<NAME$} {:<16}{:<11}{:<14}{}",
                "Analyte", "Value", "Unit", "Range", "Flag"
            ),
            theme.header(),
        )),
        head,
    );
    let foot_height = 3;
    let body = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1 + foot_height),
        ..inner
    };
    let rows = rows(form);
    let focus_row = rows
        .iter()
        .position(|r| matches!(r, Row::Analyte(i) if *i == form.focus))
        .unwrap_or(0);
    let first = offset(focus_row, usize::from(body.height));
    for (k, row) in rows
        .iter()
        .enumerate()
        .skip(first)
        .take(usize::from(body.height))
    {
        let r = Rect {
            y: body.y + (k - first) as u16,
            height: 1,
            ..body
        };
        match row {
            Row::Heading(t) => frame.render_widget(
                Paragraph::new(Span::styled(format!(" {t}"), theme.header())),
                r,
            ),
            Row::Analyte(i) => {
                let indented = in_panel(form, *i);
                analyte_row(form, *i, indented, frame, r, theme);
            }
        }
    }
    let foot = Rect {
        y: inner.y + inner.height - foot_height,
        height: foot_height,
        ..inner
    };
    frame.render_widget(
        Paragraph::new(footer(form, theme)).wrap(Wrap { trim: false }),
        foot,
    );
}

fn analyte_row(
    form: &EntryForm,
    i: usize,
    indented: bool,
    frame: &mut Frame,
    r: Rect,
    theme: &Theme,
) {
    let l = &form.lines[i];
    let focused = i == form.focus && !l.locked();
    let name = format!("{}{}", if indented { "   " } else { " " }, l.analyte.name);
    let name: String = name.chars().take(NAME + 1).collect();
    let label_style = if focused {
        theme.focused()
    } else {
        Style::new()
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!("{name:<w$}", w = NAME + 2),
            label_style,
        )),
        r,
    );
    let at = r.x + NAME as u16 + 2;
    let value_area = Rect {
        x: at,
        width: VALUE.min(r.width.saturating_sub(at - r.x)),
        ..r
    };
    match (&l.value, &l.verified) {
        (_, Some(v)) => frame.render_widget(
            Paragraph::new(Span::styled(v.clone(), theme.muted())),
            value_area,
        ),
        (Value::Typed(f), None) => f.render_line(frame, value_area, 0, focused, theme, false),
        (Value::Picked { .. }, None) => {
            let shown = match l.typed() {
                "" => "choose".to_string(),
                v => v.to_string(),
            };
            let style = if focused {
                theme.tab_active()
            } else {
                theme.tab()
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!("◂ {shown} ▸"), style)),
                value_area,
            );
        }
    }
    let (flag, flag_style) = match l.check(&form.who) {
        Checked::Good(f) => (f.letters().to_string(), flag_style(f, theme)),
        Checked::Bad(_) => ("?".to_string(), theme.error()),
        Checked::Empty => (String::new(), Style::new()),
    };
    let note = if l.locked() {
        "verified: correct it from the order"
    } else if l.error.is_some() {
        "✗ see below"
    } else if !l.before.is_empty() && !l.changed() {
        "entered"
    } else {
        ""
    };
    let rest = Rect {
        x: value_area.x + value_area.width,
        width: r
            .width
            .saturating_sub(value_area.x + value_area.width - r.x),
        ..r
    };
    let unit = l.analyte.unit.clone().unwrap_or_default();
    let range = match &l.analyte.kind {
        crate::domain::lab::ResultType::Choice { options, .. } => options.join("/"),
        _ => l.range(&form.who),
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(format!("{unit:<11}{range:<14}")),
            Span::styled(format!("{flag:<5}"), flag_style),
            Span::styled(note, theme.muted()),
        ])),
        rest,
    );
}

/// How far the form is, and what is wrong with the value under the cursor.
fn footer<'a>(form: &'a EntryForm, theme: &Theme) -> Vec<Line<'a>> {
    let total = form.lines.len();
    let filled = form.filled();
    let status = if filled == total {
        format!(" {filled} of {total} entered: Ctrl+S saves, the order is resulted (to verify).")
    } else {
        format!(" {filled} of {total} entered: Ctrl+S saves, the order stays in progress.")
    };
    let mut lines = vec![Line::from(Span::styled(status, theme.muted()))];
    if let Some(l) = form.focused() {
        let problem = l.error.clone().or(match l.check(&form.who) {
            Checked::Bad(e) => Some(e),
            _ => None,
        });
        match problem {
            Some(e) => lines.push(Line::from(Span::styled(format!(" ✗ {e}"), theme.error()))),
            None => lines.push(hint(l)),
        }
    }
    lines
}

fn hint(l: &EntryLine) -> Line<'static> {
    Line::from(match &l.analyte.kind {
        crate::domain::lab::ResultType::Choice { options, .. } => format!(
            " {}: ← → or the first letter picks: {}.",
            l.analyte.name,
            options.join(", ")
        ),
        crate::domain::lab::ResultType::Number { decimals, .. } => format!(
            " {}: a number{}{}.",
            l.analyte.name,
            l.analyte
                .unit
                .as_deref()
                .map(|u| format!(" in {u}"))
                .unwrap_or_default(),
            match decimals {
                0 => ", whole".to_string(),
                1 => ", up to 1 decimal".to_string(),
                d => format!(", up to {d} decimals"),
            }
        ),
        crate::domain::lab::ResultType::Text => format!(" {}: text.", l.analyte.name),
    })
}
