//! Patients: the registration fields, their validation, and how a patient
//! reads on screen (name, age).

use crate::domain::ids::Id;
use crate::domain::names;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use std::borrow::Cow;
use strum::{EnumCount, EnumIter, IntoEnumIterator};

/// Sex as recorded at registration.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
pub enum Sex {
    M,
    F,
    O,
    U,
}

impl Sex {
    /// Reads M, F, O, U or the words male, female, other, unknown; empty is U.
    pub fn parse(text: &str) -> Option<Sex> {
        match text.trim().to_ascii_lowercase().as_str() {
            "m" | "male" => Some(Sex::M),
            "f" | "female" => Some(Sex::F),
            "o" | "other" => Some(Sex::O),
            "u" | "unknown" | "" => Some(Sex::U),
            _ => None,
        }
    }

    /// The FHIR administrative gender.
    pub fn fhir(self) -> &'static str {
        match self {
            Sex::M => "male",
            Sex::F => "female",
            Sex::O => "other",
            Sex::U => "unknown",
        }
    }
}

/// Every field of the registration form, in form order. The names are the
/// CSV column names of import and export.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    EnumCount,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum Field {
    GivenName,
    MiddleName,
    FamilyName,
    BirthDate,
    EstimatedAge,
    Sex,
    Phone,
    Email,
    AddressLine1,
    AddressLine2,
    City,
    Region,
    PostalCode,
    Country,
    NationalId,
    EmergencyName,
    EmergencyRelation,
    EmergencyPhone,
    InsuranceProvider,
    InsurancePolicy,
    InsuranceValidUntil,
    Notes,
}

impl Field {
    /// The label on the form.
    pub fn label(self) -> &'static str {
        match self {
            Field::GivenName => "Given name",
            Field::MiddleName => "Middle name",
            Field::FamilyName => "Family name",
            Field::BirthDate => "Birth date",
            Field::EstimatedAge => "Or about age",
            Field::Sex => "Sex M/F/O/U",
            Field::Phone => "Phone",
            Field::Email => "E-mail",
            Field::AddressLine1 => "Address",
            Field::AddressLine2 => "Address 2",
            Field::City => "City",
            Field::Region => "Region",
            Field::PostalCode => "Postal code",
            Field::Country => "Country",
            Field::NationalId => "National ID",
            Field::EmergencyName => "Emergency contact",
            Field::EmergencyRelation => "Relation",
            Field::EmergencyPhone => "Emergency phone",
            Field::InsuranceProvider => "Insurer",
            Field::InsurancePolicy => "Policy number",
            Field::InsuranceValidUntil => "Valid until",
            Field::Notes => "Notes",
        }
    }

    /// The CSV column name.
    pub fn column(self) -> &'static str {
        self.into()
    }

    /// How the field is named in a sentence, before its problem:
    /// `birth date: not a date…`.
    pub fn spoken(self) -> &'static str {
        match self {
            Field::GivenName => "given name",
            Field::MiddleName => "middle name",
            Field::FamilyName => "family name",
            Field::BirthDate => "birth date",
            Field::EstimatedAge => "estimated age",
            Field::Sex => "sex",
            Field::Phone => "phone",
            Field::Email => "e-mail",
            Field::AddressLine1 => "address line 1",
            Field::AddressLine2 => "address line 2",
            Field::City => "city",
            Field::Region => "region",
            Field::PostalCode => "postal code",
            Field::Country => "country",
            Field::NationalId => "national ID",
            Field::EmergencyName => "emergency contact name",
            Field::EmergencyRelation => "emergency contact relation",
            Field::EmergencyPhone => "emergency contact phone",
            Field::InsuranceProvider => "insurance provider",
            Field::InsurancePolicy => "insurance policy number",
            Field::InsuranceValidUntil => "insurance valid until",
            Field::Notes => "notes",
        }
    }

    /// Whether the field names a person, so that a name check applies.
    fn is_name(self) -> bool {
        matches!(
            self,
            Field::GivenName | Field::MiddleName | Field::FamilyName | Field::EmergencyName
        )
    }

    fn max_len(self) -> usize {
        match self {
            Field::Notes => 2000,
            Field::NationalId | Field::InsurancePolicy => 40,
            Field::PostalCode => 20,
            _ => 100,
        }
    }
}

