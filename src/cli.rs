//! The command line: `wardline [COMMAND]`; no command opens the terminal screen.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "wardline", version, about = "The front desk, the wards and the pharmacy of a small hospital, in a terminal", long_about = None)]
pub struct Cli {
    /// Where hospital files, checkpoints and logs live.
    #[arg(long, global = true, env = "WARDLINE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The hospital to use (its code); needed when there are several.
    #[arg(long, global = true, value_name = "CODE")]
    pub hospital: Option<String>,

    /// Read passwords from standard input, one per line, in the order the
    /// command would ask for them (no confirmation lines).
    #[arg(long, global = true)]
    pub password_stdin: bool,

    /// Lock the screen after this many idle seconds instead of the hospital's
    /// setting (for trying the lock out, and for tests).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub idle_lock_seconds: Option<u64>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new hospital file with its first administrator.
    Init(InitArgs),
    /// List the hospitals in the data directory.
    Hospitals,
    /// Create (or reuse) the demo hospital and open it.
    Demo(DemoArgs),
    /// Staff accounts.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Hospital settings.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Check the hospital file: integrity, foreign keys and the audit trail.
    Check,
    /// Take a checked copy of the hospital while terminals keep working
    /// (no sign-in: fit for a nightly job), or check one with --verify.
    Backup(BackupArgs),
    /// Replace the hospital with a backup (asks an admin's password); the
    /// replaced file is kept beside it.
    Restore(RestoreArgs),
    /// Bring records in from another system.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write records out for another system.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Wards (set up by administrators).
    #[command(subcommand)]
    Wards(WardsCommand),
    /// Beds (set up by administrators).
    #[command(subcommand)]
    Beds(BedsCommand),
    /// Reports for the day's work.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Appointments: types, clinicians' hours and days off, booking, the day's list.
    #[command(subcommand)]
    Appointments(AppointmentsCommand),
    /// Measure searches, writes, screens, start-up and memory on a synthetic
    /// hospital (built once per size, then reused); never touches real ones.
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// How many synthetic patients the hospital has.
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub patients: u64,
    /// Where the synthetic hospitals are kept (default: <data dir>/bench).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Also write the figures to this file as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Samples of each per-operation measure.
    #[arg(long, default_value_t = 1000, value_name = "S")]
    pub samples: usize,
    /// Samples of each LIKE comparison query (a full scan each).
    #[arg(long, default_value_t = 20, value_name = "K")]
    pub like_samples: usize,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Write the copy to this new file instead of
    /// <data dir>/backups/<CODE>-<UTC time>.db.
    #[arg(long, value_name = "FILE", conflicts_with = "verify")]
    pub out: Option<PathBuf>,
    /// Then remove this hospital's oldest automatic backups beyond the N
    /// newest (never a copy made with --out, nor any other file).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "verify")]
    pub keep: Option<u32>,
    /// Only check this backup file, read-only, without making a backup.
    #[arg(long, value_name = "FILE")]
    pub verify: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore (it is not changed).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub by: AsUser,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 2 to 8 capital letters or digits; names the file and prefixes MRNs.
    #[arg(long)]
    pub code: String,
    /// The hospital's name, as shown on screen.
    #[arg(long)]
    pub name: String,
    /// User name of the first administrator.
    #[arg(long)]
    pub admin: String,
    /// The administrator's full name.
    #[arg(long, default_value = "")]
    pub admin_name: String,
    /// The hospital's time zone, an IANA name such as Africa/Nairobi; asked
    /// on a terminal, the machine's zone otherwise.
    #[arg(long)]
    pub time_zone: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Throw the demo hospital away and build it again.
    #[arg(long)]
    pub reset: bool,
    /// Only create the demo hospital and print its accounts.
    #[arg(long)]
    pub no_tui: bool,
}

