//! The pharmacy tab driven by keys: the stock list with its alerts and
//! filters, an item with its batches and ledger, receiving with errors
//! beside the fields, dispensing to a patient with the FEFO choice shown
//! before confirming, adjusting, and a stock count.

mod common;

use common::clinic as fixture;
mod tui_harness;

use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tui_harness::{Harness, PASSWORD, t0};
use wardline::auth;
use wardline::domain::pharmacy::ItemDetails;
use wardline::ops::pharmacy::{self as ops, Receipt};
use wardline::store::{Db, audit};

fn day(n: i64) -> NaiveDate {
    t0().date_naive() + Duration::days(n)
}

fn item(name: &str, strength: &str, form: &str, unit: &str, reorder: i64) -> ItemDetails {
    ItemDetails {
        name: name.into(),
        generic_name: name.to_lowercase(),
        strength: strength.into(),
        form: form.into(),
        unit: unit.into(),
        category: "Test".into(),
        reorder_level: reorder,
        max_dispense: None,
    }
}

/// Stock put in through another terminal: amoxicillin in two usable
/// batches and one expired; paracetamol low; ORS with none; a patient.
fn stock(h: &Harness) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let s = auth::sign_in(&mut db, "pharm", PASSWORD, t0()).unwrap();
    let amx = ops::add_item(
        &mut db,
        &s,
        &item("Amoxicillin", "500 mg", "capsule", "capsule", 50),
        t0(),
    )
    .unwrap();
    let para = ops::add_item(
        &mut db,
        &s,
        &item("Paracetamol", "500 mg", "tablet", "tablet", 500),
        t0(),
    )
    .unwrap();
    ops::add_item(
        &mut db,
        &s,
        &item(
            "Oral rehydration salts",
            "20.5 g/l",
            "sachet",
            "sachet",
            100,
        ),
        t0(),
    )
    .unwrap();
    let receive = |db: &mut Db, id: &str, batch: &str, expiry: NaiveDate, qty: i64, at| {
        ops::receive(
            db,
            &s,
            &Receipt {
                item_id: id.into(),
                batch_no: batch.into(),
                expiry,
                quantity: qty,
                unit_cost: 1250,
                price: 2000,
                supplier: "MEDS".into(),
                reference: "INV-7".into(),
            },
            at,
        )
        .unwrap();
    };
    receive(&mut db, &amx.id, "AMX-LATE", day(400), 100, t0());
    receive(&mut db, &amx.id, "AMX-SOON", day(30), 20, t0());
    receive(
        &mut db,
        &amx.id,
        "AMX-OLD",
        day(-5),
        12,
        t0() - Duration::days(300),
    );
    receive(&mut db, &para.id, "PCM-1", day(200), 120, t0());
    let admin = auth::sign_in(&mut db, "admin", PASSWORD, t0()).unwrap();
    let input = fixture::person("Amina", "Okafor", "1988-02-28", "F");
    fixture::register(&mut db, &admin, &input, t0());
}

fn open_pharmacy(h: &mut Harness) {
    stock(h);
    h.sign_in_to("pharm", KeyCode::F(5));
}

#[test]
fn the_stock_list_shows_alerts_and_filters_them() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    let s = h.screen();
    assert!(s.contains("Amoxicillin 500 mg capsule"), "{s}");
    assert!(s.contains("EXPIRED EXPIRING"), "{s}");
    assert!(
        s.contains("Paracetamol 500 mg tablet") && s.contains("LOW"),
        "{s}"
    );
    snapshot!("stock_list", s);
    h.press(KeyCode::Char('f'));
    let s = h.screen();
    assert!(
        s.contains("below reorder level") && !s.contains("Amoxicillin"),
        "{s}"
    );
    h.press(KeyCode::Char('f'));
    h.press(KeyCode::Char('f'));
    let s = h.screen();
    assert!(
        s.contains("expired on hand") && s.contains("Amoxicillin") && !s.contains("Paracetamol"),
        "{s}"
    );
    h.press(KeyCode::Char('f'));
    h.press(KeyCode::Char('f'));
    h.press(KeyCode::Char('/'));
    h.typed("para");
    let s = h.screen();
    assert!(
        s.contains("1 item") && s.contains("Paracetamol") && !s.contains("Amoxicillin"),
        "{s}"
    );
}

