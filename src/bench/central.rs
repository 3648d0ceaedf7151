//! `wardline bench-central`: the central store at the bench hospital's
//! size. Times the first push of a hospital file (rows a second), the way
//! from a commit at the hospital to the central store while a push watches
//! (1,000 registrations at a steady pace, each timed until the store holds
//! it), and `central find` across two hospitals of that size (the second
//! made in the store from the first's patients under another code).

use super::stats::Summary;
use super::{BENCH_USER, PASSWORD};
use crate::auth;
use crate::central::connect::{Given, Target};
use crate::central::push;
use crate::central::source::Source;
use crate::central::{find, schema};
use crate::domain::patient::{Field, PatientInput};
use crate::store::Db;
use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::Args;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct CentralBenchArgs {
    /// The bench hospital file (it is upgraded if older, and written to:
    /// the registrations are real ones).
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    /// The central store (a database of its own for the bench).
    #[arg(long, value_name = "URL")]
    pub db: String,
    /// Registrations to time from commit to the central store.
    #[arg(long, default_value_t = 1_000)]
    pub changes: usize,
    /// Searches to time, of each kind.
    #[arg(long, default_value_t = 200)]
    pub searches: usize,
}

pub fn run(args: &CentralBenchArgs) -> Result<()> {
    let target = Target::parse(&args.db, Given::Variable)?;
    let mut client = target.connect()?;
    schema::init(&mut client)?;
    drop(Db::open(&args.file).with_context(|| format!("could not open {}", args.file.display()))?);
    let mut source = Source::open(&args.file)?;
    let code = source.code.clone();

    println!("First push of {code} to {}", target.shown());
    let started = Instant::now();
    let mut last = Instant::now();
    let report = push::push(
        &mut source,
        &mut client,
        push::DEFAULT_BATCH_ROWS,
        &mut |p| {
            if last.elapsed() >= Duration::from_secs(30) {
                last = Instant::now();
                eprintln!(
                    "  … {} rows, {:.0} rows/s",
                    p.rows,
                    p.rows as f64 / started.elapsed().as_secs_f64()
                );
            }
        },
    )?;
    let took = started.elapsed().as_secs_f64();
    println!(
        "  {} rows in {} batches, {:.1} s: {:.0} rows/s",
        report.rows,
        report.batches,
        took,
        report.rows as f64 / took.max(1e-9)
    );

    incremental(args, &target, &code)?;
    searches(args, &mut client, &code)?;
    Ok(())
}