/// The form as typed: one text per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientInput {
    values: [String; Field::COUNT],
}

impl PatientInput {
    pub fn get(&self, f: Field) -> &str {
        &self.values[f as usize]
    }

    pub fn set(&mut self, f: Field, value: impl Into<String>) {
        self.values[f as usize] = value.into();
    }

    pub fn with(mut self, f: Field, value: impl Into<String>) -> Self {
        self.set(f, value);
        self
    }

    /// Whether anything at all has been typed.
    pub fn is_blank(&self) -> bool {
        self.values.iter().all(|v| v.trim().is_empty())
    }

    /// The form filled from a stored patient, for editing.
    /// An estimated birth date shows as the age it gives on `today`.
    pub fn from_details(d: &PatientDetails, date_pattern: &str, today: NaiveDate) -> PatientInput {
        let mut i = PatientInput::default();
        let date = |d: NaiveDate| d.format(date_pattern).to_string();
        i.set(Field::GivenName, &d.given_name);
        i.set(Field::MiddleName, &d.middle_name);
        i.set(Field::FamilyName, &d.family_name);
        if d.birth_date_estimated {
            i.set(Field::EstimatedAge, age_label(d.birth_date, false, today));
        } else {
            i.set(Field::BirthDate, date(d.birth_date));
        }
        i.set(Field::Sex, d.sex.to_string());
        i.set(Field::Phone, &d.phone);
        i.set(Field::Email, &d.email);
        i.set(Field::AddressLine1, &d.address_line1);
        i.set(Field::AddressLine2, &d.address_line2);
        i.set(Field::City, &d.city);
        i.set(Field::Region, &d.region);
        i.set(Field::PostalCode, &d.postal_code);
        i.set(Field::Country, &d.country);
        i.set(Field::NationalId, &d.national_id);
        i.set(Field::EmergencyName, &d.emergency_name);
        i.set(Field::EmergencyRelation, &d.emergency_relation);
        i.set(Field::EmergencyPhone, &d.emergency_phone);
        i.set(Field::InsuranceProvider, &d.insurance_provider);
        i.set(Field::InsurancePolicy, &d.insurance_policy);
        if let Some(v) = d.insurance_valid_until {
            i.set(Field::InsuranceValidUntil, date(v));
        }
        i.set(Field::Notes, &d.notes);
        i
    }
}

/// The validated, storable fields of a patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientDetails {
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub birth_date_estimated: bool,
    pub sex: Sex,
    pub phone: String,
    pub email: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub national_id: String,
    pub emergency_name: String,
    pub emergency_relation: String,
    pub emergency_phone: String,
    pub insurance_provider: String,
    pub insurance_policy: String,
    pub insurance_valid_until: Option<NaiveDate>,
    pub notes: String,
}

impl PatientDetails {
    /// "Given Middle Family", skipping empty parts.
    pub fn full_name(&self) -> String {
        full_name(&self.given_name, &self.middle_name, &self.family_name)
    }

    /// The text of one field, for comparing and filling empty ones. An
    /// estimated birth date is its date, so that the text of a record does
    /// not change with the day it is read.
    pub fn text(&self, f: Field) -> String {
        if f == Field::EstimatedAge && self.birth_date_estimated {
            return format!("about {}", self.birth_date.format("%Y-%m-%d"));
        }
        PatientInput::from_details(self, "%Y-%m-%d", self.birth_date)
            .get(f)
            .to_string()
    }
}

