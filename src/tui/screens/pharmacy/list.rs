//! The stock list's side of the tab: which items the filter and the
//! search keep, and what the list's keys do (move, search, filter, open, and
//! start the item-level forms from the list).

use super::forms::{Purpose, StockForm};
use super::{Pharmacy, View, local};
use crate::domain::pharmacy::{StockLevel, matches_query};
use crate::domain::role::Permission;
use crate::tui::keymap::Action;
use crate::tui::screen::{Ctx, Said, refused};

impl Pharmacy {
    pub(super) fn refilter(&mut self) {
        let keep_id = self.selected_level().map(|l| l.item.id.clone());
        let q = self.search.value().trim().to_string();
        self.shown = self
            .levels
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                self.filter.keeps(l) && (q.is_empty() || matches_query(&l.item.details, &q))
            })
            .map(|(i, _)| i)
            .collect();
        let keep = keep_id.and_then(|id| {
            self.shown
                .iter()
                .position(|&i| self.levels[i].item.id == id)
        });
        self.selected.select(keep.unwrap_or(0), self.shown.len());
    }

    pub(super) fn selected_level(&self) -> Option<&StockLevel> {
        self.shown
            .get(self.selected.index())
            .map(|&i| &self.levels[i])
    }

    pub(super) fn perform_list(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if self.selected.navigate(action, self.shown.len()) {
            return Said::Nothing;
        }
        match action {
            Action::FocusSearch => self.searching = true,
            Action::PrescriptionQueue => return self.toggle_queue(ctx),
            Action::FocusList => self.searching = false,
            Action::CycleFilter => {
                self.filter = self.filter.next();
                self.refilter();
                return Said::Info(format!(
                    "Showing {}: {} items.",
                    self.filter.label(),
                    self.shown.len()
                ));
            }
            Action::Open => {
                self.searching = false;
                let Some(id) = self.selected_level().map(|l| l.item.id.clone()) else {
                    return Said::Info(
                        "No item here: change the search or the filter (f), or add one (n).".into(),
                    );
                };
                self.batch = 0;
                self.ledger_scroll = 0;
                let said = self.open_item(&id, ctx);
                if self.item.is_some() {
                    self.view = View::Item;
                }
                return said;
            }
            Action::NewItem => {
                if let Some(r) = refused(ctx, Permission::ManageStock, "change the catalogue") {
                    return r;
                }
                self.item = None;
                self.view = View::Form(Box::new(StockForm::new(Purpose::NewItem, &local(ctx))));
            }
            Action::Edit | Action::ReceiveStock | Action::DispenseStock => {
                let Some(id) = self.selected_level().map(|l| l.item.id.clone()) else {
                    return Said::Info("Choose an item first.".into());
                };
                self.item = None;
                let said = self.load_item(&id, ctx, false);
                if said != Said::Nothing {
                    return said;
                }
                return self.start_item_form(action, ctx, true);
            }
            _ => {}
        }
        Said::Nothing
    }
}
