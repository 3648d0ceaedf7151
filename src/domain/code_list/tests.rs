use super::*;

fn code(code: &str, billable: bool, description: &str) -> NewCode {
    NewCode {
        code: code.into(),
        description: description.into(),
        billable,
    }
}

fn sample() -> CodeList {
    CodeList::build(
        "ICD-10-CM",
        vec![
            code("I10", true, "Essential (primary) hypertension"),
            code("E11", false, "Type 2 diabetes mellitus"),
            code(
                "E11.9",
                true,
                "Type 2 diabetes mellitus without complications",
            ),
            code(
                "E11.65",
                true,
                "Type 2 diabetes mellitus with hyperglycemia",
            ),
            code(
                "E10.9",
                true,
                "Type 1 diabetes mellitus without complications",
            ),
            code(
                "O24.12",
                true,
                "Pre-existing type 2 diabetes mellitus, in childbirth",
            ),
            code("B50", false, "Plasmodium falciparum malaria"),
            code(
                "B50.0",
                true,
                "Plasmodium falciparum malaria with cerebral complications",
            ),
            code("B50.9", true, "Plasmodium falciparum malaria, unspecified"),
            code("B54", true, "Unspecified malaria"),
            code("G30.9", true, "Alzheimer's disease, unspecified"),
            code("C84.1", false, "Sézary disease"),
            code("C84.10", true, "Sézary disease, unspecified site"),
            code(
                "O09.90",
                true,
                "Supervision of high risk pregnancy, unspecified, unspecified trimester",
            ),
        ],
    )
}

fn codes(found: &Found<'_>) -> Vec<String> {
    found
        .hits
        .iter()
        .map(|h| h.entry.code.to_string())
        .collect()
}

fn find(list: &CodeList, query: &str) -> Vec<String> {
    codes(&list.search(query, 50))
}

/// What a search by words should find: every entry (in rank order) whose
/// description has, for each query word, a word that it begins.
fn brute_force(list: &CodeList, query: &str) -> Vec<String> {
    let query = words(query);
    if query.is_empty() {
        return Vec::new();
    }
    list.iter()
        .filter(|e| {
            let mine = words(e.description);
            query.iter().all(|q| mine.iter().any(|w| w.starts_with(q)))
        })
        .map(|e| e.code.to_string())
        .collect()
}

#[test]
fn words_match_in_any_order_and_by_prefix() {
    let list = sample();
    let expected = ["E11.9", "E11.65", "O24.12", "E11"];
    assert_eq!(find(&list, "diab typ 2"), expected);
    assert_eq!(find(&list, "2 TYP diab"), expected);
    assert_eq!(find(&list, "type 2 diabetes"), expected);
    assert_eq!(find(&list, "diabetes without"), ["E10.9", "E11.9"]);
    assert_eq!(find(&list, "mal falc"), ["B50.0", "B50.9", "B50"]);
    assert_eq!(find(&list, "pre existing"), ["O24.12"]);
}

#[test]
fn billable_and_shorter_codes_rank_first() {
    let list = sample();
    assert_eq!(find(&list, "malaria"), ["B54", "B50.0", "B50.9", "B50"]);
    assert_eq!(
        find(&list, "unspec"),
        ["B54", "B50.9", "G30.9", "C84.10", "O09.90"]
    );
}

#[test]
fn a_code_is_found_with_or_without_its_dot_exact_first() {
    let list = sample();
    for typed in ["e119", "E11.9", " e11.9 ", "E119"] {
        let found = list.search(typed, 10);
        assert_eq!(codes(&found), ["E11.9"], "{typed:?}");
        assert_eq!(found.hits[0].matched, Match::Code);
    }
    let found = list.search("e11", 10);
    assert_eq!(codes(&found), ["E11", "E11.65", "E11.9"]);
    assert_eq!(
        found.hits.iter().map(|h| h.matched).collect::<Vec<_>>(),
        [Match::Code, Match::CodePrefix, Match::CodePrefix]
    );
    assert_eq!(find(&list, "b5"), ["B50", "B50.0", "B50.9", "B54"]);
    assert_eq!(find(&list, "o09.9"), ["O09.90"]);
    // Letters alone are words, not codes.
    assert_eq!(find(&list, "e"), ["I10", "O24.12"]);
}

