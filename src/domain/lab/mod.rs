//! The laboratory's catalogue and its rules: the tests a lab runs, their
//! analytes (LOINC, unit, result type, reference ranges by sex and age,
//! critical limits, physically possible bounds), how an entered value is
//! checked and flagged, and accession numbers. Pure: no SQL, no I/O.

pub mod accession;
pub mod catalogue_file;
pub mod entry;
pub mod order;
pub mod ranges;

pub use ranges::{AgeLimit, AgeUnit, Flag, RefRange};

/// Longest code of a test or analyte.
pub const CODE_MAX: usize = 16;
/// Longest name of a test or analyte, and of a specimen type.
pub const NAME_MAX: usize = 80;

/// What kind of value an analyte's result is.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultType {
    /// A number with at most `decimals` digits after the point, between the
    /// physically possible bounds.
    Number { decimals: u8, min: f64, max: f64 },
    /// One of `options`; those in `abnormal` are flagged.
    Choice {
        options: Vec<String>,
        abnormal: Vec<String>,
    },
    /// Free text, such as a culture's organisms.
    Text,
}

impl ResultType {
    /// The word the catalogue file and the file's column use.
    pub fn word(&self) -> &'static str {
        match self {
            ResultType::Number { .. } => "number",
            ResultType::Choice { .. } => "choice",
            ResultType::Text => "text",
        }
    }
}

/// One measured or observed thing a test reports, such as potassium.
#[derive(Debug, Clone, PartialEq)]
pub struct Analyte {
    /// Short code, unique within its test (`K`).
    pub code: String,
    pub name: String,
    pub loinc: Option<String>,
    /// UCUM unit (`mmol/L`), for numbers.
    pub unit: Option<String>,
    pub kind: ResultType,
    /// Reference ranges by sex and age band; see [`ranges::choose`].
    pub ranges: Vec<RefRange>,
    /// A value below this is critical, for every patient.
    pub critical_low: Option<f64>,
    /// A value above this is critical, for every patient.
    pub critical_high: Option<f64>,
}

impl Analyte {
    /// Checks the ranges and critical limits against each other and the
    /// result type: critical low below critical high, every limit within
    /// the physically possible values, none for a choice or a text.
    pub fn check_limits(&self) -> Result<(), String> {
        let ResultType::Number { min, max, .. } = self.kind else {
            if self.ranges.is_empty() && self.critical_low.is_none() && self.critical_high.is_none()
            {
                return Ok(());
            }
            return Err(format!(
                "{} is a {} result: ranges and critical limits are for numbers; leave them empty",
                self.name,
                self.kind.word()
            ));
        };
        if let (Some(l), Some(h)) = (self.critical_low, self.critical_high)
            && l >= h
        {
            return Err(format!("critical_low {l} must be below critical_high {h}"));
        }
        let outside = |v: Option<f64>| v.is_some_and(|v| v < min || v > max);
        if outside(self.critical_low)
            || outside(self.critical_high)
            || self
                .ranges
                .iter()
                .any(|r| outside(r.low) || outside(r.high))
        {
            return Err(format!(
                "a range or critical limit lies outside the possible values {min}..{max}: correct it or widen min and max"
            ));
        }
        Ok(())
    }
}

/// A test as it is ordered and priced: one analyte, or a panel of several
/// (a full blood count) collected from one specimen.
#[derive(Debug, Clone, PartialEq)]
pub struct LabTest {
    /// Short code, unique in the catalogue (`FBC`).
    pub code: String,
    pub name: String,
    /// What is collected (`whole blood (EDTA)`).
    pub specimen: String,
    /// Price in minor units of the hospital's currency; 0 until set.
    pub price: i64,
    pub analytes: Vec<Analyte>,
}

impl LabTest {
    /// Whether the test groups several analytes.
    pub fn is_panel(&self) -> bool {
        self.analytes.len() > 1
    }

    /// The analyte with this code.
    pub fn analyte(&self, code: &str) -> Option<&Analyte> {
        self.analytes.iter().find(|a| a.code == code)
    }
}

/// Whether `code` is a well-formed LOINC code: digits, a dash and the
/// mod-10 check digit (`2823-3`).
pub fn loinc_is_valid(code: &str) -> bool {
    let Some((number, check)) = code.split_once('-') else {
        return false;
    };
    if number.is_empty()
        || number.len() > 7
        || check.len() != 1
        || !number
            .bytes()
            .chain(check.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return false;
    }
    // LOINC's check digit is Luhn's mod 10 over the number.
    let mut sum = 0;
    for (i, d) in number.bytes().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    (10 - sum % 10) % 10 == u32::from(check.as_bytes()[0] - b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loinc_check_digits_are_checked() {
        for good in ["2823-3", "718-7", "6690-2", "24467-3", "20447-9", "1-8"] {
            assert!(loinc_is_valid(good), "{good}");
        }
        for bad in [
            "2823-4",
            "718",
            "7187",
            "x18-7",
            "718-77",
            "-7",
            "12345678-0",
        ] {
            assert!(!loinc_is_valid(bad), "{bad}");
        }
    }
}
