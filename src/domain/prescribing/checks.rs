//! The checks run while prescribing, each a typed finding with its reason
//! in words, overridable only with a typed reason: an allergy matching the
//! medicine's generic name (its words, a synonym, or a class such as
//! "penicillins"), the same generic already active, and a child's dose
//! above the formulary's mg/kg maximum.

use chrono::{DateTime, Duration, Utc};
use strum::{Display, EnumIter, EnumString, IntoStaticStr};

/// Which check found something. Stored in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum CheckKind {
    Allergy,
    Duplicate,
    PaediatricDose,
}

impl CheckKind {
    /// How the check is named on screen.
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Allergy => "allergy",
            CheckKind::Duplicate => "same medicine already active",
            CheckKind::PaediatricDose => "child's dose",
        }
    }
}

/// A check that failed, with what it found in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: CheckKind,
    pub reason: String,
}

/// Lower-case words of a name: punctuation, hyphens and brackets are
/// spaces (`Co-trimoxazole` → `co trimoxazole`).
pub fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// Other names of the same medicines, keyed by their words run together.
const SYNONYMS: &[(&str, &str)] = &[
    ("acetaminophen", "paracetamol"),
    ("aspirin", "acetylsalicylic acid"),
    ("adrenaline", "epinephrine"),
    ("albuterol", "salbutamol"),
    ("cotrimoxazole", "sulfamethoxazole + trimethoprim"),
    ("frusemide", "furosemide"),
    ("lignocaine", "lidocaine"),
    ("amoxycillin", "amoxicillin"),
    ("glyburide", "glibenclamide"),
];

/// The single medicines of a name, each as its words: a combination
/// (`sulfamethoxazole + trimethoprim`) is two, a synonym is replaced.
pub fn components(name: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for part in name
        .split(['+', '/', ',', ';'])
        .flat_map(|p| p.split(" and "))
    {
        let w = words(part);
        if w.is_empty() {
            continue;
        }
        let joined = w.concat();
        match SYNONYMS.iter().find(|(k, _)| *k == joined) {
            Some((_, real)) => out.extend(components(real)),
            None => out.push(w),
        }
    }
    out
}

/// Whether `needle` appears in `hay` as whole words in a row, or the two
/// are the same once spaces are taken out.
fn within(needle: &[String], hay: &[String]) -> bool {
    if needle.is_empty() {
        return false;
    }
    needle.concat() == hay.concat() || hay.windows(needle.len()).any(|w| w == needle)
}

/// A class of medicines an allergy may name, and how to know a member.
struct Class {
    names: &'static [&'static str],
    label: &'static str,
    member: fn(&str) -> bool,
}

const NSAIDS: &[&str] = &[
    "ibuprofen",
    "diclofenac",
    "naproxen",
    "indometacin",
    "indomethacin",
    "ketorolac",
    "meloxicam",
    "piroxicam",
    "celecoxib",
    "mefenamic",
    "acetylsalicylic",
];
const OPIOIDS: &[&str] = &[
    "morphine",
    "codeine",
    "tramadol",
    "pethidine",
    "fentanyl",
    "oxycodone",
    "hydromorphone",
    "methadone",
    "dihydrocodeine",
];
const AMINOGLYCOSIDES: &[&str] = &[
    "gentamicin",
    "amikacin",
    "streptomycin",
    "kanamycin",
    "tobramycin",
];

const CLASSES: &[Class] = &[
    Class {
        names: &["penicillin", "penicillins"],
        label: "a penicillin",
        member: |w| w.ends_with("cillin"),
    },
    Class {
        names: &["cephalosporin", "cephalosporins"],
        label: "a cephalosporin",
        member: |w| w.starts_with("cef") || w.starts_with("ceph"),
    },
    Class {
        names: &[
            "sulfonamide",
            "sulfonamides",
            "sulphonamide",
            "sulphonamides",
            "sulfa",
            "sulpha",
        ],
        label: "a sulfonamide",
        member: |w| (w.starts_with("sulfa") || w.starts_with("sulpha")) && !w.ends_with("ate"),
    },
    Class {
        names: &["nsaid", "nsaids"],
        label: "an NSAID",
        member: |w| NSAIDS.contains(&w),
    },
    Class {
        names: &["macrolide", "macrolides"],
        label: "a macrolide",
        member: |w| w.ends_with("thromycin"),
    },
    Class {
        names: &[
            "quinolone",
            "quinolones",
            "fluoroquinolone",
            "fluoroquinolones",
        ],
        label: "a quinolone",
        member: |w| w.ends_with("floxacin"),
    },
    Class {
        names: &["tetracyclines"],
        label: "a tetracycline",
        member: |w| w.ends_with("cycline"),
    },
    Class {
        names: &["opioid", "opioids", "opiate", "opiates"],
        label: "an opioid",
        member: |w| OPIOIDS.contains(&w),
    },
    Class {
        names: &["aminoglycoside", "aminoglycosides"],
        label: "an aminoglycoside",
        member: |w| AMINOGLYCOSIDES.contains(&w),
    },
    Class {
        names: &["carbapenem", "carbapenems"],
        label: "a carbapenem",
        member: |w| w.ends_with("penem"),
    },
    Class {
        names: &["ace inhibitor", "ace inhibitors"],
        label: "an ACE inhibitor",
        member: |w| w.ends_with("pril"),
    },
];

