//! The quantity to dispense, from the dose, the frequency, the duration
//! and the item's strength and unit; and the mass of a dose (for the
//! paediatric mg/kg check) read from the item's strength as printed in the
//! formulary (`500 mg`, `120 mg/5 ml`, `100 micrograms/dose`).

use super::{Dose, DoseUnit, Frequency, parse_milli};

/// An item's strength, as far as it is understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// A mass in each unit (tablet, capsule, vial, puff): nanograms.
    PerUnit { ng: i64 },
    /// A mass in a volume: nanograms in `ml_milli` thousandths of a ml.
    PerVolume { ng: i64, ml_milli: i64 },
}

/// Nanograms of `amount` typed in a mass unit (`mg`, `g`, `micrograms`).
fn mass(amount: &str, unit: &str) -> Option<i64> {
    let ng = match unit.trim().to_lowercase().as_str() {
        "g" => 1_000_000_000_i128,
        "mg" => 1_000_000,
        "mcg" | "microgram" | "micrograms" | "µg" => 1_000,
        _ => return None,
    };
    let milli = i128::from(parse_milli(amount)?);
    i64::try_from(milli * ng / 1000).ok().filter(|n| *n > 0)
}

/// Splits `500 mg` into its number and its unit.
fn number_and_unit(s: &str) -> Option<(&str, &str)> {
    let s = s.trim();
    let at = s.find(|c: char| c.is_alphabetic() || c == 'µ')?;
    let (n, u) = s.split_at(at);
    (!n.trim().is_empty()).then_some((n.trim(), u.trim()))
}

/// Reads a single medicine's strength; `None` for combinations,
/// percentages, international units and anything else.
pub fn parse_strength(text: &str) -> Option<Strength> {
    let t = text.trim();
    if t.contains('+') || t.contains('%') {
        return None;
    }
    let (top, per) = match t.split_once('/') {
        Some((a, b)) => (a, Some(b.trim())),
        None => (t, None),
    };
    let (n, u) = number_and_unit(top)?;
    let ng = mass(n, u)?;
    match per {
        None | Some("dose") => Some(Strength::PerUnit { ng }),
        Some(v) => {
            let (amount, unit) = match number_and_unit(v) {
                Some(x) => x,
                None => ("1", v),
            };
            if !unit.eq_ignore_ascii_case("ml") {
                return None;
            }
            let ml_milli = parse_milli(amount).filter(|m| *m > 0)?;
            Some(Strength::PerVolume { ng, ml_milli })
        }
    }
}

/// The dose units that count whole things (one tablet, one puff).
fn counted(u: DoseUnit) -> bool {
    matches!(
        u,
        DoseUnit::Tablet
            | DoseUnit::Capsule
            | DoseUnit::Puff
            | DoseUnit::Sachet
            | DoseUnit::Suppository
            | DoseUnit::Pessary
            | DoseUnit::Patch
            | DoseUnit::Drop
            | DoseUnit::Application
    )
}

/// The mass of one dose in nanograms: as written in a unit of mass, or
/// through the item's strength (tablets of 500 mg, ml of 120 mg/5 ml).
pub fn dose_nanograms(dose: Dose, strength: Option<Strength>) -> Option<i64> {
    if let Some(ng) = dose.nanograms() {
        return Some(ng);
    }
    let m = i128::from(dose.milli);
    let ng = match (strength?, dose.unit) {
        (Strength::PerVolume { ng, ml_milli }, DoseUnit::Ml) => {
            i128::from(ng) * m / i128::from(ml_milli)
        }
        (Strength::PerUnit { ng }, u) if counted(u) => i128::from(ng) * m / 1000,
        _ => return None,
    };
    i64::try_from(ng).ok()
}

/// How many doses a course holds: one for a single dose, the doses a day
/// times the days, a weekly dose per started week, and for PRN the most a
/// day times the days. `None` when the course has no end.
pub fn doses_in_course(f: Frequency, days: Option<u32>, prn_max_daily: Option<u32>) -> Option<i64> {
    if f.single() {
        return Some(1);
    }
    let days = i64::from(days?);
    match f {
        Frequency::Weekly => Some((days + 6) / 7),
        Frequency::Prn => Some(i64::from(prn_max_daily?) * days),
        _ => Some(f.per_day()? * days),
    }
}

/// What the quantity is computed from.
#[derive(Debug, Clone, Copy)]
pub struct QuantityInput<'a> {
    pub dose: Dose,
    pub frequency: Frequency,
    pub duration_days: Option<u32>,
    pub prn_max_daily: Option<u32>,
    /// The item's stock unit (`tablet`, `bottle`, `vial`).
    pub item_unit: &'a str,
    pub strength: Option<Strength>,
}

