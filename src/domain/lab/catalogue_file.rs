//! The catalogue file: `assets/lab_tests.csv` as shipped, or an admin's
//! own catalogue in the same shape (`wardline import tests FILE`).
//!
//! One line per analyte; the first line names the columns (any order):
//! `test,test_name,specimen,price,analyte,analyte_name,loinc,unit,type,
//! decimals,choices,abnormal,ranges,critical_low,critical_high,min,max`.
//! A panel's analytes are consecutive lines with the same `test`; its name,
//! specimen and price are on the first of them (the others leave them empty
//! or repeat them). Options of a choice are joined by `|`; ranges are
//! written as [`super::ranges`] describes. Every line is checked, and each
//! bad line is named with what to fix; one bad line refuses the file.

use super::ranges::parse_ranges;
use super::{Analyte, CODE_MAX, LabTest, NAME_MAX, ResultType, loinc_is_valid};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The catalogue shipped with wardline, loaded into every new hospital.
pub const SHIPPED: &str = include_str!("../../../assets/lab_tests.csv");

/// The columns, in the order the shipped file writes them.
pub const COLUMNS: [&str; 17] = [
    "test",
    "test_name",
    "specimen",
    "price",
    "analyte",
    "analyte_name",
    "loinc",
    "unit",
    "type",
    "decimals",
    "choices",
    "abnormal",
    "ranges",
    "critical_low",
    "critical_high",
    "min",
    "max",
];

/// The most decimals a number is reported with.
const DECIMALS_MAX: u8 = 6;
/// The longest unit.
const UNIT_MAX: usize = 24;

/// A line of the file that cannot be loaded, and what to fix. Line 0 is
/// the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

fn whole(message: impl Into<String>) -> Vec<LineError> {
    vec![LineError {
        line: 0,
        message: message.into(),
    }]
}

/// One line's cells by column name.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    index: &'a HashMap<&'static str, usize>,
}

impl Cells<'_> {
    fn get(&self, column: &str) -> &str {
        self.index
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map_or("", str::trim)
    }

    fn opt(&self, column: &str) -> Option<&str> {
        Some(self.get(column)).filter(|s| !s.is_empty())
    }
}

/// Reads a whole catalogue file; every bad line is reported.
pub fn parse(text: &str) -> Result<Vec<LabTest>, Vec<LineError>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| {
        whole(format!(
            "the first line could not be read ({e}): save the file as UTF-8 CSV whose first line names the columns"
        ))
    })?;
    let mut index = HashMap::new();
    let mut unknown = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(c) if index.insert(*c, i).is_some() => {
                return Err(whole(format!(
                    "the column {c} is named twice in the first line: keep one"
                )));
            }
            Some(_) => {}
            None => unknown.push(name),
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !unknown.is_empty() || !missing.is_empty() {
        return Err(whole(format!(
            "the first line must name exactly these columns (any order): {}{}{}",
            COLUMNS.join(","),
            if missing.is_empty() {
                String::new()
            } else {
                format!("; missing: {}", missing.join(", "))
            },
            if unknown.is_empty() {
                String::new()
            } else {
                format!("; not known: {}", unknown.join(", "))
            },
        )));
    }
    let mut tests: Vec<LabTest> = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(LineError {
                    line: e.position().map_or(line, |p| p.line()),
                    message: format!(
                        "{e}: every line needs the {} columns of the first line",
                        COLUMNS.len()
                    ),
                });
                continue;
            }
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells = Cells {
            record: &record,
            index: &index,
        };
        if let Err(message) = read_line(&cells, &mut tests, &mut seen) {
            errors.push(LineError { line, message });
        }
    }
    if errors.is_empty() && tests.is_empty() {
        errors = whole("the file holds no tests: add one line per analyte below the first line");
    }
    if errors.is_empty() {
        Ok(tests)
    } else {
        Err(errors)
    }
}

