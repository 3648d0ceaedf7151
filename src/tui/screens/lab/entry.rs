//! The result form of one order: a line per analyte (a panel's analytes
//! under their test), each checked by its type as it is typed
//! ([`check_value`]) and flagged against the patient's range at
//! collection ([`flag`]), with the unit and range beside it. A choice is
//! picked from its options (← →, or its first letter). Verified values are
//! shown, not edited: they change only by a correction.

use crate::domain::ids::Id;
use crate::domain::lab::entry::{check_value, flag};
use crate::domain::lab::ranges::{self, Flag};
use crate::domain::lab::{Analyte, ResultType};
use crate::domain::patient::Sex;
use crate::tui::widgets::field::Field;
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Who the values are flagged for: the patient's sex and birth date, and
/// the day the specimen was collected.
#[derive(Debug, Clone, Copy)]
pub struct FlaggedFor {
    pub sex: Sex,
    pub birth: NaiveDate,
    pub on: NaiveDate,
}

/// How a value is given: typed, or picked from the analyte's options
/// (`None` until one is picked).
pub enum Value {
    Typed(Field),
    Picked {
        options: Vec<String>,
        index: Option<usize>,
    },
}

/// One analyte's line.
pub struct Line {
    /// The test it belongs to, heading a panel's analytes.
    pub test: String,
    pub analyte: Analyte,
    /// The code the value is saved under: the analyte's, or `TEST.CODE`
    /// where two tests of the order share it.
    pub code: String,
    pub value: Value,
    /// The unverified value entered before, if any.
    pub before: String,
    /// The verified value, which only a correction changes.
    pub verified: Option<String>,
    /// Why the value cannot be saved, once the user tried.
    pub error: Option<String>,
}

/// What a line's value is, as typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// Nothing typed yet.
    Empty,
    /// It cannot be saved: why, in words.
    Bad(String),
    /// It can be saved, with this flag.
    Good(Flag),
}

impl Line {
    /// A line for an analyte, holding the unverified value entered before
    /// (`before`), or showing its verified value.
    pub fn new(test: &str, analyte: Analyte, before: Option<&str>, verified: Option<&str>) -> Line {
        let before = before.unwrap_or("").to_string();
        let value = match &analyte.kind {
            ResultType::Choice { options, .. } => Value::Picked {
                index: options.iter().position(|o| o.eq_ignore_ascii_case(&before)),
                options: options.clone(),
            },
            _ => Value::Typed(Field::new("").wide(14).with_value(&before)),
        };
        Line {
            test: test.to_string(),
            code: analyte.code.clone(),
            analyte,
            value,
            before,
            verified: verified.map(str::to_string),
            error: None,
        }
    }

    /// What the line holds now.
    pub fn typed(&self) -> &str {
        match &self.value {
            Value::Typed(f) => f.value(),
            Value::Picked { options, index } => index
                .and_then(|i| options.get(i))
                .map_or("", String::as_str),
        }
    }

    /// Whether it is verified (shown, not edited).
    pub fn locked(&self) -> bool {
        self.verified.is_some()
    }

    /// The value checked by its type and flagged for `who`.
    pub fn check(&self, who: &FlaggedFor) -> Checked {
        if self.typed().trim().is_empty() {
            return Checked::Empty;
        }
        match check_value(&self.analyte, self.typed()) {
            Ok(v) => Checked::Good(flag(&self.analyte, &v, who.sex, who.birth, who.on)),
            Err(e) => Checked::Bad(e),
        }
    }

    /// Whether the value differs from what was entered before.
    pub fn changed(&self) -> bool {
        !self.locked() && self.typed().trim() != self.before.trim()
    }

    /// The patient's reference range, `3.5–5.1`, or "" without one.
    pub fn range(&self, who: &FlaggedFor) -> String {
        range_text(ranges::choose(&self.analyte.ranges, who.sex, who.birth, who.on).as_ref())
    }

    /// Text pasted into a typed value, as one line; a choice takes none
    /// (false).
    pub fn paste(&mut self, text: &str) -> bool {
        match &mut self.value {
            Value::Typed(f) => {
                self.error = None;
                f.paste(text);
                true
            }
            Value::Picked { .. } => false,
        }
    }

