//! Several processes writing to one hospital file at once, for several
//! seconds: no "database is locked" reaches a caller, no write is lost, and
//! the audit chain verifies.
//!
//! The test binary re-executes itself: `many_processes_write_at_once` spawns
//! copies of this binary running only `child_writer`, which does nothing
//! unless `WARDLINE_TEST_CHILD` is set.

mod child_writes;

use child_writes::{env, insert_user};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wardline::store::Db;
use wardline::store::audit::{ChainState, verify_chain};
use wardline::store::users::{self};

const WRITERS: usize = 4;
/// How long every writer keeps writing, all in the same window.
const WRITE_FOR: Duration = Duration::from_secs(4);
/// Time for the children to start and open the file before the window opens.
const START_DELAY: Duration = Duration::from_millis(1500);
/// Fewer commits than this from one writer means it was starved.
const MIN_WRITES_EACH: usize = 20;

const ENV_CHILD: &str = "WARDLINE_TEST_CHILD";
const ENV_DB: &str = "WARDLINE_TEST_DB";
const ENV_WRITER: &str = "WARDLINE_TEST_WRITER";
const ENV_HASH: &str = "WARDLINE_TEST_HASH";
const ENV_START_MS: &str = "WARDLINE_TEST_START_MS";
const ENV_WRITE_MS: &str = "WARDLINE_TEST_WRITE_MS";

fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// The child: writes users `w{n}-{i}` until the window closes, printing
/// `ACK name` after each commit. Any error is printed as `ERR ...` and ends
/// the process with a failure status.
#[test]
fn child_writer() {
    if std::env::var_os(ENV_CHILD).is_none() {
        return;
    }
    let path = PathBuf::from(env(ENV_DB));
    let n: usize = env(ENV_WRITER).parse().unwrap();
    let hash = env(ENV_HASH);
    let start_ms: u64 = env(ENV_START_MS).parse().unwrap();
    let write_ms: u64 = env(ENV_WRITE_MS).parse().unwrap();
    let start = UNIX_EPOCH + Duration::from_millis(start_ms);
    let end = start + Duration::from_millis(write_ms);

    let mut out = std::io::stdout();
    // libtest has printed "test child_writer ... " without a newline: end
    // that line so that every ACK starts its own.
    writeln!(out).unwrap();
    let fail = |out: &mut std::io::Stdout, what: &str, e: &dyn std::fmt::Display| -> ! {
        let _ = writeln!(out, "ERR {what}: {e}");
        let _ = out.flush();
        std::process::exit(3);
    };

    let mut db = match Db::open(&path) {
        Ok(db) => db,
        Err(e) => fail(&mut out, "open", &e),
    };
    if let Ok(wait) = start.duration_since(SystemTime::now()) {
        std::thread::sleep(wait);
    }
    let mut i = 0usize;
    let mut longest = Duration::ZERO;
    while SystemTime::now() < end {
        let name = format!("w{n}-{i}");
        let began = Instant::now();
        if let Err(e) = insert_user(&mut db, &name, &hash) {
            fail(
                &mut out,
                &format!("write {name} after {:?}", began.elapsed()),
                &e,
            );
        }
        longest = longest.max(began.elapsed());
        writeln!(out, "ACK {name}").unwrap();
        out.flush().unwrap();
        i += 1;
    }
    writeln!(
        out,
        "DONE w{n}: {i} writes, longest single write {} ms",
        longest.as_millis()
    )
    .unwrap();
    out.flush().unwrap();
}

/// What the file holds: user names with their ids, the user CREATE events
/// (summary and entity id), and the verified chain length.
struct Stored {
    users: BTreeMap<String, String>,
    user_events: Vec<(i64, String, Option<String>)>,
    chain_count: i64,
}

fn read_back(path: &Path) -> Stored {
    let db = Db::open(path).expect("reopen the hospital file");
    let integrity: String = db
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "integrity_check");
    let chain_count = match verify_chain(db.conn()).unwrap() {
        ChainState::Intact { count, .. } => count,
        ChainState::Broken(b) => panic!("the audit chain is broken: {b}"),
    };
    let users: BTreeMap<String, String> = users::list(db.conn())
        .unwrap()
        .into_iter()
        .map(|u| (u.user_name, u.id.as_str().to_string()))
        .collect();
    let mut stmt = db
        .conn()
        .prepare("SELECT seq, summary, entity_id FROM audit_log WHERE entity = 'user' ORDER BY seq")
        .unwrap();
    let user_events = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    Stored {
        users,
        user_events,
        chain_count,
    }
}

