//! Wards, beds and admissions as the ward nurse sees them: the five bed
//! statuses and the moves between them, what may be admitted where, and the
//! census arithmetic. Pure rules; the store and the screens build on them.

use crate::domain::patient::Sex;
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// Where a bed stands. Stored in snake_case (`out_of_service`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum BedStatus {
    Available,
    Reserved,
    Occupied,
    Cleaning,
    OutOfService,
}

impl BedStatus {
    /// The letter on the board, so that colour is never the only signal.
    pub fn letter(self) -> char {
        match self {
            BedStatus::Available => 'A',
            BedStatus::Reserved => 'R',
            BedStatus::Occupied => 'O',
            BedStatus::Cleaning => 'C',
            BedStatus::OutOfService => 'X',
        }
    }

    /// How the status reads in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            BedStatus::Available => "available",
            BedStatus::Reserved => "reserved",
            BedStatus::Occupied => "occupied",
            BedStatus::Cleaning => "cleaning",
            BedStatus::OutOfService => "out of service",
        }
    }

    /// Whether a bed may go from `self` to `next` (the database's trigger
    /// holds the same table):
    /// available → reserved, occupied (admit), out of service;
    /// reserved → available (cancelled or lapsed), occupied;
    /// occupied → cleaning (discharge, transfer out);
    /// cleaning → available (cleaned), out of service;
    /// out of service → available.
    pub fn can_become(self, next: BedStatus) -> bool {
        use BedStatus::*;
        matches!(
            (self, next),
            (Available, Reserved)
                | (Available, Occupied)
                | (Available, OutOfService)
                | (Reserved, Available)
                | (Reserved, Occupied)
                | (Occupied, Cleaning)
                | (Cleaning, Available)
                | (Cleaning, OutOfService)
                | (OutOfService, Available)
        )
    }

    /// Whether a patient may be admitted into (or transferred to) the bed.
    pub fn is_free(self) -> bool {
        self == BedStatus::Available
    }
}

/// What a ward is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum WardKind {
    General,
    Medical,
    Surgical,
    Maternity,
    Paediatric,
    Icu,
    Isolation,
    Other,
}

impl WardKind {
    /// How the kind reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            WardKind::General => "general",
            WardKind::Medical => "medical",
            WardKind::Surgical => "surgical",
            WardKind::Maternity => "maternity",
            WardKind::Paediatric => "paediatric",
            WardKind::Icu => "ICU",
            WardKind::Isolation => "isolation",
            WardKind::Other => "other",
        }
    }

    /// The kinds as typed on the command line, for error messages.
    pub fn all_names() -> String {
        use strum::IntoEnumIterator;
        WardKind::iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a bed is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum BedKind {
    Standard,
    Icu,
    Cot,
    Bassinet,
    Isolation,
    Bariatric,
}

impl BedKind {
    /// How the kind reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            BedKind::Standard => "standard",
            BedKind::Icu => "ICU",
            BedKind::Cot => "cot",
            BedKind::Bassinet => "bassinet",
            BedKind::Isolation => "isolation",
            BedKind::Bariatric => "bariatric",
        }
    }

    /// The ages a bed of this kind is made for, in whole years below which
    /// a patient fits it (a bassinet under 1, a cot under 3); `None` for
    /// any age.
    pub fn under_years(self) -> Option<i32> {
        match self {
            BedKind::Bassinet => Some(1),
            BedKind::Cot => Some(3),
            _ => None,
        }
    }

    /// Why a patient born on `birth` does not fit this kind of bed on
    /// `today`, as a sentence; `None` when they do. Asked once, since a
    /// ward may have reasons (a small adult, no other bed).
    pub fn age_concern(
        self,
        label: &str,
        who: &str,
        birth: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> Option<String> {
        let under = self.under_years()?;
        let age = crate::domain::patient::age_years(birth, today);
        (age >= under).then(|| {
            format!(
                "Bed {label} is a {} (for children under {under}), and {who} is {age}.",
                self.label()
            )
        })
    }

    /// The kinds as typed on the command line, for error messages.
    pub fn all_names() -> String {
        use strum::IntoEnumIterator;
        BedKind::iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How an admission ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Disposition {
    Home,
    Referred,
    TransferredOut,
    LeftAgainstAdvice,
    Deceased,
}

impl Disposition {
    /// How the outcome reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            Disposition::Home => "home",
            Disposition::Referred => "referred",
            Disposition::TransferredOut => "transferred out",
            Disposition::LeftAgainstAdvice => "left against advice",
            Disposition::Deceased => "deceased",
        }
    }
}

