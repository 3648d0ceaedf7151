//! The command line: `wardline [COMMAND]`; no command opens the terminal screen.
//! The top of the tree is here (global options, the commands, and the
//! `import`, `export` and `report` commands whose subcommands belong to
//! different groups); each group's arguments are in its module of
//! `commands`, beside the code that runs them.

use crate::commands::appointments::{self, AppointmentsCommand};
use crate::commands::audit::AuditCommand;
use crate::commands::backup::{BackupArgs, RestoreArgs};
use crate::commands::beds::{self, BedsCommand, WardsCommand};
use crate::commands::codes;
use crate::commands::hospital::InitArgs;
use crate::commands::label::LabelArgs;
use crate::commands::settings::SettingsCommand;
use crate::commands::tariff::{PatientsCommand, SchemesCommand, TariffCommand};
use crate::commands::users::UsersCommand;
use crate::commands::{billing_reports, lab, lab_reports, receipt};
use crate::commands::{patients, pharmacy, record};
use clap::{Args, Parser, Subcommand};
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
    /// The patient portal on the web (patients read their own record).
    #[command(subcommand)]
    Portal(crate::commands::portal::PortalCommand),
    /// The district's central store (PostgreSQL): set it up, push this
    /// hospital's records to it, and see each hospital's push.
    #[command(subcommand)]
    Central(crate::commands::central::CentralCommand),
    /// Serve the terminal screen to staff's SSH clients: `serve --ssh`.
    Serve(crate::commands::serve::ServeArgs),
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
    /// One terminal of `bench --terminals` (started by it).
    #[command(hide = true)]
    BenchTerminal(BenchTerminalArgs),
    /// The audit trail's search at N synthetic events (a bench of its own,
    /// on a file it builds; see README, Performance).
    #[command(hide = true)]
    BenchAuditTrail(crate::bench::audit_trail::AuditTrailBenchArgs),
    /// The central store at the bench hospital's size: first push, commit
    /// to central while a push watches, and `central find` (README,
    /// "The district's central store").
    #[command(hide = true)]
    BenchCentral(crate::bench::central::CentralBenchArgs),
    /// The medicine label of a dispensed prescription, as receipt-printer
    /// text or a PDF; `label specimen ACCESSION`, a lab specimen's label.
    Label(LabelArgs),
    /// A payment's or refund's receipt printed again, as receipt-printer
    /// text or a PDF (cashiers and administrators).
    Receipt(receipt::ReceiptArgs),
    /// The pharmacy's corrections: a dispense made in error reversed.
    #[command(subcommand)]
    Pharmacy(pharmacy::PharmacyCommand),
    /// The tariff: items, groups and prices over time (set by administrators).
    #[command(subcommand)]
    Tariff(TariffCommand),
    /// Payer schemes: insurance and waivers (set by administrators).
    #[command(subcommand)]
    Schemes(SchemesCommand),
    /// Patients: the payer scheme covering a patient, their portal access, and
    /// undoing a merge.
    #[command(subcommand)]
    Patients(PatientsCommand),
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
    /// Run only these groups of measures (comma-separated or repeated;
    /// default: all): searches (patient search, LIKE, MRN floor), codes
    /// (ICD-10 search), audit (verify), writes (register, import), frames
    /// (the screens), clinical (busiest record, worklist, vitals save),
    /// medicines (prescription queue, due-now round, prescribe, dispense),
    /// laboratory (lab worklist, results, result entry), billing (manual
    /// charge, payment, the day's takings, a month's claims), program
    /// (cold start, memory).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "GROUP")]
    pub only: Vec<BenchGroup>,
    /// Instead of the measures: how many terminals one server carries.
    /// For each N (comma-separated; given alone: 10,50,100,200), N desk,
    /// ward and pharmacy terminals, each its own process driving the real
    /// screen, work at once on a copy of the bench hospital; each key's
    /// response is reported by kind (see README.md, "Terminals at once").
    #[arg(
        long,
        value_delimiter = ',',
        num_args = 0..=1,
        default_missing_values = ["10", "50", "100", "200"],
        value_name = "N"
    )]
    pub terminals: Option<Vec<usize>>,
    /// How long the terminals of each N work, measured (after signing in).
    #[arg(long, default_value_t = 60, value_name = "S")]
    pub terminal_seconds: u64,
    /// Multiplies the terminals' typing and thinking pauses: 1 is human
    /// pace; less only tries the measure out quickly (0: no pauses).
    #[arg(long, default_value_t = 1.0, value_name = "F")]
    pub think_scale: f64,
}

