//! The stock count of one item: the sheet of its batches with what was
//! counted on the shelf, and the tab's count keys; the differences are
//! posted as count movements in one step, once confirmed. The count is
//! blind: each batch's count starts empty and its ledger quantity shows
//! only once its count is entered (the user moves on, or saves).

use super::{Local, Pending, Pharmacy, View};
use crate::domain::display::{grouped, plural, signed};
use crate::domain::pharmacy::{Batch, Item, parse_quantity};
use crate::ops::pharmacy::{self as ops, Counted};
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::table::{Column, Line as TableLine, ScrollTable};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Paragraph, Wrap};

/// A stock count of one item: each batch's ledger quantity and what was counted.
pub struct CountSheet {
    pub item: Item,
    pub batches: Vec<Batch>,
    counted: Vec<TextField>,
    /// Whether each batch's count was entered, so its ledger may show.
    entered: Vec<bool>,
    pub selected: usize,
}

impl CountSheet {
    /// The batches to count: those with stock, and those not yet expired.
    pub fn new(item: Item, batches: &[Batch], today: NaiveDate) -> CountSheet {
        let batches: Vec<Batch> = batches
            .iter()
            .filter(|b| b.on_hand > 0 || b.expiry > today)
            .cloned()
            .collect();
        let counted = batches
            .iter()
            .map(|_| TextField::new("Counted").wide(8))
            .collect();
        CountSheet {
            item,
            entered: vec![false; batches.len()],
            batches,
            counted,
            selected: 0,
        }
    }

    /// Whether there is no batch to count.
    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    /// Moves to the next (or previous) batch; the count typed on the batch
    /// left is entered.
    pub fn move_by(&mut self, down: bool) {
        self.enter(self.selected);
        let last = self.batches.len().saturating_sub(1);
        self.selected = if down {
            (self.selected + 1).min(last)
        } else {
            self.selected.saturating_sub(1)
        };
    }

    /// Text typed into the selected batch's count.
    pub fn type_key(&mut self, key: KeyEvent) {
        if let Some(f) = self.counted.get_mut(self.selected) {
            f.type_key(key);
        }
    }

    /// Text pasted into the selected batch's count.
    pub fn paste(&mut self, text: &str) {
        if let Some(f) = self.counted.get_mut(self.selected) {
            f.paste(text);
        }
    }

    /// Marks batch `i`'s count entered, when one is typed.
    fn enter(&mut self, i: usize) {
        if self.counted(i).is_some()
            && let Some(e) = self.entered.get_mut(i)
        {
            *e = true;
        }
    }

    /// Batch `i`'s count, once entered (the ledger may show beside it).
    fn entered_count(&self, i: usize) -> Option<i64> {
        if self.entered.get(i).copied().unwrap_or(false) {
            self.counted(i)
        } else {
            None
        }
    }

    fn counted(&self, i: usize) -> Option<i64> {
        let t = self.counted.get(i)?.value().trim();
        if t == "0" {
            return Some(0);
        }
        parse_quantity(t)
    }

    /// Whether anything was counted.
    pub fn changed(&self) -> bool {
        self.counted.iter().any(|f| !f.is_empty())
    }

    /// The count as posted, every count then entered; or the first batch
    /// left empty or not counted in a whole number, never taken as 0.
    pub fn lines(&mut self) -> Result<Vec<Counted>, String> {
        let mut lines = Vec::new();
        for (i, b) in self.batches.iter().enumerate() {
            match self.counted(i) {
                Some(n) => lines.push(Counted {
                    batch_id: b.id.clone(),
                    expected: b.on_hand,
                    counted: n,
                }),
                None => {
                    self.selected = i;
                    let empty = self.counted.get(i).is_none_or(TextField::is_empty);
                    return Err(if empty {
                        format!(
                            "Batch {} has no count yet: type what is on the shelf (0 if none), then Ctrl+S.",
                            b.batch_no
                        )
                    } else {
                        format!(
                            "Type the counted quantity of batch {} as a whole number (0 if none).",
                            b.batch_no
                        )
                    });
                }
            }
        }
        self.entered.iter_mut().for_each(|e| *e = true);
        Ok(lines)
    }