/// "Given Middle Family", skipping empty parts.
pub fn full_name(given: &str, middle: &str, family: &str) -> String {
    [given, middle, family]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A registered patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: Id,
    pub mrn: String,
    pub legacy_mrn: String,
    pub details: PatientDetails,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub delete_reason: Option<String>,
    pub merged_into: Option<Id>,
    /// When the patient died, once recorded: they are then marked deceased
    /// wherever they appear and are not booked, admitted or dispensed to.
    pub died_at: Option<DateTime<Utc>>,
}

/// One field's problem, shown next to it. The message says what is wrong
/// and what to do, and reads both alone (under the field on the form) and
/// after the field's name: [`FieldError`] displays as
/// `sex: type M (male), F (female), O (other) or U (unknown)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field.spoken(), self.message)
    }
}

/// A field's text with its line breaks dealt with: notes keep theirs, as
/// `\n` whatever the file's line endings (`\r\n` from Windows, a lone `\r`);
/// an address line joins its lines with ", " (an address another system
/// kept as several lines in one cell); any other field keeps them, for
/// [`validate`] to refuse.
fn with_line_breaks(f: Field, text: &str) -> Cow<'_, str> {
    if !text.contains(['\r', '\n']) {
        return Cow::Borrowed(text);
    }
    let lines = text.split("\r\n").flat_map(|l| l.split(['\r', '\n']));
    match f {
        Field::Notes => Cow::Owned(lines.collect::<Vec<_>>().join("\n")),
        Field::AddressLine1 | Field::AddressLine2 => Cow::Owned(
            lines
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => Cow::Borrowed(text),
    }
}

/// Reads a date typed in the hospital's format or as YYYY-MM-DD.
pub fn parse_date(text: &str, pattern: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, pattern)
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .ok()
}

/// Why a typed date is not a date: its shape is not the hospital's format,
/// or it names a day or month that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotADate {
    /// Not in the format: `format` is how to type it (DD/MM/YYYY).
    Shape { format: String },
    /// A month past 12 (or 0).
    NoSuchMonth { typed: String, month: u32 },
    /// A day the month does not have: `31/02/2020`.
    NoSuchDay {
        typed: String,
        month: u32,
        year: i32,
        day: u32,
    },
}

impl std::fmt::Display for NotADate {
    /// The part that follows a field's name: `not a date: type it as
    /// DD/MM/YYYY`, `31/02/2020: February has no 31st`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotADate::Shape { format } => write!(f, "not a date: type it as {format}"),
            NotADate::NoSuchMonth { typed, month } => {
                write!(f, "{typed}: there is no month {month}, months go 1 to 12")
            }
            NotADate::NoSuchDay {
                typed,
                month,
                year,
                day,
            } => {
                let name = month_name(*month);
                if *month == 2 && *day == 29 {
                    write!(
                        f,
                        "{typed}: {name} {year} has no 29th, {year} is not a leap year"
                    )
                } else {
                    write!(f, "{typed}: {name} has no {day}{}", ordinal_suffix(*day))
                }
            }
        }
    }
}

impl NotADate {
    /// The error as a sentence about what was typed, for a status line:
    /// `"3/x" is not a date: type it as DD/MM/YYYY.`
    pub fn sentence(&self, typed: &str) -> String {
        match self {
            NotADate::Shape { format } => {
                format!("{:?} is not a date: type it as {format}.", typed.trim())
            }
            other => format!("{other}."),
        }
    }
}

/// How a date pattern is typed: "DD/MM/YYYY" for "%d/%m/%Y".
pub fn date_format_name(pattern: &str) -> String {
    pattern
        .replace("%Y", "YYYY")
        .replace("%m", "MM")
        .replace("%d", "DD")
}

