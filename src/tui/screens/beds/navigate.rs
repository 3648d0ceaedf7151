//! Moving on the bed board and what its keys start: the arrows, wards and
//! filters, opening a bed, and the board's actions handed to the flows that
//! carry them out; also scrolling a bed's detail. Kept apart from the state
//! in `mod.rs` so that the board's key handling reads in one place.

use super::board;
use super::{Beds, View};
use crate::ops::beds as ops;
use crate::tui::keymap::Action;
use crate::tui::screen::{Ctx, Said, said_error};

impl Beds {
    pub(super) fn perform_board(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let last = self.shown.len().saturating_sub(1);
        match action {
            Action::Left => self.selected = self.selected.saturating_sub(1),
            Action::Right => self.selected = (self.selected + 1).min(last),
            Action::Home => self.selected = 0,
            Action::End => self.selected = last,
            Action::PageDown | Action::PageUp => {
                self.selected = self.ward_start(action == Action::PageDown);
            }
            Action::Up | Action::Down => {
                let pos = board::positions(&self.board, &self.shown, self.columns.get());
                self.selected = board::vertical(&pos, self.selected, action == Action::Up);
            }
            Action::NextWard => {
                self.ward = match self.ward {
                    None if !self.board.wards.is_empty() => Some(0),
                    Some(w) if w + 1 < self.board.wards.len() => Some(w + 1),
                    _ => None,
                };
                self.selected = 0;
                self.filter();
            }
            Action::FreeOnly => {
                self.free_only = !self.free_only;
                self.selected = 0;
                self.filter();
            }
            Action::Refresh => {
                let said = self.load(ctx, true);
                return if said == Said::Nothing {
                    Said::Info("Board refreshed.".into())
                } else {
                    said
                };
            }
            Action::Back => {
                if let Some(m) = self.moving.take() {
                    return Said::Info(format!("Transfer of {} cancelled.", m.who));
                }
            }
            Action::Open if self.moving.is_some() => return self.choose_transfer_bed(ctx),
            Action::Open => return self.open_detail(ctx),
            Action::Admit => return self.start_admit(ctx),
            Action::StartVisit => return self.start_round(ctx),
            Action::Transfer => return self.start_transfer(ctx),
            Action::Discharge => return self.start_discharge(ctx),
            Action::Reserve => return self.start_reserve(ctx),
            Action::MarkClean => return self.mark_clean(ctx),
            Action::ToggleService => return self.toggle_service(ctx),
            Action::Census => {
                let today = ctx.now.with_timezone(&ctx.settings.time_zone).date_naive();
                return self.open_census(today, ctx);
            }
            Action::SetUp => return self.open_setup(ctx),
            _ => {}
        }
        Said::Nothing
    }

    /// The first shown bed of the next ward (or of this or the previous one,
    /// going back), for PgDn and PgUp.
    fn ward_start(&self, forward: bool) -> usize {
        let ward_of = |k: usize| &self.board.beds[self.shown[k]].bed.ward_id;
        let starts: Vec<usize> = (0..self.shown.len())
            .filter(|&k| k == 0 || ward_of(k) != ward_of(k - 1))
            .collect();
        let here = self.selected;
        if forward {
            starts.iter().copied().find(|&k| k > here).unwrap_or(here)
        } else {
            starts
                .iter()
                .copied()
                .rev()
                .find(|&k| k < here)
                .unwrap_or(0)
        }
    }

    fn open_detail(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.selected_bed() else {
            return Self::no_bed();
        };
        match ops::bed_detail(ctx.db, ctx.session, &b.bed.id) {
            Ok(detail) => {
                let allergies = detail.occupant.as_ref().and_then(|a| {
                    ctx.session
                        .role()
                        .can(crate::domain::role::Permission::ViewAllergiesAndDiagnoses)
                        .then(|| {
                            crate::ops::record::allergy_banner(
                                ctx.db,
                                ctx.session,
                                &a.patient.id,
                                true,
                            )
                            .map_err(|e| e.to_string())
                        })
                });
                self.view = View::Detail {
                    detail: Box::new(detail),
                    scroll: 0,
                    allergies,
                };
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    pub(super) fn perform_detail(&mut self, action: Action) -> Said {
        if let View::Detail { scroll, .. } = &mut self.view {
            match action {
                Action::Back => self.view = View::Board,
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Down => *scroll = scroll.saturating_add(1).min(60),
                _ => {}
            }
        }
        Said::Nothing
    }
}
