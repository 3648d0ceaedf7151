//! The real `wardline` binary run on a data folder with its passwords on
//! standard input, as the command-line tests drive it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::ADMIN_PASSWORD;

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_wardline");

/// Runs wardline on the data folder `data` with `stdin` as the passwords
/// asked for.
pub fn run(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .arg("--password-stdin")
        // The folder given is the only one; no logging mixes into the output.
        .env_remove("WARDLINE_DATA_DIR")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wardline");
    // A command that stops before asking for a password closes its input.
    let _ = child
        .stdin
        .take()
        .expect("wardline's input")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("wardline ends")
}

/// Whether the command succeeded, and what it printed (output, then errors).
pub fn said(data: &Path, args: &[&str], stdin: &str) -> (bool, String) {
    let out = run(data, args, stdin);
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Runs a command given the administrator's password `passwords` times and
/// returns its standard output; fails with its error otherwise.
pub fn ok(data: &Path, args: &[&str], passwords: usize) -> String {
    let out = run(data, args, &format!("{ADMIN_PASSWORD}\n").repeat(passwords));
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command given the administrator's password once and returns
/// its error; fails if it succeeds.
pub fn refused(data: &Path, args: &[&str]) -> String {
    let out = run(data, args, &format!("{ADMIN_PASSWORD}\n"));
    assert!(!out.status.success(), "{args:?} should be refused");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The text `pdftotext` reads from the PDF at `path`, its words joined by
/// single spaces; `None` (said on standard error) when pdftotext is
/// missing, which fails the test under CI=true.
pub fn pdf_words(path: &Path) -> Option<String> {
    match Command::new("pdftotext").arg(path).arg("-").output() {
        Ok(out) if out.status.success() => Some(
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => {
            let why = match other {
                Ok(out) => format!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
                Err(e) => format!("pdftotext could not run ({e})"),
            };
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{why}: CI must have it (poppler-utils, installed by .ci/run)"
            );
            eprintln!(
                "SKIPPED the PDF's text check: {why}. Install poppler-utils (`apt-get install poppler-utils`) to run it."
            );
            None
        }
    }
}

/// Asserts no line of `out` is wider than `columns` characters.
pub fn assert_fits(out: &str, columns: usize) {
    for line in out.lines() {
        assert!(
            line.chars().count() <= columns,
            "{line:?} is wider than {columns}"
        );
    }
}

/// Asserts `out`, its words joined by single spaces, says each of `words`.
pub fn assert_says(out: &str, words: &[&str]) {
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for w in words {
        assert!(flat.contains(w), "{w:?} missing:\n{out}");
    }
}

/// Asserts the file at `path` is a PDF readable by its owner only.
pub fn assert_private_pdf(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
