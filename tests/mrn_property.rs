//! The MRN check character, as a property: a mistyped character or a swapped
//! pair of neighbours never silently turns one patient's MRN into another's.
//!
//! A typed MRN that the desk changed by one character may read as a wrong check
//! character, as not an MRN at all, as a number without a check character, or
//! as an MRN of another hospital prefix. What it must never read as is a
//! *checked* MRN of this prefix (or of no prefix, which search matches against
//! any prefix) with a different sequence number: that would open the wrong
//! patient's record without any warning.

use proptest::prelude::*;
use wardline::domain::mrn::{ALPHABET, Mrn, MrnQuery, parse_query};

/// Every character a hand at the keyboard may put in place of another.
const TYPED: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-";

/// Why `typed` (a one-character change of `original`) is a silent wrong hit,
/// or `None` when it is not.
fn silent_wrong_hit(original: &str, prefix: &str, seq: u64, typed: &str) -> Option<String> {
    match parse_query(typed) {
        Some(MrnQuery::Checked {
            prefix: p,
            seq: other,
        }) if other != seq && (p.is_none() || p.as_deref() == Some(prefix)) => Some(format!(
            "{original:?} changed to {typed:?} parses as the checked MRN of sequence {other} \
             (prefix {p:?}) instead of being caught"
        )),
        _ => None,
    }
}

/// Every single-character substitution of `s` (each position, each typed
/// character that differs), as (position, new text).
fn substitutions(s: &str) -> Vec<(usize, String)> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    for i in 0..bytes.len() {
        for &c in TYPED {
            if c == bytes[i] {
                continue;
            }
            let mut b = bytes.to_vec();
            b[i] = c;
            out.push((i, String::from_utf8(b).expect("ASCII")));
        }
    }
    out
}

/// Every swap of two neighbouring characters that changes the text.
fn swaps(s: &str) -> Vec<(usize, String)> {
    let bytes = s.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .filter(|&i| bytes[i] != bytes[i + 1])
        .map(|i| {
            let mut b = bytes.to_vec();
            b.swap(i, i + 1);
            (i, String::from_utf8(b).expect("ASCII"))
        })
        .collect()
}

