//! The systemd units of `deploy/` are what the README's deployment steps
//! install: each one's command line must be a command wardline takes, run
//! as the service user on the data directory the unit lets it write.

use clap::Parser;
use std::path::Path;
use wardline::cli::{Cli, Command};

/// The `Key=value` lines of a unit file's `key`.
fn values<'a>(unit: &'a str, key: &str) -> Vec<&'a str> {
    unit.lines()
        .filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
        .collect()
}

fn unit(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The unit's command, parsed as wardline parses its arguments.
fn command_of(unit: &str) -> Cli {
    let exec = values(unit, "ExecStart");
    assert_eq!(exec.len(), 1, "one ExecStart: {exec:?}");
    let mut words = exec[0].split_whitespace();
    assert_eq!(words.next(), Some("/usr/local/bin/wardline"));
    Cli::try_parse_from(std::iter::once("wardline").chain(words))
        .unwrap_or_else(|e| panic!("{}: {e}", exec[0]))
}

fn assert_runs_as_the_service_user_on_its_data(unit: &str, cli: &Cli) {
    assert_eq!(values(unit, "User"), ["wardline"]);
    assert_eq!(values(unit, "UMask"), ["0077"]);
    assert_eq!(
        cli.data_dir.as_deref(),
        Some(Path::new("/var/lib/wardline")),
        "the data directory the README's steps make"
    );
}

#[test]
fn the_ssh_service_serves_the_screen_as_the_service_user() {
    let unit = unit("wardline-ssh.service");
    let cli = command_of(&unit);
    assert_runs_as_the_service_user_on_its_data(&unit, &cli);
    let Some(Command::Serve(args)) = &cli.command else {
        panic!("not `serve`: {:?}", cli.command);
    };
    assert!(args.ssh);
    assert_eq!(args.listen.port(), 2222);
    // The one place the server may write is its data directory.
    assert_eq!(values(&unit, "ProtectSystem"), ["strict"]);
    assert_eq!(values(&unit, "ReadWritePaths"), ["/var/lib/wardline"]);
    assert_eq!(values(&unit, "KillSignal"), ["SIGTERM"]);
}

#[test]
fn the_nightly_backup_keeps_two_weeks_and_its_timer_starts_it() {
    let unit = unit("wardline-backup.service");
    let cli = command_of(&unit);
    assert_runs_as_the_service_user_on_its_data(&unit, &cli);
    assert!(
        matches!(cli.command, Some(Command::Backup(_))),
        "not `backup`: {:?}",
        cli.command
    );
    assert!(values(&unit, "ExecStart")[0].ends_with("backup --keep 14"));
    let timer = self::unit("wardline-backup.timer");
    assert_eq!(values(&timer, "OnCalendar"), ["*-*-* 02:15:00"]);
    assert_eq!(values(&timer, "Persistent"), ["true"]);
}
