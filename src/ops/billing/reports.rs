//! Billing's reports, in the hospital's days and zone: the day's takings
//! by method and by cashier (payments, refunds, net), revenue by service
//! group over a period (the lines charged less their reversals, split into
//! the patients' and the schemes' shares), and an insurance scheme's
//! claims for a month (a line per bill: the patient, MRN, member number,
//! the bill's lines and the scheme's share). Cashiers and administrators
//! may read them. With their text and spreadsheet forms; money is in minor
//! units here and in the hospital's currency on paper.

use crate::auth::Session;
use crate::domain::billing::{Method, ServiceGroup, bill_number, money};
use crate::domain::clock::{Clock, day_bounds, local_date};
use crate::domain::ids::Id;
use crate::domain::pharmacy::plain_amount as plain;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::csv_file::SafeWriter;
use crate::ops::lab::reports::Period;
use crate::store::Db;
use crate::store::billing::{self as store, reports as rows};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use strum::IntoEnumIterator;

/// Who may read billing's reports: the cashiers and the administrators.
fn require_reader(by: &Session) -> Result<()> {
    by.require(Permission::TakePayments, "see billing's reports")
}

/// Payments, refunds and what is left of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Takings {
    pub payments: i64,
    /// Given back, as a positive amount.
    pub refunds: i64,
}

impl Takings {
    /// Payments less refunds.
    pub fn net(&self) -> i64 {
        self.payments - self.refunds
    }

    fn add(&mut self, other: Takings) {
        self.payments += other.payments;
        self.refunds += other.refunds;
    }
}

/// One line of the day's takings: a method, or a cashier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakingsLine {
    /// The method's label (`Mobile money`) or the cashier's name.
    pub name: String,
    pub takings: Takings,
}

/// The day's takings at every cashier's desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTakings {
    pub day: NaiveDate,
    pub currency: String,
    /// Every method, in the order of the cash-up, taken or not.
    pub by_method: Vec<TakingsLine>,
    /// The cashiers who took or gave back money that day, by name.
    pub by_cashier: Vec<TakingsLine>,
    pub total: Takings,
}

/// The takings of the hospital day `day`, by method and by cashier.
pub fn takings(db: &Db, by: &Session, day: NaiveDate) -> Result<DayTakings> {
    require_reader(by)?;
    let currency = db.settings()?.currency;
    let taken = rows::takings_of_day(db.conn(), day)?;
    Ok(takings_of(day, currency, &taken))
}

/// The day's takings from the store's sums (pure).
pub fn takings_of(day: NaiveDate, currency: String, taken: &[rows::Taken]) -> DayTakings {
    let mut methods: BTreeMap<usize, Takings> = BTreeMap::new();
    let mut cashiers: Vec<(Id, TakingsLine)> = Vec::new();
    let mut total = Takings::default();
    for t in taken {
        let amounts = Takings {
            payments: t.paid,
            refunds: t.refunded,
        };
        let at = Method::iter().position(|m| m == t.method).unwrap_or(0);
        methods.entry(at).or_default().add(amounts);
        match cashiers.iter_mut().find(|(id, _)| *id == t.cashier_id) {
            Some((_, line)) => line.takings.add(amounts),
            None => cashiers.push((
                t.cashier_id.clone(),
                TakingsLine {
                    name: t.cashier.clone(),
                    takings: amounts,
                },
            )),
        }
        total.add(amounts);
    }
    DayTakings {
        day,
        currency,
        by_method: Method::iter()
            .enumerate()
            .map(|(i, m)| TakingsLine {
                name: m.label().to_string(),
                takings: methods.get(&i).copied().unwrap_or_default(),
            })
            .collect(),
        by_cashier: cashiers.into_iter().map(|(_, l)| l).collect(),
        total,
    }
}

/// One service group's revenue over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupRevenue {
    /// The lines charged.
    pub charged: i64,
    /// Their reversals posted in the period, as a positive amount.
    pub reversed: i64,
    /// Of the net (charged less reversed): the patients' share.
    pub patient_share: i64,
    /// Of the net: the schemes' share.
    pub scheme_share: i64,
}

impl GroupRevenue {
    /// What was charged less what was reversed.
    pub fn net(&self) -> i64 {
        self.charged - self.reversed
    }

