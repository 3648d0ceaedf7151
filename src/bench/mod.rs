//! `wardline bench`: builds (or reuses) a synthetic hospital of N patients
//! and measures the searches, writes, audit verification, screen frames,
//! cold start and memory that the targets in README.md ("Performance")
//! speak of. It never touches a real hospital.
//!
//! `build` makes the hospital, `queries` picks what to search for,
//! `measures` and `writes` time the database work, `frames` the screens,
//! `pty` the real program on a pseudo-terminal, `stats` summarises and
//! `report` prints; `terminals` runs many terminals at once (`--terminals`);
//! each later area has a module that builds its data (as
//! `charges` builds billing's) and one that times it (as `billing`).

pub mod audit_trail;
pub mod billing;
pub mod build;
pub mod cases;
pub mod central;
pub mod charges;
pub mod clinic;
pub mod clinical;
pub mod codes;
pub mod doses;
pub mod frames;
pub mod history;
pub mod lab;
pub mod laboratory;
pub mod measures;
pub mod medicines;
pub mod morning;
pub mod orders;
pub mod prescriptions;
#[cfg(unix)]
pub mod pty;
pub mod queries;
pub mod report;
pub mod stats;
pub mod stock;
pub mod terminals;
pub mod wards;
pub mod writes;

use crate::auth;
use crate::cli::{BenchArgs, BenchGroup};
use crate::paths::DataDir;
use crate::store::{Db, migrations};
use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use queries::Kind;
use report::{Figure, Machine, Measure};
use stats::Summary;

/// The bench hospital's code.
pub const CODE: &str = "BENCH";
/// Its administrator, who runs every measure.
pub const BENCH_USER: &str = "bench";
/// The password of every bench account (the hospital is synthetic).
pub const PASSWORD: &str = "wardline-bench-2026";
/// The bench's doctor (the attending of its admissions), nurse (who runs
/// its wards) and pharmacist (who stocks and dispenses).
pub const DOCTOR: &str = "bench-doctor";
pub const NURSE: &str = "bench-nurse";
pub const PHARMACIST: &str = "bench-pharmacist";
/// The bench lab's two technicians: one enters, the other verifies.
pub const LAB_TECH: &str = "bench-lab";
pub const LAB_TECH_2: &str = "bench-lab2";
/// The seed of every generator and sample.
pub const SEED: u64 = 20_260_309;
/// Patients imported by the import measure, at most.
const IMPORT_ROWS: u64 = 200_000;
/// Cold starts timed.
const COLD_STARTS: usize = 5;
/// Searches typed while the memory is watched.
const MEMORY_QUERIES: usize = 24;

// Targets at a million patients.
const SEARCH_P99_US: f64 = 2_000.0;
const LIKE_FACTOR: f64 = 20.0;
const REGISTER_P99_US: f64 = 10_000.0;
const IMPORT_PER_S: f64 = 100_000.0;
const VERIFY_S_PER_MILLION: f64 = 2.0;
const FRAME_P99_US: f64 = 4_000.0;
const COLD_START_MS: f64 = 100.0;
const PEAK_MB: f64 = 64.0;
const CODE_SEARCH_P99_US: f64 = 2_000.0;
const VITALS_P99_US: f64 = 10_000.0;
const PRESCRIBE_P99_US: f64 = 10_000.0;
const DISPENSE_P99_US: f64 = 10_000.0;
const RESULT_ENTRY_P99_US: f64 = 10_000.0;
const PAYMENT_P99_US: f64 = 10_000.0;
/// Runs of the claims report, at most (each reads a month of lines).
const CLAIMS_SAMPLES: usize = 20;

/// The day the synthetic patients are registered.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 9).unwrap_or_default()
}

/// The fixed registration time of the synthetic patients.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 8, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The hour of the bench day at which the doctor's morning stands (the
/// clinic's patients seen so far, one in the room, a few waiting) and the
/// clinical measures run.
pub fn clinic_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 10, 30, 0)
        .single()
        .unwrap_or_default()
}

fn timed(name: String, label: String, s: Summary, target: String, ok: Option<bool>) -> Measure {
    Measure {
        name,
        label,
        figure: Figure::Timed(s),
        target,
        ok,
    }
}

