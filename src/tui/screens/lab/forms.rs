//! The lab's small forms: rejecting a specimen (a reason picked from the
//! list, a note), correcting a verified result (the result picked, the new
//! value, the reason), and reading the collection time typed in its
//! prompt. Typed text in, checked values out; the screen performs them.

use crate::domain::appointment::parse_time;
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::lab::order::RejectReason;
use crate::tui::theme::Theme;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::{Choice, Form, Input, Look};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use strum::IntoEnumIterator;

/// The reasons a specimen is rejected, in the order the form offers them.
fn reasons() -> Vec<RejectReason> {
    RejectReason::iter().collect()
}

/// Reads the collection time typed in its prompt: nothing is now; `HH:MM`
/// is that time today in the hospital's zone, never in the future.
pub fn collection_time(typed: &str, clock: &Clock) -> Result<Option<DateTime<Utc>>, String> {
    if typed.trim().is_empty() {
        return Ok(None);
    }
    let minutes = parse_time(typed).filter(|m| *m < 24 * 60).ok_or_else(|| {
        format!(
            "{:?} is not a time: type it as HH:MM (e.g. 07:45), or leave it empty for now",
            typed.trim()
        )
    })?;
    let time = chrono::NaiveTime::from_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0)
        .ok_or_else(|| "type the time as HH:MM".to_string())?;
    let at = clock.instant(clock.today().and_time(time));
    if at > clock.now {
        return Err(format!(
            "{} is still to come today: type the time the specimen was taken, or leave it empty for now",
            typed.trim()
        ));
    }
    Ok(Some(at))
}

/// A form over an order: what it is about, its fields, and the order's
/// version it was opened on.
pub struct SmallForm {
    pub order: Id,
    pub version: i64,
    /// What the form is about, in a sentence (the order, the patient).
    pub about: String,
    pub fields: Form,
    pub kind: Kind,
}

/// What a small form does.
pub enum Kind {
    Reject,
    /// Correct one of these verified results (id, what it is, its value).
    Correct(Vec<(Id, String)>),
}

impl SmallForm {
    /// Rejecting the specimen of an order.
    pub fn reject(order: Id, version: i64, about: String) -> SmallForm {
        let options = reasons().iter().map(|r| r.label().to_string()).collect();
        SmallForm {
            order,
            version,
            about,
            fields: Form::new(vec![
                Input::Choice(Choice::new("Reason", options)),
                Input::Text(Field::new("Note").wide(50)),
            ]),
            kind: Kind::Reject,
        }
    }

    /// Correcting a verified result: `results` are the verified ones (id,
    /// how it reads), `selected` the one to start on.
    pub fn correct(
        order: Id,
        version: i64,
        about: String,
        results: Vec<(Id, String)>,
        selected: usize,
    ) -> SmallForm {
        let options = results.iter().map(|(_, s)| s.clone()).collect();
        SmallForm {
            order,
            version,
            about,
            fields: Form::new(vec![
                Input::Choice(Choice::new("Result", options).at(selected)),
                Input::Text(Field::new("New value").wide(20)),
                Input::Text(Field::new("Reason").wide(50)),
            ]),
            kind: Kind::Correct(results),
        }
    }

    /// The reason picked and the note (none when empty) of a rejection.
    pub fn rejection(&self) -> (RejectReason, Option<String>) {
        let reason = reasons()
            .get(self.fields.choice(0))
            .copied()
            .unwrap_or(RejectReason::Other);
        let note = self.fields.text(1).trim();
        (reason, (!note.is_empty()).then(|| note.to_string()))
    }

    /// The result picked, the new value and the reason of a correction;
    /// an empty value or reason is marked on its field.
    pub fn correction(&mut self) -> Option<(Id, String, String)> {
        let Kind::Correct(results) = &self.kind else {
            return None;
        };
        let id = results.get(self.fields.choice(0))?.0.clone();
        let value = self.fields.text(1).trim().to_string();
        let reason = self.fields.text(2).trim().to_string();
        self.fields.clear_errors();
        if value.is_empty() {
            self.fields
                .set_error(1, Some("type the corrected value".into()));
        }
        if reason.is_empty() {
            self.fields.set_error(
                2,
                Some("say why the verified value was wrong (required)".into()),
            );
        }
        if self.fields.focus_first_error() {
            return None;
        }
        Some((id, value, reason))
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            Kind::Reject => "Reject the specimen",
            Kind::Correct(_) => "Correct a verified result",
        }
    }

    pub fn type_key(&mut self, key: KeyEvent) {
        self.fields.type_key(key);
    }

    /// Text pasted into the focused typed field; a choice takes none (false).
    pub fn paste(&mut self, text: &str) -> bool {
        self.fields.on_text() && {
            self.fields.paste(text);
            true
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let block =
            Block::bordered().title(Span::styled(format!(" {} ", self.title()), theme.title()));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let head = Rect {
            height: 3.min(inner.height),
            ..inner
        };
        let note = match self.kind {
            Kind::Reject => {
                "The ordering clinician sees the reason; a note is required for \"other\"."
            }
            Kind::Correct(_) => {
                "The verified value is kept and shown as corrected; the new one is verified in its turn."
            }
        };
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(format!(" {}", self.about)),
                Line::from(Span::styled(format!(" {note}"), theme.muted())),
            ])
            .wrap(Wrap { trim: false }),
            head,
        );
        let body = Rect {
            y: inner.y + head.height + 1,
            height: inner.height.saturating_sub(head.height + 1),
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
        };
        self.fields.render(
            frame,
            body,
            Look::new(10).gap(1).errors_below(),
            true,
            theme,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn clock() -> Clock {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 9, 8, 30, 0)
            .single()
            .expect("time");
        Clock::new(now, chrono_tz::Africa::Nairobi)
    }

    #[test]
    fn a_collection_time_is_today_in_the_hospital_zone_and_not_to_come() {
        assert_eq!(collection_time("  ", &clock()), Ok(None));
        // 08:30 UTC is 11:30 in Nairobi.
        let at = collection_time("11:05", &clock()).expect("a time");
        assert_eq!(
            at,
            Some(
                Utc.with_ymd_and_hms(2026, 3, 9, 8, 5, 0)
                    .single()
                    .expect("t")
            )
        );
        assert!(
            collection_time("11:45", &clock())
                .unwrap_err()
                .contains("still to come")
        );
        assert!(
            collection_time("soon", &clock())
                .unwrap_err()
                .contains("HH:MM")
        );
    }

    #[test]
    fn a_correction_needs_a_value_and_a_reason() {
        let results = vec![(Id::new(), "Potassium 6.9 mmol/L HH".to_string())];
        let mut f = SmallForm::correct(Id::new(), 2, "LAB".into(), results.clone(), 0);
        assert!(f.correction().is_none());
        assert_eq!(f.fields.focus(), 1);
        f.fields.set_text(1, "4.1");
        assert!(f.correction().is_none(), "the reason is required");
        assert_eq!(f.fields.focus(), 2);
        f.fields.set_text(2, "wrong sample tube");
        assert_eq!(
            f.correction(),
            Some((
                results[0].0.clone(),
                "4.1".into(),
                "wrong sample tube".into()
            ))
        );
    }
}