/// A ward may take only one sex (e.g. a women's ward), or anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SexRestriction {
    Female,
    Male,
}

impl SexRestriction {
    /// Reads F, M, female, male (any case); empty or "any" is no restriction.
    pub fn parse(text: &str) -> Result<Option<SexRestriction>, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "any" | "none" => Ok(None),
            "f" | "female" => Ok(Some(SexRestriction::Female)),
            "m" | "male" => Ok(Some(SexRestriction::Male)),
            other => Err(format!(
                "{other:?} is not a sex restriction: use F, M, or any"
            )),
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            SexRestriction::Female => "F",
            SexRestriction::Male => "M",
        }
    }

    /// Reads the stored code.
    pub fn from_code(code: &str) -> Option<SexRestriction> {
        match code {
            "F" => Some(SexRestriction::Female),
            "M" => Some(SexRestriction::Male),
            _ => None,
        }
    }

    /// How the restriction reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            SexRestriction::Female => "women only",
            SexRestriction::Male => "men only",
        }
    }

    /// Whether a patient of `sex` may be admitted. A patient whose sex is
    /// other or unknown is refused too: the ward staff must decide by hand
    /// (correct the record, or choose another ward).
    pub fn admits(self, sex: Sex) -> bool {
        matches!(
            (self, sex),
            (SexRestriction::Female, Sex::F) | (SexRestriction::Male, Sex::M)
        )
    }
}

/// Checks a ward name: 1 to 40 characters after trimming.
pub fn ward_name(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type the ward's name, e.g. \"Medical ward\"".into());
    }
    if t.chars().count() > 40 {
        return Err("the ward's name is too long: at most 40 characters".into());
    }
    crate::domain::text::refuse_control("ward's name", t, false)?;
    Ok(t.to_string())
}

/// Checks a bed label: 1 to 12 letters, digits, `-`, `.` or `/`, kept in
/// capitals so that "med-01" and "MED-01" are one bed.
pub fn bed_label(text: &str) -> Result<String, String> {
    let t = text.trim().to_uppercase();
    if t.is_empty() {
        return Err("type the bed's label, e.g. MED-01".into());
    }
    if t.chars().count() > 12 {
        return Err("the bed's label is too long: at most 12 characters".into());
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-./".contains(c))
    {
        return Err(format!(
            "{t:?} has characters a bed label cannot hold: use letters, digits, - . or /"
        ));
    }
    Ok(t)
}

/// Checks a free-text reason or note: required unless `optional`, at most
/// 200 characters.
pub fn reason(text: &str, what: &str, optional: bool) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() && !optional {
        return Err(format!("type the {what}: it is kept with the record"));
    }
    if t.chars().count() > 200 {
        return Err(format!("the {what} is too long: at most 200 characters"));
    }
    crate::domain::text::refuse_control(what, t, false)?;
    Ok(t.to_string())
}

/// Whole days from `since` to `now` (0 on the first day), as the board shows
/// "3d" for a patient in the third full day of a stay.
pub fn days_between(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).num_days().max(0)
}

/// Reads when a reservation ends: `HH:MM` (the next time the clock shows
/// it after `now`), or `YYYY-MM-DD HH:MM`; wall-clock times.
pub fn parse_until(text: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let t = text.trim();
    if let Ok(full) = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M") {
        return Some(full);
    }
    let time = NaiveTime::parse_from_str(t, "%H:%M").ok()?;
    let today = now.date().and_time(time);
    if today > now {
        Some(today)
    } else {
        now.date().succ_opt().map(|d| d.and_time(time))
    }
}

/// A time of death as typed: nothing for now, `HH:MM` for that time today
/// (or yesterday, when today's is still to come: a death found at dawn),
/// or `YYYY-MM-DD HH:MM`.
pub fn parse_time_of_death(text: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let t = text.trim();
    if t.is_empty() {
        return Some(now);
    }
    if let Ok(full) = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M") {
        return Some(full);
    }
    let time = NaiveTime::parse_from_str(t, "%H:%M").ok()?;
    let today = now.date().and_time(time);
    if today <= now {
        Some(today)
    } else {
        now.date().pred_opt().map(|d| d.and_time(time))
    }
}

/// How a stay in a bed began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum StayStart {
    Admission,
    Transfer,
}

/// How a stay in a bed ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum StayEnd {
    Transfer,
    Discharge,
}

