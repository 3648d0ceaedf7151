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

/// The search terms of a patient's name: each folded word, and each
/// sounds-alike key as `#KEY`, with the space-framed list of its kind
/// (` amina okafor ` or ` AMN AKFR `) that a query's other words are checked
/// against.
pub fn index_terms(given: &str, middle: &str, family: &str) -> Vec<(String, String)> {
    let all: Vec<String> = [given, middle, family]
        .iter()
        .flat_map(|p| words(p))
        .collect();
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
    terms
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