/// Registrations at a steady pace while a push loops beside them; each is
/// timed from its commit until the central store holds it.
fn incremental(args: &CentralBenchArgs, target: &Target, code: &str) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let pusher = {
        let stop = stop.clone();
        let target = target.clone();
        let file = args.file.clone();
        std::thread::spawn(move || -> Result<()> {
            let mut source = Source::open(&file)?;
            let mut client = target.connect()?;
            while !stop.load(Ordering::Relaxed) {
                let r = push::push(
                    &mut source,
                    &mut client,
                    push::DEFAULT_BATCH_ROWS,
                    &mut |_| {},
                )?;
                if r.rows == 0 {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            Ok(())
        })
    };
    let committed: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let watcher = {
        let stop = stop.clone();
        let committed = committed.clone();
        let target = target.clone();
        let code = code.to_string();
        let wanted = args.changes;
        std::thread::spawn(move || -> Result<Vec<Duration>> {
            let mut client = target.connect()?;
            let mut waits = Vec::new();
            let mut seen = 0usize;
            while waits.len() < wanted {
                let pending: Vec<(String, Instant)> = committed
                    .lock()
                    .map_err(|_| anyhow::anyhow!("the bench's list of commits was poisoned"))?
                    [seen..]
                    .to_vec();
                let ids: Vec<String> = pending.iter().map(|(id, _)| id.clone()).collect();
                if !ids.is_empty() {
                    let rows = client.query(
                        "SELECT id FROM patients WHERE hospital = $1 AND id = ANY($2)",
                        &[&code, &ids],
                    )?;
                    let now = Instant::now();
                    let arrived: std::collections::HashSet<String> =
                        rows.iter().map(|r| r.get(0)).collect();
                    // Arrivals come in commit order: count the prefix held.
                    for (id, at) in &pending {
                        if !arrived.contains(id) {
                            break;
                        }
                        waits.push(now.duration_since(*at));
                        seen += 1;
                    }
                }
                if stop.load(Ordering::Relaxed) && waits.len() < wanted {
                    bail!("the push stopped before every registration arrived");
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(waits)
        })
    };
    let mut db = Db::open(&args.file)?;
    let by = auth::sign_in(&mut db, BENCH_USER, PASSWORD, Utc::now())
        .context("the bench user could not sign in to the bench hospital")?;
    let pace = Duration::from_millis(50);
    let started = Instant::now();
    for i in 0..args.changes {
        let input = PatientInput::default()
            .with(Field::GivenName, "Central")
            .with(Field::FamilyName, format!("Bench{i:05}"))
            .with(Field::BirthDate, "1990-01-01")
            .with(Field::Sex, "F");
        let p = crate::ops::patients::register(&mut db, &by, &input, &[], Utc::now())?;
        committed
            .lock()
            .map_err(|_| anyhow::anyhow!("the bench's list of commits was poisoned"))?
            .push((p.id.to_string(), Instant::now()));
        let next = pace * (i as u32 + 1);
        if let Some(rest) = next.checked_sub(started.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    let last_commit = Instant::now();
    let waits = watcher
        .join()
        .map_err(|_| anyhow::anyhow!("the bench's watcher failed"))??;
    let all_in = last_commit.elapsed();
    stop.store(true, Ordering::Relaxed);
    pusher
        .join()
        .map_err(|_| anyhow::anyhow!("the bench's push failed"))??;
    let s = Summary::of(&waits);
    println!(
        "{} registrations, one every {} ms, each from commit to the central store (a push looping beside):",
        waits.len(),
        pace.as_millis()
    );
    println!(
        "  p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; the last held {:.0} ms after its commit",
        s.p50_us / 1e3,
        s.p99_us / 1e3,
        s.max_us / 1e3,
        all_in.as_secs_f64() * 1e3
    );
    Ok(())
}

/// `central find` across the pushed hospital and a second one of its size.
fn searches(args: &CentralBenchArgs, client: &mut postgres::Client, code: &str) -> Result<()> {
    let twin = "BENCHB";
    let has_twin = client
        .query_opt("SELECT 1 FROM hospitals WHERE code = $1", &[&twin])?
        .is_some();
    if !has_twin {
        let started = Instant::now();
        let mut tx = client.transaction()?;
        tx.execute(
            "INSERT INTO hospitals (code, site_id, name, time_zone, schema_version)
             SELECT $2, gen_random_uuid(), 'Bench twin hospital', time_zone, schema_version
               FROM hospitals WHERE code = $1",
            &[&code, &twin],
        )?;
        let columns: Vec<String> = tx
            .query(
                "SELECT column_name::text FROM information_schema.columns
                  WHERE table_schema = current_schema() AND table_name = 'patients' AND column_name <> 'hospital'
                    AND is_generated = 'NEVER'
                  ORDER BY ordinal_position",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let list = columns.join(", ");
        tx.execute(
            &format!(
                "INSERT INTO patients (hospital, {list}) SELECT $1, {list} FROM patients WHERE hospital = $2"
            ),
            &[&twin, &code],
        )?;
        tx.commit()?;
        client.batch_execute("ANALYZE patients")?;
        println!(
            "Second hospital {twin}: {code}'s patients copied under another code in the store ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    let sample = client.query(
        "SELECT given_name, family_name, birth_date, phone, national_id FROM patients
          WHERE hospital = $1 AND deleted_at IS NULL AND merged_into IS NULL
            AND given_name <> '' AND family_name <> '' AND phone <> '' AND national_id <> ''
          ORDER BY md5(id) LIMIT $2",
        &[&code, &(args.searches as i64)],
    )?;
    if sample.is_empty() {
        bail!(
            "the pushed hospital has no patient with a name, phone and national ID to search for"
        );
    }
    type Kind = (&'static str, fn(&postgres::Row) -> String);
    let kinds: [Kind; 5] = [
        ("family given", |r| {
            format!("{} {}", r.get::<_, String>(1), r.get::<_, String>(0))
        }),
        ("misspelt name", |r| {
            let family: String = r.get(1);
            let cut: String = family
                .chars()
                .take(family.chars().count().saturating_sub(1))
                .collect();
            format!("{} {cut}", r.get::<_, String>(0))
        }),
        ("name and birth date", |r| {
            format!("{} {}", r.get::<_, String>(1), r.get::<_, String>(2))
        }),
        ("phone", |r| r.get::<_, String>(3)),
        ("national ID", |r| r.get::<_, String>(4)),
    ];
    println!(
        "central find across {code} and {twin} ({} searches of each kind):",
        sample.len()
    );
    for (name, query) in kinds {
        let mut times = Vec::new();
        let mut found = 0usize;
        for row in &sample {
            let q = query(row);
            let start = Instant::now();
            let people = find::find(client, &q)?;
            times.push(start.elapsed());
            found += people.iter().map(|p| p.records.len()).sum::<usize>();
        }
        let s = Summary::of(&times);
        println!(
            "  {name:<20} p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({:.1} records a search)",
            s.p50_us / 1e3,
            s.p99_us / 1e3,
            s.max_us / 1e3,
            found as f64 / sample.len() as f64
        );
    }
    Ok(())
}
