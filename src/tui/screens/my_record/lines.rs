//! Each section of the patient's own record as lines of text, read through
//! the portal's read model (each reading is a READ event of the patient's
//! own account, and checks again that their access is still open).

use crate::auth::Session;
use crate::domain::clock::{Clock, Tz};
use crate::error::Result;
use crate::ops::portal::{self, AppointmentLine, MedicineLine, Section};
use crate::store::Db;
use chrono::DateTime;

fn when(t: &DateTime<Tz>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn heading(lines: &mut Vec<String>, text: &str) {
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(text.to_string());
}

fn none(lines: &mut Vec<String>, what: &str) {
    lines.push(format!("  {what}"));
}

/// What one section shows, and for "who opened my record" its page and
/// page count.
pub struct Read {
    pub lines: Vec<String>,
    pub pages: usize,
}

/// Reads `section` (page `page` of who opened the record, from 1).
pub fn read(
    db: &mut Db,
    by: &Session,
    clock: Clock,
    section: Section,
    page: usize,
) -> Result<Read> {
    let mut lines = Vec::new();
    let mut pages = 1;
    match section {
        Section::Demographics => details(&mut lines, portal::demographics(db, by, clock)?),
        Section::Appointments => {
            let a = portal::appointments(db, by, clock)?;
            heading(&mut lines, "Upcoming");
            appointment_lines(&mut lines, &a.upcoming, "No upcoming appointments.");
            heading(&mut lines, "Past");
            appointment_lines(&mut lines, &a.past, "No past appointments.");
        }
        Section::Admissions => {
            let stays = portal::admissions(db, by, clock)?;
            if stays.is_empty() {
                none(&mut lines, "You have not been admitted to this hospital.");
            }
            for s in stays {
                let until = s
                    .discharged_at
                    .as_ref()
                    .map_or("now (admitted)".to_string(), when);
                heading(&mut lines, &format!("{} to {until}", when(&s.admitted_at)));
                lines.push(format!(
                    "  {} ward, bed {}; doctor {}",
                    s.ward, s.bed, s.attending
                ));
                if !s.reason.is_empty() {
                    lines.push(format!("  Reason: {}", s.reason));
                }
                if let Some(d) = s.disposition {
                    lines.push(format!("  Discharged: {d}"));
                }
            }
        }
        Section::Medicines => {
            let m = portal::medicines(db, by, clock)?;
            heading(&mut lines, "Current medicines");
            medicine_lines(&mut lines, &m.current, "No current medicines.");
            heading(&mut lines, "Past medicines");
            medicine_lines(&mut lines, &m.past, "No past medicines.");
            heading(&mut lines, "Given by the pharmacy");
            if m.dispensed.is_empty() {
                none(&mut lines, "Nothing dispensed yet.");
            }
            for d in m.dispensed {
                let at = d.at.as_ref().map_or(String::new(), when);
                let what = if d.quantity < 0 { "returned" } else { "given" };
                lines.push(format!(
                    "  {at}  {} {} {} {what}",
                    d.item,
                    d.quantity.abs(),
                    d.unit
                ));
            }
        }
        Section::LabResults => {
            let reports = portal::lab_results(db, by, clock)?;
            if reports.is_empty() {
                none(&mut lines, "No verified results yet.");
            }
            for r in reports {
                heading(
                    &mut lines,
                    &format!("{} ordered {}", r.accession, when(&r.ordered_at)),
                );
                for v in r.values {
                    let unit = v.unit.clone().unwrap_or_default();
                    let range = v.range();
                    let range = if range.is_empty() {
                        String::new()
                    } else {
                        format!("  (normal {range} {unit})")
                    };
                    let flag = match v.flag_words() {
                        "" => String::new(),
                        words => format!("  {words}"),
                    };
                    let corrected = if v.corrected { "  corrected" } else { "" };
                    lines.push(format!(
                        "  {}: {} {} {unit}{flag}{range}{corrected}",
                        v.test, v.analyte, v.value
                    ));
                }
            }
        }
        Section::Bills => {
            let b = portal::bills(db, by, clock)?;
            if b.bills.is_empty() {
                none(&mut lines, "No bills.");
            }
            for bill in &b.bills {
                let closed = bill
                    .closed_at
                    .as_ref()
                    .map_or("open".to_string(), |t| format!("closed {}", when(t)));
                heading(
                    &mut lines,
                    &format!(
                        "Bill {} ({}), opened {}, {closed}",
                        bill.number,
                        bill.of,
                        when(&bill.opened_at)
                    ),
                );
                for l in &bill.lines {
                    let back = l
                        .reversal
                        .as_ref()
                        .map(|why| format!("  reversed: {why}"))
                        .unwrap_or_default();
                    lines.push(format!(
                        "  {}  {} x{}  {}  you pay {}{back}",
                        l.posted_at.format("%Y-%m-%d"),
                        l.description,
                        l.quantity,
                        b.money(l.amount),
                        b.money(l.patient_share)
                    ));
                }
                for p in &bill.payments {
                    lines.push(format!(
                        "  Receipt {}  {}  {}  {}",
                        p.receipt,
                        when(&p.taken_at),
                        p.method,
                        b.money(p.amount)
                    ));
                }
                lines.push(format!(
                    "  Your share {}, paid by you {}, to pay {}{}",
                    b.money(bill.totals.patient_share),
                    b.money(bill.totals.patient_share - bill.left.patient),
                    b.money(bill.left.patient),
                    if bill.left.scheme > 0 {
                        format!(" (your scheme still owes {})", b.money(bill.left.scheme))
                    } else {
                        String::new()
                    }
                ));
            }
            heading(
                &mut lines,
                &format!("Balance to pay: {}", b.money(b.balance)),
            );
        }
        Section::WhoOpened => {
            let p = portal::who_opened(db, by, clock, page)?;
            pages = p.pages;
            lines.push(format!(
                "{} time{} staff opened your record (page {} of {}, newest first)",
                p.total,
                if p.total == 1 { "" } else { "s" },
                p.page,
                p.pages
            ));
            lines.push(String::new());
            if p.entries.is_empty() {
                none(&mut lines, "No member of staff has opened your record.");
            }
            for e in p.entries {
                lines.push(format!(
                    "  {}  {} ({}) {} {}",
                    when(&e.at),
                    e.staff_name,
                    e.role,
                    e.action,
                    e.what
                ));
            }
        }
    }
    Ok(Read { lines, pages })
}

fn details(lines: &mut Vec<String>, d: portal::Demographics) {
    let row = |lines: &mut Vec<String>, label: &str, value: &str| {
        if !value.is_empty() {
            lines.push(format!("  {label:<16}{value}"));
        }
    };
    heading(lines, "You");
    row(lines, "Name", &d.full_name);
    row(lines, "Record number", &d.mrn);
    let born = format!(
        "{}{}",
        d.birth_date.format("%Y-%m-%d"),
        if d.birth_date_estimated {
            " (estimated)"
        } else {
            ""
        }
    );
    row(lines, "Born", &born);
    row(lines, "Sex", d.sex);
    row(lines, "National ID", &d.national_id);
    heading(lines, "Contacts");
    row(lines, "Phone", &d.phone);
    row(lines, "Email", &d.email);
    for (i, a) in d.address.iter().enumerate() {
        row(lines, if i == 0 { "Address" } else { "" }, a);
    }
    if let Some(e) = &d.emergency {
        let who = if e.relation.is_empty() {
            e.name.clone()
        } else {
            format!("{} ({})", e.name, e.relation)
        };
        row(lines, "Emergency", &format!("{who} {}", e.phone));
    }
    if let Some((provider, policy, until)) = &d.insurance {
        let until = until
            .map(|u| format!(", valid until {}", u.format("%Y-%m-%d")))
            .unwrap_or_default();
        row(lines, "Insurance", &format!("{provider} {policy}{until}"));
    }
    if let Some(v) = &d.verified_at {
        row(lines, "Identity", &format!("verified {}", when(v)));
    }
    lines.push(String::new());
    lines.push("  To correct any of these, ask the hospital's front desk.".into());
}

fn appointment_lines(lines: &mut Vec<String>, list: &[AppointmentLine], empty: &str) {
    if list.is_empty() {
        none(lines, empty);
    }
    for a in list {
        lines.push(format!(
            "  {} {}-{}  {} with {}  {}{}",
            a.day.format("%Y-%m-%d"),
            a.starts.format("%H:%M"),
            a.ends.format("%H:%M"),
            a.kind,
            a.clinician,
            a.status,
            if a.walk_in { " (walk-in)" } else { "" }
        ));
    }
}

fn medicine_lines(lines: &mut Vec<String>, list: &[MedicineLine], empty: &str) {
    if list.is_empty() {
        none(lines, empty);
    }
    for m in list {
        let outside = if m.outside { " (from outside)" } else { "" };
        lines.push(format!("  {}{outside}: {}", m.medicine, m.instructions));
        let ended = m
            .ended
            .as_ref()
            .map(|(at, why)| format!("; ended {} ({why})", at.format("%Y-%m-%d")))
            .unwrap_or_default();
        lines.push(format!(
            "    by {} from {}, {}; {} of {} {} given{ended}",
            m.prescriber,
            m.starts_at.format("%Y-%m-%d"),
            m.status,
            m.dispensed,
            m.quantity,
            m.unit
        ));
    }
}
