//! The demo hospital's billing, written through `ops::billing` as the admin,
//! the cashier, the nurse and the doctor would. First the tariff
//! (consultations by appointment type, bed-days by kind of ward, procedures
//! and services, the doctor's consultation repriced a fortnight ago) and
//! the payer schemes, before the clinic and the wards run, so their events
//! charge themselves; then the laboratory's prices, once the diabetic
//! patient's old reviews are written; an insurance scheme and a waiver set
//! on a few of today's patients; and the cash desk's work: yesterday's
//! payments and cash-up (a little short, with its note), today's manual
//! procedures, payments by cash, mobile money, card and the scheme, one
//! refund by the admin, and bills left owing for the cashier.

use crate::auth::{self, Session};
use crate::domain::beds::WardKind;
use crate::domain::billing::{Method, SchemeKind, ServiceGroup};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::time::{format_ts, parse_ts};
use crate::ops::billing::bills;
use crate::ops::billing::desk::{self, PaymentInput, RefundInput};
use crate::ops::billing::events::{BED_DAY, CONSULTATION, bed_day_code, consultation_code};
use crate::ops::billing::tariff::{self, PatientSchemeInput, SchemeInput};
use crate::ops::lab_catalogue;
use crate::store::Db;
use crate::store::billing::BillOf;
use crate::store::sessions::EndReason;
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

/// The insurance scheme some of today's patients hold.
pub const INSURANCE: &str = "AAR";
/// The waiver programme one admitted child is on.
pub const WAIVER: &str = "CHILD-WAIVER";
/// What the insurer leaves to the patient on each bill, in cents.
const CO_PAYMENT: i64 = 20_000;
/// How much less cash the cashier counted yesterday than the file expected.
pub const YESTERDAY_SHORT: i64 = 5_000;
/// The reason the admin gives for today's refund.
pub const REFUND_REASON: &str =
    "wound dressing charged but not done: the patient was referred first";

/// How many days before the demo's day the tariff's prices hold from.
const PRICED_DAYS: i64 = 90;
/// The item whose price changed, its price before, and how many days ago
/// the new one took over.
const REPRICED: (&str, i64, i64) = ("consultation", 80_000, 14);

/// Consultations by appointment type: type, the item's name, its price in
/// cents of a shilling.
const CONSULTATIONS: &[(&str, &str, i64)] = &[
    ("consultation", "Consultation, doctor", 100_000),
    ("follow-up", "Follow-up consultation", 50_000),
    ("procedure", "Procedure clinic visit", 150_000),
    ("antenatal", "Antenatal clinic visit", 30_000),
    ("vaccination", "Vaccination clinic visit", 20_000),
    ("dressing", "Dressing clinic visit", 40_000),
];

/// Bed-days by kind of ward, per night.
const BED_DAYS: &[(WardKind, &str, i64)] = &[
    (WardKind::Medical, "Bed-day, medical ward", 250_000),
    (WardKind::Surgical, "Bed-day, surgical ward", 300_000),
    (WardKind::Maternity, "Bed-day, maternity", 200_000),
    (WardKind::Paediatric, "Bed-day, children's ward", 180_000),
    (WardKind::Icu, "Bed-day, ICU", 1_200_000),
];

/// The generic items, procedures and services.
const OTHER_ITEMS: &[(&str, &str, ServiceGroup, i64)] = &[
    (
        CONSULTATION,
        "Consultation",
        ServiceGroup::Consultation,
        80_000,
    ),
    (BED_DAY, "Bed-day", ServiceGroup::BedDay, 250_000),
    (
        "DRESSING",
        "Wound dressing",
        ServiceGroup::Procedure,
        35_000,
    ),
    (
        "INJECTION",
        "Injection given",
        ServiceGroup::Procedure,
        10_000,
    ),
    (
        "ECG",
        "Electrocardiogram (ECG)",
        ServiceGroup::Procedure,
        150_000,
    ),
    ("NEBULISE", "Nebulisation", ServiceGroup::Procedure, 30_000),
    (
        "IV-CANNULA",
        "IV cannula inserted",
        ServiceGroup::Procedure,
        25_000,
    ),
    (
        "REG-CARD",
        "Registration card",
        ServiceGroup::Service,
        10_000,
    ),
    (
        "MEDICAL-REPORT",
        "Medical report",
        ServiceGroup::Service,
        100_000,
    ),
];