#[test]
fn many_processes_write_at_once() {
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("TST.db");
    drop(Db::create(&path, &"TST".parse().unwrap(), "Test", chrono_tz::UTC).unwrap());
    // argon2 is slow: one hash serves every row.
    let hash = wardline::auth::hash_password("correct horse battery staple").unwrap();

    let exe = std::env::current_exe().unwrap();
    let start_ms = epoch_ms(SystemTime::now() + START_DELAY);
    let children: Vec<_> = (1..=WRITERS)
        .map(|n| {
            Command::new(&exe)
                .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
                .env(ENV_CHILD, "1")
                .env(ENV_DB, &path)
                .env(ENV_WRITER, n.to_string())
                .env(ENV_HASH, &hash)
                .env(ENV_START_MS, start_ms.to_string())
                .env(ENV_WRITE_MS, WRITE_FOR.as_millis().to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn a child writer")
        })
        .collect();

    let mut acked: BTreeSet<String> = BTreeSet::new();
    let mut per_writer = [0usize; WRITERS + 1];
    let mut problems = Vec::new();
    let mut summaries = Vec::new();
    // Every child's output is drained at once: a child whose pipe filled up
    // would stop writing and so stop competing for the file.
    let outputs: Vec<_> = children
        .into_iter()
        .map(|child| std::thread::spawn(move || child.wait_with_output().unwrap()))
        .collect();
    for (k, output) in outputs.into_iter().enumerate() {
        let n = k + 1;
        let output = output.join().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            problems.push(format!(
                "writer {n} exited with {}\n--- stdout (tail) ---\n{}\n--- stderr ---\n{stderr}",
                output.status,
                tail(&stdout, 20)
            ));
        }
        for line in stdout.lines().chain(stderr.lines()) {
            let lower = line.to_lowercase();
            if line.starts_with("ERR") || lower.contains("locked") || lower.contains("busy") {
                problems.push(format!("writer {n} reported: {line}"));
            }
        }
        summaries.extend(
            stdout
                .lines()
                .filter(|l| l.starts_with("DONE "))
                .map(|l| l[5..].to_string()),
        );
        for line in stdout.lines() {
            assert!(
                line.starts_with("ACK ") || !line.contains("ACK "),
                "writer {n}: an acknowledgement not at the start of a line: {line:?}"
            );
            if let Some(name) = line.strip_prefix("ACK ") {
                assert!(
                    name.starts_with(&format!("w{n}-")),
                    "writer {n} acknowledged someone else's row {name}"
                );
                assert!(acked.insert(name.to_string()), "{name} acknowledged twice");
                per_writer[n] += 1;
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let stored = read_back(&path);

    // Every acknowledged write is there, and nothing else is.
    let missing: Vec<_> = acked
        .iter()
        .filter(|n| !stored.users.contains_key(*n))
        .collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert_eq!(
        stored.users.len(),
        acked.len(),
        "rows that were never acknowledged"
    );
    // The chain verifies and holds exactly the creation event plus one per write.
    assert_eq!(stored.chain_count, 1 + acked.len() as i64);
    // Each user has exactly one CREATE event, naming it and carrying its id.
    assert_eq!(stored.user_events.len(), acked.len());
    let events: BTreeMap<String, String> = stored
        .user_events
        .iter()
        .map(|(_, s, id)| (s.clone(), id.clone().expect("user event has an entity id")))
        .collect();
    assert_eq!(
        events, stored.users,
        "user rows and their audit events differ"
    );

    // No writer was starved.
    for (n, &count) in per_writer.iter().enumerate().skip(1) {
        assert!(
            count >= MIN_WRITES_EACH,
            "writer {n} committed only {count} writes in {WRITE_FOR:?}: it was starved \
             ({})",
            summaries.join("; ")
        );
    }
    // The writers really overlapped: in commit order, some point lies after
    // every writer's first commit and before every writer's last one.
    let mut first = [i64::MAX; WRITERS + 1];
    let mut last = [i64::MIN; WRITERS + 1];
    for (seq, summary, _) in &stored.user_events {
        let n: usize = summary[1..summary.find('-').unwrap()].parse().unwrap();
        first[n] = first[n].min(*seq);
        last[n] = last[n].max(*seq);
    }
    let latest_first = first[1..].iter().max().unwrap();
    let earliest_last = last[1..].iter().min().unwrap();
    assert!(
        latest_first < earliest_last,
        "the writers did not write at the same time (first commits {:?}, last commits {:?})",
        &first[1..],
        &last[1..]
    );

    eprintln!(
        "{WRITERS} processes committed {} writes in {WRITE_FOR:?} ({}); test took {:?}",
        acked.len(),
        summaries.join("; "),
        began.elapsed()
    );
}

fn tail(s: &str, lines: usize) -> String {
    let all: Vec<_> = s.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
