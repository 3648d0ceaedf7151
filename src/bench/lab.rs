//! The laboratory measures at [`clinic_now`] on the bench day: the lab
//! technician's worklist frame (as the Lab tab refreshes: the six lists'
//! counts, the list of every open order, the rows of a screenful of it
//! read and made into cells), the record's results frame (a busy patient's latest
//! order in detail as the doctor reads it, and the record's results by
//! date through `ops::lab::record::results_of`, its READ event written) and entering the results of a three-analyte
//! order with synchronous=FULL.

use super::stats::{Summary, timed};
use super::{DOCTOR, LAB_TECH, LAB_TECH_2, PASSWORD, clinic_now};
use crate::auth::{self, Session};
use crate::domain::ids::Id;
use crate::domain::prescribing::Priority;
use crate::ops::lab::{self, OrderInput, WorklistRow, WorklistView};
use crate::store::Db;
use crate::store::sessions::EndReason;
use anyhow::{Context, Result, bail};
use chrono::Duration;

/// The tests of the order whose results the entry measure types: one
/// serum specimen, three analytes.
const ENTRY_TESTS: [&str; 3] = ["NA", "K", "CREA"];
/// The values typed, in turn.
const ENTRY_VALUES: [[(&str, &str); 3]; 3] = [
    [("NA", "139"), ("K", "4.1"), ("CREA", "84")],
    [("NA", "131"), ("K", "5.6"), ("CREA", "142")],
    [("NA", "144"), ("K", "3.3"), ("CREA", "61")],
];

fn sign_in(db: &mut Db, user: &str) -> Result<Session> {
    auth::sign_in(db, user, PASSWORD, clinic_now())
        .with_context(|| format!("the bench account {user} could not sign in"))
}

/// The cells of a worklist row as the lab's screen shows them.
fn cells(r: &WorklistRow) -> [String; 10] {
    [
        r.accession.to_string(),
        r.priority.to_string(),
        r.status.label().to_string(),
        format!("{} {}", r.patient_name, r.mrn),
        format!("{} {:?}", r.age, r.sex),
        r.ward_bed.clone().unwrap_or_default(),
        r.tests.join(", "),
        r.specimen.clone(),
        format!("{} {}", r.ordered_at.format("%H:%M"), r.ordered_by_name),
        if r.has_critical { "critical" } else { "" }.to_string(),
    ]
}

/// How many orders a tall terminal's worklist shows at once (two lines
/// each); the Lab tab reads no more than it shows.
pub const SCREENFUL: usize = 24;

/// The lab technician's worklist frame, `samples` times: the six lists'
/// counts, every open order listed, and a screenful's rows read and made
/// into cells; with how many orders the list held. Stops when the bench
/// day has no open work.
pub fn worklist(mut db: Db, samples: usize) -> Result<(Summary, usize)> {
    let tech = sign_in(&mut db, LAB_TECH)?;
    let clock = db.clock(clinic_now())?;
    let mut times = Vec::with_capacity(samples);
    let mut listed = 0;
    let counted = [
        WorklistView::Waiting,
        WorklistView::Collected,
        WorklistView::InProgress,
        WorklistView::Resulted,
        WorklistView::Verified,
        WorklistView::Rejected,
    ];
    for _ in 0..samples {
        let (rows, t) = timed(|| -> Result<(usize, Vec<[String; 10]>)> {
            for view in counted {
                lab::count(&mut db, &tech, view, clock)?;
            }
            let mut list = lab::worklist(&mut db, &tech, WorklistView::Open, clock)?;
            lab::read_rows(&mut db, &tech, &mut list, 0..SCREENFUL, clock)?;
            Ok((list.len(), list.rows().map(cells).collect()))
        });
        let (n, rows) = rows?;
        if rows.len() != n.min(SCREENFUL) {
            bail!("the bench lab's worklist read {} rows of {n}", rows.len());
        }
        listed = n;
        times.push(t);
    }
    if listed == 0 {
        bail!("the bench lab's worklist is empty: the hospital is incomplete");
    }
    auth::sign_out(&mut db, &tech, EndReason::Logout, clinic_now())?;
    Ok((Summary::of(&times), listed))
}

