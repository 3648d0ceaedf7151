//! Diagnosis codes as the screens use them: the list in use (the shipped
//! ICD-10-CM, or the hospital's own once loaded), searched as you type, and
//! a code looked up to validate a diagnosis.
//!
//! The shipped list is compiled into the program (`assets/icd10cm.tsv.gz`)
//! and indexed once per process, on first use. A hospital's list is read
//! from its file and indexed once per load: each search reads only the
//! list's `version` (one row by key), so a list loaded at another terminal
//! is picked up at the next keystroke. A code list is reference data, not a
//! patient's: reading it needs no permission and is not audited.

use crate::domain::code_list::{CodeList, CodeRef, Match};
use crate::error::{Error, Result};
use crate::store::Db;
use crate::store::code_lists::{self, ListInfo};
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The code system of the shipped list.
pub const SHIPPED_SYSTEM: &str = "ICD-10-CM";

/// The shipped list: written by `assets/tools/icd10cm_extract.py`.
const SHIPPED: &[u8] = include_bytes!("../../assets/icd10cm.tsv.gz");

/// The shipped list, indexed, and its header line (source and release).
struct Shipped {
    list: Arc<CodeList>,
    release: String,
}

fn shipped() -> Result<&'static Shipped> {
    static ONCE: OnceLock<std::result::Result<Shipped, String>> = OnceLock::new();
    ONCE.get_or_init(|| {
        let (release, list) = build_shipped()?;
        Ok(Shipped {
            list: Arc::new(list),
            release,
        })
    })
    .as_ref()
    .map_err(|e| {
        Error::Refused(format!(
            "the shipped ICD-10-CM list could not be read ({e}): this copy of wardline is damaged; install it again"
        ))
    })
}

/// Decompresses and indexes the shipped list: what the first search of a
/// process pays (the bench measures it). Returns its header line too.
pub fn build_shipped() -> std::result::Result<(String, CodeList), String> {
    // Gzip ends with the text's size: one allocation instead of a string
    // doubling through the sizes below it, each copy held while the next
    // is made.
    let size = SHIPPED
        .last_chunk::<4>()
        .map_or(0, |b| u32::from_le_bytes(*b) as usize);
    let mut text = String::with_capacity(size);
    flate2::read::GzDecoder::new(SHIPPED)
        .read_to_string(&mut text)
        .map_err(|e| format!("decompressing: {e}"))?;
    CodeList::from_tsv(SHIPPED_SYSTEM, text)
}

/// Indexes the shipped list now if it is not yet (about 0.1 s, once per
/// process), so that a screen can spare the clinician's first keystroke
/// that wait by calling this on a background thread at sign-in.
pub fn prepare_shipped() -> Result<()> {
    shipped().map(|_| ())
}

/// The header of the shipped list: its source and release.
pub fn shipped_release() -> Result<String> {
    Ok(shipped()?.release.clone())
}

/// The last hospital list indexed in this process, by its version.
static HOSPITAL: Mutex<Option<(String, Arc<CodeList>)>> = Mutex::new(None);

/// The list searches use: the hospital's own if loaded, else the shipped one.
pub fn active_list(db: &Db) -> Result<Arc<CodeList>> {
    match code_lists::info(db.conn())? {
        None => Ok(shipped()?.list.clone()),
        Some(info) => hospital_list(db, &info),
    }
}

fn hospital_list(db: &Db, info: &ListInfo) -> Result<Arc<CodeList>> {
    let mut cached = HOSPITAL.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((version, list)) = cached.as_ref()
        && *version == info.version
    {
        return Ok(list.clone());
    }
    let list = Arc::new(CodeList::build(
        &info.system,
        code_lists::entries(db.conn())?,
    ));
    *cached = Some((info.version.clone(), list.clone()));
    Ok(list)
}

/// A code of a list, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub system: String,
    pub code: String,
    pub description: String,
    /// Valid for recording (a leaf of the classification), not a heading.
    pub billable: bool,
}

impl Code {
    fn of(system: &str, entry: CodeRef<'_>) -> Code {
        Code {
            system: system.to_string(),
            code: entry.code.to_string(),
            description: entry.description.to_string(),
            billable: entry.billable,
        }
    }
}

