//! Appointments as the front desk runs them: clinic times, weekly working
//! hours and days off, the overlap rule, the next free slot, and the status
//! machine (forward moves, and an administrator's undo).
//!
//! Clinic times are local wall-clock times: a day (`NaiveDate`) and minutes
//! from that day's midnight, because working hours and bookings are spoken
//! of that way at the desk. An appointment starts and ends on one day.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use std::collections::{BTreeMap, BTreeSet};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// Minutes in a day: the latest an appointment may end.
pub const DAY_END: u16 = 24 * 60;
/// Slots start on multiples of this many minutes.
pub const SLOT_STEP: u16 = 5;
/// How far ahead the next free slot is looked for.
pub const SEARCH_DAYS: i64 = 90;
/// The longest appointment a type or a booking may have.
pub const MAX_MINUTES: u16 = 8 * 60;

/// Where an appointment is in its day.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Display,
    EnumString,
    EnumIter,
    IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Scheduled,
    CheckedIn,
    InConsultation,
    Completed,
    Cancelled,
    NoShow,
}

impl Status {
    /// How the status reads on screen (never colour alone).
    pub fn label(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::CheckedIn => "arrived",
            Status::InConsultation => "in consultation",
            Status::Completed => "done",
            Status::Cancelled => "cancelled",
            Status::NoShow => "no-show",
        }
    }

    /// Whether the appointment still holds its time (cancelled and no-show
    /// ones free it for others).
    pub fn holds_time(self) -> bool {
        !matches!(self, Status::Cancelled | Status::NoShow)
    }

    /// The status an administrator's undo returns to: the one before.
    pub fn undo_target(self) -> Option<Status> {
        match self {
            Status::Scheduled => None,
            Status::CheckedIn | Status::Cancelled | Status::NoShow => Some(Status::Scheduled),
            Status::InConsultation => Some(Status::CheckedIn),
            Status::Completed => Some(Status::InConsultation),
        }
    }
}

/// Whether a forward move from `from` to `to` is allowed; the refusal says
/// why and what to do instead.
pub fn check_move(from: Status, to: Status) -> Result<(), String> {
    use Status::*;
    let ok = matches!(
        (from, to),
        (Scheduled, CheckedIn)
            | (CheckedIn, InConsultation)
            | (InConsultation, Completed)
            | (Scheduled, Cancelled)
            | (Scheduled, NoShow)
    );
    if ok {
        return Ok(());
    }
    let hint = match from {
        Scheduled => "a scheduled appointment can be checked in, cancelled or marked no-show",
        CheckedIn => "an arrived patient can only be called into consultation",
        InConsultation => "a consultation can only be completed",
        Completed | Cancelled | NoShow => {
            "it is closed: an administrator can undo a wrong change, with a reason"
        }
    };
    Err(format!(
        "an appointment that is {} cannot become {}: {hint}",
        from.label(),
        to.label()
    ))
}

/// Whether an administrator's undo from `from` to `to` is allowed.
pub fn check_undo(from: Status, to: Status) -> Result<(), String> {
    match from.undo_target() {
        Some(t) if t == to => Ok(()),
        Some(t) => Err(format!(
            "an undo goes back one step: from {} only to {}",
            from.label(),
            t.label()
        )),
        None => Err(format!(
            "an appointment that is {} has nothing to undo",
            from.label()
        )),
    }
}

/// A stretch of one day in minutes from midnight, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u16,
    pub end: u16,
}

impl Span {
    pub fn new(start: u16, end: u16) -> Option<Span> {
        (start < end && end <= DAY_END).then_some(Span { start, end })
    }

    /// The overlap rule: `start < other.end && end > other.start`.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && self.end > other.start
    }

    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn minutes(&self) -> u16 {
        self.end - self.start
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}–{}", hhmm(self.start), hhmm(self.end))
    }
}