#[test]
fn an_item_shows_its_batches_and_ledger() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("AMX-OLD") && s.contains("EXPIRED"), "{s}");
    assert!(s.contains("AMX-SOON") && s.contains("30 days"), "{s}");
    assert!(s.contains("Ledger (3 movements"), "{s}");
    assert!(s.contains("receive"), "{s}");
    snapshot!("stock_item", s);
}

#[test]
fn dispensing_shows_the_fefo_choice_then_records_it_for_the_patient() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Char('d'));
    let s = h.screen();
    assert!(s.contains("Usable stock: 120 capsules;"), "{s}");
    h.typed("130");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Only 120 capsule usable in stock"), "{s}");
    h.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.typed("25");
    h.ctrl('p');
    h.typed("okafor");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("Patient: TST-000001-") && s.contains("Amina Okafor"),
        "{s}"
    );
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Dispense 25 capsules of Amoxicillin 500 mg capsule"),
        "{s}"
    );
    assert!(
        s.contains("AMX-SOON") && s.contains("AMX-LATE") && !s.contains("AMX-OLD"),
        "{s}"
    );
    snapshot!("dispense_confirmation", s);
    // A `y` in a burst with the plan (a paste sent as keys) does not dispense.
    h.app.handle_key(
        ratatui::crossterm::event::KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
        h.now + Duration::milliseconds(5),
    );
    assert!(h.screen().contains("AMX-SOON"), "still the plan");
    assert!(!h.actions().iter().any(|a| a == "DISPENSE"));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Dispensed 25 capsules of Amoxicillin 500 mg capsule to TST-000001-"),
        "{s}"
    );
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert_eq!(last.action, "DISPENSE");
    assert!(last.patient_id.is_some());
    assert!(
        last.summary.contains("(20 from AMX-SOON, 5 from AMX-LATE)"),
        "{}",
        last.summary
    );
}

#[test]
fn receiving_checks_each_field_then_adds_the_batch() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('r'));
    h.typed("ORS-9");
    h.press(KeyCode::Tab);
    h.typed("2026-01-01");
    h.press(KeyCode::Tab);
    h.typed("0");
    h.press(KeyCode::Tab);
    h.typed("1.234");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("expired or expires today")
            && s.contains("a whole number, 1 or more")
            && s.contains("an amount"),
        "{s}"
    );
    // The cursor went to the first field in error: the expiry. A day that
    // does not exist is named.
    h.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.typed("2027-02-30");
    h.ctrl('s');
    let s = h.screen();
    // (At 80 columns the end of the message beside the field is cut.)
    assert!(s.contains("2027-02-30: February has no 30"), "{s}");
    h.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.typed("2027-06-30");
    h.press(KeyCode::Tab);
    h.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.typed("200");
    h.press(KeyCode::Tab);
    h.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.typed("12.50");
    h.press(KeyCode::Tab);
    h.typed("20");
    h.ctrl('s');
    let s = h.screen();
    // The message wraps whole onto the status line's second line.
    assert!(
        s.contains("Received 200 sachets of Oral rehydration salts 20.5 g/l sachet into batch")
            && s.contains("ORS-9 (now 200)."),
        "{s}"
    );
    assert!(
        s.contains("Find") && s.contains("3 items"),
        "back on the list: {s}"
    );
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert_eq!(last.action, "RECEIVE");
}

