//! The worklist's side of the tab: reading the six lists (the counts in
//! their titles), moving between them, finding an order by its typed or
//! scanned accession number, and the steps started from a row: collecting
//! (a time typed, or now), rejecting, entering and verifying results.

use super::lists::LISTS;
use super::{Lab, Pending, View, forms};
use crate::domain::ids::Id;
use crate::domain::lab::accession::Accession;
use crate::domain::lab::order::SELF_VERIFY_WORD;
use crate::ops::lab::{self as ops, WorklistRow};
use crate::tui::keymap::Action;
use crate::tui::popups::{Answer, Heard, Refused};
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup::Prompt;

impl Lab {
    /// Reads every list's count and the shown list's orders, then the
    /// rows of those in view.
    pub(super) fn reload_list(&mut self, ctx: &mut Ctx) -> Said {
        let keep = self.selected_row().map(|r| r.order_id.clone());
        for (i, view) in LISTS.iter().enumerate() {
            match ops::count(ctx.db, ctx.session, *view, ctx.clock()) {
                Ok(n) => self.counts[i] = n,
                Err(e) => return said_error(e),
            }
        }
        match ops::worklist(ctx.db, ctx.session, LISTS[self.list], ctx.clock()) {
            Ok(list) => self.rows = list,
            Err(e) => return said_error(e),
        }
        let at = keep.and_then(|id| self.rows.position(&id));
        self.selected
            .select(at.unwrap_or(self.selected.index()), self.rows.len());
        self.read_rows_in_view(ctx)
    }

    /// Reads the rows the table shows with the selection where it is: a
    /// list of thousands is read a screenful at a time.
    fn read_rows_in_view(&mut self, ctx: &mut Ctx) -> Said {
        let fit = match self.rows_in_view.get() {
            0 => ROWS_BEFORE_FIRST_FRAME,
            n => n,
        };
        let first = self.selected.offset(fit);
        match ops::read_rows(
            ctx.db,
            ctx.session,
            &mut self.rows,
            first..first + fit,
            ctx.clock(),
        ) {
            Ok(()) => Said::Nothing,
            Err(e) => said_error(e),
        }
    }

    pub(super) fn selected_row(&self) -> Option<&WorklistRow> {
        self.rows.row(self.selected.index())
    }

    /// Shows list `i`, from its first order.
    fn show_list(&mut self, i: usize, ctx: &mut Ctx) -> Said {
        self.list = i % LISTS.len();
        self.selected = Default::default();
        self.reload_list(ctx)
    }

    pub(super) fn perform_list(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if self.finding.is_some() {
            return match action {
                Action::Open => self.find_accession(ctx),
                Action::FocusList => {
                    self.finding = None;
                    Said::Nothing
                }
                _ => Said::Nothing,
            };
        }
        if self.selected.navigate(action, self.rows.len()) {
            return self.read_rows_in_view(ctx);
        }
        match action {
            Action::NextLabList => self.show_list(self.list + 1, ctx),
            Action::PrevLabList => self.show_list(self.list + LISTS.len() - 1, ctx),
            Action::FocusSearch => {
                self.finding = Some(Field::new("Accession").wide(20));
                Said::Info("Type or scan the accession number, then Enter.".into())
            }
            Action::Open
            | Action::CollectSpecimen
            | Action::RejectSpecimen
            | Action::EnterResults
            | Action::VerifyResults => {
                let Some(id) = self.selected_row().map(|r| r.order_id.clone()) else {
                    return Said::Info(
                        "No order in this list: Tab shows another, / finds an accession.".into(),
                    );
                };
                let said = self.load_order(&id, ctx);
                if self.order.is_none() {
                    return said;
                }
                self.result = Default::default();
                self.view = View::Order;
                match action {
                    Action::Open => said,
                    other => self.perform_order(other, ctx),
                }
            }
            _ => Said::Nothing,
        }
    }