/// `HH:MM` for minutes from midnight (24:00 for the end of the day).
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Reads `9:30`, `09:30`, `0930` or `9` as minutes from midnight.
pub fn parse_time(text: &str) -> Option<u16> {
    let t = text.trim();
    let (h, m) = match t.split_once(':').or_else(|| t.split_once('.')) {
        Some((h, m)) => (h, m),
        None if t.len() == 4 => t.split_at(2),
        None if t.len() <= 2 => (t, "0"),
        None => return None,
    };
    let h: u16 = h.trim().parse().ok()?;
    let m: u16 = m.trim().parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// Reads ranges like `08:00-12:00, 13:00-17:00` (empty means not working).
pub fn parse_ranges(text: &str) -> Result<Vec<Span>, String> {
    let mut out = Vec::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (a, b) = part
            .split_once(['-', '–'])
            .ok_or_else(|| format!("{part:?} is not a range: write it like 08:00-12:00"))?;
        let (Some(a), Some(b)) = (parse_time(a), parse_time(b)) else {
            return Err(format!(
                "{part:?} has a time that cannot be read: write times as HH:MM, like 08:00-12:00"
            ));
        };
        let span = Span::new(a, b).ok_or_else(|| {
            format!("{part:?} ends before it starts: write the earlier time first")
        })?;
        out.push(span);
    }
    out.sort();
    for w in out.windows(2) {
        if w[0].overlaps(&w[1]) {
            return Err(format!(
                "{} and {} overlap: join them into one range",
                w[0], w[1]
            ));
        }
    }
    Ok(out)
}

/// Ranges as typed: `08:00-12:00, 13:00-17:00`.
pub fn ranges_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| format!("{}-{}", hhmm(s.start), hhmm(s.end)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The seven weekdays as typed on the command line, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Reads `mon`, `Monday`, `1` (Monday) … `7` (Sunday) as 0..7.
pub fn parse_weekday(text: &str) -> Option<usize> {
    let t = text.trim().to_lowercase();
    if let Ok(n) = t.parse::<usize>() {
        return (1..=7).contains(&n).then(|| n - 1);
    }
    if t.len() < 3 {
        return None;
    }
    WEEKDAYS.iter().position(|d| t.starts_with(d))
}

/// A clinician's week: working ranges per weekday (Monday first), and the
/// dates they are off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingHours {
    pub week: [Vec<Span>; 7],
    pub days_off: BTreeSet<NaiveDate>,
}

impl WorkingHours {
    /// The ranges worked on `day` (none on a day off).
    pub fn on(&self, day: NaiveDate) -> &[Span] {
        if self.days_off.contains(&day) {
            return &[];
        }
        &self.week[day.weekday().num_days_from_monday() as usize]
    }

    /// Whether `span` on `day` lies wholly inside one working range.
    pub fn covers(&self, day: NaiveDate, span: &Span) -> bool {
        self.on(day).iter().any(|r| r.contains(span))
    }

    /// Whether the minute starting at `minute` on `day` is working time.
    pub fn working_at(&self, day: NaiveDate, minute: u16) -> bool {
        self.on(day)
            .iter()
            .any(|r| r.start <= minute && minute < r.end)
    }

    /// Whether any weekday has working hours.
    pub fn is_empty(&self) -> bool {
        self.week.iter().all(Vec::is_empty)
    }

