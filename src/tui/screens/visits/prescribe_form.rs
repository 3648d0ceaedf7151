//! The prescribing form over a visit (the shared form widget): the medicine
//! found in the formulary as one types (or named and bought outside), dose
//! and unit, route, frequency (a PRN order asks its indication and most
//! doses a day), duration, instructions, priority, and the quantity to
//! dispense, computed live from them; a quantity changed by hand asks why.
//! Ctrl+S has ops review the order: each failed check shows with its reason
//! and gets a field for the prescriber's reason to override it, and the
//! order is written only when each has one. Drawing is in `prescribe_draw`.

use super::{Mode, Visits};
use crate::domain::prescribing::checks::{CheckKind, Finding};
use crate::domain::prescribing::quantity::{QuantityInput, parse_strength, quantity_to_dispense};
use crate::domain::prescribing::{Course, Dose, DoseUnit, Frequency, Priority, Route};
use crate::error::Error;
use crate::ops;
use crate::ops::formulary::FormularyHit;
use crate::ops::prescriptions::{Medicine, PrescriptionInput};
use crate::tui::keymap::Action;
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::field::{Edit, Field};
use crate::tui::widgets::form::{Choice, Form, Input};
use ratatui::crossterm::event::KeyEvent;
use strum::IntoEnumIterator;

/// What a line of the form holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    Medicine,
    Dose,
    Unit,
    Route,
    Frequency,
    Indication,
    MaxDaily,
    Duration,
    Instructions,
    Priority,
    Quantity,
    QuantityReason,
    Override(CheckKind),
}

impl Slot {
    fn label(self) -> &'static str {
        match self {
            Slot::Medicine => "Medicine",
            Slot::Dose => "Dose",
            Slot::Unit => "Dose unit",
            Slot::Route => "Route",
            Slot::Frequency => "Frequency",
            Slot::Indication => "PRN for",
            Slot::MaxDaily => "Most a day",
            Slot::Duration => "Days",
            Slot::Instructions => "Instructions",
            Slot::Priority => "Priority",
            Slot::Quantity => "Quantity",
            Slot::QuantityReason => "Why that qty",
            Slot::Override(CheckKind::Allergy) => "Allergy: why",
            Slot::Override(CheckKind::Duplicate) => "Duplicate: why",
            Slot::Override(CheckKind::PaediatricDose) => "Child dose: why",
        }
    }
}

const PRIORITIES: [Priority; 3] = [Priority::Routine, Priority::Urgent, Priority::Stat];

/// The medicine chosen: a formulary item with its stock, or one bought
/// outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Pick {
    Item(FormularyHit),
    Outside(String),
}

/// The form and what it found.
pub struct PrescribeForm {
    pub(super) form: Form,
    pub(super) slots: Vec<Slot>,
    /// The formulary's items matching the typed name.
    pub(super) hits: Vec<FormularyHit>,
    /// The highlighted line of the results (the line after the hits is
    /// "bought outside").
    pub(super) hit: usize,
    pub(super) medicine: Option<Pick>,
    /// The checks that failed at the last review.
    pub(super) findings: Vec<Finding>,
    /// Whether the order was reviewed since it last changed.
    pub(super) reviewed: bool,
    /// The quantity computed from the order as typed, in the item's unit.
    pub(super) computed: Option<i64>,
    /// The quantity was typed by hand (not the computed one put in).
    quantity_typed: bool,
    touched: bool,
}

impl PrescribeForm {
    pub fn new() -> PrescribeForm {
        let mut f = PrescribeForm {
            form: Form::new(Vec::new()),
            slots: Vec::new(),
            hits: Vec::new(),
            hit: 0,
            medicine: None,
            findings: Vec::new(),
            reviewed: false,
            computed: None,
            quantity_typed: false,
            touched: false,
        };
        f.rebuild();
        f
    }

    /// Whether anything was typed or chosen.
    pub fn changed(&self) -> bool {
        self.touched
    }

