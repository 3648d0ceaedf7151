//! Prescribing as a doctor writes it: routes, the standard frequencies,
//! doses and their units, priorities, and the checks on an order as typed.
//! The schedule of doses, the quantity to dispense, the safety checks and
//! the medication round's states are in the submodules. Pure rules: no
//! SQL, no clock of its own.

pub mod checks;
pub mod mar;
pub mod quantity;
pub mod schedule;
pub mod supply;

use strum::{Display, EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};

/// Picks the one choice whose label or stored name is `typed`, or starts
/// with it (`"sub"` is refused when two choices start so).
fn pick<T: Copy>(
    all: impl Iterator<Item = T>,
    typed: &str,
    names: impl Fn(T) -> Vec<String>,
) -> Option<T> {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let all: Vec<T> = all.collect();
    if let Some(exact) = all.iter().find(|c| names(**c).contains(&t)) {
        return Some(*exact);
    }
    let starts: Vec<&T> = all
        .iter()
        .filter(|c| names(**c).iter().any(|n| n.starts_with(&t)))
        .collect();
    match starts.as_slice() {
        [one] => Some(**one),
        _ => None,
    }
}

/// How a medicine is given. Stored in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Route {
    Oral,
    Iv,
    Im,
    Sc,
    Topical,
    Inhaled,
    Rectal,
    Vaginal,
    Other,
}

impl Route {
    /// How the route reads on a chart.
    pub fn label(self) -> &'static str {
        match self {
            Route::Oral => "oral",
            Route::Iv => "IV",
            Route::Im => "IM",
            Route::Sc => "SC",
            Route::Topical => "topical",
            Route::Inhaled => "inhaled",
            Route::Rectal => "rectal",
            Route::Vaginal => "vaginal",
            Route::Other => "other",
        }
    }

    /// The route typed (`iv`, `Oral`, a unique start such as `inh`).
    pub fn parse(typed: &str) -> Option<Route> {
        pick(Route::iter(), typed, |r| vec![r.to_string()])
    }
}

/// The standard frequencies of a drug chart. Stored in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Frequency {
    /// One dose, at the time the order starts.
    Once,
    /// Once daily, at the morning round.
    Od,
    /// Twice daily: morning and evening.
    Bd,
    /// Three times daily: morning, midday and evening.
    Tds,
    /// Four times daily: every round.
    Qid,
    /// Every 4 hours, from the morning round.
    Q4h,
    /// Every 6 hours, from the morning round.
    Q6h,
    /// Every 8 hours, from the morning round.
    Q8h,
    /// At night, at the night round.
    Nocte,
    /// Once a week, at the morning round.
    Weekly,
    /// When required, for its indication, at most a number of doses a day.
    Prn,
    /// Now, at once.
    Stat,
}

impl Frequency {
    /// The hours between two doses of a regular order (none for one dose,
    /// stat and PRN): half of it is the least gap the round lets pass
    /// without a word between two doses of the order given.
    pub fn hours_between_doses(self) -> Option<i64> {
        match self {
            Frequency::Od | Frequency::Nocte => Some(24),
            Frequency::Bd => Some(12),
            Frequency::Tds | Frequency::Q8h => Some(8),
            Frequency::Qid | Frequency::Q6h => Some(6),
            Frequency::Q4h => Some(4),
            Frequency::Weekly => Some(24 * 7),
            Frequency::Once | Frequency::Prn | Frequency::Stat => None,
        }
    }

