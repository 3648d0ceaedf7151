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

mod cultures;
mod places;

use cultures::{CULTURES, VARIANTS};
use places::{AddressStyle, CLINIC_COUNTRY, COUNTRIES, Country, EMAIL_DOMAINS, LANDMARKS, NOTES};

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

/// The tables built once per process from the lists in `cultures` and `places`.
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

#[cfg(test)]
mod tests;
