//! A writer killed with SIGKILL in the middle of writing, many times over:
//! the file passes `integrity_check`, the audit chain verifies, every
//! acknowledged write is there, and every write is whole (its user row and its
//! audit event, or neither).
//!
//! The test binary re-executes itself: `killed_writers_lose_nothing` spawns
//! copies of this binary running only `child_crash_writer`, which does nothing
//! unless `WARDLINE_TEST_CHILD` is set.

mod child_writes;

use child_writes::{env, insert_user};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use wardline::store::Db;
use wardline::store::audit::{ChainState, verify_chain};
use wardline::store::users::{self};

const ROUNDS: usize = 25;
/// Every this-many rounds, the child is killed soon after it starts, without
/// waiting for it to be ready: it may die while opening the file.
const EARLY_KILL_EVERY: usize = 6;
const ENV_CHILD: &str = "WARDLINE_TEST_CHILD";
const ENV_DB: &str = "WARDLINE_TEST_DB";
const ENV_PREFIX: &str = "WARDLINE_TEST_PREFIX";
const ENV_HASH: &str = "WARDLINE_TEST_HASH";

/// The child: opens the file, prints `READY`, then writes users
/// `{prefix}-{i}` as fast as it can until it is killed, printing `ACK name`
/// after each commit.
#[test]
fn child_crash_writer() {
    if std::env::var_os(ENV_CHILD).is_none() {
        return;
    }
    let path = PathBuf::from(env(ENV_DB));
    let prefix = env(ENV_PREFIX);
    let hash = env(ENV_HASH);
    let mut out = std::io::stdout();
    // libtest has printed "test child_crash_writer ... " without a newline:
    // end that line so that READY and every ACK start their own.
    writeln!(out).unwrap();
    out.flush().unwrap();
    let mut db = match Db::open(&path) {
        Ok(db) => db,
        Err(e) => {
            let _ = writeln!(out, "ERR open: {e}");
            let _ = out.flush();
            std::process::exit(3);
        }
    };
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    // Bounded so that a child the parent fails to kill still ends.
    for i in 0..1_000_000usize {
        let name = format!("{prefix}-{i}");
        if let Err(e) = insert_user(&mut db, &name, &hash) {
            let _ = writeln!(out, "ERR write {name}: {e}");
            let _ = out.flush();
            std::process::exit(3);
        }
        writeln!(out, "ACK {name}").unwrap();
        out.flush().unwrap();
    }
}

/// A small deterministic generator, so a failing run can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

/// Opens the file as the program does and checks it in full: integrity,
/// chain, every acknowledged write present, every write whole. Returns the
/// number of user rows.
fn check_file(path: &Path, acked: &BTreeSet<String>, after_round: usize) -> usize {
    let db = Db::open(path)
        .unwrap_or_else(|e| panic!("after round {after_round}: the file does not open: {e}"));
    let integrity: Vec<String> = db
        .conn()
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        integrity,
        vec!["ok".to_string()],
        "after round {after_round}: integrity_check"
    );
    let chain_count = match verify_chain(db.conn()).unwrap() {
        ChainState::Intact { count, .. } => count,
        ChainState::Broken(b) => {
            panic!("after round {after_round}: the audit chain is broken: {b}")
        }
    };
    let stored: BTreeMap<String, String> = users::list(db.conn())
        .unwrap()
        .into_iter()
        .map(|u| (u.user_name, u.id.as_str().to_string()))
        .collect();
    let missing: Vec<_> = acked.iter().filter(|n| !stored.contains_key(*n)).collect();
    assert!(
        missing.is_empty(),
        "after round {after_round}: acknowledged but lost: {missing:?}"
    );
    // Atomicity: one event per user row, naming it and carrying its id, and
    // nothing else besides the hospital's creation.
    assert_eq!(
        chain_count,
        1 + stored.len() as i64,
        "after round {after_round}: audit events vs user rows"
    );
    let mut stmt = db
        .conn()
        .prepare("SELECT summary, entity_id FROM audit_log WHERE entity = 'user'")
        .unwrap();
    let events: Vec<(String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(events.len(), stored.len(), "after round {after_round}");
    let events: BTreeMap<String, String> = events
        .into_iter()
        .map(|(s, id)| (s, id.expect("a user event has an entity id")))
        .collect();
    assert_eq!(
        events, stored,
        "after round {after_round}: user rows and their audit events differ"
    );
    stored.len()
}

