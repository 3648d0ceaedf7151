//! One vitals set as FHIR Observations: one per measured sign (category
//! vital-signs, its LOINC code, the value in UCUM units), blood pressure as
//! one panel with its two components, and the NEWS2 score when the set has
//! one. A set entered in error gives Observations with that status.

use super::{LOINC, UCUM, by_name, coding, derived_id, entry, instant, reference};
use crate::store::clinical::vitals::VitalsRecord;
use serde_json::{Value, json};
use std::collections::HashSet;

const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// One measured sign: its LOINC code and name, the UCUM unit, and how many
/// of the stored unit make one of the exported unit (tenths of °C → °C).
pub struct Sign {
    pub loinc: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub divisor: i64,
}

const fn sign(loinc: &'static str, name: &'static str, unit: &'static str, divisor: i64) -> Sign {
    Sign {
        loinc,
        name,
        unit,
        divisor,
    }
}

pub const TEMPERATURE: Sign = sign("8310-5", "Body temperature", "Cel", 10);
pub const HEART_RATE: Sign = sign("8867-4", "Heart rate", "/min", 1);
pub const RESPIRATORY_RATE: Sign = sign("9279-1", "Respiratory rate", "/min", 1);
pub const BLOOD_PRESSURE: &str = "85354-9";
pub const SYSTOLIC: Sign = sign("8480-6", "Systolic blood pressure", "mm[Hg]", 1);
pub const DIASTOLIC: Sign = sign("8462-4", "Diastolic blood pressure", "mm[Hg]", 1);
/// Pulse oximetry (59408-5), with the base profile's 2708-6 beside it.
pub const SPO2: Sign = sign(
    "59408-5",
    "Oxygen saturation in Arterial blood by Pulse oximetry",
    "%",
    1,
);
pub const WEIGHT: Sign = sign("29463-7", "Body weight", "kg", 1000);
pub const HEIGHT: Sign = sign("8302-2", "Body height", "cm", 10);
pub const BMI: Sign = sign("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", 10);
pub const MUAC: Sign = sign("56072-2", "Mid upper arm circumference", "cm", 10);
pub const PAIN: Sign = sign(
    "72514-3",
    "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    "{score}",
    1,
);
/// Glucose in mmol/L (15074-8, moles per volume; 2339-0 is mg/dL).
pub const GLUCOSE: Sign = sign("15074-8", "Glucose [Moles/volume] in Blood", "mmol/L", 10);

fn quantity(s: &Sign, stored: i64) -> Value {
    let value = if s.divisor == 1 {
        json!(stored)
    } else {
        json!(stored as f64 / s.divisor as f64)
    };
    json!({ "value": value, "unit": s.unit, "system": UCUM, "code": s.unit })
}

fn category(code: &str, display: &str) -> Value {
    json!([{ "coding": [coding(CATEGORY, code, display)] }])
}

struct Base<'a> {
    set: &'a VitalsRecord,
    status: &'static str,
    encounter: Option<&'a str>,
}

impl Base<'_> {
    fn resource(&self, id: &str, code: Value, cat: Value) -> Value {
        let mut r = json!({
            "resourceType": "Observation",
            "id": id,
            "status": self.status,
            "category": cat,
            "code": code,
            "subject": reference(self.set.patient_id.as_str()),
            "effectiveDateTime": instant(self.set.taken_at),
            "performer": [by_name(&self.set.taken_by)],
        });
        if let Some(e) = self.encounter {
            r["encounter"] = reference(e);
        }
        if let Some(m) = &self.set.error {
            r["note"] = json!([{ "text": format!("entered in error by {}: {}", m.by, m.reason) }]);
        }
        r
    }

    fn simple(&self, s: &Sign, stored: i64) -> Value {
        let id = derived_id(self.set.id.as_str(), s.loinc);
        let mut codings = vec![coding(LOINC, s.loinc, s.name)];
        if s.loinc == SPO2.loinc {
            codings.push(coding(
                LOINC,
                "2708-6",
                "Oxygen saturation in Arterial blood",
            ));
        }
        let mut r = self.resource(
            &id,
            json!({ "coding": codings, "text": s.name }),
            category("vital-signs", "Vital Signs"),
        );
        r["valueQuantity"] = quantity(s, stored);
        entry(&id, r)
    }
}

/// The Observations of one set, in a fixed order. `encounters` holds the
/// visits in the bundle (a set's encounter is referenced only when there).
pub fn of_set(set: &VitalsRecord, encounters: &HashSet<&str>) -> Vec<Value> {
    let base = Base {
        set,
        status: if set.error.is_some() {
            "entered-in-error"
        } else {
            "final"
        },
        encounter: set
            .visit_id
            .as_ref()
            .map(|v| v.as_str())
            .filter(|v| encounters.contains(v)),
    };
    let v = &set.vitals;
    let mut out = Vec::new();
    let singles = [
        (&TEMPERATURE, v.temperature_dc),
        (&HEART_RATE, v.pulse),
        (&RESPIRATORY_RATE, v.respiratory_rate),
        (&SPO2, v.spo2),
        (&WEIGHT, v.weight_g),
        (&HEIGHT, v.height_mm),
        (&BMI, v.bmi_tenths()),
        (&MUAC, v.muac_mm),
        (&PAIN, v.pain),
        (&GLUCOSE, v.glucose_dmmol),
    ];
    for (s, value) in singles {
        if let Some(x) = value {
            out.push(base.simple(s, x));
        }
    }
    if let (Some(sys), Some(dia)) = (v.systolic, v.diastolic) {
        let id = derived_id(set.id.as_str(), BLOOD_PRESSURE);
        let mut r = base.resource(
            &id,
            json!({
                "coding": [coding(LOINC, BLOOD_PRESSURE, "Blood pressure panel with all children optional")],
                "text": "Blood pressure",
            }),
            category("vital-signs", "Vital Signs"),
        );
        r["component"] = json!([
            { "code": { "coding": [coding(LOINC, SYSTOLIC.loinc, SYSTOLIC.name)] }, "valueQuantity": quantity(&SYSTOLIC, sys) },
            { "code": { "coding": [coding(LOINC, DIASTOLIC.loinc, DIASTOLIC.name)] }, "valueQuantity": quantity(&DIASTOLIC, dia) },
        ]);
        out.push(entry(&id, r));
    }
    if let Some((score, band)) = set.news2 {
        let id = derived_id(set.id.as_str(), "news2");
        let mut r = base.resource(
            &id,
            json!({ "text": "NEWS2 (National Early Warning Score 2)" }),
            category("survey", "Survey"),
        );
        r["valueInteger"] = json!(score);
        r["interpretation"] = json!([{ "text": format!("{} clinical risk", band.label()) }]);
        out.push(entry(&id, r));
    }
    out
}
