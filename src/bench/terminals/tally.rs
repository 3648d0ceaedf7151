//! The figures of each number of terminals: per kind of key its count,
//! p50, p99, max and the longest write wait; what was written in the copy;
//! and the verdict (a kind's p99 past 16 ms, or a write waiting more than
//! a second, is where one server stops carrying the terminals). Printed in
//! the bench's table style, and as JSON.

use super::kinds::{Kind, Sample};
use crate::bench::report::{Machine, columns, duration_us, round};
use crate::bench::stats::Summary;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// A key's response beyond which it is no longer immediate (a frame).
pub const KEY_P99_US: f64 = 16_000.0;
/// A write's wait beyond which the terminal is plainly held up.
pub const WRITE_WAIT_US: f64 = 1_000_000.0;

/// Steps of one kind (`"booking"`, `"the admission form"`) whose screen
/// did not say what it should: how many, and the first one's words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trouble {
    pub count: u64,
    pub first: String,
}

/// The troubles of a terminal or a run, by step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Troubles(pub BTreeMap<String, Trouble>);

impl Troubles {
    /// Notes one trouble of `step`, keeping the first one's words.
    pub fn note(&mut self, step: &str, said: impl FnOnce() -> String) {
        let t = self.0.entry(step.to_string()).or_insert_with(|| Trouble {
            count: 0,
            first: said(),
        });
        t.count += 1;
    }

    /// Adds another terminal's troubles (the first words kept are the
    /// earlier terminal's).
    pub fn add(&mut self, other: Troubles) {
        for (step, t) in other.0 {
            let mine = self.0.entry(step).or_insert_with(|| Trouble {
                count: 0,
                first: t.first,
            });
            mine.count += t.count;
        }
    }

    pub fn total(&self) -> u64 {
        self.0.values().map(|t| t.count).sum()
    }

    /// `booking 5 (first: …); the admission form 2 (first: …)`.
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|(step, t)| format!("{step} {} (first: {})", t.count, t.first))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One kind's figures.
#[derive(Debug, Clone, Copy)]
pub struct KindFigures {
    pub kind: Kind,
    pub summary: Summary,
    /// The longest any key of this kind waited for the file, µs.
    pub longest_wait_us: f64,
    /// Keys of this kind that wrote to the file.
    pub writes: usize,
}

/// What the terminals wrote in the copy (counted in it before and after).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub patients: i64,
    pub appointments: i64,
    pub admissions: i64,
    pub vitals: i64,
    pub dispenses: i64,
}

impl Written {
    pub const NAMES: [&'static str; 5] = [
        "patients",
        "appointments",
        "admissions",
        "vitals",
        "dispenses",
    ];

    pub fn values(&self) -> [i64; 5] {
        [
            self.patients,
            self.appointments,
            self.admissions,
            self.vitals,
            self.dispenses,
        ]
    }

    /// What was added from `before` to `self`.
    pub fn since(&self, before: &Written) -> Written {
        Written {
            patients: self.patients - before.patients,
            appointments: self.appointments - before.appointments,
            admissions: self.admissions - before.admissions,
            vitals: self.vitals - before.vitals,
            dispenses: self.dispenses - before.dispenses,
        }
    }
}

/// The run of one number of terminals.
#[derive(Debug, Clone)]
pub struct Run {
    pub terminals: usize,
    /// Desk, ward and pharmacy terminals.
    pub roles: [usize; 3],
    pub kinds: Vec<KindFigures>,
    pub written: Written,
    /// Steps whose screen did not say what it should, over all terminals.
    pub troubles: Troubles,
    /// Terminals that signed in after the measured period began.
    pub late: usize,
}

impl Run {
    /// Summarises the samples of all terminals of a run, by kind.
    pub fn kinds_of(samples: &[Sample]) -> Vec<KindFigures> {
        Kind::ALL
            .iter()
            .filter_map(|&kind| {
                let of: Vec<&Sample> = samples.iter().filter(|s| s.kind == kind).collect();
                if of.is_empty() {
                    return None;
                }
                let times: Vec<Duration> = of
                    .iter()
                    .map(|s| Duration::from_secs_f64(s.us.max(0.0) / 1e6))
                    .collect();
                Some(KindFigures {
                    kind,
                    summary: Summary::of(&times),
                    longest_wait_us: of.iter().map(|s| s.wait_us).fold(0.0, f64::max),
                    writes: of.iter().filter(|s| s.wrote).count(),
                })
            })
            .collect()
    }

