//! `wardline portal serve`: the patient portal on the web (see
//! [`crate::portal`]).

use crate::cli::Cli;
use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::net::SocketAddr;

#[derive(Debug, Subcommand)]
pub enum PortalCommand {
    /// Serve the patient portal until Ctrl+C.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDRESS:PORT")]
    pub listen: SocketAddr,
    /// The portal is reached through a TLS reverse proxy (nginx, caddy):
    /// session cookies are marked Secure.
    #[arg(long)]
    pub behind_tls: bool,
    /// Sign a patient out after this many minutes without a request
    /// (default: the hospital's idle-lock setting).
    #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub idle_minutes: Option<u32>,
}

/// Runs a `portal` command.
pub fn portal(data: &DataDir, cli: &Cli, cmd: &PortalCommand) -> Result<()> {
    match cmd {
        PortalCommand::Serve(args) => {
            let (_, path) = data.choose_hospital(cli.hospital.as_deref())?;
            let db = Db::open(&path)
                .with_context(|| format!("could not open the hospital file {}", path.display()))?;
            let mut config = crate::portal::Config::new(args.listen, args.behind_tls);
            config.idle_minutes = args.idle_minutes;
            crate::portal::serve(db, data, config)
        }
    }
}
