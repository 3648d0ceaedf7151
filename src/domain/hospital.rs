//! The hospital code: names the hospital's file and is the default MRN prefix.

use std::fmt;
use std::str::FromStr;

/// 2 to 8 capital letters or digits, e.g. `DMC` or `KCH2`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HospitalCode(String);

/// Why a hospital code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hospital code {0:?} is not valid: use 2 to 8 capital letters or digits, e.g. DMC")]
pub struct InvalidHospitalCode(pub String);

impl FromStr for HospitalCode {
    type Err = InvalidHospitalCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (2..=8).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok {
            Ok(HospitalCode(s.to_string()))
        } else {
            Err(InvalidHospitalCode(s.to_string()))
        }
    }
}

impl HospitalCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HospitalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_capitals_and_digits_of_two_to_eight() {
        for ok in ["DM", "DMC", "KCH2", "ABCDEFGH", "12"] {
            assert!(ok.parse::<HospitalCode>().is_ok(), "{ok}");
        }
        for bad in ["D", "dmc", "ABCDEFGHI", "DM-C", "", "DMÇ"] {
            assert!(bad.parse::<HospitalCode>().is_err(), "{bad}");
        }
    }
}
