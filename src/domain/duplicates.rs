//! Ranking possible duplicates at registration: how many of the fields
//! typed agree with a registered patient's (name, birth date, phone, sex),
//! a recorded sex that differs counting against it. A man is rarely the
//! woman being registered, however alike their names sound.

use crate::domain::names;
use crate::domain::patient::Sex;
use chrono::NaiveDate;

/// What is known of one person: what is typed, or a registered patient.
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    pub name: &'a str,
    pub birth_date: Option<NaiveDate>,
    pub phone: &'a str,
    pub sex: Option<Sex>,
}

/// Which fields agree between the person typed and a registered patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    /// The fields that agree, in the panel's words.
    pub agree: Vec<&'static str>,
    /// Both are recorded male or female, and not the same.
    pub sex_differs: bool,
}

impl Agreement {
    /// Higher first: one point a field agreeing, two off for another sex.
    pub fn rank(&self) -> i32 {
        self.agree.len() as i32 - if self.sex_differs { 2 } else { 0 }
    }
}

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// Compares what is typed with a registered patient.
pub fn compare(typed: &Person, registered: &Person) -> Agreement {
    let mut agree = Vec::new();
    let typed_words = names::words(typed.name);
    let their_words = names::words(registered.name);
    if !typed_words.is_empty() && typed_words.iter().all(|w| their_words.contains(w)) {
        agree.push("name");
    }
    if typed.birth_date.is_some() && typed.birth_date == registered.birth_date {
        agree.push("birth date");
    }
    let (a, b) = (digits(typed.phone), digits(registered.phone));
    let tail = |s: &str| s.chars().rev().take(9).collect::<String>();
    if a.len() >= 7 && b.len() >= 7 && tail(&a) == tail(&b) {
        agree.push("phone");
    }
    let known = |s: Option<Sex>| s.filter(|s| matches!(s, Sex::M | Sex::F));
    let (s1, s2) = (known(typed.sex), known(registered.sex));
    if s1.is_some() && s1 == s2 {
        agree.push("sex");
    }
    Agreement {
        agree,
        sex_differs: s1.is_some() && s2.is_some() && s1 != s2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person<'a>(name: &'a str, born: &str, phone: &'a str, sex: Sex) -> Person<'a> {
        Person {
            name,
            birth_date: NaiveDate::parse_from_str(born, "%Y-%m-%d").ok(),
            phone,
            sex: Some(sex),
        }
    }

    #[test]
    fn fields_that_agree_are_counted_and_another_sex_lowers_the_rank() {
        let typed = person("Grace Mwangi", "2024-06-05", "0712 345 678", Sex::F);
        let same = person("Grace Mwangi", "2024-06-05", "+254 712 345 678", Sex::F);
        let a = compare(&typed, &same);
        assert_eq!(a.agree, ["name", "birth date", "phone", "sex"]);
        assert_eq!(a.rank(), 4);
        let man = person("Grayson Mwangi", "2024-06-05", "", Sex::M);
        let b = compare(&typed, &man);
        assert_eq!(b.agree, ["birth date"]);
        assert!(b.sex_differs);
        assert_eq!(b.rank(), -1);
        // Unknown or other sex neither agrees nor differs.
        let unknown = person("Grace Mwangi", "2023-01-01", "", Sex::U);
        let c = compare(&typed, &unknown);
        assert_eq!(c.agree, ["name"]);
        assert!(!c.sex_differs);
    }
}
