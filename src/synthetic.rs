//! Synthetic patients: a deterministic generator of realistic registrations
//! for the demo hospital, tests and benchmarks.
//!
//! The same seed and the same `today` always give the same patients. The
//! mix is that of a clinic in a low- or middle-income city (the demo is in
//! Kenya): many children and young adults, names from several cultures with
//! a few very common family names and a long tail, phones written every way
//! people write them, and the gaps of real registrations (no phone, no
//! address, an estimated age, a single name).
//!
//! Every weighted list is sampled with a cumulative table built once per
//! process and a binary search, so a patient costs little more than the
//! allocation of its strings.

use crate::domain::names;
use crate::domain::patient::{PatientDetails, Sex, age_years};
use chrono::{Datelike, Days, Months, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A weighted list of names or words.
type Weighted = &'static [(&'static str, u32)];

// Shares of the whole population (probabilities of one patient).
const SINGLE_NAME: f64 = 0.02;
const MIDDLE_NAME: f64 = 0.25;
const HAS_PHONE: f64 = 0.85;
/// Of patients with a phone: the number is a family member's, already used.
const SHARED_PHONE: f64 = 0.01;
const HAS_LINE1: f64 = 0.70;
const HAS_CITY: f64 = 0.90;
const HAS_EMERGENCY: f64 = 0.50;
const HAS_INSURANCE: f64 = 0.30;
const HAS_NOTES: f64 = 0.04;
/// Of women whose culture has names only women carry: one of those in the
/// family name's place ("Mary Wanjiru").
const WOMAN_S_OWN_NAME: f64 = 0.3;
/// How many recent phone numbers a family member may share.
const RECENT: usize = 64;

/// Cumulative weights, sampled by binary search.
struct Weights(Vec<u32>);

impl Weights {
    fn new(weights: impl IntoIterator<Item = u32>) -> Self {
        let mut total = 0u32;
        let cumulative: Vec<u32> = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        assert!(total > 0, "a weighted list needs a positive weight");
        Weights(cumulative)
    }

    fn of(items: Weighted) -> Self {
        Self::new(items.iter().map(|(_, w)| *w))
    }

    fn pick(&self, rng: &mut StdRng) -> usize {
        let total = *self.0.last().expect("never empty");
        let x = rng.gen_range(0..total);
        self.0.partition_point(|&c| c <= x)
    }
}

/// Picks from a short weighted list by scanning it.
fn pick_small<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total);
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// The tables built once per process from the lists below.
struct Tables {
    cultures: Weights,
    family: Vec<Weights>,
    male: Vec<Weights>,
    female: Vec<Weights>,
    female_family: Vec<Option<Weights>>,
    cities: Vec<Weights>,
    insurers: Vec<Weights>,
    ages: Weights,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        cultures: Weights::new(CULTURES.iter().map(|c| c.weight)),
        family: CULTURES.iter().map(|c| Weights::of(c.family)).collect(),
        male: CULTURES.iter().map(|c| Weights::of(c.male)).collect(),
        female: CULTURES.iter().map(|c| Weights::of(c.female)).collect(),
        female_family: CULTURES
            .iter()
            .map(|c| (!c.female_family.is_empty()).then(|| Weights::of(c.female_family)))
            .collect(),
        cities: COUNTRIES
            .iter()
            .map(|c| Weights::new(c.cities.iter().map(|city| city.weight)))
            .collect(),
        insurers: COUNTRIES
            .iter()
            .map(|c| Weights::new(c.insurers.iter().map(|i| i.2)))
            .collect(),
        ages: Weights::new((0..=100u32).map(|age| {
            let band = AGE_BANDS[(age / 5) as usize];
            // Babies come far more often than toddlers.
            if age == 0 { band * 2 } else { band }
        })),
    })
}

/// A deterministic source of synthetic patients.
pub struct Generator {
    rng: StdRng,
    today: NaiveDate,
    t: &'static Tables,
    /// Recent phone numbers with their family names, for families sharing one.
    recent: Vec<(String, String)>,
    next_recent: usize,
    /// Random decimal digits not yet used, and how many.
    digits: u64,
    digits_left: u32,
}

impl Generator {
    /// A generator whose patients are born no later than `today`.
    pub fn new(seed: u64, today: NaiveDate) -> Self {
        Generator {
            rng: StdRng::seed_from_u64(seed),
            today,
            t: tables(),
            recent: Vec::with_capacity(RECENT),
            next_recent: 0,
            digits: 0,
            digits_left: 0,
        }
    }

    /// The next patient: valid by [`crate::domain::patient::validate`].
    pub fn next_patient(&mut self) -> PatientDetails {
        let ci = self.t.cultures.pick(&mut self.rng);
        let sex = match self.rng.gen_range(0..1000) {
            0..490 => Sex::M,
            490..980 => Sex::F,
            980..986 => Sex::O,
            _ => Sex::U,
        };
        let female = match sex {
            Sex::F => true,
            Sex::M => false,
            _ => self.chance(0.5),
        };
        let age = self.t.ages.pick(&mut self.rng) as u32;

        let mut given = self.given(ci, female).to_string();
        let mut family = self.family(ci, female);
        let mut middle = String::new();
        if self.chance(SINGLE_NAME) {
            if self.chance(0.6) {
                family.clear();
            } else {
                given.clear();
            }
        } else if self.chance(MIDDLE_NAME) {
            middle = self.middle(ci, female, &given).to_string();
        }
        let (birth_date, birth_date_estimated) = self.birth(age);

        let country_i = pick_small(&mut self.rng, CULTURES[ci].residence);
        let country = &COUNTRIES[country_i];

        let mut phone = String::new();
        if self.chance(HAS_PHONE) {
            if !self.recent.is_empty() && self.chance(SHARED_PHONE) {
                let i = self.rng.gen_range(0..self.recent.len());
                // Usually a parent, child or spouse, with the family's name.
                let same_family = self.chance(0.7);
                let (p, f) = &self.recent[i];
                phone.push_str(p);
                if same_family && !family.is_empty() && !f.is_empty() {
                    family.clear();
                    family.push_str(f);
                }
            } else {
                phone = self.phone(country_i);
            }
            self.remember(&phone, &family);
        }

        let email_share = if age < 16 { 0.03 } else { 0.30 };
        let email = if self.chance(email_share) {
            self.email(&given, &family, birth_date)
        } else {
            String::new()
        };

        let (mut address_line1, mut address_line2) = (String::new(), String::new());
        if self.chance(HAS_LINE1) {
            address_line1 = self.line1(country);
            if self.chance(0.2) {
                address_line2 = self.line2(country);
            }
        }
        let (mut city, mut region, mut postal_code) = (String::new(), String::new(), String::new());
        if self.chance(HAS_CITY) {
            let c = &country.cities[self.t.cities[country_i].pick(&mut self.rng)];
            city.push_str(c.name);
            if self.chance(0.8) {
                region.push_str(c.region);
            }
            if !c.postal.is_empty() && self.chance(country.postal_share) {
                self.fill(c.postal, birth_date, &mut postal_code);
            }
        }
        let country_share = if country_i == CLINIC_COUNTRY {
            0.6
        } else {
            0.95
        };
        let country_name = if self.chance(country_share) {
            country.name.to_string()
        } else {
            String::new()
        };

        let id_share = if age >= 18 { 0.62 } else { 0.03 };
        let mut national_id = String::new();
        if self.chance(id_share) {
            self.fill(country.national_id, birth_date, &mut national_id);
        }

        let (mut emergency_name, mut emergency_relation, mut emergency_phone) =
            (String::new(), String::new(), String::new());
        if self.chance(HAS_EMERGENCY) {
            let (relation, relation_female) = self.relation(age, sex);
            emergency_relation.push_str(relation);
            let contact_given = self.given(ci, relation_female);
            let contact_family = if family.is_empty() || self.chance(0.3) {
                self.family(ci, relation_female)
            } else {
                family.clone()
            };
            emergency_name.reserve(contact_given.len() + contact_family.len() + 1);
            emergency_name.push_str(contact_given);
            emergency_name.push(' ');
            emergency_name.push_str(&contact_family);
            if self.chance(0.95) {
                emergency_phone = self.phone(country_i);
            }
        }

        let (mut insurance_provider, mut insurance_policy, mut insurance_valid_until) =
            (String::new(), String::new(), None);
        if self.chance(HAS_INSURANCE) {
            let (provider, template, _) =
                country.insurers[self.t.insurers[country_i].pick(&mut self.rng)];
            insurance_provider.push_str(provider);
            self.fill(template, birth_date, &mut insurance_policy);
            // Some cover has lapsed: the desk sees it.
            let days = self.rng.gen_range(-240i64..=900);
            insurance_valid_until = if days < 0 {
                self.today.checked_sub_days(Days::new(days.unsigned_abs()))
            } else {
                self.today.checked_add_days(Days::new(days as u64))
            };
        }

        let notes = if self.chance(HAS_NOTES) {
            NOTES[self.rng.gen_range(0..NOTES.len())].to_string()
        } else {
            String::new()
        };

        PatientDetails {
            given_name: given,
            middle_name: middle,
            family_name: family,
            birth_date,
            birth_date_estimated,
            sex,
            phone,
            email,
            address_line1,
            address_line2,
            city,
            region,
            postal_code,
            country: country_name,
            national_id,
            emergency_name,
            emergency_relation,
            emergency_phone,
            insurance_provider,
            insurance_policy,
            insurance_valid_until,
            notes,
        }
    }