#[test]
fn adjusting_needs_a_reason_and_a_count_posts_differences() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('a'));
    h.typed("dam");
    h.press(KeyCode::Tab);
    h.typed("3");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("must be negative") && s.contains("required: say why"),
        "{s}"
    );
    h.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.typed("-3");
    h.press(KeyCode::Tab);
    h.typed("crushed box");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Adjusted batch AMX-SOON by -3 (now 17)"), "{s}");
    // A blind count: each batch typed in turn, ↓ to the next.
    h.press(KeyCode::Char('c'));
    h.typed("12");
    h.press(KeyCode::Down);
    h.typed("15");
    h.press(KeyCode::Down);
    h.typed("100");
    let s = h.screen();
    assert!(s.contains("To post: AMX-SOON -2"), "{s}");
    h.ctrl('s');
    assert!(
        h.screen()
            .contains("Post the count of Amoxicillin 500 mg capsule")
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Count posted: 1 batch corrected."), "{s}");
    assert!(s.contains("count"), "{s}");
}

#[test]
fn a_stock_count_is_blind_and_refuses_a_batch_left_uncounted() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('c'));
    let line = |h: &mut Harness, batch: &str| {
        h.screen()
            .lines()
            .find(|l| l.contains(batch))
            .unwrap_or_default()
            .to_string()
    };
    // Nothing counted yet: no count filled in, no ledger quantity shown.
    let old = line(&mut h, "AMX-OLD");
    assert!(
        old.contains(" · [________]") && !old.contains("12"),
        "{old}"
    );
    assert!(!line(&mut h, "AMX-LATE").contains("100"));
    // Typing 4 gives 4, never appended to an expected quantity.
    h.typed("4");
    let old = line(&mut h, "AMX-OLD");
    assert!(old.contains("[4_______]") && !old.contains("12"), "{old}");
    // Moving on enters the count: the ledger and the difference show.
    h.press(KeyCode::Down);
    let old = line(&mut h, "AMX-OLD");
    assert!(old.contains("12") && old.contains("-8"), "{old}");
    let soon = line(&mut h, "AMX-SOON");
    assert!(
        soon.contains(" · [________]"),
        "the next is still blind: {soon}"
    );
    h.typed("20");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Batch AMX-LATE has no count yet: type what is on the shelf (0 if none)"),
        "an empty count is never taken as 0: {s}"
    );
    assert!(!s.contains("Please confirm"), "{s}");
    assert!(
        line(&mut h, "AMX-LATE").contains("[________]"),
        "the empty one is selected"
    );
    h.typed("0");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Post the count of") && s.contains("movements: AMX-OLD -8, AMX-LATE -100?"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Count posted: 2 batches corrected."), "{s}");
}

#[test]
fn a_nurse_dispenses_but_cannot_receive_and_a_receptionist_has_no_pharmacy() {
    let mut h = Harness::new(false);
    stock(&h);
    h.sign_in_to("nurse", KeyCode::F(5));
    h.press(KeyCode::Char('r'));
    let s = h.screen();
    assert!(
        s.contains("A nurse may not receive stock: ask a pharmacist or an administrator"),
        "{s}"
    );
    h.press(KeyCode::Char('d'));
    assert!(h.screen().contains("Dispense Amoxicillin"));
    h.ctrl('l');
    let mut h = Harness::new(false);
    h.sign_in_to("reception", KeyCode::F(5));
    let s = h.screen();
    assert!(s.contains("cannot open Pharmacy"), "{s}");
}