/// One stay of one admission in one bed of one ward: the unit the census
/// counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaySpan {
    pub ward: usize,
    pub started_at: DateTime<Utc>,
    pub started_by: StayStart,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<StayEnd>,
}

/// One ward's line of the census for one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CensusLine {
    /// Patients in the ward at the midnight that starts the day (those
    /// admitted on earlier days included).
    pub at_start: i64,
    pub admitted: i64,
    pub transferred_in: i64,
    pub transferred_out: i64,
    pub discharged: i64,
    /// Patients in the ward at the midnight that ends the day.
    pub at_end: i64,
    /// Beds the ward had that day.
    pub beds: i64,
}

impl CensusLine {
    /// Occupancy at the end of the day, in whole percent (0 without beds).
    pub fn occupancy(&self) -> i64 {
        percent(self.at_end, self.beds)
    }

    fn add(&mut self, o: &CensusLine) {
        self.at_start += o.at_start;
        self.admitted += o.admitted;
        self.transferred_in += o.transferred_in;
        self.transferred_out += o.transferred_out;
        self.discharged += o.discharged;
        self.at_end += o.at_end;
        self.beds += o.beds;
    }
}

/// `part` of `whole` in whole percent, rounded half up; 0 when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 200 + whole) / (2 * whole)
    }
}

