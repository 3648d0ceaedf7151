//! Accession numbers of laboratory orders: `LAB-000123-K`, with the MRN's
//! check character (Luhn mod 30, see [`crate::domain::mrn`]) so that a
//! mistyped or swapped digit on a specimen label is caught.

use crate::domain::mrn::{self, Mrn, MrnQuery};
use std::fmt;

/// What every accession number starts with, telling it apart from an MRN.
pub const PREFIX: &str = "LAB";

/// An order's accession number: its sequence in the hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Accession(pub u64);

impl fmt::Display for Accession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Mrn::new(PREFIX, self.0).fmt(f)
    }
}

impl Accession {
    /// The check character of this number.
    pub fn check_char(self) -> char {
        mrn::check_char(self.0)
    }

    /// Reads a typed or scanned accession number, with or without the
    /// prefix and dashes, in any case; its check character is required.
    pub fn parse(text: &str) -> Result<Accession, String> {
        let bad = || {
            format!(
                "{:?} is not an accession number: type it as on the label, e.g. {}",
                text.trim(),
                Accession(123)
            )
        };
        match mrn::parse_query(text) {
            Some(MrnQuery::Checked { prefix, seq })
                if prefix.as_deref().is_none_or(|p| p == PREFIX) =>
            {
                Ok(Accession(seq))
            }
            Some(MrnQuery::Unchecked { prefix, .. })
                if prefix.as_deref().is_none_or(|p| p == PREFIX) =>
            {
                Err(format!(
                    "{:?} lacks its check character (the last letter or digit on the label): type the whole number",
                    text.trim()
                ))
            }
            Some(MrnQuery::WrongCheck { typed }) => Err(format!(
                "{typed:?} does not check out: a digit is probably mistyped; compare it with the label"
            )),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_prefix_sequence_and_the_mrn_check_character() {
        let a = Accession(1234);
        assert_eq!(
            a.to_string(),
            format!("LAB-001234-{}", mrn::check_char(1234))
        );
        assert_eq!(a.check_char(), mrn::check_char(1234));
    }

    #[test]
    fn reads_back_what_it_shows_in_any_form() {
        let a = Accession(4321);
        let s = a.to_string();
        for typed in [
            s.clone(),
            s.to_lowercase(),
            s.replace('-', ""),
            s[4..].to_string(),
        ] {
            assert_eq!(Accession::parse(&typed), Ok(a), "{typed}");
        }
    }

    #[test]
    fn a_mistyped_digit_or_missing_check_is_refused() {
        let s = Accession(4321).to_string();
        let swapped = s.replace("4321", "4312");
        assert!(
            Accession::parse(&swapped)
                .expect_err("swap")
                .contains("mistyped")
        );
        assert!(
            Accession::parse("LAB-004321")
                .expect_err("no check")
                .contains("check character")
        );
        let other_prefix = s.replace("LAB", "DMC");
        assert!(
            Accession::parse(&other_prefix)
                .expect_err("an MRN")
                .contains("not an accession")
        );
        assert!(Accession::parse("hello").is_err());
    }
}