/// One result of [`search_codes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeHit {
    pub code: Code,
    pub matched: Match,
}

/// What [`search_codes`] found, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeResults {
    /// The system searched (the list in use).
    pub system: String,
    pub hits: Vec<CodeHit>,
    /// Whether more codes matched than were asked for.
    pub more: bool,
}

/// Searches the list in use as a clinician types: by code with or without
/// its dot (`e119`, `E11.9`, `b5`), or by words of the description in any
/// order, each the beginning of a word (`diab typ 2`); at most `limit`
/// results.
pub fn search_codes(db: &Db, query: &str, limit: usize) -> Result<CodeResults> {
    let list = active_list(db)?;
    let found = list.search(query, limit);
    Ok(CodeResults {
        system: list.system().to_string(),
        hits: found
            .hits
            .iter()
            .map(|h| CodeHit {
                code: Code::of(list.system(), h.entry),
                matched: h.matched,
            })
            .collect(),
        more: found.more,
    })
}

/// A code of `system`, typed with or without its dot, to validate a
/// diagnosis: found in the hospital's list when it is of that system, else
/// in the shipped ICD-10-CM when the system is that, else nowhere.
pub fn lookup(db: &Db, system: &str, code: &str) -> Result<Option<Code>> {
    let system = system.trim();
    if let Some(info) = code_lists::info(db.conn())?
        && info.system.eq_ignore_ascii_case(system)
    {
        let list = hospital_list(db, &info)?;
        return Ok(list.lookup(code).map(|e| Code::of(list.system(), e)));
    }
    if system.eq_ignore_ascii_case(SHIPPED_SYSTEM) {
        let list = &shipped()?.list;
        return Ok(list.lookup(code).map(|e| Code::of(list.system(), e)));
    }
    Ok(None)
}

/// Refuses a diagnosis or problem whose code is not in the list of its
/// system, so that the record only holds codes that exist.
pub fn require_known(db: &Db, system: &str, code: &str) -> Result<()> {
    match lookup(db, system, code)? {
        Some(_) => Ok(()),
        None => Err(crate::error::Error::Refused(format!(
            "{} is not a code of {}: search the list by code or by words and pick one",
            code.trim(),
            system.trim()
        ))),
    }
}

/// Which list searches use, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInUse {
    pub system: String,
    pub codes: usize,
    /// The shipped list's release, or the file the hospital's came from.
    pub source: String,
    /// Whether it is the shipped list.
    pub shipped: bool,
}