/// The positions of the sequence digits and of the check character in a
/// formatted MRN `PREFIX-DIGITS-C`.
fn digit_and_check_positions(prefix: &str, formatted: &str) -> (Vec<usize>, usize) {
    let first = prefix.len() + 1;
    let check = formatted.len() - 1;
    ((first..check - 1).collect(), check)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // No regressions file next to the tests: the seed is in the failure message.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_formatted_mrn_reads_back_checked(seq in 1u64..=9_999_999, prefix in "[A-Z]{2,4}") {
        let s = Mrn::new(&prefix, seq).to_string();
        prop_assert_eq!(
            parse_query(&s),
            Some(MrnQuery::Checked { prefix: Some(prefix.clone()), seq })
        );
        // And in lower case, without dashes, and without the prefix.
        prop_assert_eq!(
            parse_query(&s.to_lowercase()),
            Some(MrnQuery::Checked { prefix: Some(prefix.clone()), seq })
        );
        let without_prefix = &s[prefix.len() + 1..];
        prop_assert_eq!(
            parse_query(without_prefix),
            Some(MrnQuery::Checked { prefix: None, seq })
        );
    }

    /// "Search accepts an MRN with or without prefix and dashes": the whole
    /// MRN typed without its dashes is the same checked MRN, seven-digit
    /// sequence numbers (a hospital past a million patients) included.
    #[test]
    fn an_mrn_typed_without_dashes_reads_back_checked(
        seq in 1u64..=9_999_999,
        prefix in "[A-Z]{2,4}",
    ) {
        let s = Mrn::new(&prefix, seq).to_string();
        let compact = s.replace('-', "");
        prop_assert_eq!(
            parse_query(&compact),
            Some(MrnQuery::Checked { prefix: Some(prefix.clone()), seq }),
            "{} typed as {}", s, compact
        );
    }

    /// The property of the issue: every single-character substitution (each
    /// position, each replacement from [0-9A-Z-]) never reads as another
    /// patient's checked MRN.
    #[test]
    fn no_single_substitution_points_to_another_patient(
        seq in 1u64..=9_999_999,
        prefix in "[A-Z]{2,4}",
    ) {
        let s = Mrn::new(&prefix, seq).to_string();
        let wrong: Vec<String> = substitutions(&s)
            .into_iter()
            .filter_map(|(_, typed)| silent_wrong_hit(&s, &prefix, seq, &typed))
            .collect();
        prop_assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// The property of the issue: every swap of two neighbouring characters
    /// that changes the text never reads as another patient's checked MRN.
    #[test]
    fn no_neighbour_swap_points_to_another_patient(
        seq in 1u64..=9_999_999,
        prefix in "[A-Z]{2,4}",
    ) {
        let s = Mrn::new(&prefix, seq).to_string();
        let wrong: Vec<String> = swaps(&s)
            .into_iter()
            .filter_map(|(_, typed)| silent_wrong_hit(&s, &prefix, seq, &typed))
            .collect();
        prop_assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// Changes confined to the digits and the check character (a digit
    /// mistyped as another digit, the check character mistyped as any other
    /// letter or digit, two different neighbouring digits swapped) always say
    /// "wrong check character": never another sequence number, never silence.
    #[test]
    fn digit_and_check_mistakes_are_a_wrong_check(
        seq in 1u64..=9_999_999,
        prefix in "[A-Z]{2,4}",
    ) {
        let s = Mrn::new(&prefix, seq).to_string();
        let (digits, check) = digit_and_check_positions(&prefix, &s);
        let bytes = s.as_bytes();
        for &i in &digits {
            for d in b'0'..=b'9' {
                if d == bytes[i] {
                    continue;
                }
                let mut b = bytes.to_vec();
                b[i] = d;
                let typed = String::from_utf8(b).expect("ASCII");
                prop_assert!(
                    matches!(parse_query(&typed), Some(MrnQuery::WrongCheck { .. })),
                    "{} → {}: {:?}", s, typed, parse_query(&typed)
                );
            }
        }
        for &c in TYPED.iter().filter(|&&c| c != b'-' && c != bytes[check]) {
            let mut b = bytes.to_vec();
            b[check] = c;
            let typed = String::from_utf8(b).expect("ASCII");
            prop_assert!(
                matches!(parse_query(&typed), Some(MrnQuery::WrongCheck { .. })),
                "{} → {}: {:?}", s, typed, parse_query(&typed)
            );
        }
        for w in digits.windows(2) {
            let (i, j) = (w[0], w[1]);
            if bytes[i] == bytes[j] {
                continue;
            }
            let mut b = bytes.to_vec();
            b.swap(i, j);
            let typed = String::from_utf8(b).expect("ASCII");
            prop_assert!(
                matches!(parse_query(&typed), Some(MrnQuery::WrongCheck { .. })),
                "{} → {}: {:?}", s, typed, parse_query(&typed)
            );
        }
    }
}

/// The check alphabet leaves out the look-alikes, and every sequence gets a
/// character from it.
#[test]
fn the_check_alphabet_has_no_look_alikes() {
    for c in b"BIOQSZ" {
        assert!(!ALPHABET.contains(c), "{}", char::from(*c));
    }
    for seq in 0..3_000u64 {
        let s = Mrn::new("TST", seq).to_string();
        let check = s.as_bytes()[s.len() - 1];
        assert!(ALPHABET.contains(&check), "{s}");
    }
}

/// A few hand-picked examples of the classic mistakes, spelled out.
#[test]
fn classic_mistakes_on_one_mrn() {
    let s = Mrn::new("DMC", 1234).to_string();
    assert!(s.starts_with("DMC-001234-"), "{s}");
    let check = &s[s.len() - 1..];
    for typed in [
        format!("DMC-001243-{check}"), // swapped neighbours
        format!("DMC-002134-{check}"), // swapped neighbours
        format!("DMC-001235-{check}"), // one digit off
        format!("DMC-007234-{check}"), // one digit off
        format!("DMC-901234-{check}"), // 0 ↔ 9, which plain Luhn mod 10 misses in pairs
    ] {
        assert!(
            matches!(parse_query(&typed), Some(MrnQuery::WrongCheck { .. })),
            "{typed}: {:?}",
            parse_query(&typed)
        );
    }
    // 09 ↔ 90, the pair plain Luhn mod 10 cannot see.
    let s = Mrn::new("DMC", 90).to_string();
    let check = &s[s.len() - 1..];
    let typed = format!("DMC-000009-{check}");
    assert!(
        !matches!(parse_query(&typed), Some(MrnQuery::Checked { .. })),
        "{typed}: {:?}",
        parse_query(&typed)
    );
    let s = Mrn::new("DMC", 9).to_string();
    let check = &s[s.len() - 1..];
    let typed = format!("DMC-000090-{check}");
    assert!(
        !matches!(parse_query(&typed), Some(MrnQuery::Checked { .. })),
        "{typed}: {:?}",
        parse_query(&typed)
    );
}