    pub fn on_choice(&self) -> bool {
        self.form.focused_is_choice()
    }

    pub fn on_medicine(&self) -> bool {
        self.focused() == Some(Slot::Medicine)
    }

    pub(super) fn focused(&self) -> Option<Slot> {
        self.slots.get(self.form.focus()).copied()
    }

    fn index(&self, slot: Slot) -> Option<usize> {
        self.slots.iter().position(|s| *s == slot)
    }

    pub(super) fn text(&self, slot: Slot) -> &str {
        self.index(slot).map_or("", |i| self.form.text(i))
    }

    fn choice(&self, slot: Slot) -> usize {
        self.index(slot).map_or(0, |i| self.form.choice(i))
    }

    fn frequency(&self) -> Frequency {
        Frequency::iter()
            .nth(self.choice(Slot::Frequency))
            .unwrap_or(Frequency::Od)
    }

    fn unit(&self) -> DoseUnit {
        DoseUnit::iter()
            .nth(self.choice(Slot::Unit))
            .unwrap_or(DoseUnit::Mg)
    }

    /// The item's unit, for the quantity ("" for none).
    pub(super) fn item_unit(&self) -> &str {
        match &self.medicine {
            Some(Pick::Item(h)) => &h.item.details.unit,
            _ => "",
        }
    }

    /// The lines of the form as the order now needs them.
    fn wanted(&self) -> Vec<Slot> {
        let mut s = vec![
            Slot::Medicine,
            Slot::Dose,
            Slot::Unit,
            Slot::Route,
            Slot::Frequency,
        ];
        let f = self.frequency();
        if f == Frequency::Prn {
            s.extend([Slot::Indication, Slot::MaxDaily]);
        }
        if !f.single() {
            s.push(Slot::Duration);
        }
        s.extend([Slot::Instructions, Slot::Priority]);
        if matches!(self.medicine, Some(Pick::Item(_))) {
            s.push(Slot::Quantity);
            if self.quantity_differs() {
                s.push(Slot::QuantityReason);
            }
        }
        s.extend(self.findings.iter().map(|f| Slot::Override(f.kind)));
        s
    }

    /// A typed quantity that is not the computed one.
    fn quantity_differs(&self) -> bool {
        let typed = self.text(Slot::Quantity).trim().parse::<i64>().ok();
        matches!((typed, self.computed), (Some(q), Some(c)) if q != c)
    }

    fn input_for(&self, slot: Slot) -> Input {
        // What the line held, not selected: the form is rebuilt while typing.
        let text = |w: u16| {
            let mut field = Field::new(slot.label()).wide(w);
            field.set_value(self.text(slot));
            Input::Text(field)
        };
        let held = self.index(slot).is_some();
        let choice = |options: Vec<String>, default: usize| {
            let at = if held { self.choice(slot) } else { default };
            Input::Choice(Choice::new(slot.label(), options).at(at))
        };
        match slot {
            Slot::Unit => choice(DoseUnit::iter().map(|u| u.to_string()).collect(), 0),
            Slot::Route => choice(Route::iter().map(|r| r.label().to_string()).collect(), 0),
            Slot::Frequency => choice(
                Frequency::iter()
                    .map(|f| format!("{} ({})", f.short(), f.words()))
                    .collect(),
                1,
            ),
            Slot::Priority => choice(PRIORITIES.iter().map(|p| p.to_string()).collect(), 0),
            Slot::Dose | Slot::MaxDaily | Slot::Duration | Slot::Quantity => text(8),
            _ => text(60),
        }
    }

    /// Puts the lines the order needs on the form, keeping what each held
    /// and the focus on the line it was on.
    fn rebuild(&mut self) {
        let wanted = self.wanted();
        if wanted == self.slots {
            return;
        }
        let focused = self.focused();
        let inputs = wanted.iter().map(|s| self.input_for(*s)).collect();
        let at = focused
            .and_then(|f| wanted.iter().position(|s| *s == f))
            .unwrap_or(0);
        self.form = Form::new(inputs).with_focus(at);
        self.slots = wanted;
    }