#[test]
fn code_matches_come_before_description_matches_without_repeats() {
    let list = CodeList::build(
        "T",
        vec![
            code("A2", true, "Second thing"),
            code("B1", true, "Stage a2 of something"),
            code("A21", true, "Stage a2 too"),
        ],
    );
    let found = list.search("a2", 10);
    assert_eq!(codes(&found), ["A2", "A21", "B1"]);
    assert_eq!(found.hits[2].matched, Match::Words);
}

#[test]
fn accents_case_and_apostrophes_are_ignored() {
    let list = sample();
    for typed in ["sezary", "Sézary", "SEZ", "séz dis"] {
        assert_eq!(find(&list, typed), ["C84.10", "C84.1"], "{typed:?}");
    }
    for typed in [
        "alzheimer",
        "Alzheimer's",
        "alzheimers disease",
        "ALZHEIMER’S",
    ] {
        assert_eq!(find(&list, typed), ["G30.9"], "{typed:?}");
    }
    assert_eq!(
        words("Sézary's  disease, (primary)—Type-2"),
        ["sezarys", "disease", "primary", "type", "2"]
    );
}

#[test]
fn an_empty_query_or_no_match_finds_nothing() {
    let list = sample();
    for typed in ["", "   ", "-", "xyzzy", "diab xyzzy", "Z99.9", "malaria 7"] {
        let found = list.search(typed, 10);
        assert!(found.hits.is_empty() && !found.more, "{typed:?}: {found:?}");
    }
    assert!(list.search("malaria", 0).hits.is_empty());
}

#[test]
fn the_limit_is_kept_and_more_is_said() {
    let list = sample();
    let found = list.search("diab", 2);
    assert_eq!(codes(&found), ["E10.9", "E11.9"]);
    assert!(found.more);
    let found = list.search("diab", 5);
    assert_eq!(found.hits.len(), 5);
    assert!(!found.more);
    let found = list.search("b5", 2);
    assert_eq!(codes(&found), ["B50", "B50.0"]);
    assert!(found.more);
}

#[test]
fn word_searches_agree_with_a_plain_scan() {
    let list = sample();
    for query in [
        "d", "di", "dia", "m", "me", "mel", "w", "wi", "with", "u", "un", "t", "2", "s u", "p m",
        "dis s", "c", "typ", "e", "i",
    ] {
        assert_eq!(find(&list, query), brute_force(&list, query), "{query:?}");
    }
}

#[test]
fn lookup_takes_a_code_with_or_without_its_dot() {
    let list = sample();
    let entry = list.lookup("e119").unwrap();
    assert_eq!(entry.code, "E11.9");
    assert!(entry.billable);
    assert_eq!(
        entry.description,
        "Type 2 diabetes mellitus without complications"
    );
    assert!(!list.lookup("E11").unwrap().billable);
    assert_eq!(list.lookup("E11.99"), None);
    assert_eq!(list.lookup(""), None);
    assert_eq!(list.len(), 14);
    assert_eq!(list.system(), "ICD-10-CM");
}

#[test]
fn a_repeated_code_keeps_its_first_entry() {
    let list = CodeList::build(
        "T",
        vec![
            code("E11.9", true, "First"),
            code("E119", true, "Second"),
            code("e11.9", false, "Third"),
        ],
    );
    assert_eq!(list.len(), 1);
    assert_eq!(list.lookup("E11.9").unwrap().description, "First");
}

#[test]
fn codes_and_descriptions_are_checked() {
    assert_eq!(normalize_code(" e11.9 ").unwrap(), "E11.9");
    assert_eq!(normalize_code("").unwrap_err(), CodeError::EmptyCode);
    assert!(matches!(
        normalize_code("A17.0†"),
        Err(CodeError::CodeCharacters(_))
    ));
    assert!(matches!(
        normalize_code(".A1"),
        Err(CodeError::CodeCharacters(_))
    ));
    assert!(matches!(
        normalize_code("A123456789012345678"),
        Err(CodeError::CodeTooLong(_))
    ));
    assert_eq!(
        normalize_description("  Essential \t hypertension ").unwrap(),
        "Essential hypertension"
    );
    assert_eq!(
        normalize_description(" ").unwrap_err(),
        CodeError::EmptyDescription
    );
    assert_eq!(normalize_description("a\r\n b").unwrap(), "a b");
    assert_eq!(
        normalize_description("a\u{7}b").unwrap_err(),
        CodeError::DescriptionControl
    );
    assert_eq!(
        normalize_description(&"x".repeat(DESCRIPTION_MAX + 1)).unwrap_err(),
        CodeError::DescriptionTooLong
    );
}

