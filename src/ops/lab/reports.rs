//! The laboratory's reports for a period of days in the hospital's zone,
//! both over the orders made in it: the turnaround per test and priority
//! (how long from order to collection, collection to verification, and
//! order to verification, as the median and 90th percentile in minutes of
//! the verified orders; the rest counted apart), and the workload per day
//! and test (tests ordered, and how many of them were collected, verified,
//! rejected or cancelled). With their text and spreadsheet forms.

use crate::auth::Session;
use crate::domain::clock::{Tz, day_bounds, local_date};
use crate::domain::prescribing::Priority;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::csv_file::SafeWriter;
use crate::store::Db;
use crate::store::lab_reports::{self, OrderedTest};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The longest period a report covers, in days.
pub const MAX_DAYS: i64 = 366;

/// The days a report covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The days from `from` to `to`, refused when backwards or longer than
    /// [`MAX_DAYS`].
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period> {
        if to < from {
            return Err(Error::Refused(format!(
                "the period ends ({to}) before it starts ({from}): give --from the earlier day"
            )));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(Error::Refused(format!(
                "{from} to {to} is longer than {MAX_DAYS} days: report a year or less at a time"
            )));
        }
        if to.succ_opt().is_none() || from.pred_opt().is_none() {
            return Err(Error::Refused(format!(
                "{from} to {to} is outside the dates wardline can count: choose other dates"
            )));
        }
        Ok(Period { from, to })
    }
}

/// The median and 90th percentile of some durations, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub p90: f64,
}

impl Spread {
    /// The spread of `seconds`, `None` when there are none. The median is
    /// the middle value (the mean of the two middle ones for an even
    /// count); the 90th percentile is the nearest rank: the smallest value
    /// that at least 90% of the values do not exceed.
    pub fn of(mut seconds: Vec<i64>) -> Option<Spread> {
        if seconds.is_empty() {
            return None;
        }
        seconds.sort_unstable();
        let n = seconds.len();
        let median = if n % 2 == 1 {
            seconds[n / 2] as f64
        } else {
            (seconds[n / 2 - 1] as f64 + seconds[n / 2] as f64) / 2.0
        };
        let rank = (n * 9).div_ceil(10).max(1);
        Some(Spread {
            median,
            p90: seconds[rank - 1] as f64,
        })
    }
}

/// Seconds as minutes with one decimal (`42.5`).
pub fn minutes(seconds: f64) -> String {
    format!("{:.1}", seconds / 60.0)
}

/// The turnaround of one test at one priority.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnaroundLine {
    pub test_code: String,
    pub test_name: String,
    pub priority: Priority,
    /// Orders verified: the ones the spreads are of.
    pub verified: usize,
    pub ordered_to_collected: Option<Spread>,
    pub collected_to_verified: Option<Spread>,
    pub ordered_to_verified: Option<Spread>,
    /// Orders neither verified nor ended: still in the lab's hands.
    pub not_verified: usize,
    pub rejected: usize,
    pub cancelled: usize,
}

/// The turnaround report: a line per test and priority (by test code, stat
/// first).
#[derive(Debug, Clone, PartialEq)]
pub struct Turnaround {
    pub period: Period,
    pub lines: Vec<TurnaroundLine>,
}

/// Whether the order ended without results.
fn ended(status: &str) -> Option<bool> {
    match status {
        "rejected" => Some(true),
        "cancelled" => Some(false),
        _ => None,
    }
}

fn seconds(from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>) -> i64 {
    (to - from).num_seconds()
}

/// The turnaround lines of the ordered tests (pure).
pub fn turnaround_of(rows: &[OrderedTest]) -> Vec<TurnaroundLine> {
    #[derive(Default)]
    struct Acc {
        name: String,
        to_collect: Vec<i64>,
        to_verify: Vec<i64>,
        total: Vec<i64>,
        not_verified: usize,
        rejected: usize,
        cancelled: usize,
    }
    let mut by: BTreeMap<(String, Priority), Acc> = BTreeMap::new();
    for r in rows {
        let a = by.entry((r.test_code.clone(), r.priority)).or_default();
        a.name.clone_from(&r.test_name);
        match (ended(&r.status), r.collected_at, r.verified_at) {
            (Some(true), ..) => a.rejected += 1,
            (Some(false), ..) => a.cancelled += 1,
            (None, Some(c), Some(v)) => {
                a.to_collect.push(seconds(r.ordered_at, c));
                a.to_verify.push(seconds(c, v));
                a.total.push(seconds(r.ordered_at, v));
            }
            (None, ..) => a.not_verified += 1,
        }
    }
    by.into_iter()
        .map(|((test_code, priority), a)| TurnaroundLine {
            test_code,
            test_name: a.name,
            priority,
            verified: a.total.len(),
            ordered_to_collected: Spread::of(a.to_collect),
            collected_to_verified: Spread::of(a.to_verify),
            ordered_to_verified: Spread::of(a.total),
            not_verified: a.not_verified,
            rejected: a.rejected,
            cancelled: a.cancelled,
        })
        .collect()
}

