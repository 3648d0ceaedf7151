//! Billing's rows: the tariff and its prices, payer schemes and each
//! patient's, bills and their lines, payments and cash-ups. The file holds
//! billing's rules (see migration 17); these functions read and append.

pub mod bulk;
pub mod desk;
pub mod reports;

use super::StoreError;
use crate::domain::billing::shares::Cover;
use crate::domain::billing::{Method, SchemeKind, ServiceGroup};
use crate::domain::ids::Id;
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

/// A thing the hospital charges for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffItem {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub group: ServiceGroup,
}

/// A payer scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub kind: SchemeKind,
    pub cover: Cover,
    pub active: bool,
    pub version: i64,
}

/// A bill of a visit or an admission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub id: Id,
    pub number: i64,
    pub patient_id: Id,
    pub visit_id: Option<Id>,
    pub admission_id: Option<Id>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A bill's totals, from its lines and payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub charged: i64,
    pub patient_share: i64,
    pub scheme_share: i64,
    pub paid: i64,
    /// The lines less the payments.
    pub balance: i64,
}

/// Where a charge came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    LabOrder(Id),
    Dispense(Id),
    Visit(Id),
    AdmissionDay(Id, NaiveDate),
    Manual,
}

impl Source {
    fn kind(&self) -> &'static str {
        match self {
            Source::LabOrder(_) => "lab_order",
            Source::Dispense(_) => "dispense",
            Source::Visit(_) => "visit",
            Source::AdmissionDay(..) => "admission_day",
            Source::Manual => "manual",
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            Source::LabOrder(i) | Source::Dispense(i) | Source::Visit(i) => Some(i.as_str()),
            Source::AdmissionDay(i, _) => Some(i.as_str()),
            Source::Manual => None,
        }
    }

    fn day(&self) -> Option<String> {
        match self {
            Source::AdmissionDay(_, d) => Some(d.to_string()),
            _ => None,
        }
    }

    fn read(kind: &str, id: Option<String>, day: Option<String>) -> Source {
        let id = Id::from_stored(id.unwrap_or_default());
        match kind {
            "lab_order" => Source::LabOrder(id),
            "dispense" => Source::Dispense(id),
            "visit" => Source::Visit(id),
            "admission_day" => {
                Source::AdmissionDay(id, day.and_then(|d| d.parse().ok()).unwrap_or_default())
            }
            _ => Source::Manual,
        }
    }
}

/// What a line charges for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charged {
    Tariff(Id),
    LabTest(Id),
    Batch(Id),
}

/// A bill's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub id: Id,
    pub bill_id: Id,
    pub source: Source,
    pub charged: Charged,
    pub description: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub patient_share: i64,
    pub scheme_share: i64,
    pub co_payment: i64,
    pub reverses: Option<Id>,
    pub reason: Option<String>,
    pub posted_at: DateTime<Utc>,
    pub posted_by: Id,
}

/// Money taken or given back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: Id,
    pub receipt: i64,
    pub bill_id: Id,
    pub method: Method,
    pub amount: i64,
    pub reference: Option<String>,
    pub tendered: Option<i64>,
    pub change: Option<i64>,
    pub reason: Option<String>,
    pub cashier_id: Id,
    pub taken_at: DateTime<Utc>,
    pub day: NaiveDate,
}

/// Amounts by method of payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ByMethod {
    pub cash: i64,
    pub mobile_money: i64,
    pub card: i64,
    pub scheme: i64,
}

/// A cashier's closed day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashUp {
    pub id: Id,
    pub cashier_id: Id,
    pub day: NaiveDate,
    pub expected: ByMethod,
    pub counted_cash: i64,
    pub difference: i64,
    pub note: String,
    pub closed_at: DateTime<Utc>,
}

fn ts(s: String) -> DateTime<Utc> {
    parse_ts(&s).unwrap_or_default()
}

fn date(s: String) -> NaiveDate {
    s.parse().unwrap_or_default()
}

fn id(s: String) -> Id {
    Id::from_stored(s)
}

// The tariff.