    /// The hours of `day` as one line: "08:00–12:00, 13:00–17:00", "day off"
    /// or "not working".
    pub fn describe(&self, day: NaiveDate) -> String {
        if self.days_off.contains(&day) {
            return "day off".into();
        }
        let spans = self.on(day);
        if spans.is_empty() {
            "not working".into()
        } else {
            spans
                .iter()
                .map(Span::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

/// Rounds minutes up to the next slot boundary.
fn round_up(m: u16) -> u16 {
    m.div_ceil(SLOT_STEP) * SLOT_STEP
}

/// The first start at or after `from` where `minutes` fit inside working
/// hours without overlapping any `busy` span of that day; looked for over
/// [`SEARCH_DAYS`] days. `busy` holds the time already taken (by the
/// clinician, and by the patient when one is chosen), per day.
pub fn next_free_slot(
    from: NaiveDateTime,
    minutes: u16,
    hours: &WorkingHours,
    busy: &BTreeMap<NaiveDate, Vec<Span>>,
) -> Option<(NaiveDate, Span)> {
    if minutes == 0 || minutes > DAY_END {
        return None;
    }
    let first = from.date();
    let from_minute =
        round_up((from.hour() * 60 + from.minute()) as u16 + u16::from(from.second() > 0));
    let none = Vec::new();
    for offset in 0..SEARCH_DAYS {
        let day = first + chrono::Duration::days(offset);
        let earliest = if offset == 0 { from_minute } else { 0 };
        let taken = busy.get(&day).unwrap_or(&none);
        for range in hours.on(day) {
            let mut start = round_up(range.start.max(earliest));
            while start + minutes <= range.end {
                let candidate = Span {
                    start,
                    end: start + minutes,
                };
                match taken
                    .iter()
                    .filter(|b| b.overlaps(&candidate))
                    .map(|b| b.end)
                    .max()
                {
                    Some(end) => start = round_up(end.max(start + 1)),
                    None => return Some((day, candidate)),
                }
            }
        }
    }
    None
}

/// Whether a still-scheduled appointment is past its end at `now`: late.
pub fn is_late(status: Status, day: NaiveDate, span: &Span, now: NaiveDateTime) -> bool {
    status == Status::Scheduled && end_instant(day, span) < now
}

/// The local instant an appointment ends.
pub fn end_instant(day: NaiveDate, span: &Span) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) + chrono::Duration::minutes(i64::from(span.end))
}

/// Minutes from midnight of a local time.
pub fn minute_of(t: NaiveDateTime) -> u16 {
    (t.hour() * 60 + t.minute()) as u16
}

/// A reason typed for a cancellation or an undo: trimmed, required, short.
pub fn check_reason(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("a reason is required: type a few words saying why".into());
    }
    if t.chars().count() > 200 {
        return Err("the reason is longer than 200 characters: shorten it".into());
    }
    Ok(t.to_string())
}

/// An appointment type's name and default length, as an admin types them.
pub fn check_type(name: &str, minutes: &str) -> Result<(String, u16), String> {
    let name = name.trim().to_lowercase();
    if name.is_empty() || name.chars().count() > 40 {
        return Err("the type needs a name of 1 to 40 characters".into());
    }
    let minutes = check_minutes(minutes)?;
    Ok((name, minutes))
}

/// A length in minutes: 5 to 480, a multiple of 5.
pub fn check_minutes(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        Ok(m) if (SLOT_STEP..=MAX_MINUTES).contains(&m) && m % SLOT_STEP == 0 => Ok(m),
        _ => Err(format!(
            "the length must be a whole number of minutes from {SLOT_STEP} to {MAX_MINUTES}, in steps of {SLOT_STEP}"
        )),
    }
}

/// What a booking form holds once read: when, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub day: NaiveDate,
    pub span: Span,
}

/// Reads a booking's time and length; the day is already parsed.
pub fn check_when(day: NaiveDate, time: &str, minutes: &str) -> Result<When, String> {
    if time.trim().is_empty() {
        return Err("the time is missing: type it as HH:MM, or find the next free slot".into());
    }
    let start = parse_time(time).filter(|m| *m < DAY_END).ok_or_else(|| {
        format!(
            "{:?} is not a time: write it as HH:MM, like 09:30",
            time.trim()
        )
    })?;
    let minutes = check_minutes(minutes)?;
    let span = Span::new(start, start + minutes).ok_or_else(|| {
        format!(
            "starting at {} it would end after midnight: choose an earlier time or a shorter length",
            hhmm(start)
        )
    })?;
    Ok(When { day, span })
}

/// A booking's day as a person should see it in a confirmation: with the
/// weekday and the year, so that a slip of the year is never hidden.
pub fn long_day(day: NaiveDate) -> String {
    day.format("%a %d %b %Y").to_string()
}

/// Where a booking's day stands against the hospital's today and its
/// booking horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingDay {
    /// Today or a day within the horizon.
    Ahead,
    /// Before today: refused, but an admin may enter it with a reason.
    Past,
    /// More than `horizon` days away: asked once (often a mistyped year).
    BeyondHorizon { days: i64, horizon: u32 },
}

