//! One item's side of the tab: loading it (a READ when newly opened), what
//! its keys do (move between batches, scroll the ledger, open the forms of a
//! movement or the count), and deactivating or reactivating it.

use super::count::CountSheet;
use super::forms::{Purpose, StockForm};
use super::{PAGE, Pending, Pharmacy, View, local};
use crate::domain::pharmacy::{StockLevel, stock_level};
use crate::domain::role::Permission;
use crate::ops::pharmacy as ops;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};

impl Pharmacy {
    /// Loads an item to show; a READ of the patients its ledger shows when
    /// it is newly opened for viewing (`shown`).
    pub(super) fn open_item(&mut self, id: &str, ctx: &mut Ctx) -> Said {
        self.load_item(id, ctx, true)
    }

    pub(super) fn load_item(&mut self, id: &str, ctx: &mut Ctx, shown: bool) -> Said {
        let fresh = shown && self.item.as_ref().is_none_or(|v| v.item.id != id);
        let view = if fresh {
            ops::open_item(ctx.db, ctx.session, id)
        } else {
            ops::item_view(ctx.db, ctx.session, id)
        };
        match view {
            Ok(v) => {
                self.batch = self.batch.min(v.batches.len().saturating_sub(1));
                self.item = Some(v);
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    /// The open item's stock level, computed from its loaded batches.
    pub(super) fn item_level(&self, ctx: &Ctx) -> Option<StockLevel> {
        let v = self.item.as_ref()?;
        Some(stock_level(
            v.item.clone(),
            &v.batches,
            ops::today(&ctx.clock()),
            i64::from(ctx.settings.expiry_window_days),
        ))
    }

    /// Opens the form of an item-level action (edit, receive, dispense).
    /// `from_list`: Esc returns to the list rather than to the item.
    pub(super) fn start_item_form(
        &mut self,
        action: Action,
        ctx: &mut Ctx,
        from_list: bool,
    ) -> Said {
        let Some(level) = self.item_level(ctx) else {
            return Said::Nothing;
        };
        self.back_to_list = from_list;
        let item = level.item.clone();
        let purpose = match action {
            Action::Edit => {
                if let Some(r) = refused(ctx, Permission::ManageStock, "change the catalogue") {
                    return r;
                }
                Purpose::EditItem { item }
            }
            Action::ReceiveStock => {
                if let Some(r) = refused(ctx, Permission::ManageStock, "receive stock") {
                    return r;
                }
                if !item.active {
                    return Said::Error(format!(
                        "{} is deactivated: reactivate it (o) before receiving stock.",
                        item.details.label()
                    ));
                }
                Purpose::Receive { item }
            }
            Action::DispenseStock => {
                if let Some(r) = refused(ctx, Permission::Dispense, "dispense") {
                    return r;
                }
                if !item.active {
                    return Said::Error(format!(
                        "{} is deactivated: it cannot be dispensed.",
                        item.details.label()
                    ));
                }
                if level.usable == 0 {
                    return Said::Error(format!(
                        "No usable stock of {}: expired stock is never issued.",
                        item.details.label()
                    ));
                }
                Purpose::Dispense {
                    level: Box::new(level),
                }
            }
            _ => return Said::Nothing,
        };
        self.view = View::Form(Box::new(StockForm::new(purpose, &local(ctx))));
        Said::Nothing
    }

    pub(super) fn perform_item(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(v) = &self.item else {
            self.view = View::List;
            return Said::Nothing;
        };
        let last = v.batches.len().saturating_sub(1);
        let selected_batch = v.batches.get(self.batch).cloned();
        let item = v.item.clone();
        match action {
            Action::Back => {
                self.item = None;
                self.view = View::List;
                return self.reload(ctx);
            }
            Action::Up => self.batch = self.batch.saturating_sub(1),
            Action::Down => self.batch = (self.batch + 1).min(last),
            Action::PageUp => self.ledger_scroll = self.ledger_scroll.saturating_sub(PAGE),
            Action::PageDown => {
                let rows = v.ledger.len().saturating_sub(1);
                self.ledger_scroll = (self.ledger_scroll + PAGE).min(rows);
            }
            Action::Edit | Action::ReceiveStock | Action::DispenseStock => {
                return self.start_item_form(action, ctx, false);
            }
            Action::ReturnStock | Action::AdjustStock | Action::DisposeStock => {
                let Some(batch) = selected_batch else {
                    return Said::Info(
                        "This item has no batches yet: receive stock first (r).".into(),
                    );
                };
                let today = ops::today(&ctx.clock());
                let purpose = match action {
                    Action::ReturnStock => {
                        if let Some(r) = refused(ctx, Permission::Dispense, "return stock") {
                            return r;
                        }
                        if batch.expiry <= today {
                            return Said::Error(format!(
                                "Batch {} has expired: it takes no returns; dispose of it instead (x).",
                                batch.batch_no
                            ));
                        }
                        Purpose::Return { item, batch }
                    }
                    Action::AdjustStock => {
                        if let Some(r) = refused(ctx, Permission::ManageStock, "adjust stock") {
                            return r;
                        }
                        Purpose::Adjust { item, batch }
                    }
                    _ => {
                        if let Some(r) = refused(ctx, Permission::ManageStock, "dispose of stock") {
                            return r;
                        }
                        if batch.expiry > today {
                            return Said::Error(format!(
                                "Batch {} has not expired: adjust it (a) for damaged or lost stock.",
                                batch.batch_no
                            ));
                        }
                        if batch.on_hand == 0 {
                            return Said::Info(format!(
                                "Batch {} holds nothing to dispose of.",
                                batch.batch_no
                            ));
                        }
                        Purpose::Dispose { item, batch }
                    }
                };
                self.view = View::Form(Box::new(StockForm::new(purpose, &local(ctx))));
            }
            Action::ReverseDispense => return self.ask_which_dispense(ctx),
            Action::CountStock => {
                if let Some(r) = refused(ctx, Permission::ManageStock, "post a stock count") {
                    return r;
                }
                let sheet = CountSheet::new(item, &v.batches, ops::today(&ctx.clock()));
                if sheet.is_empty() {
                    return Said::Info(
                        "Nothing to count: this item has no batches in stock.".into(),
                    );
                }
                self.view = View::Count(Box::new(sheet));
            }
            Action::ToggleActive => {
                if let Some(r) = refused(ctx, Permission::ManageStock, "change the catalogue") {
                    return r;
                }
                let question = if item.active {
                    format!(
                        "Deactivate {}? It can no longer be received or dispensed; its batches and ledger stay.",
                        item.details.label()
                    )
                } else {
                    format!("Reactivate {}?", item.details.label())
                };
                return Question::confirm(question, Pending::ToggleActive).into();
            }
            _ => {}
        }
        Said::Nothing
    }

    /// Deactivates or reactivates the open item, once confirmed.
    pub(super) fn toggle_active(&mut self, ctx: &mut Ctx) -> Said {
        let Some(item) = self.item.as_ref().map(|v| v.item.clone()) else {
            return Said::Nothing;
        };
        match ops::set_active(ctx.db, ctx.session, &item.id, !item.active, ctx.now) {
            Ok(i) => {
                let said = self.reload(ctx);
                if said != Said::Nothing {
                    return said;
                }
                Said::Info(format!(
                    "{} {}.",
                    i.details.label(),
                    if i.active {
                        "reactivated"
                    } else {
                        "deactivated"
                    }
                ))
            }
            Err(e) => said_error(e),
        }
    }
}