fn tariff_item(r: &Row) -> rusqlite::Result<TariffItem> {
    let group: String = r.get(3)?;
    Ok(TariffItem {
        id: id(r.get(0)?),
        code: r.get(1)?,
        name: r.get(2)?,
        group: group.parse().unwrap_or(ServiceGroup::Service),
    })
}

pub fn tariff_item_by_code(
    conn: &Connection,
    code: &str,
) -> Result<Option<TariffItem>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id, code, name, service_group FROM tariff_items WHERE code = ?1")?
        .query_row([code], tariff_item)
        .optional()?)
}

/// Every tariff item with its price on `day` (none when unpriced), by code.
pub fn tariff_on(
    conn: &Connection,
    day: NaiveDate,
) -> Result<Vec<(TariffItem, Option<i64>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.code, i.name, i.service_group,
                (SELECT p.price FROM tariff_prices p
                 WHERE p.item_id = i.id AND p.effective_from <= ?1
                 ORDER BY p.effective_from DESC LIMIT 1)
         FROM tariff_items i ORDER BY i.code",
    )?;
    let rows = stmt.query_map([day.to_string()], |r| Ok((tariff_item(r)?, r.get(4)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_tariff_item(
    tx: &Transaction,
    item: &TariffItem,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO tariff_items (id, code, name, service_group, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        item.id.as_str(),
        item.code,
        item.name,
        item.group.to_string(),
        format_ts(now)
    ])?;
    Ok(())
}

/// Whether the item has a price from exactly `from` already.
pub fn price_from(
    conn: &Connection,
    item: &Id,
    from: NaiveDate,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT price FROM tariff_prices WHERE item_id = ?1 AND effective_from = ?2",
        )?
        .query_row(params![item.as_str(), from.to_string()], |r| r.get(0))
        .optional()?)
}

pub fn insert_price(
    tx: &Transaction,
    item: &Id,
    from: NaiveDate,
    price: i64,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO tariff_prices (item_id, effective_from, price, set_at, set_by) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![item.as_str(), from.to_string(), price, format_ts(now), by.as_str()])?;
    Ok(())
}

/// The item's price on `day`: the latest set from that day or before.
pub fn price_on(conn: &Connection, item: &Id, day: NaiveDate) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT price FROM tariff_prices WHERE item_id = ?1 AND effective_from <= ?2
             ORDER BY effective_from DESC LIMIT 1",
        )?
        .query_row(params![item.as_str(), day.to_string()], |r| r.get(0))
        .optional()?)
}

// Payer schemes.

const SCHEME_COLUMNS: &str = "id, code, name, kind, coverage_bp, co_payment, active, version";

fn scheme(r: &Row) -> rusqlite::Result<Scheme> {
    let kind: String = r.get(3)?;
    Ok(Scheme {
        id: id(r.get(0)?),
        code: r.get(1)?,
        name: r.get(2)?,
        kind: kind.parse().unwrap_or(SchemeKind::SelfPay),
        cover: Cover {
            coverage_bp: r.get(4)?,
            co_payment: r.get(5)?,
        },
        active: r.get::<_, i64>(6)? == 1,
        version: r.get(7)?,
    })
}

pub fn scheme_by_code(conn: &Connection, code: &str) -> Result<Option<Scheme>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {SCHEME_COLUMNS} FROM payer_schemes WHERE code = ?1"
        ))?
        .query_row([code], scheme)
        .optional()?)
}

/// Every payer scheme, by code.
pub fn schemes(conn: &Connection) -> Result<Vec<Scheme>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SCHEME_COLUMNS} FROM payer_schemes ORDER BY code"
    ))?;
    let rows = stmt.query_map([], scheme)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_scheme(tx: &Transaction, s: &Scheme) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO payer_schemes (id, code, name, kind, coverage_bp, co_payment, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        s.id.as_str(),
        s.code,
        s.name,
        s.kind.to_string(),
        s.cover.coverage_bp,
        s.cover.co_payment,
        i64::from(s.active)
    ])?;
    Ok(())
}