    /// The quantity computed from the order as typed, put in the quantity
    /// field unless one was typed there.
    fn recompute(&mut self) {
        self.computed = match &self.medicine {
            Some(Pick::Item(h)) => {
                let dose = Dose::parse(self.text(Slot::Dose), &self.unit().to_string()).ok();
                dose.and_then(|dose| {
                    quantity_to_dispense(&QuantityInput {
                        dose,
                        frequency: self.frequency(),
                        duration_days: self.text(Slot::Duration).trim().parse().ok(),
                        prn_max_daily: self.text(Slot::MaxDaily).trim().parse().ok(),
                        item_unit: &h.item.details.unit,
                        strength: parse_strength(&h.item.details.strength),
                    })
                })
            }
            _ => None,
        };
        self.rebuild();
        if !self.quantity_typed
            && let Some(i) = self.index(Slot::Quantity)
        {
            let shown = self.computed.map(|c| c.to_string()).unwrap_or_default();
            self.form.set_text(i, &shown);
            self.rebuild();
        }
    }

    /// Something in the order changed: the last review no longer holds.
    fn order_changed(&mut self) {
        self.touched = true;
        if self
            .focused()
            .is_some_and(|s| !matches!(s, Slot::Override(_)))
        {
            self.reviewed = false;
        }
        self.recompute();
    }

    /// A key typed into the focused field; the medicine's results follow
    /// its text.
    pub fn type_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Said {
        self.edit(Edit::Key(key), ctx)
    }

    /// Text pasted into the focused typed field; a choice takes none.
    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Said {
        if !self.form.on_text() {
            return crate::tui::screen::not_pasted();
        }
        self.edit(Edit::Paste(text), ctx)
    }

    fn edit(&mut self, edit: Edit, ctx: &mut Ctx) -> Said {
        if !self.form.edit(edit) {
            return Said::Nothing;
        }
        match self.focused() {
            Some(Slot::Medicine) => {
                let typed = self.text(Slot::Medicine).to_string();
                match ops::formulary::search(ctx.db, ctx.session, &typed, ctx.clock()) {
                    Ok(hits) => self.hits = hits,
                    Err(e) => return said_error(e),
                }
                self.hit = 0;
                self.medicine = self.hits.first().cloned().map(Pick::Item);
            }
            Some(Slot::Quantity) => self.quantity_typed = true,
            _ => {}
        }
        self.order_changed();
        Said::Nothing
    }

    /// ↑ or ↓ in the medicine's results.
    fn move_hit(&mut self, down: bool) {
        let rows = self.hits.len() + usize::from(!self.text(Slot::Medicine).trim().is_empty());
        if rows == 0 {
            return;
        }
        self.hit = if down {
            (self.hit + 1).min(rows - 1)
        } else {
            self.hit.saturating_sub(1)
        };
        self.medicine = self.hits.get(self.hit).cloned().map(Pick::Item);
        self.order_changed();
    }

    /// Takes the highlighted line of the results as the medicine; the
    /// line after the hits is the typed name, bought outside.
    fn choose(&mut self) {
        let typed = self.text(Slot::Medicine).trim().to_string();
        let pick = match self.hits.get(self.hit) {
            Some(h) => Some(Pick::Item(h.clone())),
            None if !typed.is_empty() => Some(Pick::Outside(typed)),
            None => None,
        };
        if let (Some(Pick::Item(h)), Some(i)) = (&pick, self.index(Slot::Medicine)) {
            let label = h.item.details.label();
            self.form.set_text(i, &label);
            if self.text(Slot::Dose).is_empty() {
                self.set_unit_for(h.clone());
            }
        }
        if pick.is_some() {
            self.medicine = pick;
            self.order_changed();
        }
    }

