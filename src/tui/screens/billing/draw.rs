//! The billing tab's drawing, from the state alone: the desk's two lists
//! with the cashier's day above them, a patient's bills under their payer
//! scheme, a bill's lines (each with the patient's and the scheme's share,
//! reversals marked) over its payments and totals, and the forms with what
//! they are about (the balance and the change as cash is typed, the day's
//! takings beside the cash counted).

use super::actions::bills_count;
use super::forms::{DeskForm, Kind};
use super::{Billing, DeskList};
use crate::domain::billing::shares::Left;
use crate::domain::billing::{SchemeKind, bill_number, money, receipt_number};
use crate::domain::pharmacy::amount;
use crate::store::billing::desk::DeskRow;
use crate::store::billing::{ByMethod, Scheme};
use crate::tui::screen::View as Drawn;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::Look;
use crate::tui::widgets::table::{Cell, Column, Line as TableLine, ScrollTable};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// A time as the desk reads it: `08:15` today, else its date.
fn when(t: DateTime<Utc>, v: &Drawn) -> String {
    let local = v.clock.at(t);
    if local.date_naive() == v.dates.today {
        local.format("%H:%M").to_string()
    } else {
        local.format(v.dates.date_pattern).to_string()
    }
}

/// What a bill is for.
fn bill_for(row: &DeskRow) -> &'static str {
    if row.bill.admission_id.is_some() {
        "admission"
    } else {
        "visit"
    }
}

/// The scheme covering a patient, as the desk reads it.
fn cover(scheme: &Option<(Scheme, String)>) -> String {
    match scheme {
        None => "self-pay".into(),
        Some((s, member)) => {
            let member = if member.is_empty() {
                String::new()
            } else {
                format!(" · member {member}")
            };
            match s.kind {
                SchemeKind::SelfPay => format!("{} (self-pay)", s.name),
                SchemeKind::Waiver => format!("{} (waiver){member}", s.name),
                SchemeKind::Insurance => {
                    let bp = s.cover.coverage_bp;
                    let pct = if bp % 100 == 0 {
                        format!("{}%", bp / 100)
                    } else {
                        format!("{}.{:02}%", bp / 100, bp % 100)
                    };
                    format!("{} {pct}{member}", s.name)
                }
            }
        }
    }
}

/// Amounts by method, the currency said once before them:
/// `(KES): cash 1,200.00 · mobile money …`.
fn by_method(m: &ByMethod, currency: &str) -> String {
    format!(
        "({currency}): cash {} · mobile money {} · card {} · scheme {}",
        amount(m.cash, currency),
        amount(m.mobile_money, currency),
        amount(m.card, currency),
        amount(m.scheme, currency)
    )
}

/// Columns of a bill row on the desk and in a patient's list.
fn bill_columns(with_patient: bool) -> Vec<Column> {
    let mut c = vec![Column::code("Bill")];
    if with_patient {
        c.push(Column::name("Patient", 16).grow());
        c.push(Column::code("MRN"));
    }
    c.extend([
        Column::text("For", 9),
        Column::code("Opened"),
        Column::number("Charged"),
        Column::number("Paid"),
        Column::number("To pay"),
    ]);
    c
}

fn bill_row(r: &DeskRow, with_patient: bool, v: &Drawn, theme: &Theme) -> TableLine {
    let currency = &v.settings.currency;
    let mut cells: Vec<Cell> = vec![bill_number(r.bill.number).into()];
    if with_patient {
        cells.push(r.patient_name.clone().into());
        cells.push(r.mrn.clone().into());
    }
    let what = match r.bill.closed_at {
        Some(_) => format!("{} (closed)", bill_for(r)),
        None => bill_for(r).to_string(),
    };
    cells.extend([
        what.into(),
        when(r.bill.opened_at, v).into(),
        amount(r.totals.charged, currency).into(),
        amount(r.totals.paid, currency).into(),
    ]);
    let owed = r.totals.balance;
    cells.push(if owed > 0 {
        Cell::styled(amount(owed, currency), theme.warn())
    } else {
        amount(owed, currency).into()
    });
    TableLine::new(cells)
}

