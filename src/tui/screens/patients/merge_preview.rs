//! The merge preview: both records side by side, field by field, the
//! fields that differ marked, and what the survivor will hold after the
//! merge. When the records may be two people (another sex, birth dates far
//! apart, names not alike) it says why and asks for the word `MERGE` and a
//! reason; otherwise Enter merges. It is a [`Dialog`] on the popup stack:
//! Enter answers (yes, or the reason), Esc cancels.

use super::keys::{MERGE_PREVIEW, MERGE_PREVIEW_TYPED};
use crate::domain::merge::CONFIRM_WORD;
use crate::ops::patients::MergePreview;
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Dialog};
use crate::tui::screen::{Ctx, Said, Screen, View};
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup::frame_box;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthChar;

/// The preview and, when the records differ, the word and reason typed.
pub struct MergePreviewDialog {
    preview: MergePreview,
    scroll: usize,
    word: TextField,
    reason: TextField,
    /// The reason field has the cursor (else the word field).
    on_reason: bool,
    error: Option<String>,
    outcome: Option<Answer>,
}

impl MergePreviewDialog {
    pub fn new(preview: MergePreview) -> MergePreviewDialog {
        MergePreviewDialog {
            preview,
            scroll: 0,
            word: TextField::new("Type MERGE").wide(12),
            reason: TextField::new("Reason").wide(200),
            on_reason: false,
            error: None,
            outcome: None,
        }
    }

    fn submit(&mut self) {
        if !self.preview.needs_word() {
            self.outcome = Some(Answer::Yes);
            return;
        }
        let word = self.word.value().trim();
        let reason = self.reason.value().trim();
        if word != CONFIRM_WORD {
            self.on_reason = false;
            self.error = Some(format!(
                "Type {CONFIRM_WORD} in capitals to merge these records, or Esc to leave them apart."
            ));
        } else if reason.is_empty() {
            self.on_reason = true;
            self.error = Some(
                "Type the reason these records are one person: it is kept with the merge.".into(),
            );
        } else {
            self.outcome = Some(Answer::Text(reason.to_string()));
        }
    }

    fn scroll_by(&mut self, delta: isize) {
        let last = self.preview.lines.len().saturating_sub(1);
        self.scroll = self.scroll.saturating_add_signed(delta).min(last);
    }
}

/// `text` cut to `width` columns, with `…` when cut, padded to `width`.
fn cell(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    let room = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if total > width && width > 0 {
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

impl Screen for MergePreviewDialog {
    fn table(&self) -> &'static [Binding] {
        if self.preview.needs_word() {
            MERGE_PREVIEW_TYPED
        } else {
            MERGE_PREVIEW
        }
    }

    fn title(&self) -> &'static str {
        "Merge preview"
    }

    fn perform(&mut self, action: Action, _ctx: &mut Ctx) -> Said {
        match action {
            Action::Submit => self.submit(),
            Action::Cancel => self.outcome = Some(Answer::Cancelled),
            Action::NextField | Action::PrevField => self.on_reason = !self.on_reason,
            Action::Up => self.scroll_by(-1),
            Action::Down => self.scroll_by(1),
            Action::PageUp => self.scroll_by(-5),
            Action::PageDown => self.scroll_by(5),
            _ => {}
        }
        Said::Nothing
    }

    fn takes_text(&self) -> bool {
        self.preview.needs_word()
    }

    fn type_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Said {
        if self.on_reason {
            self.reason.type_key(key);
        } else {
            self.word.type_key(key);
        }
        self.error = None;
        Said::Nothing
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        (!self.reason.is_empty()).then_some("Leave the merge and the reason you typed?")
    }

    fn shown_again(&mut self, _ctx: &mut Ctx) -> Said {
        Said::Nothing
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let theme = view.theme;
        let (s, o) = (&self.preview.survivor, &self.preview.other);
        let title = format!("Merge {} into {}", o.mrn, s.mrn);
        let inner = frame_box(&title, area, theme, frame.buffer_mut());
        let typed = self.preview.needs_word();
        let [names, header, table, legend, question, fields, said] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(3),
            Constraint::Length(if typed { 2 } else { 0 }),
            Constraint::Length(1),
        ])
        .areas(inner);
        let width = inner.width as usize;
        frame.render_widget(
            Paragraph::new(cell(
                &format!(
                    "{} {} keeps its MRN; {} {} is merged into it",
                    s.mrn,
                    s.details.full_name(),
                    o.mrn,
                    o.details.full_name()
                ),
                width,
            )),
            names,
        );
        let label_w = 12;
        let col = width.saturating_sub(label_w + 2 + 3) / 3;
        let row = |mark: &str, label: &str, a: &str, b: &str, c: &str| {
            format!(
                "{}{} {} {} {}",
                cell(mark, 2),
                cell(label, label_w),
                cell(a, col),
                cell(b, col),
                cell(c, col)
            )
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                row("", "", &s.mrn, &o.mrn, "After the merge"),
                theme.header(),
            )),
            header,
        );
        let lines: Vec<Line> = self
            .preview
            .lines
            .iter()
            .skip(self.scroll.min(self.preview.lines.len().saturating_sub(1)))
            .take(table.height as usize)
            .map(|l| {
                let after = if l.changes {
                    format!("+ {}", l.after)
                } else {
                    l.after.clone()
                };
                let text = row(
                    if l.differs { "≠" } else { "" },
                    l.label,
                    &l.survivor,
                    &l.other,
                    &after,
                );
                let style = if l.changes {
                    theme.focused()
                } else if l.differs {
                    theme.warn()
                } else {
                    theme.tab()
                };
                Line::from(Span::styled(text, style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), table);
        let more = self.preview.lines.len() > table.height as usize;
        frame.render_widget(
            Paragraph::new(Span::styled(
                cell(
                    &format!(
                        "≠ the records differ · + the survivor gains it{}",
                        if more { " · ↑↓ more fields" } else { "" }
                    ),
                    width,
                ),
                theme.muted(),
            )),
            legend,
        );
        let ask = if typed {
            let why: Vec<String> = self
                .preview
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect();
            Line::from(vec![
                Span::styled(
                    "These may be two different people: ",
                    theme.error().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!(
                    "{}. To merge them anyway, type {CONFIRM_WORD} and the reason.",
                    why.join("; ")
                )),
            ])
        } else {
            Line::from(format!(
                "Merge {} {} INTO {} {}? Enter merges; Esc leaves them apart. The merge can be undone (M on the record) while neither record changes.",
                o.mrn,
                o.details.full_name(),
                s.mrn,
                s.details.full_name()
            ))
        };
        frame.render_widget(Paragraph::new(ask).wrap(Wrap { trim: true }), question);
        if typed {
            let [w, r] =
                Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(fields);
            self.word
                .render_line(frame, w, 12, !self.on_reason, theme, false);
            self.reason
                .render_line(frame, r, 12, self.on_reason, theme, false);
        }
        if let Some(e) = &self.error {
            frame.render_widget(
                Paragraph::new(Span::styled(cell(e, width), theme.error())),
                said,
            );
        }
    }
}

impl Dialog for MergePreviewDialog {
    /// Yes (records alike), the reason (records that differ, `MERGE`
    /// typed), or nothing (Esc).
    fn finished(&mut self) -> Option<Answer> {
        self.outcome.take()
    }

    /// It answers a merge: a burst of pasted keys is not its answer.
    fn settles(&self) -> bool {
        true
    }
}