    /// The dose unit that suits the item: a mass when its strength is one,
    /// else its own unit (tablet, ml, puff).
    fn set_unit_for(&mut self, h: FormularyHit) {
        let unit = if parse_strength(&h.item.details.strength).is_some() {
            DoseUnit::Mg
        } else {
            DoseUnit::parse(&h.item.details.unit).unwrap_or(DoseUnit::Mg)
        };
        if let (Some(i), Some(at)) = (
            self.index(Slot::Unit),
            DoseUnit::iter().position(|u| u == unit),
        ) {
            let options = DoseUnit::iter().map(|u| u.to_string()).collect();
            let mut inputs: Vec<Input> = self.slots.iter().map(|s| self.input_for(*s)).collect();
            inputs[i] = Input::Choice(Choice::new(Slot::Unit.label(), options).at(at));
            let focus = self.form.focus();
            self.form = Form::new(inputs).with_focus(focus);
        }
    }

    /// The order as ops takes it; the problems found go beside their fields.
    fn input(&mut self, visit: &crate::domain::ids::Id) -> Result<PrescriptionInput, String> {
        self.form.clear_errors();
        let mut errors: Vec<(Slot, String)> = Vec::new();
        let medicine = match &self.medicine {
            Some(Pick::Item(h)) => Some(Medicine::Item(h.item.id.clone())),
            Some(Pick::Outside(name)) => Some(Medicine::Outside(name.clone())),
            None => {
                errors.push((
                    Slot::Medicine,
                    "type part of its name, then Enter on the line found (the last line prescribes a medicine bought outside)".into(),
                ));
                None
            }
        };
        let dose = Dose::parse(self.text(Slot::Dose), &self.unit().to_string())
            .map_err(|e| errors.push((Slot::Dose, e)))
            .ok();
        let mut number = |slot: Slot, what: &str| -> Option<u32> {
            let t = self.text(slot).trim();
            if t.is_empty() {
                return None;
            }
            t.parse()
                .map_err(|_| errors.push((slot, format!("type {what} as a whole number"))))
                .ok()
        };
        let prn_max_daily = number(Slot::MaxDaily, "the most doses in 24 hours");
        let duration_days = number(Slot::Duration, "the number of days");
        let quantity = match self.text(Slot::Quantity).trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(q) => Some(q),
                Err(_) => {
                    errors.push((
                        Slot::Quantity,
                        format!(
                            "type the quantity as a whole number of {}",
                            self.item_unit()
                        ),
                    ));
                    None
                }
            },
        };
        let first = errors.first().map(|(_, m)| m.clone());
        for (slot, message) in errors {
            if let Some(i) = self.index(slot) {
                self.form.set_error(i, Some(message));
            }
        }
        self.form.focus_first_error();
        let (Some(medicine), Some(dose), None) = (medicine, dose, first.clone()) else {
            return Err(first.unwrap_or_default());
        };
        let overrides = self
            .findings
            .iter()
            .map(|f| (f.kind, self.text(Slot::Override(f.kind)).to_string()))
            .filter(|(_, r)| !r.trim().is_empty())
            .collect();
        Ok(PrescriptionInput {
            visit: visit.clone(),
            medicine,
            generic_name: String::new(),
            dose,
            route: Route::iter()
                .nth(self.choice(Slot::Route))
                .unwrap_or(Route::Oral),
            course: Course {
                frequency: self.frequency(),
                prn_indication: Some(self.text(Slot::Indication).to_string()),
                prn_max_daily,
                duration_days,
            },
            instructions: self.text(Slot::Instructions).to_string(),
            quantity: quantity.filter(|q| Some(*q) != self.computed || self.computed.is_none()),
            quantity_reason: self.text(Slot::QuantityReason).to_string(),
            priority: PRIORITIES
                .get(self.choice(Slot::Priority))
                .copied()
                .unwrap_or(Priority::Routine),
            starts_at: None,
            overrides,
        })
    }

    /// Shows a refusal of ops beside the field it is about, when it names one.
    fn place(&mut self, message: &str) {
        let m = message.to_lowercase();
        let slot = if m.contains("prn indication") || m.contains("indication") {
            Slot::Indication
        } else if m.contains("24 hours") {
            Slot::MaxDaily
        } else if m.contains("duration") || m.contains("how many days") {
            Slot::Duration
        } else if m.contains("instructions") {
            Slot::Instructions
        } else if m.contains("reason for the quantity") || m.contains("type why") {
            Slot::QuantityReason
        } else if m.contains("quantity") {
            Slot::Quantity
        } else if m.contains("formulary") || m.contains("name of the medicine") {
            Slot::Medicine
        } else {
            return;
        };
        if let Some(i) = self.index(slot) {
            self.form.set_error(i, Some(message.to_string()));
            self.form.focus_on(i);
        }
    }

    /// The failed checks of a review: a reason field for each; the focus
    /// on the first still without one.
    fn show_findings(&mut self, findings: Vec<Finding>) {
        self.findings = findings;
        self.reviewed = true;
        self.rebuild();
        let empty = self
            .findings
            .iter()
            .map(|f| Slot::Override(f.kind))
            .find(|s| self.text(*s).trim().is_empty());
        if let Some(i) = empty.and_then(|s| self.index(s)) {
            self.form.focus_on(i);
        }
    }
}