    /// The abbreviation on the chart.
    pub fn short(self) -> &'static str {
        match self {
            Frequency::Once => "once",
            Frequency::Od => "OD",
            Frequency::Bd => "BD",
            Frequency::Tds => "TDS",
            Frequency::Qid => "QID",
            Frequency::Q4h => "4-hourly",
            Frequency::Q6h => "6-hourly",
            Frequency::Q8h => "8-hourly",
            Frequency::Nocte => "nocte",
            Frequency::Weekly => "weekly",
            Frequency::Prn => "PRN",
            Frequency::Stat => "stat",
        }
    }

    /// In words, for a label or a patient.
    pub fn words(self) -> &'static str {
        match self {
            Frequency::Once => "one dose",
            Frequency::Od => "once a day",
            Frequency::Bd => "twice a day",
            Frequency::Tds => "three times a day",
            Frequency::Qid => "four times a day",
            Frequency::Q4h => "every 4 hours",
            Frequency::Q6h => "every 6 hours",
            Frequency::Q8h => "every 8 hours",
            Frequency::Nocte => "at night",
            Frequency::Weekly => "once a week",
            Frequency::Prn => "when required",
            Frequency::Stat => "at once",
        }
    }

    /// Scheduled doses in one day (`None`: once, stat, weekly, PRN).
    pub fn per_day(self) -> Option<i64> {
        match self {
            Frequency::Od | Frequency::Nocte => Some(1),
            Frequency::Bd => Some(2),
            Frequency::Tds | Frequency::Q8h => Some(3),
            Frequency::Qid | Frequency::Q6h => Some(4),
            Frequency::Q4h => Some(6),
            Frequency::Once | Frequency::Weekly | Frequency::Prn | Frequency::Stat => None,
        }
    }

    /// A single dose, with no course.
    pub fn single(self) -> bool {
        matches!(self, Frequency::Once | Frequency::Stat)
    }

    /// The frequency typed: the abbreviation (`tds`, `q6h`, `6h`,
    /// `every 6 h`) or its words.
    pub fn parse(typed: &str) -> Option<Frequency> {
        let compact: String = typed
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let hours = compact
            .trim_start_matches("every")
            .trim_start_matches('q')
            .trim_end_matches("hourly")
            .trim_end_matches("hours")
            .trim_end_matches("hrs")
            .trim_end_matches('h');
        match hours {
            "4" => return Some(Frequency::Q4h),
            "6" => return Some(Frequency::Q6h),
            "8" => return Some(Frequency::Q8h),
            _ => {}
        }
        pick(Frequency::iter(), typed, |f| {
            vec![
                f.to_string(),
                f.short().to_lowercase(),
                f.words().to_string(),
            ]
        })
    }

    /// Every frequency's abbreviation, for messages.
    pub fn all_short() -> String {
        Frequency::iter()
            .map(|f| f.short())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The unit a dose is written in. Stored in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum DoseUnit {
    Mg,
    G,
    Mcg,
    Ml,
    /// International units (insulin, heparin).
    Unit,
    Tablet,
    Capsule,
    Drop,
    Puff,
    Sachet,
    Suppository,
    Pessary,
    Application,
    Patch,
}

impl DoseUnit {
    /// Nanograms in one unit, for the units of mass.
    pub fn nanograms(self) -> Option<i64> {
        match self {
            DoseUnit::G => Some(1_000_000_000),
            DoseUnit::Mg => Some(1_000_000),
            DoseUnit::Mcg => Some(1_000),
            _ => None,
        }
    }

    /// The unit typed (`mg`, `tablets`, `micrograms`, `IU`).
    pub fn parse(typed: &str) -> Option<DoseUnit> {
        let t = typed.trim().to_lowercase();
        let t = match t.as_str() {
            "microgram" | "micrograms" | "µg" | "ug" => "mcg",
            "gram" | "grams" => "g",
            "milligram" | "milligrams" => "mg",
            "iu" | "units" | "international units" => "unit",
            "tab" | "tabs" => "tablet",
            "cap" | "caps" => "capsule",
            other => other
                .strip_suffix('s')
                .filter(|s| s.len() > 1)
                .unwrap_or(other),
        };
        t.parse().ok()
    }
}

/// A dose: an amount in thousandths of its unit (2.5 ml is 2500).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dose {
    pub milli: i64,
    pub unit: DoseUnit,
}

/// The largest dose amount accepted, in thousandths.
pub const MAX_DOSE_MILLI: i64 = 1_000_000_000;

