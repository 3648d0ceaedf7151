//! The `wardline` binary: parses the command line and runs a command or the
//! terminal screen. Errors are printed as sentences, never as panics.

use anyhow::Result;
use clap::Parser;
use std::process::ExitCode;
use wardline::cli::{Cli, Command, ExportCommand, ImportCommand};
use wardline::commands::{
    self, Passwords, appointments, audit, backup, beds, codes, hospital, lab, label, patients,
    pharmacy, receipt, record, settings, tariff, users,
};

/// mimalloc instead of the system allocator: an import allocates each row's
/// strings on its reading thread and frees them on its writing one, and
/// glibc's allocator serialised the two threads on its arena lock (76,000
/// context switches in a 200,000-row import, 337 with mimalloc).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use wardline::paths::DataDir;
use wardline::{demo, tui};

fn main() -> ExitCode {
    let no_dumps = wardline::process_guard::no_core_dumps();
    let cli = Cli::parse();
    if !opens_the_screen(&cli) {
        wardline::process_guard::end_quietly_on_closed_output();
    }
    if let Err(e) = no_dumps {
        eprintln!("wardline: core dumps could not be turned off ({e}); carrying on");
    }
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!(
                "wardline: {}",
                wardline::domain::text::printable(&format!("{e:#}"))
            );
            ExitCode::FAILURE
        }
    }
}

/// Whether the command opens the terminal screen (which keeps a closed
/// output an error rather than an end).
fn opens_the_screen(cli: &Cli) -> bool {
    match &cli.command {
        None => true,
        Some(Command::Demo(args)) => !args.no_tui,
        Some(_) => false,
    }
}

fn run(cli: &Cli) -> Result<bool> {
    let data = DataDir::resolve(cli.data_dir.clone())?;
    wardline::logging::init(&data);
    let mut pw = Passwords::new(cli.password_stdin);
    match &cli.command {
        None => {
            let options = tui::Options::from_cli(cli, false);
            tui::run_choosing(&data, cli.hospital.as_deref(), options)?;
        }
        Some(Command::Init(args)) => hospital::init(&data, args, &mut pw)?,
        Some(Command::Hospitals) => hospital::hospitals(&data)?,
        Some(Command::Demo(args)) => {
            let path = demo::ensure(&data, args.reset)?;
            if args.no_tui {
                println!(
                    "Demo hospital {} ({}) at {}",
                    demo::CODE,
                    demo::NAME,
                    path.display()
                );
                println!(
                    "{} synthetic patients, {} of them registered twice under another spelling, to find and merge.",
                    wardline::domain::display::thousands(
                        (demo::PATIENTS + demo::NEAR_DUPLICATES) as u64
                    ),
                    demo::NEAR_DUPLICATES
                );
                println!("Accounts (password for all: {}):", demo::PASSWORD);
                for line in demo::accounts_text() {
                    println!("  {line}");
                }
            } else {
                let options = tui::Options::from_cli(cli, true);
                tui::run_file(&data, &path, options)?;
            }
        }
        Some(Command::Users(cmd)) => users::users(&data, cli, cmd, &mut pw)?,
        Some(Command::Settings(cmd)) => settings::settings(&data, cli, cmd, &mut pw)?,
        Some(Command::Audit(cmd)) => return audit::audit(&data, cli, cmd, &mut pw),
        Some(Command::Check) => return audit::check(&data, cli),
        Some(Command::Backup(args)) => return backup::backup(&data, cli, args),
        Some(Command::Restore(args)) => return backup::restore(&data, cli, args, &mut pw),
        Some(Command::Import(ImportCommand::Patients(args))) => {
            return patients::import_patients(&data, cli, args, &mut pw);
        }
        Some(Command::Import(ImportCommand::Items(args))) => {
            return pharmacy::import_items(&data, cli, args, &mut pw);
        }
        Some(Command::Import(ImportCommand::Codes(args))) => {
            return codes::import_codes(&data, cli, args, &mut pw);
        }
        Some(Command::Import(ImportCommand::Tests(args))) => {
            return lab::import_tests(&data, cli, args, &mut pw);
        }
        Some(Command::Export(ExportCommand::Patients(args))) => {
            patients::export_patients(&data, cli, args, &mut pw)?
        }
        Some(Command::Appointments(cmd)) => appointments::appointments(&data, cli, cmd, &mut pw)?,
        Some(Command::Export(ExportCommand::Record(args))) => {
            record::export_record(&data, cli, args, &mut pw)?
        }
        Some(Command::Export(ExportCommand::Appointments(args))) => {
            appointments::export_appointments(&data, cli, args, &mut pw)?
        }
        Some(Command::Wards(cmd)) => beds::wards(&data, cli, cmd, &mut pw)?,
        Some(Command::Portal(cmd)) => commands::portal::portal(&data, cli, cmd)?,
        Some(Command::Central(cmd)) => commands::central::central(&data, cli, cmd)?,
        Some(Command::Serve(args)) => commands::serve::serve(&data, cli, args)?,
        Some(Command::Beds(cmd)) => beds::beds(&data, cli, cmd, &mut pw)?,
        Some(Command::Report(cmd)) => commands::report(&data, cli, cmd, &mut pw)?,
        Some(Command::Bench(args)) => wardline::bench::run(&data, args)?,
        Some(Command::BenchTerminal(args)) => wardline::bench::terminals::terminal(args)?,
        Some(Command::BenchAuditTrail(args)) => wardline::bench::audit_trail::run(args)?,
        Some(Command::BenchCentral(args)) => wardline::bench::central::run(args)?,
        Some(Command::Label(args)) => label::label(&data, cli, args, &mut pw)?,
        Some(Command::Receipt(args)) => receipt::receipt(&data, cli, args, &mut pw)?,
        Some(Command::Pharmacy(cmd)) => pharmacy::pharmacy(&data, cli, cmd, &mut pw)?,
        Some(Command::Tariff(cmd)) => tariff::tariff(&data, cli, cmd, &mut pw)?,
        Some(Command::Schemes(cmd)) => tariff::schemes(&data, cli, cmd, &mut pw)?,
        Some(Command::Patients(cmd)) => tariff::patients(&data, cli, cmd, &mut pw)?,
    }
    Ok(true)
}