/// The laboratory's prices for the tests the demo orders and a few common
/// ones (the shipped catalogue has none).
const LAB_PRICES: &[(&str, i64)] = &[
    ("FBC", 60_000),
    ("K", 40_000),
    ("GLU", 20_000),
    ("RBG", 10_000),
    ("UE", 120_000),
    ("LYTES", 90_000),
    ("LFT", 150_000),
    ("CRP", 80_000),
    ("HBA1C", 180_000),
    ("MRDT", 25_000),
    ("MSMEAR", 30_000),
    ("HIV", 30_000),
    ("HCG", 25_000),
    ("URINE", 20_000),
    ("LIPID", 150_000),
];

fn at(clock: Clock, t: DateTime<Utc>) -> Clock {
    Clock::new(t, clock.zone)
}

/// The instant of `hour:minute` on `day` in the hospital's zone.
fn local(clock: Clock, day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    clock.instant(day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)))
}

/// The tariff and the payer schemes, set by the admin before the demo's
/// clinic and wards run.
pub fn demo_tariff(db: &mut Db, admin: &Session, now: DateTime<Utc>) -> Result<()> {
    let clock = db.clock(now)?;
    let from = clock.today() - Duration::days(PRICED_DAYS);
    let mut items: Vec<(String, &str, ServiceGroup, i64)> = Vec::new();
    for (kind, name, price) in CONSULTATIONS {
        items.push((
            consultation_code(kind),
            name,
            ServiceGroup::Consultation,
            *price,
        ));
    }
    for (kind, name, price) in BED_DAYS {
        items.push((bed_day_code(*kind), name, ServiceGroup::BedDay, *price));
    }
    for (code, name, group, price) in OTHER_ITEMS {
        items.push((code.to_string(), name, *group, *price));
    }
    let (repriced_type, before, days_ago) = REPRICED;
    let repriced = consultation_code(repriced_type);
    for (code, name, group, price) in &items {
        tariff::add_item(db, admin, code, name, *group, clock)?;
        if *code == repriced {
            tariff::set_price(db, admin, code, before, from, clock)?;
            let since = clock.today() - Duration::days(days_ago);
            tariff::set_price(db, admin, code, *price, since, clock)?;
        } else {
            tariff::set_price(db, admin, code, *price, from, clock)?;
        }
    }
    tariff::add_scheme(
        db,
        admin,
        &SchemeInput {
            code: INSURANCE,
            name: "AAR Insurance",
            kind: SchemeKind::Insurance,
            coverage_bp: 8_000,
            co_payment: CO_PAYMENT,
            active: true,
        },
    )?;
    tariff::add_scheme(
        db,
        admin,
        &SchemeInput {
            code: WAIVER,
            name: "Child health waiver",
            kind: SchemeKind::Waiver,
            coverage_bp: 0,
            co_payment: 0,
            active: true,
        },
    )?;
    Ok(())
}

/// The laboratory's prices, entered by the admin the day before the
/// demo's day: after the diabetic patient's older reviews (charged
/// nothing then), before the morning's orders, which charge themselves.
pub fn lab_prices(db: &mut Db, admin: &Session, now: DateTime<Utc>) -> Result<()> {
    let entered = now - Duration::days(1);
    for (code, price) in LAB_PRICES {
        let test = lab_catalogue::test(db, admin, code)?;
        lab_catalogue::change_price(
            db,
            admin,
            code,
            *price,
            test.version,
            "the hospital's price list",
            entered,
        )?;
    }
    Ok(())
}

/// Ids from a query with one text parameter.
fn ids(db: &Db, sql: &str, param: &str) -> Result<Vec<Id>> {
    let mut stmt = db.conn().prepare(sql)?;
    let rows = stmt.query_map([param], |r| r.get::<_, String>(0))?;
    Ok(rows
        .map(|r| r.map(Id::from_stored))
        .collect::<rusqlite::Result<_>>()?)
}