/// One test's work on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadLine {
    /// The day the tests were ordered, in the hospital's zone.
    pub day: NaiveDate,
    pub test_code: String,
    pub test_name: String,
    pub ordered: usize,
    /// Of those ordered: collected (a specimen rejected after collection
    /// included), verified, rejected and cancelled.
    pub collected: usize,
    pub verified: usize,
    pub rejected: usize,
    pub cancelled: usize,
}

/// The workload report: a line per day and test, by day then test code.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub period: Period,
    pub lines: Vec<WorkloadLine>,
}

impl Workload {
    /// The period's totals, over every day and test.
    pub fn total(&self) -> [usize; 5] {
        self.lines.iter().fold([0; 5], |t, l| {
            [
                t[0] + l.ordered,
                t[1] + l.collected,
                t[2] + l.verified,
                t[3] + l.rejected,
                t[4] + l.cancelled,
            ]
        })
    }
}

/// The workload lines of the ordered tests, days taken in `zone` (pure).
pub fn workload_of(rows: &[OrderedTest], zone: Tz) -> Vec<WorkloadLine> {
    let mut by: BTreeMap<(NaiveDate, String), WorkloadLine> = BTreeMap::new();
    for r in rows {
        let day = local_date(zone, r.ordered_at);
        let l = by
            .entry((day, r.test_code.clone()))
            .or_insert_with(|| WorkloadLine {
                day,
                test_code: r.test_code.clone(),
                test_name: r.test_name.clone(),
                ordered: 0,
                collected: 0,
                verified: 0,
                rejected: 0,
                cancelled: 0,
            });
        l.ordered += 1;
        l.collected += usize::from(r.collected_at.is_some());
        l.verified += usize::from(r.verified_at.is_some());
        match ended(&r.status) {
            Some(true) => l.rejected += 1,
            Some(false) => l.cancelled += 1,
            None => {}
        }
    }
    by.into_values().collect()
}

/// Who may read the lab's reports: its technicians and the administrators.
fn require_reader(by: &Session) -> Result<()> {
    if by.user.role.can(Permission::Administer) {
        return Ok(());
    }
    by.require(Permission::RunLab, "see the laboratory's reports")
}

/// The tests of the orders made in the period's days (hospital zone).
fn rows(db: &Db, period: Period) -> Result<(Vec<OrderedTest>, Tz)> {
    let zone = db.settings()?.time_zone;
    let (start, _) = day_bounds(zone, period.from);
    let (_, end) = day_bounds(zone, period.to);
    Ok((lab_reports::ordered_tests(db.conn(), start, end)?, zone))
}

/// The turnaround of the orders made in `period`.
pub fn turnaround(db: &Db, by: &Session, period: Period) -> Result<Turnaround> {
    require_reader(by)?;
    let (rows, _) = rows(db, period)?;
    Ok(Turnaround {
        period,
        lines: turnaround_of(&rows),
    })
}

/// The workload of the orders made in `period`.
pub fn workload(db: &Db, by: &Session, period: Period) -> Result<Workload> {
    require_reader(by)?;
    let (rows, zone) = rows(db, period)?;
    Ok(Workload {
        period,
        lines: workload_of(&rows, zone),
    })
}

fn spread_cells(s: Option<Spread>) -> [String; 2] {
    match s {
        Some(s) => [minutes(s.median), minutes(s.p90)],
        None => [String::new(), String::new()],
    }
}

