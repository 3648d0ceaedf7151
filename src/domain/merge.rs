//! The rules of merging two patient records: what the survivor holds after
//! the merge (its own values, never overwritten; only its empty fields
//! filled), the side-by-side preview an administrator reads before merging,
//! and the differences that make the merge ask for the word `MERGE` and a
//! reason (another sex, birth dates far apart, names that do not sound
//! alike).

use crate::domain::names;
use crate::domain::patient::{PatientDetails, Sex};
use chrono::{Months, NaiveDate};

/// The word an administrator types to merge two records that differ.
pub const CONFIRM_WORD: &str = "MERGE";

/// How far apart two birth dates may be, in years, before a merge warns:
/// one year, five when either is estimated (the duplicate rule's window).
fn tolerance_years(a: &PatientDetails, b: &PatientDetails) -> u32 {
    if a.birth_date_estimated || b.birth_date_estimated {
        5
    } else {
        1
    }
}

/// Whether `a` and `b` are more than `years` apart.
fn apart(a: NaiveDate, b: NaiveDate, years: u32) -> bool {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    lo.checked_add_months(Months::new(12 * years))
        .is_none_or(|limit| hi > limit)
}

/// The survivor's details after the merge: its own values kept, its empty
/// fields filled from the other's. Its birth date is kept too, except that
/// an estimated one gives way to the other's known date when that date lies
/// within the estimate's five years: a known date far from the estimate is
/// more likely another person's than a better guess.
pub fn filled(survivor: &PatientDetails, other: &PatientDetails) -> PatientDetails {
    let mut d = survivor.clone();
    let fill = |mine: &mut String, theirs: &String| {
        if mine.trim().is_empty() {
            mine.clone_from(theirs);
        }
    };
    fill(&mut d.given_name, &other.given_name);
    fill(&mut d.middle_name, &other.middle_name);
    fill(&mut d.family_name, &other.family_name);
    fill(&mut d.phone, &other.phone);
    fill(&mut d.email, &other.email);
    fill(&mut d.address_line1, &other.address_line1);
    fill(&mut d.address_line2, &other.address_line2);
    fill(&mut d.city, &other.city);
    fill(&mut d.region, &other.region);
    fill(&mut d.postal_code, &other.postal_code);
    fill(&mut d.country, &other.country);
    fill(&mut d.national_id, &other.national_id);
    fill(&mut d.emergency_name, &other.emergency_name);
    fill(&mut d.emergency_relation, &other.emergency_relation);
    fill(&mut d.emergency_phone, &other.emergency_phone);
    fill(&mut d.insurance_provider, &other.insurance_provider);
    fill(&mut d.insurance_policy, &other.insurance_policy);
    fill(&mut d.notes, &other.notes);
    if d.insurance_valid_until.is_none() {
        d.insurance_valid_until = other.insurance_valid_until;
    }
    if d.birth_date_estimated
        && !other.birth_date_estimated
        && !apart(d.birth_date, other.birth_date, 5)
    {
        d.birth_date = other.birth_date;
        d.birth_date_estimated = false;
    }
    if d.sex == Sex::U {
        d.sex = other.sex;
    }
    d
}

/// Why two records may not be the same person, asked about before merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Both have a known sex, and not the same one.
    SexDiffers(Sex, Sex),
    /// Birth dates more than a year apart (five when either is estimated).
    BirthDatesApart { years: i32, estimated: bool },
    /// No word of the shorter name sounds like a word of the other.
    NamesDiffer,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::SexDiffers(a, b) => write!(f, "the sex differs ({a} and {b})"),
            Warning::BirthDatesApart { years, estimated } => write!(
                f,
                "the birth dates are {years} year{} apart{}",
                if *years == 1 { "" } else { "s" },
                if *estimated {
                    " (more than five, one being estimated)"
                } else {
                    ""
                }
            ),
            Warning::NamesDiffer => write!(f, "the names do not sound alike"),
        }
    }
}

