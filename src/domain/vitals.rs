//! A set of vital signs: reading it as typed, refusing impossible values
//! (with the plausible range in the message), and flagging values outside
//! the normal range of the patient's age band, in words.
//!
//! Values are kept in integer units, as stored: temperature in tenths of a
//! degree Celsius, weight in grams, height and MUAC in millimetres, blood
//! glucose in tenths of mmol/L. BMI is computed, never stored.

use crate::domain::news2::{Consciousness, Observations, Spo2Scale};
use crate::domain::patient::age_years;
use chrono::{Datelike, NaiveDate};

/// A measured value of a set (the choices — oxygen, scale, ACVPU — aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VitalField {
    Temperature,
    Pulse,
    RespiratoryRate,
    Systolic,
    Diastolic,
    Spo2,
    Weight,
    Height,
    Muac,
    Pain,
    Glucose,
}

/// How a field is typed and stored: its plausible range in stored units,
/// the decimals typed, the unit shown, and its scale from typed to stored
/// (weight is typed in kg and height in cm, stored in g and mm).
struct Spec {
    name: &'static str,
    min: i64,
    max: i64,
    /// Decimal places of the stored integer (1: tenths).
    decimals: u32,
    /// Stored units per typed unit beyond the decimals (1000 g per kg).
    factor: i64,
    unit: &'static str,
}

impl VitalField {
    /// Every measured field, in the order of the form.
    pub const ALL: [VitalField; 11] = [
        VitalField::Temperature,
        VitalField::Pulse,
        VitalField::RespiratoryRate,
        VitalField::Systolic,
        VitalField::Diastolic,
        VitalField::Spo2,
        VitalField::Weight,
        VitalField::Height,
        VitalField::Muac,
        VitalField::Pain,
        VitalField::Glucose,
    ];

    fn spec(self) -> Spec {
        let s = |name, min, max, decimals, factor, unit| Spec {
            name,
            min,
            max,
            decimals,
            factor,
            unit,
        };
        match self {
            VitalField::Temperature => s("temperature", 250, 450, 1, 1, "°C"),
            VitalField::Pulse => s("pulse", 20, 250, 0, 1, "/min"),
            VitalField::RespiratoryRate => s("respiratory rate", 4, 80, 0, 1, "/min"),
            VitalField::Systolic => s("systolic blood pressure", 40, 300, 0, 1, "mmHg"),
            VitalField::Diastolic => s("diastolic blood pressure", 20, 200, 0, 1, "mmHg"),
            VitalField::Spo2 => s("SpO2", 50, 100, 0, 1, "%"),
            VitalField::Weight => s("weight", 300, 400_000, 1, 100, "kg"),
            VitalField::Height => s("height", 200, 2500, 1, 1, "cm"),
            VitalField::Muac => s("MUAC", 50, 350, 0, 1, "mm"),
            VitalField::Pain => s("pain score", 0, 10, 0, 1, "of 10"),
            VitalField::Glucose => s("blood glucose", 5, 600, 1, 1, "mmol/L"),
        }
    }