impl Dose {
    /// A dose as typed: an amount (`2.5`, `0,5`, `1/2`) and a unit.
    pub fn parse(amount: &str, unit: &str) -> Result<Dose, String> {
        let unit = DoseUnit::parse(unit).ok_or_else(|| {
            format!(
                "the dose unit {:?} is not known: type one of {}",
                unit.trim(),
                DoseUnit::iter()
                    .map(|u| u.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        let milli = parse_milli(amount).filter(|m| (1..=MAX_DOSE_MILLI).contains(m));
        match milli {
            Some(milli) => Ok(Dose { milli, unit }),
            None => Err(format!(
                "the dose {:?} is not an amount: type a number above 0 such as 500, 2.5 or 1/2",
                amount.trim()
            )),
        }
    }

    /// A dose typed in one field: `500 mg`, `2.5ml`, `1 tablet`.
    pub fn parse_text(typed: &str) -> Result<Dose, String> {
        let t = typed.trim();
        let split = t
            .find(|c: char| c.is_alphabetic() || c == 'µ')
            .unwrap_or(t.len());
        let (amount, unit) = t.split_at(split);
        Dose::parse(amount, unit)
    }

    /// The mass of the dose in nanograms, when written in a unit of mass.
    pub fn nanograms(self) -> Option<i64> {
        self.unit
            .nanograms()
            .map(|ng| (i128::from(self.milli) * i128::from(ng) / 1000) as i64)
    }
}

impl std::fmt::Display for Dose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", show_milli(self.milli), self.unit)
    }
}

/// Thousandths from a typed decimal (`2.5` → 2500) or fraction (`1/2` → 500).
pub fn parse_milli(typed: &str) -> Option<i64> {
    let t = typed.trim().replace(',', ".");
    if let Some((n, d)) = t.split_once('/') {
        let n = parse_milli(n)?;
        let d = parse_milli(d)?;
        return (d > 0).then(|| n * 1000 / d);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if (whole.is_empty() && frac.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 3
        || whole.len() > 12
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<3}").parse().ok()?;
    Some(whole * 1000 + frac)
}

/// Thousandths as a short decimal: 2500 → `2.5`, 500000 → `500`.
pub fn show_milli(m: i64) -> String {
    let whole = m / 1000;
    let frac = m % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:03}").trim_end_matches('0'))
    }
}

/// How soon the pharmacy should act. Stored in snake_case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Display,
    EnumString,
    EnumIter,
    IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Priority {
    /// Needed at once (the queue's first).
    Stat,
    Urgent,
    Routine,
}

impl Priority {
    /// The priority typed, or a unique start of one.
    pub fn parse(typed: &str) -> Option<Priority> {
        pick(Priority::iter(), typed, |p| vec![p.to_string()])
    }
}

/// Where a prescription stands. Stored in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Active,
    /// Stopped by a prescriber, with a reason.
    Stopped,
    /// Ended by itself: an inpatient order at discharge.
    Completed,
}

/// The longest PRN indication, end reason or quantity reason.
pub const MAX_REASON: usize = 200;
/// The longest instructions.
pub const MAX_INSTRUCTIONS: usize = 500;
/// The longest course.
pub const MAX_DURATION_DAYS: u32 = 365;

/// How often and how long, as typed: the parts of an order that the
/// checks below look at together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub frequency: Frequency,
    /// PRN only: what it is for.
    pub prn_indication: Option<String>,
    /// PRN only: at most this many doses in a day.
    pub prn_max_daily: Option<u32>,
    /// Days the course lasts; none for a single dose, or for an inpatient
    /// order that runs until stopped.
    pub duration_days: Option<u32>,
}

/// Checks how often and how long an order runs, and returns it tidied
/// (a single dose has no duration). An outpatient course needs a duration:
/// it is what the quantity to dispense comes from.
pub fn check_course(c: &Course, inpatient: bool) -> Result<Course, String> {
    let mut c = c.clone();
    c.prn_indication = c
        .prn_indication
        .as_ref()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty());
    if c.frequency == Frequency::Prn {
        match &c.prn_indication {
            None => return Err("a PRN order needs its indication: type what it is for (e.g. pain, fever above 38.5 °C)".into()),
            Some(i) if i.chars().count() > MAX_REASON => {
                return Err(format!("the PRN indication is too long: at most {MAX_REASON} characters"));
            }
            Some(_) => {}
        }
        match c.prn_max_daily {
            Some(n) if (1..=24).contains(&n) => {}
            _ => {
                return Err(
                    "a PRN order needs the most doses in 24 hours: type a number from 1 to 24"
                        .into(),
                );
            }
        }
    } else {
        c.prn_indication = None;
        c.prn_max_daily = None;
    }
    if c.frequency.single() {
        c.duration_days = None;
    } else {
        match c.duration_days {
            Some(d) if (1..=MAX_DURATION_DAYS).contains(&d) => {}
            Some(_) => {
                return Err(format!(
                    "the duration must be from 1 to {MAX_DURATION_DAYS} days"
                ));
            }
            None if !inpatient => {
                return Err("type how many days the course lasts: an outpatient prescription needs a duration".into());
            }
            None => {}
        }
    }
    Ok(c)
}

