//! The billing tab, the cash desk: today's bills (those still to pay, or
//! all with something done on them today), a patient's bills found through
//! the patient picker, one bill with its lines, the patient's and the
//! scheme's shares and its payments; taking a payment (the receipt written
//! as printer text and PDF), a refund (administrators), a manual charge and
//! a line's reversal (doctors, nurses, administrators), a patient's payer
//! scheme, closing a bill, and the cashier's cash-up that closes the day.
//!
//! The folder holds the whole area: this file the tab's state and its
//! [`Screen`](crate::tui::screen::Screen) implementation; `actions` the
//! keys of each view; `answers` its forms saved and its questions
//! answered; `forms` the forms;
//! `draw` the drawing; `keys` the key tables.

mod actions;
mod answers;
mod draw;
mod forms;
mod keys;

use crate::domain::ids::Id;
use crate::ops::billing::BillDetail;
use crate::store::billing::desk::DeskRow;
use crate::store::billing::{ByMethod, CashUp, Scheme};
use crate::tui::keymap::{Action, Binding};
use crate::tui::popups::{Answer, Heard};
use crate::tui::screen::{Ctx, Said, Screen};
use crate::tui::widgets::table::Selection;
use forms::{DeskForm, TypedPayment, TypedRefund, TypedScheme};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use std::any::Any;

/// What the tab shows.
enum View {
    /// Today's bills.
    Desk,
    /// One patient's bills.
    Patient,
    /// One bill.
    Bill,
    /// A form over the view it was opened from.
    Form(Box<DeskForm>),
}

/// Which of today's bills the desk lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeskList {
    /// Those with something left to pay.
    ToPay,
    /// Every bill with a line posted or a payment taken today.
    All,
}

/// The patient whose bills are shown.
struct PatientBills {
    id: Id,
    name: String,
    mrn: String,
    rows: Vec<DeskRow>,
    /// The scheme covering them today and their member number.
    scheme: Option<(Scheme, String)>,
}

/// The bill open, with whose it is and the view Esc goes back to.
struct OpenBill {
    detail: BillDetail,
    name: String,
    mrn: String,
    scheme: Option<(Scheme, String)>,
    from_patient: bool,
}

/// What an answered question goes on to do.
enum Pending {
    /// The patient picker: show the chosen patient's bills.
    FindPatient,
    Pay {
        bill: Id,
        payment: TypedPayment,
    },
    Refund {
        bill: Id,
        refund: TypedRefund,
    },
    Charge {
        visit: Option<Id>,
        admission: Option<Id>,
        code: String,
        quantity: i64,
    },
    /// The reason for reversing a line, then its confirmation.
    ReverseReason {
        charge: Id,
        what: String,
    },
    Reverse {
        charge: Id,
        reason: String,
    },
    CloseBill {
        bill: Id,
    },
    Scheme {
        patient: Id,
        scheme: TypedScheme,
    },
    CashUp {
        counted: i64,
        note: String,
    },
    /// Throw away the form being typed.
    Discard,
}

/// The billing tab's state: what it shows is read when a view opens or
/// after a change, never while drawing.
pub struct Billing {
    list: DeskList,
    /// Today's bills, all of them (the list to pay is filtered from it).
    today: Vec<DeskRow>,
    selected: Selection,
    patient: Option<PatientBills>,
    patient_selected: Selection,
    bill: Option<OpenBill>,
    /// The selected row of the open bill: its lines, then its payments.
    line: Selection,
    /// The signed-in cashier's takings today (none for a role that takes
    /// no payments), and their cash-up once the day is closed.
    takings: Option<ByMethod>,
    cash_up: Option<CashUp>,
    view: View,
}

impl Billing {
    /// The tab as it opens: today's bills still to pay.
    pub fn open(ctx: &mut Ctx) -> (Billing, Said) {
        let mut b = Billing {
            list: DeskList::ToPay,
            today: Vec::new(),
            selected: Selection::default(),
            patient: None,
            patient_selected: Selection::default(),
            bill: None,
            line: Selection::default(),
            takings: None,
            cash_up: None,
            view: View::Desk,
        };
        let said = b.reload(ctx);
        (b, said)
    }

    /// The desk's rows in the list shown.
    fn shown(&self) -> Vec<&DeskRow> {
        self.today
            .iter()
            .filter(|r| self.list == DeskList::All || r.totals.balance > 0)
            .collect()
    }

    /// The view under a form: where it was opened from.
    fn under_form(&self) -> View {
        match &self.view {
            View::Form(f) => match f.kind {
                forms::Kind::CashUp { .. } => View::Desk,
                forms::Kind::Scheme { .. } | forms::Kind::Charge { .. } if self.bill.is_none() => {
                    View::Patient
                }
                _ => View::Bill,
            },
            View::Desk => View::Desk,
            View::Patient => View::Patient,
            View::Bill => View::Bill,
        }
    }

    /// Whether a form holds typed input that leaving would lose.
    fn has_unsaved_input(&self) -> bool {
        matches!(&self.view, View::Form(f) if f.fields.changed())
    }
}

impl Screen for Billing {
    fn table(&self) -> &'static [Binding] {
        match &self.view {
            View::Desk => keys::DESK,
            View::Patient => keys::PATIENT,
            View::Bill => keys::BILL,
            View::Form(f) if f.fields.focused_is_choice() => keys::FORM_PICK,
            View::Form(_) => keys::FORM_KEYS,
        }
    }

    fn title(&self) -> &'static str {
        match &self.view {
            View::Desk => "Cash desk",
            View::Patient => "A patient's bills",
            View::Bill => "Bill",
            View::Form(f) => f.title(),
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
            View::Desk => self.perform_desk(action, ctx),
            View::Patient => self.perform_patient(action, ctx),
            View::Bill => self.perform_bill(action, ctx),
            View::Form(_) => self.perform_form(action, ctx),
        }
    }

    fn takes_text(&self) -> bool {
        matches!(self.view, View::Form(_))
    }

    fn type_key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Said {
        if let View::Form(f) = &mut self.view {
            f.fields.type_key(key);
        }
        Said::Nothing
    }

    /// Text pasted into the form's typed field that has the cursor; the
    /// lists and a choice take none.
    fn paste(&mut self, text: &str, _ctx: &mut Ctx) -> Said {
        match &mut self.view {
            View::Form(f) if f.fields.on_text() => {
                f.fields.paste(text);
                Said::Nothing
            }
            _ => crate::tui::screen::not_pasted(),
        }
    }

    fn unsaved_input(&self) -> Option<&'static str> {
        self.has_unsaved_input()
            .then_some("Quit and throw away the form you were typing?")
    }

    fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        match about.downcast::<Pending>() {
            Ok(then) => self.answer(*then, answer, ctx),
            Err(_) => Ok(Said::Nothing),
        }
    }

    fn shown_again(&mut self, ctx: &mut Ctx) -> Said {
        if matches!(self.view, View::Form(_)) {
            Said::Nothing
        } else {
            self.reload(ctx)
        }
    }

    fn render(&self, frame: &mut Frame, area: Rect, view: &crate::tui::screen::View) {
        match &self.view {
            View::Desk => self.render_desk(frame, area, view),
            View::Patient => self.render_patient(frame, area, view),
            View::Bill => self.render_bill(frame, area, view),
            View::Form(f) => draw::render_form(self, f, frame, area, view),
        }
    }
}