/// Runs every measure, prints the table, and writes the JSON when asked.
pub fn run(data: &DataDir, args: &BenchArgs) -> Result<()> {
    let n = args.patients.max(1);
    let samples = args.samples.max(1);
    let like_samples = args.like_samples.max(1);
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| data.root().join("bench"));
    if let Some(counts) = &args.terminals {
        return terminals::run(&dir, args, counts);
    }
    let path = build::ensure(&dir, n)?;
    let mut db = Db::open(&path)
        .with_context(|| format!("could not open the bench hospital {}", path.display()))?;
    let session = auth::sign_in(&mut db, BENCH_USER, PASSWORD, Utc::now())
        .context("the bench administrator could not sign in")?;
    let mut out: Vec<Measure> = Vec::new();
    let wants = |g: BenchGroup| args.only.is_empty() || args.only.contains(&g);

    eprintln!("bench: sampling {samples} queries of each kind");
    let q = queries::sample(&db, samples)?;

    if wants(BenchGroup::Searches) {
        searches(&db, &session, &q, like_samples, &mut out)?;
    }
    if wants(BenchGroup::Codes) {
        code_search(&db, samples, &mut out)?;
    }
    if wants(BenchGroup::Audit) {
        audit(&db, &mut out)?;
    }
    if wants(BenchGroup::Writes) {
        writes(&mut db, &session, &dir, n, samples, &mut out)?;
    }
    if wants(BenchGroup::Frames) {
        frames(&path, &q, samples, &mut out)?;
    }
    if wants(BenchGroup::Clinical) {
        clinical(&mut db, &path, n, samples, &mut out)?;
    }
    if wants(BenchGroup::Medicines) {
        medicines(&mut db, &path, samples, &mut out)?;
    }
    if wants(BenchGroup::Laboratory) {
        laboratory(&mut db, &path, n, samples, &mut out)?;
    }
    if wants(BenchGroup::Billing) {
        billing(&mut db, &path, samples, &mut out)?;
    }
    drop(db);
    if wants(BenchGroup::Program) {
        program_measures(&dir, &path, &q, &mut out)?;
    }

    let machine = Machine::this();
    print!("{}", report::table(&machine, n, &out));
    if let Some(file) = &args.json {
        let doc = report::json(&machine, n, migrations::current_version(), &out);
        let text = serde_json::to_string_pretty(&doc)?;
        std::fs::write(file, text + "\n")
            .with_context(|| format!("could not write {}", file.display()))?;
    }
    Ok(())
}

/// The patient searches of every kind, their LIKE comparison and the floor.
fn searches(
    db: &Db,
    session: &auth::Session,
    q: &queries::Queries,
    like_samples: usize,
    out: &mut Vec<Measure>,
) -> Result<()> {
    eprintln!("bench: searching");
    let mut searches = Vec::new();
    for kind in Kind::ALL {
        searches.push((kind, measures::search(db, session, q, kind)?));
    }
    eprintln!("bench: the LIKE comparison ({like_samples} queries of each kind)");
    let mut likes = Vec::new();
    for kind in Kind::ALL {
        likes.push((kind, measures::like(db, q, kind, like_samples)?));
    }
    for ((kind, s), (_, l)) in searches.iter().zip(&likes) {
        let ok = s.p99_us <= SEARCH_P99_US && s.p99_us * LIKE_FACTOR <= l.p99_us;
        out.push(timed(
            format!("search_{}", kind.key()),
            format!("search: {}", kind.label()),
            *s,
            format!("p99 ≤ 2 ms, ≥ {LIKE_FACTOR}× LIKE"),
            Some(ok),
        ));
    }
    for (kind, l) in &likes {
        out.push(timed(
            format!("like_{}", kind.key()),
            format!("LIKE '%word%': {}", kind.label()),
            *l,
            "comparison".into(),
            None,
        ));
    }
    out.push(timed(
        "floor_mrn_lookup".into(),
        "floor: indexed MRN lookup".into(),
        measures::floor(db, q)?,
        "floor".into(),
        None,
    ));
    Ok(())
}

