//! The bench's prescriptions as a doctor writes them (an item of the
//! formulary, a dose, a route, a frequency, a duration), for the clinics and
//! the wards, adults and children, and resolved against the formulary with
//! the quantity the pharmacy dispenses.

use crate::domain::pharmacy::Item;
use crate::domain::prescribing::quantity::{QuantityInput, parse_strength, quantity_to_dispense};
use crate::domain::prescribing::{Course, Dose, Frequency, Route};
use anyhow::{Context, Result};

/// An order: item name, strength, dose, route, frequency, days, the PRN
/// indication with its daily maximum.
pub type Order = (
    &'static str,
    &'static str,
    &'static str,
    Route,
    Frequency,
    Option<u32>,
    Option<(&'static str, u32)>,
);

/// What the clinics prescribe for adults and for children under 12.
#[rustfmt::skip]
pub const CLINIC_ADULT: &[Order] = &[
    ("Paracetamol", "500 mg", "1 g", Route::Oral, Frequency::Tds, Some(3), None),
    ("Amoxicillin", "500 mg", "500 mg", Route::Oral, Frequency::Tds, Some(5), None),
    ("Metronidazole", "400 mg", "400 mg", Route::Oral, Frequency::Tds, Some(5), None),
    ("Artemether with lumefantrine", "20 mg + 120 mg", "4 tablet", Route::Oral, Frequency::Bd, Some(3), None),
    ("Amlodipine", "5 mg", "5 mg", Route::Oral, Frequency::Od, Some(28), None),
    ("Metformin", "500 mg", "500 mg", Route::Oral, Frequency::Bd, Some(28), None),
    ("Ibuprofen", "400 mg", "400 mg", Route::Oral, Frequency::Tds, Some(5), None),
    ("Omeprazole", "20 mg", "20 mg", Route::Oral, Frequency::Od, Some(14), None),
    ("Ciprofloxacin", "500 mg", "500 mg", Route::Oral, Frequency::Bd, Some(5), None),
    ("Paracetamol", "500 mg", "1 g", Route::Oral, Frequency::Prn, Some(3), Some(("pain or fever", 4))),
];
#[rustfmt::skip]
pub const CLINIC_CHILD: &[Order] = &[
    ("Paracetamol", "120 mg/5 ml", "5 ml", Route::Oral, Frequency::Tds, Some(3), None),
    ("Amoxicillin", "125 mg/5 ml", "5 ml", Route::Oral, Frequency::Tds, Some(5), None),
    ("Albendazole", "400 mg", "400 mg", Route::Oral, Frequency::Once, None, None),
    ("Oral rehydration salts", "20.5 g/l", "1 sachet", Route::Oral, Frequency::Prn, Some(3), Some(("after each loose stool", 6))),
];
/// The ward orders, for adults and for children under 12; most until
/// stopped (no duration), antibiotics for a week.
#[rustfmt::skip]
pub const WARD_ADULT: &[Order] = &[
    ("Paracetamol", "500 mg", "1 g", Route::Oral, Frequency::Qid, None, None),
    ("Ceftriaxone", "1 g", "1 g", Route::Iv, Frequency::Od, Some(7), None),
    ("Metronidazole", "500 mg/100 ml", "500 mg", Route::Iv, Frequency::Tds, Some(7), None),
    ("Enoxaparin", "40 mg/0.4 ml", "40 mg", Route::Sc, Frequency::Od, None, None),
    ("Omeprazole", "20 mg", "20 mg", Route::Oral, Frequency::Od, None, None),
    ("Furosemide", "40 mg", "40 mg", Route::Oral, Frequency::Bd, None, None),
    ("Amlodipine", "5 mg", "5 mg", Route::Oral, Frequency::Od, None, None),
    ("Morphine", "10 mg/ml", "5 mg", Route::Sc, Frequency::Prn, None, Some(("severe pain", 6))),
    ("Ondansetron", "4 mg", "4 mg", Route::Oral, Frequency::Prn, None, Some(("nausea or vomiting", 3))),
    ("Hydrocortisone", "100 mg", "100 mg", Route::Iv, Frequency::Stat, None, None),
    ("Amoxicillin", "500 mg", "500 mg", Route::Oral, Frequency::Q8h, Some(7), None),
];
#[rustfmt::skip]
pub const WARD_CHILD: &[Order] = &[
    ("Paracetamol", "120 mg/5 ml", "5 ml", Route::Oral, Frequency::Q6h, None, None),
    ("Ceftriaxone", "1 g", "500 mg", Route::Iv, Frequency::Od, Some(7), None),
    ("Amoxicillin", "125 mg/5 ml", "5 ml", Route::Oral, Frequency::Tds, Some(7), None),
    ("Oral rehydration salts", "20.5 g/l", "1 sachet", Route::Oral, Frequency::Prn, None, Some(("after each loose stool", 6))),
];
/// Days of supply of a ward order given until stopped.
const WARD_SUPPLY_DAYS: u32 = 7;

/// An order resolved against the formulary: the item and its quantity.
pub struct Resolved {
    pub order: &'static Order,
    pub item: Item,
    pub dose: Dose,
    pub course: Course,
    /// The quantity computed from the course, when it has a duration.
    pub computed: Option<i64>,
    /// What the pharmacy dispenses: the course, or a week's supply of an
    /// order until stopped (one unit when neither can be computed).
    quantity: i64,
}

impl Resolved {
    pub fn quantity(&self) -> i64 {
        self.quantity
    }

    pub fn label(&self) -> String {
        format!(
            "{} {} {} {}",
            self.item.details.label(),
            self.dose,
            self.order.3.label(),
            self.order.4.short()
        )
    }
}

pub fn resolve(items: &[Item], orders: &'static [Order]) -> Result<Vec<Resolved>> {
    orders
        .iter()
        .map(|o| {
            let item = items
                .iter()
                .find(|i| i.details.name == o.0 && i.details.strength == o.1)
                .with_context(|| format!("the bench formulary needs {} {}", o.0, o.1))?
                .clone();
            let dose = Dose::parse_text(o.2).map_err(anyhow::Error::msg)?;
            let course = Course {
                frequency: o.4,
                prn_indication: o.6.map(|(i, _)| i.to_string()),
                prn_max_daily: o.6.map(|(_, n)| n),
                duration_days: o.5,
            };
            let supply = |days: Option<u32>| {
                quantity_to_dispense(&QuantityInput {
                    dose,
                    frequency: o.4,
                    duration_days: days,
                    prn_max_daily: course.prn_max_daily,
                    item_unit: &item.details.unit,
                    strength: parse_strength(&item.details.strength),
                })
            };
            let computed = supply(o.5);
            let quantity = computed
                .or_else(|| supply(Some(WARD_SUPPLY_DAYS)))
                .unwrap_or(1);
            Ok(Resolved {
                order: o,
                item,
                dose,
                course,
                computed,
                quantity,
            })
        })
        .collect()
}