/// One simulated terminal of `wardline bench --terminals`, started by it
/// as a process of its own (hidden: not for people).
#[derive(Debug, Args)]
pub struct BenchTerminalArgs {
    /// The copy of the bench hospital the terminals work on.
    #[arg(long)]
    pub file: PathBuf,
    /// desk, ward or pharmacy.
    #[arg(long)]
    pub role: String,
    /// The bench account it signs in as.
    #[arg(long)]
    pub user: String,
    /// Its number among the terminals (spreads their choices).
    #[arg(long)]
    pub index: usize,
    /// The seed of its pauses and of the patients it registers.
    #[arg(long)]
    pub seed: u64,
    /// The bench hospital's patients (whose names it searches for).
    #[arg(long)]
    pub patients: u64,
    /// When it signs in (milliseconds since 1970, UTC).
    #[arg(long)]
    pub sign_in_at: i64,
    /// When its measured work begins (milliseconds since 1970, UTC).
    #[arg(long)]
    pub start_at: i64,
    /// How long it works, in seconds.
    #[arg(long)]
    pub seconds: u64,
    /// See `bench --think-scale`.
    #[arg(long, default_value_t = 1.0)]
    pub think_scale: f64,
    /// Where it writes its samples (JSON lines).
    #[arg(long)]
    pub out: PathBuf,
}

/// A group of bench measures, for `wardline bench --only`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchGroup {
    Searches,
    Codes,
    Audit,
    Writes,
    Frames,
    Clinical,
    Medicines,
    Laboratory,
    Billing,
    Program,
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

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import patients from a CSV file whose header names the columns.
    /// Every row is checked; one invalid row refuses the whole file unless
    /// --skip-invalid is given. Possible duplicates are reported.
    Patients(patients::ImportArgs),
    /// Load pharmacy catalogue items from a CSV file whose header names the
    /// columns (name, generic_name, strength, form, unit, category,
    /// reorder_level). One invalid row refuses the whole file; items already
    /// in the catalogue are left as they are. `assets/formulary.csv` is a
    /// starting formulary of common essential medicines.
    Items(pharmacy::ImportArgs),
    /// Load the hospital's own diagnosis code list (for example WHO ICD-10)
    /// from a CSV or TSV file whose first line names the columns: code,
    /// description, and optionally billable (else a code is billable when
    /// no other code extends it). It replaces any list loaded before, and
    /// diagnosis searches use it instead of the shipped ICD-10-CM; one
    /// invalid row refuses the file. --shipped removes it again.
    Codes(codes::ImportArgs),
    /// Load the hospital's own laboratory catalogue from a CSV file shaped
    /// like the shipped assets/lab_tests.csv (one line per analyte: test,
    /// analyte, LOINC, unit, type, reference ranges, critical limits,
    /// price). Tests with a new code are added, those with a known code are
    /// replaced, and tests the file leaves out are kept. One bad line
    /// refuses the whole file, each bad line named with what to fix.
    Tests(lab::ImportArgs),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export one day's appointments (cancelled ones left out), by start
    /// time: the list for reminder calls.
    Appointments(appointments::ExportArgs),
    /// Export the patients in use (not deleted or merged), in MRN order.
    Patients(patients::ExportArgs),
    /// Export one patient's clinical record (as far as it is open to you)
    /// as a FHIR R4 Bundle: Patient, Encounters, vital-sign Observations,
    /// Conditions, AllergyIntolerances, the medicines, and the lab's
    /// ServiceRequests, Specimens, Observations and DiagnosticReports.
    Record(record::RecordExportArgs),
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The ward census of one day (midnight to midnight, local time): per
    /// ward, patients at each midnight, admissions, discharges, transfers in
    /// and out, beds and occupancy.
    Census(beds::CensusArgs),
    /// Pharmacy stock: on hand, value at cost and alerts per item.
    Stock(pharmacy::StockArgs),
    /// Pharmacy batches with stock that expire within N days (expired ones too).
    Expiry(pharmacy::ExpiryArgs),
    /// Laboratory turnaround of the orders made from --from to --to: per
    /// test and priority, the median and 90th percentile minutes from order
    /// to collection, collection to verification and order to verification
    /// of the verified orders; orders still open, rejected and cancelled
    /// counted apart.
    LabTurnaround(lab_reports::LabReportArgs),
    /// Laboratory workload from --from to --to: per day and test, the tests
    /// ordered and how many were collected, verified, rejected, cancelled.
    LabWorkload(lab_reports::LabReportArgs),
    /// The takings of one hospital day: payments, refunds and net by method
    /// and by cashier, with the totals (cashiers and administrators).
    Takings(billing_reports::TakingsArgs),
    /// Revenue by service group from --from to --to: the lines charged less
    /// their reversals, with the patients' and the schemes' shares.
    Revenue(lab_reports::LabReportArgs),
    /// A payer scheme's claims for a month: a line per bill with the
    /// patient, MRN, member number, the bill's lines and the scheme's share.
    Claims(billing_reports::ClaimsArgs),
    /// Outstanding balances: every patient who still owes on any bill, the
    /// largest first, with their bills and the oldest's age (cashiers and
    /// administrators; an audited read).
    Outstanding(billing_reports::OutstandingArgs),
}