/// Whether two names sound alike: every word of the shorter name is a word
/// of the other, or sounds like one.
pub fn names_sound_alike(a: &str, b: &str) -> bool {
    let (wa, wb) = (names::words(a), names::words(b));
    let (short, long) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    if short.is_empty() {
        return true;
    }
    let long_keys: Vec<String> = long.iter().flat_map(|w| names::sounds(w)).collect();
    short
        .iter()
        .all(|w| long.contains(w) || names::sounds(w).iter().any(|k| long_keys.contains(k)))
}

/// The differences between two records that make a merge ask for
/// [`CONFIRM_WORD`] and a reason; empty when they look like one person.
pub fn warnings(survivor: &PatientDetails, other: &PatientDetails) -> Vec<Warning> {
    let mut out = Vec::new();
    if survivor.sex != Sex::U && other.sex != Sex::U && survivor.sex != other.sex {
        out.push(Warning::SexDiffers(survivor.sex, other.sex));
    }
    let years = tolerance_years(survivor, other);
    if apart(survivor.birth_date, other.birth_date, years) {
        let days = (survivor.birth_date - other.birth_date).num_days().abs();
        out.push(Warning::BirthDatesApart {
            years: (days / 365) as i32,
            estimated: years == 5,
        });
    }
    if !names_sound_alike(&survivor.full_name(), &other.full_name()) {
        out.push(Warning::NamesDiffer);
    }
    out
}

/// One line of the side-by-side preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: &'static str,
    pub survivor: String,
    pub other: String,
    /// What the survivor holds after the merge.
    pub after: String,
    /// The two records hold different values.
    pub differs: bool,
    /// The survivor's value changes (an empty field filled, an estimated
    /// birth date replaced by a known one).
    pub changes: bool,
}

fn birth(d: &PatientDetails, pattern: &str) -> String {
    let date = d.birth_date.format(pattern).to_string();
    if d.birth_date_estimated {
        format!("{date} (est.)")
    } else {
        date
    }
}

fn sex(s: Sex) -> String {
    match s {
        Sex::U => String::new(),
        s => s.to_string(),
    }
}

fn joined(parts: &[&str], sep: &str) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

/// The values of one record as the preview shows them, field by field.
fn values(d: &PatientDetails, pattern: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Given name", d.given_name.clone()),
        ("Middle name", d.middle_name.clone()),
        ("Family name", d.family_name.clone()),
        ("Sex", sex(d.sex)),
        ("Born", birth(d, pattern)),
        ("Phone", d.phone.clone()),
        ("E-mail", d.email.clone()),
        (
            "Address",
            joined(&[&d.address_line1, &d.address_line2], ", "),
        ),
        (
            "City",
            joined(&[&d.city, &d.region, &d.postal_code, &d.country], ", "),
        ),
        ("National ID", d.national_id.clone()),
        (
            "Emergency",
            joined(
                &[&d.emergency_name, &d.emergency_relation, &d.emergency_phone],
                " · ",
            ),
        ),
        (
            "Insurance",
            joined(
                &[
                    &d.insurance_provider,
                    &d.insurance_policy,
                    &d.insurance_valid_until
                        .map(|v| format!("until {}", v.format(pattern)))
                        .unwrap_or_default(),
                ],
                " · ",
            ),
        ),
        ("Notes", d.notes.clone()),
    ]
}

/// The preview of merging `other` into `survivor`, field by field.
pub fn preview(survivor: &PatientDetails, other: &PatientDetails, pattern: &str) -> Vec<Line> {
    let after = filled(survivor, other);
    values(survivor, pattern)
        .into_iter()
        .zip(values(other, pattern))
        .zip(values(&after, pattern))
        .map(|(((label, s), (_, o)), (_, a))| Line {
            label,
            differs: s != o,
            changes: s != a,
            survivor: s,
            other: o,
            after: a,
        })
        .collect()
}