    /// The kinds whose p99 passed [`KEY_P99_US`], and whether a write
    /// waited past [`WRITE_WAIT_US`].
    pub fn passed(&self) -> (Vec<Kind>, bool) {
        let slow = self
            .kinds
            .iter()
            .filter(|k| k.summary.p99_us > KEY_P99_US)
            .map(|k| k.kind)
            .collect();
        let waited = self.kinds.iter().any(|k| k.longest_wait_us > WRITE_WAIT_US);
        (slow, waited)
    }

    pub fn ok(&self) -> bool {
        let (slow, waited) = self.passed();
        slow.is_empty() && !waited
    }
}

/// The first number of terminals that passed a limit, and the largest
/// before it that did not (the one a server carries).
pub fn verdict(runs: &[Run]) -> (Option<usize>, Option<usize>) {
    let mut carried = None;
    for r in runs {
        if !r.ok() {
            return (Some(r.terminals), carried);
        }
        carried = Some(r.terminals);
    }
    (None, carried)
}

/// "1 terminal", "50 terminals".
fn terminals(n: usize) -> String {
    if n == 1 {
        "1 terminal".into()
    } else {
        format!("{n} terminals")
    }
}

fn conclusion(runs: &[Run], patients: u64) -> String {
    match verdict(runs) {
        (None, Some(n)) => format!(
            "One server carries {} at {patients} patients: no kind's p99 passed 16 ms and no write waited a second (the most tried).",
            terminals(n)
        ),
        (Some(first), carried) => {
            let run = runs.iter().find(|r| r.terminals == first);
            let (slow, waited) = run.map(|r| r.passed()).unwrap_or_default();
            let mut why: Vec<String> = slow
                .iter()
                .map(|k| format!("{} p99 past 16 ms", k.label()))
                .collect();
            if waited {
                why.push("a write waited more than a second".into());
            }
            let carried = match carried {
                Some(n) => format!("one server carries {} at {patients} patients", terminals(n)),
                None => "no number tried was carried".into(),
            };
            format!("At {} {}: {carried}.", terminals(first), why.join(", "))
        }
        (None, None) => "No terminals were run.".into(),
    }
}

/// The text report.
pub fn table(machine: &Machine, patients: u64, seconds: u64, runs: &[Run]) -> String {
    let mut out = format!(
        "wardline bench --terminals: {patients} patients, {seconds} s measured per run; {} × {}, {}\n",
        machine.cpus, machine.cpu_model, machine.os
    );
    for r in runs {
        out.push_str(&format!(
            "\n{} ({} desk, {} ward, {} pharmacy){}\n",
            terminals(r.terminals),
            r.roles[0],
            r.roles[1],
            r.roles[2],
            if r.ok() { "" } else { ": MISSED" }
        ));
        let mut rows: Vec<[String; 7]> = vec![[
            "key".into(),
            "keys".into(),
            "p50".into(),
            "p99".into(),
            "max".into(),
            "longest write wait".into(),
            "result".into(),
        ]];
        for k in &r.kinds {
            let ok = k.summary.p99_us <= KEY_P99_US && k.longest_wait_us <= WRITE_WAIT_US;
            rows.push([
                k.kind.label().into(),
                k.summary.samples.to_string(),
                duration_us(k.summary.p50_us),
                duration_us(k.summary.p99_us),
                duration_us(k.summary.max_us),
                if k.writes == 0 {
                    "no write".into()
                } else {
                    duration_us(k.longest_wait_us)
                },
                if ok { "OK" } else { "MISSED" }.into(),
            ]);
        }
        out.push_str(&columns(&rows, 1..=5));
        let w = r.written;
        out.push_str(&format!(
            "written in the copy: {} patients, {} appointments, {} admissions, {} vitals sets, {} dispenses\n",
            w.patients, w.appointments, w.admissions, w.vitals, w.dispenses
        ));
        if r.troubles.total() > 0 {
            out.push_str(&format!(
                "steps that did not go as expected: {}: {}\n",
                r.troubles.total(),
                r.troubles.describe()
            ));
        }
        if r.late > 0 {
            out.push_str(&format!(
                "terminals that signed in after the measured period began: {}\n",
                r.late
            ));
        }
    }
    out.push('\n');
    out.push_str(&conclusion(runs, patients));
    out.push('\n');
    out
}

