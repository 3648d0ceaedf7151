//! British spellings of medical words folded to the American ones that
//! ICD-10-CM uses (`anaemia` → `anemia`, `oesophagitis` → `esophagitis`,
//! `tumour` → `tumor`), so that a clinician finds a code in either spelling
//! and a hospital's British list is found by American words too.
//!
//! The rules are narrow on purpose: a digraph is folded only where British
//! medical spelling puts it (`ae` before `m`, `d` or `c` inside a word:
//! haem-, paed-, faec-; `oe` opening oedema, oesophagus, oestrogen; -rrhoea,
//! -pnoea; foet-, coel-, amoeb-), so that words holding `ae` or `oe` in both
//! spellings (aerobic, aesthetic, influenzae, does, shoe, toe, poem, aloe,
//! gastroenteritis) stay as they are. No word of the shipped ICD-10-CM is
//! changed, nor the beginning of one but for `haem…` of `haematobium` (a
//! test of `ops::codes` holds this), so American searches find what they
//! found before.
//!
//! A beginning is folded once its telling letters are typed: `anae` may
//! still be `anaerobic`, `anaem` is anaemia.

/// The beginnings of words whose `-our` is `-or` in American spelling
/// (tumour, behaviour, labour, colour, odour, humour, vapour, favour).
const OUR_STEMS: &[&str] = &["tum", "behavi", "lab", "col", "od", "hum", "vap", "fav"];

/// Writes the American spelling of `word` (a word as [`super::words`]
/// gives it: lower case, without accents) into `out`, replacing what it
/// held, and says whether it differs from `word`. Folding it again changes
/// nothing.
pub fn american_into(word: &str, out: &mut String) -> bool {
    out.clear();
    let b = word.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < b.len() {
        let (skip, with) = if let Some(n) = our_at(b, i) {
            (n, "o")
        } else if (b[i..].starts_with(b"ae") && ae_folds(b, i))
            || (b[i..].starts_with(b"oe") && oe_folds(b, i))
        {
            (2, "e")
        } else if b[i..].starts_with(b"is") && ise_folds(b, i) {
            (2, "iz")
        } else if b[i..].starts_with(b"sulph") {
            (5, "sulf")
        } else {
            i += 1;
            continue;
        };
        // Every rule starts and ends on ASCII letters: `i` and `i + skip`
        // are character boundaries.
        out.push_str(&word[from..i]);
        out.push_str(with);
        i += skip;
        from = i;
    }
    if from == 0 {
        return false;
    }
    out.push_str(&word[from..]);
    true
}

/// The American spelling of `word`, when it differs (see [`american_into`]).
pub fn american(word: &str) -> Option<String> {
    let mut out = String::new();
    american_into(word, &mut out).then_some(out)
}

/// `ae` as in haem-, anaem-, -aemia, paed-, faec-, gynaec-, caes-, anaes-,
/// aetio-; not in aerobic, aesthetic, taenia, algae, nor the Latin names
/// *Schistosoma haematobium* and *Vibrio parahaemolyticus*, which
/// ICD-10-CM spells so.
fn ae_folds(b: &[u8], i: usize) -> bool {
    match b.get(i + 2) {
        Some(b'm') => i > 0 && !b.starts_with(b"haematob") && !b.starts_with(b"parahaem"),
        Some(b'd' | b'c') => i > 0,
        Some(b's') => i > 0 && matches!(b[i - 1], b'c' | b'n'),
        Some(b't') => i == 0,
        _ => false,
    }
}

/// `oe` as in oedema, oesophagus, oestrogen; diarrhoea, dyspnoea; foetal,
/// coeliac, amoeba, homoeopathy; lymphoedema, myxoedema; not in does,
/// shoe, toe, poem, aloe, canoe, poet, coerce, gastroenteritis.
fn oe_folds(b: &[u8], i: usize) -> bool {
    let next = b.get(i + 2).copied();
    let before = &b[..i];
    (i == 0 && matches!(next, Some(b'd' | b's')))
        || before.ends_with(b"rrh")
        || before.ends_with(b"pn")
        || (i == 1 && matches!((b[0], next), (b'f', Some(b't')) | (b'c', Some(b'l'))))
        || (i == 2 && b.starts_with(b"amoeb"))
        || (i == 3 && b.starts_with(b"homoeo"))
        || (i > 0 && !is_vowel(b[i - 1]) && b[i + 2..].starts_with(b"de"))
}

/// `is` as in -isation, and after `al` in localised, generalising,
/// hospitalisation; not in australis, calisthenics, bruised, raised.
fn ise_folds(b: &[u8], i: usize) -> bool {
    b[i..].starts_with(b"isation")
        || (b[..i].ends_with(b"al") && matches!(b.get(i + 2), Some(b'e' | b'i' | b'a')))
}

