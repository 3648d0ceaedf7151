//! `wardline bench-audit-trail` (hidden): the audit trail's search at N
//! events (default 10,000,000). It builds, once per size, a file whose
//! trail is N synthetic events appended in bulk through
//! `store::audit_bulk` (chain hashes computed as the real writer computes
//! them, a million events per transaction), then times the first page of
//! each kind of filter through `ops::audit_trail::browse` (and who-opened),
//! p50 and p99 over S samples. The search's SEARCH event, one small write,
//! is not timed: it costs what any audited read's commit does (`register`).

use super::report::{Machine, columns, duration_us};
use super::stats::{Summary, timed};
use super::{BENCH_USER, PASSWORD, fixed_now};
use crate::auth::{self, Session};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::audit_filter::{AuditFilter, PatientRef};
use crate::domain::clock::Tz;
use crate::domain::ids::Id;
use crate::domain::role::Role;
use crate::error::Error;
use crate::ops::audit_trail::{self, Page, SCREEN_PAGE};
use crate::store::audit::ChainState;
use crate::store::audit_bulk::{Stamped, append_stamped};
use crate::store::{Db, migrations};
use anyhow::{Context, Result, bail};
use chrono::{Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};

/// Events per transaction while building.
const CHUNK: u64 = 1_000_000;
/// Staff accounts the events are spread over.
const STAFF: usize = 80;
/// Patients the events are about.
const PATIENTS: usize = 100_000;
/// The days the trail covers, up to the bench day.
const DAYS: i64 = 730;

/// The arguments of the hidden command.
#[derive(Debug, clap::Args)]
pub struct AuditTrailBenchArgs {
    /// How many events the trail holds.
    #[arg(long, default_value_t = 10_000_000, value_name = "N")]
    pub events: u64,
    /// Where the synthetic file is kept (built once per size).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Searches timed of each kind.
    #[arg(long, default_value_t = 500, value_name = "S")]
    pub samples: usize,
}

/// The actions and how often each comes (per thousand events).
const MIX: [(AuditAction, u32); 12] = [
    (AuditAction::Read, 350),
    (AuditAction::Search, 200),
    (AuditAction::Update, 100),
    (AuditAction::Create, 80),
    (AuditAction::Login, 80),
    (AuditAction::Logout, 70),
    (AuditAction::Dispense, 40),
    (AuditAction::RecordDose, 40),
    (AuditAction::Admit, 15),
    (AuditAction::Export, 10),
    (AuditAction::LoginFailed, 10),
    (AuditAction::BreakGlass, 5),
];

fn staff_name(i: usize) -> String {
    format!("staff-{i:02}")
}

fn staff_actor(i: usize) -> Actor {
    let role = [
        Role::Nurse,
        Role::Doctor,
        Role::Receptionist,
        Role::Pharmacist,
    ][i % 4];
    Actor {
        id: Some(format!("00000000-0000-7000-8000-{i:012}")),
        name: staff_name(i),
        role: Some(role),
    }
}

/// The synthetic patients' ids (fixed by the seed).
fn patient_ids() -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(super::SEED);
    (0..PATIENTS)
        .map(|_| {
            let a: u64 = rng.r#gen();
            let b: u64 = rng.r#gen();
            format!(
                "{:08x}-{:04x}-7{:03x}-8{:03x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                b >> 52,
                b & 0xffff_ffff_ffff
            )
        })
        .collect()
}

fn action(r: u32) -> AuditAction {
    let mut left = r % 1000;
    for (a, per_mille) in MIX {
        if left < per_mille {
            return a;
        }
        left -= per_mille;
    }
    AuditAction::Read
}

