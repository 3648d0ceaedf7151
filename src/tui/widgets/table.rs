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

/// How a column's text may be shortened when the table is narrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Words: a cut text ends in `…`.
    Text,
    /// A name told apart by its end (strength, form): cut in the middle,
    /// keeping its start and its tail.
    Name,
    /// A quantity or amount: right-aligned and never cut; the column
    /// widens, or the cell shows [`OVERFLOW`] when even that cannot fit.
    Number,
    /// A batch number, MRN or other code: never cut, like a number.
    Code,
}

/// What a number or code cell shows, repeated across its width, when the
/// table cannot be wide enough for it: never a part of the value.
pub const OVERFLOW: char = '#';

/// A column of a [`ScrollTable`]: its title, how its cells may be
/// shortened, and for words the width below which it is not squeezed.
#[derive(Debug, Clone)]
pub struct Column {
    title: String,
    kind: Kind,
    min: u16,
    grow: bool,
}

impl Column {
    /// Words cut with `…`, never squeezed below `min` columns.
    pub fn text(title: impl Into<String>, min: u16) -> Self {
        Self::new(title, Kind::Text, min)
    }

    /// A name cut in the middle, never squeezed below `min` columns.
    pub fn name(title: impl Into<String>, min: u16) -> Self {
        Self::new(title, Kind::Name, min)
    }

    /// A right-aligned quantity, never cut.
    pub fn number(title: impl Into<String>) -> Self {
        Self::new(title, Kind::Number, 0)
    }

    /// A code (batch number, MRN), never cut.
    pub fn code(title: impl Into<String>) -> Self {
        Self::new(title, Kind::Code, 0)
    }

    /// Takes the room the other columns leave (shared with the other
    /// growing columns).
    pub fn grow(mut self) -> Self {
        self.grow = true;
        self
    }

    fn new(title: impl Into<String>, kind: Kind, min: u16) -> Self {
        Column {
            title: title.into(),
            kind,
            min,
            grow: false,
        }
    }

    fn whole(&self) -> bool {
        matches!(self.kind, Kind::Number | Kind::Code)
    }
}

/// One cell's text and style (a line, or one per line of a taller row);
/// the widget fits each line to its column.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    lines: Vec<(String, Style)>,
}

impl Cell {
    pub fn styled(text: impl Into<String>, style: Style) -> Self {
        Cell {
            lines: vec![(text.into(), style)],
        }
    }

    /// A cell of several lines, each with its style, for a row made
    /// taller with [`ScrollTable::row_height`].
    pub fn lines(lines: impl IntoIterator<Item = (String, Style)>) -> Self {
        Cell {
            lines: lines.into_iter().collect(),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::styled(text, Style::new())
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::from(text.to_string())
    }
}

/// A row of cells, one per column, with the style of the whole row.
#[derive(Debug, Clone, Default)]
pub struct Line {
    cells: Vec<Cell>,
    style: Style,
}

impl Line {
    pub fn new<C: Into<Cell>>(cells: impl IntoIterator<Item = C>) -> Self {
        Line {
            cells: cells.into_iter().map(Into::into).collect(),
            style: Style::new(),
        }
    }

    pub fn style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }
}

/// A cell of the selected row that does not show whole: its column's
/// title and its full text, for the screen's detail line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub title: String,
    pub text: String,
}

