//! `wardline bench --terminals` at a tiny size and no pauses, so that it
//! keeps working: the report has a table per number of terminals and the
//! verdict, the JSON every kind of key with its figures, the terminals'
//! writes landed in the copy, and the cached bench hospital is left as it
//! was. No timing is asserted.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_wardline");
const KINDS: [&str; 9] = [
    "search_keystroke",
    "form_typing",
    "registration_save",
    "booking",
    "check_in",
    "admission",
    "vitals_save",
    "dispense",
    "navigation",
];

fn terminals(dir: &Path, counts: &str, seconds: &str) -> (String, Value) {
    let json = dir.join(format!("t-{counts}.json"));
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(["bench", "--patients", "300", "--dir"])
        .arg(dir.join("bench"))
        .args(["--terminals", counts, "--terminal-seconds", seconds])
        .args(["--think-scale", "0", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (stdout, doc)
}

fn cached(dir: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir.join("bench"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

fn digest(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

fn patients_in(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn terminals_work_on_a_copy_and_every_kind_of_key_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (text, doc) = terminals(dir.path(), "2,3", "12");

    // the report: a table per number of terminals, then the verdict
    assert!(
        text.starts_with("wardline bench --terminals: 300 patients, 12 s measured per run"),
        "{text}"
    );
    for heading in [
        "2 terminals (1 desk, 1 ward, 0 pharmacy)",
        "3 terminals (1 desk, 1 ward, 1 pharmacy)",
    ] {
        assert!(text.contains(heading), "{heading} in {text}");
    }
    assert!(
        text.contains("key ") && text.contains("longest write wait"),
        "{text}"
    );
    assert!(text.contains("written in the copy: "), "{text}");
    let last = text.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.contains("one server carries") || last.contains("no number tried was carried"),
        "{last}"
    );

    // the JSON: each run with its kinds' figures; every kind measured
    assert_eq!(doc["patients"], 300);
    assert_eq!(doc["terminal_seconds"], 12);
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["terminals"], 2);
    assert_eq!(runs[1]["terminals"], 3);
    assert_eq!(runs[1]["roles"]["pharmacy"], 1);
    let mut measured = std::collections::BTreeSet::new();
    for run in runs {
        for (kind, f) in run["kinds"].as_object().unwrap() {
            assert!(KINDS.contains(&kind.as_str()), "{kind}");
            assert!(f["keys"].as_u64().unwrap() > 0, "{kind}: {f}");
            for key in ["p50_us", "p99_us", "max_us", "longest_write_wait_us"] {
                let v = f[key].as_f64().unwrap();
                assert!(v.is_finite() && v >= 0.0, "{kind}.{key} = {v}");
            }
            assert!(f["p50_us"].as_f64() <= f["max_us"].as_f64(), "{kind}: {f}");
            measured.insert(kind.clone());
        }
        assert!(run["ok"].is_boolean());
    }
    assert_eq!(measured.len(), KINDS.len(), "{measured:?}");
    assert!(doc.get("terminals_carried").is_some());

    // the terminals wrote: new patients, vitals and dispenses in the copy
    let sum = |what: &str| -> i64 {
        runs.iter()
            .map(|r| r["written"][what].as_i64().unwrap())
            .sum()
    };
    for what in [
        "patients",
        "vitals",
        "dispenses",
        "admissions",
        "appointments",
    ] {
        assert!(sum(what) > 0, "no {what} written: {doc}");
    }

    // not in the cached hospital, and the copy is gone
    let file = cached(dir.path());
    assert_eq!(patients_in(&file), 300);
    assert!(!dir.path().join("bench").join("terminals").exists());

    // a later run leaves the cached file byte for byte as it was
    let before = digest(&file);
    let (text, doc) = terminals(dir.path(), "1", "6");
    assert!(
        text.contains("1 terminal (1 desk, 0 ward, 0 pharmacy)"),
        "{text}"
    );
    assert!(doc["runs"][0]["written"]["patients"].as_i64().unwrap() > 0);
    assert_eq!(digest(&file), before);
}