    /// The same person registered again by someone who did not find them:
    /// a misspelt name that sounds alike (Mohammed → Muhamad, Okonkwo →
    /// Okonkow), perhaps the names swapped or the middle name left out, the
    /// same birth date or one a year off or with day and month swapped, and
    /// the same phone (perhaps written differently), another one, or none.
    /// Every word of the new name sounds like a word of the old one, so the
    /// duplicate check can find the pair.
    pub fn near_duplicate(&mut self, of: &PatientDetails) -> PatientDetails {
        let mut given = of.given_name.clone();
        let mut middle = of.middle_name.clone();
        let mut family = of.family_name.clone();
        match self.rng.gen_range(0..100) {
            0..35 => given = self.misspell(&given),
            35..70 => family = self.misspell(&family),
            70..85 => {
                given = self.misspell(&given);
                family = self.misspell(&family);
            }
            _ => {}
        }
        if given.is_empty() && family.is_empty() {
            middle = self.misspell(&middle);
        }
        if !middle.is_empty() && (!given.is_empty() || !family.is_empty()) && self.chance(0.4) {
            middle.clear();
        }
        if !given.is_empty() && !family.is_empty() && self.chance(0.1) {
            std::mem::swap(&mut given, &mut family);
        }

        let (birth_date, birth_date_estimated) = self.similar_birth(of);
        let sex = if self.chance(0.92) { of.sex } else { Sex::U };

        let country_i = COUNTRIES
            .iter()
            .position(|c| c.name == of.country)
            .unwrap_or(CLINIC_COUNTRY);
        let phone = if of.phone.is_empty() {
            if self.chance(0.3) {
                self.phone(country_i)
            } else {
                String::new()
            }
        } else {
            match self.rng.gen_range(0..100) {
                0..45 => of.phone.clone(),
                45..60 => rewrite_phone(&of.phone),
                60..80 => self.phone(country_i),
                _ => String::new(),
            }
        };
        let mut keep = |text: &str, share: f64| {
            if self.chance(share) {
                text.to_string()
            } else {
                String::new()
            }
        };
        PatientDetails {
            given_name: given,
            middle_name: middle,
            family_name: family,
            birth_date,
            birth_date_estimated,
            sex,
            phone,
            email: keep(&of.email, 0.3),
            address_line1: keep(&of.address_line1, 0.4),
            address_line2: String::new(),
            city: keep(&of.city, 0.6),
            region: keep(&of.region, 0.4),
            postal_code: String::new(),
            country: keep(&of.country, 0.7),
            national_id: keep(&of.national_id, 0.2),
            emergency_name: String::new(),
            emergency_relation: String::new(),
            emergency_phone: String::new(),
            insurance_provider: String::new(),
            insurance_policy: String::new(),
            insurance_valid_until: None,
            notes: String::new(),
        }
    }