/// Reads a date as [`parse_date`] does, or says why it is not one: a day or
/// month that does not exist is named, anything else gets the format.
pub fn read_date(text: &str, pattern: &str) -> Result<NaiveDate, NotADate> {
    if let Some(d) = parse_date(text, pattern) {
        return Ok(d);
    }
    let typed = text.trim().to_string();
    let shape = || NotADate::Shape {
        format: date_format_name(pattern),
    };
    let parts: Vec<&str> = typed
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let separators_ok = typed
        .chars()
        .all(|c| c.is_ascii_digit() || "/.-".contains(c));
    if parts.len() != 3 || !separators_ok {
        return Err(shape());
    }
    // Where day, month and year stand: the pattern's order, or YYYY-MM-DD
    // when the text starts with a four-digit year.
    let order: Vec<char> = if parts[0].len() == 4 {
        vec!['Y', 'm', 'd']
    } else {
        let mut at: Vec<(usize, char)> = ['Y', 'm', 'd']
            .iter()
            .filter_map(|c| pattern.find(&format!("%{c}")).map(|i| (i, *c)))
            .collect();
        at.sort_unstable();
        at.into_iter().map(|(_, c)| c).collect()
    };
    let get = |c: char| {
        order
            .iter()
            .position(|o| *o == c)
            .and_then(|i| parts.get(i))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (Some(day), Some(month), Some(year)) = (get('d'), get('m'), get('Y')) else {
        return Err(shape());
    };
    if order.len() != 3 || parts[order.iter().position(|o| *o == 'Y').unwrap_or(0)].len() != 4 {
        return Err(shape());
    }
    if !(1..=12).contains(&month) {
        return Err(NotADate::NoSuchMonth { typed, month });
    }
    let year = i32::try_from(year).map_err(|_| shape())?;
    if day == 0 || NaiveDate::from_ymd_opt(year, month, day).is_none() {
        return Err(NotADate::NoSuchDay {
            typed,
            month,
            year,
            day,
        });
    }
    Err(shape())
}

fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("That month")
}

/// "st" for 1, 21, 31; "nd", "rd"; "th" otherwise (11th, 12th, 13th).
fn ordinal_suffix(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// Whole years from `birth` to `today`.
pub fn age_years(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The age as shown in lists: years, months under two, `~` when estimated.
pub fn age_label(birth: NaiveDate, estimated: bool, today: NaiveDate) -> String {
    let years = age_years(birth, today);
    let tilde = if estimated { "~" } else { "" };
    if years >= 2 {
        return format!("{tilde}{years}");
    }
    let mut months =
        (today.year() - birth.year()) * 12 + today.month() as i32 - birth.month() as i32;
    if today.day() < birth.day() {
        months -= 1;
    }
    format!("{tilde}{}m", months.max(0))
}

/// The birth date an estimated age stands for: `45`, `about 45`, `45y`, or
/// `6m` / `6 months` for infants.
pub fn estimated_birth_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let t = text.trim().to_lowercase();
    let t = t
        .strip_prefix("about")
        .unwrap_or(&t)
        .trim()
        .trim_start_matches('~')
        .trim();
    let (number, months) = if let Some(n) = t
        .strip_suffix("months")
        .or_else(|| t.strip_suffix("month"))
        .or_else(|| t.strip_suffix('m'))
    {
        (n.trim(), true)
    } else {
        let n = t
            .strip_suffix("years")
            .or_else(|| t.strip_suffix("year"))
            .or_else(|| t.strip_suffix('y'))
            .unwrap_or(t);
        (n.trim(), false)
    };
    let n: u32 = number.parse().ok()?;
    let months = if months { n } else { n.checked_mul(12)? };
    if months > 150 * 12 {
        return None;
    }
    today.checked_sub_months(Months::new(months))
}

/// Digits of a phone number, for matching whatever the separators.
pub fn phone_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn check_phone(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err("use only digits, spaces and + - ( ), e.g. +254 712 345 678".into());
    }
    let n = phone_digits(t).len();
    if !(4..=15).contains(&n) {
        return Err(format!("has {n} digits: a phone number has 4 to 15 digits"));
    }
    Ok(t.to_string())
}

