//! The bench hospital's billing (revision 7). Billing went live
//! [`HISTORY_DAYS`] before the bench day, with the pharmacy's ledger: the
//! administrator sets a tariff (consultations, a bed-day per kind of ward,
//! procedures), prices one test of each kind of lab order, adds an
//! insurance scheme and a waiver programme, and four cashiers; a share of
//! the register gets a scheme with a member number. Then every event of
//! those days is charged as the product charges it — each consultation,
//! a procedure on some, each priced lab order (reversed when it was
//! cancelled or rejected), each dispense against a prescription at its
//! batch's price, each bed-day of every stay — on the bill of its visit or
//! admission, split by the patient's scheme; the patients pay their share
//! at the cash desk (cash with change, mobile money, card), most in full,
//! some in part, some not yet, a few refunded; each cashier's past days are
//! closed by a cash-up (a few with a difference and its note); settled
//! visit bills are closed.
//!
//! Written in bulk (one transaction per [`CHUNK`] rows) through
//! `store::billing`'s row functions, so that every trigger of migrations
//! 17 and 18 checks every row: gapless receipts, one standing line per
//! source, closed days, cash-ups equal to the day's payments. One audit
//! event per bill opened, line, payment, cash-up and bill closed.

use super::{BENCH_USER, PASSWORD, SEED, clinic_now, today};
use crate::auth::{self, Session};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::bed_days;
use crate::domain::billing::shares::{self, Cover};
use crate::domain::billing::{Method, SchemeKind, ServiceGroup, bill_number, receipt_number};
use crate::domain::ids::Id;
use crate::domain::role::Role;
use crate::ops::accounts;
use crate::ops::billing::events::{BED_DAY, CONSULTATION, bed_day_code};
use crate::ops::billing::tariff::{self, SchemeInput};
use crate::store::Db;
use crate::store::billing::bulk::{self, Counts};
use crate::store::billing::{
    self as store, Bill, BillOf, ByMethod, Charged, NewCashUp, NewCharge, NewPayment,
    PatientScheme, Source,
};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// Days of billing before the bench day: the pharmacy's ledger window.
pub const HISTORY_DAYS: i64 = super::prescriptions::HISTORY_DAYS;
/// Rows written per transaction.
const CHUNK: usize = 5_000;
/// The bench's cashiers: user name and full name.
pub const CASHIERS: [(&str, &str); 4] = [
    ("bench-cashier", "Bench Cashier"),
    ("bench-cashier2", "Bench Cashier Two"),
    ("bench-cashier3", "Bench Cashier Three"),
    ("bench-cashier4", "Bench Cashier Four"),
];
/// The insurance scheme's code: 80% of each line after a co-payment.
pub const INSURANCE: &str = "BENCH-INSURE";
/// The waiver programme's code.
pub const WAIVER: &str = "BENCH-WAIVER";
/// The procedures posted by hand (code, name, price in cents).
pub const PROCEDURES: [(&str, &str, i64); 5] = [
    ("DRESSING", "Wound dressing", 800),
    ("SUTURE", "Suturing", 1_500),
    ("XRAY-CHEST", "Chest X-ray", 3_000),
    ("ECG", "Electrocardiogram", 2_000),
    ("NEBULISE", "Nebulisation", 700),
];
/// The consultations' and bed-days' tariff (code, name, group, cents).
const TARIFF: [(&str, &str, ServiceGroup, i64); 11] = [
    (
        CONSULTATION,
        "Consultation",
        ServiceGroup::Consultation,
        2_000,
    ),
    (
        "CONSULT-ANTENATAL",
        "Antenatal consultation",
        ServiceGroup::Consultation,
        1_500,
    ),
    (BED_DAY, "Bed-day", ServiceGroup::BedDay, 4_000),
    (
        "BED-GENERAL",
        "Bed-day, general ward",
        ServiceGroup::BedDay,
        4_000,
    ),
    (
        "BED-MEDICAL",
        "Bed-day, medical ward",
        ServiceGroup::BedDay,
        4_500,
    ),
    (
        "BED-SURGICAL",
        "Bed-day, surgical ward",
        ServiceGroup::BedDay,
        5_000,
    ),
    (
        "BED-MATERNITY",
        "Bed-day, maternity",
        ServiceGroup::BedDay,
        4_000,
    ),
    (
        "BED-PAEDIATRIC",
        "Bed-day, paediatrics",
        ServiceGroup::BedDay,
        3_500,
    ),
    (
        "BED-ICU",
        "Bed-day, intensive care",
        ServiceGroup::BedDay,
        15_000,
    ),
    (
        "BED-ISOLATION",
        "Bed-day, isolation",
        ServiceGroup::BedDay,
        6_000,
    ),
    (
        "BED-OTHER",
        "Bed-day, other ward",
        ServiceGroup::BedDay,
        4_000,
    ),
];
/// One priced test for each kind of the bench lab's orders (a line
/// stands once per order), in cents.
const LAB_PRICES: [(&str, i64); 5] = [
    ("CREA", 600),
    ("ALT", 700),
    ("LIPID", 1_200),
    ("CRP", 900),
    ("HBA1C", 1_500),
];