/// Writes a scheme's name, cover and whether it is offered, if it is still
/// at `s.version`; false when another terminal changed it first.
pub fn update_scheme(tx: &Transaction, s: &Scheme) -> Result<bool, StoreError> {
    let n = tx
        .prepare_cached(
            "UPDATE payer_schemes SET name = ?2, kind = ?3, coverage_bp = ?4, co_payment = ?5,
                    active = ?6, version = version + 1
             WHERE id = ?1 AND version = ?7",
        )?
        .execute(params![
            s.id.as_str(),
            s.name,
            s.kind.to_string(),
            s.cover.coverage_bp,
            s.cover.co_payment,
            i64::from(s.active),
            s.version
        ])?;
    Ok(n == 1)
}

/// A patient's scheme as set: which, the member number, its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientScheme<'a> {
    pub patient: &'a Id,
    pub scheme: &'a Id,
    pub member_number: &'a str,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

pub fn insert_patient_scheme(
    tx: &Transaction,
    p: &PatientScheme,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let new = Id::new();
    tx.prepare_cached(
        "INSERT INTO patient_schemes (id, patient_id, scheme_id, member_number, valid_from,
                                      valid_to, set_at, set_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        new.as_str(),
        p.patient.as_str(),
        p.scheme.as_str(),
        p.member_number,
        p.valid_from.to_string(),
        p.valid_to.map(|d| d.to_string()),
        format_ts(now),
        by.as_str()
    ])?;
    Ok(new)
}

/// The scheme covering the patient on `day` and their member number: the
/// latest set whose validity holds that day; none is self-pay.
pub fn scheme_of_patient_on(
    conn: &Connection,
    patient: &Id,
    day: NaiveDate,
) -> Result<Option<(Scheme, String)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT s.id, s.code, s.name, s.kind, s.coverage_bp, s.co_payment, s.active, s.version,
                    p.member_number
             FROM patient_schemes p JOIN payer_schemes s ON s.id = p.scheme_id
             WHERE p.patient_id = ?1 AND p.valid_from <= ?2 AND (p.valid_to IS NULL OR p.valid_to >= ?2)
             ORDER BY p.set_at DESC, p.id DESC LIMIT 1",
        )?
        .query_row(params![patient.as_str(), day.to_string()], |r| {
            Ok((scheme(r)?, r.get(8)?))
        })
        .optional()?)
}

// Bills.

const BILL_COLUMNS: &str = "id, number, patient_id, visit_id, admission_id, opened_at, closed_at";

fn bill(r: &Row) -> rusqlite::Result<Bill> {
    Ok(Bill {
        id: id(r.get(0)?),
        number: r.get(1)?,
        patient_id: id(r.get(2)?),
        visit_id: r.get::<_, Option<String>>(3)?.map(id),
        admission_id: r.get::<_, Option<String>>(4)?.map(id),
        opened_at: ts(r.get(5)?),
        closed_at: r.get::<_, Option<String>>(6)?.map(ts),
    })
}

pub fn bill_by_id(conn: &Connection, bill_id: &Id) -> Result<Option<Bill>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {BILL_COLUMNS} FROM bills WHERE id = ?1"))?
        .query_row([bill_id.as_str()], bill)
        .optional()?)
}

/// The open bill of a visit (`of` = `visit_id`) or of an admission.
pub fn open_bill(conn: &Connection, of: BillOf) -> Result<Option<Bill>, StoreError> {
    let (column, key) = match of {
        BillOf::Visit(v) => ("visit_id", v),
        BillOf::Admission(a) => ("admission_id", a),
    };
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {BILL_COLUMNS} FROM bills WHERE {column} = ?1 AND closed_at IS NULL"
        ))?
        .query_row([key.as_str()], bill)
        .optional()?)
}

