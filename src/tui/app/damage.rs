//! The app's side of a damaged hospital file: the background check of
//! every page started after opening and heard between keys, and the banner
//! over every screen once damage is known (see `store::damage`).

use super::{App, Message};
use crate::health::PagesCheck;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

impl App {
    /// Starts reading every page of the file on a thread of its own; the
    /// result is heard between keys ([`App::tick`]), and damage shown over
    /// every screen.
    pub fn check_pages_in_background(&mut self) {
        self.pages_check = Some(crate::health::check_pages_in_background(self.db.path()));
    }

    pub(super) fn hear_pages_check(&mut self) {
        let Some(rx) = &self.pages_check else {
            return;
        };
        let result = match rx.try_recv() {
            Ok(r) => r,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                PagesCheck::CouldNotRun("the check stopped before it finished".into())
            }
        };
        self.pages_check = None;
        match result {
            PagesCheck::Sound => tracing::info!("every page of the hospital file read back sound"),
            PagesCheck::Damaged(_) => {}
            PagesCheck::CouldNotRun(why) => {
                tracing::warn!(
                    why,
                    "the background check of the file's pages could not run"
                );
                self.message = Some(Message {
                    text: format!(
                        "The check of the hospital file could not run ({why}): run `wardline check` today."
                    ),
                    error: false,
                    warning: true,
                });
            }
        }
    }
}

/// What the banner over every screen says when the hospital file is
/// damaged, wrapped to `width` columns.
pub(super) fn damage_lines(detail: &str, width: u16) -> Vec<String> {
    let text = format!(
        "SQLite found: {detail}. This terminal writes nothing more to the file. Close wardline on every terminal, run `wardline check`, and restore the latest backup with `wardline restore`."
    );
    crate::domain::label::wrap(&text, usize::from(width.saturating_sub(2)).max(1), 0)
}

/// Says, over every screen, that the hospital file is damaged, that this
/// terminal writes nothing more, and what to do.
pub(super) fn damage_banner(
    lines: Vec<String>,
    theme: &crate::tui::theme::Theme,
    area: Rect,
    frame: &mut Frame,
) {
    let block = ratatui::widgets::Block::bordered()
        .border_style(theme.error())
        .title(Span::styled(
            " The hospital file is damaged ",
            theme.error(),
        ));
    let text: Vec<ratatui::text::Line> = lines
        .into_iter()
        .map(|l| ratatui::text::Line::from(Span::styled(l, theme.error())))
        .collect();
    frame.render_widget(Paragraph::new(text).block(block), area);
}
