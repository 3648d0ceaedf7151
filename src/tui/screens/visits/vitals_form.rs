//! The vitals form (the shared form widget): each measurement typed in its
//! unit, the oxygen, SpO2 scale and consciousness as choices, MUAC offered
//! only for children under five. The domain reads and checks it; its
//! messages (the plausible range) go beside the field they are about.

use super::{Mode, Visits};
use crate::domain::news2::{Consciousness, Spo2Scale};
use crate::domain::patient::age_years;
use crate::domain::vitals::{VitalField, VitalsError, VitalsForm};
use crate::ops;
use crate::ops::vitals::VitalsInput;
use crate::tui::keymap::Action;
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::{Choice, Form, Input, Look};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

/// What a line of the form holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Measure(VitalField),
    Oxygen,
    Scale,
    Acvpu,
}

const ACVPU: [Option<Consciousness>; 6] = [
    None,
    Some(Consciousness::Alert),
    Some(Consciousness::NewConfusion),
    Some(Consciousness::Voice),
    Some(Consciousness::Pain),
    Some(Consciousness::Unresponsive),
];

fn label(f: VitalField) -> &'static str {
    match f {
        VitalField::Temperature => "Temperature °C",
        VitalField::Pulse => "Pulse /min",
        VitalField::RespiratoryRate => "Resp. rate /min",
        VitalField::Systolic => "BP systolic mmHg",
        VitalField::Diastolic => "BP diastolic mmHg",
        VitalField::Spo2 => "SpO2 %",
        VitalField::Weight => "Weight kg",
        VitalField::Height => "Height cm",
        VitalField::Muac => "MUAC mm",
        VitalField::Pain => "Pain 0–10",
        VitalField::Glucose => "Glucose mmol/L",
    }
}

/// The vitals form of a patient.
pub struct VitalsEntry {
    form: Form,
    slots: Vec<Slot>,
    /// The patient's age in years today.
    age: i32,
}

impl VitalsEntry {
    /// An empty form; the SpO2 scale starts at the patient's last set's.
    pub fn new(birth: NaiveDate, today: NaiveDate, scale: Option<Spo2Scale>) -> VitalsEntry {
        let age = age_years(birth, today);
        use VitalField::*;
        let mut slots = vec![
            Slot::Measure(Temperature),
            Slot::Measure(Pulse),
            Slot::Measure(RespiratoryRate),
            Slot::Measure(Systolic),
            Slot::Measure(Diastolic),
            Slot::Measure(Spo2),
            Slot::Oxygen,
            Slot::Scale,
            Slot::Acvpu,
            Slot::Measure(Weight),
            Slot::Measure(Height),
        ];
        if age < 5 {
            slots.push(Slot::Measure(Muac));
        }
        slots.extend([Slot::Measure(Pain), Slot::Measure(Glucose)]);
        let inputs = slots
            .iter()
            .map(|s| match s {
                Slot::Measure(f) => Input::Text(Field::new(label(*f)).wide(8)),
                Slot::Oxygen => Input::Choice(Choice::new(
                    "Oxygen",
                    vec!["not recorded".into(), "room air".into(), "on oxygen".into()],
                )),
                Slot::Scale => Input::Choice(
                    Choice::new(
                        "SpO2 scale",
                        vec!["1".into(), "2 (hypercapnic respiratory failure)".into()],
                    )
                    .at(usize::from(scale == Some(Spo2Scale::Two))),
                ),
                Slot::Acvpu => Input::Choice(Choice::new(
                    "ACVPU",
                    ACVPU
                        .iter()
                        .map(|c| c.map_or("not recorded", |c| c.label()).to_string())
                        .collect(),
                )),
            })
            .collect();
        VitalsEntry {
            form: Form::new(inputs),
            slots,
            age,
        }
    }

    pub fn on_choice(&self) -> bool {
        self.form.focused_is_choice()
    }

    pub fn changed(&self) -> bool {
        self.form.changed()
    }

    pub fn type_key(&mut self, key: KeyEvent) {
        self.form.type_key(key);
    }

    /// Text pasted into the typed field under the cursor; a choice takes
    /// none (false).
    pub fn paste(&mut self, text: &str) -> bool {
        self.form.on_text() && {
            self.form.paste(text);
            true
        }
    }

