//! What each kind of terminal does, over and over until the measured
//! period ends: the front desk searches, registers, books and checks in;
//! the ward admits and records vitals; the pharmacy dispenses from its
//! queue. Every key goes through the real screens; a step whose screen
//! does not say what it should is counted as trouble and left with Esc.

use super::driver::{Driver, Step, Stop};
use super::kinds::Kind;
use crate::demo::synthetic::Generator;
use crate::domain::patient::{PatientDetails, Sex};
use ratatui::crossterm::event::KeyCode;

/// The three kinds of terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Desk,
    Ward,
    Pharmacy,
}

impl Role {
    /// The roles of the first terminals, repeated: of ten, five at the
    /// front desk, three on the wards and two in the pharmacy.
    const MIX: [Role; 10] = [
        Role::Desk,
        Role::Ward,
        Role::Pharmacy,
        Role::Desk,
        Role::Ward,
        Role::Desk,
        Role::Desk,
        Role::Ward,
        Role::Pharmacy,
        Role::Desk,
    ];

    /// The role of terminal `i`.
    pub fn of(i: usize) -> Role {
        Role::MIX[i % Role::MIX.len()]
    }

    pub fn key(self) -> &'static str {
        match self {
            Role::Desk => "desk",
            Role::Ward => "ward",
            Role::Pharmacy => "pharmacy",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::Desk, Role::Ward, Role::Pharmacy]
            .into_iter()
            .find(|r| r.key() == text)
    }
}

/// Names of patients in the bench hospital (its generator's first
/// patients), to search for.
pub struct Names(Vec<(String, String)>);

/// Patients drawn for the names searched, at most.
const NAMES: u64 = 2_000;

impl Names {
    pub fn of_bench(patients: u64) -> Names {
        let mut g = Generator::new(super::super::SEED, super::super::today());
        Names(
            (0..patients.clamp(1, NAMES))
                .map(|_| {
                    let p = g.next_patient();
                    (p.given_name, p.family_name)
                })
                .collect(),
        )
    }

    /// "Given Family" of a patient picked by the terminal.
    fn pick(&self, d: &mut Driver) -> String {
        let (given, family) = &self.0[d.below(self.0.len())];
        format!("{given} {family}")
    }
}

/// A terminal's script.
pub struct Script<'a> {
    pub role: Role,
    pub index: usize,
    pub names: &'a Names,
    /// New patients for the desk to register.
    pub newcomers: Generator,
}

impl Script<'_> {
    /// Works until the measured period is over.
    pub fn run(&mut self, d: &mut Driver) -> anyhow::Result<()> {
        let result = match self.role {
            Role::Desk => loop_on(d, |d| self.desk(d)),
            Role::Ward => loop_on(d, |d| self.ward(d)),
            Role::Pharmacy => loop_on(d, |d| self.pharmacy(d)),
        };
        match result {
            Err(Stop::Failed(e)) => Err(e),
            Ok(()) | Err(Stop::Over) => Ok(()),
        }
    }

    /// The front desk's round: a new patient registered and booked, a
    /// walk-in checked in, and a search.
    fn desk(&mut self, d: &mut Driver) -> Step {
        let p = self.newcomers.next_patient();
        if register(d, &p)? {
            book(d, &format!("{} {}", p.given_name, p.family_name))?;
        }
        let arrived = self.names.pick(d);
        walk_in(d, &arrived)?;
        let wanted = self.names.pick(d);
        search(d, &wanted)
    }

    /// The ward's round: a vitals set, an admission into a free bed when
    /// there is one, then two vitals sets more.
    fn ward(&mut self, d: &mut Driver) -> Step {
        vitals(d)?;
        admit(d, self.names, self.index)?;
        for _ in 0..2 {
            vitals(d)?;
        }
        Ok(())
    }

    /// The pharmacy's round: a prescription from the queue dispensed.
    fn pharmacy(&mut self, d: &mut Driver) -> Step {
        dispense(d, self.index)
    }
}

fn loop_on(d: &mut Driver, mut round: impl FnMut(&mut Driver) -> Step) -> Step {
    loop {
        round(d)?;
    }
}