#[test]
fn killed_writers_lose_nothing() {
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("TST.db");
    drop(Db::create(&path, &"TST".parse().unwrap(), "Test", chrono_tz::UTC).unwrap());
    // argon2 is slow: one hash serves every row.
    let hash = wardline::auth::hash_password("correct horse battery staple").unwrap();
    let exe = std::env::current_exe().unwrap();
    let seed = 0x5744_4C4E_u64;
    let mut rng = Lcg(seed);

    let mut acked: BTreeSet<String> = BTreeSet::new();
    let mut acks_per_round = Vec::new();
    let mut stored = 0;
    for round in 0..ROUNDS {
        let early = round % EARLY_KILL_EVERY == EARLY_KILL_EVERY - 1;
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "child_crash_writer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ENV_CHILD, "1")
            .env(ENV_DB, &path)
            .env(ENV_PREFIX, format!("r{round}"))
            .env(ENV_HASH, &hash)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the child writer");

        // Only whole lines count: a line cut short by the kill is ignored.
        let stdout = child.stdout.take().unwrap();
        let (lines_tx, lines_rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut line = String::new();
            while stdout.read_line(&mut line).unwrap_or(0) > 0 {
                if let Some(whole) = line.strip_suffix('\n') {
                    let _ = lines_tx.send(whole.to_string());
                }
                line.clear();
            }
        });

        let delay = if early {
            Duration::from_millis(rng.between(0, 40))
        } else {
            // Wait until the child is writing, then let it write a while.
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match lines_rx.recv_timeout(left) {
                    Ok(l) if l == "READY" => break,
                    Ok(l) if l.starts_with("ERR") => panic!("round {round}: child: {l}"),
                    Ok(_) => {}
                    Err(e) => panic!("round {round}: the child never became ready: {e}"),
                }
            }
            Duration::from_millis(rng.between(30, 250))
        };
        std::thread::sleep(delay);
        child.kill().expect("SIGKILL the child");
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "round {round}: the child ended on its own before it was killed"
        );
        reader.join().unwrap();

        let mut round_acks = 0;
        for line in lines_rx.try_iter() {
            assert!(
                line.starts_with("ACK ") || !line.contains("ACK "),
                "round {round}: an acknowledgement not at the start of a line: {line:?}"
            );
            assert!(
                !line.starts_with("ERR"),
                "round {round}: the child reported {line}"
            );
            if let Some(name) = line.strip_prefix("ACK ") {
                assert!(
                    name.starts_with(&format!("r{round}-")),
                    "round {round}: unexpected acknowledgement {name}"
                );
                assert!(acked.insert(name.to_string()), "{name} acknowledged twice");
                round_acks += 1;
            }
        }
        acks_per_round.push(round_acks);
        stored = check_file(&path, &acked, round);
    }

    let rounds_with_acks = acks_per_round.iter().filter(|&&n| n > 0).count();
    assert!(
        rounds_with_acks >= ROUNDS / 2,
        "too few rounds wrote anything before the kill: {acks_per_round:?}"
    );
    assert!(stored >= acked.len());
    eprintln!(
        "{ROUNDS} kills (seed {seed:#x}): {} acknowledged writes, {stored} rows stored \
         ({} committed but not acknowledged); acks per round {acks_per_round:?}; test took {:?}",
        acked.len(),
        stored - acked.len(),
        began.elapsed()
    );
}
