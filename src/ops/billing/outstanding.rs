//! Outstanding balances: every patient who still owes on any bill (its
//! lines less its payments, the scheme's unsettled share included), the
//! largest first, with how many bills and how old the oldest is. For
//! cashiers and administrators, as a table or CSV; reading it is an
//! audited READ, since it names patients.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::billing::money;
use crate::domain::clock::Clock;
use crate::domain::display::{plural, thousands};
use crate::domain::pharmacy::plain_amount as plain;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::csv_file::SafeWriter;
use crate::store::Db;
use crate::store::billing::reports as rows;
use chrono::NaiveDate;

/// One patient's debt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwingLine {
    pub mrn: String,
    pub name: String,
    pub bills: i64,
    /// The hospital day the oldest bill with a balance was opened.
    pub oldest: NaiveDate,
    /// Days since then, on the report's day.
    pub days: i64,
    pub balance: i64,
}

/// The report: as of a hospital day, in the hospital's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outstanding {
    pub as_of: NaiveDate,
    pub currency: String,
    pub lines: Vec<OwingLine>,
    pub total: i64,
}

/// Every patient who owes, the largest balance first.
pub fn outstanding(db: &mut Db, by: &Session, clock: Clock) -> Result<Outstanding> {
    by.require(Permission::TakePayments, "see billing's reports")?;
    let currency = db.settings()?.currency;
    let as_of = clock.today();
    let lines: Vec<OwingLine> = rows::owing(db.conn())?
        .into_iter()
        .map(|o| {
            let oldest = clock.at(o.oldest).date_naive();
            OwingLine {
                mrn: o.mrn,
                name: o.name,
                bills: o.bills,
                oldest,
                days: (as_of - oldest).num_days().max(0),
                balance: o.balance,
            }
        })
        .collect();
    let total = lines.iter().map(|l| l.balance).sum();
    let summary = format!(
        "outstanding balances read: {} owing {}",
        plural(lines.len() as u64, "patient", "patients"),
        money(total, &currency)
    );
    db.write(&by.actor(), |_| {
        Ok::<_, Error>((
            (),
            vec![AuditEvent::new(AuditAction::Read, "bill", summary)],
        ))
    })?;
    Ok(Outstanding {
        as_of,
        currency,
        lines,
        total,
    })
}

/// The report as an aligned text table.
pub fn outstanding_text(o: &Outstanding) -> String {
    let c = &o.currency;
    let mut out = format!(
        "Outstanding balances on {} ({} owing {})\n\n",
        o.as_of,
        plural(o.lines.len() as u64, "patient", "patients"),
        money(o.total, c)
    );
    if o.lines.is_empty() {
        out.push_str("Nobody owes anything.\n");
        return out;
    }
    let name_width = o
        .lines
        .iter()
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(7, 40);
    out.push_str(&format!(
        "{:<14}  {:<name_width$}  {:>5}  {:<10}  {:>5}  {:>16}\n",
        "MRN", "Patient", "Bills", "Oldest", "Days", "Balance"
    ));
    for l in &o.lines {
        out.push_str(&format!(
            "{:<14}  {:<name_width$}  {:>5}  {:<10}  {:>5}  {:>16}\n",
            l.mrn,
            l.name,
            thousands(l.bills.max(0) as u64),
            l.oldest.to_string(),
            l.days,
            money(l.balance, c)
        ));
    }
    out.push_str(&format!(
        "{:<14}  {:<name_width$}  {:>5}  {:<10}  {:>5}  {:>16}\n",
        "Total",
        "",
        thousands(o.lines.iter().map(|l| l.bills.max(0) as u64).sum()),
        "",
        "",
        money(o.total, c)
    ));
    out
}

/// The report as CSV: a line per patient.
pub fn write_outstanding_csv<W: std::io::Write>(o: &Outstanding, out: W) -> Result<()> {
    let mut w = SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "as_of", "mrn", "patient", "bills", "oldest", "days", "balance",
    ])
    .map_err(io)?;
    for l in &o.lines {
        w.write_row([
            o.as_of.to_string(),
            l.mrn.clone(),
            l.name.clone(),
            l.bills.to_string(),
            l.oldest.to_string(),
            l.days.to_string(),
            plain(l.balance, &o.currency),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(Error::Output)
}