/// The turnaround as CSV: a header and a line per test and priority;
/// durations in minutes, empty where no order was verified.
pub fn write_turnaround_csv<W: std::io::Write>(t: &Turnaround, out: W) -> Result<()> {
    let mut w = SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "from",
        "to",
        "test",
        "test_name",
        "priority",
        "verified",
        "ordered_to_collected_median_min",
        "ordered_to_collected_p90_min",
        "collected_to_verified_median_min",
        "collected_to_verified_p90_min",
        "ordered_to_verified_median_min",
        "ordered_to_verified_p90_min",
        "not_verified",
        "rejected",
        "cancelled",
    ])
    .map_err(io)?;
    let (from, to) = (t.period.from.to_string(), t.period.to.to_string());
    for l in &t.lines {
        let mut row = vec![
            from.clone(),
            to.clone(),
            l.test_code.clone(),
            l.test_name.clone(),
            l.priority.to_string(),
            l.verified.to_string(),
        ];
        for s in [
            l.ordered_to_collected,
            l.collected_to_verified,
            l.ordered_to_verified,
        ] {
            row.extend(spread_cells(s));
        }
        row.extend([l.not_verified, l.rejected, l.cancelled].map(|n| n.to_string()));
        w.write_row(row).map_err(io)?;
    }
    w.flush().map_err(Error::Output)
}

/// The turnaround as an aligned text table.
pub fn turnaround_text(t: &Turnaround) -> String {
    let mut out = format!(
        "Laboratory turnaround, orders made {} to {} (minutes: median / 90th percentile of the verified orders)\n",
        t.period.from, t.period.to
    );
    if t.lines.is_empty() {
        out.push_str("No orders were made in this period.\n");
        return out;
    }
    out.push_str(&format!(
        "{:<8}  {:<8}  {:>8}  {:>15}  {:>15}  {:>15}  {:>8}  {:>8}  {:>9}\n",
        "Test",
        "Priority",
        "Verified",
        "Order→collect",
        "Collect→verify",
        "Order→verify",
        "Open",
        "Rejected",
        "Cancelled"
    ));
    let pair = |s: Option<Spread>| match s {
        Some(s) => format!("{} / {}", minutes(s.median), minutes(s.p90)),
        None => "—".to_string(),
    };
    for l in &t.lines {
        out.push_str(&format!(
            "{:<8}  {:<8}  {:>8}  {:>15}  {:>15}  {:>15}  {:>8}  {:>8}  {:>9}\n",
            l.test_code,
            l.priority.to_string(),
            l.verified,
            pair(l.ordered_to_collected),
            pair(l.collected_to_verified),
            pair(l.ordered_to_verified),
            l.not_verified,
            l.rejected,
            l.cancelled
        ));
    }
    out
}

/// The workload as CSV: a header, a line per day and test, and the total.
pub fn write_workload_csv<W: std::io::Write>(wl: &Workload, out: W) -> Result<()> {
    let mut w = SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "date",
        "test",
        "test_name",
        "ordered",
        "collected",
        "verified",
        "rejected",
        "cancelled",
    ])
    .map_err(io)?;
    for l in &wl.lines {
        let counts = [l.ordered, l.collected, l.verified, l.rejected, l.cancelled];
        let row = [l.day.to_string(), l.test_code.clone(), l.test_name.clone()]
            .into_iter()
            .chain(counts.map(|n| n.to_string()));
        w.write_row(row).map_err(io)?;
    }
    let total = wl.total().map(|n| n.to_string());
    w.write_row(
        ["TOTAL", "", ""]
            .into_iter()
            .chain(total.iter().map(String::as_str)),
    )
    .map_err(io)?;
    w.flush().map_err(Error::Output)
}