impl Billing {
    pub(super) fn render_desk(&self, frame: &mut Frame, area: Rect, v: &Drawn) {
        let theme = v.theme;
        let currency = &v.settings.currency;
        let [strip, day, table_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Min(4),
        ])
        .areas(area);
        let to_pay = self.today.iter().filter(|r| r.totals.balance > 0).count();
        let tab = |on: bool| if on { theme.tab_active() } else { theme.tab() };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!(" To pay {to_pay} "),
                    tab(self.list == DeskList::ToPay),
                ),
                Span::styled(
                    format!(" All today {} ", self.today.len()),
                    tab(self.list == DeskList::All),
                ),
            ])),
            strip,
        );
        let day_line = match (&self.cash_up, &self.takings) {
            (Some(c), _) => Line::from(Span::styled(
                format!(
                    " Your day is closed ({}): cash counted {}, difference {}",
                    when(c.closed_at, v),
                    money(c.counted_cash, currency),
                    money(c.difference, currency)
                ),
                theme.muted(),
            )),
            (None, Some(t)) => Line::from(format!(" Taken today {}", by_method(t, currency))),
            (None, None) => Line::from(Span::styled(
                " Bills with a line posted or a payment taken today",
                theme.muted(),
            )),
        };
        frame.render_widget(Paragraph::new(day_line).wrap(Wrap { trim: false }), day);
        let shown = self.shown();
        let title = match self.list {
            DeskList::ToPay => format!(" Today's bills to pay ({}) ", bills_count(shown.len())),
            DeskList::All => format!(" All of today's bills ({}) ", bills_count(shown.len())),
        };
        let table = ScrollTable::new(bill_columns(true))
            .header_style(theme.header())
            .highlight(theme.selected())
            .block(Block::bordered().title(Span::styled(title, theme.title())));
        let selected = (!shown.is_empty()).then(|| self.selected.index());
        table.render(frame, table_area, selected, shown.len(), |i| {
            bill_row(shown[i], true, v, theme)
        });
        if shown.is_empty() {
            let r = Rect {
                x: table_area.x + 2,
                y: table_area.y + 3,
                width: table_area.width.saturating_sub(4),
                height: 2,
            };
            let text = match self.list {
                DeskList::ToPay => {
                    "Nothing is waiting to be paid. Tab lists all of today's bills; / finds a patient's."
                }
                DeskList::All => {
                    "No bill has had a line or a payment today. / finds a patient's bills."
                }
            };
            frame.render_widget(
                Paragraph::new(Span::styled(text, theme.muted())).wrap(Wrap { trim: true }),
                r,
            );
        }
    }

    pub(super) fn render_patient(&self, frame: &mut Frame, area: Rect, v: &Drawn) {
        let theme = v.theme;
        let currency = &v.settings.currency;
        let Some(p) = &self.patient else {
            return;
        };
        let [head, table_area] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(4)]).areas(area);
        let owed: i64 = p.rows.iter().map(|r| r.totals.balance).sum();
        let owed_span = if owed > 0 {
            Span::styled(format!("owes {}", money(owed, currency)), theme.warn())
        } else {
            Span::raw(format!("owes nothing ({})", money(owed, currency)))
        };
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled(format!(" {} ", p.name), theme.title()),
                    Span::raw(format!("{} · ", p.mrn)),
                    owed_span,
                ]),
                Line::from(Span::styled(
                    format!(" Payer today: {}", cover(&p.scheme)),
                    theme.muted(),
                )),
            ]),
            head,
        );
        let table = ScrollTable::new(bill_columns(false))
            .header_style(theme.header())
            .highlight(theme.selected())
            .block(Block::bordered().title(Span::styled(
                format!(" Bills, newest first ({}) ", bills_count(p.rows.len())),
                theme.title(),
            )));
        let selected = (!p.rows.is_empty()).then(|| self.patient_selected.index());
        table.render(frame, table_area, selected, p.rows.len(), |i| {
            bill_row(&p.rows[i], false, v, theme)
        });
    }

    pub(super) fn render_bill(&self, frame: &mut Frame, area: Rect, v: &Drawn) {
        let theme = v.theme;
        let currency = &v.settings.currency;
        let Some(b) = &self.bill else {
            return;
        };
        let d = &b.detail;
        let state = if d.bill.closed_at.is_some() {
            "closed"
        } else {
            "open"
        };
        let of = if d.bill.admission_id.is_some() {
            "admission"
        } else {
            "visit"
        };
        let block = Block::bordered().title(Span::styled(
            format!(" Bill {} · {of} · {state} ", bill_number(d.bill.number)),
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let pay_rows = (d.payments.len() as u16 + 2).clamp(3, 8);
        let [head, lines_area, pay_area, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(4),
            Constraint::Length(pay_rows),
            Constraint::Length(2),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled(format!(" {} ", b.name), theme.title()),
                    Span::raw(format!("{} · opened {}", b.mrn, when(d.bill.opened_at, v))),
                ]),
                Line::from(Span::styled(
                    format!(" Payer today: {}", cover(&b.scheme)),
                    theme.muted(),
                )),
            ]),
            head,
        );
        let reversed: Vec<&crate::domain::ids::Id> = d
            .charges
            .iter()
            .filter_map(|c| c.reverses.as_ref())
            .collect();
        let lines = ScrollTable::new([
            Column::code("Posted"),
            Column::text("Line", 16).grow(),
            Column::number("Qty"),
            Column::number("Price"),
            Column::number("Amount"),
            Column::number("Patient"),
            Column::number("Scheme"),
        ])
        .header_style(theme.header())
        .highlight(theme.selected());
        let on_line = self.line.index();
        let selected = (on_line < d.charges.len()).then_some(on_line);
        lines.render(frame, lines_area, selected, d.charges.len(), |i| {
            let c = &d.charges[i];
            let what = match (&c.reverses, &c.reason) {
                (Some(_), Some(r)) => format!("reversal of {}: {r}", c.description),
                (Some(_), None) => format!("reversal of {}", c.description),
                _ if reversed.contains(&&c.id) => format!("{} (reversed)", c.description),
                _ => c.description.clone(),
            };
            let line = TableLine::new([
                Cell::from(when(c.posted_at, v)),
                what.into(),
                c.quantity.to_string().into(),
                amount(c.unit_price, currency).into(),
                amount(c.amount, currency).into(),
                amount(c.patient_share, currency).into(),
                amount(c.scheme_share, currency).into(),
            ]);
            if c.reverses.is_some() || reversed.contains(&&c.id) {
                line.style(theme.muted())
            } else {
                line
            }
        });
        let payments = ScrollTable::new([
            Column::code("Receipt"),
            Column::code("Taken"),
            Column::text("How", 12).grow(),
            Column::number("Amount"),
            Column::number("Change"),
        ])
        .header_style(theme.header())
        .highlight(theme.selected())
        .block(Block::new().title(Span::styled(
            if d.payments.is_empty() {
                " No payment yet "
            } else {
                " Payments "
            },
            theme.title(),
        )));
        let selected = on_line.checked_sub(d.charges.len());
        payments.render(frame, pay_area, selected, d.payments.len(), |i| {
            let p = &d.payments[i];
            let how = match (&p.reference, &p.reason) {
                (_, Some(reason)) => format!("{} refund: {reason}", p.method.label()),
                (Some(r), None) => format!("{} {r}", p.method.label()),
                (None, None) => p.method.label().to_string(),
            };
            TableLine::new([
                Cell::from(receipt_number(p.receipt)),
                when(p.taken_at, v).into(),
                how.into(),
                amount(p.amount, currency).into(),
                p.change
                    .map(|c| amount(c, currency))
                    .unwrap_or_default()
                    .into(),
            ])
        });
        let t = &d.totals;
        let style = if t.balance > 0 {
            theme.warn()
        } else {
            theme.ok()
        };
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(format!(
                    " Charged {} · scheme {} · patient {} · paid {}",
                    amount(t.charged, currency),
                    amount(t.scheme_share, currency),
                    amount(t.patient_share, currency),
                    amount(t.paid, currency)
                )),
                Line::from(Span::styled(to_pay(d.left(), currency), style)),
            ]),
            foot,
        );
    }
}

