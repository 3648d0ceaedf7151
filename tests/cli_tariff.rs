//! `wardline tariff`, `wardline schemes` and `wardline patients scheme` in
//! the real binary: an administrator lists the tariff, adds an item with
//! its price typed in the hospital's money, changes the price from a later
//! day (the earlier day keeps its price), adds an insurance scheme and a
//! waiver, and sets a patient's scheme; a receptionist sets a scheme too
//! but may not change the tariff; the refusals say what to do.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::Utc;
use common::ADMIN_PASSWORD;
use common::cli::{assert_says, ok, refused, run};
use common::clinic as fixture;

/// The receptionist's own password, chosen at the first sign-in.
const OWN_PASSWORD: &str = "a receptionist's own phrase 7";

/// Hospital TST (in Kenyan shillings) with one patient; returns the MRN.
fn hospital(data: &std::path::Path) -> String {
    let mut h = common::hospital(data);
    let admin = h.admin.clone();
    let p = fixture::register(
        &mut h.db,
        &admin,
        &fixture::person("Amina", "Otieno", "1980-05-01", "female"),
        Utc::now(),
    );
    drop(h);
    ok(
        data,
        &["settings", "set", "currency", "KES", "--as", "admin"],
        1,
    );
    p.mrn
}

#[test]
fn an_admin_sets_up_the_tariff_and_schemes_and_a_patients_cover() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mrn = hospital(data);

    let out = ok(data, &["tariff", "list", "--as", "admin"], 1);
    assert_says(&out, &["0 items on the tariff"]);

    let out = ok(
        data,
        &[
            "tariff",
            "add",
            "xray-chest",
            "--name",
            "Chest X-ray",
            "--group",
            "procedure",
            "--price",
            "1,500.50",
            "--from",
            "2026-01-01",
            "--as",
            "admin",
        ],
        1,
    );
    assert_says(
        &out,
        &[
            "Added XRAY-CHEST (Chest X-ray, procedure) to the tariff at KES 1,500.50 from 2026-01-01.",
        ],
    );
    let out = ok(
        data,
        &[
            "tariff",
            "price",
            "XRAY-CHEST",
            "1800",
            "--from",
            "2026-07-01",
            "--as",
            "admin",
        ],
        1,
    );
    assert_says(
        &out,
        &["The price of XRAY-CHEST is KES 1,800.00 from 2026-07-01"],
    );
    // Each day reads the price it had.
    let out = ok(
        data,
        &["tariff", "list", "--on", "2026-03-01", "--as", "admin"],
        1,
    );
    assert_says(
        &out,
        &[
            "XRAY-CHEST",
            "Chest X-ray",
            "procedure",
            "1,500.50",
            "1 item",
        ],
    );
    let out = ok(
        data,
        &["tariff", "list", "--on", "2026-07-01", "--as", "admin"],
        1,
    );
    assert_says(&out, &["1,800.00"]);
    let out = ok(
        data,
        &["tariff", "list", "--on", "2025-12-31", "--as", "admin"],
        1,
    );
    assert_says(&out, &["not priced"]);

    let out = ok(
        data,
        &[
            "schemes",
            "add",
            "NHIF",
            "--name",
            "National Hospital Insurance",
            "--kind",
            "insurance",
            "--coverage",
            "80",
            "--co-payment",
            "200",
            "--as",
            "admin",
        ],
        1,
    );
    assert_says(
        &out,
        &[
            "Added payer scheme NHIF (National Hospital Insurance): pays 80.00% after a co-payment of KES 200.00.",
        ],
    );
    let out = ok(
        data,
        &[
            "schemes",
            "add",
            "WAIVE",
            "--name",
            "Social welfare",
            "--kind",
            "waiver",
            "--as",
            "admin",
        ],
        1,
    );
    assert_says(
        &out,
        &["Added payer scheme WAIVE (Social welfare): waives everything."],
    );
    let out = ok(data, &["schemes", "list", "--as", "admin"], 1);
    assert_says(
        &out,
        &["NHIF", "insurance", "WAIVE", "waiver", "2 payer schemes."],
    );

    let out = ok(
        data,
        &[
            "patients",
            "scheme",
            &mrn,
            "--scheme",
            "nhif",
            "--member",
            "NH-44821",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--as",
            "admin",
        ],
        1,
    );
    assert_says(
        &out,
        &[&format!(
            "{mrn} is covered by NHIF from 2026-01-01 to 2026-12-31."
        )],
    );
    assert!(
        !out.contains("NH-44821"),
        "the member number is not printed: {out}"
    );
}

