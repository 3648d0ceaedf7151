//! The pharmacy tab: the stock list with its alerts, an item's batches and
//! ledger, and every movement by keyboard: receive, dispense (the batches
//! chosen first-expiry-first-out are shown before confirming), return,
//! adjust, dispose of expired stock, and the stock count; and the queue of
//! prescriptions waiting to be dispensed (`p`), dispensed against with
//! their FEFO plan shown first and a label written for each.
//!
//! The folder holds the whole area: this file the tab's state, what is open
//! and its [`Screen`](crate::tui::screen::Screen) implementation; `list`,
//! `item`, `save`, `dispense`, `count` and `queue` what each view does with
//! its keys; `reversal` a dispense made in error taken back (`v`);
//! `forms` the stock forms; `draw` the drawing; `keys` the key tables.

mod count;
mod dispense;
mod draw;
mod forms;
mod item;
mod keys;
mod list;
mod queue;
mod queue_draw;
mod reversal;
mod save;

use crate::domain::pharmacy::{Filter, StockLevel};
use crate::ops::pharmacy::{self as ops, ItemView};
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard};
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::table::Selection;
use chrono::NaiveDate;
use count::CountSheet;
use dispense::DispenseChoice;
use forms::StockForm;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use std::any::Any;

const PAGE: usize = 10;

/// What the forms need from the hospital's settings (the count and the
/// drawing take it too).
pub struct Local<'a> {
    pub currency: &'a str,
    pub date_pattern: &'a str,
    pub today: NaiveDate,
    /// The instant drawn or acted at (the queue's waiting times).
    pub now: chrono::DateTime<chrono::Utc>,
}

fn local<'a>(ctx: &'a Ctx) -> Local<'a> {
    Local {
        currency: &ctx.settings.currency,
        date_pattern: ctx.settings.date_pattern(),
        today: ops::today(&ctx.clock()),
        now: ctx.now,
    }
}

enum View {
    List,
    Item,
    Form(Box<StockForm>),
    Confirm(Box<DispenseChoice>),
    Count(Box<CountSheet>),
    /// The prescriptions waiting to be dispensed.
    Queue,
    /// The batches a dispense against the selected prescription takes.
    RxPlan,
}

/// What a yes is for.
enum Pending {
    DiscardForm,
    ToggleActive,
    PostCount,
    /// Dispense the plan shown against its prescription.
    DispenseRx,
    /// The ledger number of the dispense to reverse is typed.
    ReverseWhich,
    /// Why the dispense of this ledger number is reversed is typed.
    ReverseWhy(i64),
    /// Reverse the dispense of this ledger number, for this reason.
    ReverseDispense(i64, String),
    /// Save the open form again: its implausible figures were asked and
    /// the answer was yes.
    SaveAsked,
    /// Dispense the plan shown again: its quantity was asked, answered yes.
    DispenseAsked,
}

/// The patient picker is choosing the open form's patient.
struct FormPatient;

/// The pharmacy tab's state: what it shows is loaded when a view opens or
/// after a change, never while drawing.
pub struct Pharmacy {
    levels: Vec<StockLevel>,
    /// Indices into `levels` that the filter and search keep.
    shown: Vec<usize>,
    selected: Selection,
    filter: Filter,
    search: TextField,
    searching: bool,
    /// The item open (its view stays loaded while a form over it is open).
    item: Option<ItemView>,
    batch: usize,
    ledger_scroll: usize,
    view: View,
    /// The expiry window (days) of the hospital's settings.
    window: i64,
    /// Whether the form open was started from the list (Esc and saving
    /// return there rather than to the item).
    back_to_list: bool,
    /// The prescription queue and the plan shown from it.
    rx: queue::RxQueue,
}

impl Pharmacy {
    /// The tab as it opens: every active item with its stock and alerts.
    pub fn new(ctx: &mut Ctx) -> (Pharmacy, Said) {
        let mut p = Pharmacy {
            levels: Vec::new(),
            shown: Vec::new(),
            selected: Selection::default(),
            filter: Filter::All,
            search: TextField::new("Find").wide(40),
            searching: false,
            item: None,
            batch: 0,
            ledger_scroll: 0,
            view: View::List,
            window: 90,
            back_to_list: false,
            rx: queue::RxQueue::default(),
        };
        let said = p.reload(ctx);
        (p, said)
    }