    /// The field's name in words.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The unit it is typed and shown in.
    pub fn unit(self) -> &'static str {
        self.spec().unit
    }

    /// A stored value as shown, with its unit: `37.5 °C`, `70.2 kg`.
    pub fn show(self, stored: i64) -> String {
        format!("{} {}", self.number(stored), self.unit())
    }

    /// A stored value as typed, without its unit.
    pub fn number(self, stored: i64) -> String {
        let sp = self.spec();
        let per = 10_i64.pow(sp.decimals) * sp.factor;
        if per == 1 {
            return stored.to_string();
        }
        let tenths = (stored * 10 + per / 2 * stored.signum()) / per;
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }

    /// The plausible range as typed, for messages: `25.0–45.0 °C`.
    pub fn range(self) -> String {
        let sp = self.spec();
        format!(
            "{}–{} {}",
            self.number(sp.min),
            self.number(sp.max),
            sp.unit
        )
    }

    /// Reads a typed value into stored units; `None` when empty. A comma
    /// may stand for the decimal point.
    pub fn parse(self, text: &str) -> Result<Option<i64>, String> {
        let t = text.trim().replace(',', ".");
        if t.is_empty() {
            return Ok(None);
        }
        let sp = self.spec();
        let wrong = || {
            format!(
                "type the {} as a number, {} (or leave it empty)",
                sp.name,
                self.range()
            )
        };
        let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
        let typed_decimals = sp.decimals;
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > typed_decimals as usize
            || whole.len() > 7
        {
            return Err(wrong());
        }
        let whole: i64 = whole.parse().map_err(|_| wrong())?;
        let mut f: i64 = 0;
        for i in 0..typed_decimals as usize {
            f = f * 10 + frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        }
        let value = (whole * 10_i64.pow(typed_decimals) + f) * sp.factor;
        self.check(value)?;
        Ok(Some(value))
    }

    /// Refuses a stored value outside the plausible range.
    pub fn check(self, value: i64) -> Result<(), String> {
        let sp = self.spec();
        if value < sp.min || value > sp.max {
            return Err(format!(
                "{} {} is not possible: type a value from {}",
                sp.name,
                self.show(value),
                self.range()
            ));
        }
        Ok(())
    }
}

/// A field's problem, shown next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VitalsError {
    /// `None` for the set as a whole (nothing typed).
    pub field: Option<VitalField>,
    pub message: String,
}

impl std::fmt::Display for VitalsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One set as stored. Every value is optional; at least one is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Vitals {
    pub temperature_dc: Option<i64>,
    pub pulse: Option<i64>,
    pub respiratory_rate: Option<i64>,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub spo2: Option<i64>,
    /// On supplemental oxygen (`Some(false)`: on room air).
    pub on_oxygen: Option<bool>,
    pub spo2_scale: Spo2Scale,
    pub consciousness: Option<Consciousness>,
    pub weight_g: Option<i64>,
    pub height_mm: Option<i64>,
    pub muac_mm: Option<i64>,
    pub pain: Option<i64>,
    pub glucose_dmmol: Option<i64>,
}

impl Vitals {
    /// A measured field's stored value.
    pub fn get(&self, f: VitalField) -> Option<i64> {
        match f {
            VitalField::Temperature => self.temperature_dc,
            VitalField::Pulse => self.pulse,
            VitalField::RespiratoryRate => self.respiratory_rate,
            VitalField::Systolic => self.systolic,
            VitalField::Diastolic => self.diastolic,
            VitalField::Spo2 => self.spo2,
            VitalField::Weight => self.weight_g,
            VitalField::Height => self.height_mm,
            VitalField::Muac => self.muac_mm,
            VitalField::Pain => self.pain,
            VitalField::Glucose => self.glucose_dmmol,
        }
    }

    fn slot(&mut self, f: VitalField) -> &mut Option<i64> {
        match f {
            VitalField::Temperature => &mut self.temperature_dc,
            VitalField::Pulse => &mut self.pulse,
            VitalField::RespiratoryRate => &mut self.respiratory_rate,
            VitalField::Systolic => &mut self.systolic,
            VitalField::Diastolic => &mut self.diastolic,
            VitalField::Spo2 => &mut self.spo2,
            VitalField::Weight => &mut self.weight_g,
            VitalField::Height => &mut self.height_mm,
            VitalField::Muac => &mut self.muac_mm,
            VitalField::Pain => &mut self.pain,
            VitalField::Glucose => &mut self.glucose_dmmol,
        }
    }

    /// Whether nothing was measured.
    pub fn is_empty(&self) -> bool {
        VitalField::ALL.iter().all(|f| self.get(*f).is_none()) && self.consciousness.is_none()
    }

