//! NEWS2, the Royal College of Physicians' National Early Warning Score 2
//! (2017 chart): each of seven parameters scores 0–3, the total and the
//! single-parameter rule give the clinical-risk band, and a score above the
//! previous set's is rising. Computed only for adults (16 and over) from a
//! complete set; children need paediatric scores, which NEWS2 is not.

use strum::{Display, EnumString, IntoStaticStr};

/// The youngest age, in whole years, NEWS2 is computed for.
pub const ADULT_FROM_YEARS: i32 = 16;

/// The level of consciousness on the ACVPU scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, IntoStaticStr)]
pub enum Consciousness {
    /// Alert.
    #[strum(serialize = "A")]
    Alert,
    /// New confusion (or disorientation, agitation).
    #[strum(serialize = "C")]
    NewConfusion,
    /// Responds to voice.
    #[strum(serialize = "V")]
    Voice,
    /// Responds to pain.
    #[strum(serialize = "P")]
    Pain,
    /// Unresponsive.
    #[strum(serialize = "U")]
    Unresponsive,
}

impl Consciousness {
    /// How the level reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            Consciousness::Alert => "alert",
            Consciousness::NewConfusion => "new confusion",
            Consciousness::Voice => "responds to voice",
            Consciousness::Pain => "responds to pain",
            Consciousness::Unresponsive => "unresponsive",
        }
    }
}

/// Which SpO2 scale applies: scale 2 is for a patient with hypercapnic
/// respiratory failure whose target saturation is 88–92%, chosen by a
/// clinician.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Spo2Scale {
    #[default]
    One,
    Two,
}

impl Spo2Scale {
    /// 1 or 2, as stored.
    pub fn number(self) -> i64 {
        match self {
            Spo2Scale::One => 1,
            Spo2Scale::Two => 2,
        }
    }

    pub fn from_number(n: i64) -> Option<Self> {
        match n {
            1 => Some(Spo2Scale::One),
            2 => Some(Spo2Scale::Two),
            _ => None,
        }
    }
}

/// The clinical-risk band of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Band {
    /// Total 0–4, no single parameter scoring 3.
    Low,
    /// Total 0–4 with a single parameter scoring 3 (an urgent ward-based
    /// response).
    LowMedium,
    /// Total 5–6.
    Medium,
    /// Total 7 or more.
    High,
}

impl Band {
    /// How the band reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::LowMedium => "low–medium",
            Band::Medium => "medium",
            Band::High => "high",
        }
    }
}

/// The seven parameters of one complete set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observations {
    pub respiratory_rate: i64,
    pub spo2: i64,
    pub scale: Spo2Scale,
    pub on_oxygen: bool,
    pub systolic: i64,
    pub pulse: i64,
    pub consciousness: Consciousness,
    /// Tenths of a degree Celsius.
    pub temperature_dc: i64,
}

/// Each parameter's score and the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub respiratory_rate: u8,
    pub spo2: u8,
    pub air_or_oxygen: u8,
    pub systolic: u8,
    pub pulse: u8,
    pub consciousness: u8,
    pub temperature: u8,
    pub total: u8,
    pub band: Band,
}

/// Respiration rate, breaths per minute: ≤8 3, 9–11 1, 12–20 0, 21–24 2, ≥25 3.
pub fn respiratory_rate(rr: i64) -> u8 {
    match rr {
        ..=8 => 3,
        9..=11 => 1,
        12..=20 => 0,
        21..=24 => 2,
        _ => 3,
    }
}

/// SpO2 on scale 1: ≤91 3, 92–93 2, 94–95 1, ≥96 0.
pub fn spo2_scale_1(spo2: i64) -> u8 {
    match spo2 {
        ..=91 => 3,
        92..=93 => 2,
        94..=95 => 1,
        _ => 0,
    }
}

/// SpO2 on scale 2: ≤83 3, 84–85 2, 86–87 1, 88–92 0, and ≥93 scores 0 on
/// air but 1 (93–94), 2 (95–96) or 3 (≥97) on oxygen.
pub fn spo2_scale_2(spo2: i64, on_oxygen: bool) -> u8 {
    match spo2 {
        ..=83 => 3,
        84..=85 => 2,
        86..=87 => 1,
        88..=92 => 0,
        _ if !on_oxygen => 0,
        93..=94 => 1,
        95..=96 => 2,
        _ => 3,
    }
}

/// Air or oxygen: oxygen 2, air 0.
pub fn air_or_oxygen(on_oxygen: bool) -> u8 {
    if on_oxygen { 2 } else { 0 }
}