/// Places `day` against `today` and a horizon of `horizon` days.
pub fn booking_day(day: NaiveDate, today: NaiveDate, horizon: u32) -> BookingDay {
    let days = (day - today).num_days();
    if days < 0 {
        BookingDay::Past
    } else if days > i64::from(horizon) {
        BookingDay::BeyondHorizon { days, horizon }
    } else {
        BookingDay::Ahead
    }
}

impl BookingDay {
    /// Why `day` is not booked without a word, or `None` when it is.
    pub fn concern(self, day: NaiveDate) -> Option<String> {
        match self {
            BookingDay::Ahead => None,
            BookingDay::Past => Some(format!(
                "{} is in the past: choose a day from today on (only an administrator can enter a past booking, with a reason)",
                long_day(day)
            )),
            BookingDay::BeyondHorizon { days, horizon } => Some(format!(
                "{} is {} days away, beyond the hospital's {horizon}-day booking horizon: check the year",
                long_day(day),
                crate::domain::display::thousands(days.unsigned_abs())
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(day: &str, time: &str) -> NaiveDateTime {
        d(day).and_time(NaiveTime::MIN)
            + chrono::Duration::minutes(i64::from(parse_time(time).unwrap()))
    }

    fn sp(a: &str, b: &str) -> Span {
        Span::new(parse_time(a).unwrap(), parse_time(b).unwrap()).unwrap()
    }

    /// Monday to Friday 08:00–12:00 and 13:00–17:00.
    fn weekdays() -> WorkingHours {
        let mut h = WorkingHours::default();
        for day in h.week.iter_mut().take(5) {
            *day = vec![sp("08:00", "12:00"), sp("13:00", "17:00")];
        }
        h
    }

    #[test]
    fn every_pair_of_statuses_is_allowed_or_refused() {
        use Status::*;
        let allowed = [
            (Scheduled, CheckedIn),
            (CheckedIn, InConsultation),
            (InConsultation, Completed),
            (Scheduled, Cancelled),
            (Scheduled, NoShow),
        ];
        let undoable = [
            (CheckedIn, Scheduled),
            (InConsultation, CheckedIn),
            (Completed, InConsultation),
            (Cancelled, Scheduled),
            (NoShow, Scheduled),
        ];
        for from in Status::iter() {
            for to in Status::iter() {
                let forward = check_move(from, to);
                assert_eq!(
                    forward.is_ok(),
                    allowed.contains(&(from, to)),
                    "{from} → {to}"
                );
                if let Err(m) = forward {
                    assert!(m.contains(from.label()) && m.contains(':'), "{m}");
                }
                assert_eq!(
                    check_undo(from, to).is_ok(),
                    undoable.contains(&(from, to)),
                    "undo {from} → {to}"
                );
            }
        }
    }

    #[test]
    fn statuses_round_trip_as_stored() {
        for s in Status::iter() {
            assert_eq!(s.to_string().parse::<Status>().unwrap(), s);
        }
        assert_eq!(Status::NoShow.to_string(), "no_show");
    }

    #[test]
    fn times_and_ranges_are_read_as_typed() {
        assert_eq!(parse_time("9:30"), Some(570));
        assert_eq!(parse_time("0930"), Some(570));
        assert_eq!(parse_time("9"), Some(540));
        assert_eq!(parse_time("24:00"), Some(1440));
        assert_eq!(parse_time("9:60"), None);
        assert_eq!(parse_time("noon"), None);
        let r = parse_ranges("13:00-17:00, 8:00-12:00").unwrap();
        assert_eq!(r, vec![sp("08:00", "12:00"), sp("13:00", "17:00")]);
        assert_eq!(ranges_text(&r), "08:00-12:00, 13:00-17:00");
        assert!(parse_ranges("").unwrap().is_empty());
        assert!(parse_ranges("12:00-08:00").unwrap_err().contains("earlier"));
        assert!(
            parse_ranges("08:00-12:00,11:00-13:00")
                .unwrap_err()
                .contains("overlap")
        );
        assert_eq!(parse_weekday("Monday"), Some(0));
        assert_eq!(parse_weekday("7"), Some(6));
        assert_eq!(parse_weekday("x"), None);
    }

    #[test]
    fn next_free_slot_skips_taken_time_and_lunch() {
        let h = weekdays();
        let mut busy = BTreeMap::new();
        // 2026-11-23 is a Monday.
        busy.insert(
            d("2026-11-23"),
            vec![sp("08:00", "08:30"), sp("08:40", "11:50")],
        );
        let (day, s) = next_free_slot(at("2026-11-23", "07:00"), 15, &h, &busy).unwrap();
        assert_eq!((day, s), (d("2026-11-23"), sp("13:00", "13:15")));
        let (_, s) = next_free_slot(at("2026-11-23", "07:00"), 10, &h, &busy).unwrap();
        assert_eq!(s, sp("08:30", "08:40"));
        // From a time typed in the afternoon, rounded up to the next 5 minutes.
        let (_, s) = next_free_slot(at("2026-11-23", "14:02"), 15, &h, &busy).unwrap();
        assert_eq!(s, sp("14:05", "14:20"));
    }

    #[test]
    fn next_free_slot_crosses_evenings_weekends_and_days_off() {
        let mut h = weekdays();
        h.days_off.insert(d("2026-11-30"));
        let busy = BTreeMap::new();
        // Friday 16:50: 15 minutes no longer fit; Saturday and Sunday are not
        // worked; Monday the 30th is a day off; so Tuesday 08:00.
        let (day, s) = next_free_slot(at("2026-11-27", "16:50"), 15, &h, &busy).unwrap();
        assert_eq!((day, s), (d("2026-12-01"), sp("08:00", "08:15")));
        // Longer than any range: none.
        assert_eq!(
            next_free_slot(at("2026-11-27", "08:00"), 300, &h, &busy),
            None
        );
        // Nobody works: none.
        assert_eq!(
            next_free_slot(
                at("2026-11-27", "08:00"),
                15,
                &WorkingHours::default(),
                &busy
            ),
            None
        );
    }

    proptest::proptest! {
        /// Whatever is taken, the slot found lies inside working hours,
        /// overlaps nothing taken, starts no earlier than asked, and no
        /// earlier free start exists that day.
        #[test]
        fn the_next_free_slot_is_free_in_hours_and_the_first(
            taken in proptest::collection::vec((96u16..204, 1u16..12), 0..12),
            from in 84u16..216,
            minutes in 1u16..7,
        ) {
            let h = weekdays();
            let day = d("2026-11-23");
            let busy: BTreeMap<NaiveDate, Vec<Span>> = [(
                day,
                taken.iter().map(|(s, l)| Span { start: s * 5, end: (s + l) * 5 }).collect(),
            )]
            .into_iter()
            .collect();
            let minutes = minutes * 5;
            let from_at = day.and_time(NaiveTime::MIN) + chrono::Duration::minutes(i64::from(from) * 5);
            let found = next_free_slot(from_at, minutes, &h, &busy);
            let (fday, slot) = found.expect("a weekday with hours always has room within a week");
            proptest::prop_assert!(h.covers(fday, &slot));
            let taken_that_day = busy.get(&fday).cloned().unwrap_or_default();
            proptest::prop_assert!(taken_that_day.iter().all(|b| !b.overlaps(&slot)));
            if fday == day {
                proptest::prop_assert!(slot.start >= from * 5);
                for start in (from * 5..slot.start).step_by(5) {
                    let earlier = Span { start, end: start + minutes };
                    proptest::prop_assert!(
                        !h.covers(day, &earlier) || taken_that_day.iter().any(|b| b.overlaps(&earlier))
                    );
                }
            }
        }
    }

    #[test]
    fn hours_cover_only_whole_spans_inside_one_range() {
        let mut h = weekdays();
        let mon = d("2026-11-23");
        assert!(h.covers(mon, &sp("11:45", "12:00")));
        assert!(!h.covers(mon, &sp("11:50", "12:05")));
        assert!(!h.covers(d("2026-11-28"), &sp("09:00", "09:15")));
        h.days_off.insert(mon);
        assert!(!h.covers(mon, &sp("09:00", "09:15")));
        assert_eq!(h.describe(mon), "day off");
        assert!(!h.working_at(mon, 600));
    }

    #[test]
    fn late_means_scheduled_and_past_its_end() {
        let day = d("2026-11-23");
        let s = sp("09:00", "09:15");
        assert!(!is_late(
            Status::Scheduled,
            day,
            &s,
            at("2026-11-23", "09:15")
        ));
        assert!(is_late(
            Status::Scheduled,
            day,
            &s,
            at("2026-11-23", "09:16")
        ));
        assert!(!is_late(
            Status::CheckedIn,
            day,
            &s,
            at("2026-11-23", "10:00")
        ));
    }

    #[test]
    fn booking_times_and_lengths_are_checked() {
        let day = d("2026-11-23");
        assert_eq!(
            check_when(day, "9:00", "15").unwrap().span,
            sp("09:00", "09:15")
        );
        assert!(
            check_when(day, "23:50", "15")
                .unwrap_err()
                .contains("midnight")
        );
        assert!(check_when(day, "soon", "15").is_err());
        assert!(check_minutes("7").is_err());
        assert!(check_minutes("0").is_err());
        assert_eq!(
            check_type(" Antenatal ", "20").unwrap(),
            ("antenatal".into(), 20)
        );
        assert!(check_reason("  ").is_err());
    }
    #[test]
    fn a_booking_day_is_past_ahead_or_beyond_the_horizon() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(booking_day(today, today, 400), BookingDay::Ahead);
        assert_eq!(booking_day(d(2026, 12, 3), today, 400), BookingDay::Past);
        assert_eq!(booking_day(d(2028, 1, 8), today, 400), BookingDay::Ahead);
        assert_eq!(
            booking_day(d(2028, 1, 9), today, 400),
            BookingDay::BeyondHorizon {
                days: 401,
                horizon: 400
            }
        );
        let far = booking_day(d(2099, 1, 1), today, 400)
            .concern(d(2099, 1, 1))
            .unwrap();
        assert!(
            far.starts_with("Thu 01 Jan 2099 is 26,326 days away"),
            "{far}"
        );
        let past = booking_day(d(2020, 1, 1), today, 400)
            .concern(d(2020, 1, 1))
            .unwrap();
        assert!(past.starts_with("Wed 01 Jan 2020 is in the past"), "{past}");
    }
}

/// An appointment type: what the visit is for, and how long it usually takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentType {
    pub id: crate::domain::ids::Id,
    pub name: String,
    pub minutes: u16,
    /// Retired types stay on old appointments but are not offered for new ones.
    pub retired: bool,
    pub version: i64,
}

pub use crate::domain::user::Clinician;

/// One appointment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: crate::domain::ids::Id,
    pub patient_id: crate::domain::ids::Id,
    pub clinician_id: crate::domain::ids::Id,
    pub type_id: crate::domain::ids::Id,
    pub day: NaiveDate,
    pub span: Span,
    pub status: Status,
    pub walk_in: bool,
    pub notes: String,
    pub cancel_reason: Option<String>,
    pub rescheduled_from: Option<crate::domain::ids::Id>,
    pub rescheduled_to: Option<crate::domain::ids::Id>,
    pub checked_in_at: Option<chrono::DateTime<chrono::Utc>>,
    pub called_at: Option<chrono::DateTime<chrono::Utc>>,
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i64,
}

/// An appointment with the names the desk reads it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub appt: Appointment,
    pub patient_name: String,
    pub mrn: String,
    pub phone: String,
    pub clinician_name: String,
    pub type_name: String,
}

impl Booked {
    /// The same with the day in full, weekday and year: a confirmation.
    pub fn describe_long(&self) -> String {
        format!(
            "{} ({}) {} {} {} with {}",
            self.patient_name,
            self.mrn,
            long_day(self.appt.day),
            self.appt.span,
            self.type_name,
            self.clinician_name
        )
    }

    /// "Amina Okafor (DMC-000123-K) 09:00–09:15 consultation with Dr. Rahman".
    pub fn describe(&self) -> String {
        format!(
            "{} ({}) {} {} {} with {}",
            self.patient_name,
            self.mrn,
            self.appt.day,
            self.appt.span,
            self.type_name,
            self.clinician_name
        )
    }
}
