//! The pharmacy tab: the stock list with its alerts, an item's batches and
//! ledger, and every movement by keyboard: receive, dispense (the batches
//! chosen first-expiry-first-out are shown before confirming), return,
//! adjust, dispose of expired stock, and the stock count.

pub mod forms;

use crate::domain::display::thousands;
use crate::domain::pharmacy::{Filter, StockLevel, Take, matches_query, money, stock_level};
use crate::domain::role::Permission;
use crate::error::Error;
use crate::ops::pharmacy::{self as ops, ItemView};
use crate::tui::keymap::{self, Action, Binding};
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::screens::patient_record::LocalDates;
use crate::tui::screens::patients::{Patients, PickOutcome};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup;
use forms::{CountSheet, Local, Purpose, Request, StockForm};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

const PAGE: usize = 10;

fn local<'a>(ctx: &'a Ctx) -> Local<'a> {
    Local {
        currency: &ctx.settings.currency,
        date_pattern: ctx.settings.date_pattern(),
        today: ops::today(&ctx.clock()),
    }
}

/// The flags of an item as words (colour is never the only signal).
fn flag_words(l: &StockLevel) -> String {
    let mut w = Vec::new();
    if !l.item.active {
        w.push("INACTIVE");
    }
    if l.flags.expired {
        w.push("EXPIRED");
    }
    if l.flags.expiring {
        w.push("EXPIRING");
    }
    if l.flags.below_reorder {
        w.push("LOW");
    }
    w.join(" ")
}

/// A dispense waiting for its confirmation.
struct DispenseChoice {
    form: StockForm,
    quantity: i64,
    plan: Vec<Take>,
    /// What each batch of the plan holds before the dispense.
    before: Vec<i64>,
}

enum View {
    List,
    Item,
    Form(Box<StockForm>),
    Confirm(Box<DispenseChoice>),
    Count(Box<CountSheet>),
}

enum Pending {
    DiscardForm,
    ToggleActive,
    PostCount,
}

struct Confirm {
    question: String,
    then: Pending,
}

/// The pharmacy tab's state: what it shows is loaded when a view opens or
/// after a change, never while drawing.
pub struct Pharmacy {
    levels: Vec<StockLevel>,
    /// Indices into `levels` that the filter and search keep.
    shown: Vec<usize>,
    selected: usize,
    filter: Filter,
    search: TextField,
    searching: bool,
    /// The item open (its view stays loaded while a form over it is open).
    item: Option<ItemView>,
    batch: usize,
    ledger_scroll: usize,
    view: View,
    confirm: Option<Confirm>,
    /// The patient search, while a form is choosing a patient.
    picker: Option<Box<Patients>>,
    /// The expiry window (days) of the hospital's settings.
    window: i64,
    /// Whether the form open was started from the list (Esc and saving
    /// return there rather than to the item).
    back_to_list: bool,
}

impl Pharmacy {
    /// The tab as it opens: every active item with its stock and alerts.
    pub fn new(ctx: &mut Ctx) -> (Pharmacy, Said) {
        let mut p = Pharmacy {
            levels: Vec::new(),
            shown: Vec::new(),
            selected: 0,
            filter: Filter::All,
            search: TextField::new("Find").wide(40),
            searching: false,
            item: None,
            batch: 0,
            ledger_scroll: 0,
            view: View::List,
            confirm: None,
            picker: None,
            window: 90,
            back_to_list: false,
        };
        let said = p.reload(ctx);
        (p, said)
    }

