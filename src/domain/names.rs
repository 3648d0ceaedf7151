//! Matching names: folding case and accents, splitting into words, and the
//! sounds-alike key.
//!
//! Names are stored as typed; only search terms are folded.

use rphonetic::DoubleMetaphone;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case without accents or apostrophes: `José O'Neil` → `jose oneil`.
/// Scripts without case or accents pass through unchanged.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c) && !matches!(c, '\'' | '’' | '`' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The folded words of a name or a query; hyphens and commas separate words.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | ',' | ';' | '/'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Why a name starting with a spreadsheet formula character is refused.
pub const FORMULA_START: &str =
    "a name cannot start with =, +, - or @ (spreadsheet formula characters)";

/// Whether a name starts (after spaces) with `=`, `+`, `-` or `@`: no
/// human name does, and a spreadsheet opening an export would take such a
/// name for a formula (CSV injection).
pub fn starts_like_formula(name: &str) -> bool {
    name.trim_start().starts_with(['=', '+', '-', '@'])
}

fn encoder() -> &'static DoubleMetaphone {
    static ENCODER: OnceLock<DoubleMetaphone> = OnceLock::new();
    ENCODER.get_or_init(DoubleMetaphone::default)
}

/// The sounds-alike key of one folded word: the primary Double Metaphone
/// code. (The alternate code is left out: it makes John sound like Owino.)
/// Empty for words with fewer than two Latin letters.
pub fn sounds(word: &str) -> Vec<String> {
    let ascii: String = word.chars().filter(char::is_ascii_alphabetic).collect();
    if ascii.len() < 2 {
        return Vec::new();
    }
    let key = encoder().double_metaphone(&ascii).primary();
    if key.is_empty() {
        Vec::new()
    } else {
        vec![key]
    }
}

/// How many of a name's words are paired in [`NameIndex::pairs`]: a name
/// of more words is rare, and its pairs grow with the square.
const PAIRED_WORDS: usize = 6;

/// The index rows of one patient's name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameIndex {
    /// Each folded word, and each sounds-alike key as `#KEY`, with the
    /// space-framed list of its kind (` amina okafor ` or ` AMN AKFR `) that
    /// a query's other words are checked against.
    pub terms: Vec<(String, String)>,
    /// Pairs of the name's words, so that a query of two words reads only the
    /// patients holding both: [`word_pair`] for each ordered pair of words,
    /// and [`key_pair`] for each pair of different sounds-alike keys; with the
    /// same lists as `terms`.
    pub pairs: Vec<(String, String)>,
}