/// Checks one line and adds it to the tests read so far.
fn read_line(
    cells: &Cells,
    tests: &mut Vec<LabTest>,
    seen: &mut HashSet<String>,
) -> Result<(), String> {
    let test_code = code(cells.get("test"), "test")?;
    let analyte = read_analyte(cells)?;
    if let Some(test) = tests.last_mut().filter(|t| t.code == test_code) {
        for (column, value) in [("test_name", &test.name), ("specimen", &test.specimen)] {
            if cells.opt(column).is_some_and(|v| v != value.as_str()) {
                return Err(format!(
                    "{column} differs from the first line of test {test_code} ({value}): leave it empty on the panel's other lines"
                ));
            }
        }
        if cells
            .opt("price")
            .is_some_and(|p| p != test.price.to_string())
        {
            return Err(format!(
                "price differs from the first line of test {test_code} ({}): leave it empty on the panel's other lines",
                test.price
            ));
        }
        if test.analyte(&analyte.code).is_some() {
            return Err(format!(
                "test {test_code} already has an analyte {}: give each analyte of a test its own code",
                analyte.code
            ));
        }
        test.analytes.push(analyte);
        return Ok(());
    }
    if !seen.insert(test_code.clone()) {
        return Err(format!(
            "test {test_code} appeared on earlier lines: put all of a panel's lines together, one after another"
        ));
    }
    let test_name = name(cells.get("test_name"), "test_name")?;
    let specimen = name(cells.get("specimen"), "specimen")?;
    let price = match cells.opt("price") {
        None => 0,
        Some(p) => p.parse::<i64>().ok().filter(|p| *p >= 0).ok_or_else(|| {
            format!(
                "price {p:?} must be a whole number of minor units (cents), 0 or more, e.g. 1500"
            )
        })?,
    };
    tests.push(LabTest {
        code: test_code,
        name: test_name,
        specimen,
        price,
        analytes: vec![analyte],
    });
    Ok(())
}

/// A test's or analyte's code: letters, digits, `_` or `-`, upper-cased.
fn code(text: &str, column: &str) -> Result<String, String> {
    if text.is_empty()
        || text.len() > CODE_MAX
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(format!(
            "{column} {text:?} must be 1 to {CODE_MAX} letters, digits, - or _, e.g. FBC"
        ));
    }
    Ok(text.to_ascii_uppercase())
}

fn name(text: &str, column: &str) -> Result<String, String> {
    if text.is_empty() || text.chars().count() > NAME_MAX || text.contains(char::is_control) {
        return Err(format!(
            "{column} {text:?} must be 1 to {NAME_MAX} characters (on a panel, the first line names it)"
        ));
    }
    Ok(text.to_string())
}

fn number(cells: &Cells, column: &str) -> Result<Option<f64>, String> {
    cells
        .opt(column)
        .map(|t| {
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    format!("{column} {t:?} is not a number: write it with a point, e.g. 2.8")
                })
        })
        .transpose()
}

/// The columns only one result type uses must be empty for the others.
fn must_be_empty(cells: &Cells, columns: &[&str], kind: &str) -> Result<(), String> {
    match columns.iter().find(|c| cells.opt(c).is_some()) {
        Some(c) => Err(format!(
            "{c} is given but a {kind} result has none: leave it empty"
        )),
        None => Ok(()),
    }
}

