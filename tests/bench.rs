//! `wardline bench` at a tiny size, so that it keeps working: every measure
//! (the frames of the beds and pharmacy screens, the clinical and the
//! medicines ones, among them) is present with sane figures, the clinical
//! record, the medicines, the laboratory and billing are built, and a
//! second run reuses the hospital. No timing is asserted.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_wardline");
const SAMPLES: u64 = 20;
const LIKE_SAMPLES: u64 = 2;

const TIMED: &[&str] = &[
    "search_mrn",
    "search_name",
    "search_two_names",
    "search_phone",
    "search_birth_date",
    "search_sounds_alike",
    "floor_mrn_lookup",
    "register",
    "frame_sign_in",
    "frame_patients_search",
    "frame_patient_record",
    "frame_patient_form",
    "frame_admin",
    "frame_bed_board",
    "frame_pharmacy_stock",
    "frame_pharmacy_item",
    "frame_appointments_day",
    "icd10_search_keystroke",
    "clinical_record_open",
    "frame_worklist",
    "save_vitals",
    "frame_pharmacy_queue",
    "frame_ward_due_now",
    "frame_round_all_wards",
    "prescribe",
    "dispense",
    "frame_lab_worklist",
    "lab_order_detail",
    "lab_record_results",
    "lab_enter_results",
    "billing_post_manual",
    "billing_take_payment",
    "billing_takings_day",
    "billing_claims_month",
];
const LIKE: &[&str] = &[
    "like_mrn",
    "like_name",
    "like_two_names",
    "like_phone",
    "like_birth_date",
    "like_sounds_alike",
];
const VALUES: &[(&str, &str)] = &[
    ("import", "patients/s"),
    ("audit_verify", "s per million events"),
    ("cold_start", "ms"),
    ("peak_memory", "MB"),
    ("peak_memory_codes", "MB"),
    ("icd10_index_build", "ms"),
];

