//! What the bench's past visits say: presentations a district clinic sees
//! (each a note of five short sections, an ICD-10-CM code, and how it shows
//! in the vitals), the follow-ups of chronic conditions that become
//! problems, the ward round of an admission, allergies, and plausible
//! vitals for the patient's age. The codes' texts come from the shipped
//! list when the bench is built, so every code is one the list holds.

use crate::domain::conditions::Severity;
use crate::domain::news2::Consciousness;
use crate::domain::visit::NoteText;
use crate::domain::vitals::Vitals;
use rand::Rng;
use rand::rngs::StdRng;

/// Who a presentation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum For {
    Anyone,
    Adult,
    Child,
    /// A woman of 18 to 44.
    Pregnant,
}

/// How a presentation shows in the vitals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Signs {
    pub fever: bool,
    pub breathless: bool,
    pub high_bp: bool,
    pub glucose: bool,
    pub thin: bool,
}

/// A presentation: complaint (`{d}` is a number of days), history,
/// examination, assessment, plan, its code, who it is for, and its signs.
pub struct Case {
    pub complaint: &'static str,
    pub history: &'static [&'static str],
    pub examination: &'static str,
    pub assessment: &'static str,
    pub plan: &'static str,
    pub code: &'static str,
    pub who: For,
    pub signs: Signs,
}

const FEVER: Signs = Signs {
    fever: true,
    breathless: false,
    high_bp: false,
    glucose: false,
    thin: false,
};
const CHEST: Signs = Signs {
    fever: true,
    breathless: true,
    ..FEVER
};
const CALM: Signs = Signs {
    fever: false,
    ..FEVER
};