/// The admissions still open that began before `before`, oldest first,
/// with their patient and the kind of ward of their bed.
fn open_admissions(db: &Db, before: DateTime<Utc>) -> Result<Vec<(Id, Id, String)>> {
    let mut stmt = db.conn().prepare(
        "SELECT d.id, d.patient_id, w.kind FROM admissions d
         JOIN beds b ON b.id = d.bed_id JOIN wards w ON w.id = b.ward_id
         WHERE d.discharged_at IS NULL AND d.admitted_at < ?1
         ORDER BY d.admitted_at, d.id",
    )?;
    let rows = stmt.query_map([format_ts(before)], |r| {
        Ok((
            Id::from_stored(r.get::<_, String>(0)?),
            Id::from_stored(r.get::<_, String>(1)?),
            r.get::<_, String>(2)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The start of the clock's day in the hospital's zone.
fn start_of_day(clock: Clock) -> DateTime<Utc> {
    clock.instant(clock.today().and_time(NaiveTime::MIN))
}

/// Puts two of the doctor's patients seen today and one adult on the
/// wards on the insurance (member numbers from their cards), and a child
/// on the children's ward on the waiver: after the appointments and
/// admissions are written, before the clinic and the wards charge.
pub fn demo_cover(db: &mut Db, admin: &Session, now: DateTime<Utc>) -> Result<()> {
    let clock = db.clock(now)?;
    let today = clock.today();
    let mut insured = ids(
        db,
        "SELECT a.patient_id FROM appointments a JOIN users u ON u.id = a.clinician_id
         WHERE a.day = ?1 AND a.status = 'completed' AND u.user_name = 'doctor'
         ORDER BY a.start_min LIMIT 2",
        &today.to_string(),
    )?;
    let admitted = open_admissions(db, start_of_day(clock))?;
    let adult = admitted.iter().find(|(_, p, kind)| {
        matches!(kind.as_str(), "medical" | "surgical") && !insured.contains(p)
    });
    if let Some((_, p, _)) = adult {
        insured.push(p.clone());
    }
    let child = admitted
        .iter()
        .find(|(_, p, kind)| kind == "paediatric" && !insured.contains(p));
    for (n, patient) in insured.iter().enumerate() {
        let member = format!("AAR-{:04}-{:05}", 2210 + n * 37, 40_513 + n * 1_109);
        tariff::set_patient_scheme(
            db,
            admin,
            &PatientSchemeInput {
                patient,
                scheme_code: INSURANCE,
                member_number: &member,
                valid_from: today - Duration::days(200),
                valid_to: Some(today + Duration::days(165)),
            },
            clock,
        )?;
    }
    if let Some((_, child, _)) = child {
        tariff::set_patient_scheme(
            db,
            admin,
            &PatientSchemeInput {
                patient: child,
                scheme_code: WAIVER,
                member_number: "",
                valid_from: today - Duration::days(3),
                valid_to: Some(today + Duration::days(90)),
            },
            clock,
        )?;
    }
    Ok(())
}

/// The cash desk's yesterday and today, once the clinic and the wards
/// have charged: as the cashier, the nurse, the doctor and the admin.
pub fn demo_desk(db: &mut Db, admin: &Session, password: &str, now: DateTime<Utc>) -> Result<()> {
    let cashier = auth::sign_in(db, "cashier", password, now)?;
    let nurse = auth::sign_in(db, "nurse", password, now)?;
    let doctor = auth::sign_in(db, "doctor", password, now)?;
    let staff = Desk {
        admin,
        cashier: &cashier,
        nurse: &nurse,
        doctor: &doctor,
    };
    let result = db
        .clock(now)
        .map_err(anyhow::Error::from)
        .and_then(|clock| {
            yesterday(db, &staff, clock)?;
            today(db, &staff, clock)
        });
    for s in [&cashier, &nurse, &doctor] {
        auth::sign_out(db, s, EndReason::Logout, now)?;
    }
    result
}

/// Who works the desk's day.
struct Desk<'a> {
    admin: &'a Session,
    cashier: &'a Session,
    nurse: &'a Session,
    doctor: &'a Session,
}

/// Cash handed over for `amount`: the next 500 shillings above it.
fn tendered_for(amount: i64) -> i64 {
    (amount / 50_000 + 1) * 50_000
}

/// Yesterday: the cashier takes the balances of patients discharged
/// before it, cash and mobile money, and closes the day with the cash
/// counted a little short.
fn yesterday(db: &mut Db, staff: &Desk, clock: Clock) -> Result<()> {
    let day = clock.today() - Duration::days(1);
    let times = [(9, 40), (11, 5), (14, 20)];
    let opened_before = local(clock, day, 9, 0);
    let discharged = ids(
        db,
        "SELECT b.id FROM bills b JOIN admissions d ON d.id = b.admission_id
         WHERE d.discharged_at IS NOT NULL AND b.opened_at < ?1 ORDER BY b.number",
        &format_ts(opened_before),
    )?;
    let mut taken = 0;
    for bill in discharged {
        let Some((hour, minute)) = times.get(taken) else {
            break;
        };
        let t = local(clock, day, *hour, *minute);
        let balance = bills::for_payment(db, staff.cashier, &bill, at(clock, t))?
            .left()
            .patient;
        if balance <= 0 {
            continue;
        }
        let (method, tendered, reference) = match taken {
            1 => (Method::MobileMoney, None, "QJ6F1K8ZTA"),
            _ => (Method::Cash, Some(tendered_for(balance)), ""),
        };
        desk::take_payment(
            db,
            staff.cashier,
            &PaymentInput {
                bill: &bill,
                method,
                amount: balance,
                tendered,
                reference,
            },
            at(clock, t),
        )?;
        taken += 1;
    }
    let close = at(clock, local(clock, day, 17, 30));
    let expected = desk::my_takings(db, staff.cashier, close)?;
    let counted = (expected.cash - YESTERDAY_SHORT).max(0);
    let note = if counted == expected.cash {
        ""
    } else {
        "KES 50 short: change given twice for one note at the afternoon rush"
    };
    desk::close_cash_up(db, staff.cashier, counted, note, close)?;
    Ok(())
}

/// The latest charge on a bill (its opening when it has none).
fn last_posting(db: &Db, bill: &Id) -> Result<DateTime<Utc>> {
    let text: String = db.conn().query_row(
        "SELECT coalesce((SELECT max(posted_at) FROM charges WHERE bill_id = b.id), b.opened_at)
         FROM bills b WHERE b.id = ?1",
        [bill.as_str()],
        |r| r.get(0),
    )?;
    parse_ts(&text).with_context(|| format!("a bill has an unreadable time {text:?}"))
}

/// One thing the desk does today, at its time.
enum Step {
    Pay {
        bill: Id,
        method: Method,
        /// The whole balance when none.
        amount: Option<i64>,
        reference: &'static str,
    },
    /// The scheme settles its share of the bill.
    Settle { bill: Id },
    /// The nurse reverses the dressing not done and the admin gives its
    /// price back in cash.
    Refund { bill: Id, dressing: Id },
}

/// Today: the manual procedures, the admissions' bills read for payment
/// (their bed-days posted), and the payments of the day in time order,
/// never after now; many bills are left owing.
fn today(db: &mut Db, staff: &Desk, clock: Clock) -> Result<()> {
    let now = clock.now;
    let opened = start_of_day(clock);
    let soon = |t: DateTime<Utc>, minutes: i64| (t + Duration::minutes(minutes)).min(now);
    // The admissions' bills, their bed-days due posted when read.
    let read = (now - Duration::minutes(40)).max(opened);
    let admissions = open_admissions(db, opened)?;
    let mut admission_bills = Vec::new();
    for (admission, _, _) in &admissions {
        let bill = bills::open_or_find(
            db,
            staff.cashier,
            BillOf::Admission(admission),
            at(clock, read),
        )?;
        admission_bills.push(bill.id);
    }
    // The doctor's ECG for an adult on the medical ward.
    if let Some((admission, _, _)) = admissions.iter().find(|(_, _, kind)| kind == "medical") {
        bills::post_manual(
            db,
            staff.doctor,
            BillOf::Admission(admission),
            "ECG",
            1,
            at(clock, soon(read, 5)),
        )?;
    }
    // Today's outpatient bills, self-paying ones and insured ones.
    let visit_bills = ids(
        db,
        "SELECT id FROM bills WHERE visit_id IS NOT NULL AND opened_at >= ?1
         ORDER BY opened_at, number",
        &format_ts(opened),
    )?;
    let (mut self_pay, mut insured) = (Vec::new(), Vec::new());
    for bill in visit_bills {
        let d = bills::for_payment(db, staff.cashier, &bill, clock)?;
        if d.totals.scheme_share > 0 {
            insured.push(d);
        } else if d.totals.patient_share > 0 {
            self_pay.push(d);
        }
    }
    // The nurse's procedures on two of the morning's patients, and the
    // payments of the first self-paying ones.
    let mut steps: Vec<(DateTime<Utc>, Step)> = Vec::new();
    for (n, d) in self_pay.iter().enumerate().take(5) {
        let Some(visit) = d.bill.visit_id.as_ref() else {
            continue;
        };
        let code = match n {
            0 => "INJECTION",
            2 => "DRESSING",
            _ => "",
        };
        let mut dressing = None;
        if !code.is_empty() {
            let t = soon(last_posting(db, &d.bill.id)?, 6);
            let c =
                bills::post_manual(db, staff.nurse, BillOf::Visit(visit), code, 1, at(clock, t))?;
            dressing = (n == 2).then_some((t, c.id));
        }
        let (method, amount, reference) = match n {
            1 => (Method::MobileMoney, None, "QK7H2M9XLP"),
            3 => (Method::Card, None, "slip 004127"),
            4 => (Method::MobileMoney, Some(50_000), "QK8J3N1RWT"),
            _ => (Method::Cash, None, ""),
        };
        let t = soon(last_posting(db, &d.bill.id)?, 12);
        steps.push((
            t,
            Step::Pay {
                bill: d.bill.id.clone(),
                method,
                amount,
                reference,
            },
        ));
        // Pushed after its payment: at the same time, it still comes after.
        if let Some((t, charge)) = dressing {
            steps.push((
                soon(t, 25),
                Step::Refund {
                    bill: d.bill.id.clone(),
                    dressing: charge,
                },
            ));
        }
    }
    // The first insured patient: the scheme's share settled, the patient's
    // share paid by mobile money; the other insured bills wait.
    if let Some(d) = insured.first() {
        let t = soon(last_posting(db, &d.bill.id)?, 15);
        steps.push((
            t,
            Step::Pay {
                bill: d.bill.id.clone(),
                method: Method::MobileMoney,
                amount: Some(d.totals.patient_share),
                reference: "QK9D4T6BVS",
            },
        ));
        steps.push((
            soon(t, 2),
            Step::Settle {
                bill: d.bill.id.clone(),
            },
        ));
    }
    // A deposit by the family of an inpatient.
    if let Some(bill) = admission_bills.get(1) {
        steps.push((
            soon(read, 20),
            Step::Pay {
                bill: bill.clone(),
                method: Method::Cash,
                amount: Some(200_000),
                reference: "",
            },
        ));
    }
    steps.sort_by_key(|(t, _)| *t);
    for (t, step) in steps {
        do_step(db, staff, at(clock, t), step)?;
    }
    Ok(())
}

fn do_step(db: &mut Db, staff: &Desk, clock: Clock, step: Step) -> Result<()> {
    match step {
        Step::Pay {
            bill,
            method,
            amount,
            reference,
        } => {
            let left = bills::for_payment(db, staff.cashier, &bill, clock)?
                .left()
                .for_method(method);
            let amount = amount.unwrap_or(left).min(left);
            if amount <= 0 {
                return Ok(());
            }
            desk::take_payment(
                db,
                staff.cashier,
                &PaymentInput {
                    bill: &bill,
                    method,
                    amount,
                    tendered: (method == Method::Cash).then(|| tendered_for(amount)),
                    reference,
                },
                clock,
            )?;
        }
        Step::Settle { bill } => {
            let d = bills::for_payment(db, staff.cashier, &bill, clock)?;
            let amount = d.left().scheme;
            if amount > 0 {
                desk::take_payment(
                    db,
                    staff.cashier,
                    &PaymentInput {
                        bill: &bill,
                        method: Method::Scheme,
                        amount,
                        tendered: None,
                        reference: "AAR claim batch 12",
                    },
                    clock,
                )?;
            }
        }
        Step::Refund { bill, dressing } => {
            let c = bills::reverse(
                db,
                staff.nurse,
                &dressing,
                "dressing not done: the patient was referred before it",
                clock,
            )?;
            let paid = bills::for_payment(db, staff.admin, &bill, clock)?
                .totals
                .paid;
            let amount = c.unit_price.min(paid);
            if amount > 0 {
                desk::refund(
                    db,
                    staff.admin,
                    &RefundInput {
                        bill: &bill,
                        method: Method::Cash,
                        amount,
                        reason: REFUND_REASON,
                        reference: "",
                    },
                    clock,
                )?;
            }
        }
    }
    Ok(())
}