#[test]
fn a_receptionist_sets_a_patients_scheme_but_not_the_tariff() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mrn = hospital(data);
    ok(
        data,
        &[
            "schemes",
            "add",
            "WAIVE",
            "--name",
            "Social welfare",
            "--kind",
            "waiver",
            "--as",
            "admin",
        ],
        1,
    );
    ok(
        data,
        &[
            "users",
            "add",
            "--user",
            "rose",
            "--role",
            "receptionist",
            "--as",
            "admin",
        ],
        2,
    );
    let out = run(
        data,
        &["users", "passwd", "--as", "rose"],
        &format!("{ADMIN_PASSWORD}\n{OWN_PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rose = format!("{OWN_PASSWORD}\n");

    let out = run(
        data,
        &[
            "patients",
            "scheme",
            &mrn,
            "--scheme",
            "WAIVE",
            "--from",
            "2026-02-01",
            "--as",
            "rose",
        ],
        &rose,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_says(
        &String::from_utf8_lossy(&out.stdout),
        &[&format!("{mrn} is covered by WAIVE from 2026-02-01.")],
    );

    let out = run(
        data,
        &[
            "tariff", "add", "DRESSING", "--name", "Dressing", "--group", "service", "--price",
            "300", "--as", "rose",
        ],
        &rose,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tariff"), "{err}");
}

#[test]
fn typing_mistakes_are_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mrn = hospital(data);
    let add = |price: &str, group: &str| {
        refused(
            data,
            &[
                "tariff", "add", "SUTURE", "--name", "Suturing", "--group", group, "--price",
                price, "--as", "admin",
            ],
        )
    };
    let e = add("15.505", "procedure");
    assert!(e.contains("\"15.505\" is not an amount of KES"), "{e}");
    let e = add("-3", "procedure");
    assert!(e.contains("no minus sign"), "{e}");
    let e = add("150", "surgery");
    assert!(
        e.contains("unknown group \"surgery\"") && e.contains("procedure"),
        "{e}"
    );
    let out = ok(data, &["tariff", "list", "--as", "admin"], 1);
    assert_says(&out, &["0 items on the tariff"]);

    let e = refused(
        data,
        &[
            "tariff",
            "price",
            "NOPE",
            "100",
            "--from",
            "2026-01-01",
            "--as",
            "admin",
        ],
    );
    assert!(
        e.contains("the tariff has no item NOPE: add it first"),
        "{e}"
    );
    let e = refused(
        data,
        &[
            "schemes",
            "add",
            "AAR",
            "--name",
            "AAR",
            "--kind",
            "insurance",
            "--as",
            "admin",
        ],
    );
    assert!(e.contains("--coverage"), "{e}");
    let e = refused(
        data,
        &[
            "schemes",
            "add",
            "AAR",
            "--name",
            "AAR",
            "--kind",
            "insurance",
            "--coverage",
            "120",
            "--as",
            "admin",
        ],
    );
    assert!(e.contains("from 0 to 100"), "{e}");
    let e = refused(
        data,
        &[
            "patients",
            "scheme",
            &mrn,
            "--scheme",
            "AAR",
            "--from",
            "2026-01-01",
            "--as",
            "admin",
        ],
    );
    assert!(e.contains("there is no scheme AAR"), "{e}");
    let e = refused(
        data,
        &[
            "patients",
            "scheme",
            "TST-999999",
            "--scheme",
            "AAR",
            "--from",
            "2026-01-01",
            "--as",
            "admin",
        ],
    );
    assert!(e.contains("no patient has the MRN"), "{e}");
}
