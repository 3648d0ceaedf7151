//! Medical record numbers: `PREFIX-000123-K`.
//!
//! The check character is Luhn mod 30 over the sequence digits, drawn from an
//! alphabet without the look-alikes B I O Q S Z. Read aloud at the desk, it
//! catches any one mistyped digit and any swap of two neighbours.

use std::fmt;

/// The check alphabet: digits, then letters that cannot be mistaken for them.
pub const ALPHABET: &[u8; 30] = b"0123456789ACDEFGHJKLMNPRTUVWXY";
const N: u32 = 30;
/// Digits of the sequence number, zero-padded.
pub const SEQ_WIDTH: usize = 6;

/// A medical record number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mrn {
    pub prefix: String,
    pub seq: u64,
}

/// The check character for a sequence number.
pub fn check_char(seq: u64) -> char {
    let digits = format!("{seq:0SEQ_WIDTH$}");
    let mut factor = 2;
    let mut sum = 0;
    for d in digits.bytes().rev() {
        let mut addend = factor * u32::from(d - b'0');
        addend = addend / N + addend % N;
        sum += addend;
        factor = if factor == 2 { 1 } else { 2 };
    }
    let check = (N - sum % N) % N;
    char::from(ALPHABET[check as usize])
}

/// Whether `digits` followed by `check` is consistent.
fn valid(digits: &str, check: char) -> bool {
    let Some(check_value) = ALPHABET.iter().position(|&c| char::from(c) == check) else {
        return false;
    };
    let mut factor = 1;
    let mut sum = check_value as u32;
    for d in digits.bytes().rev() {
        factor = if factor == 2 { 1 } else { 2 };
        let mut addend = factor * u32::from(d - b'0');
        addend = addend / N + addend % N;
        sum += addend;
    }
    sum.is_multiple_of(N)
}

impl Mrn {
    pub fn new(prefix: &str, seq: u64) -> Mrn {
        Mrn {
            prefix: prefix.to_string(),
            seq,
        }
    }
}

impl fmt::Display for Mrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:0SEQ_WIDTH$}-{}",
            self.prefix,
            self.seq,
            check_char(self.seq)
        )
    }
}

/// What an MRN-looking query says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MrnQuery {
    /// Sequence digits with a check character that matches.
    Checked { prefix: Option<String>, seq: u64 },
    /// Sequence digits without a check character.
    Unchecked { prefix: Option<String>, seq: u64 },
    /// A check character that does not match: a digit is probably mistyped.
    WrongCheck { typed: String },
}

/// Reads a typed MRN: with or without the prefix, the dashes and the check
/// character, in any case. `None` when the text is not shaped like an MRN.
///
/// The last character is taken as the check character when it is a letter,
/// when a dash sets it apart (`001234-7`), or when a prefix is followed by
/// the full seven characters (`DMC0012347`); bare digits are a sequence number.
pub fn parse_query(text: &str) -> Option<MrnQuery> {
    let trimmed = text.trim();
    let dashed_check = trimmed.len() >= 3 && trimmed.as_bytes()[trimmed.len() - 2] == b'-';
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .collect::<String>()
        .to_uppercase();
    if compact.is_empty() || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let first_digit = compact.find(|c: char| c.is_ascii_digit())?;
    let (prefix, rest) = compact.split_at(first_digit);
    if prefix.len() > 8 {
        return None;
    }
    let prefix = (!prefix.is_empty()).then(|| prefix.to_string());
    let last = rest.chars().last()?;
    let has_check = last.is_ascii_alphabetic()
        || dashed_check
        || (prefix.is_some() && rest.len() == SEQ_WIDTH + 1);
    let digits = if has_check {
        &rest[..rest.len() - 1]
    } else {
        rest
    };
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq: u64 = digits.parse().ok()?;
    if !has_check {
        return Some(MrnQuery::Unchecked { prefix, seq });
    }
    if valid(&format!("{seq:0SEQ_WIDTH$}"), last) {
        Some(MrnQuery::Checked { prefix, seq })
    } else {
        Some(MrnQuery::WrongCheck {
            typed: trimmed.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_a_valid_check_character() {
        let m = Mrn::new("DMC", 1234);
        let s = m.to_string();
        assert!(s.starts_with("DMC-001234-"), "{s}");
        assert_eq!(
            parse_query(&s),
            Some(MrnQuery::Checked {
                prefix: Some("DMC".into()),
                seq: 1234
            })
        );
    }

    #[test]
    fn reads_an_mrn_with_or_without_prefix_dashes_and_check() {
        let full = Mrn::new("DMC", 1234).to_string();
        let check = full.chars().last().unwrap();
        for typed in [
            full.clone(),
            full.replace('-', ""),
            full.to_lowercase(),
            format!("001234-{check}"),
            format!("001234{check}"),
        ] {
            assert!(
                matches!(
                    parse_query(&typed),
                    Some(MrnQuery::Checked { seq: 1234, .. })
                ),
                "{typed}"
            );
        }
        assert_eq!(
            parse_query("DMC-001234"),
            Some(MrnQuery::Unchecked {
                prefix: Some("DMC".into()),
                seq: 1234
            })
        );
        assert!(matches!(
            parse_query("1234"),
            Some(MrnQuery::Unchecked { seq: 1234, .. })
        ));
        assert_eq!(parse_query("john"), None);
        assert_eq!(parse_query("doe jo"), None);
    }

    #[test]
    fn a_wrong_check_character_says_so() {
        let full = Mrn::new("DMC", 1234).to_string();
        let check = full.chars().last().unwrap();
        let wrong = ALPHABET
            .iter()
            .map(|&c| char::from(c))
            .find(|&c| c != check && c.is_ascii_alphabetic())
            .unwrap();
        let typed = format!("DMC-001234-{wrong}");
        assert!(matches!(
            parse_query(&typed),
            Some(MrnQuery::WrongCheck { .. })
        ));
    }
}