/// Systolic blood pressure, mmHg: ≤90 3, 91–100 2, 101–110 1, 111–219 0, ≥220 3.
pub fn systolic(sbp: i64) -> u8 {
    match sbp {
        ..=90 => 3,
        91..=100 => 2,
        101..=110 => 1,
        111..=219 => 0,
        _ => 3,
    }
}

/// Pulse, per minute: ≤40 3, 41–50 1, 51–90 0, 91–110 1, 111–130 2, ≥131 3.
pub fn pulse(hr: i64) -> u8 {
    match hr {
        ..=40 => 3,
        41..=50 => 1,
        51..=90 => 0,
        91..=110 => 1,
        111..=130 => 2,
        _ => 3,
    }
}

/// Consciousness: alert 0; new confusion, voice, pain or unresponsive 3.
pub fn consciousness(c: Consciousness) -> u8 {
    if c == Consciousness::Alert { 0 } else { 3 }
}

/// Temperature, tenths of °C: ≤35.0 3, 35.1–36.0 1, 36.1–38.0 0,
/// 38.1–39.0 1, ≥39.1 2.
pub fn temperature(dc: i64) -> u8 {
    match dc {
        ..=350 => 3,
        351..=360 => 1,
        361..=380 => 0,
        381..=390 => 1,
        _ => 2,
    }
}

/// The band of a total, given whether any single parameter scored 3.
pub fn band(total: u8, any_three: bool) -> Band {
    match total {
        7.. => Band::High,
        5..=6 => Band::Medium,
        _ if any_three => Band::LowMedium,
        _ => Band::Low,
    }
}

/// Scores a complete set.
pub fn score(o: &Observations) -> Score {
    let spo2 = match o.scale {
        Spo2Scale::One => spo2_scale_1(o.spo2),
        Spo2Scale::Two => spo2_scale_2(o.spo2, o.on_oxygen),
    };
    let parts = [
        respiratory_rate(o.respiratory_rate),
        spo2,
        air_or_oxygen(o.on_oxygen),
        systolic(o.systolic),
        pulse(o.pulse),
        consciousness(o.consciousness),
        temperature(o.temperature_dc),
    ];
    let total = parts.iter().sum();
    Score {
        respiratory_rate: parts[0],
        spo2: parts[1],
        air_or_oxygen: parts[2],
        systolic: parts[3],
        pulse: parts[4],
        consciousness: parts[5],
        temperature: parts[6],
        total,
        band: band(total, parts.contains(&3)),
    }
}

/// How a score compares with the previous set's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// No earlier score to compare with.
    First,
    Rising,
    Same,
    Falling,
}

