//! The lab tab, the lab technician's desk: the worklist's six lists
//! (waiting for collection … rejected today, stat first, then urgent, then
//! the oldest), finding an order by its typed or scanned accession number,
//! collecting and rejecting specimens, entering results (flagged as they
//! are typed), verifying them (a second technician, or the same one with a
//! typed word where the hospital allows it) and correcting a verified one.
//!
//! The folder holds the whole area: this file the tab's state and its
//! [`Screen`](crate::tui::screen::Screen) implementation; `worklist` the
//! list's keys (finding, collecting, rejecting); `order` an open order's
//! (results, verification, correction); `entry` and `forms` the forms;
//! `lists` the six lists; `draw` and `entry_draw` the drawing; `keys` the
//! key tables.

mod draw;
mod entry;
mod entry_draw;
mod forms;
mod keys;
mod lists;
mod order;
mod worklist;

use crate::domain::ids::Id;
use crate::ops::lab::{OrderDetail, Worklist};
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard};
use crate::tui::screen::{Ctx, Said, Screen};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::table::Selection;
use entry::EntryForm;
use forms::SmallForm;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use std::any::Any;
use std::cell::Cell;

/// What the tab shows.
enum View {
    /// The worklist (with the accession box when one is being typed).
    List,
    /// One order: its tests, results, flags and history.
    Order,
    /// The result form of the open order.
    Entry(Box<EntryForm>),
    /// Rejecting a specimen, or correcting a verified result.
    Small(Box<SmallForm>),
}

/// What an answered question goes on to do, with the order's version the
/// question was asked on.
enum Pending {
    /// Collect the specimen (at the time typed, or now).
    Collect { order: Id, version: i64 },
    /// Verify the order's results (another technician's).
    Verify { order: Id, version: i64 },
    /// Verify results the user entered, with the typed word.
    SelfVerify { order: Id, version: i64 },
    /// Throw away the form being typed.
    Discard,
}

/// The lab tab's state: what it shows is read when a view opens or after a
/// change, never while drawing.
pub struct Lab {
    /// Which of the six lists is shown (see [`lists::LISTS`]).
    list: usize,
    /// The shown list's orders, with the rows of those in view read.
    rows: Worklist,
    /// How many orders the table showed at the last frame (0 before the
    /// first), so the rows in view are read before the next.
    rows_in_view: Cell<usize>,
    /// How many orders each list holds, as last read.
    counts: [usize; 6],
    selected: Selection,
    /// The accession box, while an accession is typed or scanned.
    finding: Option<Field>,
    /// The order open (its view stays loaded while a form over it is open).
    order: Option<OrderDetail>,
    /// The selected analyte of the open order.
    result: Selection,
    view: View,
    /// The signed-in technician: results they entered need another to verify.
    me: Id,
}

impl Lab {
    /// The tab as it opens: the orders waiting for collection.
    pub fn open(ctx: &mut Ctx) -> (Lab, Said) {
        let mut lab = Lab {
            list: 0,
            rows: Worklist::default(),
            rows_in_view: Cell::new(0),
            counts: [0; 6],
            selected: Selection::default(),
            finding: None,
            order: None,
            result: Selection::default(),
            view: View::List,
            me: ctx.session.user.id.clone(),
        };
        let said = lab.reload(ctx);
        (lab, said)
    }

    /// Reads the lists again (and the open order), keeping the selection
    /// on the same order where it is still listed.
    fn reload(&mut self, ctx: &mut Ctx) -> Said {
        let said = self.reload_list(ctx);
        if said != Said::Nothing {
            return said;
        }
        match self.order.as_ref().map(|o| o.order.id.clone()) {
            Some(id) if !matches!(self.view, View::List) => self.load_order(&id, ctx),
            _ => Said::Nothing,
        }
    }

    /// Whether a form holds typed input that leaving would lose.
    fn has_unsaved_input(&self) -> bool {
        match &self.view {
            View::Entry(f) => f.changed(),
            View::Small(f) => f.fields.changed(),
            _ => false,
        }
    }

    /// Leaves a form: back to the open order.
    fn close_form(&mut self, ctx: &mut Ctx) -> Said {
        self.view = View::Order;
        self.reload(ctx)
    }
}

impl Screen for Lab {
    fn table(&self) -> &'static [Binding] {
        match &self.view {
            View::List if self.finding.is_some() => keys::FIND,
            View::List => keys::WORKLIST,
            View::Order => keys::ORDER,
            View::Entry(f) if f.on_choice() => keys::ENTRY_PICK,
            View::Entry(_) => keys::ENTRY,
            View::Small(f) if f.fields.focused_is_choice() => keys::ENTRY_PICK,
            View::Small(_) => keys::ENTRY,
        }
    }

    fn title(&self) -> &'static str {
        match &self.view {
            View::List => "Lab worklist",
            View::Order => "Lab order",
            View::Entry(_) => "Result entry",
            View::Small(f) => f.title(),
        }
    }

    fn perform(&mut self, action: Action, ctx: &mut Ctx) -> Said {
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
            View::Order => self.perform_order(action, ctx),
            View::Entry(_) => self.perform_entry(action, ctx),
            View::Small(_) => self.perform_small(action, ctx),
        }
    }

    fn takes_text(&self) -> bool {
        match &self.view {
            View::List => self.finding.is_some(),
            View::Order => false,
            View::Entry(_) | View::Small(_) => true,
        }
    }

    fn type_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Said {
        match &mut self.view {
            View::List => {
                if let Some(f) = &mut self.finding {
                    f.type_key(key);
                }
            }
            View::Entry(f) => {
                if let Some(line) = f.focused_mut() {
                    line.type_key(key);
                }
            }
            View::Small(f) => f.type_key(key),
            View::Order => {}
        }
        Said::Nothing
    }

    /// Text pasted into the find line, a result's typed value or a form's
    /// typed field; the lists, an order and a choice take none.
    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Said {
        let taken = match &mut self.view {
            View::List => self.finding.as_mut().map(|f| f.paste(text)).is_some(),
            View::Entry(f) => f.focused_mut().is_some_and(|line| line.paste(text)),
            View::Small(f) => f.paste(text),
            View::Order => false,
        };
        if taken {
            Said::Nothing
        } else {
            crate::tui::screen::not_pasted()
        }
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input()
            .then_some("Quit and throw away the results or form you were typing?")
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        match about.downcast::<Pending>() {
            Ok(then) => self.answer(*then, answer, ctx),
            Err(_) => Ok(Said::Nothing),
        }
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        if matches!(self.view, View::List | View::Order) {
            self.reload(ctx)
        } else {
            Said::Nothing
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        match &self.view {
            View::List => self.render_list(frame, area, view),
            View::Order => self.render_order(frame, area, view),
            View::Entry(f) => entry_draw::render(f, frame, area, view.theme),
            View::Small(f) => f.render(frame, area, view.theme),
        }
    }
}
