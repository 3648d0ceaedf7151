//! The results: a table for people, and a JSON document of stable shape
//! (described in README.md, "Performance").

use super::stats::Summary;
use serde_json::{Map, Value, json};
use std::ops::RangeInclusive;

/// One measure's figures.
#[derive(Debug, Clone)]
pub enum Figure {
    /// A per-operation time: p50, p99 and max.
    Timed(Summary),
    /// One value with its unit; `max` where several runs were taken.
    Value {
        value: f64,
        unit: &'static str,
        samples: usize,
        max: Option<f64>,
        extra: Vec<(&'static str, f64)>,
    },
}

/// A measure as reported.
#[derive(Debug, Clone)]
pub struct Measure {
    /// The JSON key.
    pub name: String,
    /// The table's wording.
    pub label: String,
    pub figure: Figure,
    /// The target as text, empty when there is none.
    pub target: String,
    /// Whether the target is met; None without a target.
    pub ok: Option<bool>,
}

/// The machine the figures come from.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
    pub os: String,
}

impl Machine {
    pub fn this() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, m)| m.trim().to_string())
            .unwrap_or_else(|| std::env::consts::ARCH.to_string());
        let pretty = std::fs::read_to_string("/etc/os-release")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_else(|| std::env::consts::OS.to_string());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let os = match kernel.trim() {
            "" => pretty,
            k => format!("{pretty}, kernel {k}"),
        };
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            os,
        }
    }
}

/// `812 µs`, `1.42 ms`, `2.10 s`.
pub fn duration_us(us: f64) -> String {
    if us < 1_000.0 {
        format!("{us:.0} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

fn value_text(value: f64, unit: &str) -> String {
    if value >= 1000.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.2} {unit}")
    }
}

/// The table printed to standard output.
pub fn table(machine: &Machine, patients: u64, measures: &[Measure]) -> String {
    let mut rows: Vec<[String; 8]> = vec![[
        "measure".into(),
        "samples".into(),
        "p50 / value".into(),
        "p95".into(),
        "p99".into(),
        "max".into(),
        "target".into(),
        "result".into(),
    ]];
    for m in measures {
        let (samples, p50, p95, p99, max) = match &m.figure {
            Figure::Timed(s) => (
                s.samples.to_string(),
                duration_us(s.p50_us),
                duration_us(s.p95_us),
                duration_us(s.p99_us),
                duration_us(s.max_us),
            ),
            Figure::Value {
                value,
                unit,
                samples,
                max,
                ..
            } => (
                samples.to_string(),
                value_text(*value, unit),
                String::new(),
                String::new(),
                max.map(|v| value_text(v, unit)).unwrap_or_default(),
            ),
        };
        let result = match m.ok {
            Some(true) => "OK",
            Some(false) => "MISSED",
            None => "",
        };
        rows.push([
            m.label.clone(),
            samples,
            p50,
            p95,
            p99,
            max,
            m.target.clone(),
            result.into(),
        ]);
    }
    format!(
        "wardline bench: {patients} patients; {} × {}, {}\n{}",
        machine.cpus,
        machine.cpu_model,
        machine.os,
        columns(&rows, 1..=5)
    )
}

/// Rows as aligned columns, the first a header underlined with dashes;
/// the columns in `right` (figures) aligned right, the others left.
pub fn columns<const N: usize>(rows: &[[String; N]], right: RangeInclusive<usize>) -> String {
    let mut widths = [0usize; N];
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(j, (c, w))| {
                let pad = " ".repeat(w - c.chars().count());
                if right.contains(&j) {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (N - 1)));
            out.push('\n');
        }
    }
    out
}

/// `v` rounded to `places` decimals, for the JSON.
pub fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// The JSON document.
pub fn json(machine: &Machine, patients: u64, schema_version: i64, measures: &[Measure]) -> Value {
    let mut all = Map::new();
    for m in measures {
        let mut o = Map::new();
        match &m.figure {
            Figure::Timed(s) => {
                o.insert("p50_us".into(), json!(round(s.p50_us, 1)));
                o.insert("p95_us".into(), json!(round(s.p95_us, 1)));
                o.insert("p99_us".into(), json!(round(s.p99_us, 1)));
                o.insert("max_us".into(), json!(round(s.max_us, 1)));
                o.insert("samples".into(), json!(s.samples));
            }
            Figure::Value {
                value,
                unit,
                samples,
                max,
                extra,
            } => {
                o.insert("value".into(), json!(round(*value, 3)));
                o.insert("unit".into(), json!(unit));
                o.insert("samples".into(), json!(samples));
                if let Some(max) = max {
                    o.insert("max".into(), json!(round(*max, 3)));
                }
                for (k, v) in extra {
                    o.insert((*k).into(), json!(v));
                }
            }
        }
        o.insert("target".into(), json!(m.target));
        o.insert("ok".into(), json!(m.ok));
        all.insert(m.name.clone(), Value::Object(o));
    }
    json!({
        "machine": {
            "cpus": machine.cpus,
            "cpu_model": machine.cpu_model,
            "os": machine.os,
        },
        "patients": patients,
        "schema_version": schema_version,
        "measures": all,
    })
}