    fn add(&mut self, other: GroupRevenue) {
        self.charged += other.charged;
        self.reversed += other.reversed;
        self.patient_share += other.patient_share;
        self.scheme_share += other.scheme_share;
    }
}

/// Revenue by service group over a period of the hospital's days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revenue {
    pub period: Period,
    pub currency: String,
    /// Every service group, in the tariff's order, charged or not.
    pub lines: Vec<(ServiceGroup, GroupRevenue)>,
    pub total: GroupRevenue,
}

/// The revenue of the lines posted in `period` (days in `clock`'s zone).
pub fn revenue(db: &Db, by: &Session, period: Period, clock: Clock) -> Result<Revenue> {
    require_reader(by)?;
    let currency = db.settings()?.currency;
    let (start, _) = day_bounds(clock.zone, period.from);
    let (_, end) = day_bounds(clock.zone, period.to);
    let posted = rows::posted_by_group(db.conn(), start, end)?;
    Ok(revenue_of(period, currency, &posted))
}

/// Revenue from the store's sums (pure).
pub fn revenue_of(period: Period, currency: String, posted: &[rows::Posted]) -> Revenue {
    let mut total = GroupRevenue::default();
    let lines = ServiceGroup::iter()
        .map(|g| {
            let mut r = GroupRevenue::default();
            for p in posted.iter().filter(|p| p.group == g) {
                r.add(GroupRevenue {
                    charged: if p.reversal { 0 } else { p.amount },
                    reversed: if p.reversal { -p.amount } else { 0 },
                    patient_share: p.patient_share,
                    scheme_share: p.scheme_share,
                });
            }
            total.add(r);
            (g, r)
        })
        .collect();
    Revenue {
        period,
        currency,
        lines,
        total,
    }
}

/// A month of the calendar, as `--month YYYY-MM` types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Month {
    /// The month typed as `YYYY-MM`, refused in words otherwise.
    pub fn parse(typed: &str) -> Result<Month> {
        let refuse = || {
            Error::Refused(format!(
                "{typed:?} is not a month: type it as YYYY-MM, e.g. 2026-03"
            ))
        };
        let first = NaiveDate::parse_from_str(&format!("{}-01", typed.trim()), "%Y-%m-%d")
            .map_err(|_| refuse())?;
        let next = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        };
        let last = next.and_then(|d| d.pred_opt()).ok_or_else(refuse)?;
        Ok(Month { first, last })
    }

    /// The month as typed (`2026-03`).
    pub fn label(&self) -> String {
        self.first.format("%Y-%m").to_string()
    }
}

/// One bill claimed from a scheme: the patient and their member number,
/// the bill's lines the scheme pays part of, and its share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// `B-000045`.
    pub bill: String,
    pub patient: String,
    pub mrn: String,
    pub member_number: String,
    /// What each line is, its amount and the scheme's share of it.
    pub lines: Vec<(String, i64, i64)>,
    /// The scheme's share of the bill's lines in the month.
    pub scheme_share: i64,
}

/// A scheme's claims for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub scheme_code: String,
    pub scheme_name: String,
    pub month: Month,
    pub currency: String,
    /// By bill number.
    pub claims: Vec<Claim>,
    pub total: i64,
}