/// Billing's first day.
pub fn first_day() -> NaiveDate {
    today() - Duration::days(HISTORY_DAYS)
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// Whose bill a line goes on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Visit(Id),
    Admission(Id),
}

impl Key {
    fn of(&self) -> BillOf<'_> {
        match self {
            Key::Visit(v) => BillOf::Visit(v),
            Key::Admission(a) => BillOf::Admission(a),
        }
    }
}

/// A line to post, and when it is reversed.
struct Posting {
    at: DateTime<Utc>,
    key: Key,
    patient: Id,
    /// Who posted it: the clinician, the lab's orderer, the pharmacist.
    by: Id,
    source: Source,
    charged: Charged,
    description: String,
    quantity: i64,
    unit_price: i64,
    reversed: Option<(DateTime<Utc>, String)>,
}

/// A bill as the build knows it.
struct Open {
    bill: Bill,
    cover: Cover,
    co_payment: i64,
    patient_share: i64,
    charged: i64,
    last: DateTime<Utc>,
    admission_open: bool,
}

/// The bench's staff and prices.
struct Setup {
    admin: Session,
    cashiers: Vec<Id>,
    tariff: HashMap<String, (Id, String, i64)>,
}

/// Adds billing to a hospital whose clinical record, medicines and
/// laboratory are written.
pub fn add(db: &mut Db, _patients: u64) -> Result<Counts> {
    let now = clinic_now();
    let mut started = Instant::now();
    let mut said = |what: &str| {
        eprintln!(
            "bench: billing: {what} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        started = Instant::now();
    };
    let setup = set_up(db)?;
    let mut rng = StdRng::seed_from_u64(SEED ^ 0x0042_494c_4c53);
    let covers = schemes_of_patients(db, &setup, &mut rng)?;
    said("the tariff, the schemes and the patients' schemes");
    let postings = postings(db, &setup, now, &mut rng)?;
    said(&format!("{} lines planned", postings.len()));
    let bills = post(db, &postings, &covers)?;
    said(&format!("{} bills posted", bills.len()));
    let last_paid = pay(db, &setup, bills, now, &mut rng)?;
    said("the payments taken");
    close_days(db, &setup, now, &mut rng)?;
    close_bills(db, &last_paid)?;
    said("the days and the settled bills closed");
    auth::sign_out(
        db,
        &setup.admin,
        crate::store::sessions::EndReason::Logout,
        now,
    )?;
    Ok(bulk::counts(db.conn())?)
}

/// The tariff, the lab's prices, the schemes and the cashiers, through
/// the operations an administrator uses.
fn set_up(db: &mut Db) -> Result<Setup> {
    let start = midnight(first_day()) + Duration::hours(7);
    let admin = auth::sign_in(db, BENCH_USER, PASSWORD, start)?;
    let clock = db.clock(start)?;
    let mut cashiers = Vec::new();
    for (user_name, full_name) in CASHIERS {
        let account = accounts::NewAccount {
            user_name,
            full_name,
            role: Role::Cashier,
            password: PASSWORD,
        };
        let user = accounts::add(db, &admin, &account, false, start)
            .with_context(|| format!("could not create the bench account {user_name}"))?;
        cashiers.push(user.id);
    }
    let mut prices = HashMap::new();
    let all = TARIFF.iter().copied().chain(
        PROCEDURES
            .iter()
            .map(|(c, n, p)| (*c, *n, ServiceGroup::Procedure, *p)),
    );
    for (code, name, group, price) in all {
        let item = tariff::add_item(db, &admin, code, name, group, clock)
            .with_context(|| format!("could not add {code} to the bench tariff"))?;
        tariff::set_price(db, &admin, code, price, first_day(), clock)
            .with_context(|| format!("could not price {code}"))?;
        prices.insert(code.to_string(), (item.id, name.to_string(), price));
    }
    for (code, price) in LAB_PRICES {
        let version = crate::store::lab::by_code(db.conn(), code)?
            .with_context(|| format!("the lab's catalogue has no test {code}"))?
            .version;
        crate::ops::lab_catalogue::change_price(
            db,
            &admin,
            code,
            price,
            version,
            "the hospital's first tariff",
            start,
        )
        .with_context(|| format!("could not price the lab test {code}"))?;
    }
    for input in [
        SchemeInput {
            code: INSURANCE,
            name: "Bench Health Insurance",
            kind: SchemeKind::Insurance,
            coverage_bp: 8_000,
            co_payment: 500,
            active: true,
        },
        SchemeInput {
            code: WAIVER,
            name: "Bench Hardship Waiver",
            kind: SchemeKind::Waiver,
            coverage_bp: 10_000,
            co_payment: 0,
            active: true,
        },
    ] {
        tariff::add_scheme(db, &admin, &input)
            .with_context(|| format!("could not add the scheme {}", input.code))?;
    }
    Ok(Setup {
        admin,
        cashiers,
        tariff: prices,
    })
}

/// A third of the register insured (with a member number) and one in
/// thirty on the waiver, from billing's first day; the rest pay themselves.
fn schemes_of_patients(
    db: &mut Db,
    setup: &Setup,
    rng: &mut StdRng,
) -> Result<HashMap<String, Cover>> {
    let conn = db.conn();
    let insurance = store::scheme_by_code(conn, INSURANCE)?.context("no insurance scheme")?;
    let waiver = store::scheme_by_code(conn, WAIVER)?.context("no waiver scheme")?;
    let patients = bulk::patient_ids(conn)?;
    let mut chosen = Vec::new();
    for p in patients {
        match rng.gen_range(0..1000) {
            0..=299 => chosen.push((p, &insurance)),
            300..=332 => chosen.push((p, &waiver)),
            _ => {}
        }
    }
    let at = midnight(first_day()) + Duration::hours(7);
    let mut covers = HashMap::with_capacity(chosen.len());
    let mut member = 0u64;
    for chunk in chosen.chunks(CHUNK * 10) {
        db.write(&Actor::system(), |tx| {
            let mut events = Vec::with_capacity(chunk.len());
            for (patient, scheme) in chunk {
                member += 1;
                let number = if scheme.kind == SchemeKind::Insurance {
                    format!("BHI-{member:07}")
                } else {
                    String::new()
                };
                let id = store::insert_patient_scheme(
                    tx,
                    &PatientScheme {
                        patient,
                        scheme: &scheme.id,
                        member_number: &number,
                        valid_from: first_day(),
                        valid_to: None,
                    },
                    &setup.admin.user.id,
                    at,
                )?;
                events.push(
                    AuditEvent::new(
                        AuditAction::SetPatientScheme,
                        "patient_scheme",
                        format!("bench billing: scheme {} set", scheme.code),
                    )
                    .on(id.as_str())
                    .for_patient(patient.as_str()),
                );
                covers.insert(patient.as_str().to_string(), scheme.cover);
            }
            Ok::<_, anyhow::Error>(((), events))
        })?;
    }
    Ok(covers)
}

/// Every line of billing's days, in the order they were posted.
fn postings(db: &Db, setup: &Setup, now: DateTime<Utc>, rng: &mut StdRng) -> Result<Vec<Posting>> {
    let conn = db.conn();
    let start = midnight(first_day());
    let zone = db.settings()?.time_zone;
    let price = |code: &str| {
        setup
            .tariff
            .get(code)
            .cloned()
            .with_context(|| format!("the bench tariff has no {code}"))
    };
    let mut out = Vec::new();
    for v in bulk::consultations_between(conn, start, now)? {
        let at = v.started_at + Duration::minutes(rng.gen_range(15..40));
        if at >= now {
            continue;
        }
        let code = if v.antenatal {
            "CONSULT-ANTENATAL"
        } else {
            CONSULTATION
        };
        let (item, name, unit_price) = price(code)?;
        let key = Key::Visit(v.id.clone());
        out.push(Posting {
            at,
            key: key.clone(),
            patient: v.patient_id.clone(),
            by: v.clinician_id.clone(),
            source: Source::Visit(v.id.clone()),
            charged: Charged::Tariff(item),
            description: name,
            quantity: 1,
            unit_price,
            reversed: None,
        });
        if rng.gen_range(0..100) < 8 {
            let (code, _, _) = PROCEDURES[rng.gen_range(0..PROCEDURES.len())];
            let (item, name, unit_price) = price(code)?;
            let at = at + Duration::minutes(rng.gen_range(1..10));
            if at < now {
                out.push(Posting {
                    at,
                    key,
                    patient: v.patient_id.clone(),
                    by: v.clinician_id.clone(),
                    source: Source::Manual,
                    charged: Charged::Tariff(item),
                    description: name,
                    quantity: 1,
                    unit_price,
                    reversed: None,
                });
            }
        }
    }
    for o in bulk::priced_orders_between(conn, start, now)? {
        let key = match (&o.admission_id, &o.visit_id) {
            (Some(a), _) => Key::Admission(a.clone()),
            (None, Some(v)) => Key::Visit(v.clone()),
            (None, None) => continue,
        };
        out.push(Posting {
            at: o.ordered_at,
            key,
            patient: o.patient_id,
            by: o.ordered_by,
            source: Source::LabOrder(o.id),
            charged: Charged::LabTest(o.test_id),
            description: o.test_name,
            quantity: 1,
            unit_price: o.price,
            reversed: o.ended_at.map(|t| {
                (
                    t.max(o.ordered_at),
                    format!("{} cancelled or its specimen rejected", o.accession),
                )
            }),
        });
    }
    for d in bulk::priced_dispenses_between(conn, start, now)? {
        let key = match &d.admission_id {
            Some(a) => Key::Admission(a.clone()),
            None => Key::Visit(d.visit_id.clone()),
        };
        out.push(Posting {
            at: d.at,
            key,
            patient: d.patient_id,
            by: d.by.unwrap_or_else(|| setup.admin.user.id.clone()),
            source: Source::Dispense(Id::from_stored(d.seq.to_string())),
            charged: Charged::Batch(d.batch_id),
            description: format!("{} (batch {})", d.medicine, d.batch_no)
                .chars()
                .take(120)
                .collect(),
            quantity: d.quantity,
            unit_price: d.price,
            reversed: None,
        });
    }
    for a in crate::store::clinical::bulk::admission_spans(conn)? {
        if a.discharged_at.is_some_and(|d| d < start) {
            continue;
        }
        let stays = crate::store::beds::ward_stays_of(conn, &a.id)?;
        for day in bed_days::bed_days(&stays, zone, now) {
            if day.day < first_day() {
                continue;
            }
            let own = bed_day_code(day.kind);
            let (item, name, unit_price) = price(&own).or_else(|_| price(BED_DAY))?;
            let ends = midnight(day.day + Duration::days(1));
            let at = ends.min(a.discharged_at.unwrap_or(now)).min(now);
            out.push(Posting {
                at,
                key: Key::Admission(a.id.clone()),
                patient: a.patient_id.clone(),
                by: setup.admin.user.id.clone(),
                source: Source::AdmissionDay(a.id.clone(), day.day),
                charged: Charged::Tariff(item),
                description: format!("{name} ({})", day.day),
                quantity: 1,
                unit_price,
                reversed: None,
            });
        }
    }
    out.sort_by_key(|a| a.at);
    Ok(out)
}

/// Posts every line on its bill, opened by its first line; returns the
/// bills with what their patients owe.
fn post(
    db: &mut Db,
    postings: &[Posting],
    covers: &HashMap<String, Cover>,
) -> Result<BTreeMap<Key, Open>> {
    let open_admissions: std::collections::HashSet<String> =
        crate::store::clinical::bulk::admission_spans(db.conn())?
            .into_iter()
            .filter(|a| a.discharged_at.is_none())
            .map(|a| a.id.as_str().to_string())
            .collect();
    let mut bills: BTreeMap<Key, Open> = BTreeMap::new();
    for chunk in postings.chunks(CHUNK) {
        db.write(&Actor::system(), |tx| {
            let mut events = Vec::with_capacity(chunk.len() * 2);
            for p in chunk {
                // What the operations of the earlier layers charged stays.
                if p.source != Source::Manual && store::posted_from(tx, &p.source)? {
                    continue;
                }
                if !bills.contains_key(&p.key) {
                    let (bill, before) = match store::open_bill(tx, p.key.of())? {
                        Some(b) => {
                            let t = store::totals(tx, &b.id)?;
                            let co = store::co_payment_in(tx, &b.id)?;
                            (b, (co, t.patient_share, t.charged))
                        }
                        None => {
                            let bill = store::insert_bill(tx, &p.patient, p.key.of(), p.at)?;
                            events.push(
                                AuditEvent::new(
                                    AuditAction::OpenBill,
                                    "bill",
                                    format!(
                                        "bench billing: bill {} opened",
                                        bill_number(bill.number)
                                    ),
                                )
                                .on(bill.id.as_str())
                                .for_patient(p.patient.as_str()),
                            );
                            (bill, (0, 0, 0))
                        }
                    };
                    let admission_open = match &p.key {
                        Key::Admission(a) => open_admissions.contains(a.as_str()),
                        Key::Visit(_) => false,
                    };
                    let open = Open {
                        cover: covers
                            .get(p.patient.as_str())
                            .copied()
                            .unwrap_or(Cover::SELF_PAY),
                        bill,
                        co_payment: before.0,
                        patient_share: before.1,
                        charged: before.2,
                        last: p.at,
                        admission_open,
                    };
                    bills.insert(p.key.clone(), open);
                }
                let Some(b) = bills.get_mut(&p.key) else {
                    continue;
                };
                let amount = p.quantity * p.unit_price;
                let s = shares::split(amount, b.cover, b.co_payment);
                let line = NewCharge {
                    bill: &b.bill.id,
                    source: &p.source,
                    charged: &p.charged,
                    description: &p.description,
                    quantity: p.quantity,
                    unit_price: p.unit_price,
                    patient_share: s.patient,
                    scheme_share: s.scheme,
                    co_payment: s.co_payment,
                    reverses: None,
                    reason: None,
                    by: &p.by,
                };
                let id = store::insert_charge(tx, &line, p.at)?;
                events.push(
                    AuditEvent::new(
                        AuditAction::PostCharge,
                        "charge",
                        format!(
                            "bench billing: {} × {} at {} on bill {}",
                            p.quantity,
                            p.description,
                            p.unit_price,
                            bill_number(b.bill.number)
                        ),
                    )
                    .on(id.as_str())
                    .for_patient(p.patient.as_str()),
                );
                b.co_payment += s.co_payment;
                b.patient_share += s.patient;
                b.charged += amount;
                b.last = b.last.max(p.at);
                if let Some((at, reason)) = &p.reversed {
                    let r = shares::reversed(s);
                    let rid = store::insert_charge(
                        tx,
                        &NewCharge {
                            bill: &b.bill.id,
                            source: &p.source,
                            charged: &p.charged,
                            description: &p.description,
                            quantity: -p.quantity,
                            unit_price: p.unit_price,
                            patient_share: r.patient,
                            scheme_share: r.scheme,
                            co_payment: r.co_payment,
                            reverses: Some(&id),
                            reason: Some(reason),
                            by: &p.by,
                        },
                        *at,
                    )?;
                    events.push(
                        AuditEvent::new(
                            AuditAction::ReverseCharge,
                            "charge",
                            format!(
                                "bench billing: {} reversed on bill {}: {reason}",
                                p.description,
                                bill_number(b.bill.number)
                            ),
                        )
                        .on(rid.as_str())
                        .for_patient(p.patient.as_str()),
                    );
                    b.co_payment += r.co_payment;
                    b.patient_share += r.patient;
                    b.charged -= amount;
                    b.last = b.last.max(*at);
                }
            }
            Ok::<_, anyhow::Error>(((), events))
        })?;
    }
    Ok(bills)
}

/// Money taken or given back, before it has its receipt.
struct Taking {
    at: DateTime<Utc>,
    bill: Id,
    number: i64,
    patient: Id,
    method: Method,
    amount: i64,
    tendered: Option<i64>,
    reference: Option<String>,
    cashier: Id,
    reason: Option<&'static str>,
}

/// A bill settled in full: closed a minute after its payment by its
/// cashier.
type Settled = (Id, Id, DateTime<Utc>);

/// The patients pay their share of the bills they left with (a stay still
/// open pays at its discharge): most in full a little after their last
/// line, some half, some not yet; a few payments are refunded in part by
/// the administrator. Receipts follow the time of payment. Returns the
/// bills settled in full.
fn pay(
    db: &mut Db,
    setup: &Setup,
    bills: BTreeMap<Key, Open>,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<Vec<Settled>> {
    let mut takings = Vec::new();
    let mut settled = Vec::new();
    for b in bills.into_values() {
        if b.admission_open || b.patient_share <= 0 {
            continue;
        }
        let at = b.last + Duration::minutes(rng.gen_range(10..90));
        if at >= now {
            continue;
        }
        let amount = match rng.gen_range(0..100) {
            0..=84 => b.patient_share,
            85..=92 => (b.patient_share / 2).max(1),
            _ => continue,
        };
        let method = match rng.gen_range(0..100) {
            0..=54 => Method::Cash,
            55..=89 => Method::MobileMoney,
            _ => Method::Card,
        };
        let tendered = (method == Method::Cash).then(|| {
            let note = 1_000;
            if rng.gen_bool(0.3) {
                amount
            } else {
                (amount + note - 1) / note * note
            }
        });
        let reference = match method {
            Method::MobileMoney => Some(format!("MP{:010}", rng.gen_range(0..10_000_000_000u64))),
            _ => None,
        };
        let cashier = setup.cashiers[rng.gen_range(0..setup.cashiers.len())].clone();
        let refund = amount == b.patient_share && rng.gen_range(0..1000) < 3;
        let full = amount == b.patient_share && b.charged == b.patient_share && !refund;
        if full {
            settled.push((
                b.bill.id.clone(),
                cashier.clone(),
                at + Duration::minutes(1),
            ));
        }
        if refund {
            let back = at + Duration::minutes(rng.gen_range(30..120));
            if back < now {
                takings.push(Taking {
                    at: back,
                    bill: b.bill.id.clone(),
                    number: b.bill.number,
                    patient: b.bill.patient_id.clone(),
                    method,
                    amount: -amount.min(500),
                    tendered: None,
                    reference: reference.clone(),
                    cashier: setup.admin.user.id.clone(),
                    reason: Some("charged twice at the desk"),
                });
            }
        }
        takings.push(Taking {
            at,
            bill: b.bill.id,
            number: b.bill.number,
            patient: b.bill.patient_id,
            method,
            amount,
            tendered,
            reference,
            cashier,
            reason: None,
        });
    }
    takings.sort_by_key(|a| a.at);
    let zone = db.settings()?.time_zone;
    for chunk in takings.chunks(CHUNK) {
        db.write(&Actor::system(), |tx| {
            let mut events = Vec::with_capacity(chunk.len());
            for t in chunk {
                let p = store::insert_payment(
                    tx,
                    &NewPayment {
                        bill: &t.bill,
                        method: t.method,
                        amount: t.amount,
                        reference: t.reference.as_deref(),
                        tendered: t.tendered,
                        change: t.tendered.map(|x| x - t.amount),
                        reason: t.reason,
                        cashier: &t.cashier,
                        day: crate::domain::clock::local_date(zone, t.at),
                    },
                    t.at,
                )?;
                let (action, what) = if t.amount < 0 {
                    (AuditAction::RefundPayment, "refunded")
                } else {
                    (AuditAction::TakePayment, "paid")
                };
                events.push(
                    AuditEvent::new(
                        action,
                        "payment",
                        format!(
                            "bench billing: receipt {}: {} {what} by {} on bill {}",
                            receipt_number(p.receipt),
                            t.amount.abs(),
                            t.method.label(),
                            bill_number(t.number)
                        ),
                    )
                    .on(p.id.as_str())
                    .for_patient(t.patient.as_str()),
                );
            }
            Ok::<_, anyhow::Error>(((), events))
        })?;
    }
    Ok(settled)
}

/// Each cashier's days before the bench day closed by a cash-up at the
/// day's end: the cash counted is the day's cash but on one day in
/// twenty-five, short or over with a note.
fn close_days(db: &mut Db, setup: &Setup, now: DateTime<Utc>, rng: &mut StdRng) -> Result<()> {
    let zone = db.settings()?.time_zone;
    let today = crate::domain::clock::local_date(zone, now);
    let mut days = Vec::new();
    let mut day = first_day();
    while day < today {
        for cashier in &setup.cashiers {
            let expected = store::takings(db.conn(), cashier, day)?;
            if expected != ByMethod::default() {
                days.push((cashier.clone(), day, expected));
            }
        }
        day += Duration::days(1);
    }
    for chunk in days.chunks(CHUNK) {
        db.write(&Actor::system(), |tx| {
            let mut events = Vec::with_capacity(chunk.len());
            for (cashier, day, expected) in chunk {
                let (counted, note) = if rng.gen_range(0..25) == 0 {
                    let off = rng.gen_range(50..1_500);
                    if rng.gen_bool(0.6) && expected.cash >= off {
                        (expected.cash - off, "short: change given from the wrong drawer")
                    } else {
                        (expected.cash + off, "over: a patient left without the change")
                    }
                } else {
                    (expected.cash, "")
                };
                let closed = midnight(*day + Duration::days(1)) - Duration::minutes(1);
                let id = store::insert_cash_up(
                    tx,
                    &NewCashUp {
                        cashier,
                        day: *day,
                        expected: *expected,
                        counted_cash: counted,
                        note,
                        by: cashier,
                    },
                    closed,
                )?;
                events.push(
                    AuditEvent::new(
                        AuditAction::CloseCashUp,
                        "cash_up",
                        format!(
                            "bench billing: a cashier's day {day} closed: cash expected {}, counted {counted}",
                            expected.cash
                        ),
                    )
                    .on(id.as_str()),
                );
            }
            Ok::<_, anyhow::Error>(((), events))
        })?;
    }
    Ok(())
}

/// Closes the bills settled in full.
fn close_bills(db: &mut Db, settled: &[Settled]) -> Result<()> {
    for chunk in settled.chunks(CHUNK) {
        db.write(&Actor::system(), |tx| {
            let mut events = Vec::with_capacity(chunk.len());
            for (bill, by, at) in chunk {
                if store::close_bill(tx, bill, by, *at)? {
                    events.push(
                        AuditEvent::new(
                            AuditAction::CloseBill,
                            "bill",
                            "bench billing: bill settled and closed".to_string(),
                        )
                        .on(bill.as_str()),
                    );
                }
            }
            Ok::<_, anyhow::Error>(((), events))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(db: &Db, sql: &str) -> i64 {
        db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn every_event_of_billings_days_is_charged_once_and_paid_within_its_balance() {
        let dir = tempfile::tempdir().unwrap();
        let path = super::super::build::ensure(dir.path(), 300).unwrap();
        let db = Db::open(&path).unwrap();
        let c = bulk::counts(db.conn()).unwrap();
        assert!(c.bills > 50 && c.charges > c.bills, "{c:?}");
        assert!(
            c.payments > 50 && c.cash_ups > 10 && c.closed_bills > 0,
            "{c:?}"
        );
        // about a third of the register has a scheme
        assert!((60..=140).contains(&c.patient_schemes), "{c:?}");
        // every kind of line is there, and the cancelled or rejected lab
        // orders are reversed
        for kind in ["visit", "lab_order", "dispense", "admission_day", "manual"] {
            let n = one(
                &db,
                &format!("SELECT count(*) FROM charges WHERE source_kind = '{kind}'"),
            );
            assert!(n > 0, "no {kind} line");
        }
        let ended = one(
            &db,
            &format!(
                "SELECT count(*) FROM lab_orders o WHERE status IN ('cancelled', 'rejected')
                 AND ordered_at >= '{}' AND EXISTS (SELECT 1 FROM charges c
                     WHERE c.source_kind = 'lab_order' AND c.source_id = o.id)",
                first_day()
            ),
        );
        assert!(ended > 0 && c.reversals == ended, "{c:?}, {ended} ended");
        // each consultation of billing's days charged once
        let consultations = one(
            &db,
            &format!(
                "SELECT count(*) FROM visits WHERE kind IN ('outpatient', 'walk_in', 'antenatal')
                 AND started_at >= '{}' AND started_at < '2026-03-09T09:50:00Z'",
                first_day()
            ),
        );
        let charged = one(
            &db,
            "SELECT count(DISTINCT source_id) FROM charges WHERE source_kind = 'visit'",
        );
        let twice = one(
            &db,
            "SELECT count(*) FROM (SELECT source_id FROM charges WHERE source_kind = 'visit'
             GROUP BY source_id HAVING count(*) > 1)",
        );
        assert!(
            charged >= consultations && twice == 0,
            "{charged} of {consultations}"
        );
        // nobody paid more than their bill, and a closed bill is settled
        assert_eq!(
            one(&db, "SELECT count(*) FROM bill_totals WHERE balance < 0"),
            0
        );
        assert_eq!(
            one(
                &db,
                "SELECT count(*) FROM bills b JOIN bill_totals t ON t.bill_id = b.id
                 WHERE b.closed_at IS NOT NULL AND t.balance <> 0"
            ),
            0
        );
        // past days are closed, the bench day is open; receipts run on
        assert!(
            one(
                &db,
                &format!("SELECT count(*) FROM cash_ups WHERE day >= '{}'", today())
            ) == 0
        );
        assert_eq!(
            one(&db, "SELECT max(receipt) - count(*) FROM payments"),
            0,
            "receipts without gaps"
        );
        // the payments follow the clock: no receipt older than the one before
        assert_eq!(
            one(
                &db,
                "SELECT count(*) FROM payments a JOIN payments b ON b.receipt = a.receipt + 1
                 WHERE b.taken_at < a.taken_at"
            ),
            0
        );
    }
}
