//! `wardline serve --ssh`: the terminal screen served over SSH (see
//! [`crate::ssh`]).

use crate::cli::Cli;
use crate::paths::DataDir;
use anyhow::Result;
use clap::Args;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve the terminal screen over SSH (staff connect with any SSH
    /// client and sign in on the screen, or with a registered key).
    #[arg(long, required = true)]
    pub ssh: bool,
    /// The address and port to listen on.
    #[arg(long, default_value = "0.0.0.0:2222", value_name = "ADDRESS:PORT")]
    pub listen: SocketAddr,
    /// Close a connection after this many minutes without a key (the
    /// screen also locks itself sooner, after the hospital's idle_lock_minutes).
    #[arg(long, default_value_t = 30, value_name = "MINUTES", value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub idle_minutes: u32,
}

/// Runs `serve`.
pub fn serve(data: &DataDir, cli: &Cli, args: &ServeArgs) -> Result<()> {
    let (_, hospital) = data.choose_hospital(cli.hospital.as_deref())?;
    let config = crate::ssh::Config {
        listen: args.listen,
        idle: Duration::from_secs(u64::from(args.idle_minutes) * 60),
        options: crate::tui::Options::from_cli(cli, false),
    };
    crate::ssh::serve(data, hospital, config)
}
