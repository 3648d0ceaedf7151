//! One possible duplicate in the registration form's panel: the name with
//! how many fields agree, the MRN, sex and age, the birth date and phone
//! (so two alike names can be told apart), why it matched, and a sex that
//! differs.

use crate::domain::patient::age_label;
use crate::ops::patients::Duplicate;
use crate::tui::theme::Theme;
use chrono::NaiveDate;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The panel's lines for `d`, its name in `name_style`.
pub(super) fn lines(
    d: &Duplicate,
    name_style: Style,
    today: NaiveDate,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let agree = d.agreement.agree.len();
    let mut out = vec![
        Line::from(vec![
            Span::styled(d.row.name.clone(), name_style),
            Span::styled(
                format!(" ({agree} agree{})", if agree == 1 { "s" } else { "" }),
                theme.muted(),
            ),
        ]),
        Line::from(Span::styled(
            format!(
                " {} {} {}",
                d.row.mrn,
                d.row.sex,
                age_label(d.row.birth_date, d.row.estimated, today)
            ),
            theme.muted(),
        )),
        Line::from(Span::styled(
            format!(
                " born {}{} · {}",
                if d.row.estimated { "~" } else { "" },
                d.row.birth_date.format("%Y-%m-%d"),
                if d.row.phone.is_empty() {
                    "no phone"
                } else {
                    d.row.phone.as_str()
                }
            ),
            theme.muted(),
        )),
        Line::from(Span::styled(format!(" {}", d.reason), theme.warn())),
    ];
    if d.agreement.sex_differs {
        out.push(Line::from(Span::styled(
            format!(" but recorded {}: less likely", d.row.sex),
            theme.muted(),
        )));
    }
    out
}