/// Tidies a reason or free text: spaces folded, required or not, at most
/// `max` characters.
pub fn check_text(text: &str, what: &str, required: bool, max: usize) -> Result<String, String> {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if required && t.is_empty() {
        return Err(format!("type the {what}: it is kept with the prescription"));
    }
    if t.chars().count() > max {
        return Err(format!("the {what} is too long: at most {max} characters"));
    }
    crate::domain::text::refuse_control(what, &t, false)?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_frequencies_are_read_as_typed() {
        assert_eq!(Route::parse("IV"), Some(Route::Iv));
        assert_eq!(Route::parse("inh"), Some(Route::Inhaled));
        assert_eq!(Route::parse("o"), None, "oral or other");
        assert_eq!(Route::Sc.to_string(), "sc");
        for (typed, f) in [
            ("tds", Frequency::Tds),
            ("TDS", Frequency::Tds),
            ("od", Frequency::Od),
            ("q6h", Frequency::Q6h),
            ("every 4 h", Frequency::Q4h),
            ("8-hourly", Frequency::Q8h),
            ("6h", Frequency::Q6h),
            ("nocte", Frequency::Nocte),
            ("prn", Frequency::Prn),
            ("stat", Frequency::Stat),
            ("weekly", Frequency::Weekly),
            ("once", Frequency::Once),
            ("twice a day", Frequency::Bd),
        ] {
            assert_eq!(Frequency::parse(typed), Some(f), "{typed}");
        }
        assert_eq!(Frequency::parse("every 5 h"), None);
        assert_eq!(Frequency::parse(""), None);
        assert_eq!(Frequency::Q6h.to_string(), "q6h");
        assert_eq!(Frequency::Qid.per_day(), Some(4));
        assert_eq!(Frequency::Q4h.per_day(), Some(6));
        assert_eq!(Frequency::Prn.per_day(), None);
    }

    #[test]
    fn doses_are_thousandths_of_their_unit() {
        let d = Dose::parse("2.5", "ml").unwrap();
        assert_eq!(
            d,
            Dose {
                milli: 2500,
                unit: DoseUnit::Ml
            }
        );
        assert_eq!(d.to_string(), "2.5 ml");
        assert_eq!(Dose::parse_text("500mg").unwrap().to_string(), "500 mg");
        assert_eq!(Dose::parse_text("1/2 tablet").unwrap().milli, 500);
        assert_eq!(
            Dose::parse_text("2 tablets").unwrap().unit,
            DoseUnit::Tablet
        );
        assert_eq!(
            Dose::parse_text("250 micrograms").unwrap().unit,
            DoseUnit::Mcg
        );
        assert_eq!(
            Dose::parse_text("0,5 g").unwrap().nanograms(),
            Some(500_000_000)
        );
        assert_eq!(
            Dose::parse_text("125 mcg").unwrap().nanograms(),
            Some(125_000)
        );
        assert_eq!(Dose::parse_text("5 ml").unwrap().nanograms(), None);
        let e = Dose::parse("0", "mg").unwrap_err();
        assert!(e.contains("above 0"), "{e}");
        let e = Dose::parse("2", "spoons").unwrap_err();
        assert!(e.contains("not known"), "{e}");
        assert!(Dose::parse("1.2345", "mg").is_err());
        assert!(Dose::parse("-1", "mg").is_err());
        assert_eq!(show_milli(1250), "1.25");
    }

    #[test]
    fn a_course_needs_what_its_frequency_needs() {
        let c = |f, ind: Option<&str>, max, days| Course {
            frequency: f,
            prn_indication: ind.map(String::from),
            prn_max_daily: max,
            duration_days: days,
        };
        let e = check_course(&c(Frequency::Prn, None, Some(4), Some(5)), false).unwrap_err();
        assert!(e.contains("indication"), "{e}");
        let e = check_course(&c(Frequency::Prn, Some("pain"), None, Some(5)), false).unwrap_err();
        assert!(e.contains("24 hours"), "{e}");
        assert!(check_course(&c(Frequency::Prn, Some(" pain "), Some(4), Some(5)), false).is_ok());
        let e = check_course(&c(Frequency::Tds, None, None, None), false).unwrap_err();
        assert!(e.contains("duration"), "{e}");
        assert!(check_course(&c(Frequency::Tds, None, None, None), true).is_ok());
        assert!(check_course(&c(Frequency::Tds, None, None, Some(366)), true).is_err());
        let stat = check_course(&c(Frequency::Stat, Some("x"), Some(2), Some(5)), false).unwrap();
        assert_eq!(
            (stat.duration_days, stat.prn_indication, stat.prn_max_daily),
            (None, None, None)
        );
    }
}
