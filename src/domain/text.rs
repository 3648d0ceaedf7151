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

/// Pasted text for a one-line field: each run of line breaks and tabs
/// becomes one space, other control characters are dropped, and the line
/// break a copied cell or line ends with is left out.
pub fn pasted_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.trim_end_matches(['\n', '\r']).chars() {
        if matches!(c, '\n' | '\r' | '\t') {
            gap = true;
        } else if !c.is_control() {
            if std::mem::take(&mut gap) {
                out.push(' ');
            }
            out.push(c);
        }
    }
    if gap {
        out.push(' ');
    }
    out
}

/// Pasted text for a field of several lines (a note): line breaks (of any
/// system) and tabs kept, other control characters dropped.
pub fn pasted_lines(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// Pasted text for a masked field (a password): no line break, no control
/// character at all.
pub fn pasted_secret(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_into_one_line_folds_its_breaks_and_drops_controls() {
        assert_eq!(pasted_line("3014\nd"), "3014 d");
        assert_eq!(pasted_line("kamau\r\n\tpeter\n"), "kamau peter");
        assert_eq!(pasted_line("a\u{1b}[2Jb\u{7}"), "a[2Jb");
        assert_eq!(pasted_line("\tx\t"), " x ");
        assert_eq!(pasted_line("\n"), "");
    }

    #[test]
    fn a_paste_into_a_note_keeps_its_lines() {
        assert_eq!(
            pasted_lines("fever\r\ncough\rnight\tsweats\u{1b}"),
            "fever\ncough\nnight\tsweats"
        );
        assert_eq!(pasted_secret("pa ss\tword\n"), "pa ssword");
    }

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