fn read_analyte(cells: &Cells) -> Result<Analyte, String> {
    let analyte_code = code(cells.get("analyte"), "analyte")?;
    let analyte_name = name(cells.get("analyte_name"), "analyte_name")?;
    let loinc = cells.opt("loinc").map(str::to_string);
    if let Some(l) = &loinc
        && !loinc_is_valid(l)
    {
        return Err(format!(
            "loinc {l:?} is not a LOINC code (digits, a dash and its check digit, e.g. 2823-3): check it at loinc.org, or leave it empty"
        ));
    }
    let unit = cells.opt("unit").map(str::to_string);
    if let Some(u) = &unit
        && (u.chars().count() > UNIT_MAX || u.contains(char::is_whitespace))
    {
        return Err(format!(
            "unit {u:?} must be a UCUM unit without spaces, up to {UNIT_MAX} characters, e.g. mmol/L"
        ));
    }
    let ranges = parse_ranges(cells.get("ranges"))?;
    let critical_low = number(cells, "critical_low")?;
    let critical_high = number(cells, "critical_high")?;
    let kind = match cells.get("type").to_ascii_lowercase().as_str() {
        "number" => {
            must_be_empty(cells, &["choices", "abnormal"], "number")?;
            let decimals = cells
                .get("decimals")
                .parse::<u8>()
                .ok()
                .filter(|d| *d <= DECIMALS_MAX)
                .ok_or_else(|| {
                    format!("decimals must be a whole number from 0 to {DECIMALS_MAX}: how many digits the result has after the point")
                })?;
            let (Some(min), Some(max)) = (number(cells, "min")?, number(cells, "max")?) else {
                return Err("min and max are needed for a number: the lowest and highest values physically possible, which entry refuses beyond".into());
            };
            if min >= max {
                return Err(format!("min {min} must be below max {max}"));
            }
            ResultType::Number { decimals, min, max }
        }
        "choice" => {
            must_be_empty(
                cells,
                &[
                    "decimals",
                    "ranges",
                    "critical_low",
                    "critical_high",
                    "min",
                    "max",
                ],
                "choice",
            )?;
            let options: Vec<String> = cells
                .get("choices")
                .split('|')
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect();
            let distinct: HashSet<String> = options.iter().map(|o| o.to_lowercase()).collect();
            if options.len() < 2 || distinct.len() != options.len() {
                return Err("choices must list two or more different results joined by |, e.g. negative|positive".into());
            }
            let abnormal: Vec<String> = cells
                .get("abnormal")
                .split('|')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(|a| {
                    options
                        .iter()
                        .find(|o| o.eq_ignore_ascii_case(a))
                        .cloned()
                        .ok_or_else(|| {
                            format!(
                                "abnormal {a:?} is not one of the choices ({})",
                                options.join("|")
                            )
                        })
                })
                .collect::<Result<_, _>>()?;
            ResultType::Choice { options, abnormal }
        }
        "text" => {
            must_be_empty(
                cells,
                &[
                    "decimals",
                    "choices",
                    "abnormal",
                    "ranges",
                    "critical_low",
                    "critical_high",
                    "min",
                    "max",
                ],
                "text",
            )?;
            ResultType::Text
        }
        other => {
            return Err(format!(
                "type {other:?} is not known: write number, choice or text"
            ));
        }
    };
    let analyte = Analyte {
        code: analyte_code,
        name: analyte_name,
        loinc,
        unit,
        kind,
        ranges,
        critical_low,
        critical_high,
    };
    analyte.check_limits()?;
    Ok(analyte)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lab::Flag;
    use crate::domain::lab::entry::{check_value, flag};
    use crate::domain::patient::Sex;
    use chrono::NaiveDate;

    const HEADER: &str = "test,test_name,specimen,price,analyte,analyte_name,loinc,unit,type,decimals,choices,abnormal,ranges,critical_low,critical_high,min,max";

    fn file(lines: &[&str]) -> String {
        format!("{HEADER}\n{}\n", lines.join("\n"))
    }

    fn errors(lines: &[&str]) -> Vec<LineError> {
        parse(&file(lines)).expect_err("refused")
    }

    const K: &str =
        "K,Potassium,serum,0,K,Potassium,2823-3,mmol/L,number,1,,,3.5..5.1,2.8,6.2,1,12";

    #[test]
    fn the_shipped_catalogue_loads() {
        let tests = parse(SHIPPED).expect("the shipped catalogue is valid");
        assert!((55..=70).contains(&tests.len()), "{} tests", tests.len());
        let fbc = tests.iter().find(|t| t.code == "FBC").expect("FBC");
        assert!(fbc.is_panel());
        for a in ["WBC", "RBC", "HGB", "HCT", "MCV", "PLT"] {
            assert!(fbc.analyte(a).is_some(), "FBC has {a}");
        }
        let hgb = fbc.analyte("HGB").expect("HGB");
        assert_eq!(hgb.loinc.as_deref(), Some("718-7"));
        assert_eq!(hgb.critical_low, Some(7.0));
        let k = tests
            .iter()
            .find(|t| t.code == "K")
            .and_then(|t| t.analyte("K"))
            .expect("K");
        assert_eq!((k.critical_low, k.critical_high), (Some(2.8), Some(6.2)));
        let glu = tests
            .iter()
            .find(|t| t.code == "RBG")
            .and_then(|t| t.analyte("GLU"))
            .expect("GLU");
        assert_eq!(
            (glu.critical_low, glu.critical_high),
            (Some(2.5), Some(25.0))
        );
        for code in [
            "MRDT", "MSMEAR", "HB", "URINE", "HIV", "RPR", "HCG", "CREA", "UREA", "LYTES", "ALT",
            "AST", "TBIL", "CRP", "CD4", "VL", "AFB", "XPERT", "STOOL", "ABORH", "HBA1C",
        ] {
            assert!(
                tests.iter().any(|t| t.code == code),
                "the catalogue has {code}"
            );
        }
    }

    #[test]
    fn a_shipped_haemoglobin_is_flagged_for_the_patient() {
        let tests = parse(SHIPPED).expect("valid");
        let hgb = tests
            .iter()
            .find(|t| t.code == "FBC")
            .and_then(|t| t.analyte("HGB"))
            .expect("HGB");
        let birth = NaiveDate::from_ymd_opt(1990, 6, 1).expect("date");
        let on = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        let v = check_value(hgb, "12.5").expect("valid");
        assert_eq!(flag(hgb, &v, Sex::M, birth, on), Flag::Low);
        assert_eq!(flag(hgb, &v, Sex::F, birth, on), Flag::Normal);
        let v = check_value(hgb, "6.1").expect("valid");
        assert_eq!(flag(hgb, &v, Sex::F, birth, on), Flag::CriticalLow);
    }

    #[test]
    fn a_good_file_reads_panels_and_single_tests() {
        let tests = parse(&file(&[
            "LYTES,Electrolytes,serum,250,NA,Sodium,2951-2,mmol/L,number,0,,,135..145,120,160,80,220",
            "LYTES,,,,K,Potassium,2823-3,mmol/L,number,1,,,3.5..5.1,2.8,6.2,1,12",
            "hcg,Pregnancy test,urine,,HCG,hCG,2106-3,,choice,,negative|positive,,,,,,",
            "STOOL,Stool microscopy,stool,0,OP,Ova and parasites,,,text,,,,,,,,",
        ]))
        .expect("valid");
        assert_eq!(tests.len(), 3);
        assert_eq!(tests[0].price, 250);
        assert_eq!(tests[0].analytes.len(), 2);
        assert_eq!(tests[1].code, "HCG");
        assert_eq!(tests[1].price, 0);
        assert!(
            matches!(&tests[1].analytes[0].kind, ResultType::Choice { abnormal, .. } if abnormal.is_empty())
        );
        assert_eq!(tests[2].analytes[0].kind, ResultType::Text);
    }

    #[test]
    fn bad_lines_are_named_with_what_to_fix() {
        let e = errors(&[
            K,
            "NA,Sodium,serum,0,NA,Sodium,2951-3,mmol/L,number,0,,,135..145,,,80,220",
            "X,X test,serum,-5,X,X,,,number,0,,,,,,0,1",
            "Y,Y test,serum,0,Y,Y,,,number,0,,,,,,,",
            "Z,Z test,serum,0,Z,Z,,,choice,,negative,,,,,,",
            "W,W test,serum,0,W,W,,,choice,,negative|positive,reactive,,,,,",
            "V,V test,serum,0,V,V,,,blob,,,,,,,,",
            "U,U test,serum,0,U,U,,,number,1,,,9..20,,,0,10",
            "T,T test,serum,0,T,T,,,text,,,,1..2,,,,",
        ]);
        let lines: Vec<u64> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7, 8, 9, 10]);
        let text: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert!(
            text[0].starts_with("line 3: loinc \"2951-3\""),
            "{}",
            text[0]
        );
        assert!(text[1].contains("price"));
        assert!(text[2].contains("min and max are needed"));
        assert!(text[3].contains("two or more"));
        assert!(text[4].contains("not one of the choices"));
        assert!(text[5].contains("number, choice or text"));
        assert!(text[6].contains("outside the possible values"));
        assert!(text[7].contains("ranges is given"));
    }

    #[test]
    fn panels_must_be_together_and_agree() {
        let e = errors(&[
            "P,Panel,serum,10,A,A,,,text,,,,,,,,",
            K,
            "P,,,,B,B,,,text,,,,,,,,",
        ]);
        assert_eq!(e[0].line, 4);
        assert!(e[0].message.contains("put all of a panel's lines together"));
        let e = errors(&[
            "P,Panel,serum,10,A,A,,,text,,,,,,,,",
            "P,,,20,B,B,,,text,,,,,,,,",
        ]);
        assert!(e[0].message.contains("price differs"));
        let e = errors(&[
            "P,Panel,serum,10,A,A,,,text,,,,,,,,",
            "P,,,,A,Again,,,text,,,,,,,,",
        ]);
        assert!(e[0].message.contains("already has an analyte A"));
    }

    #[test]
    fn the_header_and_shape_are_checked() {
        let e = parse("test,name\nFBC,Full blood count\n").expect_err("header");
        assert_eq!(e[0].line, 0);
        assert!(e[0].message.contains("missing: test_name"), "{}", e[0]);
        assert!(e[0].message.contains("not known: name"));
        let e = parse(&format!("{HEADER}\n")).expect_err("empty");
        assert!(e[0].message.contains("no tests"));
        let e = errors(&["K,Potassium,serum"]);
        assert_eq!(e[0].line, 2);
    }

    #[test]
    fn columns_may_come_in_any_order() {
        let mut cols: Vec<&str> = HEADER.split(',').collect();
        let mut cells: Vec<&str> = K.split(',').collect();
        cols.reverse();
        cells.reverse();
        let tests = parse(&format!("{}\n{}\n", cols.join(","), cells.join(","))).expect("valid");
        assert_eq!(tests[0].analytes[0].critical_high, Some(6.2));
    }
}
