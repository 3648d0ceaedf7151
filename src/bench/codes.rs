//! The diagnosis code search as a clinician types it: realistic queries
//! entered one character at a time over the whole shipped ICD-10-CM list,
//! each keystroke a search through `ops::codes::search_codes` (the path the
//! screens take), and the one-off build of the list's index.

use super::stats::{Summary, timed};
use crate::ops::codes;
use crate::store::Db;
use anyhow::{Result, anyhow, bail};

/// How many results a search asks for: a screen's list.
pub const LIMIT: usize = 20;
/// How many times the index build is timed.
pub const BUILDS: usize = 3;

/// What clinicians type: words in any order, abbreviated, codes with and
/// without their dot, British spellings (found through the American ones
/// that ICD-10-CM uses).
pub const TYPED: &[&str] = &[
    "malaria",
    "diab typ 2",
    "e11.9",
    "essential hypertension",
    "pneumonia unspec",
    "b54",
    "o09.9",
    "fracture neck femur",
    "asthma",
    "anaemia",
    "iron deficiency anemia",
    "tuberculosis lung",
    "urinary tract infection",
    "gastroenteritis",
    "hiv disease",
    "covid",
    "supervision high risk pregnancy",
    "severe protein calorie malnutrition",
    "sickle cell crisis",
    "z000",
    "otitis media acute",
    "cellulitis left lower limb",
    "heart failure",
    "j18.9",
    "depressive episode",
    "typhoid fever",
    "dehydration",
    "headache",
    "low back pain",
    "a09",
];

/// Types every query of [`TYPED`] one character at a time, over and over
/// until at least `samples` keystrokes were timed. Fails if a whole query
/// that should find codes finds none (the list would be broken).
pub fn keystrokes(db: &Db, samples: usize) -> Result<Summary> {
    // The first search of a process builds the index: not a keystroke.
    codes::search_codes(db, "a", LIMIT)?;
    let mut times = Vec::with_capacity(samples);
    while times.len() < samples {
        for query in TYPED {
            let chars: Vec<(usize, char)> = query.char_indices().collect();
            for (i, (at, c)) in chars.iter().enumerate() {
                let typed = &query[..at + c.len_utf8()];
                let (found, t) = timed(|| codes::search_codes(db, typed, LIMIT));
                let found = found?;
                times.push(t);
                if i + 1 == chars.len() && found.hits.is_empty() {
                    bail!("the code search found nothing for {query:?}: the code list is broken");
                }
            }
        }
    }
    Ok(Summary::of(&times))
}

/// Decompressing and indexing the shipped list, [`BUILDS`] times: the
/// times in milliseconds, the number of codes and the index's heap size in
/// bytes.
pub fn build() -> Result<(Vec<f64>, usize, usize)> {
    let mut ms = Vec::with_capacity(BUILDS);
    let (mut n, mut bytes) = (0, 0);
    for _ in 0..BUILDS {
        let (built, t) = timed(codes::build_shipped);
        let (_, list) = built.map_err(|e| anyhow!("the shipped code list: {e}"))?;
        n = list.len();
        bytes = list.heap_bytes();
        ms.push(t.as_secs_f64() * 1e3);
    }
    Ok((ms, n, bytes))
}