/// What a bill is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillOf<'a> {
    Visit(&'a Id),
    Admission(&'a Id),
}

pub fn insert_bill(
    tx: &Transaction,
    patient: &Id,
    of: BillOf,
    now: DateTime<Utc>,
) -> Result<Bill, StoreError> {
    let new = Id::new();
    let (visit, admission) = match of {
        BillOf::Visit(v) => (Some(v.as_str()), None),
        BillOf::Admission(a) => (None, Some(a.as_str())),
    };
    tx.prepare_cached(
        "INSERT INTO bills (id, number, patient_id, visit_id, admission_id, opened_at)
         VALUES (?1, (SELECT coalesce(max(number), 0) + 1 FROM bills), ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        new.as_str(),
        patient.as_str(),
        visit,
        admission,
        format_ts(now)
    ])?;
    bill_by_id(tx, &new)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

pub fn close_bill(
    tx: &Transaction,
    bill_id: &Id,
    by: &Id,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx
        .prepare_cached(
            "UPDATE bills SET closed_at = ?2, closed_by = ?3 WHERE id = ?1 AND closed_at IS NULL",
        )?
        .execute(params![bill_id.as_str(), format_ts(now), by.as_str()])?;
    Ok(n == 1)
}

pub fn totals(conn: &Connection, bill_id: &Id) -> Result<Totals, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT charged, patient_share, scheme_share, paid, balance FROM bill_totals WHERE bill_id = ?1",
        )?
        .query_row([bill_id.as_str()], |r| {
            Ok(Totals {
                charged: r.get(0)?,
                patient_share: r.get(1)?,
                scheme_share: r.get(2)?,
                paid: r.get(3)?,
                balance: r.get(4)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// A patient's bills, newest first, with their totals.
pub fn bills_of_patient(
    conn: &Connection,
    patient: &Id,
) -> Result<Vec<(Bill, Totals)>, StoreError> {
    let bills = conn
        .prepare_cached(&format!(
            "SELECT {BILL_COLUMNS} FROM bills WHERE patient_id = ?1 ORDER BY opened_at DESC, number DESC"
        ))?
        .query_map([patient.as_str()], bill)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    bills
        .into_iter()
        .map(|b| {
            let t = totals(conn, &b.id)?;
            Ok((b, t))
        })
        .collect()
}

/// How much of the bill's co-payment its lines hold already.
pub fn co_payment_in(conn: &Connection, bill_id: &Id) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT coalesce(sum(co_payment), 0) FROM charges WHERE bill_id = ?1")?
        .query_row([bill_id.as_str()], |r| r.get(0))?)
}

// Charges.

/// A line to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCharge<'a> {
    pub bill: &'a Id,
    pub source: &'a Source,
    pub charged: &'a Charged,
    pub description: &'a str,
    pub quantity: i64,
    pub unit_price: i64,
    pub patient_share: i64,
    pub scheme_share: i64,
    pub co_payment: i64,
    pub reverses: Option<&'a Id>,
    pub reason: Option<&'a str>,
    pub by: &'a Id,
}

pub fn insert_charge(
    tx: &Transaction,
    c: &NewCharge,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let new = Id::new();
    let (tariff, lab_test, batch) = match c.charged {
        Charged::Tariff(i) => (Some(i.as_str()), None, None),
        Charged::LabTest(i) => (None, Some(i.as_str()), None),
        Charged::Batch(i) => (None, None, Some(i.as_str())),
    };
    tx.prepare_cached(
        "INSERT INTO charges (id, bill_id, source_kind, source_id, source_day, tariff_item_id,
                              lab_test_id, batch_id, description, quantity, unit_price, amount,
                              patient_share, scheme_share, co_payment, reverses, reason,
                              posted_at, posted_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10 * ?11, ?12, ?13, ?14, ?15,
                 ?16, ?17, ?18)",
    )?
    .execute(params![
        new.as_str(),
        c.bill.as_str(),
        c.source.kind(),
        c.source.id(),
        c.source.day(),
        tariff,
        lab_test,
        batch,
        c.description,
        c.quantity,
        c.unit_price,
        c.patient_share,
        c.scheme_share,
        c.co_payment,
        c.reverses.map(Id::as_str),
        c.reason,
        format_ts(now),
        c.by.as_str()
    ])?;
    Ok(new)
}

const CHARGE_COLUMNS: &str = "id, bill_id, source_kind, source_id, source_day, tariff_item_id,
    lab_test_id, batch_id, description, quantity, unit_price, amount, patient_share,
    scheme_share, co_payment, reverses, reason, posted_at, posted_by";

fn charge(r: &Row) -> rusqlite::Result<Charge> {
    let kind: String = r.get(2)?;
    let tariff: Option<String> = r.get(5)?;
    let lab_test: Option<String> = r.get(6)?;
    let batch: Option<String> = r.get(7)?;
    let charged = match (tariff, lab_test, batch) {
        (Some(t), _, _) => Charged::Tariff(id(t)),
        (None, Some(l), _) => Charged::LabTest(id(l)),
        (None, None, b) => Charged::Batch(id(b.unwrap_or_default())),
    };
    Ok(Charge {
        id: id(r.get(0)?),
        bill_id: id(r.get(1)?),
        source: Source::read(&kind, r.get(3)?, r.get(4)?),
        charged,
        description: r.get(8)?,
        quantity: r.get(9)?,
        unit_price: r.get(10)?,
        amount: r.get(11)?,
        patient_share: r.get(12)?,
        scheme_share: r.get(13)?,
        co_payment: r.get(14)?,
        reverses: r.get::<_, Option<String>>(15)?.map(id),
        reason: r.get(16)?,
        posted_at: ts(r.get(17)?),
        posted_by: id(r.get(18)?),
    })
}

pub fn charge_by_id(conn: &Connection, charge_id: &Id) -> Result<Option<Charge>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CHARGE_COLUMNS} FROM charges WHERE id = ?1"
        ))?
        .query_row([charge_id.as_str()], charge)
        .optional()?)
}