    fn given(&mut self, ci: usize, female: bool) -> &'static str {
        let c = &CULTURES[ci];
        if female {
            c.female[self.t.female[ci].pick(&mut self.rng)].0
        } else {
            c.male[self.t.male[ci].pick(&mut self.rng)].0
        }
    }

    /// A family name: sometimes two, joined by a space or a hyphen; for
    /// some women a name only women carry.
    fn family(&mut self, ci: usize, female: bool) -> String {
        let c = &CULTURES[ci];
        if female
            && let Some(w) = &self.t.female_family[ci]
            && self.chance(WOMAN_S_OWN_NAME)
        {
            return c.female_family[w.pick(&mut self.rng)].0.to_string();
        }
        let first = c.family[self.t.family[ci].pick(&mut self.rng)].0;
        if self.chance(c.compound_share) {
            let second = c.family[self.t.family[ci].pick(&mut self.rng)].0;
            if second != first {
                let sep = if self.chance(c.hyphen_share) {
                    '-'
                } else {
                    ' '
                };
                let mut s = String::with_capacity(first.len() + second.len() + 1);
                s.push_str(first);
                s.push(sep);
                s.push_str(second);
                return s;
            }
        }
        first.to_string()
    }

    /// A middle name other than the given name; a father's name where the
    /// culture names children that way.
    fn middle(&mut self, ci: usize, female: bool, given: &str) -> &'static str {
        let from_female = female && !CULTURES[ci].patronymic;
        let mut name = self.given(ci, from_female);
        for _ in 0..4 {
            if name != given {
                break;
            }
            name = self.given(ci, from_female);
        }
        name
    }

    /// A birth date for someone `age` years old, or their estimated age
    /// stored the way the registration form stores "about N".
    fn birth(&mut self, age: u32) -> (NaiveDate, bool) {
        let estimated_share = match age {
            0..5 => 0.01,
            5..18 => 0.015,
            18..50 => 0.035,
            _ => 0.11,
        };
        if self.chance(estimated_share) {
            let months = if age == 0 {
                self.rng.gen_range(1..12)
            } else if age >= 20 && self.chance(0.6) {
                // "About forty": estimated ages heap on fives.
                (age + 2) / 5 * 5 * 12
            } else {
                age * 12
            };
            if let Some(d) = self.today.checked_sub_months(Months::new(months)) {
                return (d, true);
            }
        }
        let days = age * 365 + age / 4 + self.rng.gen_range(0..365);
        let birth = self
            .today
            .checked_sub_days(Days::new(u64::from(days)))
            .unwrap_or(self.today);
        (birth, false)
    }

    /// The birth date a second registration of the same person gets.
    fn similar_birth(&mut self, of: &PatientDetails) -> (NaiveDate, bool) {
        let today = self.today;
        let years = age_years(of.birth_date, today).max(0) as u32;
        let about = |years: u32| {
            today
                .checked_sub_months(Months::new(years * 12))
                .unwrap_or(today)
        };
        if of.birth_date_estimated {
            return match self.rng.gen_range(0..10) {
                0..5 => (of.birth_date, true),
                5..8 => (about(years + 1), true),
                _ => {
                    let shift = self.rng.gen_range(0..200);
                    let d = of
                        .birth_date
                        .checked_sub_days(Days::new(shift))
                        .unwrap_or(of.birth_date);
                    (d, false)
                }
            };
        }
        let d = of.birth_date;
        match self.rng.gen_range(0..100) {
            0..60 => (d, false),
            60..75 => {
                let older = d.checked_sub_months(Months::new(12));
                let younger = d
                    .checked_add_months(Months::new(12))
                    .filter(|y| *y <= today);
                let pick = if self.chance(0.5) {
                    older.or(younger)
                } else {
                    younger.or(older)
                };
                (pick.unwrap_or(d), false)
            }
            75..85 => {
                // Day and month swapped, as typed by someone used to the other order.
                let swapped = NaiveDate::from_ymd_opt(d.year(), d.day(), d.month())
                    .filter(|s| *s <= today && *s != d);
                (swapped.unwrap_or(d), false)
            }
            _ => (about(years), true),
        }
    }

    /// A mobile number of the country, written one of the ways its people write it.
    fn phone(&mut self, country_i: usize) -> String {
        let c = &COUNTRIES[country_i];
        let mut nsn = [0u8; 16];
        let prefix = c.mobile[self.rng.gen_range(0..c.mobile.len())].as_bytes();
        nsn[..prefix.len()].copy_from_slice(prefix);
        for d in &mut nsn[prefix.len()..c.nsn_len] {
            *d = b'0' + self.digit();
        }
        let style = pick_small(&mut self.rng, c.phone_styles);
        let mut out = String::with_capacity(style.len());
        let mut i = 0;
        for ch in style.chars() {
            if ch == 'n' {
                out.push(char::from(nsn[i]));
                i += 1;
            } else {
                out.push(ch);
            }
        }
        out
    }

    /// True with probability `p`, from 32 random bits.
    fn chance(&mut self, p: f64) -> bool {
        u64::from(self.rng.next_u32()) < (p * 4_294_967_296.0) as u64
    }

    /// A random decimal digit: eighteen from each 64 random bits.
    fn digit(&mut self) -> u8 {
        if self.digits_left == 0 {
            self.digits = self.rng.r#gen::<u64>();
            self.digits_left = 18;
        }
        let d = (self.digits % 10) as u8;
        self.digits /= 10;
        self.digits_left -= 1;
        d
    }

    fn remember(&mut self, phone: &str, family: &str) {
        if self.recent.len() < RECENT {
            self.recent.push((phone.to_string(), family.to_string()));
        } else {
            let (p, f) = &mut self.recent[self.next_recent];
            p.clear();
            p.push_str(phone);
            f.clear();
            f.push_str(family);
            self.next_recent = (self.next_recent + 1) % RECENT;
        }
    }

    /// Fills a template: `#` a digit, `@` a capital letter, `%` the birth
    /// date as YYYYMMDD; anything else as it is.
    fn fill(&mut self, template: &str, birth: NaiveDate, out: &mut String) {
        out.reserve(template.len() + 8);
        for ch in template.chars() {
            match ch {
                '#' => out.push(char::from(b'0' + self.digit())),
                '@' => out.push(char::from(b'A' + self.rng.gen_range(0..26u8))),
                '%' => {
                    use std::fmt::Write;
                    let _ = write!(out, "{}", birth.format("%Y%m%d"));
                }
                c => out.push(c),
            }
        }
    }

    fn email(&mut self, given: &str, family: &str, birth: NaiveDate) -> String {
        let g = email_word(given);
        let f = email_word(family);
        let (first, second) = match (g.is_empty(), f.is_empty()) {
            (false, false) => (g, f),
            (true, false) => (f, String::new()),
            (false, true) => (g, String::new()),
            (true, true) => ("patient".to_string(), String::new()),
        };
        let mut local = String::with_capacity(first.len() + second.len() + 4);
        match (second.is_empty(), self.rng.gen_range(0..6)) {
            (true, _) => local.push_str(&first),
            (false, 0 | 1) => {
                local.push_str(&first);
                local.push('.');
                local.push_str(&second);
            }
            (false, 2) => {
                local.push_str(&first);
                local.push_str(&second);
            }
            (false, 3) => {
                local.extend(first.chars().next());
                local.push('.');
                local.push_str(&second);
            }
            (false, 4) => {
                local.push_str(&second);
                local.push('_');
                local.push_str(&first);
            }
            (false, _) => {
                local.push_str(&second);
                local.push_str(&first);
            }
        }
        if self.chance(0.5) {
            let n = if self.chance(0.5) {
                birth.year().rem_euclid(100) as u32
            } else {
                self.rng.gen_range(1..1000)
            };
            push_number(&mut local, n);
        }
        local.push('@');
        local.push_str(pick_small(&mut self.rng, EMAIL_DOMAINS));
        local
    }

    fn line1(&mut self, c: &Country) -> String {
        let street = c.streets[self.rng.gen_range(0..c.streets.len())];
        let n = self.rng.gen_range(1..=240);
        let mut out = String::with_capacity(street.len() + 16);
        match c.address {
            AddressStyle::Plot => match self.rng.gen_range(0..10) {
                0..3 => {
                    out.push_str("P.O. Box ");
                    push_number(&mut out, self.rng.gen_range(1..=99_999));
                }
                3..9 => {
                    out.push_str(if self.chance(0.5) { "Plot " } else { "House " });
                    push_number(&mut out, n);
                    out.push_str(", ");
                    out.push_str(street);
                }
                _ => {
                    out.push_str(street);
                    out.push_str(", Block ");
                    push_number(&mut out, self.rng.gen_range(1..=40));
                }
            },
            AddressStyle::NumberFirst => {
                push_number(&mut out, n);
                out.push(' ');
                out.push_str(street);
            }
            AddressStyle::NumberLast => {
                out.push_str(street);
                out.push(' ');
                push_number(&mut out, n);
            }
        }
        out
    }

    fn line2(&mut self, c: &Country) -> String {
        let n = self.rng.gen_range(1..=60);
        let letter = char::from(b'A' + self.rng.gen_range(0..6u8));
        match self.rng.gen_range(0..4) {
            0 => format!("Apartment {n}{letter}"),
            1 => format!("Floor {}", self.rng.gen_range(1..=12)),
            2 => {
                let street = c.streets[self.rng.gen_range(0..c.streets.len())];
                format!("Off {street}")
            }
            _ => format!("Near {}", LANDMARKS[self.rng.gen_range(0..LANDMARKS.len())]),
        }
    }

    /// Who the emergency contact is, and whether that relation is a woman.
    fn relation(&mut self, age: u32, sex: Sex) -> (&'static str, bool) {
        let table: &[((&str, bool), u32)] = if age < 18 {
            &[
                (("Mother", true), 45),
                (("Father", false), 30),
                (("Guardian", true), 6),
                (("Guardian", false), 4),
                (("Grandmother", true), 8),
                (("Aunt", true), 5),
                (("Uncle", false), 2),
            ]
        } else if age >= 65 {
            &[
                (("Daughter", true), 35),
                (("Son", false), 30),
                (("Spouse", sex == Sex::M), 20),
                (("Granddaughter", true), 5),
                (("Grandson", false), 5),
                (("Neighbour", true), 5),
            ]
        } else {
            &[
                (
                    (
                        match sex {
                            Sex::M => "Wife",
                            Sex::F => "Husband",
                            _ => "Partner",
                        },
                        sex == Sex::M,
                    ),
                    35,
                ),
                (("Mother", true), 12),
                (("Father", false), 6),
                (("Sister", true), 12),
                (("Brother", false), 12),
                (("Son", false), 6),
                (("Daughter", true), 7),
                (("Friend", true), 3),
                (("Friend", false), 3),
                (("Cousin", false), 2),
            ]
        };
        pick_small(&mut self.rng, table)
    }

    /// A misspelling of a name part that still sounds alike: one of its
    /// words is changed, the others are kept.
    fn misspell(&mut self, part: &str) -> String {
        let words: Vec<&str> = part
            .split_inclusive([' ', '-'])
            .filter(|w| !w.is_empty())
            .collect();
        let candidates: Vec<usize> = (0..words.len())
            .filter(|i| words[*i].trim_end_matches([' ', '-']).chars().count() >= 2)
            .collect();
        if candidates.is_empty() {
            return part.to_string();
        }
        let i = candidates[self.rng.gen_range(0..candidates.len())];
        let word = words[i].trim_end_matches([' ', '-']);
        let sep = &words[i][word.len()..];
        let changed = self.misspell_word(word);
        let mut out = String::with_capacity(part.len() + 2);
        for (j, w) in words.iter().enumerate() {
            if j == i {
                out.push_str(&changed);
                out.push_str(sep);
            } else {
                out.push_str(w);
            }
        }
        out
    }

    fn misspell_word(&mut self, word: &str) -> String {
        let folded = names::fold(word);
        if let Some(group) = VARIANTS
            .iter()
            .find(|g| g.iter().any(|v| names::fold(v) == folded))
        {
            let others: Vec<&str> = group
                .iter()
                .copied()
                .filter(|v| names::fold(v) != folded)
                .collect();
            if !others.is_empty() && self.chance(0.8) {
                return others[self.rng.gen_range(0..others.len())].to_string();
            }
        }
        for _ in 0..12 {
            if let Some(candidate) = self.edit(word)
                && candidate != word
                && sounds_alike(&folded, &names::fold(&candidate))
            {
                return candidate;
            }
        }
        // Typed with caps lock on.
        word.to_uppercase()
    }

    /// One random spelling change that often keeps the sound.
    fn edit(&mut self, word: &str) -> Option<String> {
        let chars: Vec<char> = word.chars().collect();
        let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
        let n = chars.len();
        let is_vowel = |c: char| "aeiou".contains(c);
        let mut out = chars.clone();
        match self.rng.gen_range(0..7) {
            // Accents or the apostrophe left out.
            0 => {
                let plain: String = word
                    .nfd()
                    .filter(|c| !is_combining_mark(*c) && !matches!(c, '\'' | '’'))
                    .collect();
                return (plain != word).then_some(plain);
            }
            // A doubled letter made single, or a single one doubled.
            1 => {
                let i = self.rng.gen_range(1..n);
                if lower[i] == lower[i - 1] {
                    out.remove(i);
                } else if !is_vowel(lower[i]) && lower[i].is_ascii_alphabetic() {
                    out.insert(i, lower[i]);
                } else {
                    return None;
                }
            }
            // Another vowel after the first letter.
            2 => {
                let vowels: Vec<usize> = (1..n).filter(|i| is_vowel(lower[*i])).collect();
                let i = *vowels.get(self.rng.gen_range(0..vowels.len().max(1)))?;
                let replacement = match lower[i] {
                    'a' => ['e', 'o'],
                    'e' => ['i', 'a'],
                    'i' => ['e', 'y'],
                    'o' => ['u', 'a'],
                    _ => ['o', 'i'],
                };
                out[i] = replacement[self.rng.gen_range(0..2)];
            }
            // Two letters swapped.
            3 => {
                if n < 4 {
                    return None;
                }
                let i = self.rng.gen_range(1..n - 1);
                out.swap(i, i + 1);
            }
            // A vowel dropped inside the word.
            4 => {
                let vowels: Vec<usize> = (1..n.saturating_sub(1))
                    .filter(|i| is_vowel(lower[*i]))
                    .collect();
                let i = *vowels.get(self.rng.gen_range(0..vowels.len().max(1)))?;
                out.remove(i);
            }
            // A silent h added or dropped at the end.
            5 => {
                if lower[n - 1] == 'h' && n > 3 {
                    out.pop();
                } else if is_vowel(lower[n - 1]) {
                    out.push('h');
                } else {
                    return None;
                }
            }
            // Letters that sound the same.
            _ => {
                let s: String = chars.iter().collect();
                let swaps = [
                    ("ph", "f"),
                    ("f", "ph"),
                    ("ck", "k"),
                    ("k", "c"),
                    ("c", "k"),
                    ("y", "i"),
                    ("i", "y"),
                    ("ou", "u"),
                    ("th", "t"),
                    ("ee", "i"),
                    ("w", "u"),
                ];
                let (from, to) = swaps[self.rng.gen_range(0..swaps.len())];
                let at = s.get(1..)?.find(from)? + 1;
                let mut changed = String::with_capacity(s.len() + 1);
                changed.push_str(&s[..at]);
                changed.push_str(to);
                changed.push_str(&s[at + from.len()..]);
                return Some(changed);
            }
        }
        Some(out.into_iter().collect())
    }
}

/// Appends a number's decimal digits.
fn push_number(out: &mut String, n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for b in &buf[i..] {
        out.push(char::from(*b));
    }
}

/// Whether two folded words share a sounds-alike key.
fn sounds_alike(a: &str, b: &str) -> bool {
    let kb = names::sounds(b);
    names::sounds(a).iter().any(|k| kb.contains(k))
}