/// The claims on the scheme `code` for the lines posted in `month` (days
/// in `clock`'s zone) while it covered the patient: one per bill.
/// Reading them is an audited READ, since the claims name patients.
pub fn claims(db: &mut Db, by: &Session, code: &str, month: Month, clock: Clock) -> Result<Claims> {
    require_reader(by)?;
    let currency = db.settings()?.currency;
    let conn = db.conn();
    let code = code.trim().to_uppercase();
    let scheme = store::scheme_by_code(conn, &code)?.ok_or_else(|| {
        Error::NotFound(format!(
            "there is no payer scheme {code}: see the schemes the tariff lists"
        ))
    })?;
    let (start, _) = day_bounds(clock.zone, month.first);
    let (_, end) = day_bounds(clock.zone, month.last);
    let mut claims: Vec<Claim> = Vec::new();
    // Where each bill's claim is in `claims`.
    let mut of_bill: HashMap<Id, usize> = HashMap::new();
    let mut cover: BTreeMap<(String, NaiveDate), Option<(Id, String)>> = BTreeMap::new();
    for l in rows::scheme_lines(conn, start, end)? {
        let day = local_date(clock.zone, l.covered_at);
        let key = (l.patient_id.as_str().to_string(), day);
        let covered = match cover.get(&key) {
            Some(c) => c.clone(),
            None => {
                let c = store::scheme_of_patient_on(conn, &l.patient_id, day)?
                    .map(|(s, member)| (s.id, member));
                cover.insert(key, c.clone());
                c
            }
        };
        let Some((_, member)) = covered.filter(|(s, _)| *s == scheme.id) else {
            continue;
        };
        let line = (l.description.clone(), l.amount, l.scheme_share);
        match of_bill.get(&l.bill_id).and_then(|&i| claims.get_mut(i)) {
            Some(c) => {
                c.lines.push(line);
                c.scheme_share += l.scheme_share;
            }
            None => {
                of_bill.insert(l.bill_id.clone(), claims.len());
                claims.push(Claim {
                    bill: bill_number(l.bill_number),
                    patient: l.patient.clone(),
                    mrn: l.mrn.clone(),
                    member_number: member,
                    lines: vec![line],
                    scheme_share: l.scheme_share,
                });
            }
        }
    }
    let summary = format!(
        "claims on {} for {} read: {}",
        scheme.code,
        month.label(),
        crate::domain::display::plural(claims.len() as u64, "bill", "bills")
    );
    db.write(&by.actor(), |_| {
        let e = crate::domain::audit::AuditEvent::new(
            crate::domain::audit::AuditAction::Read,
            "bill",
            summary,
        );
        Ok::<_, Error>(((), vec![e]))
    })?;
    Ok(Claims {
        total: claims.iter().map(|c| c.scheme_share).sum(),
        scheme_code: scheme.code,
        scheme_name: scheme.name,
        month,
        currency,
        claims,
    })
}

/// The day's takings as an aligned text table.
pub fn takings_text(t: &DayTakings) -> String {
    let c = &t.currency;
    let mut out = format!("Takings of {} (payments, refunds and net)\n", t.day);
    let row = |name: &str, k: Takings| {
        format!(
            "{name:<24}  {:>16}  {:>16}  {:>16}\n",
            money(k.payments, c),
            money(k.refunds, c),
            money(k.net(), c)
        )
    };
    let head = format!(
        "{:<24}  {:>16}  {:>16}  {:>16}\n",
        "", "Payments", "Refunds", "Net"
    );
    out.push_str(&format!("\nBy method\n{head}"));
    for l in &t.by_method {
        out.push_str(&row(&l.name, l.takings));
    }
    out.push_str(&row("Total", t.total));
    out.push_str(&format!("\nBy cashier\n{head}"));
    if t.by_cashier.is_empty() {
        out.push_str("No money was taken or given back on this day.\n");
    }
    for l in &t.by_cashier {
        out.push_str(&row(&l.name, l.takings));
    }
    out.push_str(&row("Total", t.total));
    out
}