/// The quantity to dispense in the item's unit, rounded up to whole units:
/// the number of doses times the units in one dose (half a tablet of a
/// dose, or 250 mg from tablets of 500 mg). `None` when it cannot be known
/// from the order (a bottle of syrup, an order with no end): the
/// prescriber types it.
pub fn quantity_to_dispense(q: &QuantityInput) -> Option<i64> {
    let doses = i128::from(doses_in_course(
        q.frequency,
        q.duration_days,
        q.prn_max_daily,
    )?);
    let item_unit = q.item_unit.trim().to_lowercase();
    let same_unit = DoseUnit::parse(&item_unit) == Some(q.dose.unit) && counted(q.dose.unit);
    // Units in one dose as a fraction num / den.
    let (num, den) = if same_unit {
        (i128::from(q.dose.milli), 1000_i128)
    } else {
        match (q.dose.nanograms(), q.strength) {
            (Some(ng), Some(Strength::PerUnit { ng: per })) => (i128::from(ng), i128::from(per)),
            _ => return None,
        }
    };
    let total = (num * doses + den - 1) / den;
    i64::try_from(total).ok().filter(|n| *n >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dose(t: &str) -> Dose {
        Dose::parse_text(t).unwrap()
    }

    #[test]
    fn strengths_as_the_formulary_prints_them() {
        assert_eq!(
            parse_strength("500 mg"),
            Some(Strength::PerUnit { ng: 500_000_000 })
        );
        assert_eq!(
            parse_strength("1 g"),
            Some(Strength::PerUnit { ng: 1_000_000_000 })
        );
        assert_eq!(
            parse_strength("100 micrograms/dose"),
            Some(Strength::PerUnit { ng: 100_000 })
        );
        assert_eq!(
            parse_strength("120 mg/5 ml"),
            Some(Strength::PerVolume {
                ng: 120_000_000,
                ml_milli: 5000
            })
        );
        assert_eq!(
            parse_strength("40 mg/ml"),
            Some(Strength::PerVolume {
                ng: 40_000_000,
                ml_milli: 1000
            })
        );
        assert_eq!(
            parse_strength("1 mg/0.5 ml"),
            Some(Strength::PerVolume {
                ng: 1_000_000,
                ml_milli: 500
            })
        );
        for unknown in [
            "",
            "5%",
            "1 million IU",
            "125 mg + 31.25 mg/5 ml",
            "10 IU/ml",
            "20.5 g/l",
            "10 ml",
        ] {
            assert_eq!(parse_strength(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn a_dose_weighs_what_its_strength_says() {
        let tab = parse_strength("500 mg");
        let syrup = parse_strength("120 mg/5 ml");
        assert_eq!(dose_nanograms(dose("250 mg"), None), Some(250_000_000));
        assert_eq!(dose_nanograms(dose("2 tablets"), tab), Some(1_000_000_000));
        assert_eq!(dose_nanograms(dose("1/2 tablet"), tab), Some(250_000_000));
        assert_eq!(dose_nanograms(dose("7.5 ml"), syrup), Some(180_000_000));
        assert_eq!(dose_nanograms(dose("7.5 ml"), tab), None);
        assert_eq!(dose_nanograms(dose("1 tablet"), None), None);
        assert_eq!(dose_nanograms(dose("10 unit"), tab), None);
    }

    #[test]
    fn doses_in_a_course() {
        assert_eq!(doses_in_course(Frequency::Tds, Some(5), None), Some(15));
        assert_eq!(doses_in_course(Frequency::Q4h, Some(2), None), Some(12));
        assert_eq!(doses_in_course(Frequency::Nocte, Some(7), None), Some(7));
        assert_eq!(doses_in_course(Frequency::Weekly, Some(14), None), Some(2));
        assert_eq!(doses_in_course(Frequency::Weekly, Some(15), None), Some(3));
        assert_eq!(doses_in_course(Frequency::Prn, Some(3), Some(4)), Some(12));
        assert_eq!(doses_in_course(Frequency::Stat, None, None), Some(1));
        assert_eq!(doses_in_course(Frequency::Bd, None, None), None);
    }

    #[test]
    fn the_quantity_is_whole_units_of_the_item() {
        let q = |d: &str, f, days, unit: &str, strength: &str| {
            quantity_to_dispense(&QuantityInput {
                dose: dose(d),
                frequency: f,
                duration_days: days,
                prn_max_daily: Some(4),
                item_unit: unit,
                strength: parse_strength(strength),
            })
        };
        // 1 g QID for 5 days of 500 mg tablets: 2 a dose, 40.
        assert_eq!(
            q("1 g", Frequency::Qid, Some(5), "tablet", "500 mg"),
            Some(40)
        );
        assert_eq!(
            q("2 tablets", Frequency::Qid, Some(5), "tablet", "500 mg"),
            Some(40)
        );
        // Half a tablet BD for 3 days: 3 tablets.
        assert_eq!(
            q("0.5 tablet", Frequency::Bd, Some(3), "tablet", "10 mg"),
            Some(3)
        );
        // 250 mg TDS for 5 days from 500 mg capsules: 7.5, so 8.
        assert_eq!(
            q("250 mg", Frequency::Tds, Some(5), "capsule", "500 mg"),
            Some(8)
        );
        assert_eq!(
            q("1 capsule", Frequency::Tds, Some(7), "capsule", "500 mg"),
            Some(21)
        );
        assert_eq!(q("1 g", Frequency::Stat, None, "vial", "1 g"), Some(1));
        assert_eq!(
            q("1 g", Frequency::Prn, Some(2), "tablet", "500 mg"),
            Some(16)
        );
        // A bottle of syrup, or an order with no end: typed by the prescriber.
        assert_eq!(
            q("5 ml", Frequency::Tds, Some(5), "bottle", "120 mg/5 ml"),
            None
        );
        assert_eq!(q("1 tablet", Frequency::Od, None, "tablet", "5 mg"), None);
        assert_eq!(q("1 tablet", Frequency::Od, Some(5), "tablet", ""), Some(5));
    }
}