/// A name as it goes into an e-mail address: ASCII letters, digits and hyphens.
fn email_word(name: &str) -> String {
    if name.is_ascii() {
        return name
            .bytes()
            .filter(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    names::fold(name)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// The same number with other separators: compact if it had any, else spaced.
fn rewrite_phone(phone: &str) -> String {
    let plus = phone.trim_start().starts_with('+');
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(phone.len() + 4);
    if plus {
        out.push('+');
    }
    if phone.chars().any(|c| " -().".contains(c)) {
        out.push_str(&digits);
    } else {
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && i % 3 == 0 && digits.len() - i >= 3 {
                out.push(' ');
            }
            out.push(d);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Ages

/// Patients per five-year age band (0–4, 5–9, … 95–99, then 100): the
/// pyramid of a young population, with the clinic's extra babies and elderly.
const AGE_BANDS: [u32; 21] = [
    1400, 1050, 900, 880, 950, 900, 780, 640, 540, 450, 380, 310, 250, 200, 160, 120, 80, 45, 20,
    7, 1,
];

// ---------------------------------------------------------------------------
// Places

#[derive(Clone, Copy)]
enum AddressStyle {
    /// "Plot 12, Ngong Road", "P.O. Box 4521".
    Plot,
    /// "12 High Street".
    NumberFirst,
    /// "Hauptstraße 12".
    NumberLast,
}

struct City {
    name: &'static str,
    region: &'static str,
    /// A postal code template (see [`Generator::fill`]); empty where none are used.
    postal: &'static str,
    weight: u32,
}

const fn city(name: &'static str, region: &'static str, postal: &'static str, weight: u32) -> City {
    City {
        name,
        region,
        postal,
        weight,
    }
}

struct Country {
    name: &'static str,
    /// How mobile numbers start (the national number, without trunk prefix).
    mobile: &'static [&'static str],
    /// Digits in the national number.
    nsn_len: usize,
    /// Ways people write a number: `n` is the next digit of the national number.
    phone_styles: &'static [(&'static str, u32)],
    cities: &'static [City],
    streets: &'static [&'static str],
    address: AddressStyle,
    postal_share: f64,
    /// Provider, policy number template, weight.
    insurers: &'static [(&'static str, &'static str, u32)],
    national_id: &'static str,
}

/// The clinic's own country, where most patients live.
const CLINIC_COUNTRY: usize = KENYA;
const KENYA: usize = 0;
const UGANDA: usize = 1;
const TANZANIA: usize = 2;
const NIGERIA: usize = 3;
const INDIA: usize = 4;
const UK: usize = 5;
const USA: usize = 6;
const MEXICO: usize = 7;
const GERMANY: usize = 8;
const VIETNAM: usize = 9;

static COUNTRIES: [Country; 10] = [
    Country {
        name: "Kenya",
        mobile: &["70", "71", "72", "74", "75", "76", "79", "11", "10"],
        nsn_len: 9,
        phone_styles: &[
            ("0nnn nnn nnn", 30),
            ("+254 nnn nnn nnn", 25),
            ("0nnnnnnnnn", 20),
            ("+254nnnnnnnnn", 10),
            ("0nnn-nnn-nnn", 8),
            ("254 nnn nnnnnn", 4),
            ("+254 (0) nnn nnn nnn", 3),
        ],
        cities: &[
            city("Nairobi", "Nairobi County", "00###", 500),
            city("Mombasa", "Mombasa County", "80100", 60),
            city("Kisumu", "Kisumu County", "40100", 50),
            city("Nakuru", "Nakuru County", "20100", 45),
            city("Eldoret", "Uasin Gishu County", "30100", 35),
            city("Thika", "Kiambu County", "01000", 40),
            city("Ruiru", "Kiambu County", "00232", 35),
            city("Kitengela", "Kajiado County", "00241", 30),
            city("Machakos", "Machakos County", "90100", 25),
            city("Nyeri", "Nyeri County", "10100", 20),
            city("Kisii", "Kisii County", "40200", 15),
            city("Kakamega", "Kakamega County", "50100", 15),
            city("Meru", "Meru County", "60200", 15),
            city("Embu", "Embu County", "60100", 10),
            city("Kitale", "Trans-Nzoia County", "30200", 10),
            city("Malindi", "Kilifi County", "80200", 8),
            city("Garissa", "Garissa County", "70100", 8),
            city("Kericho", "Kericho County", "20200", 8),
            city("Murang'a", "Murang'a County", "10200", 8),
        ],
        streets: &[
            "Ngong Road",
            "Jogoo Road",
            "Thika Road",
            "Mombasa Road",
            "Waiyaki Way",
            "Langata Road",
            "Juja Road",
            "Outering Road",
            "Kangundo Road",
            "Moi Avenue",
            "Kenyatta Avenue",
            "Kimathi Street",
            "Tom Mboya Street",
            "Haile Selassie Avenue",
            "Argwings Kodhek Road",
            "Umoja Estate",
            "Buruburu Phase 2",
            "Kayole",
            "Eastleigh 1st Avenue",
            "Kawangware",
            "Kibera Olympic",
            "South B",
            "Donholm",
            "Kasarani",
            "Githurai 45",
            "Zimmerman",
            "Pipeline Estate",
            "Mathare North",
            "Kahawa West",
            "Embakasi",
        ],
        address: AddressStyle::Plot,
        postal_share: 0.35,
        insurers: &[
            ("SHA", "CR#########-#", 400),
            ("NHIF", "########", 120),
            ("AAR Insurance", "AAR/####/#####", 80),
            ("Jubilee Health", "JH-#######", 80),
            ("Britam", "BRT/HL/######", 60),
            ("CIC Insurance", "CIC-MED-######", 50),
            ("Madison Insurance", "MIC######", 30),
            ("Old Mutual", "OM-######-##", 30),
            ("APA Insurance", "APA/H/#####", 25),
        ],
        national_id: "########",
    },
    Country {
        name: "Uganda",
        mobile: &["70", "71", "74", "75", "77", "78"],
        nsn_len: 9,
        phone_styles: &[
            ("+256 nnn nnn nnn", 40),
            ("0nnn nnnnnn", 30),
            ("0nnn-nnn-nnn", 15),
            ("+256nnnnnnnnn", 15),
        ],
        cities: &[
            city("Kampala", "Central Region", "", 60),
            city("Entebbe", "Wakiso District", "", 15),
            city("Jinja", "Eastern Region", "", 10),
            city("Mbarara", "Western Region", "", 8),
            city("Gulu", "Northern Region", "", 7),
        ],
        streets: &[
            "Kampala Road",
            "Jinja Road",
            "Bombo Road",
            "Entebbe Road",
            "Gayaza Road",
            "Ntinda",
            "Kira Road",
        ],
        address: AddressStyle::Plot,
        postal_share: 0.0,
        insurers: &[
            ("AAR Uganda", "AARU-######", 40),
            ("Jubilee Uganda", "JHU/######", 30),
            ("Prudential Uganda", "PRU-#######", 20),
            ("UAP Old Mutual", "UAP######", 20),
        ],
        national_id: "C@##########@@",
    },
    Country {
        name: "Tanzania",
        mobile: &["65", "67", "68", "71", "74", "75", "76", "78"],
        nsn_len: 9,
        phone_styles: &[
            ("+255 nnn nnn nnn", 40),
            ("0nnn nnn nnn", 35),
            ("0nnnnnnnnn", 25),
        ],
        cities: &[
            city("Dar es Salaam", "Dar es Salaam Region", "1####", 50),
            city("Arusha", "Arusha Region", "231##", 20),
            city("Mwanza", "Mwanza Region", "331##", 15),
            city("Moshi", "Kilimanjaro Region", "251##", 10),
            city("Dodoma", "Dodoma Region", "411##", 8),
            city("Zanzibar", "Mjini Magharibi", "711##", 7),
        ],
        streets: &[
            "Samora Avenue",
            "Morogoro Road",
            "Bibi Titi Mohamed Street",
            "Uhuru Street",
            "Kinondoni",
            "Sokoine Road",
        ],
        address: AddressStyle::Plot,
        postal_share: 0.4,
        insurers: &[
            ("NHIF Tanzania", "##########", 50),
            ("Jubilee Tanzania", "JHT-######", 20),
            ("Strategis", "STR/#####", 15),
            ("AAR Tanzania", "AART-#####", 15),
        ],
        national_id: "%-#####-#####-##",
    },
    Country {
        name: "Nigeria",
        mobile: &[
            "803", "806", "813", "816", "703", "706", "802", "808", "812", "701", "902", "905",
        ],
        nsn_len: 10,
        phone_styles: &[
            ("+234 nnn nnn nnnn", 35),
            ("0nnn nnn nnnn", 35),
            ("0nnnnnnnnnn", 20),
            ("+234-nnn-nnn-nnnn", 10),
        ],
        cities: &[
            city("Lagos", "Lagos State", "1#####", 50),
            city("Abuja", "Federal Capital Territory", "9#####", 20),
            city("Ibadan", "Oyo State", "2#####", 12),
            city("Kano", "Kano State", "7#####", 10),
            city("Enugu", "Enugu State", "4#####", 8),
            city("Port Harcourt", "Rivers State", "5#####", 8),
        ],
        streets: &[
            "Adeola Odeku Street",
            "Allen Avenue",
            "Awolowo Road",
            "Ogui Road",
            "Ahmadu Bello Way",
            "Herbert Macaulay Way",
            "Bode Thomas Street",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.3,
        insurers: &[
            ("NHIA", "NHIA/##/#######", 40),
            ("Hygeia HMO", "HYG-#######", 20),
            ("AXA Mansard", "AXM/######", 15),
            ("Reliance HMO", "RH-######", 15),
            ("Leadway Health", "LWH#######", 10),
        ],
        national_id: "###########",
    },
    Country {
        name: "India",
        mobile: &[
            "98", "99", "97", "96", "95", "94", "93", "91", "90", "88", "87", "70", "63",
        ],
        nsn_len: 10,
        phone_styles: &[
            ("+91 nnnnn nnnnn", 40),
            ("nnnnnnnnnn", 25),
            ("0nnnnn nnnnn", 15),
            ("+91-nnnnn-nnnnn", 20),
        ],
        cities: &[
            city("Mumbai", "Maharashtra", "4000##", 30),
            city("Delhi", "Delhi", "1100##", 25),
            city("Bengaluru", "Karnataka", "5600##", 20),
            city("Chennai", "Tamil Nadu", "6000##", 15),
            city("Ahmedabad", "Gujarat", "3800##", 15),
            city("Kolkata", "West Bengal", "7000##", 15),
        ],
        streets: &[
            "MG Road",
            "Station Road",
            "Nehru Nagar",
            "Gandhi Marg",
            "Link Road",
            "Park Street",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.8,
        insurers: &[
            ("Ayushman Bharat (PM-JAY)", "PMJAY-@@#########", 30),
            ("Star Health", "P/######/##/####/######", 25),
            ("HDFC ERGO", "2###-####-####-####-###", 20),
            ("ICICI Lombard", "4###/#########/##/###", 15),
            ("Niva Bupa", "3#########", 10),
        ],
        national_id: "#### #### ####",
    },
    Country {
        name: "United Kingdom",
        mobile: &["74", "75", "77", "78", "79"],
        nsn_len: 10,
        phone_styles: &[
            ("0nnnn nnnnnn", 50),
            ("+44 nnnn nnnnnn", 30),
            ("+44 (0)nnnn nnnnnn", 10),
            ("0nnnnnnnnnn", 10),
        ],
        cities: &[
            city("London", "Greater London", "E# #@@", 50),
            city("Manchester", "Greater Manchester", "M# #@@", 15),
            city("Birmingham", "West Midlands", "B# #@@", 15),
            city("Leicester", "Leicestershire", "LE# #@@", 10),
            city("Leeds", "West Yorkshire", "LS# #@@", 10),
        ],
        streets: &[
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Road",
            "Green Lane",
            "Park Avenue",
            "Queen's Road",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.9,
        insurers: &[
            ("Bupa", "BUP#######", 40),
            ("AXA Health", "AXA-########", 25),
            ("Vitality", "VH#######", 20),
            ("Aviva", "AV########", 15),
        ],
        national_id: "@@ ## ## ## C",
    },
    Country {
        name: "United States",
        mobile: &[
            "5552", "5553", "5554", "5555", "5556", "5557", "5558", "5559",
        ],
        nsn_len: 10,
        phone_styles: &[
            ("(nnn) nnn-nnnn", 45),
            ("nnn-nnn-nnnn", 25),
            ("+1 nnn nnn nnnn", 15),
            ("nnn.nnn.nnnn", 10),
            ("1-nnn-nnn-nnnn", 5),
        ],
        cities: &[
            city("Minneapolis", "Minnesota", "554##", 20),
            city("Columbus", "Ohio", "432##", 15),
            city("Houston", "Texas", "770##", 20),
            city("Atlanta", "Georgia", "303##", 15),
            city("Seattle", "Washington", "981##", 15),
            city("Chicago", "Illinois", "606##", 15),
        ],
        streets: &[
            "Main Street",
            "Maple Avenue",
            "Oak Street",
            "Lincoln Boulevard",
            "Elm Drive",
            "Washington Avenue",
            "Cedar Lane",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.9,
        insurers: &[
            ("Blue Cross Blue Shield", "XYZ#########", 30),
            ("UnitedHealthcare", "9########", 25),
            ("Aetna", "W#########", 20),
            ("Cigna", "U#######-##", 15),
            ("Medicaid", "@@#####@", 10),
        ],
        national_id: "9##-##-####",
    },
    Country {
        name: "México",
        mobile: &["55", "33", "81", "22"],
        nsn_len: 10,
        phone_styles: &[
            ("+52 nn nnnn nnnn", 45),
            ("nn nnnn nnnn", 35),
            ("nnnnnnnnnn", 20),
        ],
        cities: &[
            city("Ciudad de México", "CDMX", "0####", 40),
            city("Guadalajara", "Jalisco", "44###", 20),
            city("Monterrey", "Nuevo León", "64###", 20),
            city("Puebla", "Puebla", "72###", 10),
        ],
        streets: &[
            "Avenida Insurgentes Sur",
            "Calle Hidalgo",
            "Calle Morelos",
            "Avenida Juárez",
            "Paseo de la Reforma",
            "Calle 5 de Mayo",
        ],
        address: AddressStyle::NumberLast,
        postal_share: 0.7,
        insurers: &[
            ("IMSS", "##########-#", 50),
            ("ISSSTE", "@@@@######", 20),
            ("GNP Seguros", "GNP#######", 15),
            ("AXA México", "AXM-#######", 15),
        ],
        national_id: "@@@@######H@@@@@##",
    },
    Country {
        name: "Deutschland",
        mobile: &["151", "152", "157", "160", "170", "171", "172", "176"],
        nsn_len: 11,
        phone_styles: &[
            ("+49 nnn nnnnnnnn", 45),
            ("0nnn nnnnnnnn", 35),
            ("0nnn-nnnnnnnn", 20),
        ],
        cities: &[
            city("Berlin", "Berlin", "10###", 35),
            city("Hamburg", "Hamburg", "20###", 20),
            city("München", "Bayern", "80###", 25),
            city("Köln", "Nordrhein-Westfalen", "50###", 20),
        ],
        streets: &[
            "Hauptstraße",
            "Bahnhofstraße",
            "Schulstraße",
            "Gartenweg",
            "Lindenallee",
            "Goethestraße",
        ],
        address: AddressStyle::NumberLast,
        postal_share: 0.9,
        insurers: &[
            ("AOK", "@#########", 35),
            ("Techniker Krankenkasse", "@#########", 30),
            ("Barmer", "@#########", 20),
            ("DAK-Gesundheit", "@#########", 15),
        ],
        national_id: "L@#@##@##",
    },
    Country {
        name: "Việt Nam",
        mobile: &[
            "90", "91", "93", "94", "96", "97", "98", "32", "35", "70", "77",
        ],
        nsn_len: 9,
        phone_styles: &[
            ("0nnn nnn nnn", 45),
            ("+84 nn nnn nnnn", 35),
            ("0nnnnnnnnn", 20),
        ],
        cities: &[
            city("Hà Nội", "Hà Nội", "100000", 40),
            city("Thành phố Hồ Chí Minh", "Hồ Chí Minh", "700000", 45),
            city("Đà Nẵng", "Đà Nẵng", "550000", 15),
        ],
        streets: &[
            "Đường Lê Lợi",
            "Phố Hàng Bạc",
            "Đường Nguyễn Huệ",
            "Đường Trần Hưng Đạo",
            "Phố Huế",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.3,
        insurers: &[
            ("BHYT", "@@#############", 60),
            ("Bảo Việt", "BV-#######", 25),
            ("PVI", "PVI######", 15),
        ],
        national_id: "0###########",
    },
];

const LANDMARKS: &[&str] = &[
    "the market",
    "St. Mary's Church",
    "the mosque",
    "the bus stage",
    "the petrol station",
    "the chief's office",
    "the primary school",
    "the water tower",
];

const EMAIL_DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 55),
    ("yahoo.com", 15),
    ("outlook.com", 8),
    ("hotmail.com", 7),
    ("icloud.com", 4),
    ("yahoo.co.uk", 2),
    ("live.com", 2),
    ("protonmail.com", 2),
];

const NOTES: &[&str] = &[
    "Allergic to penicillin",
    "Allergy: sulfa drugs",
    "Known hypertensive, on amlodipine",
    "Type 2 diabetes",
    "Asthmatic: carries an inhaler",
    "Sickle cell disease",
    "Epilepsy",
    "Prefers Kiswahili",
    "Needs an interpreter (Somali)",
    "Hearing impaired: face the patient when speaking",
    "Visually impaired",
    "Wheelchair user",
    "Guardian must be present for consultations",
    "Referred from Kenyatta National Hospital",
    "Do not call after 8 pm",
    "Prefers a female clinician",
    "Lives with grandmother",
    "Pays cash",
    "Allergic to penicillin.\nPrefers Kiswahili.",
];

// ---------------------------------------------------------------------------
// Names

struct Culture {
    weight: u32,
    family: Weighted,
    male: Weighted,
    female: Weighted,
    /// Names only women carry, which they give in the family name's place.
    female_family: Weighted,
    /// Where the clinic's patients of this culture live: country index, weight.
    residence: &'static [(usize, u32)],
    /// Share with two family names, and of those the share hyphenated.
    compound_share: f64,
    hyphen_share: f64,
    /// Middle names are the father's name.
    patronymic: bool,
}

/// The patients of a Kenyan city clinic, by the culture of their names.
static CULTURES: [Culture; 7] = [
    Culture {
        weight: 550,
        family: EAST_AFRICAN_FAMILY,
        male: EAST_AFRICAN_MALE,
        female: EAST_AFRICAN_FEMALE,
        female_family: EAST_AFRICAN_WOMEN,
        residence: &[
            (KENYA, 880),
            (UGANDA, 60),
            (TANZANIA, 50),
            (UK, 5),
            (USA, 5),
        ],
        compound_share: 0.015,
        hyphen_share: 0.7,
        patronymic: false,
    },
    Culture {
        weight: 80,
        family: WEST_AFRICAN_FAMILY,
        male: WEST_AFRICAN_MALE,
        female: WEST_AFRICAN_FEMALE,
        female_family: &[],
        residence: &[(KENYA, 60), (NIGERIA, 35), (UK, 3), (USA, 2)],
        compound_share: 0.02,
        hyphen_share: 0.8,
        patronymic: false,
    },
    Culture {
        weight: 90,
        family: SOUTH_ASIAN_FAMILY,
        male: SOUTH_ASIAN_MALE,
        female: SOUTH_ASIAN_FEMALE,
        female_family: &[],
        residence: &[(KENYA, 75), (INDIA, 20), (UK, 5)],
        compound_share: 0.01,
        hyphen_share: 0.5,
        patronymic: false,
    },
    Culture {
        weight: 120,
        family: ARABIC_FAMILY,
        male: ARABIC_MALE,
        female: ARABIC_FEMALE,
        female_family: &[],
        residence: &[(KENYA, 88), (TANZANIA, 5), (UK, 2), (USA, 5)],
        compound_share: 0.02,
        hyphen_share: 0.3,
        patronymic: true,
    },
    Culture {
        weight: 40,
        family: LATIN_FAMILY,
        male: LATIN_MALE,
        female: LATIN_FEMALE,
        female_family: &[],
        residence: &[(KENYA, 30), (MEXICO, 50), (USA, 20)],
        compound_share: 0.35,
        hyphen_share: 0.1,
        patronymic: false,
    },
    Culture {
        weight: 50,
        family: EAST_ASIAN_FAMILY,
        male: EAST_ASIAN_MALE,
        female: EAST_ASIAN_FEMALE,
        female_family: &[],
        residence: &[(KENYA, 50), (VIETNAM, 35), (USA, 15)],
        compound_share: 0.0,
        hyphen_share: 0.0,
        patronymic: false,
    },
    Culture {
        weight: 70,
        family: EUROPEAN_FAMILY,
        male: EUROPEAN_MALE,
        female: EUROPEAN_FEMALE,
        female_family: &[],
        residence: &[(KENYA, 35), (UK, 35), (GERMANY, 20), (USA, 10)],
        compound_share: 0.04,
        hyphen_share: 0.9,
        patronymic: false,
    },
];

/// Spellings of one name that people mix up at the desk.
const VARIANTS: &[&[&str]] = &[
    &[
        "Mohammed", "Muhammad", "Mohamed", "Muhamad", "Mohammad", "Mohamad", "Muhammed",
    ],
    &["Ahmed", "Ahmad", "Ahmet"],
    &["Hussein", "Husein", "Hussain", "Husain"],
    &["Yusuf", "Yussuf", "Yousef", "Yusuph"],
    &["Abdullahi", "Abdulahi", "Abdallah", "Abdullah"],
    &["Fatuma", "Fatma", "Fatumah"],
    &["Khadija", "Khadijah", "Kadija"],
    &["Catherine", "Kathryn", "Katherine", "Catharine", "Kathrine"],
    &["John", "Jon"],
    &["Stephen", "Steven"],
    &["Philip", "Phillip"],
    &["Sarah", "Sara"],
    &["Ann", "Anne"],
    &["Aisha", "Ayesha", "Aysha"],
    &["Okonkwo", "Okonkow"],
    &["Otieno", "Otiyeno"],
    &["Wanjiru", "Wanjiro"],
    &["Mwangi", "Mwangie"],
    &["Geoffrey", "Jeffrey", "Geofrey"],
    &["Brian", "Bryan"],
    &["Mercy", "Mercie"],
    &["Müller", "Mueller", "Muller"],
    &["O'Brien", "OBrien", "O'Brian"],
    &["Chukwu", "Chukwuh"],
];

const EAST_AFRICAN_FAMILY: Weighted = &[
    ("Mwangi", 1000),
    ("Otieno", 900),
    ("Kamau", 850),
    ("Ochieng", 800),
    ("Onyango", 650),
    ("Odhiambo", 600),
    ("Njoroge", 550),
    ("Kariuki", 520),
    ("Maina", 500),
    ("Omondi", 480),
    ("Kiprotich", 450),
    ("Wafula", 400),
    ("Mutua", 390),
    ("Kimani", 360),
    ("Macharia", 340),
    ("Owino", 330),
    ("Kiprono", 300),
    ("Cheruiyot", 290),
    ("Gitau", 260),
    ("Koech", 250),
    ("Kibet", 240),
    ("Waweru", 230),
    ("Ngugi", 220),
    ("Wekesa", 200),
    ("Barasa", 190),
    ("Simiyu", 180),
    ("Juma", 175),
    ("Musyoka", 170),
    ("Mutiso", 165),
    ("Kilonzo", 160),
    ("Wanyama", 155),
    ("Okoth", 150),
    ("Okello", 145),
    ("Kipchumba", 130),
    ("Rotich", 125),
    ("Langat", 120),
    ("Kirui", 115),
    ("Mutai", 110),
    ("Korir", 105),
    ("Njuguna", 95),
    ("Kinyua", 90),
    ("Ndung'u", 85),
    ("Muriuki", 76),
    ("Nyaga", 72),
    ("Mugo", 68),
    ("Karanja", 64),
    ("Kiptoo", 60),
    ("Oduor", 45),
    ("Ouma", 42),
    ("Obiero", 40),
    ("Mbugua", 38),
    ("Kioko", 36),
    ("Waithaka", 30),
    ("Gachanja", 28),
    ("Mushi", 26),
    ("Massawe", 24),
    ("Kimaro", 23),
    ("Mollel", 22),
    ("Ole Sankale", 21),
    ("Ssemakula", 20),
    ("Mukasa", 20),
    ("Byaruhanga", 16),
    ("Tumusiime", 15),
    ("Kato", 15),
];

/// Kikuyu, Luo, Kalenjin and Ganda names that only women carry.
const EAST_AFRICAN_WOMEN: Weighted = &[
    ("Wanjiru", 700),
    ("Achieng", 430),
    ("Njeri", 370),
    ("Chebet", 320),
    ("Wambui", 280),
    ("Nyambura", 270),
    ("Muthoni", 210),
    ("Akinyi", 140),
    ("Atieno", 135),
    ("Wairimu", 100),
    ("Gathoni", 80),
    ("Chepkoech", 56),
    ("Jeptoo", 52),
    ("Awuor", 48),
    ("Mwende", 34),
    ("Nduta", 32),
    ("Nakato", 18),
];

const EAST_AFRICAN_MALE: Weighted = &[
    ("John", 500),
    ("Peter", 400),
    ("James", 380),
    ("Joseph", 360),
    ("David", 340),
    ("Samuel", 300),
    ("Daniel", 290),
    ("Brian", 280),
    ("Kevin", 260),
    ("Dennis", 240),
    ("Collins", 220),
    ("Emmanuel", 200),
    ("Francis", 190),
    ("Stephen", 180),
    ("Paul", 175),
    ("George", 170),
    ("Patrick", 160),
    ("Kennedy", 150),
    ("Victor", 140),
    ("Moses", 130),
    ("Baraka", 120),
    ("Geoffrey", 120),
    ("Wycliffe", 100),
    ("Evans", 95),
    ("Juma", 90),
    ("Felix", 90),
    ("Benson", 85),
    ("Omondi", 50),
    ("Amani", 40),
    ("Kiprono", 40),
    ("Mwangi", 40),
    ("Kamau", 35),
    ("Odhiambo", 30),
    ("Jomo", 25),
    ("Jabali", 20),
    ("Tumaini", 20),
    ("Wafula", 20),
];

const EAST_AFRICAN_FEMALE: Weighted = &[
    ("Mary", 500),
    ("Grace", 420),
    ("Faith", 380),
    ("Mercy", 360),
    ("Esther", 340),
    ("Jane", 320),
    ("Ann", 300),
    ("Lucy", 260),
    ("Caroline", 240),
    ("Elizabeth", 220),
    ("Joyce", 210),
    ("Margaret", 200),
    ("Sharon", 190),
    ("Purity", 170),
    ("Catherine", 160),
    ("Beatrice", 150),
    ("Winnie", 140),
    ("Wanjiru", 130),
    ("Achieng", 120),
    ("Akinyi", 115),
    ("Atieno", 110),
    ("Njeri", 105),
    ("Wambui", 100),
    ("Nyambura", 90),
    ("Chebet", 85),
    ("Zawadi", 80),
    ("Neema", 75),
    ("Imani", 70),
    ("Rehema", 65),
    ("Doreen", 60),
    ("Phyllis", 55),
    ("Everlyne", 50),
    ("Jepkosgei", 40),
    ("Naliaka", 40),
    ("Nekesa", 40),
    ("Auma", 38),
    ("Anyango", 36),
    ("Muthoni", 35),
];

const WEST_AFRICAN_FAMILY: Weighted = &[
    ("Adeyemi", 600),
    ("Okafor", 580),
    ("Okonkwo", 540),
    ("Bello", 520),
    ("Abubakar", 500),
    ("Ibrahim", 480),
    ("Chukwu", 460),
    ("Eze", 450),
    ("Nwosu", 420),
    ("Okoro", 400),
    ("Adebayo", 380),
    ("Olawale", 360),
    ("Ogunleye", 340),
    ("Balogun", 320),
    ("Yusuf", 300),
    ("Musa", 290),
    ("Aliyu", 280),
    ("Danjuma", 260),
    ("Obi", 250),
    ("Nnamdi", 240),
    ("Okeke", 230),
    ("Igwe", 220),
    ("Afolabi", 210),
    ("Adewale", 200),
    ("Babatunde", 190),
    ("Ogunbiyi", 180),
    ("Oyelaran", 170),
    ("Oladipo", 160),
    ("Akinwale", 150),
    ("Fashola", 140),
    ("Uche", 130),
    ("Ezekwesili", 120),
    ("Anyanwu", 115),
    ("Ikechukwu", 110),
    ("Nwachukwu", 105),
    ("Chukwuemeka", 100),
    ("Onuoha", 95),
    ("Sanni", 90),
    ("Lawal", 88),
    ("Garba", 86),
    ("Usman", 84),
    ("Sule", 82),
    ("Tijani", 80),
    ("Adeleke", 78),
    ("Ojo", 76),
    ("Adesanya", 74),
    ("Mensah", 72),
    ("Asante", 70),
    ("Boateng", 68),
    ("Owusu", 66),
    ("Appiah", 64),
    ("Osei", 62),
    ("Diallo", 60),
    ("Traoré", 58),
    ("Koné", 56),
    ("Ndiaye", 55),
    ("Diop", 52),
    ("Ouédraogo", 50),
    ("Sow", 50),
];

const WEST_AFRICAN_MALE: Weighted = &[
    ("Chinedu", 300),
    ("Emeka", 280),
    ("Oluwaseun", 260),
    ("Tunde", 250),
    ("Ibrahim", 240),
    ("Musa", 230),
    ("Abdullahi", 220),
    ("Chukwudi", 200),
    ("Segun", 190),
    ("Kunle", 180),
    ("Femi", 170),
    ("Babajide", 150),
    ("Ifeanyi", 140),
    ("Uche", 130),
    ("Obinna", 120),
    ("Kelechi", 110),
    ("Nnamdi", 100),
    ("Yakubu", 95),
    ("Sani", 90),
    ("Kwame", 85),
    ("Kofi", 80),
    ("Emmanuel", 80),
    ("Kwabena", 70),
    ("Yaw", 65),
    ("Sunday", 60),
    ("Mamadou", 60),
    ("Ousmane", 55),
    ("Moussa", 50),
    ("Olumide", 45),
    ("Tobi", 40),
    ("Godwin", 40),
];

const WEST_AFRICAN_FEMALE: Weighted = &[
    ("Ngozi", 300),
    ("Chiamaka", 280),
    ("Adaeze", 260),
    ("Funmilayo", 250),
    ("Folake", 240),
    ("Aisha", 230),
    ("Amina", 220),
    ("Zainab", 210),
    ("Chioma", 200),
    ("Blessing", 200),
    ("Ifeoma", 190),
    ("Nkechi", 180),
    ("Yetunde", 170),
    ("Bukola", 160),
    ("Titilayo", 150),
    ("Halima", 140),
    ("Hauwa", 130),
    ("Precious", 120),
    ("Akosua", 90),
    ("Ama", 85),
    ("Abena", 80),
    ("Efua", 60),
    ("Fatoumata", 55),
    ("Aminata", 50),
    ("Awa", 45),
    ("Oluwakemi", 40),
    ("Temitope", 40),
    ("Uchenna", 35),
];

const SOUTH_ASIAN_FAMILY: Weighted = &[
    ("Patel", 800),
    ("Singh", 750),
    ("Khan", 700),
    ("Kumar", 650),
    ("Sharma", 600),
    ("Shah", 500),
    ("Rahman", 400),
    ("Gupta", 380),
    ("Ali", 350),
    ("Hussain", 330),
    ("Chaudhry", 300),
    ("Reddy", 290),
    ("Rao", 260),
    ("Nair", 250),
    ("Das", 240),
    ("Mehta", 230),
    ("Joshi", 220),
    ("Desai", 210),
    ("Verma", 200),
    ("Yadav", 200),
    ("Iyer", 200),
    ("Mishra", 190),
    ("Agarwal", 180),
    ("Menon", 180),
    ("Pillai", 170),
    ("Jain", 170),
    ("Banerjee", 160),
    ("Mukherjee", 155),
    ("Bose", 150),
    ("Chatterjee", 150),
    ("Pandey", 150),
    ("Ahmed", 150),
    ("Bhatt", 140),
    ("Tiwari", 140),
    ("Kapoor", 130),
    ("Malhotra", 120),
    ("Begum", 120),
    ("Siddiqui", 110),
    ("Hossain", 110),
    ("Qureshi", 100),
    ("Islam", 100),
    ("Chowdhury", 95),
    ("Perera", 90),
    ("Fernando", 80),
    ("Gill", 70),
    ("Thapa", 60),
    ("Sandhu", 60),
    ("Krishnan", 60),
    ("Shrestha", 55),
    ("Subramanian", 55),
    ("Jayawardena", 50),
    ("Dhillon", 50),
    ("Natarajan", 45),
    ("Gurung", 40),
    ("Grewal", 40),
    ("Venkatesh", 40),
];

const SOUTH_ASIAN_MALE: Weighted = &[
    ("Rahul", 300),
    ("Amit", 280),
    ("Raj", 260),
    ("Arjun", 240),
    ("Rajesh", 240),
    ("Sanjay", 220),
    ("Vikram", 200),
    ("Suresh", 200),
    ("Ravi", 190),
    ("Anil", 180),
    ("Deepak", 170),
    ("Manoj", 160),
    ("Vijay", 160),
    ("Mohammad", 150),
    ("Imran", 150),
    ("Arun", 150),
    ("Sunil", 150),
    ("Ajay", 140),
    ("Rohan", 130),
    ("Ali", 120),
    ("Nikhil", 120),
    ("Aditya", 110),
    ("Kiran", 100),
    ("Harpreet", 80),
    ("Farhan", 80),
    ("Karthik", 80),
    ("Gurpreet", 70),
    ("Tariq", 70),
    ("Bilal", 70),
    ("Hamza", 60),
    ("Pranav", 60),
];

const SOUTH_ASIAN_FEMALE: Weighted = &[
    ("Priya", 300),
    ("Anjali", 250),
    ("Pooja", 240),
    ("Sunita", 220),
    ("Neha", 210),
    ("Kavita", 200),
    ("Fatima", 200),
    ("Lakshmi", 180),
    ("Divya", 170),
    ("Anita", 160),
    ("Deepika", 150),
    ("Ayesha", 150),
    ("Asha", 150),
    ("Sneha", 140),
    ("Rekha", 140),
    ("Meera", 130),
    ("Geeta", 120),
    ("Shreya", 100),
    ("Sita", 90),
    ("Radha", 90),
    ("Simran", 90),
    ("Ananya", 90),
    ("Jaspreet", 80),
    ("Nasreen", 70),
    ("Kavya", 70),
    ("Shabnam", 60),
    ("Nusrat", 60),
    ("Parveen", 60),
    ("Rukhsana", 50),
];

const ARABIC_FAMILY: Weighted = &[
    ("Hassan", 600),
    ("Ali", 580),
    ("Mohamed", 550),
    ("Ahmed", 540),
    ("Abdi", 500),
    ("Omar", 450),
    ("Ibrahim", 420),
    ("Hussein", 400),
    ("Abdullah", 380),
    ("Yusuf", 360),
    ("Osman", 340),
    ("Farah", 330),
    ("Mahmoud", 300),
    ("Salem", 250),
    ("Khalil", 240),
    ("Haddad", 220),
    ("Mansour", 210),
    ("Nasser", 200),
    ("Mohamud", 200),
    ("Saleh", 190),
    ("Al-Amin", 180),
    ("Aden", 180),
    ("El-Sayed", 150),
    ("Warsame", 150),
    ("Abdirahman", 140),
    ("Nur", 130),
    ("Al-Hashimi", 120),
    ("Jama", 120),
    ("Said", 120),
    ("Al-Masri", 110),
    ("Bakari", 110),
    ("Bashir", 110),
    ("Abdel-Rahman", 100),
    ("Rashid", 100),
    ("Swaleh", 100),
    ("Karim", 95),
    ("El-Amin", 90),
    ("Hirsi", 90),
    ("Aziz", 90),
    ("Qasim", 80),
    ("Mwinyi", 80),
    ("Athman", 70),
];

const ARABIC_MALE: Weighted = &[
    ("Mohammed", 600),
    ("Mohamed", 500),
    ("Muhammad", 450),
    ("Ahmed", 400),
    ("Ali", 350),
    ("Omar", 300),
    ("Hassan", 280),
    ("Hussein", 250),
    ("Yusuf", 230),
    ("Ibrahim", 220),
    ("Mohammad", 200),
    ("Abdullahi", 200),
    ("Ahmad", 150),
    ("Abdirahman", 150),
    ("Khalid", 150),
    ("Mustafa", 130),
    ("Mahmoud", 120),
    ("Abdul", 110),
    ("Said", 100),
    ("Salim", 100),
    ("Rashid", 90),
    ("Muhammed", 80),
    ("Tariq", 80),
    ("Faisal", 80),
    ("Hamza", 70),
    ("Bilal", 60),
    ("Idris", 60),
    ("Zakaria", 50),
    ("Yasin", 50),
];

const ARABIC_FEMALE: Weighted = &[
    ("Fatuma", 400),
    ("Fatima", 350),
    ("Amina", 330),
    ("Halima", 300),
    ("Khadija", 280),
    ("Aisha", 270),
    ("Mariam", 260),
    ("Zainab", 240),
    ("Asha", 200),
    ("Hawa", 180),
    ("Sahra", 150),
    ("Hodan", 130),
    ("Maryam", 120),
    ("Salma", 120),
    ("Rahma", 110),
    ("Fartun", 100),
    ("Leila", 100),
    ("Zahra", 100),
    ("Rukia", 90),
    ("Layla", 80),
    ("Yasmin", 80),
    ("Nour", 70),
    ("Sumeya", 70),
    ("Mwanaisha", 60),
    ("Nasra", 60),
    ("Safiya", 60),
];

const LATIN_FAMILY: Weighted = &[
    ("García", 700),
    ("Rodríguez", 650),
    ("Hernández", 600),
    ("López", 580),
    ("Martínez", 560),
    ("González", 550),
    ("Pérez", 500),
    ("Sánchez", 480),
    ("Ramírez", 450),
    ("Torres", 400),
    ("Flores", 380),
    ("Rivera", 360),
    ("Gómez", 350),
    ("Díaz", 340),
    ("Cruz", 320),
    ("Morales", 300),
    ("Reyes", 290),
    ("Gutiérrez", 280),
    ("Ortiz", 260),
    ("Jiménez", 250),
    ("Ruiz", 240),
    ("Álvarez", 230),
    ("Mendoza", 220),
    ("Castillo", 210),
    ("Vásquez", 200),
    ("Romero", 190),
    ("Herrera", 180),
    ("Medina", 170),
    ("Aguilar", 160),
    ("Vargas", 150),
    ("Silva", 150),
    ("Castro", 140),
    ("Santos", 140),
    ("Guzmán", 130),
    ("Muñoz", 130),
    ("Rojas", 120),
    ("Oliveira", 120),
    ("Núñez", 110),
    ("Souza", 110),
    ("Pereira", 100),
    ("Vega", 100),
    ("Ferreira", 90),
    ("de la Cruz", 90),
    ("Domínguez", 90),
    ("Salazar", 90),
    ("Delgado", 90),
    ("Costa", 80),
    ("Estrada", 80),
    ("Peña", 70),
    ("Fuentes", 70),
    ("del Río", 50),
    ("Ibáñez", 40),
];

const LATIN_MALE: Weighted = &[
    ("José", 600),
    ("Juan", 500),
    ("Carlos", 450),
    ("Luis", 400),
    ("Miguel", 350),
    ("Jorge", 300),
    ("Antonio", 280),
    ("Francisco", 260),
    ("Pedro", 220),
    ("Alejandro", 200),
    ("Manuel", 200),
    ("Jesús", 180),
    ("Javier", 160),
    ("Ricardo", 150),
    ("Fernando", 150),
    ("Diego", 140),
    ("Andrés", 120),
    ("Raúl", 110),
    ("Sergio", 110),
    ("Eduardo", 100),
    ("Ángel", 100),
    ("Rafael", 100),
    ("Óscar", 90),
    ("Héctor", 90),
    ("Santiago", 90),
    ("Tomás", 80),
    ("Mateo", 80),
    ("Sebastián", 80),
    ("Joaquín", 60),
    ("João", 60),
];

const LATIN_FEMALE: Weighted = &[
    ("María", 700),
    ("Ana", 400),
    ("Carmen", 300),
    ("Rosa", 250),
    ("Laura", 220),
    ("Guadalupe", 200),
    ("Isabel", 200),
    ("Sofía", 200),
    ("Lucía", 180),
    ("Gabriela", 170),
    ("Daniela", 160),
    ("Valentina", 150),
    ("Patricia", 150),
    ("Alejandra", 140),
    ("Camila", 130),
    ("Fernanda", 120),
    ("Verónica", 120),
    ("Mónica", 110),
    ("Adriana", 110),
    ("Paola", 90),
    ("Ximena", 70),
    ("Beatriz", 70),
    ("Inés", 60),
    ("Marisol", 60),
    ("Luz", 60),
    ("Dolores", 50),
    ("Rocío", 50),
    ("Concepción", 40),
    ("Itzel", 40),
    ("Maite", 30),
];

const EAST_ASIAN_FAMILY: Weighted = &[
    ("Nguyen", 800),
    ("Wang", 700),
    ("Li", 700),
    ("Zhang", 650),
    ("Liu", 550),
    ("Chen", 550),
    ("Kim", 500),
    ("Lee", 450),
    ("Yang", 400),
    ("Huang", 350),
    ("Tran", 350),
    ("Park", 350),
    ("Zhao", 300),
    ("Wu", 300),
    ("Zhou", 280),
    ("Xu", 250),
    ("Le", 250),
    ("Chan", 250),
    ("Sun", 220),
    ("Ma", 200),
    ("Lin", 200),
    ("Pham", 200),
    ("Choi", 200),
    ("Wong", 200),
    ("Zhu", 180),
    ("Tan", 180),
    ("Hu", 170),
    ("Guo", 160),
    ("He", 150),
    ("Nguyễn", 150),
    ("Jung", 150),
    ("Lim", 150),
    ("Gao", 140),
    ("Luo", 130),
    ("Hoang", 120),
    ("Kang", 120),
    ("Ng", 120),
    ("Cho", 110),
    ("Sato", 110),
    ("Huynh", 100),
    ("Yoon", 100),
    ("Tanaka", 100),
    ("Suzuki", 100),
    ("Cheung", 100),
    ("Vu", 90),
    ("Vo", 90),
    ("Lau", 90),
    ("Dang", 80),
    ("Bui", 80),
    ("Takahashi", 80),
    ("Do", 70),
    ("Watanabe", 70),
    ("Yamamoto", 70),
    ("Trần", 60),
    ("Ngo", 60),
    ("Nakamura", 60),
    ("Ong", 60),
    ("Duong", 50),
    ("Lê", 50),
    ("Kobayashi", 50),
    ("Ito", 50),
    ("Goh", 50),
    ("Phạm", 40),
    ("Teo", 40),
];

const EAST_ASIAN_MALE: Weighted = &[
    ("Wei", 300),
    ("Minh", 200),
    ("Jun", 200),
    ("Ming", 180),
    ("Hao", 150),
    ("Jian", 150),
    ("Duc", 120),
    ("Lei", 120),
    ("Tuan", 110),
    ("Tao", 100),
    ("Yong", 100),
    ("Anh", 100),
    ("Hung", 100),
    ("Thanh", 90),
    ("Quang", 80),
    ("Bo", 60),
    ("Hoang", 60),
    ("Minjun", 60),
    ("Jihoon", 60),
    ("Hiroshi", 50),
    ("Kevin", 50),
    ("Seojun", 40),
    ("Takeshi", 40),
    ("Kenji", 40),
    ("David", 40),
    ("Jason", 40),
    ("Michael", 40),
    ("Haruto", 30),
];

const EAST_ASIAN_FEMALE: Weighted = &[
    ("Mei", 250),
    ("Ying", 150),
    ("Jing", 150),
    ("Linh", 150),
    ("Fang", 140),
    ("Yan", 130),
    ("Mai", 130),
    ("Trang", 110),
    ("Huong", 110),
    ("Hua", 100),
    ("Lan", 100),
    ("Thuy", 100),
    ("Hong", 90),
    ("Ngoc", 90),
    ("Hoa", 90),
    ("Xiu", 80),
    ("Thảo", 60),
    ("Minji", 60),
    ("Yuki", 60),
    ("Jiwoo", 50),
    ("Seoyeon", 50),
    ("Sakura", 40),
    ("Jennifer", 40),
    ("Grace", 40),
    ("Emily", 40),
    ("Yui", 30),
    ("Aiko", 30),
];

const EUROPEAN_FAMILY: Weighted = &[
    ("Smith", 700),
    ("Jones", 450),
    ("Williams", 400),
    ("Brown", 380),
    ("Johnson", 380),
    ("Taylor", 350),
    ("Müller", 300),
    ("Davies", 250),
    ("Wilson", 250),
    ("Schmidt", 250),
    ("Nowak", 250),
    ("Martin", 250),
    ("Evans", 200),
    ("Thomas", 200),
    ("Murphy", 200),
    ("Schneider", 200),
    ("Kowalski", 200),
    ("Rossi", 200),
    ("Roberts", 180),
    ("Fischer", 180),
    ("Thompson", 170),
    ("Weber", 170),
    ("Walker", 160),
    ("White", 160),
    ("Meyer", 160),
    ("Wright", 150),
    ("Robinson", 150),
    ("O'Brien", 150),
    ("Wagner", 150),
    ("Russo", 150),
    ("Dubois", 150),
    ("Kelly", 140),
    ("Becker", 140),
    ("Green", 130),
    ("O'Connor", 130),
    ("Schulz", 130),
    ("Hughes", 120),
    ("Edwards", 120),
    ("Hall", 120),
    ("Ryan", 120),
    ("Hoffmann", 120),
    ("Wiśniewski", 120),
    ("Ferrari", 120),
    ("Bernard", 120),
    ("O'Sullivan", 110),
    ("Esposito", 110),
    ("Wood", 100),
    ("Clarke", 100),
    ("Walsh", 100),
    ("Koch", 100),
    ("Wójcik", 100),
    ("Bianchi", 100),
    ("McCarthy", 90),
    ("Kowalczyk", 90),
    ("Romano", 90),
    ("Moreau", 90),
    ("Laurent", 90),
    ("de Vries", 90),
    ("Andersson", 90),
    ("Hansen", 90),
    ("Byrne", 80),
    ("Schröder", 80),
    ("Lewandowski", 80),
    ("Colombo", 80),
    ("Lefèvre", 80),
    ("Janssen", 80),
    ("van Dijk", 80),
    ("Johansson", 80),
    ("Nielsen", 80),
    ("Zieliński", 70),
    ("Girard", 70),
    ("Bakker", 70),
    ("Ivanov", 70),
    ("Larsen", 60),
    ("Petrov", 60),
    ("Popescu", 60),
    ("Novák", 60),
    ("Fontaine", 50),
    ("Horváth", 50),
    ("Papadopoulos", 50),
];

const EUROPEAN_MALE: Weighted = &[
    ("James", 300),
    ("John", 300),
    ("Michael", 280),
    ("David", 250),
    ("Thomas", 200),
    ("William", 200),
    ("Daniel", 180),
    ("Oliver", 150),
    ("Jack", 150),
    ("George", 130),
    ("Harry", 120),
    ("Patrick", 100),
    ("Liam", 100),
    ("Christopher", 100),
    ("Andrew", 100),
    ("Matthew", 100),
    ("Lukas", 90),
    ("Luca", 90),
    ("Mark", 90),
    ("Felix", 80),
    ("Piotr", 80),
    ("Marco", 80),
    ("Jean", 80),
    ("Jan", 80),
    ("Stephen", 80),
    ("Jonas", 70),
    ("Tomasz", 70),
    ("Pierre", 70),
    ("Seán", 60),
    ("Conor", 60),
    ("Maximilian", 60),
    ("Krzysztof", 60),
    ("Michał", 60),
    ("Giuseppe", 60),
    ("Nicolas", 60),
    ("François", 50),
    ("Lars", 50),
    ("Erik", 50),
    ("Jürgen", 40),
    ("Søren", 30),
    ("Björn", 30),
];

const EUROPEAN_FEMALE: Weighted = &[
    ("Emma", 250),
    ("Sarah", 220),
    ("Mary", 200),
    ("Olivia", 200),
    ("Anna", 200),
    ("Emily", 180),
    ("Sophie", 170),
    ("Hannah", 150),
    ("Elizabeth", 150),
    ("Laura", 150),
    ("Catherine", 120),
    ("Julia", 120),
    ("Marie", 120),
    ("Helen", 100),
    ("Jennifer", 100),
    ("Lena", 90),
    ("Rachel", 90),
    ("Claire", 90),
    ("Katherine", 80),
    ("Giulia", 80),
    ("Margaret", 80),
    ("Chloé", 70),
    ("Katarzyna", 70),
    ("Francesca", 70),
    ("Zoë", 60),
    ("Agnieszka", 60),
    ("Chiara", 60),
    ("Camille", 60),
    ("Aoife", 50),
    ("Siobhán", 50),
    ("Niamh", 50),
    ("Małgorzata", 50),
    ("Élodie", 40),
    ("Ingrid", 40),
    ("Astrid", 40),
];

#[cfg(test)]
mod tests {
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
}