/// The length of the `ou` to write `o` for, when `i` is where it starts in
/// a word that begins with one of [`OUR_STEMS`] and goes on with `our` (or
/// ends at `ou`, as typed so far).
fn our_at(b: &[u8], i: usize) -> Option<usize> {
    let fits = OUR_STEMS
        .iter()
        .any(|s| s.len() == i && b.starts_with(s.as_bytes()))
        && b[i..].starts_with(b"ou")
        && matches!(b.get(i + 2), None | Some(b'r'));
    fits.then_some(2)
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(word: &str) -> String {
        american(word).unwrap_or_else(|| word.to_string())
    }

    #[test]
    fn british_medical_words_become_american() {
        for (british, american) in [
            ("anaemia", "anemia"),
            ("anaemic", "anemic"),
            ("haemorrhage", "hemorrhage"),
            ("haemorrhoids", "hemorrhoids"),
            ("oedema", "edema"),
            ("lymphoedema", "lymphedema"),
            ("myxoedema", "myxedema"),
            ("papilloedema", "papilledema"),
            ("oesophagitis", "esophagitis"),
            ("oesophageal", "esophageal"),
            ("diarrhoea", "diarrhea"),
            ("diarrhoeal", "diarrheal"),
            ("amenorrhoea", "amenorrhea"),
            ("gonorrhoea", "gonorrhea"),
            ("paediatric", "pediatric"),
            ("foetal", "fetal"),
            ("foetus", "fetus"),
            ("tumour", "tumor"),
            ("tumours", "tumors"),
            ("ischaemic", "ischemic"),
            ("leukaemia", "leukemia"),
            ("coeliac", "celiac"),
            ("faecal", "fecal"),
            ("faeces", "feces"),
            ("gynaecological", "gynecological"),
            ("haematoma", "hematoma"),
            ("septicaemia", "septicemia"),
            ("hypoglycaemia", "hypoglycemia"),
            ("behaviour", "behavior"),
            ("behavioural", "behavioral"),
            ("labour", "labor"),
            ("colour", "color"),
            ("odour", "odor"),
            ("orthopaedic", "orthopedic"),
            ("oestrogen", "estrogen"),
            ("caesarean", "cesarean"),
            ("dyspnoea", "dyspnea"),
            ("apnoea", "apnea"),
            ("tachypnoea", "tachypnea"),
            ("haemoglobin", "hemoglobin"),
            ("haemophilus", "hemophilus"),
            ("anaesthesia", "anesthesia"),
            ("aetiology", "etiology"),
            ("caecum", "cecum"),
            ("amoebic", "amebic"),
            ("homoeopathy", "homeopathy"),
            ("localised", "localized"),
            ("generalising", "generalizing"),
            ("hospitalisation", "hospitalization"),
            ("immunisation", "immunization"),
            ("sulphonamides", "sulfonamides"),
        ] {
            assert_eq!(us(british), american, "{british}");
        }
    }

    #[test]
    fn words_with_ae_or_oe_in_both_spellings_are_kept() {
        for word in [
            "aerobic",
            "anaerobic",
            "aerosol",
            "aeruginosa",
            "aesthetic",
            "does",
            "goes",
            "shoe",
            "horseshoe",
            "toe",
            "toes",
            "poem",
            "poet",
            "noel",
            "aloe",
            "canoe",
            "coerce",
            "coexisting",
            "influenzae",
            "vertebrae",
            "taenia",
            "megaesophagus",
            "gastroenteritis",
            "thromboembolism",
            "tracheoesophageal",
            "acanthamoeba",
            "haematobium",
            "parahaemolyticus",
            "hour",
            "four",
            "course",
            "contour",
            "flour",
            "bruised",
            "raised",
            "arising",
            "australis",
            "calisthenics",
            "anemia",
            "edema",
            "tumor",
            "oe",
            "ae",
            "e",
            "",
            "sézary",
            "日本",
        ] {
            assert_eq!(american(word), None, "{word}");
        }
    }

    #[test]
    fn beginnings_fold_once_their_telling_letters_are_typed() {
        for (typed, folded) in [
            ("anaem", "anem"),
            ("haem", "hem"),
            ("paed", "ped"),
            ("oed", "ed"),
            ("oes", "es"),
            ("diarrhoe", "diarrhe"),
            ("dyspnoe", "dyspne"),
            ("tumou", "tumo"),
            ("behaviou", "behavio"),
            ("labou", "labo"),
            ("leukaem", "leukem"),
            ("coel", "cel"),
            ("foet", "fet"),
            ("caes", "ces"),
        ] {
            assert_eq!(us(typed), folded, "{typed}");
        }
        // Still ambiguous: anaerobic, haematobium.
        for typed in ["anae", "ana", "hae", "pae", "o", "tumo"] {
            assert_eq!(american(typed), None, "{typed}");
        }
    }

    #[test]
    fn folding_twice_changes_nothing_more() {
        for word in [
            "anaemia",
            "oesophagitis",
            "diarrhoea",
            "tumour",
            "hospitalisation",
            "sulphate",
            "haemorrhoea",
            "oedemataemia",
        ] {
            let once = us(word);
            assert_eq!(us(&once), once, "{word}");
        }
    }
}