#[test]
fn deactivating_asks_first_and_quitting_a_typed_form_asks_too() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('o'));
    let s = h.screen();
    assert!(
        s.contains("Deactivate Oral rehydration salts 20.5 g/l sachet?"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("Oral rehydration salts 20.5 g/l sachet deactivated.")
            && s.contains("DEACTIVATED"),
        "{s}"
    );
    h.press(KeyCode::Esc);
    let s = h.screen();
    assert!(
        s.contains("2 items") && !s.contains("Oral rehydration"),
        "{s}"
    );
    h.press(KeyCode::Char('d'));
    h.typed("4");
    h.ctrl('q');
    let s = h.screen();
    assert!(s.contains("Quit and throw away the pharmacy form"), "{s}");
    h.press(KeyCode::Char('n'));
    h.press(KeyCode::Esc);
    assert!(
        h.screen()
            .contains("Throw away what you typed in this form?")
    );
    h.press(KeyCode::Char('y'));
    assert!(h.screen().contains("2 items"));
}

#[test]
fn a_new_item_then_returns_and_disposal_from_the_item_view() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Char('n'));
    h.typed("Metformin");
    h.press(KeyCode::Tab);
    h.typed("metformin hydrochloride");
    h.press(KeyCode::Tab);
    h.typed("500 mg");
    h.press(KeyCode::Tab);
    h.typed("tab");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.typed("Antidiabetic");
    h.press(KeyCode::Tab);
    h.typed("many");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("Unit") && s.contains("required: type it"), "{s}");
    assert!(s.contains("a whole number, 0 or more"), "{s}");
    h.typed("tablet");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.typed("300");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Added Metformin 500 mg tablet to the catalogue"),
        "{s}"
    );
    assert!(
        s.contains("4 items") && s.contains("Metformin 500 mg tablet"),
        "{s}"
    );

    // Amoxicillin: return two packs to its soonest usable batch, then
    // dispose of the expired one (its quantity and reason come filled in).
    h.press(KeyCode::Home);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('t'));
    assert!(
        h.screen()
            .contains("Batch AMX-OLD has expired: it takes no returns")
    );
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('t'));
    h.typed("2");
    h.press(KeyCode::Tab);
    h.typed("unopened, ward stock");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Returned 2 capsules to batch AMX-SOON (now 22)."),
        "{s}"
    );
    h.press(KeyCode::Char('x'));
    assert!(h.screen().contains("Batch AMX-SOON has not expired"));
    h.press(KeyCode::Up);
    h.press(KeyCode::Char('x'));
    let s = h.screen();
    assert!(
        s.contains("Dispose of Amoxicillin 500 mg capsule batch AMX-OLD"),
        "{s}"
    );
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("Disposed of 12 capsules of batch AMX-OLD (now 0)."),
        "{s}"
    );
    assert!(s.contains("dispose") && s.contains("return"), "{s}");
    assert!(!s.contains("Alerts: EXPIRED"), "{s}");
    let kinds: Vec<String> = audit::recent(h.app.db().conn(), 3)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(kinds[..2], ["ADJUST", "ADJUST"]);
}

#[test]
fn no_key_acts_behind_the_too_small_screen_but_quit_asks_and_lock() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Char('d'));
    h.typed("25");
    h.ctrl('p');
    h.typed("okafor");
    h.press(KeyCode::Enter);
    h.ctrl('s');
    assert!(h.screen().contains("Dispense 25 capsule"));

    h.terminal.backend_mut().resize(60, 20);
    let s = h.screen();
    assert!(
        s.contains("The window is 60×20.") && s.contains("make the window larger"),
        "{s}"
    );
    assert!(
        s.contains("quit (asks first)") && !s.contains("Dispense"),
        "{s}"
    );
    for c in ['y', 'n', 'd', 'q'] {
        h.press(KeyCode::Char(c));
    }
    h.press(KeyCode::Enter);
    h.press(KeyCode::Esc);
    h.press(KeyCode::F(2));
    assert!(!h.actions().contains(&"DISPENSE".to_string()));

    // Quitting asks first, on the small screen itself; no keeps working.
    h.ctrl('q');
    let s = h.screen();
    assert!(
        s.contains("Quit and throw away the pharmacy form") && s.contains("(y yes · n no)"),
        "{s}"
    );
    h.press(KeyCode::Char('n'));
    assert!(!h.app.should_quit());

    h.terminal.backend_mut().resize(80, 24);
    let s = h.screen();
    assert!(
        s.contains("Dispense 25 capsule"),
        "the question is still open: {s}"
    );
    h.press(KeyCode::Char('n'));
    assert!(!h.actions().contains(&"DISPENSE".to_string()));

    h.terminal.backend_mut().resize(60, 20);
    h.screen();
    h.ctrl('l');
    h.terminal.backend_mut().resize(80, 24);
    let s = h.screen();
    assert!(s.contains("Screen locked") || s.contains("locked"), "{s}");
    assert_eq!(h.actions()[0], "SESSION_LOCK");
}