/// The line reversing `charge_id`, if it was reversed.
pub fn reversal_of(conn: &Connection, charge_id: &Id) -> Result<Option<Id>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM charges WHERE reverses = ?1")?
        .query_row([charge_id.as_str()], |r| r.get::<_, String>(0))
        .optional()?
        .map(id))
}

/// The lines of a bill in the order they were posted.
pub fn charges_of_bill(conn: &Connection, bill_id: &Id) -> Result<Vec<Charge>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CHARGE_COLUMNS} FROM charges WHERE bill_id = ?1 ORDER BY posted_at, rowid"
        ))?
        .query_map([bill_id.as_str()], charge)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The lines not yet reversed that came from `source`, found by the
/// source's index (`+reverses`: the unique index on `reverses` would
/// otherwise be taken for the search and walk every line).
pub fn standing_charges_of(conn: &Connection, source: &Source) -> Result<Vec<Charge>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CHARGE_COLUMNS} FROM charges c
             WHERE source_kind = ?1 AND source_id IS ?2 AND source_day IS ?3 AND +reverses IS NULL
               AND NOT EXISTS (SELECT 1 FROM charges r WHERE r.reverses = c.id)
             ORDER BY posted_at, rowid"
        ))?
        .query_map(params![source.kind(), source.id(), source.day()], charge)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Whether any line, standing or reversed, came from `source`.
pub fn posted_from(conn: &Connection, source: &Source) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM charges
             WHERE source_kind = ?1 AND source_id = ?2 AND source_day IS ?3)",
        )?
        .query_row(params![source.kind(), source.id(), source.day()], |r| {
            r.get(0)
        })?)
}

// Payments.

/// A payment or refund to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment<'a> {
    pub bill: &'a Id,
    pub method: Method,
    pub amount: i64,
    pub reference: Option<&'a str>,
    pub tendered: Option<i64>,
    pub change: Option<i64>,
    pub reason: Option<&'a str>,
    pub cashier: &'a Id,
    pub day: NaiveDate,
}

/// Records the payment with the next receipt number.
pub fn insert_payment(
    tx: &Transaction,
    p: &NewPayment,
    now: DateTime<Utc>,
) -> Result<Payment, StoreError> {
    let new = Id::new();
    tx.prepare_cached(
        "INSERT INTO payments (id, receipt, bill_id, method, amount, reference, tendered,
                               change_given, reason, cashier_id, taken_at, day)
         VALUES (?1, (SELECT coalesce(max(receipt), 0) + 1 FROM payments), ?2, ?3, ?4, ?5, ?6,
                 ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        new.as_str(),
        p.bill.as_str(),
        p.method.to_string(),
        p.amount,
        p.reference,
        p.tendered,
        p.change,
        p.reason,
        p.cashier.as_str(),
        format_ts(now),
        p.day.to_string()
    ])?;
    payment_by_id(tx, &new)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