/// Acute presentations, the most common first.
pub const ACUTE: &[Case] = &[
    Case {
        complaint: "Fever, headache and joint pains for {d} days.",
        history: &[
            "No travel. Sleeps without a net. No cough.",
            "Neighbour had malaria last week. Vomited once.",
            "Took paracetamol at home with little relief.",
        ],
        examination: "Febrile, mild pallor, no neck stiffness. Chest clear.",
        assessment: "Uncomplicated malaria, RDT positive.",
        plan: "Artemether-lumefantrine for 3 days. Paracetamol. Return if vomiting or drowsy.",
        code: "B54",
        who: For::Anyone,
        signs: FEVER,
    },
    Case {
        complaint: "Fever and vomiting for {d} days.",
        history: &[
            "Eating less. No convulsions. Immunisations up to date.",
            "Sibling treated for malaria this month.",
        ],
        examination: "Febrile, alert, drinking. Spleen not felt.",
        assessment: "Uncomplicated falciparum malaria, RDT positive.",
        plan: "Artemether-lumefantrine by weight. Paracetamol. Return at once if unable to drink.",
        code: "B50.9",
        who: For::Child,
        signs: FEVER,
    },
    Case {
        complaint: "Sore throat and runny nose for {d} days.",
        history: &[
            "Dry cough at night. No breathlessness.",
            "Several at work with the same. Non-smoker.",
        ],
        examination: "Throat red, no exudate. Chest clear.",
        assessment: "Viral upper respiratory tract infection.",
        plan: "Fluids, paracetamol, salt-water gargles. No antibiotic needed.",
        code: "J06.9",
        who: For::Anyone,
        signs: CALM,
    },
    Case {
        complaint: "Cough with yellow sputum and fever for {d} days.",
        history: &[
            "Breathless on walking. Non-smoker.",
            "Chest pain on deep breathing. Lives alone.",
        ],
        examination: "Crackles right base, bronchial breathing.",
        assessment: "Community-acquired pneumonia, CURB-65 score 1.",
        plan: "Amoxicillin 1 g three times daily for 5 days. Review in 48 hours.",
        code: "J18.9",
        who: For::Anyone,
        signs: CHEST,
    },
    Case {
        complaint: "Diarrhoea and cramps for {d} days.",
        history: &[
            "Five loose stools a day, no blood. Drinking well.",
            "Ate at a roadside stall. No fever at home.",
        ],
        examination: "Mildly dry mouth, abdomen soft, bowel sounds active.",
        assessment: "Acute gastroenteritis with some dehydration.",
        plan: "Oral rehydration salts and zinc. Return if blood in stool or unable to drink.",
        code: "A09",
        who: For::Anyone,
        signs: CALM,
    },
    Case {
        complaint: "Burning on passing urine for {d} days.",
        history: &[
            "Going often, small amounts. No loin pain.",
            "Similar episode last year, treated at a pharmacy.",
        ],
        examination: "Suprapubic tenderness. No renal angle tenderness.",
        assessment: "Lower urinary tract infection, dipstick nitrite positive.",
        plan: "Nitrofurantoin 100 mg twice daily for 5 days. Fluids.",
        code: "N39.0",
        who: For::Adult,
        signs: CALM,
    },
    Case {
        complaint: "Ear pain and fever for {d} days.",
        history: &["Pulling at the ear, crying at night.", "Recent cold."],
        examination: "Left drum red and bulging. Throat mildly red.",
        assessment: "Acute otitis media.",
        plan: "Amoxicillin by weight for 5 days. Paracetamol. Review if discharge.",
        code: "H66.90",
        who: For::Child,
        signs: FEVER,
    },
    Case {
        complaint: "Epigastric pain after meals for {d} days.",
        history: &[
            "Takes ibuprofen for back pain. No black stools.",
            "Worse with spicy food and at night.",
        ],
        examination: "Epigastric tenderness, no guarding.",
        assessment: "Gastritis, probably from anti-inflammatories.",
        plan: "Omeprazole 20 mg daily for 4 weeks. Stop ibuprofen.",
        code: "K29.70",
        who: For::Adult,
        signs: CALM,
    },
    Case {
        complaint: "Low back pain for {d} days after lifting.",
        history: &[
            "No leg weakness, no numbness, bladder normal.",
            "Works on a building site.",
        ],
        examination: "Paraspinal spasm, straight leg raise normal.",
        assessment: "Mechanical low back pain.",
        plan: "Paracetamol, keep moving, back exercises. Review in 2 weeks if not better.",
        code: "M54.50",
        who: For::Adult,
        signs: CALM,
    },
    Case {
        complaint: "Headache for {d} days.",
        history: &[
            "Band-like, worse in the evening. Long hours at a screen.",
            "No vomiting, no visual change.",
        ],
        examination: "Neurologically normal. Fundi normal.",
        assessment: "Tension-type headache.",
        plan: "Simple analgesia, rest and fluids. Return if worse or new symptoms.",
        code: "R51.9",
        who: For::Adult,
        signs: CALM,
    },
    Case {
        complaint: "Red, hot swollen leg for {d} days.",
        history: &[
            "Small cut on the shin last week.",
            "Diabetic, sugars poorly kept.",
        ],
        examination: "Spreading erythema right shin, warm, tender. No abscess.",
        assessment: "Cellulitis of the right lower limb.",
        plan: "Flucloxacillin 500 mg four times daily for 7 days. Mark the edge. Review in 2 days.",
        code: "L03.115",
        who: For::Adult,
        signs: FEVER,
    },
    Case {
        complaint: "Tiredness and breathless on stairs for {d} days.",
        history: &["Heavy periods.", "Poor appetite, eats little meat."],
        examination: "Pale conjunctivae. Soft flow murmur.",
        assessment: "Iron deficiency anaemia, Hb 8.9 g/dL.",
        plan: "Ferrous sulphate 200 mg daily for 3 months. Recheck Hb in 4 weeks.",
        code: "D50.9",
        who: For::Anyone,
        signs: CALM,
    },
    Case {
        complaint: "Itchy rash on the arms for {d} days.",
        history: &[
            "New washing powder.",
            "No fever, no other contacts affected.",
        ],
        examination: "Dry erythematous patches on both forearms, no infection.",
        assessment: "Contact dermatitis.",
        plan: "Emollient and hydrocortisone 1% twice daily for 1 week. Avoid the trigger.",
        code: "L30.9",
        who: For::Anyone,
        signs: CALM,
    },
    Case {
        complaint: "Fever and abdominal pain for {d} days.",
        history: &[
            "Constipated, drinks well water.",
            "Several in the village with fever.",
        ],
        examination: "Febrile, coated tongue, tender right lower abdomen.",
        assessment: "Typhoid fever, clinically suspected.",
        plan: "Azithromycin for 7 days. Blood culture. Review in 3 days.",
        code: "A01.00",
        who: For::Anyone,
        signs: FEVER,
    },
    Case {
        complaint: "Poor weight gain, brought by the mother.",
        history: &[
            "Weaned early. Diarrhoea twice this month.",
            "Eats once or twice a day.",
        ],
        examination: "Thin, alert. No oedema. Appetite test passed.",
        assessment: "Moderate acute malnutrition by MUAC.",
        plan: "Supplementary feeding programme. Vitamin A. Weekly weight and MUAC.",
        code: "E44.0",
        who: For::Child,
        signs: Signs { thin: true, ..CALM },
    },
    Case {
        complaint: "Antenatal visit.",
        history: &[
            "Second pregnancy. No bleeding. Feels the baby move.",
            "First pregnancy. Mild nausea only.",
        ],
        examination: "Fundal height matches dates. Fetal heart 140/min. No oedema.",
        assessment: "Normal pregnancy.",
        plan: "Iron and folic acid. Tetanus toxoid. Next visit in 4 weeks.",
        code: "Z34.90",
        who: For::Pregnant,
        signs: CALM,
    },
];

