//! Which other processes hold a file open, so that a restore can refuse to
//! pull a hospital file from under a running terminal and say which one to
//! close. Linux only (it reads `/proc/<pid>/fd`); elsewhere the answer is
//! "could not tell", and the caller says so.

use std::path::{Path, PathBuf};

/// A process that holds one of the files open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// Its command line, arguments separated by spaces.
    pub command: String,
    /// Which of the files it holds.
    pub file: PathBuf,
}

/// The processes other than this one that hold any of `files` open; `None`
/// when this system offers no way to tell. Processes of other users are
/// not visible unless run as root.
pub fn holders(files: &[PathBuf]) -> Option<Vec<Holder>> {
    let proc_dir = Path::new("/proc");
    if !proc_dir.join("self/fd").is_dir() {
        return None;
    }
    let wanted: Vec<(PathBuf, &PathBuf)> = files
        .iter()
        .map(|f| (std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()), f))
        .collect();
    let me = std::process::id();
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(proc_dir) else {
        return None;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let held: Option<&PathBuf> = fds.flatten().find_map(|fd| {
            let target = std::fs::read_link(fd.path()).ok()?;
            wanted
                .iter()
                .find(|(canonical, _)| *canonical == target)
                .map(|(_, f)| *f)
        });
        if let Some(file) = held {
            let command = std::fs::read(entry.path().join("cmdline"))
                .map(|b| {
                    String::from_utf8_lossy(&b)
                        .split('\0')
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            found.push(Holder {
                pid,
                command,
                file: file.clone(),
            });
        }
    }
    found.sort_by_key(|h| h.pid);
    Some(found)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn finds_a_child_holding_a_file_and_not_itself() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("held.db");
        std::fs::write(&file, b"x").unwrap();
        let _mine = std::fs::File::open(&file).unwrap();
        assert_eq!(holders(std::slice::from_ref(&file)), Some(vec![]));

        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg("exec 3<\"$1\"; echo ready; exec sleep 30")
            .arg("sh")
            .arg(&file)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
            &mut line,
        )
        .unwrap();
        // "ready" comes before the shell becomes `sleep`: wait for the exec
        // (its command line reads empty meanwhile), at most ten seconds.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let found = loop {
            let found = holders(std::slice::from_ref(&file)).unwrap();
            let execed = found.iter().any(|h| !h.command.is_empty());
            if execed || std::time::Instant::now() > deadline {
                break found;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pid, child.id());
        assert!(found[0].command.contains("sleep 30"), "{found:?}");
        assert_eq!(found[0].file, file);
    }
}