    /// Enter in the accession box: the order with that number, opened; a
    /// mistyped number is said in words and stays to be corrected.
    fn find_accession(&mut self, ctx: &mut Ctx) -> Said {
        let typed = self.finding.as_ref().map_or("", Field::value).to_string();
        let accession = match Accession::parse(&typed) {
            Ok(a) => a,
            Err(e) => {
                if let Some(f) = &mut self.finding {
                    f.error = Some("✗".into());
                }
                return Said::Error(capitalised(&e));
            }
        };
        match ops::by_accession(ctx.db, ctx.session, &accession, ctx.clock()) {
            Ok(detail) => {
                self.finding = None;
                let status = detail.order.status.label();
                self.order = Some(detail);
                self.result = Default::default();
                self.view = View::Order;
                Said::Info(format!("{accession}: {status}."))
            }
            Err(e) => said_error(e),
        }
    }

    /// `c`: asks when the specimen was taken (Enter for now).
    pub(super) fn ask_collect(&mut self) -> Said {
        let Some(d) = &self.order else {
            return Said::Nothing;
        };
        let o = &d.order;
        let question = format!(
            "Collect {} ({}, {}) from {}? Type the time it was taken (HH:MM), or Enter for now.",
            o.accession,
            tests_of(o),
            o.specimen,
            patient_of(d),
        );
        crate::tui::popups::Question::prompt(
            Prompt::new(question, "Time"),
            Pending::Collect {
                order: o.id.clone(),
                version: o.version,
            },
        )
        .into()
    }

    /// The collection time answered: the specimen is collected.
    pub(super) fn collect(&mut self, order: Id, version: i64, typed: &str, ctx: &mut Ctx) -> Heard {
        let at = match forms::collection_time(typed, &ctx.clock()) {
            Ok(at) => at,
            Err(e) => {
                return Err(Refused {
                    about: Box::new(Pending::Collect { order, version }),
                    said: Said::Error(capitalised(&e)),
                    field_error: Some("HH:MM".into()),
                });
            }
        };
        Ok(
            match ops::collect(ctx.db, ctx.session, &order, version, at, ctx.clock()) {
                Ok(o) => {
                    let said = self.reload(ctx);
                    if said != Said::Nothing {
                        return Ok(said);
                    }
                    Said::Info(format!(
                        "{} collected: it waits for its results.",
                        o.accession
                    ))
                }
                Err(e) => self.failed(e, ctx),
            },
        )
    }

    /// A write was refused (another terminal changed the order first, or
    /// a rule): what was wrong is said, and what is shown read again.
    pub(super) fn failed(&mut self, e: crate::error::Error, ctx: &mut Ctx) -> Said {
        let said = said_error(e);
        let reload = self.reload(ctx);
        if reload != Said::Nothing {
            return reload;
        }
        said
    }

    /// A question of the tab answered.
    pub(super) fn answer(&mut self, then: Pending, answer: Answer, ctx: &mut Ctx) -> Heard {
        match (then, answer) {
            (Pending::Collect { order, version }, Answer::Text(t)) => {
                self.collect(order, version, &t, ctx)
            }
            (Pending::Verify { order, version }, Answer::Yes) => {
                Ok(self.verify(&order, version, None, ctx))
            }
            (Pending::SelfVerify { order, version }, Answer::Text(word)) => {
                if word.trim() != SELF_VERIFY_WORD {
                    return Err(Refused {
                        about: Box::new(Pending::SelfVerify { order, version }),
                        said: Said::Error(format!(
                            "Type {SELF_VERIFY_WORD} in capitals to verify your own results, or Esc to leave them for a second technician."
                        )),
                        field_error: Some(format!("type {SELF_VERIFY_WORD}")),
                    });
                }
                Ok(self.verify(&order, version, Some(word.trim()), ctx))
            }
            (Pending::Discard, Answer::Yes) => Ok(self.close_form(ctx)),
            _ => Ok(Said::Nothing),
        }
    }
}

/// A sentence's first letter in capitals.
pub(super) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The tests of an order, by name, joined.
pub(super) fn tests_of(o: &ops::LabOrder) -> String {
    o.tests
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The patient of an order as the lab names them: name and MRN.
pub(super) fn patient_of(d: &ops::OrderDetail) -> String {
    format!("{} {}", d.patient.name, d.patient.mrn)
}

/// How many rows are read before the first frame says how many fit.
const ROWS_BEFORE_FIRST_FRAME: usize = 30;