    /// The differences the entered counts would post, e.g. "SOON-1 -2".
    pub fn differences(&self) -> Vec<String> {
        self.batches
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let n = self.entered_count(i)?;
                (n != b.on_hand).then(|| format!("{} {}", b.batch_no, signed(n - b.on_hand)))
            })
            .collect()
    }

    /// Draws the count: each batch's ledger quantity, the count typed and
    /// the difference, and what posting would change.
    pub fn render(&self, frame: &mut Frame, area: Rect, local: &Local, theme: &Theme) {
        let block = Block::bordered().title(Span::styled(
            format!(" Stock count: {} ", self.item.details.label()),
            theme.title(),
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [intro, table_area, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(3),
            Constraint::Length(2),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new(format!(
                " Type what is on the shelf for each batch ({}), ↓ to the next; its ledger shows once counted. Ctrl+S posts the differences as count movements.",
                self.item.details.unit
            ))
            .wrap(Wrap { trim: true }),
            intro,
        );
        let table = ScrollTable::new([
            Column::code("Batch"),
            Column::text("Expiry", 10).grow(),
            Column::number("Ledger"),
            Column::code("Counted"),
            Column::number("Difference"),
        ])
        .header_style(theme.header())
        .highlight(theme.selected());
        table.render(
            frame,
            table_area,
            Some(self.selected),
            self.batches.len(),
            |i| {
                let b = &self.batches[i];
                let counted = self
                    .counted
                    .get(i)
                    .map(|f| f.value().to_string())
                    .unwrap_or_default();
                let (ledger, diff) = match self.entered_count(i) {
                    Some(n) if n == b.on_hand => (grouped(b.on_hand), "=".to_string()),
                    Some(n) => (grouped(b.on_hand), signed(n - b.on_hand)),
                    None => ("·".to_string(), String::new()),
                };
                let state = if b.expiry <= local.today {
                    " EXPIRED"
                } else {
                    ""
                };
                let counted = if i == self.selected {
                    format!("[{counted:_<8}]")
                } else {
                    format!(" {counted:<8} ")
                };
                TableLine::new(vec![
                    b.batch_no.clone(),
                    format!("{}{state}", b.expiry.format(local.date_pattern)),
                    ledger,
                    counted,
                    diff,
                ])
            },
        );
        let diffs = self.differences();
        let summary = if !diffs.is_empty() {
            format!(" To post: {}", diffs.join(", "))
        } else if !self.entered.iter().all(|e| *e) {
            " No differences so far.".to_string()
        } else {
            " No differences: Ctrl+S posts a count that agrees with the ledger.".to_string()
        };
        frame.render_widget(
            Paragraph::new(Span::styled(summary, theme.warn())).wrap(Wrap { trim: true }),
            foot,
        );
    }
}

impl Pharmacy {
    pub(super) fn perform_count(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Count(sheet) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::Up => sheet.move_by(false),
            Action::Down => sheet.move_by(true),
            Action::Cancel => {
                if sheet.changed() {
                    let question = "Throw away the quantities you counted?";
                    return Question::confirm(question, Pending::DiscardForm).into();
                }
                return self.close_form(ctx);
            }
            Action::Save => {
                if let Err(msg) = sheet.lines() {
                    return Said::Error(msg);
                }
                let diffs = sheet.differences();
                let question = if diffs.is_empty() {
                    format!(
                        "Record that every batch of {} agrees with the ledger?",
                        sheet.item.details.label()
                    )
                } else {
                    format!(
                        "Post the count of {} as count movements: {}?",
                        sheet.item.details.label(),
                        diffs.join(", ")
                    )
                };
                return Question::confirm(question, Pending::PostCount).into();
            }
            _ => {}
        }
        Said::Nothing
    }

    /// Posts the count, once confirmed.
    pub(super) fn post_count(&mut self, ctx: &mut Ctx) -> Said {
        let View::Count(sheet) = &mut self.view else {
            return Said::Nothing;
        };
        let lines = match sheet.lines() {
            Ok(l) => l,
            Err(msg) => return Said::Error(msg),
        };
        let item_id = sheet.item.id.clone();
        match ops::post_count(ctx.db, ctx.session, &item_id, &lines, ctx.now) {
            Ok(n) => {
                let said = self.close_form(ctx);
                if said != Said::Nothing {
                    return said;
                }
                Said::Info(if n == 0 {
                    "Count recorded: every batch agreed with the ledger.".into()
                } else {
                    format!(
                        "Count posted: {} corrected.",
                        plural(n as u64, "batch", "batches")
                    )
                })
            }
            Err(e) => said_error(e),
        }
    }
}