    /// A key typed on the line: text into a typed value; on a choice, the
    /// first option starting with the letter.
    pub fn type_key(&mut self, key: KeyEvent) {
        self.error = None;
        match &mut self.value {
            Value::Typed(f) => f.type_key(key),
            Value::Picked { options, index } => {
                if let KeyCode::Char(c) = key.code {
                    let found = options
                        .iter()
                        .position(|o| o.chars().next().is_some_and(|f| f.eq_ignore_ascii_case(&c)));
                    if found.is_some() {
                        *index = found;
                    }
                }
                if matches!(key.code, KeyCode::Backspace | KeyCode::Delete) {
                    *index = None;
                }
            }
        }
    }

    /// ← or → on a choice: the previous or next option (none before the
    /// first).
    pub fn cycle(&mut self, forward: bool) {
        if let Value::Picked { options, index } = &mut self.value {
            let n = options.len();
            *index = match (*index, forward) {
                (None, true) if n > 0 => Some(0),
                (None, false) if n > 0 => Some(n - 1),
                (Some(i), true) if i + 1 < n => Some(i + 1),
                (Some(i), false) if i > 0 => Some(i - 1),
                _ => None,
            };
            self.error = None;
        }
    }
}

/// A range's limits as the bench reads them: `3.5–5.1`, `≤ 5.7`, `≥ 60`.
pub fn range_text(range: Option<&ranges::RefRange>) -> String {
    range.map_or(String::new(), |r| limits(r.low, r.high))
}

/// Two limits as the bench reads them (either may be open).
pub fn limits(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("{l}–{h}"),
        (None, Some(h)) => format!("≤ {h}"),
        (Some(l), None) => format!("≥ {l}"),
        (None, None) => String::new(),
    }
}

/// The result form of one order.
pub struct EntryForm {
    pub order: Id,
    pub version: i64,
    /// What the form is headed with: the accession and the patient.
    pub heading: String,
    pub who: FlaggedFor,
    pub lines: Vec<Line>,
    /// The line with the cursor (never a verified one, while any is open).
    pub focus: usize,
}

impl EntryForm {
    /// The form with the cursor on the first line still to enter.
    pub fn new(
        order: Id,
        version: i64,
        heading: String,
        who: FlaggedFor,
        lines: Vec<Line>,
    ) -> Self {
        let focus = lines
            .iter()
            .position(|l| !l.locked() && l.before.is_empty())
            .or_else(|| lines.iter().position(|l| !l.locked()))
            .unwrap_or(0);
        EntryForm {
            order,
            version,
            heading,
            who,
            lines,
            focus,
        }
    }

    /// The line with the cursor.
    pub fn focused(&self) -> Option<&Line> {
        self.lines.get(self.focus)
    }

    pub fn focused_mut(&mut self) -> Option<&mut Line> {
        self.lines.get_mut(self.focus)
    }

    /// Whether the cursor is on a value picked from options.
    pub fn on_choice(&self) -> bool {
        self.focused()
            .is_some_and(|l| matches!(l.value, Value::Picked { .. }))
    }

    /// Tab (forward) or Shift+Tab: the next open line, round the ends.
    pub fn move_focus(&mut self, forward: bool) {
        let n = self.lines.len();
        for step in 1..=n {
            let i = if forward {
                (self.focus + step) % n
            } else {
                (self.focus + n - step % n) % n
            };
            if !self.lines[i].locked() {
                self.focus = i;
                return;
            }
        }
    }

    /// Whether anything was typed that saving would keep.
    pub fn changed(&self) -> bool {
        self.lines.iter().any(Line::changed)
    }