#[test]
fn the_shipped_format_is_read() {
    let text = "# ICD-10-CM April 2026\n# more\nA00\t0\tCholera\nA00.0\t1\tCholera due to Vibrio cholerae 01, biovar cholerae\n";
    let (header, list) = CodeList::from_tsv("ICD-10-CM", text.to_string()).unwrap();
    assert_eq!(header, "ICD-10-CM April 2026");
    assert_eq!(list.len(), 2);
    assert!(!list.lookup("A00").unwrap().billable);
    assert_eq!(
        list.search("vibrio", 5).hits[0].entry.description,
        "Cholera due to Vibrio cholerae 01, biovar cholerae"
    );
    for (text, says) in [
        ("A00\t2\tCholera\n", "line 1: billable"),
        ("# h\nA00\tCholera\n", "line 2 has fewer"),
        ("a00\t1\tCholera\n", "line 1: the code"),
        ("A00\t1\tCholera  fever\n", "line 1: the description"),
        ("A00\t1\t \n", "line 1: the description is empty"),
        ("A0\u{2020}\t1\tx\n", "line 1: the code"),
    ] {
        let e = CodeList::from_tsv("T", text.to_string()).unwrap_err();
        assert!(e.contains(says), "{text:?}: {e}");
    }
}

/// A hospital's own list in British spelling, as WHO's ICD-10 writes it.
fn british() -> CodeList {
    CodeList::build(
        "ICD-10",
        vec![
            code("D64.9", true, "Anaemia, unspecified"),
            code("D50.9", true, "Iron deficiency anaemia, unspecified"),
            code("R60.0", true, "Localised oedema"),
            code(
                "K21.0",
                true,
                "Gastro-oesophageal reflux disease with oesophagitis",
            ),
            code(
                "A09",
                true,
                "Diarrhoea and gastroenteritis of presumed infectious origin",
            ),
            code("O82", true, "Single delivery by caesarean section"),
            code("C95.9", true, "Leukaemia, unspecified"),
            code("E88.3", true, "Tumour lysis syndrome"),
            code("O63.9", true, "Long labour, unspecified"),
            code("K90.0", true, "Coeliac disease"),
            code("R15", true, "Faecal incontinence"),
            code("A41.9", true, "Septicaemia, unspecified"),
            code("I63.9", true, "Cerebral infarction (ischaemic stroke)"),
            code("F91.9", true, "Conduct disorder (behaviour), unspecified"),
            code("J15.8", true, "Pneumonia due to aerobic bacteria"),
            code("S90.1", true, "Contusion of toe"),
        ],
    )
}

/// What a search by words should find, spelling aside: every entry whose
/// description has, for each query word, a word which that query word (or
/// its American spelling) begins, in the word's own spelling or the
/// American one.
fn brute_force_spelt(list: &CodeList, query: &str) -> Vec<String> {
    let us = |w: &String| spelling::american(w).unwrap_or_else(|| w.clone());
    let query = words(query);
    if query.is_empty() {
        return Vec::new();
    }
    list.iter()
        .filter(|e| {
            let mine = words(e.description);
            query.iter().all(|q| {
                mine.iter().any(|w| {
                    [w.clone(), us(w)]
                        .iter()
                        .any(|w| w.starts_with(q.as_str()) || w.starts_with(&us(q)))
                })
            })
        })
        .map(|e| e.code.to_string())
        .collect()
}

#[test]
fn american_words_find_a_british_list() {
    let list = british();
    assert_eq!(find(&list, "anemia"), ["D50.9", "D64.9"]);
    assert_eq!(find(&list, "anem iron"), ["D50.9"]);
    assert_eq!(find(&list, "localized edema"), ["R60.0"]);
    assert_eq!(find(&list, "esophagitis"), ["K21.0"]);
    assert_eq!(find(&list, "gastro esophageal"), ["K21.0"]);
    assert_eq!(find(&list, "diarrhea"), ["A09"]);
    assert_eq!(find(&list, "cesarean"), ["O82"]);
    assert_eq!(find(&list, "leukemia"), ["C95.9"]);
    assert_eq!(find(&list, "tumor"), ["E88.3"]);
    assert_eq!(find(&list, "labor"), ["O63.9"]);
    assert_eq!(find(&list, "celiac"), ["K90.0"]);
    assert_eq!(find(&list, "fecal"), ["R15"]);
    assert_eq!(find(&list, "septicemia"), ["A41.9"]);
    assert_eq!(find(&list, "ischemic"), ["I63.9"]);
    assert_eq!(find(&list, "behavior"), ["F91.9"]);
}