/// The cut cells of the selected row as "Title: text · Title: text", for a
/// screen's detail line; empty when every cell shows whole.
pub fn cuts_line(cuts: &[Cut]) -> String {
    cuts.iter()
        .map(|c| format!("{}: {}", c.title, c.text))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn width_of(text: &str) -> u16 {
    use unicode_width::UnicodeWidthStr;
    u16::try_from(text.width()).unwrap_or(u16::MAX)
}

/// The widths of `columns` in `room` terminal columns (one column apart),
/// given the widest text of each (`content`, title included). Numbers and
/// codes get their widest text, taken from words and names down to their
/// minimum; the room left goes to the growing columns. Only when even the
/// words' minimums leave too little are numbers and codes narrowed (their
/// cells then show [`OVERFLOW`]).
pub fn allocate(columns: &[Column], content: &[u16], room: u16) -> Vec<u16> {
    let gaps = columns.len().saturating_sub(1) as u32;
    let room = u32::from(room).saturating_sub(gaps);
    let mut w: Vec<u32> = content.iter().map(|&c| u32::from(c)).collect();
    let floor: Vec<u32> = columns
        .iter()
        .zip(&w)
        .map(|(c, &want)| {
            if c.whole() {
                want
            } else {
                want.min(u32::from(c.min))
            }
        })
        .collect();
    let total = |w: &[u32]| w.iter().sum::<u32>();
    // squeeze the widest column that may still give room, words first
    let squeeze = |w: &mut Vec<u32>, floor: &dyn Fn(usize) -> u32| {
        while total(w) > room {
            let widest = (0..w.len())
                .filter(|&i| w[i] > floor(i))
                .max_by_key(|&i| (w[i], std::cmp::Reverse(i)));
            match widest {
                Some(i) => w[i] -= 1,
                None => break,
            }
        }
    };
    squeeze(&mut w, &|i| floor[i]);
    squeeze(&mut w, &|_| 1);
    let left = room.saturating_sub(total(&w));
    let growing: Vec<usize> = (0..columns.len()).filter(|&i| columns[i].grow).collect();
    if !growing.is_empty() {
        let share = left / growing.len() as u32;
        let extra = left % growing.len() as u32;
        for (k, &i) in growing.iter().enumerate() {
            w[i] += share + u32::from((k as u32) < extra);
        }
    }
    w.into_iter()
        .map(|x| u16::try_from(x).unwrap_or(u16::MAX))
        .collect()
}

/// `text` in `width` columns: whole, or cut in the middle with `…` so
/// that both its start and its end (strength, form) still show. A word
/// with a digit is never shown in part ("500 mg" never becomes "0 mg").
pub fn cut_middle(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    if width < 8 {
        return fit_or_mark(text, width);
    }
    let chars: Vec<char> = text.chars().collect();
    let w = |c: &char| c.width().unwrap_or(0);
    let room = width - 1;
    let mut start = chars.len();
    let mut used = 0;
    while start > 0 && used + w(&chars[start - 1]) <= room - room / 3 {
        start -= 1;
        used += w(&chars[start]);
    }
    let split_word = |at: usize| {
        let from = chars[..at]
            .iter()
            .rposition(|c| c.is_whitespace())
            .map_or(0, |i| i + 1);
        let to = chars[at..]
            .iter()
            .position(|c| c.is_whitespace())
            .map_or(chars.len(), |i| at + i);
        (from < at && at < to && chars[from..to].iter().any(char::is_ascii_digit))
            .then_some((from, to))
    };
    if let Some((_, to)) = split_word(start) {
        start = to;
    }
    let tail: String = chars[start..]
        .iter()
        .collect::<String>()
        .trim_start()
        .to_string();
    let head_room = room - tail.width();
    let mut end = 0;
    let mut used = 0;
    while end < start && used + w(&chars[end]) <= head_room {
        used += w(&chars[end]);
        end += 1;
    }
    if let Some((from, _)) = split_word(end) {
        end = from;
    }
    let head: String = chars[..end].iter().collect();
    format!("{}…{tail}", head.trim_end())
}

/// `text` fitted to `width` as a cell of a `kind` column: numbers
/// right-aligned, and a number or code too wide shows [`OVERFLOW`] only.
fn fit(kind: Kind, text: &str, width: u16) -> String {
    let w = usize::from(width);
    match kind {
        Kind::Text => fit_or_mark(text, w),
        Kind::Name => cut_middle(text, w),
        Kind::Number | Kind::Code if width_of(text) > width => OVERFLOW.to_string().repeat(w),
        Kind::Number => format!("{text:>w$}"),
        Kind::Code => text.to_string(),
    }
}

/// A table of rows under a header row, in an optional block, that scrolls
/// to keep its selected row in view. It fits every cell to its column
/// itself: numbers and codes are never cut, a cut text is always marked.
pub struct ScrollTable<'a> {
    columns: Vec<Column>,
    header_style: Style,
    block: Option<Block<'a>>,
    highlight: Style,
    top: usize,
    row_height: u16,
}

impl<'a> ScrollTable<'a> {
    pub fn new(columns: impl IntoIterator<Item = Column>) -> Self {
        ScrollTable {
            columns: columns.into_iter().collect(),
            header_style: Style::new(),
            block: None,
            highlight: Style::new(),
            top: 0,
            row_height: 1,
        }
    }

    /// Rows of `lines` lines each (1 unless set).
    pub fn row_height(mut self, lines: u16) -> Self {
        self.row_height = lines.max(1);
        self
    }

