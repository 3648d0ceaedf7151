//! The record's sections as HTML, from the read model's plain data.

use crate::domain::clock::Tz;
use crate::ops::portal::{
    AccessPage, AdmissionLine, AppointmentLine, Bills, Demographics, LabReport, Medicines,
};
use chrono::DateTime;
use maud::{Markup, html};

fn when(t: &DateTime<Tz>) -> String {
    t.format("%d %b %Y %H:%M").to_string()
}

fn when_opt(t: &Option<DateTime<Tz>>) -> String {
    t.as_ref().map(when).unwrap_or_else(|| "—".into())
}

/// The patient's details and contacts.
pub fn demographics(d: &Demographics) -> Markup {
    html! {
        table id="details" {
            tr { th { "Name" } td { (d.full_name) } }
            tr { th { "Hospital number" } td id="mrn" { (d.mrn) } }
            tr { th { "Born" } td {
                (d.birth_date.format("%d %b %Y"))
                @if d.birth_date_estimated { " (estimated)" }
            } }
            tr { th { "Sex" } td { (d.sex) } }
            tr { th { "Phone" } td { (d.phone) } }
            tr { th { "Email" } td { (d.email) } }
            tr { th { "Address" } td { @for l in &d.address { (l) br; } } }
            tr { th { "National ID" } td { (d.national_id) } }
            @if let Some(e) = &d.emergency {
                tr { th { "Emergency contact" } td { (e.name) " (" (e.relation) ") " (e.phone) } }
            }
            @if let Some((insurer, policy, until)) = &d.insurance {
                tr { th { "Insurance" } td {
                    (insurer) " " (policy)
                    @if let Some(u) = until { ", valid until " (u.format("%d %b %Y")) }
                } }
            }
            tr { th { "Identity verified" } td { (when_opt(&d.verified_at)) } }
        }
    }
}

fn appointment_rows(rows: &[AppointmentLine]) -> Markup {
    html! {
        table {
            tr { th { "Day" } th { "Time" } th { "With" } th { "For" } th { "Status" } }
            @for a in rows {
                tr {
                    td { (a.day.format("%a %d %b %Y")) }
                    td { (a.starts.format("%H:%M")) "–" (a.ends.format("%H:%M")) }
                    td { (a.clinician) }
                    td { (a.kind) @if a.walk_in { " (walk-in)" } }
                    td { (a.status) }
                }
            }
        }
    }
}

/// Upcoming and past appointments.
pub fn appointments(upcoming: &[AppointmentLine], past: &[AppointmentLine]) -> Markup {
    html! {
        h2 { "Upcoming" }
        @if upcoming.is_empty() { p { "No upcoming appointments." } } @else { (appointment_rows(upcoming)) }
        h2 { "Past" }
        @if past.is_empty() { p { "No past appointments." } } @else { (appointment_rows(past)) }
    }
}

/// Hospital stays with their beds.
pub fn admissions(stays: &[AdmissionLine]) -> Markup {
    html! {
        @if stays.is_empty() { p { "No hospital stays." } }
        @for a in stays {
            section {
                h2 { (a.ward) ", bed " (a.bed) }
                table {
                    tr { th { "Admitted" } td { (when(&a.admitted_at)) } }
                    tr { th { "Reason" } td { (a.reason) } }
                    tr { th { "Doctor" } td { (a.attending) } }
                    tr { th { "Discharged" } td { (when_opt(&a.discharged_at)) } }
                    tr { th { "Outcome" } td { (a.disposition.unwrap_or("still in hospital")) } }
                }
                @if a.beds.len() > 1 {
                    table {
                        tr { th { "Ward" } th { "Bed" } th { "From" } th { "Until" } }
                        @for b in &a.beds {
                            tr { td { (b.ward) } td { (b.bed) } td { (when(&b.from)) } td { (when_opt(&b.until)) } }
                        }
                    }
                }
            }
        }
    }
}