/// Who runs a command that touches accounts or patient data.
#[derive(Debug, Args)]
pub struct AsUser {
    /// Your user name; you are asked for your password.
    #[arg(long = "as", id = "as_user", value_name = "USER")]
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account (asks the admin's password, then the new user's).
    Add {
        #[arg(long)]
        user: String,
        /// admin, receptionist, doctor, nurse, pharmacist or lab_tech.
        #[arg(long)]
        role: String,
        /// The person's full name.
        #[arg(long, default_value = "")]
        full_name: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// List the accounts and their state.
    List {
        #[command(flatten)]
        by: AsUser,
    },
    /// Lift a lockout after failed sign-ins.
    Unlock {
        #[arg(long)]
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Set a temporary password that must be changed at next sign-in
    /// (asks the admin's password, then the temporary one).
    ResetPassword {
        #[arg(long)]
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Stop an account from signing in.
    Disable {
        #[arg(long)]
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Let a disabled account sign in again.
    Enable {
        #[arg(long)]
        user: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Change your own password (asks the current one, then the new one).
    Passwd {
        #[command(flatten)]
        by: AsUser,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show every setting with its value.
    List {
        #[command(flatten)]
        by: AsUser,
    },
    /// Change one setting.
    Set {
        key: String,
        value: String,
        #[command(flatten)]
        by: AsUser,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain and the checkpoints; print the count and head.
    Verify,
    /// Record the event count and head hash outside the hospital file.
    Checkpoint,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import patients from a CSV file whose header names the columns.
    /// Every row is checked; one invalid row refuses the whole file unless
    /// --skip-invalid is given. Possible duplicates are reported.
    Patients {
        /// The CSV file (UTF-8, with or without a BOM).
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
        /// Import the valid rows and report the invalid ones.
        #[arg(long)]
        skip_invalid: bool,
        #[command(flatten)]
        by: AsUser,
    },
    /// Load pharmacy catalogue items from a CSV file whose header names the
    /// columns (name, generic_name, strength, form, unit, category,
    /// reorder_level). One invalid row refuses the whole file; items already
    /// in the catalogue are left as they are. `assets/formulary.csv` is a
    /// starting formulary of common essential medicines.
    Items {
        /// The CSV file (UTF-8, with or without a BOM).
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
        #[command(flatten)]
        by: AsUser,
    },
}

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The import's columns, mrn first: it imports again.
    Csv,
    /// A FHIR R4 Bundle (type collection) of Patient resources.
    Fhir,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export one day's appointments (cancelled ones left out), by start
    /// time: the list for reminder calls.
    Appointments {
        /// The day, as YYYY-MM-DD (or the hospital's date format).
        #[arg(long, value_name = "DATE")]
        date: String,
        /// What to write.
        #[arg(long, value_enum, default_value = "csv")]
        format: AppointmentsFormat,
        /// Write to this new file (made readable by you only) instead of
        /// standard output; an existing file is never overwritten.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        by: AsUser,
    },
    /// Export the patients in use (not deleted or merged), in MRN order.
    Patients {
        /// What to write.
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Write to this new file (made readable by you only) instead of
        /// standard output; an existing file is never overwritten.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        by: AsUser,
    },
}

#[derive(Debug, Subcommand)]
pub enum WardsCommand {
    /// List the wards in use with their beds and occupancy.
    List {
        #[command(flatten)]
        by: AsUser,
    },
    /// Add a ward.
    Add {
        /// The ward's name, e.g. "Medical ward".
        #[arg(long)]
        name: String,
        /// general, medical, surgical, maternity, paediatric, icu, isolation or other.
        #[arg(long, default_value = "general")]
        kind: String,
        /// F or M for a ward that takes only women or only men; any by default.
        #[arg(long, default_value = "any")]
        sex: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Rename a ward.
    Rename {
        /// The ward's current name.
        #[arg(long)]
        ward: String,
        /// Its new name.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Retire a ward and its beds (refused while a bed holds a patient or a
    /// reservation); its history is kept.
    Retire {
        #[arg(long)]
        ward: String,
        #[command(flatten)]
        by: AsUser,
    },
}

#[derive(Debug, Subcommand)]
pub enum BedsCommand {
    /// List the beds in use and their status.
    List {
        /// Only this ward's beds.
        #[arg(long)]
        ward: Option<String>,
        #[command(flatten)]
        by: AsUser,
    },
    /// Add a bed to a ward; it starts available.
    Add {
        /// The ward's name.
        #[arg(long)]
        ward: String,
        /// The bed's label, unique in the hospital, e.g. MED-01.
        #[arg(long)]
        label: String,
        /// standard, icu, cot, bassinet, isolation or bariatric.
        #[arg(long, default_value = "standard")]
        kind: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Relabel a bed.
    Rename {
        /// The bed's current label.
        #[arg(long)]
        bed: String,
        /// Its new label.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        by: AsUser,
    },
    /// Retire a bed (refused while a patient is in it or it is reserved);
    /// its history is kept.
    Retire {
        #[arg(long)]
        bed: String,
        #[command(flatten)]
        by: AsUser,
    },
}

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// An aligned table for people.
    Text,
    /// Comma-separated values with a header, for spreadsheets.
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The ward census of one day (midnight to midnight, local time): per
    /// ward, patients at each midnight, admissions, discharges, transfers in
    /// and out, beds and occupancy.
    Census {
        /// The day, YYYY-MM-DD; today when left out.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        #[command(flatten)]
        by: AsUser,
    },
    /// Pharmacy stock: on hand, value at cost and alerts per item.
    Stock {
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        #[command(flatten)]
        by: AsUser,
    },
    /// Pharmacy batches with stock that expire within N days (expired ones too).
    Expiry {
        /// How many days ahead to look.
        #[arg(long, default_value_t = 90, value_name = "N")]
        days: u32,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
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
