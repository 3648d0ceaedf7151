//! A scrolling table with a selection, shared by the screens' lists: the
//! selected row and the keys that move it ([`Selection`]), and drawing a
//! header and the rows in view so that the selection stays visible
//! ([`ScrollTable`]). Only the rows in view are built, so a list may be
//! long (or read lazily) without slowing a frame.

use crate::tui::keymap::Action;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Row, Table, TableState};

/// How many rows PgUp and PgDn move.
pub const PAGE: usize = 10;

/// The selected row of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Selection {
    index: usize,
}

impl Selection {
    /// The selected row (0 in an empty list).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Selects row `i` of a list of `len` rows (the last when past the end).
    pub fn select(&mut self, i: usize, len: usize) {
        self.index = i.min(len.saturating_sub(1));
    }

    /// Keeps the selection inside a list that now has `len` rows.
    pub fn clamp(&mut self, len: usize) {
        self.select(self.index, len);
    }

    /// Moves with ↑ ↓ PgUp PgDn Home End in a list of `len` rows; false
    /// (and nothing moves) for any other action.
    pub fn navigate(&mut self, action: Action, len: usize) -> bool {
        let last = len.saturating_sub(1);
        self.index = match action {
            Action::Up => self.index.saturating_sub(1),
            Action::Down => (self.index + 1).min(last),
            Action::PageUp => self.index.saturating_sub(PAGE),
            Action::PageDown => (self.index + PAGE).min(last),
            Action::Home => 0,
            Action::End => last,
            _ => return false,
        };
        true
    }

    /// The first row shown when `visible` rows fit: the selection stays in
    /// view, on the last line once it is past the first page.
    pub fn offset(&self, visible: usize) -> usize {
        offset(self.index, visible)
    }
}

/// The first row shown when `visible` rows fit and row `selected` must show.
pub fn offset(selected: usize, visible: usize) -> usize {
    selected.saturating_sub(visible.saturating_sub(1))
}

/// `text` as it fits in `width` columns: whole, or cut with a closing `…`
/// so that a cut never passes for the whole value.
pub fn fit_or_mark(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A table of rows under a header row, in an optional block, that scrolls
/// to keep its selected row in view.
pub struct ScrollTable<'a> {
    header: Row<'a>,
    widths: Vec<Constraint>,
    block: Option<Block<'a>>,
    highlight: Style,
}

impl<'a> ScrollTable<'a> {
    pub fn new(header: Row<'a>, widths: impl IntoIterator<Item = Constraint>) -> Self {
        ScrollTable {
            header,
            widths: widths.into_iter().collect(),
            block: None,
            highlight: Style::new(),
        }
    }

    pub fn block(mut self, block: Block<'a>) -> Self {
        self.block = Some(block);
        self
    }

    /// The style of the selected row.
    pub fn highlight(mut self, style: Style) -> Self {
        self.highlight = style;
        self
    }

    /// How many rows fit in `area` under the header (inside the block).
    pub fn visible(&self, area: Rect) -> usize {
        let inner = match &self.block {
            Some(b) => b.inner(area),
            None => area,
        };
        usize::from(inner.height.saturating_sub(1))
    }