    /// The tab is shown again: fresh figures, unless a form holds input.
    pub fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        if self.picker.is_none() && matches!(self.view, View::List | View::Item) {
            self.reload(ctx)
        } else {
            Said::Nothing
        }
    }

    /// Reads the stock list (and the open item) again.
    pub fn reload(&mut self, ctx: &mut Ctx) -> Said {
        self.window = i64::from(ctx.settings.expiry_window_days);
        match ops::stock_list(ctx.db, ctx.session, ops::today(&ctx.clock())) {
            Ok(levels) => self.levels = levels,
            Err(e) => return said_error(e),
        }
        self.refilter();
        if let Some(id) = self.item.as_ref().map(|v| v.item.id.clone()) {
            return self.open_item(&id, ctx);
        }
        Said::Nothing
    }

    fn refilter(&mut self) {
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
        self.selected = keep_id
            .and_then(|id| {
                self.shown
                    .iter()
                    .position(|&i| self.levels[i].item.id == id)
            })
            .unwrap_or(0);
    }

    fn selected_level(&self) -> Option<&StockLevel> {
        self.shown.get(self.selected).map(|&i| &self.levels[i])
    }

    /// Loads an item to show; a READ of the patients its ledger shows when
    /// it is newly opened for viewing (`shown`).
    fn open_item(&mut self, id: &str, ctx: &mut Ctx) -> Said {
        self.load_item(id, ctx, true)
    }

    fn load_item(&mut self, id: &str, ctx: &mut Ctx, shown: bool) -> Said {
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
    fn item_level(&self, ctx: &Ctx) -> Option<StockLevel> {
        let v = self.item.as_ref()?;
        Some(stock_level(
            v.item.clone(),
            &v.batches,
            ops::today(&ctx.clock()),
            i64::from(ctx.settings.expiry_window_days),
        ))
    }

    /// The key table in force.
    pub fn table(&self) -> &'static [Binding] {
        if let Some(p) = &self.picker {
            return p.table();
        }
        if self.confirm.is_some() {
            return keymap::CONFIRM;
        }
        match &self.view {
            View::List if self.searching => keymap::STOCK_SEARCH,
            View::List => keymap::STOCK_LIST,
            View::Item => keymap::STOCK_ITEM,
            View::Form(f) if f.takes_patient() => keymap::STOCK_PATIENT_FORM,
            View::Form(_) => keymap::STOCK_FORM,
            View::Confirm(_) => keymap::STOCK_DISPENSE_CONFIRM,
            View::Count(_) => keymap::STOCK_COUNT,
        }
    }

    /// What the help overlay calls the current view.
    pub fn title(&self) -> &'static str {
        if let Some(p) = &self.picker {
            return p.title();
        }
        match &self.view {
            View::List => "Pharmacy stock",
            View::Item => "Stock item",
            View::Form(_) => "Pharmacy form",
            View::Confirm(_) => "Confirm dispense",
            View::Count(_) => "Stock count",
        }
    }

    /// Whether a form or count holds typed input that leaving would lose.
    pub fn has_unsaved_input(&self) -> bool {
        match &self.view {
            View::Form(f) => f.changed(),
            View::Confirm(_) => true,
            View::Count(c) => c.changed(),
            _ => false,
        }
    }

    /// The tab is being left: a patient search under way is audited.
    pub fn leave(&mut self, ctx: &mut Ctx) -> Said {
        match &mut self.picker {
            Some(p) => p.leave(ctx),
            None => Said::Nothing,
        }
    }

    /// Text typed where the cursor is.
    /// Whether typed characters go into a field (so `?` is text, not help).
    pub fn takes_text(&self) -> bool {
        if let Some(p) = &self.picker {
            return p.takes_text();
        }
        self.confirm.is_none()
            && matches!(
                (&self.view, self.searching),
                (View::List, true) | (View::Form(_), _) | (View::Count(_), _)
            )
    }

    pub fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        if let Some(p) = &mut self.picker {
            let said = p.type_key(key, ctx);
            return self.after_pick(said);
        }
        if self.confirm.is_some() {
            return Said::Nothing;
        }
        match &mut self.view {
            View::List if self.searching => {
                self.search.type_key(key);
                self.refilter();
                Said::Nothing
            }
            View::Form(f) => {
                f.type_key(key);
                Said::Nothing
            }
            View::Count(c) => {
                c.type_key(key);
                Said::Nothing
            }
            _ => Said::Nothing,
        }
    }

    /// Takes the picker's outcome, if it has ended.
    fn after_pick(&mut self, said: Said) -> Said {
        let Some(outcome) = self.picker.as_mut().and_then(|p| p.outcome()) else {
            return said;
        };
        self.picker = None;
        match outcome {
            PickOutcome::Chosen(p) => {
                let msg = format!("Patient {} {} chosen.", p.mrn, p.details.full_name());
                if let View::Form(f) = &mut self.view {
                    f.patient = Some(*p);
                }
                Said::Info(msg)
            }
            PickOutcome::Cancelled => Said::Info("No patient chosen.".into()),
        }
    }

    /// Performs an action of the current key table.
    pub fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if let Some(p) = &mut self.picker {
            let said = p.perform(action, ctx);
            return self.after_pick(said);
        }
        if self.confirm.is_some() {
            return self.answer_confirm(action, ctx);
        }
        if action == Action::Refresh {
            let said = self.reload(ctx);
            return if said == Said::Nothing {
                Said::Info("Refreshed.".into())
            } else {
                said
            };
        }
        match &self.view {
            View::List => self.perform_list(action, ctx),
            View::Item => self.perform_item(action, ctx),
            View::Form(_) => self.perform_form(action, ctx),
            View::Confirm(_) => self.perform_dispense_confirm(action, ctx),
            View::Count(_) => self.perform_count(action, ctx),
        }
    }

    fn perform_list(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let last = self.shown.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(PAGE),
            Action::PageDown => self.selected = (self.selected + PAGE).min(last),
            Action::Home => self.selected = 0,
            Action::End => self.selected = last,
            Action::FocusSearch => self.searching = true,
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

    /// Opens the form of an item-level action (edit, receive, dispense).
    /// `from_list`: Esc returns to the list rather than to the item.
    fn start_item_form(&mut self, action: Action, ctx: &mut Ctx, from_list: bool) -> Said {
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

    fn perform_item(&mut self, action: Action, ctx: &mut Ctx) -> Said {
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
                self.confirm = Some(Confirm {
                    question: if item.active {
                        format!(
                            "Deactivate {}? It can no longer be received or dispensed; its batches and ledger stay.",
                            item.details.label()
                        )
                    } else {
                        format!("Reactivate {}?", item.details.label())
                    },
                    then: Pending::ToggleActive,
                });
            }
            _ => {}
        }
        Said::Nothing
    }

    /// Leaves a form or count: back to the item if one is open, else the list.
    fn close_form(&mut self, ctx: &mut Ctx) -> Said {
        if std::mem::take(&mut self.back_to_list) {
            self.item = None;
        }
        self.view = if self.item.is_some() {
            View::Item
        } else {
            View::List
        };
        self.reload(ctx)
    }

    fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => form.next_field(),
            Action::PrevField => form.prev_field(),
            Action::ChoosePatient => {
                if !form.takes_patient() {
                    return Said::Info("This form has no patient.".into());
                }
                let purpose = if matches!(form.purpose, Purpose::Dispense { .. }) {
                    "Dispense to which patient?"
                } else {
                    "Returned by which patient?"
                };
                self.picker = Some(Box::new(Patients::picker(ctx, purpose)));
            }
            Action::Cancel => {
                if form.changed() {
                    self.confirm = Some(Confirm {
                        question: "Throw away what you typed in this form?".into(),
                        then: Pending::DiscardForm,
                    });
                    return Said::Nothing;
                }
                return self.close_form(ctx);
            }
            Action::Save => return self.save_form(ctx),
            _ => {}
        }
        Said::Nothing
    }

    fn save_form(&mut self, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        let Some(request) = form.check(&local(ctx)) else {
            return Said::Error(
                "Some fields need correcting: see the messages beside them.".into(),
            );
        };
        let patient_id = form.patient.as_ref().map(|p| p.id.to_string());
        let now = ctx.now;
        let result: Result<String, Error> = match (&form.purpose, request) {
            (Purpose::NewItem, Request::Item(d)) => ops::add_item(ctx.db, ctx.session, &d, now)
                .map(|item| {
                    self.item = None;
                    format!(
                        "Added {} to the catalogue: receive stock with r.",
                        item.details.label()
                    )
                }),
            (Purpose::EditItem { item }, Request::Item(d)) => {
                ops::edit_item(ctx.db, ctx.session, &item.id, item.version, &d, now)
                    .map(|i| format!("Saved {}.", i.details.label()))
            }
            (Purpose::Receive { item }, Request::Receive(r)) => {
                let label = item.details.label();
                ops::receive(ctx.db, ctx.session, &r, now).map(|b| {
                    format!(
                        "Received {} {} of {label} into batch {} (now {}).",
                        r.quantity, item.details.unit, b.batch_no, b.on_hand
                    )
                })
            }
            (Purpose::Dispense { level }, Request::Dispense { quantity }) => {
                match ops::plan(
                    ctx.db,
                    ctx.session,
                    &level.item.id,
                    quantity,
                    ops::today(&ctx.clock()),
                ) {
                    Ok(plan) => {
                        let before = plan
                            .iter()
                            .map(|t| {
                                self.item
                                    .as_ref()
                                    .and_then(|v| v.batches.iter().find(|b| b.id == t.batch_id))
                                    .map_or(0, |b| b.on_hand)
                            })
                            .collect();
                        let View::Form(form) = std::mem::replace(&mut self.view, View::List) else {
                            return Said::Nothing;
                        };
                        self.view = View::Confirm(Box::new(DispenseChoice {
                            form: *form,
                            quantity,
                            plan,
                            before,
                        }));
                        return Said::Nothing;
                    }
                    Err(e) => Err(e),
                }
            }
            (Purpose::Return { batch, item }, Request::Return { quantity, reason }) => {
                ops::return_to_stock(
                    ctx.db,
                    ctx.session,
                    &batch.id,
                    quantity,
                    &reason,
                    patient_id.as_deref(),
                    now,
                )
                .map(|b| {
                    format!(
                        "Returned {quantity} {} to batch {} (now {}).",
                        item.details.unit, b.batch_no, b.on_hand
                    )
                })
            }
            (Purpose::Adjust { batch, .. }, Request::Adjust { why, delta, note }) => {
                ops::adjust(ctx.db, ctx.session, &batch.id, delta, why, &note, now).map(|b| {
                    format!(
                        "Adjusted batch {} by {delta:+} (now {}).",
                        b.batch_no, b.on_hand
                    )
                })
            }
            (Purpose::Dispose { batch, item }, Request::Dispose { quantity, reason }) => {
                ops::dispose(ctx.db, ctx.session, &batch.id, quantity, &reason, now).map(|b| {
                    format!(
                        "Disposed of {quantity} {} of batch {} (now {}).",
                        item.details.unit, b.batch_no, b.on_hand
                    )
                })
            }
            _ => return Said::Nothing,
        };
        match result {
            Ok(msg) => {
                let said = self.close_form(ctx);
                if said == Said::Nothing {
                    Said::Info(msg)
                } else {
                    said
                }
            }
            Err(e) => said_error(e),
        }
    }

    fn perform_dispense_confirm(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::No => {
                let View::Confirm(choice) = std::mem::replace(&mut self.view, View::List) else {
                    return Said::Nothing;
                };
                self.view = View::Form(Box::new(choice.form));
                Said::Info("Nothing was dispensed.".into())
            }
            Action::Yes => {
                let View::Confirm(choice) = &self.view else {
                    return Said::Nothing;
                };
                let Purpose::Dispense { level } = &choice.form.purpose else {
                    return Said::Nothing;
                };
                let patient = choice.form.patient.as_ref();
                let result = ops::dispense(
                    ctx.db,
                    ctx.session,
                    &level.item.id,
                    choice.quantity,
                    patient.map(|p| p.id.as_str()),
                    Some(&choice.plan),
                    ctx.now,
                );
                match result {
                    Ok(_) => {
                        let to = patient
                            .map(|p| format!(" to {} {}", p.mrn, p.details.full_name()))
                            .unwrap_or_default();
                        let msg = format!(
                            "Dispensed {} {} of {}{to}.",
                            choice.quantity,
                            level.item.details.unit,
                            level.item.details.label()
                        );
                        let said = self.close_form(ctx);
                        if said == Said::Nothing {
                            Said::Info(msg)
                        } else {
                            said
                        }
                    }
                    Err(e) => {
                        let View::Confirm(choice) = std::mem::replace(&mut self.view, View::List)
                        else {
                            return said_error(e);
                        };
                        self.view = View::Form(Box::new(choice.form));
                        said_error(e)
                    }
                }
            }
            _ => Said::Nothing,
        }
    }

    fn perform_count(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Count(sheet) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::Up => sheet.move_by(false),
            Action::Down => sheet.move_by(true),
            Action::Cancel => {
                if sheet.changed() {
                    self.confirm = Some(Confirm {
                        question: "Throw away the quantities you counted?".into(),
                        then: Pending::DiscardForm,
                    });
                    return Said::Nothing;
                }
                return self.close_form(ctx);
            }
            Action::Save => {
                if let Err(msg) = sheet.lines() {
                    return Said::Error(msg);
                }
                let diffs = sheet.differences();
                let question = if diffs.is_empty() {
                    format!(
                        "Record that every batch of {} agrees with the ledger?",
                        sheet.item.details.label()
                    )
                } else {
                    format!(
                        "Post the count of {} as count movements: {}?",
                        sheet.item.details.label(),
                        diffs.join(", ")
                    )
                };
                self.confirm = Some(Confirm {
                    question,
                    then: Pending::PostCount,
                });
            }
            _ => {}
        }
        Said::Nothing
    }

    fn answer_confirm(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(confirm) = self.confirm.take() else {
            return Said::Nothing;
        };
        if action != Action::Yes {
            if action != Action::No {
                self.confirm = Some(confirm);
            }
            return Said::Nothing;
        }
        match confirm.then {
            Pending::DiscardForm => self.close_form(ctx),
            Pending::ToggleActive => {
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
            Pending::PostCount => {
                let View::Count(sheet) = &mut self.view else {
                    return Said::Nothing;
                };
                let lines = match sheet.lines() {
                    Ok(l) => l,
                    Err(msg) => return Said::Error(msg),
                };
                let item_id = sheet.item.id.clone();
                match ops::post_count(ctx.db, ctx.session, &item_id, &lines, ctx.now) {
                    Ok(n) => {
                        let said = self.close_form(ctx);
                        if said != Said::Nothing {
                            return said;
                        }
                        Said::Info(if n == 0 {
                            "Count recorded: every batch agreed with the ledger.".into()
                        } else {
                            format!("Count posted: {n} batch(es) corrected.")
                        })
                    }
                    Err(e) => said_error(e),
                }
            }
        }
    }

    /// Draws the current view from the state alone.
    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        ctx: &Local,
        theme: &Theme,
    ) {
        if let Some(p) = &self.picker {
            p.render(frame, area, clock, theme);
            return;
        }
        match &self.view {
            View::List => self.render_list(frame, area, ctx, theme),
            View::Item => self.render_item(frame, area, clock, ctx, theme),
            View::Form(f) => f.render(frame, area, ctx, theme),
            View::Confirm(c) => render_dispense_choice(c, frame, area, ctx, theme),
            View::Count(c) => c.render(frame, area, ctx, theme),
        }
        if let Some(c) = &self.confirm {
            popup::confirm(&c.question, theme, area, frame.buffer_mut());
        }
    }

    fn render_list(&self, frame: &mut Frame, area: Rect, local: &Local, theme: &Theme) {
        let [query_area, count_area, table_area] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(area);
        let q = Rect {
            x: query_area.x + 1,
            width: query_area.width.saturating_sub(2),
            ..query_area
        };
        self.search.render(frame, q, 5, self.searching, theme);
        let n = self.shown.len();
        let mut count = format!(
            " {} {} · {} (f) · expiring = within {} days",
            thousands(n as u64),
            if n == 1 { "item" } else { "items" },
            self.filter.label(),
            local_window(self)
        );
        if n == 0 && self.levels.is_empty() {
            count = " Empty catalogue: n adds an item; `wardline import items` loads a formulary"
                .into();
        }
        frame.render_widget(
            Paragraph::new(Span::styled(count, theme.muted())),
            count_area,
        );

        let visible = table_area.height.saturating_sub(3) as usize;
        let offset = if visible == 0 {
            0
        } else {
            self.selected.saturating_sub(visible - 1)
        };
        let rows = self.shown.iter().skip(offset).take(visible).map(|&i| {
            let l = &self.levels[i];
            let style = if l.flags.expired || (l.flags.below_reorder && l.usable == 0) {
                theme.error()
            } else if l.flags.below_reorder || l.flags.expiring {
                theme.warn()
            } else {
                ratatui::style::Style::new()
            };
            Row::new(vec![
                l.item.details.label(),
                thousands(l.on_hand.max(0) as u64),
                l.item.details.unit.clone(),
                l.nearest_expiry
                    .map(|d| d.format(local.date_pattern).to_string())
                    .unwrap_or_else(|| "—".into()),
                flag_words(l),
            ])
            .style(style)
        });
        let table = Table::new(
            rows,
            [
                Constraint::Min(20),
                Constraint::Length(8),
                Constraint::Length(9),
                Constraint::Length(10),
                Constraint::Length(17),
            ],
        )
        .header(
            Row::new(vec!["Item", "On hand", "Unit", "Expires", "Alerts"]).style(theme.header()),
        )
        .row_highlight_style(theme.selected())
        .block(Block::bordered());
        let mut state =
            TableState::default().with_selected((n > 0).then(|| self.selected - offset));
        frame.render_stateful_widget(table, table_area, &mut state);
    }

    fn render_item(
        &self,
        frame: &mut Frame,
        area: Rect,
        clock: &LocalDates,
        local: &Local,
        theme: &Theme,
    ) {
        let Some(v) = &self.item else {
            return;
        };
        let level = stock_level(v.item.clone(), &v.batches, local.today, local_window(self));
        let d = &v.item.details;
        let block =
            Block::bordered().title(Span::styled(format!(" {} ", d.label()), theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let batch_rows = (v.batches.len().max(1) + 1).min(7) as u16;
        let [info, batches_area, ledger_title, ledger_area] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(batch_rows),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(inner);
        let status = if v.item.active { "" } else { " · DEACTIVATED" };
        let flags = flag_words(&level);
        let info_lines = vec![
            Line::from(vec![
                Span::styled(" Generic ", theme.muted()),
                Span::raw(if d.generic_name.is_empty() {
                    "—".to_string()
                } else {
                    d.generic_name.clone()
                }),
                Span::styled("  Category ", theme.muted()),
                Span::raw(if d.category.is_empty() {
                    "—".to_string()
                } else {
                    d.category.clone()
                }),
                Span::raw(status),
            ]),
            Line::from(vec![
                Span::styled(" On hand ", theme.muted()),
                Span::raw(format!("{} {}", level.on_hand, d.unit)),
                Span::styled("  usable ", theme.muted()),
                Span::raw(level.usable.to_string()),
                Span::styled("  reorder at ", theme.muted()),
                Span::raw(d.reorder_level.to_string()),
                Span::styled("  value ", theme.muted()),
                Span::raw(money(level.value, local.currency)),
            ]),
            Line::from(Span::styled(
                if flags.is_empty() {
                    " No alerts".to_string()
                } else {
                    format!(" Alerts: {flags}")
                },
                if level.flags.expired {
                    theme.error()
                } else if flags.is_empty() {
                    theme.muted()
                } else {
                    theme.warn()
                },
            )),
        ];
        frame.render_widget(Paragraph::new(info_lines), info);

        let rows = v.batches.iter().map(|b| {
            let left = (b.expiry - local.today).num_days();
            let state = if left <= 0 {
                "EXPIRED".to_string()
            } else if left <= i64::from(local_window(self) as i32) {
                format!("{left} days")
            } else {
                String::new()
            };
            let style = if left <= 0 && b.on_hand > 0 {
                theme.error()
            } else if b.on_hand == 0 {
                theme.muted()
            } else {
                ratatui::style::Style::new()
            };
            Row::new(vec![
                b.batch_no.clone(),
                b.expiry.format(local.date_pattern).to_string(),
                state,
                b.on_hand.to_string(),
                crate::domain::pharmacy::amount(b.unit_cost, local.currency),
                crate::domain::pharmacy::amount(b.price, local.currency),
                b.supplier.clone(),
            ])
            .style(style)
        });
        let batch_table = Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Length(9),
                Constraint::Length(7),
                Constraint::Length(9),
                Constraint::Length(9),
                Constraint::Min(8),
            ],
        )
        .header(
            Row::new(vec![
                "Batch".to_string(),
                "Expiry".to_string(),
                String::new(),
                "On hand".to_string(),
                format!("Cost {}", local.currency),
                format!("Price {}", local.currency),
                "Supplier".to_string(),
            ])
            .style(theme.header()),
        )
        .row_highlight_style(theme.selected());
        let visible = batches_area.height.saturating_sub(1) as usize;
        let offset = if visible == 0 {
            0
        } else {
            self.batch.saturating_sub(visible - 1)
        };
        let mut state = TableState::default()
            .with_offset(offset)
            .with_selected((!v.batches.is_empty()).then_some(self.batch));
        if v.batches.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    " No batches yet: r receives a delivery.",
                    theme.muted(),
                )),
                batches_area,
            );
        } else {
            frame.render_stateful_widget(batch_table, batches_area, &mut state);
        }
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    " Ledger ({} movements, newest first; PgUp PgDn scroll)",
                    v.ledger.len()
                ),
                theme.header(),
            )),
            ledger_title,
        );
        // only the rows that fit below the header are formatted
        let fits = usize::from(ledger_area.height.saturating_sub(1));
        let rows = v.ledger.iter().skip(self.ledger_scroll).take(fits);
        let ledger = rows.map(|m| {
            let at = crate::domain::time::parse_ts(&m.at)
                .map(|t| {
                    t.with_timezone(&clock.zone)
                        .format("%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            let mut note = m.reason.clone();
            if let Some(mrn) = &m.patient_mrn {
                note = if note.is_empty() {
                    mrn.clone()
                } else {
                    format!("{mrn} {note}")
                };
            }
            if !m.reference.is_empty() {
                note = if note.is_empty() {
                    format!("ref {}", m.reference)
                } else {
                    format!("{note} ref {}", m.reference)
                };
            }
            Row::new(vec![
                at,
                m.kind.clone(),
                m.batch_no.clone(),
                format!("{:+}", m.quantity),
                m.actor.clone().unwrap_or_default(),
                note,
            ])
        });
        let ledger_table = Table::new(
            ledger,
            [
                Constraint::Length(11),
                Constraint::Length(8),
                Constraint::Length(12),
                Constraint::Length(7),
                Constraint::Length(10),
                Constraint::Min(10),
            ],
        )
        .header(
            Row::new(vec![
                "When",
                "Kind",
                "Batch",
                "Qty",
                "By",
                "Patient / reason",
            ])
            .style(theme.header()),
        );
        frame.render_widget(ledger_table, ledger_area);
    }
}

/// The expiry window the list was computed with.
fn local_window(p: &Pharmacy) -> i64 {
    p.window
}

fn render_dispense_choice(
    c: &DispenseChoice,
    frame: &mut Frame,
    area: Rect,
    local: &Local,
    theme: &Theme,
) {
    let Purpose::Dispense { level } = &c.form.purpose else {
        return;
    };
    let block = Block::bordered().title(Span::styled(" Confirm dispense ", theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [head, table_area, foot] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(c.plan.len() as u16 + 1),
        Constraint::Min(0),
    ])
    .areas(inner);
    let to = match &c.form.patient {
        Some(p) => format!("to {} {}", p.mrn, p.details.full_name()),
        None => "with no patient recorded".into(),
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(format!(
                " Dispense {} {} of {}",
                c.quantity,
                level.item.details.unit,
                level.item.details.label()
            )),
            Line::from(format!(" {to}")),
            Line::from(Span::styled(
                " from these batches, first expiry first out:",
                theme.muted(),
            )),
        ]),
        head,
    );
    let rows = c.plan.iter().zip(&c.before).map(|(t, before)| {
        Row::new(vec![
            t.batch_no.clone(),
            t.expiry.format(local.date_pattern).to_string(),
            t.quantity.to_string(),
            (before - t.quantity).to_string(),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(16),
                Constraint::Length(12),
                Constraint::Length(8),
                Constraint::Length(10),
            ],
        )
        .header(Row::new(vec!["Batch", "Expiry", "Take", "Left after"]).style(theme.header())),
        table_area,
    );
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(""),
            Line::from(Span::styled(
                " Batches on or past their expiry date are never used.",
                theme.muted(),
            )),
            Line::from(vec![
                Span::styled(" y", theme.key()),
                Span::raw(" or Enter dispenses; "),
                Span::styled("n", theme.key()),
                Span::raw(" or Esc goes back to the form."),
            ]),
        ])
        .wrap(Wrap { trim: false }),
        foot,
    );
}

impl crate::tui::screen::Screen for Pharmacy {
    fn table(&self) -> &'static [Binding] {
        Pharmacy::table(self)
    }

    fn title(&self) -> &'static str {
        Pharmacy::title(self)
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        Pharmacy::perform(self, action, ctx)
    }

    fn takes_text(&self) -> bool {
        Pharmacy::takes_text(self)
    }

    fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        Pharmacy::type_key(self, key, ctx)
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input()
            .then_some("Quit and throw away the pharmacy form or count you were typing?")
    }

    fn leave(&mut self, ctx: &mut Ctx) -> Said {
        Pharmacy::leave(self, ctx)
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        Pharmacy::shown_again(self, ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        let local = Local {
            currency: &view.settings.currency,
            date_pattern: view.settings.date_pattern(),
            today: ops::today(&view.clock),
        };
        Pharmacy::render(self, frame, area, &view.dates, &local, view.theme)
    }
}
