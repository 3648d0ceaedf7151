//! Recording vital signs and marking a wrong set entered in error. A set of
//! an admitted adult (16 or over) with all seven NEWS2 parameters gets its
//! score and band stored with it, and is compared with the previous score
//! of the admission.

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::clock::{Clock, local_date};
use crate::domain::ids::Id;
use crate::domain::news2::{self, Trend};
use crate::domain::patient::age_years;
use crate::domain::role::Permission;
use crate::domain::visit::check_reason;
use crate::domain::vitals::{AgeBand, Flag, VitalField, Vitals, flags};
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event};
use crate::store::Db;
use crate::store::beds;
use crate::store::clinical::vitals::{self as store, NewVitals, VitalsRecord};
use crate::store::clinical::{Marked, mark_error, visits};
use chrono::{DateTime, Duration, Utc};

/// How far ahead of now a set's time may be (clocks on the ward differ).
const FUTURE_SLACK: Duration = Duration::minutes(5);

/// A set to record.
#[derive(Debug, Clone)]
pub struct VitalsInput<'a> {
    pub patient: &'a Id,
    /// The visit it was taken in, if any.
    pub visit: Option<&'a Id>,
    /// When it was taken (now, or earlier when written up later).
    pub taken_at: DateTime<Utc>,
    pub vitals: Vitals,
}

/// A recorded set, with what the screen shows next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub record: VitalsRecord,
    /// Against the admission's previous score (`None`: no NEWS2 computed).
    pub trend: Option<Trend>,
    /// Values outside the normal range of the patient's age band.
    pub flags: Vec<Flag>,
}

/// Records a set of vital signs.
pub fn record(db: &mut Db, by: &Session, input: &VitalsInput, clock: Clock) -> Result<Recorded> {
    if input.taken_at > clock.now + FUTURE_SLACK {
        return Err(Error::Refused(
            "the time taken is in the future: type when the set was taken".into(),
        ));
    }
    clinical::write(db, by, Permission::RecordVitals, "record vitals", |tx| {
        let p = clinical::patient_in_use(tx, input.patient)?;
        clinical::require_whole_record(tx, by, input.patient, clock)?;
        let day = local_date(clock.zone, input.taken_at);
        if day < p.details.birth_date {
            return Err(Error::Refused(
                "the time taken is before the patient's birth: check the date".into(),
            ));
        }
        let age = age_years(p.details.birth_date, day);
        input.vitals.validate(age).map_err(|errors| {
            Error::Refused(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        if let Some(v) = input.visit {
            let visit = visits::visit_by_id(tx, v)?
                .ok_or_else(|| Error::NotFound("that visit is not in this hospital file".into()))?;
            if &visit.patient_id != input.patient {
                return Err(Error::Refused(
                    "that visit is another patient's: record the vitals from this patient's visit"
                        .into(),
                ));
            }
        }
        let admission = beds::active_admission_of(tx, input.patient)?;
        let score = match (&admission, input.vitals.observations()) {
            (Some(_), Some(o)) if age >= news2::ADULT_FROM_YEARS => Some(news2::score(&o)),
            _ => None,
        };
        let trend = match (&admission, &score) {
            (Some(a), Some(s)) => Some(news2::trend(
                store::previous_score(tx, &a.id, input.taken_at)?,
                s.total,
            )),
            _ => None,
        };
        let id = store::insert(
            tx,
            &NewVitals {
                patient: input.patient,
                visit: input.visit,
                admission: admission.as_ref().map(|a| &a.id),
                taken_at: input.taken_at,
                taken_by: &by.user.id,
                vitals: &input.vitals,
                news2: score.map(|s| (s.total, s.band)),
            },
            clock.now,
        )?;
        let record =
            store::get(tx, &id)?.ok_or_else(|| Error::NotFound("the new set vanished".into()))?;
        let mut summary = format!("vitals recorded for {}: {}", p.mrn, describe(&input.vitals));
        if let Some(s) = &score {
            summary.push_str(&format!("; NEWS2 {} ({})", s.total, s.band.label()));
            if trend == Some(Trend::Rising) {
                summary.push_str(", rising");
            }
        }
        let e = event(AuditAction::Create, "vitals", &id, input.patient, summary);
        let flags = flags(&input.vitals, AgeBand::of_years(age));
        Ok((
            Recorded {
                record,
                trend,
                flags,
            },
            vec![e],
        ))
    })
}

/// The measured values of a set in a few words, for the audit summary.
fn describe(v: &Vitals) -> String {
    let mut parts: Vec<String> = VitalField::ALL
        .iter()
        .filter_map(|f| v.get(*f).map(|x| format!("{} {}", f.name(), f.show(x))))
        .collect();
    if let Some(c) = v.consciousness {
        parts.push(format!("ACVPU {c}"));
    }
    if let Some(o) = v.on_oxygen {
        parts.push(if o { "on oxygen" } else { "room air" }.to_string());
    }
    parts.join(", ")
}

/// Marks a wrong set entered in error, with a reason; it stays in the
/// record, struck through, and leaves the NEWS2 trend.
pub fn mark_in_error(
    db: &mut Db,
    by: &Session,
    set: &Id,
    reason: &str,
    clock: Clock,
) -> Result<VitalsRecord> {
    let reason = check_reason(reason, "reason the set is wrong").map_err(Error::Refused)?;
    clinical::write(db, by, Permission::RecordVitals, "correct vitals", |tx| {
        let r = store::get(tx, set)?.ok_or_else(|| {
            Error::NotFound("that set of vitals is not in this hospital file".into())
        })?;
        clinical::require_whole_record(tx, by, &r.patient_id, clock)?;
        if r.error.is_some()
            || !mark_error(tx, Marked::Vitals, set, &by.user.id, &reason, clock.now)?
        {
            return Err(Error::Refused(
                "this set is marked entered in error already".into(),
            ));
        }
        let after =
            store::get(tx, set)?.ok_or_else(|| Error::NotFound("the set vanished".into()))?;
        let e = event(
            AuditAction::EnteredInError,
            "vitals",
            set,
            &r.patient_id,
            format!("vitals set marked entered in error: {reason}"),
        );
        Ok((after, vec![e]))
    })
}