/// The census of `wards` wards for the day `[start, end)`: per ward, and the
/// hospital's total last. `beds[w]` is how many beds ward `w` had.
/// A stay counts at a midnight when it began at or before it and had not
/// ended by then; each movement counts on the day it happened, so
/// `at_start + admitted + transferred_in - transferred_out - discharged ==
/// at_end` for every ward.
pub fn census(
    stays: &[StaySpan],
    beds: &[i64],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<CensusLine> {
    let mut lines: Vec<CensusLine> = beds
        .iter()
        .map(|&b| CensusLine {
            beds: b,
            ..CensusLine::default()
        })
        .collect();
    let within = |t: DateTime<Utc>| t > start && t <= end;
    for s in stays {
        let Some(line) = lines.get_mut(s.ward) else {
            continue;
        };
        let present_at = |t: DateTime<Utc>| s.started_at <= t && s.ended_at.is_none_or(|e| e > t);
        if present_at(start) {
            line.at_start += 1;
        }
        if present_at(end) {
            line.at_end += 1;
        }
        if within(s.started_at) {
            match s.started_by {
                StayStart::Admission => line.admitted += 1,
                StayStart::Transfer => line.transferred_in += 1,
            }
        }
        if let (Some(e), Some(by)) = (s.ended_at, s.ended_by)
            && within(e)
        {
            match by {
                StayEnd::Transfer => line.transferred_out += 1,
                StayEnd::Discharge => line.discharged += 1,
            }
        }
    }
    let mut total = CensusLine::default();
    for l in &lines {
        total.add(l);
    }
    lines.push(total);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use strum::IntoEnumIterator;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap()
    }

    #[test]
    fn every_status_transition_is_decided() {
        use BedStatus::*;
        let allowed = [
            (Available, Reserved),
            (Available, Occupied),
            (Available, OutOfService),
            (Reserved, Available),
            (Reserved, Occupied),
            (Occupied, Cleaning),
            (Cleaning, Available),
            (Cleaning, OutOfService),
            (OutOfService, Available),
        ];
        for a in BedStatus::iter() {
            for b in BedStatus::iter() {
                assert_eq!(a.can_become(b), allowed.contains(&(a, b)), "{a} -> {b}");
            }
        }
    }

    #[test]
    fn letters_are_distinct_and_names_round_trip() {
        let letters: Vec<char> = BedStatus::iter().map(BedStatus::letter).collect();
        assert_eq!(letters, vec!['A', 'R', 'O', 'C', 'X']);
        assert_eq!(
            "out_of_service".parse::<BedStatus>().unwrap(),
            BedStatus::OutOfService
        );
        assert_eq!(
            Disposition::LeftAgainstAdvice.to_string(),
            "left_against_advice"
        );
        assert_eq!("icu".parse::<WardKind>().unwrap(), WardKind::Icu);
    }

    #[test]
    fn sex_restrictions() {
        assert_eq!(SexRestriction::parse("").unwrap(), None);
        assert_eq!(
            SexRestriction::parse("Female").unwrap(),
            Some(SexRestriction::Female)
        );
        assert!(SexRestriction::parse("x").is_err());
        assert!(SexRestriction::Female.admits(Sex::F));
        assert!(!SexRestriction::Female.admits(Sex::M));
        assert!(!SexRestriction::Male.admits(Sex::U));
    }

    #[test]
    fn labels_and_names_are_checked() {
        assert_eq!(bed_label(" med-01 ").unwrap(), "MED-01");
        assert!(bed_label("").is_err());
        assert!(bed_label("bed one").is_err());
        assert!(bed_label("ABCDEFGHIJKLM").is_err());
        assert_eq!(ward_name("  Ward A ").unwrap(), "Ward A");
        assert!(ward_name(" ").is_err());
        assert!(reason("", "reason", false).is_err());
        assert_eq!(reason("", "note", true).unwrap(), "");
    }

    #[test]
    fn reservation_ends_are_read_as_the_next_such_time() {
        let now = NaiveDateTime::parse_from_str("2026-03-10 15:00", "%Y-%m-%d %H:%M").unwrap();
        let read = |t| parse_until(t, now).map(|d| d.format("%Y-%m-%d %H:%M").to_string());
        assert_eq!(read("18:30").as_deref(), Some("2026-03-10 18:30"));
        assert_eq!(read("08:00").as_deref(), Some("2026-03-11 08:00"));
        assert_eq!(
            read("2026-03-12 09:15").as_deref(),
            Some("2026-03-12 09:15")
        );
        assert_eq!(read("soon"), None);
    }

    #[test]
    fn days_and_percent() {
        assert_eq!(days_between(at(1, 10), at(1, 23)), 0);
        assert_eq!(days_between(at(1, 10), at(4, 11)), 3);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn census_counts_stays_across_the_day_boundary() {
        let (start, end) = (at(10, 0), at(11, 0));
        let stay = |ward, s, sb, e: Option<DateTime<Utc>>, eb| StaySpan {
            ward,
            started_at: s,
            started_by: sb,
            ended_at: e,
            ended_by: eb,
        };
        let stays = vec![
            // admitted days before, still in: counted at both midnights
            stay(0, at(2, 9), StayStart::Admission, None, None),
            // admitted the day before, discharged on the day
            stay(
                0,
                at(9, 15),
                StayStart::Admission,
                Some(at(10, 11)),
                Some(StayEnd::Discharge),
            ),
            // admitted on the day into ward 0, transferred to ward 1 on the day
            stay(
                0,
                at(10, 8),
                StayStart::Admission,
                Some(at(10, 14)),
                Some(StayEnd::Transfer),
            ),
            stay(1, at(10, 14), StayStart::Transfer, None, None),
            // the next day: not counted
            stay(1, at(11, 9), StayStart::Admission, None, None),
            // discharged before the day: not counted
            stay(
                1,
                at(3, 9),
                StayStart::Admission,
                Some(at(8, 9)),
                Some(StayEnd::Discharge),
            ),
            // admitted exactly at the starting midnight: in at the start, not
            // an admission of the day (it counts on the day before)
            stay(1, at(10, 0), StayStart::Admission, None, None),
        ];
        let lines = census(&stays, &[4, 2], start, end);
        assert_eq!(
            lines[0],
            CensusLine {
                at_start: 2,
                admitted: 1,
                transferred_in: 0,
                transferred_out: 1,
                discharged: 1,
                at_end: 1,
                beds: 4
            }
        );
        assert_eq!(lines[1].at_start, 1);
        assert_eq!(lines[1].transferred_in, 1);
        assert_eq!(lines[1].at_end, 2);
        assert_eq!(lines[1].occupancy(), 100);
        assert_eq!(lines[2].at_end, 3);
        assert_eq!(lines[2].beds, 6);
        for l in &lines {
            assert_eq!(
                l.at_start + l.admitted + l.transferred_in - l.transferred_out - l.discharged,
                l.at_end
            );
        }
    }

    #[test]
    fn a_time_of_death_is_now_a_time_today_or_a_full_date() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_opt(6, 30, 0)
            .unwrap();
        let at = |d: u32, h: u32, m: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, d)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap()
        };
        assert_eq!(parse_time_of_death("  ", now), Some(now));
        assert_eq!(parse_time_of_death("05:40", now), Some(at(4, 5, 40)));
        assert_eq!(parse_time_of_death("23:10", now), Some(at(3, 23, 10)));
        assert_eq!(
            parse_time_of_death("2026-12-02 14:00", now),
            Some(at(2, 14, 0))
        );
        assert_eq!(parse_time_of_death("yesterday", now), None);
    }
}