/// Builds the file with `n` events (under a `.partial` name, renamed when
/// whole).
fn build(path: &Path, n: u64) -> Result<()> {
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let mut db = Db::create(&partial, &"BENCH".parse()?, "Audit bench", chrono_tz::UTC)?;
    crate::ops::accounts::create_first_admin(&mut db, BENCH_USER, "Bench", PASSWORD, Utc::now())?;
    let patients = patient_ids();
    let mut rng = StdRng::seed_from_u64(super::SEED + 1);
    let start = fixed_now() - Duration::days(DAYS);
    let step_us = DAYS * 86_400_000_000 / n.max(1) as i64;
    let started = std::time::Instant::now();
    let mut written = 0u64;
    while written < n {
        let take = CHUNK.min(n - written);
        let first = written;
        let events = (first..first + take).map(|i| {
            let r: u32 = rng.r#gen();
            let a = action(r);
            let who = rng.gen_range(0..STAFF);
            // A few patients are seen far more often than most.
            let x: f64 = rng.r#gen();
            let p = &patients[((x * x * x) * PATIENTS as f64) as usize % PATIENTS];
            let mut e = AuditEvent::new(a, "patient", format!("synthetic event {i}"));
            if !matches!(
                a,
                AuditAction::Login | AuditAction::Logout | AuditAction::LoginFailed
            ) {
                e = e.for_patient(p.as_str()).on(p.as_str());
            }
            Stamped {
                at: start + Duration::microseconds(step_us * i as i64),
                actor: staff_actor(who),
                event: e,
            }
        });
        db.write(&Actor::system(), |tx| {
            append_stamped(tx, events)?;
            Ok::<_, Error>(((), vec![]))
        })?;
        db.checkpoint_wal()?;
        written += take;
        eprintln!(
            "bench: {written} of {n} events ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    drop(db);
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// One kind of search: its name and its filters for sample `i`.
type Kind = (&'static str, Box<dyn Fn(&mut StdRng) -> AuditFilter>);

fn kinds(patients: &[String]) -> Vec<Kind> {
    let pick = {
        let patients = patients.to_vec();
        move |rng: &mut StdRng| {
            let x: f64 = rng.r#gen();
            let id = &patients[((x * x * x) * PATIENTS as f64) as usize % PATIENTS];
            PatientRef {
                id: Id::from_stored(id.clone()),
                mrn: "BENCH".into(),
            }
        }
    };
    let day = |rng: &mut StdRng| {
        let back = rng.gen_range(0..DAYS);
        NaiveDate::from_ymd_opt(2026, 3, 9).unwrap_or_default() - Duration::days(back)
    };
    let staff = |rng: &mut StdRng| Some(staff_name(rng.gen_range(0..STAFF)));
    let act = |rng: &mut StdRng| Some(MIX[rng.gen_range(0..MIX.len())].0);
    let p1 = pick.clone();
    let p2 = pick.clone();
    vec![
        (
            "no filter (newest page)",
            Box::new(|_| AuditFilter::default()),
        ),
        (
            "patient",
            Box::new(move |rng| AuditFilter {
                patient: Some(p1(rng)),
                ..AuditFilter::default()
            }),
        ),
        (
            "staff member",
            Box::new(move |rng| AuditFilter {
                staff: staff(rng),
                ..AuditFilter::default()
            }),
        ),
        (
            "action",
            Box::new(move |rng| AuditFilter {
                action: act(rng),
                ..AuditFilter::default()
            }),
        ),
        (
            "one local day",
            Box::new(move |rng| {
                let d = day(rng);
                AuditFilter {
                    from: Some(d),
                    to: Some(d),
                    ..AuditFilter::default()
                }
            }),
        ),
        (
            "staff + action + a week",
            Box::new(move |rng| {
                let d = day(rng);
                AuditFilter {
                    staff: staff(rng),
                    action: act(rng),
                    from: Some(d),
                    to: Some(d + Duration::days(6)),
                    ..AuditFilter::default()
                }
            }),
        ),
        (
            "patient + action",
            Box::new(move |rng| AuditFilter {
                patient: Some(p2(rng)),
                action: Some(AuditAction::Read),
                ..AuditFilter::default()
            }),
        ),
        (
            "BREAK_GLASS in a month",
            Box::new(move |rng| {
                let d = day(rng);
                AuditFilter {
                    action: Some(AuditAction::BreakGlass),
                    from: Some(d),
                    to: Some(d + Duration::days(30)),
                    ..AuditFilter::default()
                }
            }),
        ),
    ]
}

/// Builds (or reuses) the file and prints the table of figures.
pub fn run(args: &AuditTrailBenchArgs) -> Result<()> {
    let n = args.events.max(1);
    crate::paths::create_private_dir(&args.dir)
        .with_context(|| format!("could not create {}", args.dir.display()))?;
    let path = args
        .dir
        .join(format!("audit-{n}-v{}.db", migrations::current_version()));
    if !path.exists() {
        eprintln!(
            "bench: building a trail of {n} events in {}",
            path.display()
        );
        let (built, t) = timed(|| build(&path, n));
        built?;
        eprintln!("bench: built in {:.0} s", t.as_secs_f64());
    }
    let mut db = Db::open(&path)
        .with_context(|| format!("could not open the bench file {}", path.display()))?;
    let session: Session = auth::sign_in(&mut db, BENCH_USER, PASSWORD, Utc::now())
        .context("the bench administrator could not sign in")?;
    let zone: Tz = chrono_tz::UTC;
    let patients = patient_ids();
    let mut rng = StdRng::seed_from_u64(super::SEED + 2);
    let mut rows = Vec::new();
    for (name, filter) in kinds(&patients) {
        let mut times = Vec::with_capacity(args.samples);
        let mut found = 0usize;
        for _ in 0..args.samples.max(1) {
            let f = filter(&mut rng);
            let (page, t) =
                timed(|| audit_trail::browse(&db, &session, &f, zone, Page::First, SCREEN_PAGE));
            found += page?.events.len();
            times.push(t);
        }
        rows.push((name, Summary::of(&times), found));
    }
    // Who opened a patient's record: a read of its pages (the first page's
    // READ event aside).
    let mut times = Vec::new();
    let mut found = 0usize;
    for _ in 0..args.samples.max(1) {
        let x: f64 = rng.r#gen();
        let who = PatientRef {
            id: Id::from_stored(
                patients[((x * x * x) * PATIENTS as f64) as usize % PATIENTS].clone(),
            ),
            mrn: "BENCH".into(),
        };
        let (page, t) = timed(|| {
            audit_trail::who_opened(&mut db, &session, &who, Page::Before(i64::MAX), SCREEN_PAGE)
        });
        found += page?.events.len();
        times.push(t);
    }
    rows.push(("who opened (patient)", Summary::of(&times), found));
    if rows.iter().all(|(_, _, found)| *found == 0) {
        bail!("no search found anything: the benchmark is broken");
    }
    let (verify, t) = timed(|| crate::store::audit::verify_chain(db.conn()));
    let verified = match verify? {
        ChainState::Intact { count, .. } => count,
        ChainState::Broken(b) => bail!("the bench trail's chain is broken: {b}"),
    };
    auth::sign_out(
        &mut db,
        &session,
        crate::store::sessions::EndReason::Logout,
        Utc::now(),
    )?;
    let m = Machine::this();
    println!(
        "wardline bench-audit-trail: {n} events; {} × {}, {}",
        m.cpus, m.cpu_model, m.os
    );
    let mut table: Vec<[String; 6]> = vec![[
        format!("first page of {SCREEN_PAGE} by"),
        "samples".into(),
        "p50".into(),
        "p99".into(),
        "max".into(),
        "rows/page".into(),
    ]];
    for (name, s, found) in rows {
        table.push([
            name.into(),
            s.samples.to_string(),
            duration_us(s.p50_us),
            duration_us(s.p99_us),
            duration_us(s.max_us),
            format!("{:.0}", found as f64 / s.samples.max(1) as f64),
        ]);
    }
    print!("{}", columns(&table, 1..=5));
    println!(
        "audit verify: {verified} events in {:.2} s",
        t.as_secs_f64()
    );
    Ok(())
}