impl Visits {
    pub(super) fn perform_prescribe(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        let Mode::Prescribe(f) = &mut o.mode else {
            return Said::Nothing;
        };
        match action {
            Action::Up if f.on_medicine() => f.move_hit(false),
            Action::Down if f.on_medicine() => f.move_hit(true),
            Action::Open if f.on_medicine() => {
                f.choose();
                f.form.next();
            }
            Action::NextField => {
                if f.on_medicine() {
                    f.choose();
                }
                f.form.next();
            }
            Action::PrevField => f.form.prev(),
            Action::NextChoice | Action::PrevChoice => {
                f.form.cycle(action == Action::NextChoice);
                f.order_changed();
            }
            Action::Cancel if f.changed() => {
                return crate::tui::popups::Question::confirm(
                    "Throw away the prescription you were writing? Nothing is prescribed.",
                    super::Asked::DiscardPrescription,
                )
                .into();
            }
            Action::Cancel => o.mode = Mode::Overview,
            Action::Save => {
                let input = match f.input(&o.visit.id) {
                    Ok(i) => i,
                    Err(m) => return Said::Error(format!("Not prescribed: {m}.")),
                };
                let clock = ctx.clock();
                let review = match ops::prescriptions::review(ctx.db, ctx.session, &input, clock) {
                    Ok(r) => r,
                    Err(e) => return refusal(f, e),
                };
                let unexplained = review
                    .findings
                    .iter()
                    .filter(|x| !input.overrides.iter().any(|(k, _)| *k == x.kind))
                    .count();
                let first_review = !f.reviewed || f.findings != review.findings;
                f.show_findings(review.findings);
                if unexplained > 0 || (first_review && !f.findings.is_empty()) {
                    return Said::Error(format!(
                        "Not prescribed: {} check{} failed. Type why you go ahead, or change the order.",
                        f.findings.len(),
                        if f.findings.len() == 1 { "" } else { "s" }
                    ));
                }
                return match ops::prescriptions::prescribe(ctx.db, ctx.session, &input, clock) {
                    Ok(rx) => {
                        o.mode = Mode::Overview;
                        let words = format!(
                            "Prescribed {}{}.",
                            rx.label(),
                            if rx.outside() {
                                String::new()
                            } else {
                                format!(": {} {} to dispense", rx.quantity, rx.item_unit)
                            }
                        );
                        self.reread(ctx, &words)
                    }
                    Err(e) => refusal(f, e),
                };
            }
            _ => {}
        }
        Said::Nothing
    }
}

/// A refusal of ops: beside its field when it names one, and on the
/// status line.
fn refusal(f: &mut PrescribeForm, e: Error) -> Said {
    match said_error(e) {
        Said::Error(m) => {
            f.place(&m);
            Said::Error(m)
        }
        other => other,
    }
}