/// The workload as an aligned text table.
pub fn workload_text(wl: &Workload) -> String {
    let mut out = format!(
        "Laboratory workload, tests ordered {} to {} by day, and what became of them\n",
        wl.period.from, wl.period.to
    );
    let row = |day: &str, test: &str, n: [usize; 5]| {
        format!(
            "{day:<10}  {test:<8}  {:>7}  {:>9}  {:>8}  {:>8}  {:>9}\n",
            n[0], n[1], n[2], n[3], n[4]
        )
    };
    out.push_str(&format!(
        "{:<10}  {:<8}  {:>7}  {:>9}  {:>8}  {:>8}  {:>9}\n",
        "Date", "Test", "Ordered", "Collected", "Verified", "Rejected", "Cancelled"
    ));
    for l in &wl.lines {
        out.push_str(&row(
            &l.day.to_string(),
            &l.test_code,
            [l.ordered, l.collected, l.verified, l.rejected, l.cancelled],
        ));
    }
    out.push_str(&row("Total", "", wl.total()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, TimeZone, Utc};

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 9, h, m, 0).unwrap()
    }

    fn row(code: &str, p: Priority, status: &str, at: DateTime<Utc>) -> OrderedTest {
        OrderedTest {
            test_code: code.into(),
            test_name: format!("{code} test"),
            priority: p,
            status: status.into(),
            ordered_at: at,
            collected_at: None,
            verified_at: None,
        }
    }

    fn verified(
        code: &str,
        p: Priority,
        at: DateTime<Utc>,
        collect: i64,
        verify: i64,
    ) -> OrderedTest {
        let c = at + Duration::minutes(collect);
        OrderedTest {
            collected_at: Some(c),
            verified_at: Some(c + Duration::minutes(verify)),
            ..row(code, p, "verified", at)
        }
    }

    #[test]
    fn median_and_p90_are_the_middle_and_the_nearest_rank() {
        let s = Spread::of(vec![600, 60, 120, 180, 240]).unwrap();
        assert_eq!((s.median, s.p90), (180.0, 600.0));
        let s = Spread::of((1..=10).map(|m| m * 60).collect()).unwrap();
        assert_eq!((s.median, s.p90), (330.0, 540.0));
        let s = Spread::of(vec![42]).unwrap();
        assert_eq!((s.median, s.p90), (42.0, 42.0));
        assert_eq!(Spread::of(Vec::new()), None);
        assert_eq!(minutes(330.0), "5.5");
    }

    #[test]
    fn turnaround_counts_verified_orders_and_the_rest_apart() {
        let rows = vec![
            verified("K", Priority::Routine, t(8, 0), 10, 50),
            verified("K", Priority::Routine, t(8, 5), 30, 30),
            verified("K", Priority::Stat, t(9, 0), 5, 20),
            row("K", Priority::Routine, "collected", t(9, 0)),
            row("K", Priority::Routine, "rejected", t(9, 10)),
            row("K", Priority::Routine, "cancelled", t(9, 20)),
            row("FBC", Priority::Urgent, "ordered", t(9, 30)),
        ];
        let lines = turnaround_of(&rows);
        let keys: Vec<_> = lines
            .iter()
            .map(|l| (l.test_code.as_str(), l.priority))
            .collect();
        assert_eq!(
            keys,
            [
                ("FBC", Priority::Urgent),
                ("K", Priority::Stat),
                ("K", Priority::Routine)
            ]
        );
        let k = &lines[2];
        assert_eq!(
            (k.verified, k.not_verified, k.rejected, k.cancelled),
            (2, 1, 1, 1)
        );
        assert_eq!(k.ordered_to_collected.unwrap().median, 20.0 * 60.0);
        assert_eq!(k.ordered_to_collected.unwrap().p90, 30.0 * 60.0);
        assert_eq!(k.ordered_to_verified.unwrap().median, 60.0 * 60.0);
        assert_eq!(lines[0].ordered_to_verified, None);
        assert_eq!(lines[0].not_verified, 1);
    }

    #[test]
    fn workload_days_are_the_hospitals() {
        let zone: Tz = chrono_tz::America::Lima;
        // 03:00 UTC on the 10th is 22:00 on the 9th in Lima.
        let late = Utc.with_ymd_and_hms(2026, 3, 10, 3, 0, 0).unwrap();
        let rows = vec![
            verified("K", Priority::Stat, late, 5, 5),
            row("K", Priority::Routine, "rejected", t(15, 0)),
        ];
        let lines = workload_of(&rows, zone);
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert_eq!(l.day, NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
        assert_eq!(
            (l.ordered, l.collected, l.verified, l.rejected, l.cancelled),
            (2, 1, 1, 1, 0)
        );
    }

    #[test]
    fn a_backwards_or_overlong_period_is_refused() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert!(Period::new(d(3, 9), d(3, 8)).is_err());
        assert!(Period::new(d(3, 9), d(3, 9)).is_ok());
        assert!(Period::new(d(1, 1), d(12, 31)).is_ok());
        assert!(Period::new(d(1, 1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()).is_ok());
        assert!(Period::new(d(1, 1), NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()).is_err());
    }
}