/// ICD-10 search as typed, and the index build.
fn code_search(db: &Db, samples: usize, out: &mut Vec<Measure>) -> Result<()> {
    eprintln!("bench: typing diagnosis code searches");
    let s = codes::keystrokes(db, samples)?;
    out.push(timed(
        "icd10_search_keystroke".into(),
        "ICD-10 search, per keystroke".into(),
        s,
        "p99 ≤ 2 ms".into(),
        Some(s.p99_us <= CODE_SEARCH_P99_US),
    ));
    let (ms, listed, bytes) = codes::build()?;
    out.push(Measure {
        name: "icd10_index_build".into(),
        label: "ICD-10 index build (once)".into(),
        figure: Figure::Value {
            value: stats::median(&ms),
            unit: "ms",
            samples: ms.len(),
            max: Some(ms.iter().copied().fold(0.0, f64::max)),
            extra: vec![("codes", listed as f64), ("index_mb", bytes as f64 / 1e6)],
        },
        target: String::new(),
        ok: None,
    });
    Ok(())
}

/// Verifying the whole audit trail.
fn audit(db: &Db, out: &mut Vec<Measure>) -> Result<()> {
    eprintln!("bench: verifying the audit trail");
    let (t, events) = measures::audit_verify(db)?;
    let per_million = t.as_secs_f64() / (events.max(1) as f64 / 1e6);
    out.push(Measure {
        name: "audit_verify".into(),
        label: "audit verify".into(),
        figure: Figure::Value {
            value: per_million,
            unit: "s per million events",
            samples: 1,
            max: None,
            extra: vec![("events", events as f64), ("seconds", t.as_secs_f64())],
        },
        target: format!("≤ {VERIFY_S_PER_MILLION} s per million"),
        ok: Some(per_million <= VERIFY_S_PER_MILLION),
    });
    Ok(())
}

/// Registering patients one by one, and importing them from a CSV file.
fn writes(
    db: &mut Db,
    session: &auth::Session,
    dir: &std::path::Path,
    n: u64,
    samples: usize,
    out: &mut Vec<Measure>,
) -> Result<()> {
    eprintln!("bench: registering {samples} patients");
    let r = writes::register(db, session, samples)?;
    out.push(timed(
        "register".into(),
        "register one patient".into(),
        r,
        "p99 ≤ 10 ms".into(),
        Some(r.p99_us <= REGISTER_P99_US),
    ));

    let rows = n.min(IMPORT_ROWS) as usize;
    eprintln!("bench: importing {rows} patients from CSV");
    let scratch = dir.join("scratch");
    crate::paths::create_private_dir(&scratch)
        .with_context(|| format!("could not create {}", scratch.display()))?;
    let (t, imported) = writes::import(&scratch, rows)?;
    let rate = imported as f64 / t.as_secs_f64().max(1e-9);
    out.push(Measure {
        name: "import".into(),
        label: "import patients from CSV".into(),
        figure: Figure::Value {
            value: rate,
            unit: "patients/s",
            samples: 1,
            max: None,
            extra: vec![("patients", imported as f64), ("seconds", t.as_secs_f64())],
        },
        target: "≥ 100,000 patients/s".into(),
        ok: Some(rate >= IMPORT_PER_S),
    });
    Ok(())
}

/// The frames of the screens, each on its own connection to the file.
fn frames(
    path: &std::path::Path,
    q: &queries::Queries,
    samples: usize,
    out: &mut Vec<Measure>,
) -> Result<()> {
    eprintln!("bench: drawing frames");
    let two = q.of(Kind::TwoNames);
    let probe = match two.first() {
        Some(t) if t.chars().count() > 1 => {
            let mut chars: Vec<char> = t.chars().collect();
            let more = chars.pop().unwrap_or('a');
            frames::Probe {
                search: chars.into_iter().collect(),
                more,
            }
        }
        _ => frames::Probe {
            search: "a".into(),
            more: 'b',
        },
    };
    let frame_db = Db::open(path)?;
    let frames = frames::measure(frame_db, samples, &probe)?;
    for (screen, s) in frames::SCREENS.iter().zip(frames) {
        out.push(timed(
            screen.name.into(),
            screen.label.into(),
            s,
            "p99 ≤ 4 ms".into(),
            Some(s.p99_us <= FRAME_P99_US),
        ));
    }
    Ok(())
}