/// A name typed into the patient search, a record opened and read.
fn search(d: &mut Driver, name: &str) -> Step {
    d.think(2_000)?;
    d.key(Kind::Navigation, KeyCode::F(2))?;
    d.think(800)?;
    d.ctrl(Kind::SearchKeystroke, 'u')?;
    d.typed(Kind::SearchKeystroke, name)?;
    d.think(1_500)?;
    if d.shows(" found") && !d.shows(" 0 found") {
        d.key(Kind::Navigation, KeyCode::Enter)?;
        d.think(4_000)?;
        d.key(Kind::Navigation, KeyCode::Esc)?;
    }
    Ok(())
}

/// A new patient registered through the form; whether it was.
fn register(d: &mut Driver, p: &PatientDetails) -> std::result::Result<bool, Stop> {
    d.think(2_000)?;
    d.key(Kind::Navigation, KeyCode::F(2))?;
    d.ctrl(Kind::Navigation, 'n')?;
    if !d.shows("Register a new patient") {
        d.trouble("the registration form")?;
        return Ok(false);
    }
    let sex = match p.sex {
        Sex::M => "M",
        Sex::F => "F",
        Sex::O => "O",
        Sex::U => "U",
    };
    let fields = [
        p.given_name.clone(),
        p.middle_name.clone(),
        p.family_name.clone(),
        p.birth_date.format("%Y-%m-%d").to_string(),
        String::new(),
        sex.into(),
        p.phone.clone(),
    ];
    for (i, value) in fields.iter().enumerate() {
        if i > 0 {
            d.think(400)?;
            d.key(Kind::FormTyping, KeyCode::Tab)?;
        }
        d.typed(Kind::FormTyping, value)?;
    }
    d.think(1_500)?;
    d.ctrl(Kind::RegistrationSave, 's')?;
    d.answer_yes(Kind::RegistrationSave, 1)?;
    if !d.shows("Registered ") {
        d.trouble("registering a patient")?;
        return Ok(false);
    }
    d.think(3_000)?;
    d.key(Kind::Navigation, KeyCode::Esc)?;
    Ok(true)
}

/// The patient just registered booked at the first clinician's next free
/// slot.
fn book(d: &mut Driver, name: &str) -> Step {
    d.think(2_000)?;
    d.key(Kind::Navigation, KeyCode::F(3))?;
    d.think(1_000)?;
    d.key(Kind::Navigation, KeyCode::Char('n'))?;
    if !d.shows("Book an appointment for") {
        return d.trouble("the booking picker");
    }
    d.typed(Kind::SearchKeystroke, name)?;
    d.think(1_000)?;
    d.key(Kind::Navigation, KeyCode::Enter)?;
    if !d.shows("Clinician") {
        return d.trouble("the booking form");
    }
    for _ in 0..3 {
        d.think(1_500)?;
        d.ctrl(Kind::Navigation, 'f')?;
        d.think(1_500)?;
        d.ctrl(Kind::Booking, 's')?;
        d.answer_yes(Kind::Booking, 2)?;
        if !d.refused("is already booked then") {
            break;
        }
        // another desk booked that slot first: the next free one
    }
    if !d.shows("Booked ") {
        return d.trouble("booking");
    }
    Ok(())
}

/// A patient who walked in, checked in for the first clinician.
fn walk_in(d: &mut Driver, name: &str) -> Step {
    d.think(3_000)?;
    d.key(Kind::Navigation, KeyCode::F(3))?;
    d.think(1_000)?;
    d.key(Kind::Navigation, KeyCode::Char('w'))?;
    if !d.shows("Walk-in: who has arrived?") {
        return d.trouble("the walk-in picker");
    }
    d.typed(Kind::SearchKeystroke, name)?;
    d.think(1_000)?;
    d.key(Kind::Navigation, KeyCode::Enter)?;
    if d.shows("who has arrived?") || !d.shows("Walk-in") {
        return d.trouble("the walk-in form");
    }
    d.think(1_500)?;
    d.ctrl(Kind::CheckIn, 's')?;
    d.answer_yes(Kind::CheckIn, 2)?;
    if !d.shows("checked in") {
        return d.trouble("checking a walk-in in");
    }
    Ok(())
}