    /// The tab is shown again: fresh figures, unless a form holds input.
    pub fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        if matches!(self.view, View::Queue) {
            self.reload_queue(ctx)
        } else if matches!(self.view, View::List | View::Item) {
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

    /// Whether a form or count holds typed input that leaving would lose.
    pub fn has_unsaved_input(&self) -> bool {
        match &self.view {
            View::Form(f) => f.changed(),
            View::Confirm(_) => true,
            View::Count(c) => c.changed(),
            _ => false,
        }
    }

    /// The picker answered: its patient goes into the form.
    /// For a clinician or pharmacist the patient's allergy banner is read
    /// too (a READ event: the patient is now shown with it).
    fn after_pick(&mut self, answer: Answer, ctx: &mut Ctx) -> Said {
        match answer {
            Answer::Patient(p) => {
                let msg = format!("Patient {} {} chosen.", p.mrn, p.details.full_name());
                if let View::Form(f) = &mut self.view {
                    f.allergies = (f.takes_patient()
                        && ctx
                            .session
                            .role()
                            .can(crate::domain::role::Permission::ViewAllergiesAndDiagnoses))
                    .then(|| {
                        crate::ops::record::allergy_banner(ctx.db, ctx.session, &p.id, true)
                            .map_err(|e| e.to_string())
                    });
                    f.patient = Some(*p);
                }
                Said::Info(msg)
            }
            _ => Said::Info("No patient chosen.".into()),
        }
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

    fn answer_confirm(&mut self, then: Pending, answer: Answer, ctx: &mut Ctx) -> Said {
        let then = match (then, answer) {
            (Pending::ReverseWhich, Answer::Text(typed)) => return self.ask_why_reversed(&typed),
            (Pending::ReverseWhy(seq), Answer::Text(reason)) => {
                return self.confirm_reversal(seq, reason);
            }
            (then, Answer::Yes) => then,
            _ => return Said::Nothing,
        };
        match then {
            Pending::DiscardForm => self.close_form(ctx),
            Pending::ToggleActive => self.toggle_active(ctx),
            Pending::PostCount => self.post_count(ctx),
            Pending::DispenseRx => self.dispense_rx(ctx),
            Pending::ReverseDispense(seq, reason) => self.reverse_dispense(seq, &reason, ctx),
            Pending::SaveAsked => self.save_form_as(ctx, true),
            Pending::DispenseAsked => self.dispense_planned(ctx, true),
            Pending::ReverseWhich | Pending::ReverseWhy(_) => Said::Nothing,
        }
    }
}

impl crate::tui::screen::Screen for Pharmacy {
    /// The key table in force.
    fn table(&self) -> &'static [Binding] {
        match &self.view {
            View::List if self.searching => keys::STOCK_SEARCH,
            View::List => keys::STOCK_LIST,
            View::Item => keys::STOCK_ITEM,
            View::Form(f) if f.takes_patient() => keys::STOCK_PATIENT_FORM,
            View::Form(_) => keys::STOCK_FORM,
            View::Confirm(_) => keys::STOCK_DISPENSE_CONFIRM,
            View::Count(_) => keys::STOCK_COUNT,
            View::Queue => keys::RX_QUEUE,
            View::RxPlan => keys::RX_PLAN,
        }
    }

    /// What the help overlay calls the current view.
    fn title(&self) -> &'static str {
        match &self.view {
            View::List => "Pharmacy stock",
            View::Item => "Stock item",
            View::Form(_) => "Pharmacy form",
            View::Confirm(_) => "Confirm dispense",
            View::Count(_) => "Stock count",
            View::Queue => "Prescription queue",
            View::RxPlan => "Dispense a prescription",
        }
    }

    /// Performs an action of the current key table.
    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if action == Action::Refresh {
            let said = if matches!(self.view, View::Queue) {
                self.reload_queue(ctx)
            } else {
                self.reload(ctx)
            };
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
            View::Queue => self.perform_queue(action, ctx),
            View::RxPlan => self.perform_rx_plan(action, ctx),
        }
    }

    /// Whether typed characters go into a field (so `?` is text, not help).
    fn takes_text(&self) -> bool {
        matches!(
            (&self.view, self.searching),
            (View::List, true) | (View::Form(_), _) | (View::Count(_), _)
        )
    }

    /// Text typed where the cursor is.
    fn type_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Said {
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

    /// Text pasted where the cursor is: the search line, a form's typed
    /// field or a batch's count; the lists and a choice take none.
    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Said {
        let taken = match &mut self.view {
            View::List if self.searching => {
                self.search.paste(text);
                self.refilter();
                true
            }
            View::Form(f) => f.paste(text),
            View::Count(c) => {
                c.paste(text);
                true
            }
            _ => false,
        };
        if taken {
            Said::Nothing
        } else {
            crate::tui::screen::not_pasted()
        }
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input()
            .then_some("Quit and throw away the pharmacy form or count you were typing?")
    }

    /// A question of the tab answered: a yes, or the patient picker's choice.
    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        Ok(match about.downcast::<Pending>() {
            Ok(then) => self.answer_confirm(*then, answer, ctx),
            Err(about) if about.is::<FormPatient>() => self.after_pick(answer, ctx),
            Err(_) => Said::Nothing,
        })
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        Pharmacy::shown_again(self, ctx)
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        let local = Local {
            currency: &view.settings.currency,
            date_pattern: view.settings.date_pattern(),
            today: ops::today(&view.clock),
            now: view.now,
        };
        Pharmacy::render(self, frame, area, &view.dates, &local, view.theme)
    }
}
