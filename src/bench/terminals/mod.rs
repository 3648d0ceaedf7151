//! `wardline bench --terminals N[,N…]`: how many terminals one server
//! carries. On a copy of the bench hospital (the cached file is never
//! opened), N terminals work at once, each its own process
//! (`wardline bench-terminal`, [`child`]) driving the real screen
//! ([`driver`]) through a desk, ward or pharmacy round ([`scripts`]) at a
//! person's pace; each key's response is reported by kind ([`tally`]).
//!
//! The terminals sign in one after another (a sign-in is slow on purpose),
//! then all work for the same measured period.

pub mod child;
pub mod driver;
pub mod kinds;
pub mod scripts;
pub mod tally;

pub use child::terminal;

use super::{BENCH_USER, PASSWORD, build, clinic_now, report::Machine};
use crate::auth;
use crate::cli::BenchArgs;
use crate::domain::role::Role as StaffRole;
use crate::ops::{accounts, ward_staff};
use crate::store::sessions::EndReason;
use crate::store::{Db, migrations};
use anyhow::{Context, Result, bail};
use chrono::Utc;
use scripts::Role;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tally::{Run, Troubles, Written};

/// Between two terminals' sign-ins.
const STAGGER: Duration = Duration::from_millis(150);
/// From the last sign-in's turn to the measured period.
const SETTLE: Duration = Duration::from_secs(2);
/// How long past the measured period a terminal may take to sign out and
/// write its samples before it is stopped.
const GRACE: Duration = Duration::from_secs(60);

/// A terminal's account: `bench-desk-3`, with its role.
fn account(role: Role, k: usize) -> (String, String, StaffRole) {
    let (staff, title) = match role {
        Role::Desk => (StaffRole::Receptionist, "Desk"),
        Role::Ward => (StaffRole::Nurse, "Ward"),
        Role::Pharmacy => (StaffRole::Pharmacist, "Pharmacy"),
    };
    (
        format!("bench-{}-{k}", role.key()),
        format!("Bench {title} {k}"),
        staff,
    )
}

/// Terminals `0..n` by role: each terminal's role and its number within it.
fn roles(n: usize) -> Vec<(Role, usize)> {
    let mut seen = [0usize; 3];
    (0..n)
        .map(|i| {
            let role = Role::of(i);
            let at = role as usize;
            seen[at] += 1;
            (role, seen[at])
        })
        .collect()
}

/// Runs every number of terminals asked for, prints the report and writes
/// the JSON when asked.
pub fn run(dir: &Path, args: &BenchArgs, counts: &[usize]) -> Result<()> {
    let patients = args.patients.max(1);
    if counts.is_empty() || counts.contains(&0) {
        bail!("--terminals takes numbers of terminals from 1, e.g. --terminals 10,50");
    }
    let cached = build::ensure(dir, patients)?;
    let work = dir.join("terminals");
    build::remove_db(&work.join("hospitals").join("BENCH.db"))?;
    let _ = std::fs::remove_dir_all(&work);
    let copy = copy_of(&cached, &work)?;
    let most = counts.iter().copied().max().unwrap_or(1);
    add_accounts(&copy, most)?;
    let exe = std::env::current_exe().context("could not find this program to start terminals")?;
    let mut runs = Vec::new();
    for &n in counts {
        eprintln!(
            "bench: {n} terminals, {} s measured, after their sign-ins",
            args.terminal_seconds
        );
        runs.push(run_one(&exe, &work, &copy, patients, n, args)?);
    }
    let machine = Machine::this();
    print!(
        "{}",
        tally::table(&machine, patients, args.terminal_seconds, &runs)
    );
    if let Some(file) = &args.json {
        let doc = tally::json(
            &machine,
            patients,
            migrations::current_version(),
            args.terminal_seconds,
            &runs,
        );
        std::fs::write(file, serde_json::to_string_pretty(&doc)? + "\n")
            .with_context(|| format!("could not write {}", file.display()))?;
    }
    std::fs::remove_dir_all(&work)
        .with_context(|| format!("could not remove the terminals' copy {}", work.display()))?;
    Ok(())
}

/// Copies the cached hospital (with a write-ahead log left beside it) to
/// `<work>/hospitals/BENCH.db`, where labels go to `<work>/labels`.
fn copy_of(cached: &Path, work: &Path) -> Result<PathBuf> {
    let hospitals = work.join("hospitals");
    crate::paths::create_private_dir(&hospitals)
        .with_context(|| format!("could not create {}", hospitals.display()))?;
    let copy = hospitals.join("BENCH.db");
    eprintln!("bench: copying {} for the terminals", cached.display());
    std::fs::copy(cached, &copy).with_context(|| format!("could not copy {}", cached.display()))?;
    let (mut wal, mut wal_to) = (cached.as_os_str().to_owned(), copy.as_os_str().to_owned());
    wal.push("-wal");
    wal_to.push("-wal");
    if Path::new(&wal).exists() {
        std::fs::copy(&wal, &wal_to)
            .with_context(|| format!("could not copy {}", Path::new(&wal).display()))?;
    }
    Ok(copy)
}