    /// With no selection, the first row shown (a list scrolled by hand).
    pub fn from_row(mut self, first: usize) -> Self {
        self.top = first;
        self
    }

    /// The style of the header row.
    pub fn header_style(mut self, style: Style) -> Self {
        self.header_style = style;
        self
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
        usize::from(inner.height.saturating_sub(1) / self.row_height)
    }

    /// Draws rows `0..len` (built by `row` for those in view only), with
    /// row `selected` highlighted and in view. The cells of the selected
    /// row that do not show whole are written out in full on the block's
    /// bottom line, and returned for a screen without a block.
    pub fn render(
        self,
        frame: &mut Frame,
        area: Rect,
        selected: Option<usize>,
        len: usize,
        row: impl FnMut(usize) -> Line,
    ) -> Vec<Cut> {
        let visible = self.visible(area);
        let inner = match &self.block {
            Some(b) => b.inner(area),
            None => area,
        };
        let selected = selected.filter(|_| len > 0).map(|s| s.min(len - 1));
        let first = selected.map_or(self.top.min(len), |s| offset(s, visible));
        let lines: Vec<Line> = (first..(first + visible).min(len)).map(row).collect();
        let mut content: Vec<u16> = self.columns.iter().map(|c| width_of(&c.title)).collect();
        for line in &lines {
            for (c, cell) in content.iter_mut().zip(&line.cells) {
                for (text, _) in &cell.lines {
                    *c = (*c).max(width_of(text));
                }
            }
        }
        let widths = allocate(&self.columns, &content, inner.width);
        let mut cuts = Vec::new();
        let header = Row::new(self.columns.iter().zip(&widths).map(|(c, &w)| {
            let title = fit_or_mark(&c.title, usize::from(w));
            match c.kind {
                Kind::Number => format!("{title:>w$}", w = usize::from(w)),
                _ => title,
            }
        }))
        .style(self.header_style);
        let in_view_selected = selected.map(|s| s - first);
        let rows: Vec<Row> =
            lines
                .into_iter()
                .enumerate()
                .map(|(k, line)| {
                    let cells = self.columns.iter().zip(&widths).zip(line.cells).map(
                        |((col, &w), cell)| {
                            let shown = cell.lines.into_iter().map(|(text, style)| {
                                let fitted = fit(col.kind, &text, w);
                                if Some(k) == in_view_selected && fitted.trim() != text.trim() {
                                    cuts.push(Cut {
                                        title: col.title.clone(),
                                        text,
                                    });
                                }
                                ratatui::text::Line::styled(fitted, style)
                            });
                            ratatui::widgets::Cell::from(ratatui::text::Text::from(
                                shown.collect::<Vec<_>>(),
                            ))
                        },
                    );
                    Row::new(cells.collect::<Vec<_>>())
                        .style(line.style)
                        .height(self.row_height)
                })
                .collect();
        let mut table = Table::new(rows, widths.iter().map(|&w| Constraint::Length(w)))
            .header(header)
            .row_highlight_style(self.highlight);
        if let Some(mut block) = self.block {
            if !cuts.is_empty() {
                let room = usize::from(area.width.saturating_sub(4));
                let whole = fit_or_mark(&cuts_line(&cuts), room);
                block = block
                    .title_bottom(ratatui::text::Line::from(format!(" {whole} ")).right_aligned());
            }
            table = table.block(block);
        }
        let mut state = TableState::default().with_selected(in_view_selected);
        frame.render_stateful_widget(table, area, &mut state);
        cuts
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
    fn numbers_and_codes_take_their_room_from_words() {
        let cols = [
            Column::name("Item", 12).grow(),
            Column::number("On hand"),
            Column::code("Batch"),
            Column::text("Alerts", 6),
        ];
        // room for everything: the name grows into what is left
        assert_eq!(allocate(&cols, &[20, 9, 20, 6], 80), vec![42, 9, 20, 6]);
        // narrow: the name gives room down to its minimum, the rest stays whole
        assert_eq!(allocate(&cols, &[55, 9, 20, 17], 52), vec![12, 9, 20, 8]);
        // too narrow even then: only now is a number or code narrowed
        let w = allocate(&cols, &[55, 9, 20, 6], 40);
        assert_eq!(w.iter().sum::<u16>() + 3, 40, "{w:?}");
        assert!(w[1] < 9 || w[2] < 20, "{w:?}");
    }

    #[test]
    fn a_number_or_code_too_wide_shows_only_the_overflow_mark() {
        assert_eq!(fit(Kind::Number, "1,000,250", 9), "1,000,250");
        assert_eq!(fit(Kind::Number, "12", 5), "   12");
        assert_eq!(fit(Kind::Number, "1,000,250", 8), "########");
        assert_eq!(fit(Kind::Code, "BN2024-000123-KEMSA1", 12), "############");
        assert_eq!(fit(Kind::Text, "Riverside Community", 10), "Riverside…");
    }

    #[test]
    fn a_name_cut_in_the_middle_keeps_its_strength_and_form() {
        let tab = "Amoxicillin with clavulanic acid 500 mg + 125 mg tablet";
        let susp = "Amoxicillin with clavulanic acid 125 mg + 31.25 mg/5 ml suspension";
        let (a, b) = (cut_middle(tab, 30), cut_middle(susp, 30));
        assert_eq!(a, "Amoxicillin…mg + 125 mg tablet");
        assert_eq!(b, "Amoxicillin…mg/5 ml suspension");
        assert_eq!(
            cut_middle("Paracetamol 500 mg tablet", 20),
            "Parace…500 mg tablet"
        );
        assert_ne!(a, b);
        assert!(width_of(&a) <= 30 && width_of(&b) <= 30);
        assert_eq!(cut_middle("Paracetamol 500 mg", 30), "Paracetamol 500 mg");
    }

    #[test]
    fn the_selected_rows_cut_cells_are_reported_whole() {
        let mut t = Terminal::new(TestBackend::new(25, 4)).unwrap();
        let mut cuts = Vec::new();
        t.draw(|f| {
            cuts = ScrollTable::new([Column::text("Item", 4).grow(), Column::code("Batch")])
                .render(f, f.area(), Some(0), 1, |_| {
                    Line::new(["Amoxicillin 500 mg capsule", "BN2024-000123-KEMSA1"])
                });
        })
        .unwrap();
        assert_eq!(
            cuts,
            vec![Cut {
                title: "Item".into(),
                text: "Amoxicillin 500 mg capsule".into()
            }]
        );
        let line: String = (0..25)
            .map(|x| t.backend().buffer()[(x, 1)].symbol().to_string())
            .collect();
        assert!(line.ends_with("BN2024-000123-KEMSA1"), "{line}");
        assert!(line.starts_with("Amo… BN2024"), "{line}");
    }

    #[test]
    fn the_block_shows_the_selected_rows_cut_values_in_full() {
        let mut t = Terminal::new(TestBackend::new(36, 5)).unwrap();
        t.draw(|f| {
            ScrollTable::new([Column::name("Item", 4).grow(), Column::number("On hand")])
                .block(Block::default().borders(Borders::ALL))
                .render(f, f.area(), Some(0), 2, |i| {
                    Line::new([["Paracetamol 500 mg tablet", "Atenolol"][i], "1,000,250"])
                });
        })
        .unwrap();
        let bottom: String = (0..36)
            .map(|x| t.backend().buffer()[(x, 4)].symbol().to_string())
            .collect();
        assert!(
            bottom.contains(" Item: Paracetamol 500 mg tablet "),
            "{bottom}"
        );
    }

    #[test]
    fn a_two_line_row_fits_each_line_and_counts_twice() {
        let t = ScrollTable::new([Column::code("MRN")]).row_height(2);
        assert_eq!(t.visible(Rect::new(0, 0, 20, 7)), 3);
        let mut term = Terminal::new(TestBackend::new(20, 3)).unwrap();
        term.draw(|f| {
            ScrollTable::new([Column::text("Patient", 4), Column::number("Age")])
                .row_height(2)
                .render(f, f.area(), Some(0), 1, |_| {
                    Line::new([
                        Cell::lines([
                            ("Amina".to_string(), Style::new()),
                            ("TST-000001-X".to_string(), Style::new()),
                        ]),
                        Cell::from("38"),
                    ])
                });
        })
        .unwrap();
        let line = |y| -> String {
            (0..20)
                .map(|x| term.backend().buffer()[(x, y)].symbol().to_string())
                .collect()
        };
        assert_eq!(line(1), "Amina         38    ");
        assert_eq!(line(2), "TST-000001-X        ");
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
            ScrollTable::new([Column::text("Row", 10)])
                .block(Block::default().borders(Borders::ALL))
                .render(f, f.area(), selected, len, |i| {
                    built.push(i);
                    Line::new([format!("r{i}")])
                });
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