/// Chronic conditions: the first visit finds them, later ones follow up,
/// and the patient's problem list holds them.
pub const CHRONIC: &[Case] = &[
    Case {
        complaint: "Blood pressure review. Occasional headaches for {d} days.",
        history: &[
            "Takes amlodipine most days. Salt in cooking.",
            "Father had a stroke. No chest pain.",
        ],
        examination: "BP raised on two readings. Heart sounds normal. No oedema.",
        assessment: "Essential hypertension, not at target.",
        plan: "Amlodipine 10 mg daily. Salt advice. U&E. Review in 4 weeks.",
        code: "I10",
        who: For::Adult,
        signs: Signs {
            high_bp: true,
            ..CALM
        },
    },
    Case {
        complaint: "Diabetes review. Thirsty for {d} days.",
        history: &[
            "Metformin twice daily, misses doses.",
            "Passing urine at night. Mother diabetic.",
        ],
        examination: "Well. Feet: sensation intact, pulses present.",
        assessment: "Type 2 diabetes mellitus, HbA1c above target.",
        plan: "Metformin 1 g twice daily. Diet advice. HbA1c in 3 months.",
        code: "E11.9",
        who: For::Adult,
        signs: Signs {
            glucose: true,
            ..CALM
        },
    },
    Case {
        complaint: "Wheeze at night for {d} days.",
        history: &[
            "Uses the reliever most days.",
            "Worse with dust and cold air.",
        ],
        examination: "Scattered wheeze, speaking full sentences.",
        assessment: "Asthma, partly controlled.",
        plan: "Inhaled steroid twice daily, spacer technique checked. Review in 6 weeks.",
        code: "J45.909",
        who: For::Anyone,
        signs: Signs {
            breathless: true,
            ..CALM
        },
    },
    Case {
        complaint: "HIV clinic review. Well for {d} days since the last visit.",
        history: &[
            "Takes TLD daily, no missed doses.",
            "Partner tested and on treatment.",
        ],
        examination: "Well, no lymphadenopathy, no oral thrush.",
        assessment: "HIV disease on antiretroviral therapy, adherent.",
        plan: "Continue TLD. Viral load. Next refill in 3 months.",
        code: "B20",
        who: For::Adult,
        signs: CALM,
    },
    Case {
        complaint: "Epilepsy review. One seizure in the last {d} days.",
        history: &[
            "Missed carbamazepine while away.",
            "No injuries. Sleeping poorly.",
        ],
        examination: "Neurologically normal.",
        assessment: "Epilepsy, breakthrough seizure after missed doses.",
        plan: "Carbamazepine as before, pill box. Seizure diary. Review in 3 months.",
        code: "G40.909",
        who: For::Anyone,
        signs: CALM,
    },
    Case {
        complaint: "Swollen ankles and breathless lying flat for {d} days.",
        history: &["Sleeps on three pillows.", "Ran out of furosemide."],
        examination: "Bibasal crackles, pitting oedema to the knees, JVP raised.",
        assessment: "Chronic heart failure, fluid overloaded.",
        plan: "Furosemide 40 mg twice daily. Weigh daily. U&E in 1 week.",
        code: "I50.9",
        who: For::Adult,
        signs: Signs {
            breathless: true,
            high_bp: true,
            ..CALM
        },
    },
];

