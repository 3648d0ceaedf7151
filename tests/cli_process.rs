//! What the binary does to its own process: no core dump (it would hold
//! passwords and patient data), and a quiet end when the reader of its
//! output goes away (`wardline audit verify | head -0`).

use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_wardline");

/// A command whose output pipe is closed before it writes ends without a
/// panic: by the pipe's signal, as any Unix tool does.
#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    for args in [&["hospitals"][..], &["--help"][..]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env_remove("WARDLINE_DATA_DIR")
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!said.contains("panicked"), "{args:?}: {said}");
        assert!(
            out.status.success() || out.status.signal() == Some(libc_sigpipe()),
            "{args:?}: {:?} {said}",
            out.status
        );
    }
}

#[cfg(unix)]
fn libc_sigpipe() -> i32 {
    13
}

/// While a command waits for its password, its core size limit is
/// nothing.
#[cfg(target_os = "linux")]
#[test]
fn the_process_allows_no_core_dump() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "--password-stdin",
            "init",
            "--code",
            "TST",
            "--name",
            "T",
            "--admin",
            "admin",
        ])
        .env_remove("WARDLINE_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let limits = format!("/proc/{}/limits", child.id());
    let mut line = String::new();
    // The soft limit may be nothing already; the hard one is the program's.
    for _ in 0..500 {
        line = std::fs::read_to_string(&limits)
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap_or_default()
            .to_string();
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(4..6) == Some(&["0", "0"][..]) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields.get(4..6), Some(&["0", "0"][..]), "{line}");
}