/// Issue #22 (hands-on test B1): a million tablets received into a long
/// batch number, beside two products whose names differ only at the end.
fn wide_stock(h: &Harness) {
    let mut db = Db::open(h.app.db().path()).unwrap();
    let s = auth::sign_in(&mut db, "pharm", PASSWORD, t0()).unwrap();
    let amox = |strength: &str, form: &str, unit: &str| ItemDetails {
        generic_name: "amoxicillin + clavulanic acid".into(),
        ..item("Amoxicillin with clavulanic acid", strength, form, unit, 40)
    };
    let tab = ops::add_item(
        &mut db,
        &s,
        &amox("500 mg + 125 mg", "tablet", "tablet"),
        t0(),
    )
    .unwrap();
    ops::add_item(
        &mut db,
        &s,
        &amox("125 mg + 31.25 mg/5 ml", "suspension", "bottle"),
        t0(),
    )
    .unwrap();
    let ate = ops::add_item(
        &mut db,
        &s,
        &item("Atenolol", "50 mg", "tablet", "tablet", 500),
        t0(),
    )
    .unwrap();
    for (id, batch, qty) in [(&tab.id, "AMC-1", 1_500), (&ate.id, "ATN-1", 250)] {
        let receipt = Receipt {
            item_id: id.clone(),
            batch_no: batch.into(),
            expiry: day(400),
            quantity: qty,
            unit_cost: 10,
            price: 20,
            supplier: "KEMSA".into(),
            reference: String::new(),
        };
        // 1,500 tablets against a reorder level of 40 asks once: this
        // terminal was asked and said yes.
        ops::receive_confirmed(&mut db, &s, &receipt, t0()).unwrap();
    }
}