/// A patient admitted into a free bed, when the board shows one.
fn admit(d: &mut Driver, names: &Names, index: usize) -> Step {
    let name = names.pick(d);
    d.think(2_000)?;
    d.key(Kind::Navigation, KeyCode::F(4))?;
    if !d.shows("free beds only") {
        d.think(800)?;
        d.key(Kind::Navigation, KeyCode::Char('f'))?;
    }
    d.think(800)?;
    d.key(Kind::Navigation, KeyCode::Home)?;
    for _ in 0..index % 3 {
        d.think(400)?;
        d.key(Kind::Navigation, KeyCode::Right)?;
    }
    if !d.shows("▸A ") {
        // no free bed in view: the ward has none to give
        return Ok(());
    }
    let mut name = name.to_string();
    for _ in 0..3 {
        d.think(1_000)?;
        d.key(Kind::Navigation, KeyCode::Char('a'))?;
        if !d.shows("Admit which patient") {
            return d.trouble("the admission picker");
        }
        d.typed(Kind::SearchKeystroke, &name)?;
        d.think(1_000)?;
        d.key(Kind::Navigation, KeyCode::Enter)?;
        if !d.refused("already admitted") && !d.refused("not recorded with that sex") {
            break;
        }
        // that patient lies in a bed already, or the ward is for the
        // other sex: the next one
        name = names.pick(d);
    }
    if d.asked("Admit them to it anyway?") {
        // the bed is for another age group (a child's cot, an adult
        // ward): the nurse admits them there for the night
        d.think(1_500)?;
        d.answer_yes(Kind::Navigation, 1)?;
    }
    if !d.shows("Attending") {
        return d.trouble("the admission form");
    }
    d.think(1_000)?;
    d.key(Kind::FormTyping, KeyCode::Tab)?;
    d.typed(Kind::FormTyping, "community-acquired pneumonia")?;
    d.think(1_500)?;
    d.ctrl(Kind::Admission, 's')?;
    d.answer_yes(Kind::Admission, 2)?;
    if !d.shows("admitted to bed") {
        return d.trouble("admitting");
    }
    Ok(())
}

/// A vitals set recorded for a patient of the nurse's ward round.
fn vitals(d: &mut Driver) -> Step {
    d.think(3_000)?;
    d.key(Kind::Navigation, KeyCode::F(7))?;
    d.think(1_500)?;
    let down = d.below(8);
    for _ in 0..down {
        d.think(300)?;
        d.key(Kind::Navigation, KeyCode::Down)?;
    }
    d.think(800)?;
    d.key(Kind::Navigation, KeyCode::Enter)?;
    d.answer_yes(Kind::Navigation, 1)?;
    if d.shows("Esc stop writing") {
        // a nursing note opens ready to write: vitals first
        d.think(1_000)?;
        d.key(Kind::Navigation, KeyCode::Esc)?;
    }
    d.think(2_000)?;
    d.key(Kind::Navigation, KeyCode::Char('v'))?;
    if !d.shows("Temperature °C") {
        return d.trouble("the vitals form");
    }
    let values = ["36.8", "84", "18", "124", "78", "97"];
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            d.think(400)?;
            d.key(Kind::FormTyping, KeyCode::Tab)?;
        }
        d.typed(Kind::FormTyping, v)?;
    }
    d.think(1_500)?;
    d.ctrl(Kind::VitalsSave, 's')?;
    d.answer_yes(Kind::VitalsSave, 1)?;
    if !d.shows("Vitals recorded") {
        return d.trouble("recording vitals");
    }
    d.think(2_000)?;
    d.key(Kind::Navigation, KeyCode::Esc)
}

/// A prescription from the pharmacy's queue dispensed: its plan read,
/// then confirmed.
fn dispense(d: &mut Driver, index: usize) -> Step {
    d.think(3_000)?;
    d.key(Kind::Navigation, KeyCode::F(5))?;
    if !d.shows("Prescription queue") {
        d.think(800)?;
        d.key(Kind::Navigation, KeyCode::Char('p'))?;
        if !d.shows("Prescription queue") {
            return d.trouble("the prescription queue");
        }
    }
    d.think(1_000)?;
    d.key(Kind::Navigation, KeyCode::Home)?;
    let down = index % 4 + d.below(4);
    for _ in 0..down {
        d.think(300)?;
        d.key(Kind::Navigation, KeyCode::Down)?;
    }
    d.think(1_500)?;
    d.key(Kind::Navigation, KeyCode::Enter)?;
    if !d.shows("This dispense:") {
        return d.trouble("the dispense plan");
    }
    d.before_answer()?;
    d.key(Kind::Dispense, KeyCode::Char('y'))?;
    d.answer_yes(Kind::Dispense, 2)?;
    if !d.shows("Dispensed ") {
        return d.trouble("dispensing");
    }
    Ok(())
}