/// One record's values in a line, for the merge's audit event: the full
/// values are kept in the merge record.
pub fn summary(d: &PatientDetails, pattern: &str) -> String {
    values(d, pattern)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(label, v)| format!("{label} {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(given: &str, family: &str, born: &str, estimated: bool, sex: Sex) -> PatientDetails {
        PatientDetails {
            given_name: given.into(),
            middle_name: String::new(),
            family_name: family.into(),
            birth_date: NaiveDate::parse_from_str(born, "%Y-%m-%d").unwrap(),
            birth_date_estimated: estimated,
            sex,
            phone: String::new(),
            email: String::new(),
            address_line1: String::new(),
            address_line2: String::new(),
            city: String::new(),
            region: String::new(),
            postal_code: String::new(),
            country: String::new(),
            national_id: String::new(),
            emergency_name: String::new(),
            emergency_relation: String::new(),
            emergency_phone: String::new(),
            insurance_provider: String::new(),
            insurance_policy: String::new(),
            insurance_valid_until: None,
            notes: String::new(),
        }
    }

    #[test]
    fn an_estimate_gives_way_only_to_a_known_date_within_five_years() {
        let s = person("Testa", "Uno", "1966-12-03", true, Sex::F);
        let far = person("Testb", "Due", "2000-01-01", false, Sex::M);
        assert_eq!(filled(&s, &far).birth_date, s.birth_date);
        assert!(filled(&s, &far).birth_date_estimated);
        let near = person("Testa", "Uno", "1968-05-04", false, Sex::F);
        assert_eq!(filled(&s, &near).birth_date, near.birth_date);
        assert!(!filled(&s, &near).birth_date_estimated);
        let known = person("Testa", "Uno", "1967-01-01", false, Sex::F);
        let estimate = person("Testa", "Uno", "1966-01-01", true, Sex::F);
        assert_eq!(filled(&known, &estimate).birth_date, known.birth_date);
    }

    #[test]
    fn sex_age_and_name_differences_are_warned_about() {
        let s = person("Testa", "Uno", "1966-12-03", true, Sex::F);
        let o = person("Testb", "Due", "2000-01-01", false, Sex::M);
        let w = warnings(&s, &o);
        assert!(w.contains(&Warning::SexDiffers(Sex::F, Sex::M)));
        assert!(
            w.iter()
                .any(|w| matches!(w, Warning::BirthDatesApart { .. }))
        );
        assert!(w.contains(&Warning::NamesDiffer));
        let a = person("Ann", "Okafor", "1980-01-01", false, Sex::F);
        let b = person("Anne", "Okafor", "1980-06-01", false, Sex::U);
        assert!(warnings(&a, &b).is_empty());
        let c = person("Anne", "Okafor", "1981-06-01", false, Sex::F);
        assert_eq!(warnings(&a, &c).len(), 1);
    }

    #[test]
    fn names_sound_alike_across_spellings_and_a_missing_word() {
        assert!(names_sound_alike("Mohammed Ali", "Muhammad Ali"));
        assert!(names_sound_alike("Madonna", "Madonna Ciccone"));
        assert!(!names_sound_alike("Bilal Patel", "Madonna Ciccone"));
    }

    #[test]
    fn the_preview_marks_differences_and_what_the_survivor_gains() {
        let mut s = person("Ann", "Okafor", "1980-01-01", false, Sex::F);
        s.phone = "0700 000 111".into();
        let mut o = person("Anne", "Okafor", "1980-01-01", false, Sex::F);
        o.phone = "0700 999 999".into();
        o.national_id = "12345678".into();
        let lines = preview(&s, &o, "%Y-%m-%d");
        let phone = lines.iter().find(|l| l.label == "Phone").unwrap();
        assert!(phone.differs && !phone.changes);
        assert_eq!(phone.after, "0700 000 111");
        let nid = lines.iter().find(|l| l.label == "National ID").unwrap();
        assert!(nid.differs && nid.changes);
        assert_eq!(nid.after, "12345678");
    }
}