/// Compares a score with the one before it.
pub fn trend(previous: Option<u8>, now: u8) -> Trend {
    match previous {
        None => Trend::First,
        Some(p) if now > p => Trend::Rising,
        Some(p) if now < p => Trend::Falling,
        Some(_) => Trend::Same,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of the chart, as (lowest, highest, score) over the values
    /// each parameter can take, checked at both ends of each band.
    fn check_bands(f: impl Fn(i64) -> u8, bands: &[(i64, i64, u8)], name: &str) {
        for &(lo, hi, s) in bands {
            assert_eq!(f(lo), s, "{name} {lo}");
            assert_eq!(f(hi), s, "{name} {hi}");
        }
    }

    #[test]
    fn respiration_rate_by_the_chart() {
        check_bands(
            respiratory_rate,
            &[(4, 8, 3), (9, 11, 1), (12, 20, 0), (21, 24, 2), (25, 80, 3)],
            "respiration",
        );
    }

    #[test]
    fn spo2_scale_1_by_the_chart() {
        check_bands(
            spo2_scale_1,
            &[(50, 91, 3), (92, 93, 2), (94, 95, 1), (96, 100, 0)],
            "SpO2 scale 1",
        );
    }

    #[test]
    fn spo2_scale_2_by_the_chart_on_air_and_on_oxygen() {
        for oxygen in [false, true] {
            check_bands(
                |s| spo2_scale_2(s, oxygen),
                &[(50, 83, 3), (84, 85, 2), (86, 87, 1), (88, 92, 0)],
                "SpO2 scale 2",
            );
        }
        // ≥93 on air scores 0; on oxygen the three rows above the target.
        check_bands(|s| spo2_scale_2(s, false), &[(93, 100, 0)], "scale 2 air");
        check_bands(
            |s| spo2_scale_2(s, true),
            &[(93, 94, 1), (95, 96, 2), (97, 100, 3)],
            "scale 2 oxygen",
        );
    }

    #[test]
    fn air_or_oxygen_by_the_chart() {
        assert_eq!(air_or_oxygen(false), 0);
        assert_eq!(air_or_oxygen(true), 2);
    }

    #[test]
    fn systolic_by_the_chart() {
        check_bands(
            systolic,
            &[
                (40, 90, 3),
                (91, 100, 2),
                (101, 110, 1),
                (111, 219, 0),
                (220, 300, 3),
            ],
            "systolic",
        );
    }

    #[test]
    fn pulse_by_the_chart() {
        check_bands(
            pulse,
            &[
                (20, 40, 3),
                (41, 50, 1),
                (51, 90, 0),
                (91, 110, 1),
                (111, 130, 2),
                (131, 250, 3),
            ],
            "pulse",
        );
    }

    #[test]
    fn consciousness_by_the_chart() {
        assert_eq!(consciousness(Consciousness::Alert), 0);
        for c in [
            Consciousness::NewConfusion,
            Consciousness::Voice,
            Consciousness::Pain,
            Consciousness::Unresponsive,
        ] {
            assert_eq!(consciousness(c), 3, "{c:?}");
        }
        assert_eq!(
            "C".parse::<Consciousness>(),
            Ok(Consciousness::NewConfusion)
        );
        assert_eq!(Consciousness::Unresponsive.to_string(), "U");
    }

    #[test]
    fn temperature_by_the_chart() {
        check_bands(
            temperature,
            &[
                (250, 350, 3),
                (351, 360, 1),
                (361, 380, 0),
                (381, 390, 1),
                (391, 450, 2),
            ],
            "temperature",
        );
    }

    #[test]
    fn bands_by_total_and_single_three() {
        assert_eq!(band(0, false), Band::Low);
        assert_eq!(band(4, false), Band::Low);
        assert_eq!(band(3, true), Band::LowMedium);
        assert_eq!(band(4, true), Band::LowMedium);
        assert_eq!(band(5, false), Band::Medium);
        assert_eq!(band(5, true), Band::Medium);
        assert_eq!(band(6, true), Band::Medium);
        assert_eq!(band(7, false), Band::High);
        assert_eq!(band(20, true), Band::High);
    }

    fn normal() -> Observations {
        Observations {
            respiratory_rate: 16,
            spo2: 97,
            scale: Spo2Scale::One,
            on_oxygen: false,
            systolic: 125,
            pulse: 72,
            consciousness: Consciousness::Alert,
            temperature_dc: 369,
        }
    }

    #[test]
    fn examples() {
        let s = score(&normal());
        assert_eq!((s.total, s.band), (0, Band::Low));

        // New confusion alone: 3, low–medium.
        let s = score(&Observations {
            consciousness: Consciousness::NewConfusion,
            ..normal()
        });
        assert_eq!((s.total, s.band), (3, Band::LowMedium));

        // Pneumonia: RR 24 (2), SpO2 93 on oxygen (2 + 2), SBP 105 (1),
        // pulse 112 (2), alert, 38.4 (1) = 10, high.
        let s = score(&Observations {
            respiratory_rate: 24,
            spo2: 93,
            on_oxygen: true,
            systolic: 105,
            pulse: 112,
            temperature_dc: 384,
            ..normal()
        });
        assert_eq!(
            [
                s.respiratory_rate,
                s.spo2,
                s.air_or_oxygen,
                s.systolic,
                s.pulse,
                s.consciousness,
                s.temperature
            ],
            [2, 2, 2, 1, 2, 0, 1]
        );
        assert_eq!((s.total, s.band), (10, Band::High));

        // COPD on scale 2: 90% on oxygen is on target (0 + 2 for oxygen);
        // on scale 1 the same reading scores 3.
        let copd = Observations {
            spo2: 90,
            on_oxygen: true,
            scale: Spo2Scale::Two,
            ..normal()
        };
        assert_eq!(score(&copd).spo2, 0);
        assert_eq!((score(&copd).total, score(&copd).band), (2, Band::Low));
        let s1 = score(&Observations {
            scale: Spo2Scale::One,
            ..copd
        });
        assert_eq!((s1.total, s1.band), (5, Band::Medium));

        // Medium: 5 without any single 3.
        let s = score(&Observations {
            respiratory_rate: 22,
            pulse: 115,
            temperature_dc: 385,
            ..normal()
        });
        assert_eq!((s.total, s.band), (5, Band::Medium));
    }

    #[test]
    fn trend_compares_with_the_previous_score() {
        assert_eq!(trend(None, 3), Trend::First);
        assert_eq!(trend(Some(2), 5), Trend::Rising);
        assert_eq!(trend(Some(5), 5), Trend::Same);
        assert_eq!(trend(Some(5), 1), Trend::Falling);
    }
}
