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
/// Separators (dashes or spaces) are read by position, never just dropped,
/// so that one mistyped dash cannot turn into another patient's number. The
/// accepted shapes are `PREFIX-DIGITS-C`, `PREFIX-DIGITS`, `[PREFIX]DIGITS-C`
/// and the compact `[PREFIX]DIGITS[C]`. In the compact form the last
/// character is the check character when it is a letter, or when a prefix is
/// followed by more than six characters (`DMC0012347`); bare digits are a
/// sequence number.
pub fn parse_query(text: &str) -> Option<MrnQuery> {
    let trimmed = text.trim();
    let upper = trimmed.to_uppercase();
    let parts: Vec<&str> = upper.split(['-', ' ']).collect();
    if parts.iter().any(|p| p.is_empty())
        || !upper
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
    {
        return None;
    }
    let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let is_prefix =
        |s: &str| (1..=8).contains(&s.len()) && s.bytes().any(|b| b.is_ascii_alphabetic());
    let one_char = |s: &str| s.chars().count() == 1;
    let (prefix, digits, check): (Option<&str>, &str, Option<char>) = match parts.as_slice() {
        [compact] => return compact_form(compact, trimmed),
        [p, d, c] if is_prefix(p) && is_digits(d) && one_char(c) => (Some(p), d, c.chars().next()),
        [p, d] if is_prefix(p) && is_digits(d) => (Some(p), d, None),
        [head, c] if one_char(c) => {
            let first_digit = head.find(|ch: char| ch.is_ascii_digit())?;
            let (p, d) = head.split_at(first_digit);
            if !is_digits(d) || !(p.is_empty() || is_prefix(p)) {
                return None;
            }
            ((!p.is_empty()).then_some(p), d, c.chars().next())
        }
        _ => return None,
    };
    finish(prefix, digits, check, trimmed)
}

fn compact_form(compact: &str, typed: &str) -> Option<MrnQuery> {
    let first_digit = compact.find(|c: char| c.is_ascii_digit())?;
    let (prefix, rest) = compact.split_at(first_digit);
    if prefix.len() > 8 {
        return None;
    }
    let last = rest.chars().last()?;
    let has_check = last.is_ascii_alphabetic() || (!prefix.is_empty() && rest.len() > SEQ_WIDTH);
    let digits = if has_check {
        &rest[..rest.len() - 1]
    } else {
        rest
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    finish(
        (!prefix.is_empty()).then_some(prefix),
        digits,
        has_check.then_some(last),
        typed,
    )
}

fn finish(
    prefix: Option<&str>,
    digits: &str,
    check: Option<char>,
    typed: &str,
) -> Option<MrnQuery> {
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    let seq: u64 = digits.parse().ok()?;
    let prefix = prefix.map(str::to_string);
    match check {
        None => Some(MrnQuery::Unchecked { prefix, seq }),
        Some(c) if valid(&format!("{seq:0SEQ_WIDTH$}"), c) => {
            Some(MrnQuery::Checked { prefix, seq })
        }
        Some(_) => Some(MrnQuery::WrongCheck {
            typed: typed.to_string(),
        }),
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
