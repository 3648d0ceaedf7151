//! `wardline appointments …` and `wardline export appointments`: appointment
//! types, clinicians' hours and days off, booking, the day's list, and that
//! list written out for reminder calls.

use super::{
    AsUser, Passwords, as_user, export_to_new_file, hospital_clock, open_hospital, refuse_existing,
};
use crate::auth::Session;
use crate::cli::Cli;
use crate::ops::appointments as appointment_ops;
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use std::io::BufWriter;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum AppointmentsCommand {
    /// List the appointment types and their default lengths.
    Types {
        #[command(flatten)]
        by: AsUser,
    },
    /// Add an appointment type (admin).
    AddType {
        #[arg(long)]
        name: String,
        /// The default length in minutes (5 to 480, in steps of 5).
        #[arg(long)]
        minutes: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Change an appointment type's name or length, retire it or bring it
    /// back (admin).
    EditType {
        /// The type's current name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        new_name: Option<String>,
        #[arg(long)]
        minutes: Option<String>,
        /// Stop offering it for new bookings.
        #[arg(long, conflicts_with = "offer")]
        retire: bool,
        /// Offer a retired type again.
        #[arg(long)]
        offer: bool,
        #[command(flatten)]
        by: AsUser,
    },
    /// Show a clinician's weekly hours and coming days off.
    Hours {
        /// The doctor's or nurse's user name.
        #[arg(long)]
        clinician: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Set a clinician's hours for one weekday (admin).
    SetHours {
        #[arg(long)]
        clinician: String,
        /// mon, tue, wed, thu, fri, sat or sun.
        #[arg(long)]
        day: String,
        /// Ranges like "08:00-12:00, 13:00-17:00"; "" for not working.
        #[arg(long, allow_hyphen_values = true)]
        ranges: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Record a clinician's day off, or take it back with --remove (admin).
    DayOff {
        #[arg(long)]
        clinician: String,
        #[arg(long, value_name = "DATE")]
        date: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long)]
        remove: bool,
        #[command(flatten)]
        by: AsUser,
    },
    /// Book an appointment.
    Book {
        /// The patient's MRN (with or without prefix and dashes).
        #[arg(long)]
        patient: String,
        /// The doctor's or nurse's user name.
        #[arg(long)]
        clinician: String,
        /// The appointment type (its length is the default).
        #[arg(long = "type", value_name = "TYPE")]
        kind: String,
        #[arg(long, value_name = "DATE")]
        date: String,
        /// The start, HH:MM; "next" for the clinician's next free slot that day or later.
        #[arg(long)]
        time: String,
        /// Another length than the type's, in minutes.
        #[arg(long)]
        minutes: Option<String>,
        #[arg(long, default_value = "")]
        notes: String,
        /// Book even outside the clinician's working hours.
        #[arg(long)]
        outside_hours: bool,
        /// Book even further ahead than the hospital's booking horizon.
        #[arg(long)]
        far_ahead: bool,
        /// An administrator entering a booking on a past day, with the reason.
        #[arg(long, value_name = "REASON")]
        back_entry: Option<String>,
        #[command(flatten)]
        by: AsUser,
    },
    /// List one day's appointments.
    List {
        /// The day (default today).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        #[command(flatten)]
        by: AsUser,
    },
}

/// What an appointments export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppointmentsFormat {
    /// date, start, end, mrn, patient, phone, clinician, type, status, notes.
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The day, as YYYY-MM-DD (or the hospital's date format).
    #[arg(long, value_name = "DATE")]
    pub date: String,
    /// What to write.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: AppointmentsFormat,
    /// Write to this new file (made readable by you only) instead of
    /// standard output; an existing file is never overwritten.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub by: AsUser,
}

/// Reads a day as typed on the command line: ISO or the hospital's format.
pub(super) fn parse_day(db: &Db, text: &str) -> Result<chrono::NaiveDate> {
    let settings = db.settings()?;
    crate::domain::patient::parse_date(text, settings.date_pattern())
        .with_context(|| format!("{text:?} is not a date: write it as YYYY-MM-DD, like 2026-03-14"))
}

fn clinician(
    db: &Db,
    by: &Session,
    user_name: &str,
) -> Result<crate::domain::appointment::Clinician> {
    crate::ops::appointments::clinician_named(db, by, user_name)?.with_context(|| {
        format!(
            "{user_name:?} is not an enabled doctor or nurse account: see `wardline users list`"
        )
    })
}

fn appointment_type(
    db: &Db,
    by: &Session,
    name: &str,
) -> Result<crate::domain::appointment::AppointmentType> {
    crate::ops::appointments::type_named(db, by, name)?.with_context(|| {
        format!("there is no appointment type {name:?}: see `wardline appointments types`")
    })
}

/// `wardline appointments …`: set-up, booking and the day's list.
pub fn appointments(
    data: &DataDir,
    cli: &Cli,
    cmd: &AppointmentsCommand,
    pw: &mut Passwords,
) -> Result<()> {
    use crate::domain::appointment::{self as rules, Span};
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    match cmd {
        AppointmentsCommand::Types { by } => as_user(&mut db, by, pw, |db, s, _| {
            s.require(
                crate::domain::role::Permission::ManageAppointments,
                "see appointment types",
            )?;
            for t in crate::ops::appointments::types(db, s, true)? {
                let retired = if t.retired { "  (retired)" } else { "" };
                say!("{:<20} {:>3} min{retired}", t.name, t.minutes);
            }
            Ok(())
        }),
        AppointmentsCommand::AddType { name, minutes, by } => {
            as_user(&mut db, by, pw, |db, s, _| {
                let t = appointment_ops::add_type(db, s, name, minutes)?;
                say!("Added appointment type {} ({} min).", t.name, t.minutes);
                Ok(())
            })
        }
        AppointmentsCommand::EditType {
            name,
            new_name,
            minutes,
            retire,
            offer,
            by,
        } => as_user(&mut db, by, pw, |db, s, _| {
            let t = appointment_type(db, s, name)?;
            let retired = if *retire {
                true
            } else if *offer {
                false
            } else {
                t.retired
            };
            let new_name = new_name.as_deref().unwrap_or(&t.name);
            let minutes = minutes.clone().unwrap_or_else(|| t.minutes.to_string());
            let t = appointment_ops::edit_type(db, s, &t, new_name, &minutes, retired)?;
            say!(
                "Appointment type {} is {} min{}.",
                t.name,
                t.minutes,
                if t.retired { ", retired" } else { "" }
            );
            Ok(())
        }),
        AppointmentsCommand::Hours { clinician: who, by } => {
            as_user(&mut db, by, pw, |db, s, _| {
                s.require(
                    crate::domain::role::Permission::ManageAppointments,
                    "see working hours",
                )?;
                let c = clinician(db, s, who)?;
                let h = crate::ops::appointments::hours(db, s, &c.id)?;
                say!("{} ({})", c.name(), c.role.label());
                for (day, spans) in rules::WEEKDAYS.iter().zip(&h.week) {
                    let text = if spans.is_empty() {
                        "not working".to_string()
                    } else {
                        rules::ranges_text(spans)
                    };
                    say!("  {day}  {text}");
                }
                let today = hospital_clock(db)?.today();
                let off: Vec<String> = h
                    .days_off
                    .iter()
                    .filter(|d| **d >= today)
                    .map(|d| d.to_string())
                    .collect();
                if !off.is_empty() {
                    say!("  days off: {}", off.join(", "));
                }
                Ok(())
            })
        }
        AppointmentsCommand::SetHours {
            clinician: who,
            day,
            ranges,
            by,
        } => as_user(&mut db, by, pw, |db, s, _| {
            let c = clinician(db, s, who)?;
            let wd = rules::parse_weekday(day).with_context(|| {
                format!("{day:?} is not a weekday: use mon, tue, wed, thu, fri, sat or sun")
            })?;
            let h = appointment_ops::set_hours(db, s, &c.id, wd, ranges)?;
            let spans = &h.week[wd];
            say!(
                "{} on {}: {}.",
                c.name(),
                rules::WEEKDAYS[wd],
                if spans.is_empty() {
                    "not working".to_string()
                } else {
                    rules::ranges_text(spans)
                }
            );
            Ok(())
        }),
        AppointmentsCommand::DayOff {
            clinician: who,
            date,
            reason,
            remove,
            by,
        } => as_user(&mut db, by, pw, |db, s, _| {
            let c = clinician(db, s, who)?;
            let day = parse_day(db, date)?;
            appointment_ops::set_day_off(db, s, &c.id, day, !remove, reason)?;
            if *remove {
                say!("{} works on {day} after all.", c.name());
            } else {
                say!("{} is off on {day}.", c.name());
            }
            Ok(())
        }),
        AppointmentsCommand::Book {
            patient,
            clinician: who,
            kind,
            date,
            time,
            minutes,
            notes,
            outside_hours,
            far_ahead,
            back_entry,
            by,
        } => as_user(&mut db, by, pw, |db, s, _| {
            let c = clinician(db, s, who)?;
            let t = appointment_type(db, s, kind)?;
            let day = parse_day(db, date)?;
            let p = crate::ops::patients::by_mrn(db, s, patient)?.with_context(|| {
                format!("no patient has the MRN {patient:?}: check it, or find the patient on the Patients screen")
            })?;
            let length = minutes.clone().unwrap_or_else(|| t.minutes.to_string());
            let length = rules::check_minutes(&length).map_err(anyhow::Error::msg)?;
            let span = if time.trim().eq_ignore_ascii_case("next") {
                let clock = hospital_clock(db)?;
                let from = if day <= clock.today() {
                    clock.local()
                } else {
                    day.and_time(chrono::NaiveTime::MIN)
                };
                let (d, span) = appointment_ops::next_free(db, &c.id, Some(&p.id), length, from, None)?
                    .with_context(|| {
                        format!(
                            "{} has no free {length} minutes in working hours in the next {} days: set their hours, or choose a time",
                            c.name(),
                            rules::SEARCH_DAYS
                        )
                    })?;
                (d, span)
            } else {
                let when = rules::check_when(day, time, &length.to_string())
                    .map_err(anyhow::Error::msg)?;
                (when.day, when.span)
            };
            let (day, span): (chrono::NaiveDate, Span) = span;
            let booking = appointment_ops::Booking {
                patient: p.id.clone(),
                clinician: c.id.clone(),
                type_id: t.id.clone(),
                day,
                span,
                notes: notes.clone(),
            };
            let allow = appointment_ops::Allow {
                outside_hours: *outside_hours,
                far_ahead: *far_ahead,
                back_entry: back_entry.clone(),
            };
            let b = appointment_ops::book(db, s, &booking, &allow, Utc::now())?;
            say!("Booked {}.", b.describe_long());
            Ok(())
        }),
        AppointmentsCommand::List { date, by } => as_user(&mut db, by, pw, |db, s, _| {
            let clock = hospital_clock(db)?;
            let day = match date {
                Some(d) => parse_day(db, d)?,
                None => clock.today(),
            };
            let list = appointment_ops::day(db, s, day, true)?;
            if list.is_empty() {
                say!("No appointments on {day}.");
            }
            for b in list {
                let late = rules::is_late(b.appt.status, b.appt.day, &b.appt.span, clock.local());
                say!(
                    "{}  {:<16} {:<24} {:<14} {:<14} {}",
                    b.appt.span,
                    b.clinician_name,
                    format!("{} {}", b.mrn, b.patient_name),
                    b.type_name,
                    if late { "late" } else { b.appt.status.label() },
                    b.appt.notes
                );
            }
            Ok(())
        }),
    }
}

/// `wardline export appointments`: a day's list as CSV, for reminder calls.
pub fn export_appointments(
    data: &DataDir,
    cli: &Cli,
    args: &ExportArgs,
    pw: &mut Passwords,
) -> Result<()> {
    let (date, format, out, by) = (
        args.date.as_str(),
        args.format,
        args.out.as_deref(),
        &args.by,
    );
    let AppointmentsFormat::Csv = format;
    let mut db = open_hospital(data, cli.hospital.as_deref())?;
    let day = parse_day(&db, date)?;
    if let Some(path) = out {
        refuse_existing(path)?;
    }
    let count = as_user(&mut db, by, pw, |db, s, _| match out {
        None => {
            let stdout = BufWriter::new(std::io::stdout().lock());
            Ok(appointment_ops::export_day(db, s, day, stdout)?)
        }
        Some(path) => {
            s.require(
                crate::domain::role::Permission::ManageAppointments,
                "export appointments",
            )?;
            export_to_new_file(path, |w| Ok(appointment_ops::export_day(db, s, day, w)?))
        }
    })?;
    let message = format!(
        "Exported {count} {} of {day}",
        if count == 1 {
            "appointment"
        } else {
            "appointments"
        }
    );
    match out {
        Some(path) => say!("{message} to {}.", path.display()),
        None => eprintln!("{message}."),
    }
    Ok(())
}
