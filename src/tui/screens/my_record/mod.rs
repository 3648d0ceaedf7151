//! A patient's own record in the terminal: the only screen a patient
//! account reaches. Its sections come from the portal's read model
//! ([`crate::ops::portal`]), each shown section a READ event of the
//! patient's own account; no search, no other patient, no staff screen.

mod keys;
mod lines;

pub use keys::MY_RECORD;

use crate::ops::portal::Section;
use crate::tui::keymap::{Action, Binding};
use crate::tui::screen::{Ctx, Said, Screen, View, said_error};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs};

/// The section shown, what it says, and where the reader is in it.
pub struct MyRecord {
    section: Section,
    lines: Vec<String>,
    scroll: u16,
    /// The page of "who opened my record", from 1, and how many there are.
    page: usize,
    pages: usize,
}

impl MyRecord {
    /// Opens the record on its first section.
    pub fn open(ctx: &mut Ctx) -> (MyRecord, Said) {
        let mut r = MyRecord {
            section: Section::Demographics,
            lines: Vec::new(),
            scroll: 0,
            page: 1,
            pages: 1,
        };
        let said = r.load(ctx);
        (r, said)
    }

    /// Reads the section shown afresh (a READ event); a refusal (access
    /// switched off meanwhile) empties the screen and says why.
    fn load(&mut self, ctx: &mut Ctx) -> Said {
        match lines::read(ctx.db, ctx.session, ctx.clock(), self.section, self.page) {
            Ok(read) => {
                self.lines = read.lines;
                self.pages = read.pages.max(1);
                Said::Nothing
            }
            Err(e) => {
                self.lines.clear();
                said_error(e)
            }
        }
    }

    fn show(&mut self, section: Section, ctx: &mut Ctx) -> Said {
        self.section = section;
        self.scroll = 0;
        self.page = 1;
        self.load(ctx)
    }

    fn index(&self) -> usize {
        Section::ALL
            .iter()
            .position(|s| *s == self.section)
            .unwrap_or(0)
    }
}

impl Screen for MyRecord {
    fn table(&self) -> &'static [Binding] {
        MY_RECORD
    }

    fn title(&self) -> &'static str {
        "My record"
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let n = Section::ALL.len();
        let max_scroll = u16::try_from(self.lines.len().saturating_sub(1)).unwrap_or(u16::MAX);
        match action {
            Action::Right => self.show(Section::ALL[(self.index() + 1) % n], ctx),
            Action::Left => self.show(Section::ALL[(self.index() + n - 1) % n], ctx),
            Action::ShowSection(k) => match Section::ALL.get(usize::from(k).wrapping_sub(1)) {
                Some(s) => self.show(*s, ctx),
                None => Said::Nothing,
            },
            Action::OlderEntries | Action::NewerEntries => {
                if self.section != Section::WhoOpened {
                    return Said::Info(
                        "n and p turn the pages of \"Who opened my record\" (key 7).".into(),
                    );
                }
                let page = if action == Action::OlderEntries {
                    (self.page + 1).min(self.pages)
                } else {
                    self.page.saturating_sub(1).max(1)
                };
                if page == self.page {
                    return Said::Info("There is no other page that way.".into());
                }
                self.page = page;
                self.scroll = 0;
                self.load(ctx)
            }
            Action::Up => {
                self.scroll = self.scroll.saturating_sub(1);
                Said::Nothing
            }
            Action::Down => {
                self.scroll = self.scroll.saturating_add(1).min(max_scroll);
                Said::Nothing
            }
            Action::PageUp => {
                self.scroll = self.scroll.saturating_sub(10);
                Said::Nothing
            }
            Action::PageDown => {
                self.scroll = self.scroll.saturating_add(10).min(max_scroll);
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        self.load(ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &View) {
        let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let titles: Vec<String> = Section::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{} {}", i + 1, s.short_label()))
            .collect();
        frame.render_widget(
            Tabs::new(titles)
                .padding("", "")
                .divider(" ")
                .select(self.index())
                .highlight_style(view.theme.selected()),
            bar,
        );
        let text: Vec<Line> = self
            .lines
            .iter()
            .map(|l| Line::from(Span::raw(l.clone())))
            .collect();
        frame.render_widget(
            Paragraph::new(text).scroll((self.scroll, 0)).block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(self.section.label()),
            ),
            body,
        );
    }
}