/// Adds the accounts of `most` terminals to the copy; the ward's nurses
/// work on every ward, so that each ward round lists its patients.
fn add_accounts(copy: &Path, most: usize) -> Result<()> {
    let now = clinic_now();
    let mut db = Db::open(copy)?;
    let admin = auth::sign_in(&mut db, BENCH_USER, PASSWORD, now)?;
    let wards: Vec<_> = crate::store::beds::wards(db.conn(), false)?
        .into_iter()
        .map(|w| w.id)
        .collect();
    eprintln!("bench: adding {most} terminals' accounts to the copy");
    for (role, k) in roles(most) {
        let (user_name, full_name, staff) = account(role, k);
        let new = accounts::NewAccount {
            user_name: &user_name,
            full_name: &full_name,
            role: staff,
            password: PASSWORD,
        };
        accounts::add(&mut db, &admin, &new, false, now)
            .with_context(|| format!("could not add the bench account {user_name}"))?;
        if role == Role::Ward {
            ward_staff::set_wards(&mut db, &admin, &user_name, &wards, now)
                .with_context(|| format!("could not put {user_name} on the wards"))?;
        }
    }
    auth::sign_out(&mut db, &admin, EndReason::Logout, now)?;
    Ok(())
}

/// What the terminals wrote so far, counted in the copy.
fn written(copy: &Path) -> Result<Written> {
    let db = Db::open(copy)?;
    let count = |table: &str| -> Result<i64> {
        Ok(db
            .conn()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(Written {
        patients: count("patients")?,
        appointments: count("appointments")?,
        admissions: count("admissions")?,
        vitals: count("vitals")?,
        dispenses: count("prescription_dispenses")?,
    })
}

/// One number of terminals: started, waited for, read.
fn run_one(
    exe: &Path,
    work: &Path,
    copy: &Path,
    patients: u64,
    n: usize,
    args: &BenchArgs,
) -> Result<Run> {
    let before = written(copy)?;
    let first = Utc::now() + chrono::Duration::seconds(1);
    let stagger = chrono::Duration::from_std(STAGGER)?;
    let start = first
        + stagger * i32::try_from(n).unwrap_or(i32::MAX)
        + chrono::Duration::from_std(SETTLE)?;
    let mut children: Vec<(PathBuf, PathBuf, Child)> = Vec::with_capacity(n);
    let terminals = roles(n);
    for (i, &(role, k)) in terminals.iter().enumerate() {
        let out = work.join(format!("terminal-{n}-{i}.jsonl"));
        let err = work.join(format!("terminal-{n}-{i}.err"));
        let sign_in_at = first + stagger * i32::try_from(i).unwrap_or(i32::MAX);
        let (user, _, _) = account(role, k);
        let child = Command::new(exe)
            .arg("--data-dir")
            .arg(work)
            .arg("bench-terminal")
            .arg("--file")
            .arg(copy)
            .args(["--role", role.key(), "--user", &user])
            .args(["--index", &i.to_string()])
            .args([
                "--seed",
                &(super::SEED + (n * 1_000 + i) as u64).to_string(),
            ])
            .args(["--patients", &patients.to_string()])
            .args(["--sign-in-at", &sign_in_at.timestamp_millis().to_string()])
            .args(["--start-at", &start.timestamp_millis().to_string()])
            .args(["--seconds", &args.terminal_seconds.to_string()])
            .args(["--think-scale", &args.think_scale.to_string()])
            .arg("--out")
            .arg(&out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&err)?)
            .spawn()
            .with_context(|| format!("could not start terminal {i} ({})", exe.display()))?;
        children.push((out, err, child));
    }
    let deadline = start
        + chrono::Duration::seconds(i64::try_from(args.terminal_seconds).unwrap_or(i64::MAX))
        + chrono::Duration::from_std(GRACE)?;
    let mut failed: Vec<String> = Vec::new();
    for (i, (_, err, child)) in children.iter_mut().enumerate() {
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if Utc::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        if status.is_none_or(|s| !s.success()) {
            let said = std::fs::read_to_string(&*err).unwrap_or_default();
            let last = said
                .lines()
                .last()
                .unwrap_or("it was stopped, too slow to end");
            failed.push(format!("terminal {i}: {last}"));
        }
    }
    if !failed.is_empty() {
        bail!(
            "{} of {n} terminals failed, so the figures would be wrong: {}",
            failed.len(),
            failed.join("; ")
        );
    }
    let mut samples = Vec::new();
    let (mut troubles, mut late) = (Troubles::default(), 0);
    for (out, _, _) in &children {
        let (s, ending) = child::read(out)?;
        samples.extend(s);
        troubles.add(ending.troubles);
        late += usize::from(ending.late);
    }
    let after = written(copy)?;
    let mut by_role = [0usize; 3];
    for (role, _) in &terminals {
        by_role[*role as usize] += 1;
    }
    Ok(Run {
        terminals: n,
        roles: by_role,
        kinds: Run::kinds_of(&samples),
        written: after.since(&before),
        troubles,
        late,
    })
}