/// Why an allergy to `substance` matches the medicine `generic`, in words;
/// `None` when it does not.
pub fn allergy_match(substance: &str, generic: &str) -> Option<String> {
    let meds = components(generic);
    let sub_words = words(substance);
    let sub_joined = sub_words.join(" ");
    if let Some(class) = CLASSES
        .iter()
        .find(|c| c.names.contains(&sub_joined.as_str()))
    {
        let member = meds
            .iter()
            .flat_map(|m| m.iter())
            .find(|w| (class.member)(w));
        if let Some(w) = member {
            return Some(format!("{w} is {}", class.label));
        }
    }
    for allergen in components(substance) {
        if let Some(m) = meds
            .iter()
            .find(|m| within(&allergen, m) || within(m, &allergen))
        {
            return Some(if m == &allergen {
                format!("{} is the medicine prescribed", m.join(" "))
            } else {
                format!("{} contains {}", m.join(" "), allergen.join(" "))
            });
        }
    }
    None
}

/// An allergy of the patient, as the check reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownAllergy {
    pub substance: String,
    pub reaction: String,
    /// `mild`, `moderate`, `severe`.
    pub severity: String,
}

/// The allergy check: every standing allergy that matches the medicine.
pub fn allergy_check(allergies: &[KnownAllergy], generic: &str) -> Option<Finding> {
    let hits: Vec<String> = allergies
        .iter()
        .filter_map(|a| {
            allergy_match(&a.substance, generic).map(|why| {
                let reaction = if a.reaction.is_empty() {
                    String::new()
                } else {
                    format!(", {}", a.reaction)
                };
                format!(
                    "allergic to {} ({}{reaction}): {why}",
                    a.substance, a.severity
                )
            })
        })
        .collect();
    (!hits.is_empty()).then(|| Finding {
        kind: CheckKind::Allergy,
        reason: hits.join("; "),
    })
}

/// A medicine the patient has active now, as the duplicate check reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveMedicine {
    pub generic: String,
    /// How it reads: `Paracetamol 500 mg tablet 1 g QID`.
    pub label: String,
    pub prescribed_at: DateTime<Utc>,
}

/// The duplicate check: an active medicine sharing a generic with this one
/// (paracetamol alone and paracetamol in a combination are the same).
pub fn duplicate_check(active: &[ActiveMedicine], generic: &str) -> Option<Finding> {
    let new = components(generic);
    let hits: Vec<String> = active
        .iter()
        .filter_map(|a| {
            let old = components(&a.generic);
            new.iter()
                .find(|n| old.iter().any(|o| within(n, o) || within(o, n)))
                .map(|n| format!("{} is already active: {}", n.join(" "), a.label))
        })
        .collect();
    (!hits.is_empty()).then(|| Finding {
        kind: CheckKind::Duplicate,
        reason: hits.join("; "),
    })
}

/// Below this age doses are checked per kilogram of body weight; from it
/// on, adult doses apply (as in the BNF for Children's age bands).
pub const CHILD_UNDER_YEARS: i32 = 12;

/// What the paediatric dose check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildDose<'a> {
    pub age_years: i32,
    /// The formulary's maximum in micrograms per kg in one dose.
    pub max_mcg_per_kg: Option<i64>,
    /// The dose's mass in nanograms, when it can be known.
    pub dose_ng: Option<i64>,
    /// The dose as written (`250 mg`), for the message.
    pub dose_label: &'a str,
    /// The latest weight recorded (grams) and when.
    pub weight: Option<(i64, DateTime<Utc>)>,
    /// The `weight_valid_days` setting.
    pub weight_valid_days: u32,
    pub now: DateTime<Utc>,
}

