//! The search queries: real patients of the hospital, sampled with a seeded
//! generator, turned into what the desk types for each query kind.

use super::SEED;
use crate::domain::names;
use crate::domain::patient::{Patient, phone_digits};
use crate::store::Db;
use crate::store::patients::get_by_seq;
use anyhow::{Result, bail};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What kind of search a query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mrn,
    Name,
    TwoNames,
    Phone,
    BirthDate,
    SoundsAlike,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Mrn,
        Kind::Name,
        Kind::TwoNames,
        Kind::Phone,
        Kind::BirthDate,
        Kind::SoundsAlike,
    ];

    /// The measure name's suffix: `search_<key>`, `like_<key>`.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Mrn => "mrn",
            Kind::Name => "name",
            Kind::TwoNames => "two_names",
            Kind::Phone => "phone",
            Kind::BirthDate => "birth_date",
            Kind::SoundsAlike => "sounds_alike",
        }
    }

    /// How the table shows it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Mrn => "MRN",
            Kind::Name => "one name prefix",
            Kind::TwoNames => "two name prefixes",
            Kind::Phone => "phone suffix",
            Kind::BirthDate => "birth date",
            Kind::SoundsAlike => "sounds-alike",
        }
    }
}

/// `samples` queries of each kind, in [`Kind::ALL`] order, and the MRNs of
/// the patients the MRN queries came from.
pub struct Queries {
    pub by_kind: Vec<(Kind, Vec<String>)>,
}

impl Queries {
    pub fn of(&self, kind: Kind) -> &[String] {
        self.by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, q)| q.as_slice())
            .unwrap_or(&[])
    }
}

/// Samples patients by random sequence number until every kind has
/// `samples` queries.
pub fn sample(db: &Db, samples: usize) -> Result<Queries> {
    let (lo, hi): (Option<i64>, Option<i64>) =
        db.conn()
            .query_row("SELECT min(seq), max(seq) FROM patients", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        bail!("the bench hospital has no patients");
    };
    let pattern = db.settings()?.date_pattern();
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x5155_4552_4945_5321);
    let mut by_kind: Vec<(Kind, Vec<String>)> =
        Kind::ALL.iter().map(|k| (*k, Vec::new())).collect();
    let mut attempts = 0usize;
    while by_kind.iter().any(|(_, q)| q.len() < samples) {
        attempts += 1;
        if attempts > samples * 200 + 10_000 {
            bail!("could not find {samples} queries of every kind among the bench patients");
        }
        let Some(p) = get_by_seq(db.conn(), rng.gen_range(lo..=hi))? else {
            continue;
        };
        if p.deleted_at.is_some() || p.merged_into.is_some() {
            continue;
        }
        for (kind, list) in &mut by_kind {
            if list.len() < samples
                && let Some(q) = query(*kind, &p, pattern)
            {
                list.push(q);
            }
        }
    }
    Ok(Queries { by_kind })
}

/// The first word of the family name, or of the only name.
fn family_word(p: &Patient) -> Option<String> {
    let d = &p.details;
    names::words(&d.family_name)
        .into_iter()
        .next()
        .or_else(|| names::words(&d.given_name).into_iter().next())
}

fn prefix(word: &str, n: usize) -> String {
    word.chars().take(n).collect()
}

fn query(kind: Kind, p: &Patient, date_pattern: &str) -> Option<String> {
    let d = &p.details;
    match kind {
        Kind::Mrn => Some(p.mrn.clone()),
        Kind::Name => family_word(p).map(|w| prefix(&w, 3)),
        Kind::TwoNames => {
            let family = names::words(&d.family_name).into_iter().next()?;
            let given = names::words(&d.given_name).into_iter().next()?;
            Some(format!("{} {}", prefix(&family, 3), prefix(&given, 2)))
        }
        Kind::Phone => {
            let digits = phone_digits(&d.phone);
            (digits.len() >= 6).then(|| digits[digits.len() - 6..].to_string())
        }
        Kind::BirthDate => Some(d.birth_date.format(date_pattern).to_string()),
        Kind::SoundsAlike => family_word(p).and_then(|w| misspell(&w)),
    }
}

/// A misspelling that keeps the word's sounds-alike key: a consonant
/// doubled or undoubled, or a letter swapped for one that sounds the same.
/// None when no such change keeps the key.
pub fn misspell(word: &str) -> Option<String> {
    let key = names::sounds(word);
    if key.is_empty() || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let chars: Vec<char> = word.chars().collect();
    let mut candidates = Vec::new();
    for i in 1..chars.len() {
        let c = chars[i];
        if chars[i - 1] == c {
            // Undouble.
            let mut v = chars.clone();
            v.remove(i);
            candidates.push(v.into_iter().collect::<String>());
        } else if !"aeiouyhw".contains(c) {
            // Double.
            let mut v = chars.clone();
            v.insert(i, c);
            candidates.push(v.into_iter().collect::<String>());
        }
    }
    for (from, to) in [
        ("ph", "f"),
        ("f", "ph"),
        ("c", "k"),
        ("k", "c"),
        ("y", "i"),
        ("i", "y"),
        ("ou", "u"),
        ("u", "ou"),
        ("ee", "i"),
        ("ie", "i"),
    ] {
        if let Some(i) = word[1..].find(from) {
            let i = i + 1;
            candidates.push(format!("{}{to}{}", &word[..i], &word[i + from.len()..]));
        }
    }
    candidates
        .into_iter()
        .find(|c| c != word && names::sounds(c) == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_sound_alike() {
        for w in ["okafor", "mwangi", "mohammed", "garcia", "otieno"] {
            let m = misspell(w).expect(w);
            assert_ne!(m, w);
            assert_eq!(names::sounds(&m), names::sounds(w), "{w} → {m}");
        }
    }
}
