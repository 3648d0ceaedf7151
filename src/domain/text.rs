//! The rule every typed or imported text follows besides its length: no
//! control character. An escape sequence pasted into a name, a note or a
//! ward's name would otherwise be printed raw by the command line and
//! could rewrite another user's terminal. Line breaks and tabs are allowed
//! only where a text may have several lines; text an older file already
//! holds is printed with its control characters shown, not obeyed.

use std::borrow::Cow;

/// Whether `text` holds a control character (other than a line break or a
/// tab when `lines` allows several lines).
pub fn has_control(text: &str, lines: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\r' | '\t')))
}

/// Refuses a text holding a control character, naming the field.
pub fn refuse_control(what: &str, text: &str, lines: bool) -> Result<(), String> {
    if has_control(text, lines) {
        return Err(format!(
            "the {what} holds a control character (an escape or other invisible code, often pasted): type it again without it"
        ));
    }
    Ok(())
}

/// `text` as a terminal may print it: each control character other than a
/// line break or a tab shown as `\u{1b}` instead of acted on.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !has_control(text, true) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && !matches!(c, '\n' | '\t') {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bells_and_other_controls_are_refused_line_breaks_where_allowed() {
        for bad in [
            "Ward\u{1b}[2J",
            "a\u{7}b",
            "x\u{1b}]0;title\u{7}",
            "tab\there",
            "c1\u{9b}",
        ] {
            assert!(
                refuse_control("ward's name", bad, false).is_err(),
                "{bad:?}"
            );
        }
        assert!(refuse_control("note", "two\nlines\tand a tab", true).is_ok());
        assert!(refuse_control("note", "escape\u{1b}[31m", true).is_err());
        let e = refuse_control("ward's name", "a\u{1b}", false).unwrap_err();
        assert!(
            e.starts_with("the ward's name holds a control character"),
            "{e}"
        );
        assert!(refuse_control("name", "Núñez O'Brien-Łukasz 王", false).is_ok());
    }

    #[test]
    fn printing_shows_control_characters_instead_of_obeying_them() {
        assert_eq!(printable("Medical"), "Medical");
        assert_eq!(printable("M\u{1b}[2Jed"), "M\\u{1b}[2Jed");
        assert_eq!(printable("a\u{7}\nb"), "a\\u{7}\nb");
    }
}