/// Nanograms in mg, to a tenth.
fn mg_tenths(ng: i128) -> String {
    let tenths = (ng + 50_000) / 100_000;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// Nanograms in mg, to the microgram.
fn mg_exact(ng: i128) -> String {
    super::show_milli(i64::try_from((ng + 500) / 1000).unwrap_or(i64::MAX))
}

/// The paediatric dose check: for a child, an item with a mg/kg maximum
/// and a dose above it for the weight recorded within the setting's days.
/// A dose that cannot be weighed, or a child with no recent weight, is a
/// finding too: the maximum cannot be checked.
pub fn paediatric_check(c: &ChildDose) -> Option<Finding> {
    let max = c.max_mcg_per_kg?;
    if c.age_years >= CHILD_UNDER_YEARS {
        return None;
    }
    let finding = |reason: String| {
        Some(Finding {
            kind: CheckKind::PaediatricDose,
            reason,
        })
    };
    let max_mg = mg_exact(i128::from(max) * 1000);
    let weight = c
        .weight
        .filter(|(_, at)| c.now - *at <= Duration::days(i64::from(c.weight_valid_days)));
    let Some((grams, _)) = weight else {
        return finding(format!(
            "no weight recorded in the last {} days: the dose cannot be checked against the maximum of {max_mg} mg/kg; weigh the child",
            c.weight_valid_days
        ));
    };
    let Some(ng) = c.dose_ng else {
        return finding(format!(
            "{} cannot be weighed in mg from the item's strength: the maximum of {max_mg} mg/kg cannot be checked; write the dose in mg",
            c.dose_label
        ));
    };
    // mcg/kg × g = ng.
    let limit = i128::from(max) * i128::from(grams);
    if i128::from(ng) <= limit {
        return None;
    }
    let per_kg = i128::from(ng) * 1000 / i128::from(grams.max(1));
    finding(format!(
        "{} is {} mg/kg for {} kg: above the maximum of {max_mg} mg/kg a dose ({} mg)",
        c.dose_label,
        mg_tenths(per_kg),
        super::show_milli(grams),
        mg_exact(limit)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn allergy(s: &str) -> KnownAllergy {
        KnownAllergy {
            substance: s.into(),
            reaction: "rash".into(),
            severity: "moderate".into(),
        }
    }

    #[test]
    fn an_allergy_matches_the_generic_by_words_spacing_and_case() {
        assert!(allergy_match("Penicillin", "benzylpenicillin").is_some());
        assert!(allergy_match("amoxicillin", "Amoxicillin + clavulanic acid").is_some());
        assert!(allergy_match("CODEINE", "codeine phosphate").is_some());
        assert!(allergy_match("co-trimoxazole", "sulfamethoxazole + trimethoprim").is_some());
        assert!(allergy_match("co trimoxazole", "trimethoprim").is_some());
        assert!(allergy_match("trimethoprim", "Co-Trimoxazole").is_some());
        assert!(allergy_match("aspirin", "acetylsalicylic acid").is_some());
        assert!(allergy_match("adrenaline", "epinephrine (adrenaline)").is_some());
        assert!(
            allergy_match("  chlor  hexidine ", "chlorhexidine digluconate").is_none(),
            "a split word is another word"
        );
        assert!(allergy_match("chlorhexidine", "chlorhexidine digluconate").is_some());
        assert!(allergy_match("paracetamol", "ibuprofen").is_none());
        assert!(allergy_match("iron", "ferrous sulfate").is_none());
        assert!(
            allergy_match("sulfa", "ferrous sulfate").is_none(),
            "sulfate is not a sulfonamide"
        );
    }

    #[test]
    fn an_allergy_to_a_class_matches_its_members() {
        let why = allergy_match("penicillins", "flucloxacillin").unwrap();
        assert_eq!(why, "flucloxacillin is a penicillin");
        assert!(allergy_match("penicillin", "phenoxymethylpenicillin").is_some());
        assert!(allergy_match("cephalosporins", "ceftriaxone").is_some());
        assert!(allergy_match("cephalosporin", "cefalexin").is_some());
        assert!(allergy_match("sulfonamides", "sulfadoxine + pyrimethamine").is_some());
        assert!(allergy_match("NSAIDs", "diclofenac sodium").is_some());
        assert!(allergy_match("nsaid", "aspirin").is_some());
        assert!(allergy_match("macrolides", "azithromycin").is_some());
        assert!(allergy_match("quinolones", "ciprofloxacin").is_some());
        assert!(allergy_match("opioids", "tramadol hydrochloride").is_some());
        assert!(allergy_match("ACE inhibitors", "enalapril maleate").is_some());
        assert!(allergy_match("penicillin", "ceftriaxone").is_none());
        assert!(allergy_match("nsaids", "paracetamol").is_none());
    }

    #[test]
    fn the_allergy_finding_names_each_matching_allergy() {
        let f = allergy_check(&[allergy("penicillin"), allergy("latex")], "amoxicillin").unwrap();
        assert_eq!(f.kind, CheckKind::Allergy);
        assert_eq!(
            f.reason,
            "allergic to penicillin (moderate, rash): amoxicillin is a penicillin"
        );
        assert!(allergy_check(&[allergy("latex")], "amoxicillin").is_none());
        assert!(allergy_check(&[], "amoxicillin").is_none());
    }

    #[test]
    fn the_same_generic_already_active_is_a_duplicate() {
        let at = Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap();
        let active = [ActiveMedicine {
            generic: "paracetamol + codeine phosphate".into(),
            label: "Co-codamol 500/8 mg tablet 2 tablets QID".into(),
            prescribed_at: at,
        }];
        let f = duplicate_check(&active, "Paracetamol").unwrap();
        assert_eq!(f.kind, CheckKind::Duplicate);
        assert!(
            f.reason
                .starts_with("paracetamol is already active: Co-codamol"),
            "{}",
            f.reason
        );
        assert!(duplicate_check(&active, "codeine").is_some());
        assert!(duplicate_check(&active, "ibuprofen").is_none());
        let insulin = [ActiveMedicine {
            generic: "insulin (soluble)".into(),
            label: "Actrapid".into(),
            prescribed_at: at,
        }];
        assert!(duplicate_check(&insulin, "insulin (isophane)").is_none());
        assert!(duplicate_check(&insulin, "Insulin  (Soluble)").is_some());
    }

    #[test]
    fn a_childs_dose_is_checked_per_kilogram_of_a_recent_weight() {
        let now = Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap();
        let base = ChildDose {
            age_years: 4,
            max_mcg_per_kg: Some(15_000),
            dose_ng: Some(250_000_000),
            dose_label: "250 mg",
            weight: Some((16_000, now - Duration::days(3))),
            weight_valid_days: 30,
            now,
        };
        // 250 mg for 16 kg is 15.6 mg/kg: above 15 mg/kg (240 mg).
        let f = paediatric_check(&base).unwrap();
        assert_eq!(f.kind, CheckKind::PaediatricDose);
        assert_eq!(
            f.reason,
            "250 mg is 15.6 mg/kg for 16 kg: above the maximum of 15 mg/kg a dose (240 mg)"
        );
        // 240 mg is exactly the maximum.
        assert!(
            paediatric_check(&ChildDose {
                dose_ng: Some(240_000_000),
                ..base
            })
            .is_none()
        );
        // Adults, and items with no maximum, are not checked.
        assert!(
            paediatric_check(&ChildDose {
                age_years: 12,
                ..base
            })
            .is_none()
        );
        assert!(
            paediatric_check(&ChildDose {
                max_mcg_per_kg: None,
                ..base
            })
            .is_none()
        );
        // A weight older than the setting's days does not count.
        let old = ChildDose {
            weight: Some((16_000, now - Duration::days(31))),
            ..base
        };
        let f = paediatric_check(&old).unwrap();
        assert!(
            f.reason
                .starts_with("no weight recorded in the last 30 days"),
            "{}",
            f.reason
        );
        let f = paediatric_check(&ChildDose {
            weight: None,
            ..base
        })
        .unwrap();
        assert!(f.reason.contains("weigh the child"), "{}", f.reason);
        assert!(
            paediatric_check(&ChildDose {
                weight: Some((16_000, now - Duration::days(30))),
                ..base
            })
            .is_some()
        );
        // A dose that cannot be weighed cannot be checked.
        let f = paediatric_check(&ChildDose {
            dose_ng: None,
            dose_label: "5 ml",
            ..base
        })
        .unwrap();
        assert!(f.reason.contains("write the dose in mg"), "{}", f.reason);
        // A fractional maximum: 0.05 mg/kg.
        let small = ChildDose {
            max_mcg_per_kg: Some(50),
            dose_ng: Some(1_000_000),
            dose_label: "1 mg",
            ..base
        };
        let f = paediatric_check(&small).unwrap();
        assert_eq!(
            f.reason,
            "1 mg is 0.1 mg/kg for 16 kg: above the maximum of 0.05 mg/kg a dose (0.8 mg)"
        );
    }
}
