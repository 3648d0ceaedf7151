//! The command line: `wardline [COMMAND]`; no command opens the terminal screen.

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