/// Current and past medicines, and the pharmacy's dispenses.
pub fn medicines(m: &Medicines) -> Markup {
    let list = |rows: &[crate::ops::portal::MedicineLine]| {
        html! {
            table {
                tr { th { "Medicine" } th { "Prescribed" } th { "Status" } th { "Given" } }
                @for r in rows {
                    tr {
                        td { (r.medicine) @if !r.instructions.is_empty() { br; small { (r.instructions) } }
                             @if r.outside { br; small { "to buy outside the hospital" } } }
                        td { (when(&r.prescribed_at)) br; small { (r.prescriber) } }
                        td { (r.status) @if let Some((at, why)) = &r.ended { br; small { (when(at)) ": " (why) } } }
                        td { (r.dispensed) " of " (r.quantity) " " (r.unit) }
                    }
                }
            }
        }
    };
    html! {
        h2 { "Current" }
        @if m.current.is_empty() { p { "No current medicines." } } @else { (list(&m.current)) }
        h2 { "Past" }
        @if m.past.is_empty() { p { "No past medicines." } } @else { (list(&m.past)) }
        h2 { "Given by the pharmacy" }
        @if m.dispensed.is_empty() { p { "Nothing dispensed." } } @else {
            table {
                tr { th { "When" } th { "Medicine" } th { "Quantity" } }
                @for d in &m.dispensed {
                    tr { td { (when_opt(&d.at)) } td { (d.item) } td { (d.quantity) " " (d.unit) @if d.quantity < 0 { " (returned)" } } }
                }
            }
        }
    }
}

/// Verified laboratory results with their ranges and flags.
pub fn lab_results(reports: &[LabReport]) -> Markup {
    html! {
        @if reports.is_empty() { p { "No verified results yet." } }
        @for r in reports {
            section {
                h2 { "Order " (r.accession) ", " (when(&r.ordered_at)) }
                table {
                    tr { th { "Test" } th { "Result" } th { "Range" } th { "Flag" } }
                    @for v in &r.values {
                        tr {
                            td { (v.analyte) br; small { (v.test) } }
                            td { (v.value) " " (v.unit.clone().unwrap_or_default())
                                 @if v.corrected { br; small { "corrected" } } }
                            td { (v.range()) }
                            td.flag { (v.flag) @if !v.flag.is_empty() { " (" (v.flag_words()) ")" } }
                        }
                    }
                }
            }
        }
    }
}

/// Bills, their lines, payments and receipts.
pub fn bills(b: &Bills) -> Markup {
    html! {
        p id="balance" { "Left to pay over all bills: " strong { (b.money(b.balance)) } }
        @if b.bills.is_empty() { p { "No bills." } }
        @for bill in &b.bills {
            section {
                h2 { "Bill " (bill.number) " (" (bill.of) "), " (when(&bill.opened_at)) }
                table {
                    tr { th { "Line" } th { "Quantity" } th { "Amount" } th { "Your share" } }
                    @for l in &bill.lines {
                        tr {
                            td { (l.description) @if let Some(why) = &l.reversal { br; small { "taken back: " (why) } } }
                            td { (l.quantity) }
                            td { (b.money(l.amount)) }
                            td { (b.money(l.patient_share)) }
                        }
                    }
                }
                @if !bill.payments.is_empty() {
                    table {
                        tr { th { "Receipt" } th { "When" } th { "How" } th { "Amount" } }
                        @for p in &bill.payments {
                            tr { td { (p.receipt) } td { (when(&p.taken_at)) } td { (p.method) } td { (b.money(p.amount)) } }
                        }
                    }
                }
                p { "Your share " (b.money(bill.totals.patient_share)) ", paid by you " (b.money(bill.totals.patient_share - bill.left.patient))
                    ", left to pay " (b.money(bill.left.patient))
                    @if bill.left.scheme > 0 { " (your scheme still owes " (b.money(bill.left.scheme)) ")" }
                    @if bill.closed_at.is_some() { " (closed)" } }
            }
        }
    }
}

/// One page of who opened the record.
pub fn who_opened(p: &AccessPage) -> Markup {
    html! {
        p { "Every time a member of staff opened your record, newest first. Your own views are not listed." }
        @if p.entries.is_empty() { p { "No member of staff has opened your record." } } @else {
            table id="access" {
                tr { th { "When" } th { "Who" } th { "Role" } th { "What" } }
                @for e in &p.entries {
                    tr { td { (when(&e.at)) } td { (e.staff_name) } td { (e.role) } td { (e.action) " " (e.what) } }
                }
            }
        }
        p {
            "Page " (p.page) " of " (p.pages) " (" (p.total) " in all) "
            @if p.page > 1 { a href={ "/record/access?page=" (p.page - 1) } { "Newer" } " " }
            @if p.page < p.pages { a href={ "/record/access?page=" (p.page + 1) } { "Older" } }
        }
    }
}
