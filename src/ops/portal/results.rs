//! The patient's own laboratory results: verified values only, each with
//! its reference range and flag, as the clinician sees them.

use super::{Section, own_patient, viewed};
use crate::auth::Session;
use crate::domain::clock::{Clock, Tz};
use crate::error::Result;
use crate::ops::lab::record::{ORDERS_SHOWN, lines_of};
use crate::store::Db;
use crate::store::lab_record as store;
use chrono::DateTime;

/// One verified value.
#[derive(Debug, Clone, PartialEq)]
pub struct LabValue {
    /// The test ordered (`Full blood count`).
    pub test: String,
    /// What was measured (`Haemoglobin`).
    pub analyte: String,
    pub value: String,
    pub unit: Option<String>,
    /// The flag's letters: '' within the range, L, H, LL, HH or A.
    pub flag: String,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    pub verified_at: DateTime<Tz>,
    /// The value corrects an earlier verified one.
    pub corrected: bool,
}

impl LabValue {
    /// The flag in words, for those who do not read the letters.
    pub fn flag_words(&self) -> &'static str {
        match self.flag.as_str() {
            "" => "",
            "L" => "low",
            "H" => "high",
            "LL" => "very low",
            "HH" => "very high",
            _ => "abnormal",
        }
    }

    /// The reference range as text (`3.5–5.1`, `≥ 4`, `≤ 10`), empty when
    /// there is none.
    pub fn range(&self) -> String {
        match (self.range_low, self.range_high) {
            (Some(l), Some(h)) => format!("{l}–{h}"),
            (Some(l), None) => format!("≥ {l}"),
            (None, Some(h)) => format!("≤ {h}"),
            (None, None) => String::new(),
        }
    }
}

/// One order with its verified values.
#[derive(Debug, Clone, PartialEq)]
pub struct LabReport {
    pub accession: String,
    pub ordered_at: DateTime<Tz>,
    pub collected_at: Option<DateTime<Tz>>,
    pub values: Vec<LabValue>,
}

/// The patient's latest orders that have at least one verified value,
/// newest first, with only their verified values (a READ event).
pub fn lab_results(db: &mut Db, by: &Session, clock: Clock) -> Result<Vec<LabReport>> {
    let own = own_patient(db, by)?;
    let zone = clock.zone;
    let conn = db.conn();
    let listed = store::orders_of(conn, own.id(), ORDERS_SHOWN)?;
    let ids: Vec<_> = listed.iter().map(|o| o.id.clone()).collect();
    let mut analytes = store::analytes_of(conn, &ids)?;
    let mut results = store::results_of_orders(conn, &ids)?;
    let mut reports = Vec::new();
    for order in listed {
        let rows = results.remove(&order.id).unwrap_or_default();
        let values: Vec<LabValue> = lines_of(analytes.remove(&order.id).unwrap_or_default(), &rows)
            .into_iter()
            .filter_map(|l| {
                let v = l.value?;
                Some(LabValue {
                    test: l.test_name,
                    analyte: l.name,
                    value: v.value,
                    unit: l.unit,
                    flag: v.flag,
                    range_low: v.range_low,
                    range_high: v.range_high,
                    verified_at: v.verified_at.with_timezone(&zone),
                    corrected: !v.corrected.is_empty(),
                })
            })
            .collect();
        if values.is_empty() {
            continue;
        }
        reports.push(LabReport {
            accession: order.accession.to_string(),
            ordered_at: order.ordered_at.with_timezone(&zone),
            collected_at: order.collected_at.map(|t| t.with_timezone(&zone)),
            values,
        });
    }
    viewed(
        db,
        by,
        &own,
        Section::LabResults,
        format!("{} orders with verified results", reports.len()),
    )?;
    Ok(reports)
}