/// The first two characters of a word: the first half of a [`word_pair`].
pub fn pair_head(word: &str) -> &str {
    match word.char_indices().nth(2) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// The pair row of two name words: the first two characters of `a`, then
/// all of `b`. A query "oka am" reads the range starting `am|oka`.
pub fn word_pair(a: &str, b: &str) -> String {
    format!("{}|{b}", pair_head(a))
}

/// The pair row of two different sounds-alike keys, in either order.
pub fn key_pair(a: &str, b: &str) -> String {
    let (x, y) = if a <= b { (a, b) } else { (b, a) };
    format!("#{x}|{y}")
}

/// The index rows of a patient's name; see [`NameIndex`].
pub fn name_index(given: &str, middle: &str, family: &str) -> NameIndex {
    let mut all: Vec<String> = Vec::new();
    for w in [given, middle, family].iter().flat_map(|p| words(p)) {
        if !all.contains(&w) {
            all.push(w);
        }
    }
    let keys: Vec<String> = all.iter().flat_map(|w| sounds(w)).collect();
    let names = format!(" {} ", all.join(" "));
    let key_names = format!(" {} ", keys.join(" "));
    let mut terms: Vec<(String, String)> = all
        .iter()
        .map(|w| (w.clone(), names.clone()))
        .chain(keys.iter().map(|k| (format!("#{k}"), key_names.clone())))
        .collect();
    terms.sort();
    terms.dedup_by(|a, b| a.0 == b.0);

    let paired = &all[..all.len().min(PAIRED_WORDS)];
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (i, a) in paired.iter().enumerate() {
        for (j, b) in paired.iter().enumerate() {
            if i != j {
                pairs.push((word_pair(a, b), names.clone()));
            }
        }
    }
    let paired_keys = &keys[..keys.len().min(PAIRED_WORDS)];
    for (i, a) in paired_keys.iter().enumerate() {
        for b in &paired_keys[i + 1..] {
            if a != b {
                pairs.push((key_pair(a, b), key_names.clone()));
            }
        }
    }
    pairs.sort();
    pairs.dedup_by(|a, b| a.0 == b.0);
    NameIndex { terms, pairs }
}

/// The search terms of a patient's name: [`NameIndex::terms`].
pub fn index_terms(given: &str, middle: &str, family: &str) -> Vec<(String, String)> {
    name_index(given, middle, family).terms
}

/// The key that flags likely duplicates on import: how the family name (or
/// the only name) sounds, and the birth date.
pub fn duplicate_key(given: &str, middle: &str, family: &str, birth_date: &str) -> String {
    let name = [family, given, middle]
        .into_iter()
        .find(|p| !p.trim().is_empty())
        .unwrap_or("");
    let key = words(name)
        .first()
        .and_then(|w| sounds(w).into_iter().next())
        .unwrap_or_else(|| words(name).join(""));
    if key.is_empty() {
        String::new()
    } else {
        format!("{key}|{birth_date}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("José"), "jose");
        assert_eq!(fold("ZOË Müller-Lüdenscheidt"), "zoe muller-ludenscheidt");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("Nguyễn"), "nguyen");
        assert_eq!(fold("محمد"), "محمد");
    }

    #[test]
    fn names_that_a_spreadsheet_would_run_are_told_apart() {
        for name in ["=HYPERLINK(\"http://x\",\"a\")", "+1", " -2+3", "@SUM(A1)"] {
            assert!(starts_like_formula(name), "{name}");
        }
        for name in ["Amina", "'t Hooft", "Jean-Luc", "O'Neil", "", "李"] {
            assert!(!starts_like_formula(name), "{name}");
        }
    }

    #[test]
    fn splits_words() {
        assert_eq!(
            words(" Mary-Ann  de la Cruz "),
            ["mary", "ann", "de", "la", "cruz"]
        );
        assert!(words("  ").is_empty());
    }

    #[test]
    fn index_terms_hold_words_and_keys() {
        let t = index_terms("José", "", "Okafor-Ade");
        let terms: Vec<&str> = t.iter().map(|(t, _)| t.as_str()).collect();
        assert!(terms.contains(&"jose") && terms.contains(&"okafor") && terms.contains(&"ade"));
        assert!(terms.iter().any(|t| t.starts_with('#')));
        let (_, names) = t.iter().find(|(t, _)| t == "jose").unwrap();
        assert_eq!(names, " jose okafor ade ");
    }

    #[test]
    fn pairs_hold_every_ordered_word_pair_and_each_key_pair_once() {
        let ix = name_index("Amina", "", "Okafor");
        let pairs: Vec<&str> = ix.pairs.iter().map(|(t, _)| t.as_str()).collect();
        assert!(pairs.contains(&"am|okafor") && pairs.contains(&"ok|amina"));
        let (ka, kb) = (&sounds("amina")[0], &sounds("okafor")[0]);
        assert!(pairs.contains(&key_pair(ka, kb).as_str()));
        assert_eq!(key_pair(ka, kb), key_pair(kb, ka));
        assert_eq!(pairs.len(), 3, "{pairs:?}");
        let (_, names) = ix.pairs.iter().find(|(t, _)| t == "am|okafor").unwrap();
        assert_eq!(names, " amina okafor ");
        assert!(name_index("", "", "Suharto").pairs.is_empty());
        assert_eq!(word_pair("j", "doe"), "j|doe");
        assert_eq!(pair_head("émile"), "ém");
    }

    #[test]
    fn misspellings_sound_alike() {
        let same = |a: &str, b: &str| sounds(a).iter().any(|k| sounds(b).contains(k));
        assert!(same("mohammed", "muhamad"));
        assert!(same("catherine", "kathryn"));
        assert!(same("jon", "john"));
        assert!(!same("john", "owino"), "alternate codes are not used");
        assert!(same("okonkwo", "okonkow"));
        assert!(!same("smith", "jones"));
        assert!(sounds("李").is_empty());
    }
}