fn check_email(text: &str) -> Result<String, String> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return Ok(t);
    }
    let ok = match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !t.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(t)
    } else {
        Err("not an e-mail address: type it like name@example.org".into())
    }
}

/// Checks every field of the form; on failure, every field's problem.
pub fn validate(
    input: &PatientInput,
    today: NaiveDate,
    date_pattern: &str,
) -> Result<PatientDetails, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: Field, message: String| errors.push(FieldError { field, message });
    let values: Vec<Cow<str>> = Field::iter()
        .map(|f| with_line_breaks(f, input.get(f)))
        .collect();
    let value = |f: Field| values[f as usize].as_ref();
    for f in Field::iter() {
        let v = value(f);
        // Notes may hold line breaks and tabs, no other control character.
        let allowed = |c: char| f == Field::Notes && matches!(c, '\n' | '\t');
        if v.trim().chars().count() > f.max_len() {
            err(f, format!("too long: at most {} characters", f.max_len()));
        } else if v.contains(['\r', '\n']) && f != Field::Notes {
            err(
                f,
                "holds a line break: keep it on one line (only notes may have several lines)"
                    .into(),
            );
        } else if v.chars().any(|c| c.is_control() && !allowed(c)) {
            err(
                f,
                "holds an invisible control character (such as a tab): retype it".into(),
            );
        } else if f.is_name() && names::starts_like_formula(v) {
            err(f, names::FORMULA_START.into());
        }
    }
    let text = |f: Field| value(f).trim().to_string();
    if [Field::GivenName, Field::MiddleName, Field::FamilyName]
        .iter()
        .all(|f| text(*f).is_empty())
    {
        err(
            Field::GivenName,
            "type at least one name, a given name or a family name".into(),
        );
    }
    let format_hint = date_format_name(date_pattern);
    let typed_birth = text(Field::BirthDate);
    let typed_age = text(Field::EstimatedAge);
    let mut birth = None;
    let mut estimated = false;
    if !typed_birth.is_empty() {
        match read_date(&typed_birth, date_pattern) {
            Err(why) => err(Field::BirthDate, why.to_string()),
            Ok(d) if d > today => err(Field::BirthDate, "in the future: check the date".into()),
            Ok(d) if age_years(d, today) > 150 => err(
                Field::BirthDate,
                "more than 150 years ago: check the year".into(),
            ),
            Ok(d) => birth = Some(d),
        }
        if !typed_age.is_empty() {
            err(
                Field::EstimatedAge,
                "leave it empty when the birth date is known".into(),
            );
        }
    } else if !typed_age.is_empty() {
        match estimated_birth_date(&typed_age, today) {
            Some(d) => {
                birth = Some(d);
                estimated = true;
            }
            None => err(
                Field::EstimatedAge,
                "type years (about 45) or months for a baby (6m), up to 150 years".into(),
            ),
        }
    } else {
        err(
            Field::BirthDate,
            format!("required: type the birth date ({format_hint}) or an estimated age (about 45)"),
        );
    }
    let sex = Sex::parse(input.get(Field::Sex));
    if sex.is_none() {
        err(
            Field::Sex,
            "type M (male), F (female), O (other) or U (unknown)".into(),
        );
    }
    let mut phone = |f: Field| match check_phone(input.get(f)) {
        Ok(p) => p,
        Err(m) => {
            err(f, m);
            String::new()
        }
    };
    let phone_v = phone(Field::Phone);
    let emergency_phone = phone(Field::EmergencyPhone);
    let email = match check_email(input.get(Field::Email)) {
        Ok(e) => e,
        Err(m) => {
            err(Field::Email, m);
            String::new()
        }
    };
    let typed_until = text(Field::InsuranceValidUntil);
    let valid_until = if typed_until.is_empty() {
        None
    } else {
        match read_date(&typed_until, date_pattern) {
            Ok(d) => Some(d),
            Err(why) => {
                err(Field::InsuranceValidUntil, why.to_string());
                None
            }
        }
    };
    match (birth, sex) {
        (Some(birth_date), Some(sex)) if errors.is_empty() => Ok(PatientDetails {
            given_name: text(Field::GivenName),
            middle_name: text(Field::MiddleName),
            family_name: text(Field::FamilyName),
            birth_date,
            birth_date_estimated: estimated,
            sex,
            phone: phone_v,
            email,
            address_line1: text(Field::AddressLine1),
            address_line2: text(Field::AddressLine2),
            city: text(Field::City),
            region: text(Field::Region),
            postal_code: text(Field::PostalCode),
            country: text(Field::Country),
            national_id: text(Field::NationalId),
            emergency_name: text(Field::EmergencyName),
            emergency_relation: text(Field::EmergencyRelation),
            emergency_phone,
            insurance_provider: text(Field::InsuranceProvider),
            insurance_policy: text(Field::InsurancePolicy),
            insurance_valid_until: valid_until,
            notes: text(Field::Notes),
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()
    }

    fn minimal() -> PatientInput {
        PatientInput::default()
            .with(Field::GivenName, "Amina")
            .with(Field::FamilyName, "Okafor")
            .with(Field::BirthDate, "1980-02-29")
            .with(Field::Sex, "f")
    }

    fn errors(i: &PatientInput) -> Vec<(Field, String)> {
        match validate(i, today(), "%d/%m/%Y") {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    }

    #[test]
    fn a_minimal_patient_is_valid() {
        let d = validate(&minimal(), today(), "%d/%m/%Y").unwrap();
        assert_eq!(d.full_name(), "Amina Okafor");
        assert_eq!(d.sex, Sex::F);
        assert!(!d.birth_date_estimated);
    }

    #[test]
    fn a_single_name_is_enough_but_none_is_not() {
        let single = minimal()
            .with(Field::GivenName, "")
            .with(Field::FamilyName, "Suharto");
        assert!(errors(&single).is_empty());
        let none = minimal()
            .with(Field::GivenName, "")
            .with(Field::FamilyName, " ");
        assert_eq!(errors(&none)[0].0, Field::GivenName);
    }

    #[test]
    fn birth_dates_in_either_format_not_future_not_too_old() {
        assert!(errors(&minimal().with(Field::BirthDate, "15/03/1980")).is_empty());
        assert!(errors(&minimal().with(Field::BirthDate, "1980-03-15")).is_empty());
        assert_eq!(
            errors(&minimal().with(Field::BirthDate, "31/02/1980"))[0].0,
            Field::BirthDate
        );
        assert!(
            errors(&minimal().with(Field::BirthDate, "10/03/2026"))[0]
                .1
                .contains("future")
        );
        assert!(
            errors(&minimal().with(Field::BirthDate, "01/01/1870"))[0]
                .1
                .contains("150")
        );
        let missing = errors(&minimal().with(Field::BirthDate, ""));
        assert!(missing[0].1.contains("DD/MM/YYYY"), "{missing:?}");
    }

    #[test]
    fn an_estimated_age_stands_for_a_flagged_birth_date() {
        let i = minimal()
            .with(Field::BirthDate, "")
            .with(Field::EstimatedAge, "about 45");
        let d = validate(&i, today(), "%d/%m/%Y").unwrap();
        assert!(d.birth_date_estimated);
        assert_eq!(d.birth_date, NaiveDate::from_ymd_opt(1981, 3, 9).unwrap());
        assert_eq!(age_label(d.birth_date, true, today()), "~45");
        let baby = minimal()
            .with(Field::BirthDate, "")
            .with(Field::EstimatedAge, "6m");
        let d = validate(&baby, today(), "%d/%m/%Y").unwrap();
        assert_eq!(age_label(d.birth_date, true, today()), "~6m");
        assert_eq!(
            errors(
                &minimal()
                    .with(Field::BirthDate, "")
                    .with(Field::EstimatedAge, "151")
            )[0]
            .0,
            Field::EstimatedAge
        );
        assert_eq!(
            errors(&minimal().with(Field::EstimatedAge, "45"))[0].0,
            Field::EstimatedAge
        );
    }

    #[test]
    fn sex_phone_email_and_dates_are_checked() {
        assert_eq!(
            validate(&minimal().with(Field::Sex, ""), today(), "%Y-%m-%d")
                .unwrap()
                .sex,
            Sex::U
        );
        assert_eq!(errors(&minimal().with(Field::Sex, "x"))[0].0, Field::Sex);
        assert!(errors(&minimal().with(Field::Phone, "+254 (712) 345-678")).is_empty());
        assert_eq!(
            errors(&minimal().with(Field::Phone, "12"))[0].0,
            Field::Phone
        );
        assert_eq!(
            errors(&minimal().with(Field::Phone, "call me"))[0].0,
            Field::Phone
        );
        assert_eq!(
            errors(&minimal().with(Field::EmergencyPhone, "0712-abc"))[0].0,
            Field::EmergencyPhone
        );
        let d = validate(
            &minimal().with(Field::Email, " Amina@Example.ORG "),
            today(),
            "%Y-%m-%d",
        )
        .unwrap();
        assert_eq!(d.email, "amina@example.org");
        for bad in ["amina", "amina@", "@example.org", "a@b", "a b@example.org"] {
            assert_eq!(
                errors(&minimal().with(Field::Email, bad))[0].0,
                Field::Email,
                "{bad}"
            );
        }
        assert_eq!(
            errors(&minimal().with(Field::InsuranceValidUntil, "soon"))[0].0,
            Field::InsuranceValidUntil
        );
        assert_eq!(
            errors(&minimal().with(Field::NationalId, "9".repeat(41)))[0].0,
            Field::NationalId
        );
        assert_eq!(
            errors(&minimal().with(Field::City, "Nai\u{7}robi"))[0].0,
            Field::City
        );
    }

    #[test]
    fn names_starting_like_a_spreadsheet_formula_are_refused() {
        for f in [
            Field::GivenName,
            Field::MiddleName,
            Field::FamilyName,
            Field::EmergencyName,
        ] {
            for name in [
                "=HYPERLINK(\"http://x\",\"a\")",
                "+254",
                "-2+3",
                "@SUM(A1)",
                " =1",
            ] {
                let e = validate(&minimal().with(f, name), today(), "%Y-%m-%d").unwrap_err();
                assert_eq!(
                    e.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    [format!(
                        "{}: a name cannot start with =, +, - or @ (spreadsheet formula characters)",
                        f.spoken()
                    )],
                    "{f:?} {name}"
                );
            }
        }
        // Names with such characters inside, or a leading apostrophe, are names.
        for name in ["Jean-Luc", "'t Hooft", "A+"] {
            assert!(
                errors(&minimal().with(Field::FamilyName, name)).is_empty(),
                "{name}"
            );
        }
        // Other fields may start so: a phone's + is a phone's.
        assert!(errors(&minimal().with(Field::Phone, "+254 712 345 678")).is_empty());
        assert!(errors(&minimal().with(Field::Notes, "=1+1")).is_empty());
    }

    #[test]
    fn line_breaks_are_kept_in_notes_joined_in_addresses_refused_elsewhere() {
        let windows = minimal()
            .with(
                Field::Notes,
                "line one\r\nline two\rline three\n\r\nend\r\n",
            )
            .with(Field::AddressLine1, "12 Market Road\r\n Block 4 \r\n\r\n")
            .with(Field::AddressLine2, "PO Box 7\nAccra");
        let d = validate(&windows, today(), "%Y-%m-%d").unwrap();
        assert_eq!(d.notes, "line one\nline two\nline three\n\nend");
        assert_eq!(d.address_line1, "12 Market Road, Block 4");
        assert_eq!(d.address_line2, "PO Box 7, Accra");
        let tab = validate(
            &minimal().with(Field::Notes, "dose:\t5 ml"),
            today(),
            "%Y-%m-%d",
        );
        assert_eq!(tab.unwrap().notes, "dose:\t5 ml");
        assert_eq!(
            errors(&minimal().with(Field::City, "Nairobi\r\nWest")),
            [(
                Field::City,
                "holds a line break: keep it on one line (only notes may have several lines)"
                    .to_string()
            )]
        );
        assert_eq!(
            errors(&minimal().with(Field::Notes, "bell\u{7}")),
            [(
                Field::Notes,
                "holds an invisible control character (such as a tab): retype it".to_string()
            )]
        );
    }

    #[test]
    fn each_problem_reads_as_a_sentence_after_its_field() {
        let i = PatientInput::default()
            .with(Field::BirthDate, "31/02/1990")
            .with(Field::Sex, "x")
            .with(Field::Phone, "12")
            .with(Field::Email, "no");
        let said: Vec<String> = validate(&i, today(), "%d/%m/%Y")
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            said,
            [
                "given name: type at least one name, a given name or a family name",
                "birth date: 31/02/1990: February has no 31st",
                "sex: type M (male), F (female), O (other) or U (unknown)",
                "phone: has 2 digits: a phone number has 4 to 15 digits",
                "e-mail: not an e-mail address: type it like name@example.org",
            ]
        );
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let i = PatientInput::default()
            .with(Field::Sex, "x")
            .with(Field::Phone, "1")
            .with(Field::Email, "no");
        let fields: Vec<Field> = errors(&i).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                Field::GivenName,
                Field::BirthDate,
                Field::Sex,
                Field::Phone,
                Field::Email
            ]
        );
    }

    #[test]
    fn a_form_round_trips_through_details() {
        let d = validate(
            &minimal().with(Field::Phone, "0712 345 678"),
            today(),
            "%d/%m/%Y",
        )
        .unwrap();
        let again = validate(
            &PatientInput::from_details(&d, "%d/%m/%Y", today()),
            today(),
            "%d/%m/%Y",
        )
        .unwrap();
        assert_eq!(d, again);
    }

    #[test]
    fn a_date_that_does_not_exist_is_named() {
        let dmy = "%d/%m/%Y";
        let said = |t: &str, p: &str| read_date(t, p).unwrap_err().to_string();
        assert_eq!(said("31/02/2020", dmy), "31/02/2020: February has no 31st");
        assert_eq!(said("31/04/2026", dmy), "31/04/2026: April has no 31st");
        assert_eq!(
            said("29/02/2021", dmy),
            "29/02/2021: February 2021 has no 29th, 2021 is not a leap year"
        );
        assert_eq!(
            said("12/13/2026", dmy),
            "12/13/2026: there is no month 13, months go 1 to 12"
        );
        assert_eq!(said("2020-02-30", dmy), "2020-02-30: February has no 30th");
        assert_eq!(
            said("02/31/2020", "%m/%d/%Y"),
            "02/31/2020: February has no 31st"
        );
        assert_eq!(said("0/1/2020", dmy), "0/1/2020: January has no 0th");
        assert_eq!(said("next week", dmy), "not a date: type it as DD/MM/YYYY");
        assert_eq!(said("1/2", dmy), "not a date: type it as DD/MM/YYYY");
        assert_eq!(
            read_date("yesterday", dmy)
                .unwrap_err()
                .sentence(" yesterday "),
            "\"yesterday\" is not a date: type it as DD/MM/YYYY."
        );
        assert_eq!(
            read_date("31/02/2020", dmy)
                .unwrap_err()
                .sentence("31/02/2020"),
            "31/02/2020: February has no 31st."
        );
        assert_eq!(
            read_date(" 29/02/2024 ", dmy),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
    }
}