fn bench(dir: &Path) -> Output {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(["bench", "--patients", "300", "--samples"])
        .arg(SAMPLES.to_string())
        .arg("--like-samples")
        .arg(LIKE_SAMPLES.to_string())
        .arg("--dir")
        .arg(dir.join("bench"))
        .arg("--json")
        .arg(dir.join("b.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn number(m: &Value, name: &str, key: &str) -> f64 {
    let v = m[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{name}.{key} is not a number: {m}"));
    assert!(v.is_finite() && v >= 0.0, "{name}.{key} = {v}");
    v
}

#[test]
fn bench_runs_at_a_tiny_size_and_reuses_its_hospital() {
    let dir = tempfile::tempdir().unwrap();
    let first = bench(dir.path());
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("building"), "{stderr}");
    // the wards and the pharmacy are built too (the frame measures of
    // their screens fail the run when those screens show nothing)
    assert!(
        stderr.contains("24 beds with their admissions")
            && stderr.contains("the pharmacy with 300 dispenses")
            && stderr.contains("the clinic with "),
        "{stderr}"
    );
    // the clinical record: everyone has a visit with a signed note, a tenth
    // come back, the busiest record has its 200 visits, and the doctor's
    // morning has patients seen, one in the room and some waiting
    let clinical = stderr
        .lines()
        .find(|l| l.starts_with("bench: the clinical record with "))
        .unwrap_or_else(|| panic!("no clinical record line: {stderr}"));
    let count = |after: &str| -> u64 {
        let (_, rest) = clinical
            .split_once(after)
            .unwrap_or_else(|| panic!("{after:?} not in {clinical}"));
        rest.split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number after {after:?} in {clinical}"))
    };
    let count_before = |word: &str| -> u64 {
        let (head, _) = clinical
            .split_once(word)
            .unwrap_or_else(|| panic!("{word:?} not in {clinical}"));
        head.trim_end()
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number before {word:?} in {clinical}"))
    };
    let visits = count("record with ");
    let sets = count_before(" vitals sets");
    let notes = count_before(" signed notes");
    let diagnoses = count_before(" diagnoses");
    // 300 patients: one visit each, about 30 come back (two to four), the
    // busiest 200, and the ward rounds and the morning's consultations
    assert!((300 + 200..3_000).contains(&visits), "{clinical}");
    assert!(sets >= visits + 1_000 - 200, "{clinical}");
    assert!(notes + 2 >= visits && notes <= visits, "{clinical}");
    assert!(diagnoses >= notes, "{clinical}");
    assert!(count_before(" problems") >= 1, "{clinical}");
    assert!(clinical.contains(", 200 visits;"), "{clinical}");
    assert!(count_before(" seen") >= 1, "{clinical}");
    assert_eq!(count_before(" in the room"), 1, "{clinical}");
    assert!(count_before(" waiting") >= 1, "{clinical}");
    // the medicines: the ward orders with their MAR, the day's queue (some
    // partly dispensed) and the past consultations' dispensed prescriptions
    let medicines = stderr
        .lines()
        .find(|l| l.starts_with("bench: layer r5 (prescriptions): "))
        .unwrap_or_else(|| panic!("no medicines layer line: {stderr}"));
    let count_in = |word: &str| -> u64 {
        let (head, _) = medicines
            .split_once(word)
            .unwrap_or_else(|| panic!("{word:?} not in {medicines}"));
        head.trim_end()
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number before {word:?} in {medicines}"))
    };
    let prescriptions = count_in(" prescriptions (");
    let ward_orders = count_in(" active ward orders");
    let waiting = count_in(" waiting at the pharmacy");
    let partly = count_in(" partly");
    let dispenses = count_in(" dispenses from");
    let doses = count_in(" doses recorded");
    // the day's 60 consultations: a third dispensed, a sixth in part
    assert!((30..=60).contains(&waiting) && partly >= 1, "{medicines}");
    assert!(ward_orders >= 2 && doses >= ward_orders, "{medicines}");
    // about one past consultation in fifteen falls in the ledger's window
    assert!(dispenses >= 20 && prescriptions >= dispenses, "{medicines}");
    assert!(prescriptions >= ward_orders + waiting + 20, "{medicines}");
    let lab = stderr
        .lines()
        .find(|l| l.starts_with("bench: layer r6 (laboratory): "))
        .unwrap_or_else(|| panic!("no laboratory layer line: {stderr}"));
    assert!(
        lab.contains(" lab orders with ") && lab.contains(" open, "),
        "{lab}"
    );
    // billing: bills of visits and stays with their lines, payments over
    // the past days closed by cash-ups, a third of the register insured
    let billing = stderr
        .lines()
        .find(|l| l.starts_with("bench: layer r7 (billing): "))
        .unwrap_or_else(|| panic!("no billing layer line: {stderr}"));
    let count_of = |word: &str| -> u64 {
        let (head, _) = billing
            .split_once(word)
            .unwrap_or_else(|| panic!("{word:?} not in {billing}"));
        head.trim_end()
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number before {word:?} in {billing}"))
    };
    let bills = count_of(" bills (");
    assert!(bills >= 50, "{billing}");
    assert!(count_of(" closed)") >= 1, "{billing}");
    assert!(count_of(" charges and") > bills, "{billing}");
    assert!(count_of(" payments and") >= 50, "{billing}");
    assert!(count_of(" days,") >= 20, "{billing}");
    assert!(count_of(" cash-ups") >= 20, "{billing}");
    assert!(
        (60..=140).contains(&count_of(" patients with a scheme")),
        "{billing}"
    );
    let table = String::from_utf8_lossy(&first.stdout);
    // the reports ran on a day with payments and a month with claims
    let in_label = |start: &str, word: &str| -> u64 {
        let line = table
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no {start:?} line: {table}"));
        let (head, _) = line
            .split_once(word)
            .unwrap_or_else(|| panic!("{word:?} not in {line}"));
        head.rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number before {word:?} in {line}"))
    };
    assert!(
        in_label("billing: takings of ", " payments,") >= 1,
        "{table}"
    );
    assert!(
        in_label("billing: takings of ", " cashiers)") >= 1,
        "{table}"
    );
    assert!(
        in_label("billing: claims of 2026-02 ", " bills,") >= 1,
        "{table}"
    );
    assert!(
        in_label("billing: claims of 2026-02 ", " lines)") >= 1,
        "{table}"
    );
    assert!(
        table.contains("search: MRN")
            && table.contains("clinical record: busiest, opened")
            && table.contains("frame: worklist")
            && table.contains("save a vitals set")
            && table.contains("frame: prescription queue")
            && table.contains("frame: a ward's round due now")
            && table.contains("frame: round due now, every ward")
            && table.contains("dispense a prescription")
            && table.contains("frame: lab worklist, all open")
            && table.contains("lab: enter an order's three results")
            && table.contains("billing: post a procedure by hand")
            && table.contains("billing: take a payment")
            && table.contains("peak memory"),
        "{table}"
    );

    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("b.json")).unwrap()).unwrap();
    assert_eq!(doc["patients"], 300);
    assert!(doc["schema_version"].as_i64().unwrap() >= 1);
    assert!(doc["machine"]["cpus"].as_u64().unwrap() >= 1);
    assert!(doc["machine"]["cpu_model"].is_string() && doc["machine"]["os"].is_string());
    let measures = &doc["measures"];
    for (names, at_least) in [(TIMED, SAMPLES), (LIKE, LIKE_SAMPLES)] {
        for name in names {
            let m = &measures[*name];
            let p50 = number(m, name, "p50_us");
            let p95 = number(m, name, "p95_us");
            let p99 = number(m, name, "p99_us");
            let max = number(m, name, "max_us");
            assert!(p50 <= p95 && p95 <= p99 && p99 <= max, "{name}: {m}");
            assert!(m["samples"].as_u64().unwrap() >= at_least, "{name}: {m}");
        }
    }
    for (name, unit) in VALUES {
        let m = &measures[*name];
        number(m, name, "value");
        assert_eq!(m["unit"], *unit, "{name}: {m}");
        assert!(m["samples"].as_u64().unwrap() >= 1, "{name}: {m}");
    }
    assert!(number(&measures["peak_memory"], "peak_memory", "value") > 0.0);
    assert!(number(&measures["peak_memory_codes"], "peak_memory_codes", "value") > 0.0);
    assert!(number(&measures["import"], "import", "value") > 0.0);
    let expected = TIMED.len() + LIKE.len() + VALUES.len();
    assert_eq!(measures.as_object().unwrap().len(), expected, "{measures}");

    let second = bench(dir.path());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("reusing") && !stderr.contains("building"),
        "{stderr}"
    );
}
