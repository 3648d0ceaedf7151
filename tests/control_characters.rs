//! Control characters — an escape sequence, a bell, an operating-system
//! command — never enter a name, a note or a ward's name, and text an older
//! file already holds is printed with them shown, not obeyed, so that a
//! listing cannot rewrite the terminal it is read on.

mod common;

use common::cli;
use common::{ADMIN, hospital};

const ESCAPES: [&str; 3] = ["\u{1b}[2J\u{1b}[H", "\u{7}", "\u{1b}]0;owned\u{7}"];

#[test]
fn typed_control_characters_are_refused_with_the_fields_message() {
    let dir = tempfile::tempdir().unwrap();
    let h = hospital(dir.path());
    let data = h.data.root().to_path_buf();
    drop(h);
    for escape in ESCAPES {
        let name = format!("Medical{escape}");
        let (ok, said) = cli::said(
            &data,
            &["wards", "add", "--name", &name, "--as", ADMIN],
            &format!("{}\n", common::ADMIN_PASSWORD),
        );
        assert!(!ok, "{said:?}");
        assert!(
            said.contains("the ward's name holds a control character"),
            "{said:?}"
        );
        assert!(
            !said.contains('\u{1b}') && !said.contains('\u{7}'),
            "{said:?}"
        );
        let (ok, said) = cli::said(
            &data,
            &[
                "settings",
                "set",
                "hospital_name",
                &format!("Clinic{escape}"),
                "--as",
                ADMIN,
            ],
            &format!("{}\n", common::ADMIN_PASSWORD),
        );
        assert!(!ok, "{said:?}");
        assert!(said.contains("without control characters"), "{said:?}");
        assert!(
            !said.contains('\u{1b}') && !said.contains('\u{7}'),
            "{said:?}"
        );
    }
    let (ok, said) = cli::said(
        &data,
        &[
            "users",
            "add",
            "--user",
            "nora",
            "--role",
            "nurse",
            "--full-name",
            "Nora\u{1b}[31m",
            "--as",
            ADMIN,
        ],
        &format!("{}\n{}\n", common::ADMIN_PASSWORD, common::USER_PASSWORD),
    );
    assert!(!ok, "{said:?}");
    assert!(
        said.contains("the full name holds a control character"),
        "{said:?}"
    );
}

#[test]
fn control_characters_an_older_file_holds_are_printed_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let h = hospital(dir.path());
    let data = h.data.root().to_path_buf();
    let path = h.db.path().to_path_buf();
    drop(h);
    {
        let conn = common::raw(&path);
        conn.execute(
            "UPDATE users SET full_name = 'Ada\u{1b}]0;owned\u{7}Admin' WHERE user_name = 'admin'",
            [],
        )
        .unwrap();
    }
    let out = cli::ok(&data, &["users", "list", "--as", ADMIN], 1);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("Ada\\u{1b}]0;owned\\u{7}Admin"), "{out}");
}