    /// Draws rows `0..len` (built by `row` for those in view only), with
    /// row `selected` highlighted and in view.
    pub fn render(
        self,
        frame: &mut Frame,
        area: Rect,
        selected: Option<usize>,
        len: usize,
        row: impl FnMut(usize) -> Row<'a>,
    ) {
        let visible = self.visible(area);
        let selected = selected.filter(|_| len > 0).map(|s| s.min(len - 1));
        let first = selected.map_or(0, |s| offset(s, visible));
        let rows = (first..(first + visible).min(len)).map(row);
        let mut table = Table::new(rows, self.widths)
            .header(self.header)
            .row_highlight_style(self.highlight);
        if let Some(block) = self.block {
            table = table.block(block);
        }
        let mut state = TableState::default().with_selected(selected.map(|s| s - first));
        frame.render_stateful_widget(table, area, &mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::widgets::Borders;

    #[test]
    fn a_cut_value_ends_in_a_mark() {
        assert_eq!(fit_or_mark("YYYY-MM-DD", 10), "YYYY-MM-DD");
        assert_eq!(fit_or_mark("YYYY-MM-DD", 9), "YYYY-MM-…");
        assert_eq!(fit_or_mark("Lakeside Clinic", 1), "…");
        assert_eq!(fit_or_mark("x", 0), "");
    }

    #[test]
    fn moves_stay_inside_the_list() {
        let mut s = Selection::default();
        assert!(s.navigate(Action::Up, 5));
        assert_eq!(s.index(), 0);
        s.navigate(Action::Down, 5);
        s.navigate(Action::Down, 5);
        assert_eq!(s.index(), 2);
        s.navigate(Action::PageDown, 5);
        assert_eq!(s.index(), 4, "a page down stops on the last row");
        s.navigate(Action::Down, 5);
        assert_eq!(s.index(), 4);
        s.navigate(Action::PageUp, 5);
        assert_eq!(s.index(), 0, "a page up stops on the first row");
        s.navigate(Action::End, 25);
        assert_eq!(s.index(), 24);
        s.navigate(Action::PageUp, 25);
        assert_eq!(s.index(), 14);
        s.navigate(Action::Home, 25);
        assert_eq!(s.index(), 0);
        assert!(!s.navigate(Action::Open, 25), "not a move");
    }

    #[test]
    fn an_empty_list_keeps_row_zero() {
        let mut s = Selection::default();
        for a in [Action::Down, Action::End, Action::PageDown, Action::Up] {
            s.navigate(a, 0);
            assert_eq!(s.index(), 0);
        }
        s.select(7, 0);
        assert_eq!(s.index(), 0);
        let mut s = Selection::default();
        s.select(9, 4);
        assert_eq!(s.index(), 3);
        s.clamp(2);
        assert_eq!(s.index(), 1);
    }

    #[test]
    fn the_offset_keeps_the_selection_in_view() {
        assert_eq!(offset(0, 5), 0);
        assert_eq!(offset(4, 5), 0);
        assert_eq!(offset(5, 5), 1);
        assert_eq!(offset(30, 5), 26);
        assert_eq!(offset(3, 0), 3, "no room: nothing shows, nothing panics");
    }

    fn drawn(selected: Option<usize>, len: usize, height: u16) -> (Vec<String>, Vec<usize>) {
        let mut t = Terminal::new(TestBackend::new(12, height)).unwrap();
        let mut built = Vec::new();
        t.draw(|f| {
            ScrollTable::new(Row::new(["Row"]), [Constraint::Length(10)])
                .block(Block::default().borders(Borders::ALL))
                .render(f, f.area(), selected, len, |i| {
                    built.push(i);
                    Row::new([format!("r{i}")])
                })
        })
        .unwrap();
        let buf = t.backend().buffer().clone();
        let lines = (0..height)
            .map(|y| {
                (0..12)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect();
        (lines, built)
    }

    #[test]
    fn draws_only_the_rows_in_view_with_the_selection_last() {
        // 8 lines: two borders and the header leave five rows.
        let (lines, built) = drawn(Some(12), 40, 8);
        assert_eq!(built, vec![8, 9, 10, 11, 12]);
        assert!(lines[1].contains("Row"));
        assert!(lines[2].contains("r8"));
        assert!(lines[6].contains("r12"));
    }

    #[test]
    fn an_empty_table_draws_its_header_only() {
        let (lines, built) = drawn(Some(3), 0, 6);
        assert!(built.is_empty());
        assert!(lines[1].contains("Row"));
        assert!(lines[2].trim_matches(['│', ' ']).is_empty());
    }

    #[test]
    fn a_selection_past_the_end_shows_the_last_row() {
        let (_, built) = drawn(Some(50), 3, 8);
        assert_eq!(built, vec![0, 1, 2]);
    }
}