/// The clinical measures as the bench's doctor: the busiest record, the
/// worklist and saving a vitals set.
fn clinical(
    db: &mut Db,
    path: &std::path::Path,
    n: u64,
    samples: usize,
    out: &mut Vec<Measure>,
) -> Result<()> {
    eprintln!("bench: the clinical record, as the doctor");
    let busiest = clinical::busiest(db, n)?;
    let s = clinical::open_record(Db::open(path)?, &busiest, samples)?;
    out.push(timed(
        "clinical_record_open".into(),
        "clinical record: busiest, opened".into(),
        s,
        "p99 ≤ 4 ms".into(),
        Some(s.p99_us <= FRAME_P99_US),
    ));
    let s = clinical::worklist(Db::open(path)?, samples)?;
    out.push(timed(
        "frame_worklist".into(),
        "frame: worklist (refresh)".into(),
        s,
        "p99 ≤ 4 ms".into(),
        Some(s.p99_us <= FRAME_P99_US),
    ));
    let s = clinical::save_vitals(db, samples)?;
    out.push(timed(
        "save_vitals".into(),
        "save a vitals set".into(),
        s,
        "p99 ≤ 10 ms".into(),
        Some(s.p99_us <= VITALS_P99_US),
    ));
    Ok(())
}

/// The medicines measures: the pharmacy's queue and the ward's due-now
/// frames, then prescribing and dispensing what was prescribed.
fn medicines(
    db: &mut Db,
    path: &std::path::Path,
    samples: usize,
    out: &mut Vec<Measure>,
) -> Result<()> {
    eprintln!("bench: the medicines: the pharmacy's queue, the ward's round, prescribe, dispense");
    let frame = |name: &str, label: &str, s: Summary| {
        timed(
            name.into(),
            label.into(),
            s,
            "p99 ≤ 4 ms".into(),
            Some(s.p99_us <= FRAME_P99_US),
        )
    };
    let s = medicines::pharmacy_queue(Db::open(path)?, samples)?;
    out.push(frame(
        "frame_pharmacy_queue",
        "frame: prescription queue (refresh)",
        s,
    ));
    let s = medicines::ward_due_now(Db::open(path)?, samples, true)?;
    out.push(frame(
        "frame_ward_due_now",
        "frame: a ward's round due now (refresh)",
        s,
    ));
    let s = medicines::ward_due_now(Db::open(path)?, samples, false)?;
    out.push(frame(
        "frame_round_all_wards",
        "frame: round due now, every ward (refresh)",
        s,
    ));
    let (s, written) = medicines::prescribe(db, samples)?;
    out.push(timed(
        "prescribe".into(),
        "prescribe (with its checks)".into(),
        s,
        "p99 ≤ 10 ms".into(),
        Some(s.p99_us <= PRESCRIBE_P99_US),
    ));
    let s = medicines::dispense(db, &written)?;
    out.push(timed(
        "dispense".into(),
        "dispense a prescription (FEFO)".into(),
        s,
        "p99 ≤ 10 ms".into(),
        Some(s.p99_us <= DISPENSE_P99_US),
    ));
    Ok(())
}

/// The laboratory measures: the lab's worklist, the record's results of
/// the busiest patient as the doctor reads them, and entering an order's
/// results.
fn laboratory(
    db: &mut Db,
    path: &std::path::Path,
    n: u64,
    samples: usize,
    out: &mut Vec<Measure>,
) -> Result<()> {
    eprintln!("bench: the laboratory: the worklist, the busiest record's results, result entry");
    let frame = |name: &str, label: String, s: Summary| {
        timed(
            name.into(),
            label,
            s,
            "p99 ≤ 4 ms".into(),
            Some(s.p99_us <= FRAME_P99_US),
        )
    };
    let (s, shown) = lab::worklist(Db::open(path)?, samples)?;
    out.push(frame(
        "frame_lab_worklist",
        format!(
            "frame: lab worklist, all open ({shown}), {} read",
            lab::SCREENFUL.min(shown)
        ),
        s,
    ));
    let busiest = clinical::busiest(db, n)?;
    let (detail, record, listed) = lab::results(Db::open(path)?, &busiest.id, samples)?;
    out.push(frame(
        "lab_order_detail",
        "lab: latest order of the busiest record".into(),
        detail,
    ));
    out.push(frame(
        "lab_record_results",
        format!("lab: the busiest record's results ({listed} values)"),
        record,
    ));
    let s = lab::enter_results(db, samples)?;
    out.push(timed(
        "lab_enter_results".into(),
        "lab: enter an order's three results".into(),
        s,
        "p99 ≤ 10 ms".into(),
        Some(s.p99_us <= RESULT_ENTRY_P99_US),
    ));
    Ok(())
}