/// The day's takings as CSV: a line per method, per cashier, and the total.
pub fn write_takings_csv<W: std::io::Write>(t: &DayTakings, out: W) -> Result<()> {
    let mut w = SafeWriter::new(out);
    let io = Error::Output;
    w.write_row(["date", "by", "name", "payments", "refunds", "net"])
        .map_err(io)?;
    let c = &t.currency;
    let day = t.day.to_string();
    let lines = t
        .by_method
        .iter()
        .map(|l| ("method", l))
        .chain(t.by_cashier.iter().map(|l| ("cashier", l)));
    let total = TakingsLine {
        name: String::new(),
        takings: t.total,
    };
    for (by, l) in lines.chain([("total", &total)]) {
        let k = l.takings;
        w.write_row([
            day.clone(),
            by.to_string(),
            l.name.clone(),
            plain(k.payments, c),
            plain(k.refunds, c),
            plain(k.net(), c),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(Error::Output)
}

/// Revenue as an aligned text table.
pub fn revenue_text(r: &Revenue) -> String {
    let c = &r.currency;
    let mut out = format!(
        "Revenue by service group, lines posted {} to {} (charged less reversed)\n",
        r.period.from, r.period.to
    );
    out.push_str(&format!(
        "{:<14}  {:>16}  {:>16}  {:>16}  {:>16}  {:>16}\n",
        "Service group", "Charged", "Reversed", "Net", "Patients' share", "Schemes' share"
    ));
    let row = |name: &str, g: GroupRevenue| {
        format!(
            "{name:<14}  {:>16}  {:>16}  {:>16}  {:>16}  {:>16}\n",
            money(g.charged, c),
            money(g.reversed, c),
            money(g.net(), c),
            money(g.patient_share, c),
            money(g.scheme_share, c)
        )
    };
    for (group, g) in &r.lines {
        out.push_str(&row(&group.to_string(), *g));
    }
    out.push_str(&row("Total", r.total));
    out
}

/// Revenue as CSV: a header, a line per service group, and the total.
pub fn write_revenue_csv<W: std::io::Write>(r: &Revenue, out: W) -> Result<()> {
    let mut w = SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "from",
        "to",
        "service_group",
        "charged",
        "reversed",
        "net",
        "patient_share",
        "scheme_share",
    ])
    .map_err(io)?;
    let c = &r.currency;
    let (from, to) = (r.period.from.to_string(), r.period.to.to_string());
    let lines = r
        .lines
        .iter()
        .map(|(g, v)| (g.to_string(), *v))
        .chain([("TOTAL".to_string(), r.total)]);
    for (name, g) in lines {
        w.write_row([
            from.clone(),
            to.clone(),
            name,
            plain(g.charged, c),
            plain(g.reversed, c),
            plain(g.net(), c),
            plain(g.patient_share, c),
            plain(g.scheme_share, c),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(Error::Output)
}

/// A scheme's claims as text: a block per bill with its lines, and the total.
pub fn claims_text(cl: &Claims) -> String {
    let c = &cl.currency;
    let mut out = format!(
        "Claims on {} ({}) for {}, the scheme's share of each bill\n",
        cl.scheme_name,
        cl.scheme_code,
        cl.month.label()
    );
    if cl.claims.is_empty() {
        out.push_str("No lines were charged to this scheme in this month.\n");
    }
    for claim in &cl.claims {
        out.push_str(&format!(
            "\n{}  {}  MRN {}  member {}\n",
            claim.bill, claim.patient, claim.mrn, claim.member_number
        ));
        for (what, amount, share) in &claim.lines {
            out.push_str(&format!(
                "    {what:<40}  {:>16}  {:>16}\n",
                money(*amount, c),
                money(*share, c)
            ));
        }
        out.push_str(&format!(
            "    {:<40}  {:>16}  {:>16}\n",
            "Scheme's share of the bill",
            "",
            money(claim.scheme_share, c)
        ));
    }
    out.push_str(&format!(
        "\nTotal claimed: {} on {} bill(s)\n",
        money(cl.total, c),
        cl.claims.len()
    ));
    out
}

/// A scheme's claims as CSV: a line per bill line, and the total.
pub fn write_claims_csv<W: std::io::Write>(cl: &Claims, out: W) -> Result<()> {
    let mut w = SafeWriter::new(out);
    let io = Error::Output;
    w.write_row([
        "scheme",
        "month",
        "bill",
        "patient",
        "mrn",
        "member_number",
        "line",
        "amount",
        "scheme_share",
    ])
    .map_err(io)?;
    let c = &cl.currency;
    let month = cl.month.label();
    for claim in &cl.claims {
        for (what, amount, share) in &claim.lines {
            w.write_row([
                cl.scheme_code.clone(),
                month.clone(),
                claim.bill.clone(),
                claim.patient.clone(),
                claim.mrn.clone(),
                claim.member_number.clone(),
                what.clone(),
                plain(*amount, c),
                plain(*share, c),
            ])
            .map_err(io)?;
        }
    }
    w.write_row([
        cl.scheme_code.clone(),
        month,
        "TOTAL".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        plain(cl.total, c),
    ])
    .map_err(io)?;
    w.flush().map_err(Error::Output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        let m = Month::parse("2026-02").unwrap();
        assert_eq!(
            (m.first, m.last),
            (
                NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
                NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
            )
        );
        assert_eq!(Month::parse("2026-12").unwrap().last.day(), 31);
        assert!(Month::parse("2026-13").is_err());
        assert!(Month::parse("March").is_err());
        assert_eq!(m.label(), "2026-02");
    }
}
