//! The generator's own checks: determinism, validity of every patient and
//! near-duplicate, the shares, phones and names a real desk sees, and
//! misspellings that sound alike.

use super::*;
use crate::domain::patient::{PatientInput, validate};
use std::collections::{HashMap, HashSet};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()
}

fn sample(seed: u64, n: usize) -> Vec<PatientDetails> {
    let mut g = Generator::new(seed, today());
    (0..n).map(|_| g.next_patient()).collect()
}

fn share(patients: &[PatientDetails], f: impl Fn(&PatientDetails) -> bool) -> f64 {
    patients.iter().filter(|p| f(p)).count() as f64 / patients.len() as f64
}

fn name_words(d: &PatientDetails) -> Vec<String> {
    [&d.given_name, &d.middle_name, &d.family_name]
        .iter()
        .flat_map(|p| names::words(p))
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_patients() {
    assert_eq!(sample(7, 500), sample(7, 500));
    assert_ne!(sample(7, 50), sample(8, 50));
    let mut a = Generator::new(11, today());
    let mut b = Generator::new(11, today());
    for _ in 0..200 {
        let p = a.next_patient();
        assert_eq!(p, b.next_patient());
        assert_eq!(a.near_duplicate(&p), b.near_duplicate(&p));
    }
}

#[test]
fn every_patient_and_every_near_duplicate_validates() {
    let mut g = Generator::new(42, today());
    for _ in 0..10_000 {
        let d = g.next_patient();
        let dup = g.near_duplicate(&d);
        for p in [&d, &dup] {
            let input = PatientInput::from_details(p, "%Y-%m-%d", today());
            if let Err(e) = validate(&input, today(), "%Y-%m-%d") {
                panic!("{p:?} is invalid: {e:?}");
            }
            assert!(p.birth_date <= today());
        }
    }
}

#[test]
fn validation_keeps_what_was_generated() {
    // Notes and names are stored trimmed, e-mails lowercased: nothing to change.
    for d in sample(3, 2_000)
        .into_iter()
        .filter(|d| !d.birth_date_estimated)
    {
        let again = validate(
            &PatientInput::from_details(&d, "%Y-%m-%d", today()),
            today(),
            "%Y-%m-%d",
        )
        .unwrap();
        assert_eq!(again, d);
    }
}

#[test]
fn shares_are_those_of_a_real_registration_desk() {
    let p = sample(2026, 10_000);
    let single = share(&p, |d| d.given_name.is_empty() || d.family_name.is_empty());
    assert!((0.012..0.03).contains(&single), "single names {single}");
    let middle = share(&p, |d| !d.middle_name.is_empty());
    assert!((0.2..0.3).contains(&middle), "middle names {middle}");
    let estimated = share(&p, |d| d.birth_date_estimated);
    assert!(
        (0.025..0.06).contains(&estimated),
        "estimated ages {estimated}"
    );
    let phones = share(&p, |d| !d.phone.is_empty());
    assert!((0.82..0.88).contains(&phones), "phones {phones}");
    let email = share(&p, |d| !d.email.is_empty());
    assert!((0.15..0.25).contains(&email), "e-mails {email}");
    let line1 = share(&p, |d| !d.address_line1.is_empty());
    assert!((0.66..0.74).contains(&line1), "address line 1 {line1}");
    let city = share(&p, |d| !d.city.is_empty());
    assert!((0.87..0.93).contains(&city), "city {city}");
    let postal = share(&p, |d| !d.postal_code.is_empty());
    assert!((0.1..0.5).contains(&postal), "postal codes {postal}");
    let emergency = share(&p, |d| !d.emergency_name.is_empty());
    assert!((0.46..0.54).contains(&emergency), "emergency {emergency}");
    let insured = share(&p, |d| !d.insurance_provider.is_empty());
    assert!((0.27..0.33).contains(&insured), "insurance {insured}");
    assert!(
        p.iter()
            .all(|d| d.insurance_provider.is_empty() == d.insurance_valid_until.is_none())
    );
    let lapsed = share(&p, |d| d.insurance_valid_until.is_some_and(|v| v < today()));
    assert!(lapsed > 0.02, "some cover has lapsed: {lapsed}");
    let national = share(&p, |d| !d.national_id.is_empty());
    assert!((0.34..0.46).contains(&national), "national ids {national}");
    let notes = share(&p, |d| !d.notes.is_empty());
    assert!((0.02..0.07).contains(&notes), "notes {notes}");

    let male = share(&p, |d| d.sex == Sex::M);
    let female = share(&p, |d| d.sex == Sex::F);
    let other = share(&p, |d| matches!(d.sex, Sex::O | Sex::U));
    assert!((0.46..0.52).contains(&male), "male {male}");
    assert!((0.46..0.52).contains(&female), "female {female}");
    assert!((0.005..0.04).contains(&other), "other and unknown {other}");

    let ages: Vec<i32> = p.iter().map(|d| age_years(d.birth_date, today())).collect();
    let children = ages.iter().filter(|a| **a < 15).count() as f64 / ages.len() as f64;
    let elderly = ages.iter().filter(|a| **a >= 65).count() as f64 / ages.len() as f64;
    assert!((0.28..0.45).contains(&children), "children {children}");
    assert!((0.02..0.08).contains(&elderly), "elderly {elderly}");
    assert!(ages.iter().all(|a| (0..=101).contains(a)));
    assert!(ages.contains(&0) && ages.iter().any(|a| *a >= 90));
}

#[test]
fn phones_are_mostly_unique_with_a_few_shared_by_families() {
    let p = sample(99, 10_000);
    let phones: Vec<String> = p
        .iter()
        .filter(|d| !d.phone.is_empty())
        .map(|d| crate::domain::patient::phone_digits(&d.phone))
        .collect();
    let distinct: HashSet<&String> = phones.iter().collect();
    let shared = 1.0 - distinct.len() as f64 / phones.len() as f64;
    assert!((0.004..0.02).contains(&shared), "shared phones {shared}");
    let formats: HashSet<String> = p
        .iter()
        .map(|d| {
            d.phone
                .chars()
                .map(|c| if c.is_ascii_digit() { 'n' } else { c })
                .collect()
        })
        .collect();
    assert!(formats.len() > 20, "{formats:?}");
    assert!(p.iter().any(|d| d.phone.starts_with("+254 7")));
    assert!(p.iter().any(|d| d.phone.starts_with('(')));
}

#[test]
fn names_are_varied_skewed_and_spelt_as_people_spell_them() {
    let p = sample(5, 10_000);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for d in &p {
        *counts.entry(d.family_name.as_str()).or_default() += 1;
    }
    assert!(counts.len() > 300, "distinct family names {}", counts.len());
    let mut by_count: Vec<usize> = counts.values().copied().collect();
    by_count.sort_unstable_by(|a, b| b.cmp(a));
    assert!(
        by_count[0] > 10 * by_count[by_count.len() / 2],
        "a few very common names and a long tail: {:?}",
        &by_count[..10]
    );
    let all = |f: &dyn Fn(&str) -> bool| {
        p.iter()
            .filter(|d| f(&d.given_name) || f(&d.middle_name) || f(&d.family_name))
            .count()
    };
    assert!(all(&|s| !s.is_ascii()) > 50, "accents");
    assert!(all(&|s| s.contains('\'')) > 10, "apostrophes");
    assert!(all(&|s| s.contains('-')) > 30, "hyphens");
    assert!(all(&|s| s.contains(' ')) > 30, "two-word family names");
    for d in &p {
        assert!(
            d.email.is_empty() || d.email == d.email.to_lowercase(),
            "{}",
            d.email
        );
    }
}

#[test]
fn estimated_ages_are_stored_as_the_form_stores_them() {
    for d in sample(8, 10_000).iter().filter(|d| d.birth_date_estimated) {
        let months = (today().year() - d.birth_date.year()) * 12 + today().month() as i32
            - d.birth_date.month() as i32;
        assert_eq!(
            crate::domain::patient::estimated_birth_date(&format!("{months}m"), today()),
            Some(d.birth_date)
        );
    }
}

#[test]
fn near_duplicates_sound_alike_and_are_born_close() {
    let mut g = Generator::new(17, today());
    let mut changed = 0;
    for _ in 0..5_000 {
        let d = g.next_patient();
        let dup = g.near_duplicate(&d);
        let old = name_words(&d);
        let new = name_words(&dup);
        assert!(!new.is_empty());
        // Every word sounds like a word of the original, as the
        // duplicate check needs.
        for w in &new {
            assert!(
                old.iter().any(|o| sounds_alike(o, w)),
                "{w} in {dup:?} sounds like nothing in {d:?}"
            );
        }
        if dup.full_name() != d.full_name() {
            changed += 1;
        }
        let days = (dup.birth_date - d.birth_date).num_days().abs();
        assert!(days <= 366, "{d:?} → {dup:?}");
    }
    assert!(changed > 4_000, "names changed {changed}");
}

#[test]
fn known_misspellings_are_made() {
    let mut g = Generator::new(1, today());
    let mut seen = HashSet::new();
    for _ in 0..400 {
        seen.insert(g.misspell("Mohammed"));
        seen.insert(g.misspell("Okonkwo"));
        seen.insert(g.misspell("Catherine"));
        seen.insert(g.misspell("John"));
    }
    for expected in ["Muhamad", "Okonkow", "Kathryn", "Jon"] {
        assert!(seen.contains(expected), "{expected} in {seen:?}");
    }
    assert_eq!(g.misspell("de la Cruz").matches(' ').count(), 2);
}

#[test]
fn listed_variants_sound_alike() {
    for group in VARIANTS {
        for a in *group {
            for b in *group {
                assert!(
                    sounds_alike(&names::fold(a), &names::fold(b)),
                    "{a} and {b}"
                );
            }
        }
    }
}

#[test]
fn phone_styles_fit_their_countries() {
    for c in &COUNTRIES {
        for (style, _) in c.phone_styles {
            assert_eq!(style.matches('n').count(), c.nsn_len, "{} {style}", c.name);
        }
        for m in c.mobile {
            assert!(m.len() < c.nsn_len);
        }
        assert!(!c.cities.is_empty() && !c.streets.is_empty() && !c.insurers.is_empty());
    }
    assert_eq!(rewrite_phone("+254 712 345 678"), "+254712345678");
    assert_eq!(rewrite_phone("0712345678"), "071 234 5678");
}