/// The doctor's results of the patient: the latest order in detail, and
/// the record's list of the patient's results by date, `samples` times.
pub fn results(mut db: Db, patient: &Id, samples: usize) -> Result<(Summary, Summary, usize)> {
    let doctor = sign_in(&mut db, DOCTOR)?;
    let clock = db.clock(clinic_now())?;
    let latest = crate::store::lab_bulk::latest_order_of(db.conn(), patient)?
        .context("the busiest record has no lab order: the hospital is incomplete")?;
    let mut detail = Vec::with_capacity(samples);
    let mut record = Vec::with_capacity(samples);
    let mut listed = 0;
    for _ in 0..samples {
        let (d, t) = timed(|| lab::detail(&mut db, &doctor, &latest, clock));
        d?;
        detail.push(t);
        let (rows, t) = timed(|| lab::record::results_of(&mut db, &doctor, patient, clock));
        listed = rows?.orders.iter().map(|o| o.lines.len()).sum();
        record.push(t);
    }
    auth::sign_out(&mut db, &doctor, EndReason::Logout, clinic_now())?;
    Ok((Summary::of(&detail), Summary::of(&record), listed))
}

/// `samples` orders of three analytes made by the doctor for admitted
/// patients and collected (untimed), then their results entered by the
/// lab technician, each its own commit with synchronous=FULL; the log
/// folded in between, untimed. The second technician verifies them
/// afterwards, untimed, so that they leave the lab's open work.
pub fn enter_results(db: &mut Db, samples: usize) -> Result<Summary> {
    let start = clinic_now();
    let doctor = sign_in(db, DOCTOR)?;
    let tech = sign_in(db, LAB_TECH)?;
    let admitted: Vec<Id> = crate::store::clinical::bulk::admission_spans(db.conn())?
        .into_iter()
        .filter(|a| a.discharged_at.is_none())
        .map(|a| a.patient_id)
        .collect();
    if admitted.is_empty() {
        bail!("the bench hospital has no admitted patient: it is incomplete");
    }
    let mut orders = Vec::with_capacity(samples);
    for i in 0..samples {
        let at = db.clock(start + Duration::seconds(i as i64))?;
        let made = lab::order(
            db,
            &doctor,
            &OrderInput {
                patient: &admitted[i % admitted.len()],
                visit: None,
                tests: &ENTRY_TESTS,
                priority: Priority::Routine,
                clinical_notes: "bench: results entry",
            },
            at,
        )?;
        for o in made {
            orders.push(lab::collect(db, &tech, &o.id, o.version, None, at)?);
        }
    }
    db.defer_wal_checkpoints()?;
    let mut times = Vec::with_capacity(orders.len());
    let mut entered = Vec::with_capacity(orders.len());
    for (i, o) in orders.iter().enumerate() {
        db.checkpoint_wal()?;
        let clock = db.clock(start + Duration::seconds((samples + i) as i64))?;
        let values = &ENTRY_VALUES[i % ENTRY_VALUES.len()];
        let (done, t) = timed(|| lab::enter_results(db, &tech, &o.id, o.version, values, clock));
        entered.push(done.context("entering a bench order's results failed")?);
        times.push(t);
    }
    let second = sign_in(db, LAB_TECH_2)?;
    let clock = db.clock(start + Duration::seconds(3 * samples as i64))?;
    for d in &entered {
        lab::verify(db, &second, &d.order.id, d.order.version, None, clock)?;
    }
    for s in [&doctor, &tech, &second] {
        auth::sign_out(db, s, EndReason::Logout, start)?;
    }
    Ok(Summary::of(&times))
}