/// Receives 1,000,000 tablets of atenolol into batch BN2024-000123-KEMSA1
/// with the keys, as the pharmacist in the report did.
fn receive_a_million(h: &mut Harness) {
    wide_stock(h);
    h.sign_in_to("pharm", KeyCode::F(5));
    h.press(KeyCode::Char('/'));
    h.typed("atenolol");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('r'));
    h.typed("BN2024-000123-KEMSA1");
    h.press(KeyCode::Tab);
    h.typed("2028-01-01");
    h.press(KeyCode::Tab);
    h.typed("1000000");
    h.press(KeyCode::Tab);
    h.typed("0");
    h.press(KeyCode::Tab);
    h.typed("0");
    h.ctrl('s');
    // A million against a reorder level of 500 and no use yet asks once.
    let s = h.screen();
    assert!(
        s.contains("1,000,000 tablets is more than 12 times the item's reorder"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
}

#[test]
fn a_million_tablets_show_whole_in_the_stock_list_and_the_ledger() {
    for (w, hgt) in [(80, 24), (100, 30)] {
        let mut h = Harness::sized(w, hgt, false);
        receive_a_million(&mut h);
        let s = h.screen();
        assert!(s.contains("Received 1,000,000 tablet"), "{s}");
        assert!(s.contains("On hand 1,000,250 tablet"), "{s}");
        assert!(s.contains(" +1,000,000 "), "the ledger at {w}: {s}");
        let boxed = s.lines().filter(|l| {
            l.starts_with("\"│") && l.contains(" BN2024-000123-KEMSA1 ")
                || l.contains("│BN2024-000123-KEMSA1 ")
        });
        assert_eq!(
            boxed.count(),
            2,
            "the batch whole in the batches and the ledger at {w}: {s}"
        );
        assert!(s.contains(" 1,000,000 "), "the batch's stock at {w}: {s}");
        if w == 80 {
            snapshot!("million_tablets_item", s);
        }
        h.press(KeyCode::Esc);
        let s = h.screen();
        let line = s.lines().find(|l| l.contains("Atenolol 50 mg tablet"));
        assert!(
            line.is_some_and(|l| l.contains(" 1,000,250 ")),
            "the stock list at {w}: {s}"
        );
    }
}

#[test]
fn two_products_told_apart_only_by_strength_and_form_stay_apart_at_80_columns() {
    let mut h = Harness::new(false);
    wide_stock(&h);
    h.sign_in_to("pharm", KeyCode::F(5));
    let s = h.screen();
    let amox: Vec<&str> = s.lines().filter(|l| l.contains("│Amoxicillin")).collect();
    assert_eq!(amox.len(), 2, "{s}");
    assert!(amox.iter().any(|l| l.contains("125 mg tablet")), "{s}");
    assert!(amox.iter().any(|l| l.contains("suspension")), "{s}");
    assert!(
        amox.iter().all(|l| l.contains('…')),
        "a cut name is marked: {s}"
    );
    assert!(
        s.contains("Item: Amoxicillin with clavulanic acid 125 mg + 31.25 mg/5 ml suspension"),
        "the selected row's name whole below the list: {s}"
    );
    snapshot!("told_apart_80", s);
}

#[test]
fn the_adjust_form_and_the_correction_group_a_million_the_same_way() {
    let mut h = Harness::new(false);
    receive_a_million(&mut h);
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('a'));
    let s = h.screen();
    assert!(
        s.contains("Batch BN2024-000123-KEMSA1 holds 1,000,000."),
        "{s}"
    );
    h.typed("cou");
    h.press(KeyCode::Tab);
    h.typed("-1000000");
    h.press(KeyCode::Tab);
    h.typed("extra zeros");
    h.ctrl('s');
    let s = h.screen();
    assert!(s.contains("1,000,000 tablets is more than 12 times"), "{s}");
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains(" -1,000,000 "),
        "the correction in the ledger: {s}"
    );
    assert!(s.contains("On hand 250 tablet"), "{s}");
}

#[test]
fn a_dispense_made_in_error_is_reversed_from_the_items_ledger() {
    let mut h = Harness::new(false);
    open_pharmacy(&mut h);
    h.press(KeyCode::Char('d'));
    h.typed("25");
    h.ctrl('p');
    h.typed("okafor");
    h.press(KeyCode::Enter);
    h.ctrl('s');
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Dispensed 25 capsules"), "{s}");
    if !s.contains("Ledger (") {
        h.press(KeyCode::Enter);
    }
    let s = h.screen();
    // The ledger numbers its rows: the dispense wrote the newest two.
    let rows: Vec<i64> = h
        .app
        .db()
        .conn()
        .prepare("SELECT seq FROM stock_movements WHERE kind = 'dispense' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        s.contains("No.") && s.contains(&format!("│{:>3} ", rows[1])),
        "{s}"
    );
    h.press(KeyCode::Char('v'));
    let s = h.screen();
    assert!(s.contains("Reverse which dispense of Amoxicillin"), "{s}");
    h.typed("1");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(s.contains("No. 1 is not a dispense of this item"), "{s}");
    h.press(KeyCode::Char('v'));
    h.typed(&rows[1].to_string());
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains(&format!("Why is dispense {} reversed?", rows[1])),
        "{s}"
    );
    h.typed("given to the wrong patient");
    h.press(KeyCode::Enter);
    let s = h.screen();
    assert!(
        s.contains("dispensed to TST-000001-")
            && s.contains("20 capsules to")
            && s.contains("batch AMX-SOON, 5 capsules to batch AMX-LATE"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("25 capsules of Amoxicillin 500 mg capsule back in stock"),
        "{s}"
    );
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert_eq!(last.action, "REVERSE_DISPENSE");
    assert!(
        last.summary
            .contains("(20 to AMX-SOON, 5 to AMX-LATE): given to the wrong patient"),
        "{}",
        last.summary
    );
    // A second time is refused in words.
    h.press(KeyCode::Char('v'));
    h.typed(&rows[0].to_string());
    h.press(KeyCode::Enter);
    h.typed("again");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("reversed already"), "{s}");
}