/// The billing measures: a procedure posted by hand, a payment taken on
/// it, the busiest day's takings and the insurance scheme's claims for
/// the last whole month.
fn billing(
    db: &mut Db,
    path: &std::path::Path,
    samples: usize,
    out: &mut Vec<Measure>,
) -> Result<()> {
    eprintln!("bench: billing: a manual charge, a payment, the day's takings, a month's claims");
    let (s, posted) = billing::post_manual(db, samples)?;
    out.push(timed(
        "billing_post_manual".into(),
        "billing: post a procedure by hand".into(),
        s,
        String::new(),
        None,
    ));
    let s = billing::take_payments(db, &posted)?;
    out.push(timed(
        "billing_take_payment".into(),
        "billing: take a payment".into(),
        s,
        "p99 ≤ 10 ms".into(),
        Some(s.p99_us <= PAYMENT_P99_US),
    ));
    let (s, day) = billing::takings(Db::open(path)?, samples)?;
    out.push(timed(
        "billing_takings_day".into(),
        format!(
            "billing: takings of {} ({} payments, {} cashiers)",
            day.day, day.payments, day.cashiers
        ),
        s,
        String::new(),
        None,
    ));
    let (s, seen) = billing::claims(Db::open(path)?, samples.min(CLAIMS_SAMPLES))?;
    out.push(timed(
        "billing_claims_month".into(),
        format!(
            "billing: claims of {} ({} bills, {} lines)",
            seen.month, seen.claims, seen.lines
        ),
        s,
        String::new(),
        None,
    ));
    Ok(())
}

/// Cold start and peak memory of the real program on a pseudo-terminal.
#[cfg(unix)]
fn program_measures(
    dir: &std::path::Path,
    path: &std::path::Path,
    q: &queries::Queries,
    out: &mut Vec<Measure>,
) -> Result<()> {
    let data = pty::data_dir(dir, path)?;
    eprintln!("bench: cold starts");
    let ms = pty::cold_start(&data, COLD_STARTS)?;
    let median = stats::median(&ms);
    let max = ms.iter().copied().fold(0.0, f64::max);
    out.push(Measure {
        name: "cold_start".into(),
        label: "cold start to sign-in screen".into(),
        figure: Figure::Value {
            value: median,
            unit: "ms",
            samples: ms.len(),
            max: Some(max),
            extra: Vec::new(),
        },
        target: "median ≤ 100 ms".into(),
        ok: Some(median <= COLD_START_MS),
    });
    eprintln!("bench: memory while searching");
    let typed: Vec<String> = (0..MEMORY_QUERIES)
        .filter_map(|i| {
            let kind = Kind::ALL[i % Kind::ALL.len()];
            let list = q.of(kind);
            (!list.is_empty()).then(|| list[(i / Kind::ALL.len()) % list.len()].clone())
        })
        .collect();
    let mb = pty::peak_memory(&data, &typed)?;
    out.push(Measure {
        name: "peak_memory".into(),
        label: "peak memory while searching".into(),
        figure: Figure::Value {
            value: mb,
            unit: "MB",
            samples: 1,
            max: None,
            extra: vec![("searches", typed.len() as f64)],
        },
        target: "≤ 64 MB".into(),
        ok: Some(mb <= PEAK_MB),
    });
    eprintln!("bench: memory of a doctor's terminal searching codes");
    let mb = pty::peak_memory_codes(&data, codes::TYPED)?;
    out.push(Measure {
        name: "peak_memory_codes".into(),
        label: "peak memory, doctor searching codes".into(),
        figure: Figure::Value {
            value: mb,
            unit: "MB",
            samples: 1,
            max: None,
            extra: vec![("searches", codes::TYPED.len() as f64)],
        },
        target: "≤ 64 MB".into(),
        ok: Some(mb <= PEAK_MB),
    });
    Ok(())
}

#[cfg(not(unix))]
fn program_measures(
    _dir: &std::path::Path,
    _path: &std::path::Path,
    _q: &queries::Queries,
    _out: &mut Vec<Measure>,
) -> Result<()> {
    anyhow::bail!("the cold start and memory measures need a Unix pseudo-terminal")
}
