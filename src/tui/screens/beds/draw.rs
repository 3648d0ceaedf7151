//! Drawing the beds tab: the current view (board, bed, census or set-up)
//! and the form open over it (the app draws the questions and the picker). Drawing reads the
//! state only; the board's grid and the other views are drawn by `board.rs`
//! and `views.rs`.

use super::board::{self, BoardView};
use super::views::{render_census, render_detail, render_setup};
use super::{Beds, View};
use crate::tui::screen::LocalDates;
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;

impl Beds {
    /// Draws the current view and the form open over it.
    pub(super) fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        now: DateTime<Utc>,
        theme: &Theme,
    ) {
        match &self.view {
            View::Board => self.render_board(frame, area, clock, now, theme),
            View::Detail {
                detail,
                scroll,
                allergies,
            } => {
                let score = detail
                    .occupant
                    .as_ref()
                    .and_then(|a| self.scores.get(&a.id));
                let clinical = super::views::DetailClinical {
                    score,
                    allergies: allergies.as_ref(),
                };
                render_detail(
                    detail, &clinical, *scroll, clock.zone, now, theme, area, frame,
                )
            }
            View::Census(c) => render_census(c, theme, area, frame),
            View::Setup(s) => render_setup(s, theme, area, frame),
        }
        if let Some(f) = &self.form {
            f.render(frame, area, theme);
        }
    }

    fn render_board(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        now: DateTime<Utc>,
        theme: &Theme,
    ) {
        self.columns.set(board::columns(area.width));
        let ward = self
            .ward
            .and_then(|w| self.board.wards.get(w))
            .map_or_else(|| "all wards".to_string(), |w| format!("ward {}", w.name));
        let filter = format!(
            "{ward} · {}",
            if self.free_only {
                "free beds only"
            } else {
                "all beds"
            }
        );
        let banner = self.moving.as_ref().map(|m| {
            format!(
                "Transfer {} from {}: choose a free bed, Enter; Esc cancels",
                m.who, m.from
            )
        });
        let view = BoardView {
            board: &self.board,
            shown: &self.shown,
            selected: self.selected,
            now,
            zone: clock.zone,
            banner,
            filter,
            scores: &self.scores,
            overdue: &self.overdue,
            criticals: &self.criticals,
        };
        board::render(&view, theme, area, frame.buffer_mut());
    }
}