    fn index_of(&self, slot: Slot) -> Option<usize> {
        self.slots.iter().position(|s| *s == slot)
    }

    /// The form as the domain reads it.
    fn typed(&self) -> VitalsForm {
        let text = |f: VitalField| {
            self.index_of(Slot::Measure(f))
                .map_or(String::new(), |i| self.form.text(i).to_string())
        };
        let choice = |s: Slot| self.index_of(s).map_or(0, |i| self.form.choice(i));
        VitalsForm {
            temperature: text(VitalField::Temperature),
            pulse: text(VitalField::Pulse),
            respiratory_rate: text(VitalField::RespiratoryRate),
            systolic: text(VitalField::Systolic),
            diastolic: text(VitalField::Diastolic),
            spo2: text(VitalField::Spo2),
            on_oxygen: match choice(Slot::Oxygen) {
                1 => Some(false),
                2 => Some(true),
                _ => None,
            },
            spo2_scale: if choice(Slot::Scale) == 1 {
                Spo2Scale::Two
            } else {
                Spo2Scale::One
            },
            consciousness: ACVPU.get(choice(Slot::Acvpu)).copied().flatten(),
            weight: text(VitalField::Weight),
            height: text(VitalField::Height),
            muac: text(VitalField::Muac),
            pain: text(VitalField::Pain),
            glucose: text(VitalField::Glucose),
        }
    }

    /// Puts each problem beside its field; the one about the whole set is
    /// returned to be said.
    fn show_errors(&mut self, errors: &[VitalsError]) -> Option<String> {
        self.form.clear_errors();
        let mut whole = None;
        for e in errors {
            match e.field.and_then(|f| self.index_of(Slot::Measure(f))) {
                Some(i) => self.form.set_error(i, Some(e.message.clone())),
                None => whole = Some(e.message.clone()),
            }
        }
        self.form.focus_first_error();
        whole
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [title, body] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
        frame.render_widget(
            Paragraph::new(Span::styled(
                " New vitals set: fill what was measured; ← → to choose, Ctrl+S to save",
                theme.title(),
            )),
            title,
        );
        self.form
            .render(frame, body, Look::new(18).errors_below(), true, theme);
    }
}

impl Visits {
    pub(super) fn perform_vitals(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(o) = self.open_visit_mut() else {
            return Said::Nothing;
        };
        let Mode::Vitals(f) = &mut o.mode else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => f.form.next(),
            Action::PrevField => f.form.prev(),
            Action::NextChoice => f.form.cycle(true),
            Action::PrevChoice => f.form.cycle(false),
            Action::Cancel if f.changed() => {
                return crate::tui::popups::Question::confirm(
                    "Throw away the vitals you typed?",
                    super::Asked::DiscardVitals,
                )
                .into();
            }
            Action::Cancel => o.mode = Mode::Overview,
            Action::Save => {
                let vitals = match f.typed().parse(f.age) {
                    Ok(v) => v,
                    Err(errors) => {
                        let whole = f.show_errors(&errors);
                        return Said::Error(whole.unwrap_or_else(|| {
                            "Some values are not possible: see the fields marked.".into()
                        }));
                    }
                };
                let input = VitalsInput {
                    patient: &o.patient.id,
                    visit: Some(&o.visit.id),
                    taken_at: ctx.now,
                    vitals,
                };
                match ops::vitals::record(ctx.db, ctx.session, &input, ctx.clock()) {
                    Ok(recorded) => {
                        o.mode = Mode::Overview;
                        o.selected = 0;
                        return self.reread(ctx, &recorded_words(&recorded));
                    }
                    Err(e) => return said_error(e),
                }
            }
            _ => {}
        }
        Said::Nothing
    }
}

/// What the status line says of a set just recorded: its NEWS2 and how
/// many values are outside the normal range.
fn recorded_words(r: &ops::vitals::Recorded) -> String {
    let mut words = "Vitals recorded".to_string();
    if let Some((score, band)) = r.record.news2 {
        words.push_str(&format!(": NEWS2 {score} {}", band.label()));
        if r.trend == Some(crate::domain::news2::Trend::Rising) {
            words.push_str(", RISING");
        }
    }
    match r.flags.len() {
        0 => words.push('.'),
        1 => words.push_str("; 1 value out of the normal range."),
        n => words.push_str(&format!("; {n} values out of the normal range.")),
    }
    words
}