/// What is left to pay, the patient's part apart from the scheme's: the
/// cashier asks the patient only for theirs.
fn to_pay(left: Left, currency: &str) -> String {
    if left.scheme > 0 {
        format!(
            " Patient to pay {} · scheme to settle {}",
            money(left.patient.max(0), currency),
            money(left.scheme, currency)
        )
    } else {
        format!(" To pay {}", money(left.patient, currency))
    }
}

/// Draws a desk form: what it is about, what it weighs against (the
/// balance, the day's takings), its fields, and the change as cash is typed.
pub(super) fn render_form(_b: &Billing, f: &DeskForm, frame: &mut Frame, area: Rect, v: &Drawn) {
    let theme = v.theme;
    let currency = &v.settings.currency;
    let block = Block::bordered().title(Span::styled(format!(" {} ", f.title()), theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut head = vec![Line::from(format!(" {}", f.about))];
    match &f.kind {
        Kind::Payment { left, .. } => {
            head.push(Line::from(to_pay(*left, currency)));
            let change = match f.change_so_far(currency) {
                Some(c) => format!(" Change to give: {}", money(c, currency)),
                None => " Cash given: leave empty for the exact amount; mobile money needs its reference.".into(),
            };
            head.push(Line::from(Span::styled(change, theme.muted())));
        }
        Kind::Refund { paid, .. } => {
            head.push(Line::from(format!(
                " Paid on the bill: {}",
                money(*paid, currency)
            )));
            head.push(Line::from(Span::styled(
                " The refund is a new negative payment with its own receipt; the payment stays.",
                theme.muted(),
            )));
        }
        Kind::Charge { .. } => head.push(Line::from(Span::styled(
            " At today's price; the patient's scheme takes its share.",
            theme.muted(),
        ))),
        Kind::Scheme { .. } => head.push(Line::from(Span::styled(
            " Earlier schemes stay in the record; lines posted from the date follow this one.",
            theme.muted(),
        ))),
        Kind::CashUp { expected } => {
            head.push(Line::from(format!(
                " Expected {}",
                by_method(expected, currency)
            )));
            head.push(Line::from(Span::styled(
                " Count the cash in the drawer; a difference needs a note. Closing ends your day's payments.",
                theme.muted(),
            )));
        }
    }
    let text_width = usize::from(inner.width.saturating_sub(1)).max(1);
    let wrapped: usize = head
        .iter()
        .map(|l| {
            crate::tui::widgets::form::wrap(&l.to_string(), text_width)
                .len()
                .max(1)
        })
        .sum();
    let head_height = (wrapped as u16).min(inner.height);
    frame.render_widget(
        Paragraph::new(head).wrap(Wrap { trim: false }),
        Rect {
            height: head_height,
            ..inner
        },
    );
    let body = Rect {
        y: inner.y + head_height + 1,
        height: inner.height.saturating_sub(head_height + 1),
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
    };
    f.fields.render(
        frame,
        body,
        Look::new(13).gap(1).errors_below(),
        true,
        theme,
    );
}
