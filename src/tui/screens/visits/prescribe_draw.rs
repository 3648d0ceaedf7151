//! The prescribing form's drawing, from its state alone: the fields on the
//! left; on the right the formulary's items found (with their stock) while
//! the medicine is being chosen, else the order — the medicine, the
//! quantity computed, and each check that failed with its reason.

use super::prescribe_form::{Pick, PrescribeForm, Slot};
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Look, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Draws the form into `area`.
pub fn render(f: &PrescribeForm, frame: &mut Frame, area: Rect, theme: &Theme) {
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(
            " Prescribing · ← → choose · Ctrl+S checks and prescribes · Esc back",
            theme.title(),
        )),
        title,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    f.form
        .render(frame, left, Look::new(15).errors_below(), true, theme);
    let width = usize::from(right.width.saturating_sub(2)).max(10);
    let (name, lines) = if f.on_medicine() {
        (" Formulary ", found(f, width, theme))
    } else {
        (" The order ", order(f, width, theme))
    };
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(name)),
        right,
    );
}

/// The stock of an item in words.
fn stock(on_hand: i64, unit: &str) -> String {
    if on_hand > 0 {
        format!(
            "{} {unit} in stock",
            crate::domain::display::grouped(on_hand)
        )
    } else {
        "none in stock".to_string()
    }
}

fn cut(s: String, width: usize) -> String {
    if s.chars().count() <= width {
        return s;
    }
    let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// The items found as the name is typed, and the line to prescribe it as
/// bought outside.
fn found(f: &PrescribeForm, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let typed = f.text(Slot::Medicine).trim().to_string();
    if typed.is_empty() {
        return vec![Line::from(Span::styled(
            "Type part of the name or the generic name.",
            theme.muted(),
        ))];
    }
    let mut lines = Vec::new();
    if f.hits.is_empty() {
        lines.push(Line::from(Span::styled(
            "No stocked medicine matches.",
            theme.muted(),
        )));
    }
    for (i, h) in f.hits.iter().enumerate() {
        let style = if i == f.hit {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        let d = &h.item.details;
        lines.push(Line::from(Span::styled(
            cut(
                format!("{}{}", if i == f.hit { "›" } else { " " }, d.label()),
                width,
            ),
            style,
        )));
        let generic = if d.generic_name.is_empty() || d.generic_name.eq_ignore_ascii_case(&d.name) {
            String::new()
        } else {
            format!("{} · ", d.generic_name)
        };
        lines.push(Line::from(Span::styled(
            cut(format!("  {generic}{}", stock(h.on_hand, &d.unit)), width),
            if h.on_hand > 0 {
                theme.muted()
            } else {
                theme.warn()
            },
        )));
    }
    let outside = f.hit >= f.hits.len();
    lines.push(Line::from(Span::styled(
        cut(
            format!(
                "{}\"{typed}\" not stocked: bought outside",
                if outside { "›" } else { " " }
            ),
            width,
        ),
        if outside {
            theme.selected()
        } else {
            theme.muted()
        },
    )));
    lines
}

/// The order as it stands: medicine, quantity, and the failed checks.
fn order(f: &PrescribeForm, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    match &f.medicine {
        None => lines.push(Line::from(Span::styled(
            "No medicine chosen yet.",
            theme.warn(),
        ))),
        Some(Pick::Item(h)) => {
            lines.push(Line::from(cut(h.item.details.label(), width)));
            lines.push(Line::from(Span::styled(
                stock(h.on_hand, &h.item.details.unit),
                theme.muted(),
            )));
            lines.push(Line::from(match f.computed {
                Some(c) => format!("Quantity computed: {c} {}", f.item_unit()),
                None => "Quantity: not computed, type it".to_string(),
            }));
        }
        Some(Pick::Outside(name)) => {
            lines.push(Line::from(cut(name.clone(), width)));
            lines.push(Line::from(Span::styled(
                "BOUGHT OUTSIDE: not dispensed here",
                theme.warn(),
            )));
        }
    }
    lines.push(Line::from(""));
    if f.findings.is_empty() {
        lines.push(Line::from(Span::styled(
            if f.reviewed {
                "Checks: none failed."
            } else {
                "Checks run on Ctrl+S."
            },
            theme.muted(),
        )));
        return lines;
    }
    lines.push(Line::from(Span::styled(
        "⚠ CHECKS FAILED: a reason for each",
        theme.error(),
    )));
    for x in &f.findings {
        let text = format!("! {}: {}", x.kind.label(), x.reason);
        for (i, part) in wrap(&text, width.saturating_sub(2)).into_iter().enumerate() {
            let pad = if i == 0 { "" } else { "  " };
            lines.push(Line::from(Span::styled(
                format!("{pad}{part}"),
                theme.warn(),
            )));
        }
    }
    lines
}