    /// BMI in tenths of kg/m², from weight and height.
    pub fn bmi_tenths(&self) -> Option<i64> {
        let (w, h) = (self.weight_g?, self.height_mm?);
        if h <= 0 {
            return None;
        }
        Some((w * 10_000 + h * h / 2) / (h * h))
    }

    /// The seven NEWS2 parameters, when the set has them all.
    pub fn observations(&self) -> Option<Observations> {
        Some(Observations {
            respiratory_rate: self.respiratory_rate?,
            spo2: self.spo2?,
            scale: self.spo2_scale,
            on_oxygen: self.on_oxygen?,
            systolic: self.systolic?,
            pulse: self.pulse?,
            consciousness: self.consciousness?,
            temperature_dc: self.temperature_dc?,
        })
    }

    /// Checks a set for the patient's age (in whole years on the day it was
    /// taken): every value in its plausible range, blood pressure as a pair
    /// with the diastolic below the systolic, MUAC only under five, and at
    /// least one value.
    pub fn validate(&self, age_years: i32) -> Result<(), Vec<VitalsError>> {
        let mut errors = Vec::new();
        for f in VitalField::ALL {
            if let Some(v) = self.get(f)
                && let Err(message) = f.check(v)
            {
                errors.push(VitalsError {
                    field: Some(f),
                    message,
                });
            }
        }
        match (self.systolic, self.diastolic) {
            (Some(_), None) => errors.push(VitalsError {
                field: Some(VitalField::Diastolic),
                message: "type the diastolic pressure too (blood pressure is a pair, e.g. 120/80)"
                    .into(),
            }),
            (None, Some(_)) => errors.push(VitalsError {
                field: Some(VitalField::Systolic),
                message: "type the systolic pressure too (blood pressure is a pair, e.g. 120/80)"
                    .into(),
            }),
            (Some(s), Some(d)) if d >= s => errors.push(VitalsError {
                field: Some(VitalField::Diastolic),
                message: format!(
                    "the diastolic pressure ({d}) must be below the systolic ({s}): check the order"
                ),
            }),
            _ => {}
        }
        if self.muac_mm.is_some() && age_years >= 5 {
            errors.push(VitalsError {
                field: Some(VitalField::Muac),
                message: "MUAC is recorded for children under five: leave it empty".into(),
            });
        }
        if self.is_empty() {
            errors.push(VitalsError {
                field: None,
                message: "type at least one value: the set is empty".into(),
            });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A set as typed on the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VitalsForm {
    pub temperature: String,
    pub pulse: String,
    pub respiratory_rate: String,
    pub systolic: String,
    pub diastolic: String,
    pub spo2: String,
    pub on_oxygen: Option<bool>,
    pub spo2_scale: Spo2Scale,
    pub consciousness: Option<Consciousness>,
    pub weight: String,
    pub height: String,
    pub muac: String,
    pub pain: String,
    pub glucose: String,
}

impl VitalsForm {
    fn text(&self, f: VitalField) -> &str {
        match f {
            VitalField::Temperature => &self.temperature,
            VitalField::Pulse => &self.pulse,
            VitalField::RespiratoryRate => &self.respiratory_rate,
            VitalField::Systolic => &self.systolic,
            VitalField::Diastolic => &self.diastolic,
            VitalField::Spo2 => &self.spo2,
            VitalField::Weight => &self.weight,
            VitalField::Height => &self.height,
            VitalField::Muac => &self.muac,
            VitalField::Pain => &self.pain,
            VitalField::Glucose => &self.glucose,
        }
    }

    /// Reads the form, every field's problem at once.
    pub fn parse(&self, age_years: i32) -> Result<Vitals, Vec<VitalsError>> {
        let mut v = Vitals {
            on_oxygen: self.on_oxygen,
            spo2_scale: self.spo2_scale,
            consciousness: self.consciousness,
            ..Vitals::default()
        };
        let mut errors = Vec::new();
        for f in VitalField::ALL {
            match f.parse(self.text(f)) {
                Ok(value) => *v.slot(f) = value,
                Err(message) => errors.push(VitalsError {
                    field: Some(f),
                    message,
                }),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        v.validate(age_years)?;
        Ok(v)
    }
}

/// The age bands whose normal ranges differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgeBand {
    /// Under one year.
    Infant,
    /// 1 to 4 years.
    Toddler,
    /// 5 to 12 years.
    Child,
    /// 13 to 17 years.
    Adolescent,
    /// 18 and over.
    Adult,
}

impl AgeBand {
    /// The band of someone born on `birth`, on the day `on`.
    pub fn of(birth: NaiveDate, on: NaiveDate) -> AgeBand {
        Self::of_years(age_years(birth, on))
    }

    /// The band of an age in whole years.
    pub fn of_years(years: i32) -> AgeBand {
        match years {
            ..=0 => AgeBand::Infant,
            1..=4 => AgeBand::Toddler,
            5..=12 => AgeBand::Child,
            13..=17 => AgeBand::Adolescent,
            _ => AgeBand::Adult,
        }
    }

    /// The band in words, as a flag names it.
    pub fn label(self) -> &'static str {
        match self {
            AgeBand::Infant => "a baby under one",
            AgeBand::Toddler => "a child of 1–4 years",
            AgeBand::Child => "a child of 5–12 years",
            AgeBand::Adolescent => "a young person of 13–17 years",
            AgeBand::Adult => "an adult",
        }
    }

    /// The normal range of a field in this band (stored units, inclusive),
    /// where one applies. Children's ranges follow the usual paediatric
    /// life-support tables.
    pub fn normal(self, f: VitalField) -> Option<(i64, i64)> {
        use AgeBand::*;
        match f {
            VitalField::Temperature => Some((360, 379)),
            VitalField::Pulse => Some(match self {
                Infant => (110, 160),
                Toddler => (95, 140),
                Child => (80, 120),
                Adolescent | Adult => (60, 100),
            }),
            VitalField::RespiratoryRate => Some(match self {
                Infant => (30, 40),
                Toddler => (25, 35),
                Child => (20, 25),
                Adolescent => (15, 20),
                Adult => (12, 20),
            }),
            VitalField::Systolic => Some(match self {
                Infant => (70, 90),
                Toddler => (80, 100),
                Child => (90, 110),
                Adolescent => (100, 120),
                Adult => (90, 139),
            }),
            VitalField::Diastolic => match self {
                Adult => Some((60, 89)),
                _ => None,
            },
            VitalField::Spo2 => Some((95, 100)),
            VitalField::Glucose => Some((40, 78)),
            VitalField::Pain => Some((0, 3)),
            VitalField::Muac => match self {
                Infant | Toddler => Some((125, 350)),
                _ => None,
            },
            VitalField::Weight | VitalField::Height => None,
        }
    }
}

/// A value outside the normal range, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub field: VitalField,
    /// Above the range (`false`: below).
    pub high: bool,
    pub words: String,
}

/// The values of a set outside the normal range of the age band, each with
/// a sentence: `pulse 150 /min is high for a child of 5–12 years (normal
/// 80–120)`. MUAC under 115 mm is severe acute malnutrition, 115–124 mm
/// moderate; an adult's BMI below 18.5 or from 30 is flagged.
pub fn flags(v: &Vitals, band: AgeBand) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in VitalField::ALL {
        let (Some(value), Some((lo, hi))) = (v.get(f), band.normal(f)) else {
            continue;
        };
        if (lo..=hi).contains(&value) {
            continue;
        }
        let high = value > hi;
        let words = match f {
            VitalField::Muac if value < 115 => format!(
                "MUAC {} mm: severe acute malnutrition (under 115 mm)",
                value
            ),
            VitalField::Muac => format!(
                "MUAC {} mm: moderate acute malnutrition (115–124 mm)",
                value
            ),
            VitalField::Pain => format!(
                "pain {value} of 10: {}",
                if value >= 7 { "severe" } else { "moderate" }
            ),
            _ => format!(
                "{} {} is {} for {} (normal {}–{})",
                f.name(),
                f.show(value),
                if high { "high" } else { "low" },
                band.label(),
                f.number(lo),
                f.number(hi)
            ),
        };
        out.push(Flag {
            field: f,
            high,
            words,
        });
    }
    if band == AgeBand::Adult
        && let Some(bmi) = v.bmi_tenths()
    {
        let words = match bmi {
            ..185 => Some((false, "underweight (under 18.5)")),
            300.. => Some((true, "obese (30 or more)")),
            _ => None,
        };
        if let Some((high, what)) = words {
            out.push(Flag {
                field: VitalField::Weight,
                high,
                words: format!("BMI {}.{}: {what}", bmi / 10, bmi % 10),
            });
        }
    }
    out
}

/// The age in whole months, for MUAC's 6–59 months and the under-twos.
pub fn age_months(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut m = (on.year() - birth.year()) * 12 + on.month() as i32 - birth.month() as i32;
    if on.day() < birth.day() {
        m -= 1;
    }
    m.max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_become_stored_units() {
        assert_eq!(VitalField::Temperature.parse("37.5"), Ok(Some(375)));
        assert_eq!(VitalField::Temperature.parse("37,5"), Ok(Some(375)));
        assert_eq!(VitalField::Temperature.parse("38"), Ok(Some(380)));
        assert_eq!(VitalField::Weight.parse("70.4"), Ok(Some(70_400)));
        assert_eq!(VitalField::Weight.parse("3.2"), Ok(Some(3_200)));
        assert_eq!(VitalField::Height.parse("172.5"), Ok(Some(1725)));
        assert_eq!(VitalField::Glucose.parse("5.6"), Ok(Some(56)));
        assert_eq!(VitalField::Pulse.parse(" 72 "), Ok(Some(72)));
        assert_eq!(VitalField::Pulse.parse(""), Ok(None));
        assert!(VitalField::Pulse.parse("72.5").is_err());
        assert!(VitalField::Pulse.parse("fast").is_err());
        assert!(VitalField::Temperature.parse("-3").is_err());
    }

    #[test]
    fn impossible_values_are_refused_with_the_range() {
        let e = VitalField::Temperature.parse("52").unwrap_err();
        assert!(e.contains("25.0–45.0 °C"), "{e}");
        let e = VitalField::Pulse.parse("300").unwrap_err();
        assert!(e.contains("20–250 /min"), "{e}");
        assert!(VitalField::Pain.parse("11").unwrap_err().contains("0–10"));
        assert!(VitalField::Spo2.parse("101").is_err());
        assert!(VitalField::Weight.parse("401").is_err());
        assert_eq!(VitalField::Temperature.parse("45.0"), Ok(Some(450)));
        assert_eq!(VitalField::Temperature.parse("25.0"), Ok(Some(250)));
    }

    #[test]
    fn values_show_in_their_units() {
        assert_eq!(VitalField::Temperature.show(375), "37.5 °C");
        assert_eq!(VitalField::Weight.show(70_450), "70.5 kg");
        assert_eq!(VitalField::Height.show(1725), "172.5 cm");
        assert_eq!(VitalField::Pulse.show(72), "72 /min");
    }

    #[test]
    fn the_form_checks_the_set_as_a_whole() {
        let empty = VitalsForm::default().parse(40).unwrap_err();
        assert_eq!(empty[0].field, None);
        let half_bp = VitalsForm {
            systolic: "120".into(),
            ..VitalsForm::default()
        };
        assert_eq!(
            half_bp.parse(40).unwrap_err()[0].field,
            Some(VitalField::Diastolic)
        );
        let upside_down = VitalsForm {
            systolic: "80".into(),
            diastolic: "120".into(),
            ..VitalsForm::default()
        };
        assert!(upside_down.parse(40).is_err());
        let muac = VitalsForm {
            muac: "118".into(),
            ..VitalsForm::default()
        };
        assert_eq!(muac.parse(2).unwrap().muac_mm, Some(118));
        assert!(muac.parse(5).unwrap_err()[0].message.contains("under five"));
        let two_bad = VitalsForm {
            pulse: "500".into(),
            temperature: "hot".into(),
            ..VitalsForm::default()
        };
        assert_eq!(two_bad.parse(40).unwrap_err().len(), 2);
    }

    #[test]
    fn bmi_is_computed() {
        let v = Vitals {
            weight_g: Some(70_000),
            height_mm: Some(1750),
            ..Vitals::default()
        };
        assert_eq!(v.bmi_tenths(), Some(229));
    }

    #[test]
    fn age_bands() {
        let birth = NaiveDate::from_ymd_opt(2020, 6, 15).unwrap();
        let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(AgeBand::of(birth, on(2021, 6, 14)), AgeBand::Infant);
        assert_eq!(AgeBand::of(birth, on(2021, 6, 15)), AgeBand::Toddler);
        assert_eq!(AgeBand::of(birth, on(2025, 6, 14)), AgeBand::Toddler);
        assert_eq!(AgeBand::of(birth, on(2025, 6, 15)), AgeBand::Child);
        assert_eq!(AgeBand::of_years(12), AgeBand::Child);
        assert_eq!(AgeBand::of_years(13), AgeBand::Adolescent);
        assert_eq!(AgeBand::of_years(17), AgeBand::Adolescent);
        assert_eq!(AgeBand::of_years(18), AgeBand::Adult);
        assert_eq!(age_months(birth, on(2022, 6, 14)), 23);
    }

    #[test]
    fn values_outside_the_normal_range_are_flagged_in_words() {
        let v = Vitals {
            pulse: Some(150),
            temperature_dc: Some(385),
            ..Vitals::default()
        };
        let child = flags(&v, AgeBand::Child);
        assert_eq!(child.len(), 2);
        assert!(child.iter().all(|f| f.high));
        assert!(
            child
                .iter()
                .any(|f| f.words
                    == "pulse 150 /min is high for a child of 5–12 years (normal 80–120)"),
            "{child:?}"
        );
        // The same pulse is normal for a baby.
        assert_eq!(flags(&v, AgeBand::Infant).len(), 1);
        let slow = Vitals {
            respiratory_rate: Some(10),
            ..Vitals::default()
        };
        assert!(
            flags(&slow, AgeBand::Adult)[0]
                .words
                .contains("low for an adult")
        );
        let thin = Vitals {
            muac_mm: Some(110),
            ..Vitals::default()
        };
        assert!(
            flags(&thin, AgeBand::Toddler)[0]
                .words
                .contains("severe acute malnutrition")
        );
        let moderate = Vitals {
            muac_mm: Some(120),
            ..Vitals::default()
        };
        assert!(
            flags(&moderate, AgeBand::Toddler)[0]
                .words
                .contains("moderate")
        );
        let heavy = Vitals {
            weight_g: Some(110_000),
            height_mm: Some(1700),
            ..Vitals::default()
        };
        assert!(flags(&heavy, AgeBand::Adult)[0].words.contains("obese"));
        assert!(
            flags(
                &Vitals {
                    pulse: Some(72),
                    ..Vitals::default()
                },
                AgeBand::Adult
            )
            .is_empty()
        );
    }

    #[test]
    fn a_complete_set_gives_news2_observations() {
        let mut v = Vitals {
            respiratory_rate: Some(18),
            spo2: Some(96),
            on_oxygen: Some(false),
            systolic: Some(120),
            diastolic: Some(80),
            pulse: Some(80),
            consciousness: Some(Consciousness::Alert),
            temperature_dc: Some(370),
            ..Vitals::default()
        };
        assert!(v.observations().is_some());
        v.on_oxygen = None;
        assert!(v.observations().is_none());
    }
}