/// The JSON document.
pub fn json(
    machine: &Machine,
    patients: u64,
    schema_version: i64,
    seconds: u64,
    runs: &[Run],
) -> Value {
    let runs_json: Vec<Value> = runs
        .iter()
        .map(|r| {
            let mut kinds = Map::new();
            for k in &r.kinds {
                kinds.insert(
                    k.kind.key().into(),
                    json!({
                        "keys": k.summary.samples,
                        "p50_us": round(k.summary.p50_us, 1),
                        "p99_us": round(k.summary.p99_us, 1),
                        "max_us": round(k.summary.max_us, 1),
                        "writes": k.writes,
                        "longest_write_wait_us": round(k.longest_wait_us, 1),
                    }),
                );
            }
            let mut written = Map::new();
            for (name, v) in Written::NAMES.iter().zip(r.written.values()) {
                written.insert((*name).into(), json!(v));
            }
            json!({
                "terminals": r.terminals,
                "roles": {"desk": r.roles[0], "ward": r.roles[1], "pharmacy": r.roles[2]},
                "kinds": kinds,
                "written": written,
                "troubles": r.troubles,
                "late_sign_ins": r.late,
                "ok": r.ok(),
            })
        })
        .collect();
    let (first, carried) = verdict(runs);
    json!({
        "machine": {
            "cpus": machine.cpus,
            "cpu_model": machine.cpu_model,
            "os": machine.os,
        },
        "patients": patients,
        "schema_version": schema_version,
        "terminal_seconds": seconds,
        "key_p99_limit_us": KEY_P99_US,
        "write_wait_limit_us": WRITE_WAIT_US,
        "runs": runs_json,
        "first_terminals_past_a_limit": first,
        "terminals_carried": carried,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(terminals: usize, p99_us: f64, wait_us: f64) -> Run {
        let samples: Vec<Sample> = (0..100)
            .map(|i| Sample {
                kind: Kind::SearchKeystroke,
                us: if i == 99 { p99_us } else { 1_000.0 },
                wait_us,
                wrote: wait_us > 0.0,
            })
            .collect();
        Run {
            terminals,
            roles: [terminals, 0, 0],
            kinds: Run::kinds_of(&samples),
            written: Written::default(),
            troubles: Troubles::default(),
            late: 0,
        }
    }

    #[test]
    fn troubles_are_counted_by_step_keeping_each_steps_first_words() {
        let mut one = Troubles::default();
        one.note("booking", || "taken".into());
        one.note("booking", || "never asked".into());
        let mut two = Troubles::default();
        two.note("the admission form", || "asked".into());
        two.note("booking", || "later".into());
        one.add(two);
        assert_eq!(one.total(), 4);
        assert_eq!(
            one.describe(),
            "booking 3 (first: taken); the admission form 1 (first: asked)"
        );
    }

    #[test]
    fn the_first_number_past_a_limit_and_the_one_carried() {
        let runs = [
            run(10, 2_000.0, 0.0),
            run(50, 2_000.0, 2_000_000.0),
            run(100, 40_000.0, 0.0),
        ];
        assert!(runs[0].ok() && !runs[1].ok() && runs[2].ok());
        assert_eq!(verdict(&runs), (Some(50), Some(10)));
        let text = table(
            &Machine {
                cpus: 2,
                cpu_model: "test".into(),
                os: "test".into(),
            },
            300,
            3,
            &runs,
        );
        assert!(
            text.contains("At 50 terminals a write waited more than a second: one server carries 10 terminals at 300 patients."),
            "{text}"
        );
        assert_eq!(verdict(&runs[..1]), (None, Some(10)));
        assert_eq!(verdict(&[]), (None, None));
    }
}