const PAYMENT_COLUMNS: &str = "id, receipt, bill_id, method, amount, reference, tendered,
    change_given, reason, cashier_id, taken_at, day";

fn payment(r: &Row) -> rusqlite::Result<Payment> {
    let method: String = r.get(3)?;
    Ok(Payment {
        id: id(r.get(0)?),
        receipt: r.get(1)?,
        bill_id: id(r.get(2)?),
        method: method.parse().unwrap_or(Method::Cash),
        amount: r.get(4)?,
        reference: r.get(5)?,
        tendered: r.get(6)?,
        change: r.get(7)?,
        reason: r.get(8)?,
        cashier_id: id(r.get(9)?),
        taken_at: ts(r.get(10)?),
        day: date(r.get(11)?),
    })
}

pub fn payment_by_id(conn: &Connection, payment_id: &Id) -> Result<Option<Payment>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1"
        ))?
        .query_row([payment_id.as_str()], payment)
        .optional()?)
}

/// A bill's payments and refunds in receipt order.
pub fn payments_of_bill(conn: &Connection, bill_id: &Id) -> Result<Vec<Payment>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE bill_id = ?1 ORDER BY receipt"
        ))?
        .query_map([bill_id.as_str()], payment)?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// What a cashier took on a day, by method (refunds counted against it).
pub fn takings(conn: &Connection, cashier: &Id, day: NaiveDate) -> Result<ByMethod, StoreError> {
    let mut by = ByMethod::default();
    let mut stmt = conn.prepare_cached(
        "SELECT method, sum(amount) FROM payments WHERE cashier_id = ?1 AND day = ?2 GROUP BY method",
    )?;
    let rows = stmt.query_map(params![cashier.as_str(), day.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (method, sum) = row?;
        match method.parse() {
            Ok(Method::Cash) => by.cash = sum,
            Ok(Method::MobileMoney) => by.mobile_money = sum,
            Ok(Method::Card) => by.card = sum,
            Ok(Method::Scheme) => by.scheme = sum,
            Err(_) => {}
        }
    }
    Ok(by)
}

// Cash-ups.

pub fn cash_up_of(
    conn: &Connection,
    cashier: &Id,
    day: NaiveDate,
) -> Result<Option<CashUp>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, cashier_id, day, expected_cash, expected_mobile_money, expected_card,
                    expected_scheme, counted_cash, difference, note, closed_at
             FROM cash_ups WHERE cashier_id = ?1 AND day = ?2",
        )?
        .query_row(params![cashier.as_str(), day.to_string()], |r| {
            Ok(CashUp {
                id: id(r.get(0)?),
                cashier_id: id(r.get(1)?),
                day: date(r.get(2)?),
                expected: ByMethod {
                    cash: r.get(3)?,
                    mobile_money: r.get(4)?,
                    card: r.get(5)?,
                    scheme: r.get(6)?,
                },
                counted_cash: r.get(7)?,
                difference: r.get(8)?,
                note: r.get(9)?,
                closed_at: ts(r.get(10)?),
            })
        })
        .optional()?)
}

/// A cashier's day to close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCashUp<'a> {
    pub cashier: &'a Id,
    pub day: NaiveDate,
    pub expected: ByMethod,
    pub counted_cash: i64,
    pub note: &'a str,
    pub by: &'a Id,
}

pub fn insert_cash_up(
    tx: &Transaction,
    c: &NewCashUp,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let NewCashUp {
        cashier,
        day,
        expected,
        counted_cash,
        note,
        by,
    } = *c;
    let new = Id::new();
    tx.prepare_cached(
        "INSERT INTO cash_ups (id, cashier_id, day, expected_cash, expected_mobile_money,
                               expected_card, expected_scheme, counted_cash, difference, note,
                               closed_at, closed_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8 - ?4, ?9, ?10, ?11)",
    )?
    .execute(params![
        new.as_str(),
        cashier.as_str(),
        day.to_string(),
        expected.cash,
        expected.mobile_money,
        expected.card,
        expected.scheme,
        counted_cash,
        note,
        format_ts(now),
        by.as_str()
    ])?;
    Ok(new)
}