/// Issue #23 (hands-on test 2): 210 ampoules of oxytocin dispensed to one
/// patient and an expiry in 2099 were taken without a question. Each now
/// asks once, and the answer is in the audit event.
#[test]
fn an_implausible_dispense_or_expiry_asks_once() {
    let mut h = Harness::new(false);
    stock(&h);
    {
        let mut db = Db::open(h.app.db().path()).unwrap();
        let s = auth::sign_in(&mut db, "pharm", PASSWORD, t0()).unwrap();
        let oxy = ops::add_item(
            &mut db,
            &s,
            &ItemDetails {
                max_dispense: Some(10),
                ..item("Oxytocin", "10 IU/ml", "injection", "ampoule", 100)
            },
            t0(),
        )
        .unwrap();
        let r = Receipt {
            item_id: oxy.id,
            batch_no: "OXY-1".into(),
            expiry: day(300),
            quantity: 300,
            unit_cost: 50,
            price: 80,
            supplier: "KEMSA".into(),
            reference: String::new(),
        };
        ops::receive(&mut db, &s, &r, t0()).unwrap();
    }
    h.sign_in_to("pharm", KeyCode::F(5));
    h.press(KeyCode::Char('/'));
    h.typed("oxytocin");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('d'));
    h.typed("210");
    h.ctrl('p');
    h.typed("okafor");
    h.press(KeyCode::Enter);
    h.ctrl('s');
    assert!(h.screen().contains("Dispense 210 ampoules of Oxytocin"));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(
        s.contains("210 ampoules is more than the usual largest dispense"),
        "{s}"
    );
    // No: nothing is dispensed, the choice stays on screen.
    h.press(KeyCode::Char('n'));
    let s = h.screen();
    assert!(s.contains("Dispense 210 ampoules of Oxytocin"), "{s}");
    assert_ne!(h.actions().last().map(String::as_str), Some("DISPENSE"));
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Dispensed 210 ampoules of Oxytocin"), "{s}");
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert_eq!(last.action, "DISPENSE");
    assert!(
        last.summary
            .contains("asked: 210 ampoules is more than the usual largest dispense of 10 ampoules; answered yes"),
        "{}",
        last.summary
    );

    // A delivery with its expiry typed as 2099.
    h.press(KeyCode::Char('r'));
    h.typed("OXY-2");
    h.press(KeyCode::Tab);
    h.typed("2099-01-01");
    h.press(KeyCode::Tab);
    h.typed("50");
    h.press(KeyCode::Tab);
    h.typed("0.50");
    h.press(KeyCode::Tab);
    h.typed("0.80");
    h.ctrl('s');
    let s = h.screen();
    assert!(
        s.contains("The expiry date 2099-01-01 is more than 6"),
        "{s}"
    );
    h.press(KeyCode::Char('y'));
    let s = h.screen();
    assert!(s.contains("Received 50 ampoules of Oxytocin"), "{s}");
    let last = &audit::recent(h.app.db().conn(), 1).unwrap()[0];
    assert_eq!(last.action, "RECEIVE");
    assert!(last.summary.contains("answered yes"), "{}", last.summary);
}
