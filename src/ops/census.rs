//! The ward census: per ward and for the hospital, the patients at the
//! midnight that starts a day, the day's admissions, transfers and
//! discharges, and the patients at the midnight that ends it, in the
//! hospital's time zone; with its text and spreadsheet forms.

use crate::auth::Session;
use crate::domain::beds::{self as rules, CensusLine};
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::beds;
use chrono::NaiveDate;

/// The census of one day: a line per ward, then the hospital's total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    pub date: NaiveDate,
    pub wards: Vec<String>,
    /// One per ward, in `wards` order, then the total.
    pub lines: Vec<CensusLine>,
}

/// Counts the day `date` from midnight to midnight in the hospital's zone
/// (23 or 25 hours on the days the clocks change).
pub fn census(db: &Db, by: &Session, date: NaiveDate) -> Result<Census> {
    by.require(Permission::ViewBedBoard, "see the census")?;
    if date.succ_opt().is_none() || date.pred_opt().is_none() {
        return Err(Error::Refused(format!(
            "{date} is outside the dates wardline can count: choose another date"
        )));
    }
    let (start, end) = crate::domain::clock::day_bounds(db.settings()?.time_zone, date);
    let input = beds::census_input(db.conn(), start, end)?;
    let lines = rules::census(&input.stays, &input.beds, start, end);
    Ok(Census {
        date,
        wards: input.wards.into_iter().map(|w| w.name).collect(),
        lines,
    })
}

/// Writes the census as CSV: a header, a row per ward, and the total; a
/// ward name is escaped against spreadsheet formulas.
pub fn write_census_csv<W: std::io::Write>(c: &Census, out: W) -> Result<()> {
    let mut w = crate::ops::csv_file::SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "date",
        "ward",
        "at_start",
        "admitted",
        "transferred_in",
        "transferred_out",
        "discharged",
        "at_end",
        "beds",
        "occupancy_percent",
    ])
    .map_err(io)?;
    let date = c.date.to_string();
    let names = c.wards.iter().map(String::as_str).chain(["TOTAL"]);
    for (name, l) in names.zip(&c.lines) {
        let counts = [
            l.at_start,
            l.admitted,
            l.transferred_in,
            l.transferred_out,
            l.discharged,
            l.at_end,
            l.beds,
            l.occupancy(),
        ]
        .map(|n| n.to_string());
        w.write_row(
            [date.as_str(), name]
                .into_iter()
                .chain(counts.iter().map(String::as_str)),
        )
        .map_err(io)?;
    }
    w.flush().map_err(Error::Output)
}

/// The census as an aligned text table.
pub fn census_text(c: &Census) -> String {
    let width = c
        .wards
        .iter()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let mut out = format!(
        "Census for {}: from midnight to midnight\n{:<width$}  {:>8}  {:>8}  {:>8}  {:>9}  {:>10}  {:>8}  {:>5}  {:>9}\n",
        c.date,
        "Ward",
        "At 00:00",
        "Admitted",
        "Trans in",
        "Trans out",
        "Discharged",
        "At 24:00",
        "Beds",
        "Occupancy"
    );
    let names = c.wards.iter().map(String::as_str).chain(["Hospital"]);
    for (name, l) in names.zip(&c.lines) {
        out.push_str(&format!(
            "{name:<width$}  {:>8}  {:>8}  {:>8}  {:>9}  {:>10}  {:>8}  {:>5}  {:>8}%\n",
            l.at_start,
            l.admitted,
            l.transferred_in,
            l.transferred_out,
            l.discharged,
            l.at_end,
            l.beds,
            l.occupancy()
        ));
    }
    out
}