    /// How many analytes hold a value (entered before, verified, or typed).
    pub fn filled(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.locked() || !l.typed().trim().is_empty())
            .count()
    }

    /// The values to save (analyte code, as typed): the changed ones. A
    /// value that cannot be saved is marked on its line, the cursor goes to
    /// the first such line, and nothing is returned.
    pub fn values_to_save(&mut self) -> Option<Vec<(String, String)>> {
        let who = self.who;
        let mut first_bad = None;
        for (i, line) in self.lines.iter_mut().enumerate() {
            if !line.changed() {
                continue;
            }
            match line.check(&who) {
                Checked::Bad(e) => {
                    line.error = Some(e);
                    first_bad.get_or_insert(i);
                }
                Checked::Empty if !line.before.is_empty() => {
                    line.error = Some(format!(
                        "{}: an entered value is replaced, not emptied: type the right one",
                        line.analyte.name
                    ));
                    first_bad.get_or_insert(i);
                }
                _ => {}
            }
        }
        if let Some(i) = first_bad {
            self.focus = i;
            return None;
        }
        Some(
            self.lines
                .iter()
                .filter(|l| l.changed() && !l.typed().trim().is_empty())
                .map(|l| (l.code.clone(), l.typed().trim().to_string()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lab::ranges::parse_ranges;
    use ratatui::crossterm::event::KeyModifiers;

    fn number(code: &str, ranges: &str) -> Analyte {
        Analyte {
            code: code.into(),
            name: format!("Analyte {code}"),
            loinc: None,
            unit: Some("mmol/L".into()),
            kind: ResultType::Number {
                decimals: 1,
                min: 0.0,
                max: 20.0,
            },
            ranges: parse_ranges(ranges).expect("ranges"),
            critical_low: Some(2.8),
            critical_high: Some(6.2),
        }
    }

    fn choice() -> Analyte {
        Analyte {
            code: "MRDT".into(),
            name: "Malaria RDT".into(),
            loinc: None,
            unit: None,
            kind: ResultType::Choice {
                options: vec!["negative".into(), "positive".into()],
                abnormal: vec!["positive".into()],
            },
            ranges: Vec::new(),
            critical_low: None,
            critical_high: None,
        }
    }

    fn who() -> FlaggedFor {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        FlaggedFor {
            sex: Sex::F,
            birth: d("1980-05-01"),
            on: d("2026-03-09"),
        }
    }

    fn typed(line: &mut Line, text: &str) {
        for c in text.chars() {
            line.type_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn form() -> EntryForm {
        let lines = vec![
            Line::new("Electrolytes", number("K", "3.5..5.1"), None, None),
            Line::new("Electrolytes", number("NA", ""), Some("140"), None),
            Line::new("Malaria", choice(), None, None),
            Line::new("Glucose", number("GLU", ""), None, Some("5.0")),
        ];
        EntryForm::new(Id::new(), 3, "LAB".into(), who(), lines)
    }

    #[test]
    fn a_number_is_flagged_as_it_is_typed_and_a_bad_one_said() {
        let mut f = form();
        assert_eq!(f.focus, 0, "the first line still to enter");
        let line = f.focused_mut().expect("line");
        assert_eq!(line.check(&who()), Checked::Empty);
        typed(line, "6.9");
        assert_eq!(line.check(&who()), Checked::Good(Flag::CriticalHigh));
        assert_eq!(line.range(&who()), "3.5–5.1");
        typed(line, "x");
        assert!(matches!(line.check(&who()), Checked::Bad(e) if e.contains("not a number")));
        assert!(f.values_to_save().is_none(), "a bad value saves nothing");
        assert!(f.lines[0].error.is_some());
        assert_eq!(f.focus, 0);
    }

    #[test]
    fn only_changed_values_are_saved_and_verified_lines_are_skipped() {
        let mut f = form();
        typed(&mut f.lines[0], "4.0");
        f.focus = 2;
        f.focused_mut().expect("line").cycle(true);
        f.focused_mut().expect("line").cycle(true);
        assert_eq!(f.lines[2].typed(), "positive");
        assert_eq!(f.lines[2].check(&who()), Checked::Good(Flag::Abnormal));
        f.move_focus(true);
        assert_eq!(f.focus, 0, "the verified glucose is passed over");
        f.move_focus(false);
        assert_eq!(f.focus, 2);
        assert_eq!(f.filled(), 4);
        assert_eq!(
            f.values_to_save(),
            Some(vec![
                ("K".to_string(), "4.0".to_string()),
                ("MRDT".to_string(), "positive".to_string())
            ])
        );
    }

    #[test]
    fn a_choice_is_picked_by_its_first_letter_and_an_entered_value_not_emptied() {
        let mut f = form();
        typed(&mut f.lines[2], "n");
        assert_eq!(f.lines[2].typed(), "negative");
        f.lines[2].cycle(false);
        assert_eq!(f.lines[2].typed(), "", "before the first: none");
        let na = &mut f.lines[1];
        na.type_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        na.type_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        na.type_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert!(f.values_to_save().is_none());
        assert_eq!(f.focus, 1);
        assert!(
            f.lines[1]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("replaced"))
        );
    }

    #[test]
    fn ranges_read_as_limits() {
        let r = parse_ranges("..5.7 | F: 60.. ").expect("ranges");
        assert_eq!(range_text(r.first()), "≤ 5.7");
        assert_eq!(range_text(r.get(1)), "≥ 60");
        assert_eq!(range_text(None), "");
    }
}
