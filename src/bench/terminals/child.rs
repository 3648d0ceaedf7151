//! A terminal's own process (`wardline bench-terminal`, started by
//! `wardline bench --terminals`): opens the copy, waits for its turn to
//! sign in, signs in, waits for the measured period, works through its
//! script, signs out and writes its samples as JSON lines.

use super::driver::Driver;
use super::kinds::Sample;
use super::scripts::{Names, Role, Script};
use super::tally::Troubles;
use crate::cli::BenchTerminalArgs;
use crate::demo::synthetic::Generator;
use crate::store::Db;
use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;

/// The last line a terminal writes: how its work went.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ending {
    /// Steps whose screen did not say what it should.
    pub troubles: Troubles,
    /// Whether it signed in only after the measured period had begun.
    pub late: bool,
}

/// A line of a terminal's output: a sample, or its ending.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Line {
    Sample(Sample),
    Ending(Ending),
}

fn instant(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| anyhow!("{ms} is not a time"))
}

/// Runs one terminal.
pub fn terminal(args: &BenchTerminalArgs) -> Result<()> {
    let role = Role::parse(&args.role)
        .ok_or_else(|| anyhow!("{:?} is not a bench terminal's role", args.role))?;
    let sign_in_at = instant(args.sign_in_at)?;
    let start = instant(args.start_at)?;
    let names = Names::of_bench(args.patients);
    let db =
        Db::open(&args.file).with_context(|| format!("could not open {}", args.file.display()))?;
    let mut d = Driver::new(db, args.seed, args.think_scale, start, args.seconds)?;
    if let Ok(wait) = (sign_in_at - Utc::now()).to_std() {
        std::thread::sleep(wait);
    }
    d.sign_in(&args.user, super::super::PASSWORD)?;
    let late = Utc::now() > start;
    d.wait_for_start()?;
    let mut script = Script {
        role,
        index: args.index,
        names: &names,
        newcomers: Generator::new(args.seed, super::super::today()),
    };
    let worked = script.run(&mut d);
    d.shutdown();
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("could not create {}", args.out.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for s in d.take_samples() {
        serde_json::to_writer(&mut out, &Line::Sample(s))?;
        out.write_all(b"\n")?;
    }
    let ending = Ending {
        troubles: std::mem::take(&mut d.troubles),
        late,
    };
    serde_json::to_writer(&mut out, &Line::Ending(ending))?;
    out.write_all(b"\n")?;
    out.flush()?;
    worked
}

/// Reads a terminal's output: its samples and its ending.
pub fn read(path: &std::path::Path) -> Result<(Vec<Sample>, Ending)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let mut samples = Vec::new();
    let mut ending = None;
    for (i, line) in text.lines().enumerate() {
        match serde_json::from_str(line)
            .with_context(|| format!("line {} of {} is not a sample", i + 1, path.display()))?
        {
            Line::Sample(s) => samples.push(s),
            Line::Ending(e) => ending = Some(e),
        }
    }
    let ending =
        ending.ok_or_else(|| anyhow!("{} ends before its terminal's ending", path.display()))?;
    Ok((samples, ending))
}
