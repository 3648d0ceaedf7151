//! The census of one day: opening it, and moving to another day or a typed
//! date.

use super::{Asked, Beds, View};
use crate::ops::census as ops;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup::Prompt;
use chrono::NaiveDate;

impl Beds {
    pub(super) fn open_census(&mut self, date: NaiveDate, ctx: &mut Ctx) -> Said {
        match ops::census(ctx.db, ctx.session, date) {
            Ok(c) => {
                self.view = View::Census(Box::new(c));
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    pub(super) fn perform_census(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Census(c) = &self.view else {
            return Said::Nothing;
        };
        let date = c.date;
        match action {
            Action::Back => {
                self.view = View::Board;
                Said::Nothing
            }
            Action::PrevDay => match date.pred_opt() {
                Some(d) => self.open_census(d, ctx),
                None => Said::Nothing,
            },
            Action::NextDay => match date.succ_opt() {
                Some(d) => self.open_census(d, ctx),
                None => Said::Nothing,
            },
            Action::GoToDate => {
                let shown = date.format(ctx.settings.date_pattern()).to_string();
                let mut prompt = Prompt::new("Census for which day?", "Date");
                prompt.answer = TextField::new("Date").with_value(&shown);
                Question::prompt(prompt, Asked::CensusDate).at_once().into()
            }
            _ => Said::Nothing,
        }
    }
}