/// The list searches use now.
pub fn list_in_use(db: &Db) -> Result<ListInUse> {
    Ok(match code_lists::info(db.conn())? {
        None => {
            let s = shipped()?;
            ListInUse {
                system: SHIPPED_SYSTEM.to_string(),
                codes: s.list.len(),
                source: s.release.clone(),
                shipped: true,
            }
        }
        Some(info) => ListInUse {
            system: info.system,
            codes: usize::try_from(info.codes).unwrap_or(0),
            source: format!("{}, loaded {}", info.source, info.loaded_at),
            shipped: false,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_is_the_whole_icd_10_cm() {
        let (release, list) = build_shipped().unwrap();
        assert!(release.starts_with("ICD-10-CM "), "{release}");
        assert!(release.contains("public domain"), "{release}");
        assert!(list.len() > 90_000, "{}", list.len());
        // Every line of the asset is a code of its own.
        let mut text = String::new();
        flate2::read::GzDecoder::new(SHIPPED)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(
            text.lines().filter(|l| !l.starts_with('#')).count(),
            list.len()
        );
        assert_eq!(list.system(), SHIPPED_SYSTEM);
        for (code, billable) in [
            ("B54", true),
            ("E11", false),
            ("E11.9", true),
            ("O09.90", true),
            ("S72.001A", true),
        ] {
            let entry = list.lookup(code).unwrap();
            assert_eq!((entry.code, entry.billable), (code, billable));
        }
        let found = list.search("diab typ 2", 20);
        assert!(found.more);
        assert!(
            found.hits.iter().take(3).any(|h| h.entry.code == "E11.9"),
            "{found:?}"
        );
        assert!(
            found.hits.iter().all(|h| {
                let d = h.entry.description.to_lowercase();
                d.contains("diabetes") && d.contains("type") && d.contains('2')
            }),
            "{found:?}"
        );
        assert_eq!(list.search("e119", 5).hits[0].entry.code, "E11.9");
        assert_eq!(
            list.search("b54", 5).hits[0].entry.description,
            "Unspecified malaria"
        );
    }

    fn codes_found<'a>(list: &'a CodeList, query: &str, limit: usize) -> Vec<&'a str> {
        list.search(query, limit)
            .hits
            .iter()
            .map(|h| h.entry.code)
            .collect()
    }

    #[test]
    fn british_spellings_find_the_american_codes() {
        let (_, list) = build_shipped().unwrap();
        for (british, american, code) in [
            ("anaemia", "anemia", "D64.9"),
            ("haemorrhage", "hemorrhage", "R58"),
            ("oedema", "edema", "R60.9"),
            ("oesophagitis", "esophagitis", "K20.9"),
            (
                "gastro oesophageal reflux",
                "gastro esophageal reflux",
                "K21.9",
            ),
            ("diarrhoea", "diarrhea", "R19.7"),
            ("paediatric feeding", "pediatric feeding", "R63.31"),
            ("foetal haemoglobin", "fetal hemoglobin", "D56.4"),
            ("tumour lysis", "tumor lysis", "E88.3"),
            ("ischaemic heart", "ischemic heart", "I25.9"),
            ("leukaemia", "leukemia", "C95.90"),
            ("coeliac", "celiac", "K90.0"),
            ("faecal impaction", "fecal impaction", "K56.41"),
            ("incontinence faeces", "incontinence feces", "R15.9"),
            ("gynaecological", "gynecological", "Z01.419"),
            ("haematoma obstetric", "hematoma obstetric", "O90.2"),
            (
                "uncertain behaviour lip",
                "uncertain behavior lip",
                "D37.01",
            ),
            ("obstructed labour", "obstructed labor", "O66.9"),
            ("preterm labour", "preterm labor", "O60.00"),
            ("orthopaedic aftercare", "orthopedic aftercare", "Z47.89"),
            ("oestrogen", "estrogen", "E28.0"),
            ("caesarean", "cesarean", "O82"),
            ("dyspnoea", "dyspnea", "R06.00"),
            ("apnoea", "apnea", "G47.30"),
            ("haemoglobinopathies", "hemoglobinopathies", "D58.2"),
            // ICD-10-CM says sepsis; both spellings find the same (nothing).
            ("septicaemia", "septicemia", ""),
        ] {
            let found = codes_found(&list, british, 500);
            assert_eq!(found, codes_found(&list, american, 500), "{british}");
            assert!(
                code.is_empty() || found.contains(&code),
                "{british}: {found:?}"
            );
        }
        // As typed: the beginning finds the family.
        assert!(codes_found(&list, "anaem", 500).contains(&"D64.9"));
        assert!(codes_found(&list, "oedem", 500).contains(&"R60.9"));
        assert!(codes_found(&list, "diarrhoe", 500).contains(&"R19.7"));
    }

    /// The spelling rules leave every word of ICD-10-CM, and every
    /// beginning of one as typed, as it is, so American searches find what
    /// they found before; the one exception is `haem…`, which begins both
    /// haematobium and the British haematoma, and finds both.
    #[test]
    fn no_american_word_or_beginning_is_respelt() {
        use crate::domain::code_list::{spelling::american, words};
        let (_, list) = build_shipped().unwrap();
        let mut vocabulary: Vec<String> = list.iter().flat_map(|e| words(e.description)).collect();
        vocabulary.sort_unstable();
        vocabulary.dedup();
        assert!(vocabulary.len() > 7_000, "{}", vocabulary.len());
        let mut respelt = Vec::new();
        for word in &vocabulary {
            for (i, _) in word.char_indices().skip(1).chain([(word.len(), ' ')]) {
                let typed = &word[..i];
                if american(typed).is_some() {
                    respelt.push(typed.to_string());
                }
            }
        }
        respelt.sort_unstable();
        respelt.dedup();
        assert_eq!(respelt, ["haem", "haema", "haemat", "haemato"]);
    }
}
