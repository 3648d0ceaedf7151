//! The bench hospital's wards and beds, at the scale of its patients: about
//! 600 beds in 20 wards at a million patients, ~80% occupied, every status
//! on the board, each bed with a few past stays behind it. Written through
//! `ops::beds` by the bench's nurse and doctor, so the board, the bed
//! history and the audit trail read as real work.

use super::{SEED, fixed_now};
use crate::auth::Session;
use crate::domain::beds::{BedKind, Disposition, SexRestriction, WardKind};
use crate::domain::ids::Id;
use crate::ops::beds::{self as ops, AdmitInput};
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::{DateTime, Datelike, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Beds per million patients (a district hospital's ratio).
const BEDS_PER_MILLION: u64 = 600;
/// The fewest beds, so that a tiny bench still has a board to move on.
const MIN_BEDS: u64 = 24;
/// Beds per ward, roughly.
const WARD_SIZE: u64 = 30;
/// Past stays behind each bed.
const PAST_STAYS: usize = 3;

/// A bench ward: name, kind, sex restriction, label prefix, bed kind, and
/// its share of the beds relative to the others.
type BenchWard = (
    &'static str,
    WardKind,
    Option<SexRestriction>,
    &'static str,
    BedKind,
    u64,
);

/// The wards, in the order they are added; a smaller hospital has the
/// first few.
pub const WARDS: &[BenchWard] = &[
    (
        "Medical ward A",
        WardKind::Medical,
        None,
        "MEDA",
        BedKind::Standard,
        6,
    ),
    (
        "Surgical ward A",
        WardKind::Surgical,
        None,
        "SURA",
        BedKind::Standard,
        6,
    ),
    (
        "Maternity",
        WardKind::Maternity,
        Some(SexRestriction::Female),
        "MAT",
        BedKind::Standard,
        5,
    ),
    (
        "Children's ward",
        WardKind::Paediatric,
        None,
        "PAE",
        BedKind::Cot,
        5,
    ),
    ("ICU", WardKind::Icu, None, "ICU", BedKind::Icu, 2),
    (
        "Medical ward B",
        WardKind::Medical,
        None,
        "MEDB",
        BedKind::Standard,
        6,
    ),
    (
        "Surgical ward B",
        WardKind::Surgical,
        None,
        "SURB",
        BedKind::Standard,
        6,
    ),
    (
        "Female medical",
        WardKind::Medical,
        Some(SexRestriction::Female),
        "FMED",
        BedKind::Standard,
        5,
    ),
    (
        "Male medical",
        WardKind::Medical,
        Some(SexRestriction::Male),
        "MMED",
        BedKind::Standard,
        5,
    ),
    (
        "Isolation",
        WardKind::Isolation,
        None,
        "ISO",
        BedKind::Isolation,
        2,
    ),
    (
        "Medical ward C",
        WardKind::Medical,
        None,
        "MEDC",
        BedKind::Standard,
        6,
    ),
    (
        "Orthopaedics",
        WardKind::Surgical,
        None,
        "ORT",
        BedKind::Standard,
        5,
    ),
    (
        "Postnatal",
        WardKind::Maternity,
        Some(SexRestriction::Female),
        "PNW",
        BedKind::Standard,
        4,
    ),
    (
        "Neonatal unit",
        WardKind::Paediatric,
        None,
        "NNU",
        BedKind::Bassinet,
        3,
    ),
    ("HDU", WardKind::Icu, None, "HDU", BedKind::Icu, 2),
    (
        "Medical ward D",
        WardKind::Medical,
        None,
        "MEDD",
        BedKind::Standard,
        6,
    ),
    (
        "Surgical ward C",
        WardKind::Surgical,
        None,
        "SURC",
        BedKind::Standard,
        6,
    ),
    (
        "Children's ward B",
        WardKind::Paediatric,
        None,
        "PAEB",
        BedKind::Cot,
        4,
    ),
    (
        "Private wing",
        WardKind::General,
        None,
        "PRV",
        BedKind::Standard,
        3,
    ),
    (
        "Bariatric unit",
        WardKind::General,
        None,
        "BAR",
        BedKind::Bariatric,
        2,
    ),
];

const REASONS: &[&str] = &[
    "community-acquired pneumonia",
    "observation after a fall",
    "uncontrolled diabetes",
    "appendicectomy",
    "hip fracture repair",
    "severe malaria",
    "dehydration",
    "heart failure, fluid overload",
    "post-operative care",
    "asthma exacerbation",
];

const OUT_OF_SERVICE: &[&str] = &[
    "broken bed rail",
    "mattress replaced",
    "ventilator service",
    "deep clean after infection",
];

/// The beds of a hospital of `patients` patients.
pub fn bed_count(patients: u64) -> u64 {
    (patients.saturating_mul(BEDS_PER_MILLION) / 1_000_000).max(MIN_BEDS)
}

/// The beds of each ward in use, by [`WARDS`] order.
fn ward_sizes(beds: u64) -> Vec<u64> {
    let n = (beds / WARD_SIZE).clamp(2, WARDS.len() as u64) as usize;
    let weights: Vec<u64> = WARDS[..n].iter().map(|w| w.5).collect();
    let total: u64 = weights.iter().sum();
    let mut sizes: Vec<u64> = weights.iter().map(|w| (beds * w / total).max(2)).collect();
    let given: u64 = sizes.iter().sum();
    sizes[0] = (sizes[0] + beds).saturating_sub(given).max(2);
    sizes
}

/// Patients to admit, by what a ward takes: adults, women of childbearing
/// age, children. Each class is split in two: those admitted now (taken
/// once) and those whose past stays fill the bed histories (reused).
struct Pool {
    now: [Vec<(Id, char)>; 3],
    past: [Vec<(Id, char)>; 3],
    past_next: [usize; 3],
}

const ADULTS: usize = 0;
const WOMEN: usize = 1;
const CHILDREN: usize = 2;

impl Pool {
    fn load(db: &Db, limit: u64, at: DateTime<Utc>) -> Result<Pool> {
        let mut stmt = db.conn().prepare(
            "SELECT id, sex, birth_date FROM patients
             WHERE deleted_at IS NULL AND merged_into IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let year = at.year();
        let mut classes: [Vec<(Id, char)>; 3] = Default::default();
        for row in rows {
            let (id, sex, born) = row?;
            let age = born
                .get(..4)
                .and_then(|y| y.parse::<i32>().ok())
                .map_or(40, |y| year - y);
            let sex = sex.chars().next().unwrap_or('U');
            let class = if age < 14 {
                CHILDREN
            } else if sex == 'F' && (18..45).contains(&age) {
                WOMEN
            } else {
                ADULTS
            };
            classes[class].push((Id::from_stored(id), sex));
        }
        let mut now: [Vec<(Id, char)>; 3] = Default::default();
        let mut past: [Vec<(Id, char)>; 3] = Default::default();
        for (c, mut list) in classes.into_iter().enumerate() {
            past[c] = list.split_off(list.len().div_ceil(2));
            list.reverse();
            now[c] = list;
        }
        Ok(Pool {
            now,
            past,
            past_next: [0; 3],
        })
    }

    fn class(kind: WardKind) -> usize {
        match kind {
            WardKind::Maternity => WOMEN,
            WardKind::Paediatric => CHILDREN,
            _ => ADULTS,
        }
    }

    fn admits(sex: Option<SexRestriction>, of: char) -> bool {
        match sex {
            None => true,
            Some(SexRestriction::Female) => of == 'F',
            Some(SexRestriction::Male) => of == 'M',
        }
    }

    /// A patient to admit now or reserve for, taken for good.
    fn take_now(&mut self, kind: WardKind, sex: Option<SexRestriction>) -> Option<Id> {
        for class in [Pool::class(kind), ADULTS, WOMEN] {
            if let Some(k) = self.now[class]
                .iter()
                .rposition(|(_, s)| Pool::admits(sex, *s))
            {
                return Some(self.now[class].remove(k).0);
            }
        }
        None
    }

    /// A patient for a past stay (discharged again before the next one).
    fn past(&mut self, kind: WardKind, sex: Option<SexRestriction>) -> Option<Id> {
        let c = Pool::class(kind);
        let n = self.past[c].len();
        for _ in 0..n.min(64) {
            let (id, s) = &self.past[c][self.past_next[c] % n];
            self.past_next[c] += 1;
            if Pool::admits(sex, *s) {
                return Some(id.clone());
            }
        }
        None
    }
}

/// What the board shows for a bed at the end of the build.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Now {
    Occupied,
    Available,
    Cleaning,
    Reserved,
    OutOfService,
}

fn state_of(bed: usize, rng: &mut StdRng) -> Now {
    // The first beds show every status, whatever the draw.
    match bed {
        2 => return Now::Cleaning,
        4 => return Now::Reserved,
        6 => return Now::OutOfService,
        8 => return Now::Available,
        _ => {}
    }
    match rng.gen_range(0..100) {
        0..80 => Now::Occupied,
        80..88 => Now::Available,
        88..94 => Now::Cleaning,
        94..97 => Now::Reserved,
        _ => Now::OutOfService,
    }
}

/// The bench's clinical accounts at work on the wards.
pub struct Staff<'a> {
    pub admin: &'a Session,
    pub doctor: &'a Session,
    pub nurse: &'a Session,
}

/// Sets up the wards and beds of a hospital of `patients` patients and a
/// month of their life; returns the number of beds.
pub fn fill(db: &mut Db, staff: &Staff, patients: u64) -> Result<u64> {
    let beds = bed_count(patients);
    let now = fixed_now();
    let h = |hours: i64| now - TimeDelta::hours(hours);
    let set_up = h(24 * 60);
    let mut rng = StdRng::seed_from_u64(SEED ^ 0xBED5);
    let mut pool = Pool::load(db, patients.min(beds * 8 + 2_000), now)?;
    let attending = staff.doctor.user.id.clone();
    let mut reasons = REASONS.iter().cycle();
    let mut bed_no = 0usize;
    for ((name, kind, sex, prefix, bed_kind, _), size) in WARDS.iter().zip(ward_sizes(beds)) {
        let ward = ops::add_ward(db, staff.admin, name, *kind, *sex, set_up)
            .with_context(|| format!("adding the ward {name}"))?;
        for i in 1..=size {
            let label = format!("{prefix}-{i:03}");
            let bed = ops::add_bed(db, staff.admin, &ward.id, &label, *bed_kind, set_up)
                .with_context(|| format!("adding the bed {label}"))?
                .id;
            let state = state_of(bed_no, &mut rng);
            bed_no += 1;
            // The current state began this long ago (hours).
            let since: i64 = match state {
                Now::Occupied => rng.gen_range(2..24 * 12),
                Now::Cleaning => rng.gen_range(1..6),
                _ => rng.gen_range(6..24 * 4),
            };
            // Past stays, oldest first, ending before it.
            let mut stays = Vec::with_capacity(PAST_STAYS);
            let mut end = since + rng.gen_range(2..12);
            for _ in 0..PAST_STAYS {
                let length = rng.gen_range(24..24 * 8);
                stays.push((end + length, end));
                end += length + rng.gen_range(3..48);
            }
            stays.reverse();
            let mut admit = |db: &mut Db, patient: &Id, at: DateTime<Utc>| {
                ops::admit(
                    db,
                    staff.nurse,
                    &AdmitInput {
                        patient,
                        bed: &bed,
                        attending: &attending,
                        reason: reasons.next().copied().unwrap_or("observation"),
                    },
                    at,
                )
                .with_context(|| format!("admitting into {label}"))
            };
            for (k, (from, to)) in stays.into_iter().enumerate() {
                let Some(patient) = pool.past(*kind, *sex) else {
                    break;
                };
                let a = admit(db, &patient, h(from))?;
                let disposition = match (k + bed_no) % 9 {
                    0 => Disposition::Referred,
                    4 => Disposition::LeftAgainstAdvice,
                    _ => Disposition::Home,
                };
                ops::discharge(db, staff.doctor, &a.id, disposition, "", h(to))?;
                ops::mark_clean(db, staff.nurse, &bed, h(to) + TimeDelta::minutes(90))?;
            }
            match state {
                Now::Occupied => {
                    if let Some(patient) = pool.take_now(*kind, *sex) {
                        admit(db, &patient, h(since))?;
                    }
                }
                Now::Cleaning => {
                    if let Some(patient) = pool.past(*kind, *sex) {
                        let a = admit(db, &patient, h(since + rng.gen_range(24..24 * 5)))?;
                        ops::discharge(db, staff.doctor, &a.id, Disposition::Home, "", h(since))?;
                    }
                }
                Now::Reserved => {
                    if let Some(patient) = pool.take_now(*kind, *sex) {
                        let until = now + TimeDelta::hours(rng.gen_range(2..72));
                        ops::reserve(db, staff.nurse, &bed, &patient, until, h(1))?;
                    }
                }
                Now::OutOfService => {
                    let why = OUT_OF_SERVICE[bed_no % OUT_OF_SERVICE.len()];
                    ops::out_of_service(db, staff.nurse, &bed, why, h(since))?;
                }
                Now::Available => {}
            }
        }
    }
    Ok(beds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beds_scale_with_the_hospital() {
        assert_eq!(bed_count(1_000_000), 600);
        assert_eq!(bed_count(300), MIN_BEDS);
        let sizes = ward_sizes(600);
        assert_eq!(sizes.len(), 20);
        assert_eq!(sizes.iter().sum::<u64>(), 600);
        let small = ward_sizes(MIN_BEDS);
        assert_eq!(small.len(), 2);
        assert_eq!(small.iter().sum::<u64>(), MIN_BEDS);
    }
}