/// A ward round's note for day `{n}` of an admission for `{r}`.
pub const ROUND: [&str; 5] = [
    "Day {n} of admission for {r}.",
    "Slept fairly. Eating and drinking. Pain controlled.",
    "Alert, comfortable at rest. Observations reviewed, see vitals.",
    "Improving on treatment for {r}.",
    "Continue current treatment. Mobilise. Review bloods tomorrow.",
];

/// An admission's reason (as the wards write it) and its code.
pub const ADMISSION_CODES: &[(&str, &str)] = &[
    ("pneumonia", "J18.9"),
    ("fall", "R29.6"),
    ("diabetes", "E11.65"),
    ("appendicectomy", "K35.80"),
    ("hip fracture", "S72.001A"),
    ("malaria", "B50.8"),
    ("dehydration", "E86.0"),
    ("heart failure", "I50.9"),
    ("post-operative", "Z48.815"),
    ("asthma", "J45.901"),
];

/// The code of an admission with another reason.
pub const ADMISSION_OTHER: &str = "R69";

/// Addenda: why, and what was added.
pub const ADDENDA: &[(&str, &str)] = &[
    (
        "result received",
        "Laboratory result received after the visit: confirms the assessment. No change to plan.",
    ),
    (
        "dose corrected",
        "Dose in the plan corrected to the weight-based dose; patient informed by phone.",
    ),
    (
        "history from relative",
        "Daughter reports the symptoms began a week earlier than stated.",
    ),
];

/// Allergies: substance, reaction, severity.
pub const ALLERGIES: &[(&str, &str, Severity)] = &[
    ("Penicillin", "urticarial rash", Severity::Moderate),
    ("Sulfonamides", "Stevens-Johnson syndrome", Severity::Severe),
    ("Aspirin", "wheeze", Severity::Moderate),
    ("Ibuprofen", "stomach upset", Severity::Mild),
    ("Codeine", "vomiting", Severity::Mild),
    ("Chloroquine", "itching", Severity::Mild),
    ("Peanuts", "anaphylaxis", Severity::Severe),
    ("Latex", "contact dermatitis", Severity::Mild),
];

/// Every code the bench records.
pub fn all_codes() -> Vec<&'static str> {
    let mut codes: Vec<&str> = ACUTE.iter().chain(CHRONIC).map(|c| c.code).collect();
    codes.extend(ADMISSION_CODES.iter().map(|(_, c)| *c));
    codes.push(ADMISSION_OTHER);
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Whether a case suits a patient of `age` years and sex `sex`.
pub fn suits(c: &Case, age: i32, sex: &str) -> bool {
    match c.who {
        For::Anyone => true,
        For::Adult => age >= 16,
        For::Child => age < 14,
        For::Pregnant => sex == "F" && (18..45).contains(&age),
    }
}

/// A case's note, its complaint's days and history drawn with `rng`.
pub fn note(c: &Case, rng: &mut StdRng) -> NoteText {
    let days = rng.gen_range(1..8);
    NoteText {
        presenting_complaint: c.complaint.replace("{d}", &days.to_string()),
        history: c.history[rng.gen_range(0..c.history.len())].to_string(),
        examination: c.examination.to_string(),
        assessment: c.assessment.to_string(),
        plan: c.plan.to_string(),
    }
}

/// A ward round's note on day `day` of an admission for `reason`.
pub fn round_note(day: i64, reason: &str) -> NoteText {
    let fill = |s: &str| s.replace("{n}", &day.to_string()).replace("{r}", reason);
    NoteText {
        presenting_complaint: fill(ROUND[0]),
        history: fill(ROUND[1]),
        examination: fill(ROUND[2]),
        assessment: fill(ROUND[3]),
        plan: fill(ROUND[4]),
    }
}