#[test]
fn british_words_still_find_a_british_list() {
    let list = british();
    assert_eq!(find(&list, "anaemia"), ["D50.9", "D64.9"]);
    assert_eq!(find(&list, "anaem"), ["D50.9", "D64.9"]);
    assert_eq!(find(&list, "oesophagitis"), ["K21.0"]);
    assert_eq!(find(&list, "caesarean section"), ["O82"]);
    assert_eq!(find(&list, "labour long"), ["O63.9"]);
    assert_eq!(find(&list, "localised"), ["R60.0"]);
    // Words holding ae or oe in both spellings are found as they are, and
    // nothing else is.
    assert_eq!(find(&list, "aerobic"), ["J15.8"]);
    assert_eq!(find(&list, "toe"), ["S90.1"]);
    assert_eq!(find(&list, "erobic"), Vec::<String>::new());
}

#[test]
fn british_words_find_an_american_list_as_they_are_typed() {
    let list = CodeList::build(
        "ICD-10-CM",
        vec![
            code("D64.9", true, "Anemia, unspecified"),
            code("R60.9", true, "Edema, unspecified"),
            code("K20.9", true, "Esophagitis, unspecified"),
            code("R19.7", true, "Diarrhea, unspecified"),
            code(
                "O82",
                true,
                "Encounter for cesarean delivery without indication",
            ),
            code(
                "J15.8",
                true,
                "Pneumonia due to other specified bacteria, anaerobic",
            ),
            code(
                "B65.0",
                true,
                "Schistosomiasis due to Schistosoma haematobium",
            ),
            code("R58", true, "Hemorrhage, not elsewhere classified"),
        ],
    );
    for (typed, expected) in [
        ("a", vec!["D64.9", "J15.8"]),
        ("an", vec!["D64.9", "J15.8"]),
        ("ana", vec!["J15.8"]),
        ("anae", vec!["J15.8"]),
        ("anaem", vec!["D64.9"]),
        ("anaemia", vec!["D64.9"]),
        ("oe", vec![]),
        ("oed", vec!["R60.9"]),
        ("oedema", vec!["R60.9"]),
        ("oesophagitis", vec!["K20.9"]),
        ("diarrhoe", vec!["R19.7"]),
        ("diarrhoea unspec", vec!["R19.7"]),
        ("caesarean", vec!["O82"]),
        ("haem", vec!["R58", "B65.0"]),
        ("haematobium", vec!["B65.0"]),
        ("haemorrhage", vec!["R58"]),
        ("hematobium", vec![]),
    ] {
        assert_eq!(find(&list, typed), expected, "{typed:?}");
    }
}

#[test]
fn spelt_word_searches_agree_with_a_plain_scan() {
    for list in [british(), sample()] {
        for query in [
            "a",
            "an",
            "ana",
            "anae",
            "anaem",
            "anem",
            "o",
            "oe",
            "oes",
            "es",
            "e",
            "ed",
            "l",
            "loc",
            "locali",
            "localiz",
            "localis",
            "t",
            "tu",
            "tumo",
            "tumou",
            "tumor",
            "lab",
            "labo",
            "labou",
            "c",
            "ce",
            "coe",
            "cel",
            "f",
            "fe",
            "fa",
            "fae",
            "faec",
            "s",
            "sep",
            "septicaem",
            "i",
            "isch",
            "ischaem",
            "b",
            "beh",
            "behavio",
            "behaviou",
            "d",
            "di",
            "diarrhe",
            "diarrhoe",
            "an u",
            "d u",
            "e d",
            "g o",
            "gastro oes",
            "ae",
            "aer",
            "to",
            "toe",
            "x",
        ] {
            assert_eq!(
                find(&list, query),
                brute_force_spelt(&list, query),
                "{query:?}"
            );
        }
    }
}