/// The size of a patient that stays the same from set to set: weight in
/// grams and height in millimetres at `age` (years), drawn once.
pub fn build_of(age: i32, rng: &mut StdRng) -> (i64, i64) {
    match age {
        0 => (rng.gen_range(3_200..9_500), rng.gen_range(500..750)),
        1..=4 => (rng.gen_range(9_500..18_000), rng.gen_range(750..1_100)),
        5..=12 => (rng.gen_range(18_000..42_000), rng.gen_range(1_100..1_550)),
        _ => (rng.gen_range(48_000..98_000), rng.gen_range(1_500..1_880)),
    }
}

/// A plausible set for a patient of `age` years with `signs`, of build
/// `(weight, height)`; complete for NEWS2 from 16.
pub fn vitals(age: i32, signs: Signs, build: (i64, i64), rng: &mut StdRng) -> Vitals {
    let (pulse, rr) = match age {
        0 => (rng.gen_range(110..150), rng.gen_range(30..46)),
        1..=4 => (rng.gen_range(90..130), rng.gen_range(22..34)),
        5..=12 => (rng.gen_range(75..115), rng.gen_range(18..26)),
        _ => (rng.gen_range(60..94), rng.gen_range(12..19)),
    };
    let temp = if signs.fever {
        rng.gen_range(378..395)
    } else {
        rng.gen_range(361..374)
    };
    let fever_pulse = if signs.fever { 14 } else { 0 };
    let (spo2, rr) = if signs.breathless {
        (rng.gen_range(91..96), rr + rng.gen_range(3..8))
    } else {
        (rng.gen_range(96..101), rr)
    };
    let bp = match age {
        0..=4 => None,
        5..=12 => Some((rng.gen_range(95..115), rng.gen_range(55..74))),
        _ if signs.high_bp => Some((rng.gen_range(146..178), rng.gen_range(90..106))),
        _ => Some((rng.gen_range(104..136), rng.gen_range(64..86))),
    };
    let (weight, height) = build;
    let weight = if signs.thin { weight * 4 / 5 } else { weight };
    let muac = (1..5).contains(&age).then(|| {
        if signs.thin {
            rng.gen_range(112..124)
        } else {
            rng.gen_range(128..160)
        }
    });
    Vitals {
        temperature_dc: Some(temp),
        pulse: Some(pulse + fever_pulse),
        respiratory_rate: Some(rr),
        systolic: bp.map(|b| b.0),
        diastolic: bp.map(|b| b.1),
        spo2: Some(spo2),
        on_oxygen: Some(false),
        consciousness: (age >= 16).then_some(Consciousness::Alert),
        weight_g: Some(weight.max(2_500)),
        height_mm: rng.gen_bool(0.3).then_some(height),
        muac_mm: muac,
        pain: rng.gen_bool(0.5).then(|| rng.gen_range(0..6)),
        glucose_dmmol: signs.glucose.then(|| rng.gen_range(68..190)),
        ..Vitals::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_drawn_set_is_one_the_vitals_form_accepts() {
        let mut rng = StdRng::seed_from_u64(7);
        let all = [
            Signs::default(),
            FEVER,
            CHEST,
            Signs {
                high_bp: true,
                glucose: true,
                thin: true,
                ..CHEST
            },
        ];
        for age in 0..95 {
            for signs in all {
                let build = build_of(age, &mut rng);
                let v = vitals(age, signs, build, &mut rng);
                let refused: Vec<String> = v
                    .validate(age)
                    .err()
                    .unwrap_or_default()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                assert!(refused.is_empty(), "age {age}: {refused:?} {v:?}");
                assert_eq!(v.observations().is_some(), age >= 16, "age {age}: {v:?}");
            }
        }
    }

    #[test]
    fn every_case_suits_someone_and_fills_its_note() {
        let mut rng = StdRng::seed_from_u64(7);
        for c in ACUTE.iter().chain(CHRONIC) {
            assert!(
                [(3, "M"), (30, "F"), (70, "M")]
                    .iter()
                    .any(|(age, sex)| suits(c, *age, sex)),
                "{}",
                c.code
            );
            let n = note(c, &mut rng);
            assert!(!n.presenting_complaint.contains('{'), "{}", c.code);
            assert!(!n.history.is_empty() && !n.plan.is_empty());
        }
        let r = round_note(3, "severe malaria");
        assert!(
            r.presenting_complaint
                .starts_with("Day 3 of admission for severe malaria")
        );
    }
}
