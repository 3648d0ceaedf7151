//! The real program on a pseudo-terminal: cold start (process start to the
//! first frame of the sign-in screen) and peak resident memory while
//! searching on the big hospital, patients at the front desk and diagnosis
//! codes at a doctor's terminal. The terminal is `crate::pty`'s, the one
//! the end-to-end tests use too.
//!
//! The child's data directory holds only `hospitals/BENCH.db`, a symbolic
//! link to the bench hospital, so the program opens it as any hospital.

use super::frames::{HEIGHT, WIDTH};
use super::{BENCH_USER, CODE, DOCTOR, PASSWORD};
use crate::pty::{Pty, PtyChild};
use anyhow::{Context, Result, bail};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the sign-in screen shows once drawn.
const SIGN_IN_MARK: &str = "Password";
/// What the screen shows once signed in (the greeting names the account).
const SIGNED_IN_MARK: &str = "Administrator";
/// The same for the bench's doctor.
const DOCTOR_SIGNED_IN_MARK: &str = "Bench Doctor";
/// What a visit's hint bar shows while its note is written (a visit opens
/// so).
const WRITING_MARK: &str = "stop writing";
/// What the diagnosis code search shows once open.
const CODE_SEARCH_MARK: &str = "type a code or words";
const START_TIMEOUT: Duration = Duration::from_secs(30);
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The program running on a pseudo-terminal, its output collected. Dropping
/// it kills the program.
struct Running {
    child: PtyChild,
    output: Arc<Mutex<Vec<u8>>>,
    started: Instant,
}

/// A data directory whose only hospital is the bench file.
pub fn data_dir(bench_dir: &Path, hospital: &Path) -> Result<PathBuf> {
    let root = bench_dir.join("run");
    let hospitals = root.join("hospitals");
    crate::paths::create_private_dir(&hospitals)
        .with_context(|| format!("could not create {}", hospitals.display()))?;
    let link = hospitals.join(format!("{CODE}.db"));
    match std::fs::remove_file(&link) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("could not remove {}", link.display())),
    }
    let target = std::fs::canonicalize(hospital)
        .with_context(|| format!("could not find {}", hospital.display()))?;
    std::os::unix::fs::symlink(&target, &link)
        .with_context(|| format!("could not link {}", link.display()))?;
    Ok(root)
}

impl Running {
    fn start(data: &Path) -> Result<Running> {
        let pty = Pty::open(HEIGHT, WIDTH).context("could not open a pseudo-terminal")?;
        let exe = std::env::current_exe().context("could not find the wardline program")?;
        let mut command = Command::new(exe);
        command
            .arg("--data-dir")
            .arg(data)
            .arg("--hospital")
            .arg(CODE)
            .env("TERM", "xterm-256color")
            .env_remove("WARDLINE_DATA_DIR");
        let started = Instant::now();
        let child = pty
            .spawn(&mut command)
            .context("could not start wardline")?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut reader = child.reader()?;
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            // Ends with an error (EIO) once the child has closed the terminal.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut out) = sink.lock() {
                    out.extend_from_slice(&buf[..n]);
                }
            }
        });
        Ok(Running {
            child,
            output,
            started,
        })
    }

    fn output_len(&self) -> usize {
        self.output.lock().map(|o| o.len()).unwrap_or(0)
    }

    /// Waits until the output after `from` contains `mark`; the time since
    /// the start.
    fn wait_for(&mut self, mark: &str, from: usize) -> Result<Duration> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let seen = self
                .output
                .lock()
                .map(|o| {
                    o.get(from..)
                        .is_some_and(|o| o.windows(mark.len()).any(|w| w == mark.as_bytes()))
                })
                .unwrap_or(false);
            if seen {
                return Ok(self.started.elapsed());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "wardline exited ({status}) before showing {mark:?}: {}",
                    self.tail()
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "wardline did not show {mark:?} within {START_TIMEOUT:?}: {}",
                    self.tail()
                );
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// Waits until nothing has been drawn for `quiet`.
    fn settle(&mut self, quiet: Duration) {
        let deadline = Instant::now() + START_TIMEOUT;
        let mut last = self.output_len();
        let mut since = Instant::now();
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            let now = self.output_len();
            if now != last {
                last = now;
                since = Instant::now();
            } else if since.elapsed() >= quiet {
                return;
            }
        }
    }

    /// Waits until the program has used no processor time for a while:
    /// every key typed has been handled.
    fn wait_idle(&mut self) -> Result<()> {
        let stat_path = format!("/proc/{}/stat", self.child.id());
        let cpu = || -> Option<u64> {
            let stat = std::fs::read_to_string(&stat_path).ok()?;
            // Fields after the command name (which may hold spaces): state is
            // the first, utime the 12th and stime the 13th.
            let rest = stat.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        };
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut last = cpu();
        let mut still = 0;
        while still < 5 {
            if Instant::now() > deadline {
                bail!("wardline stayed busy for ten minutes after the searches were typed");
            }
            std::thread::sleep(Duration::from_millis(50));
            let now = cpu();
            if now == last {
                still += 1;
            } else {
                still = 0;
                last = now;
            }
        }
        Ok(())
    }

    /// Signs `user` in and waits for the screen to show `mark`.
    fn sign_in(&mut self, user: &str, mark: &str) -> Result<()> {
        self.wait_for(SIGN_IN_MARK, 0)?;
        self.settle(Duration::from_millis(50));
        let from = self.output_len();
        self.send(format!("{user}\t{PASSWORD}\r").as_bytes())?;
        self.wait_for(mark, from)?;
        Ok(())
    }

    /// Types each query one key at a time, then clears it with Ctrl+U.
    fn type_queries<S: AsRef<str>>(&mut self, queries: &[S]) -> Result<()> {
        for q in queries {
            for c in q.as_ref().chars() {
                let mut b = [0u8; 4];
                self.send(c.encode_utf8(&mut b).as_bytes())?;
                std::thread::sleep(Duration::from_millis(2));
            }
            self.settle(Duration::from_millis(30));
            self.send(b"\x15")?; // Ctrl+U
            self.settle(Duration::from_millis(30));
        }
        Ok(())
    }

    /// The program's peak resident memory so far (VmHWM), in MB.
    fn peak_mb(&self) -> Result<f64> {
        let status_path = format!("/proc/{}/status", self.child.id());
        let status = std::fs::read_to_string(&status_path)
            .with_context(|| format!("could not read {status_path}"))?;
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("{status_path} has no VmHWM line"))?;
        Ok(kib / 1024.0)
    }

    fn tail(&self) -> String {
        let out = self.output.lock().map(|o| o.clone()).unwrap_or_default();
        let text = String::from_utf8_lossy(&out[out.len().saturating_sub(300)..]).to_string();
        text.chars().filter(|c| !c.is_control()).collect()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.child
            .write(bytes)
            .context("could not type into wardline")
    }

    /// Ctrl+Q (and yes, if asked); killed when it does not exit in time.
    fn quit(mut self) -> Result<()> {
        self.send(b"\x11")?;
        let asked = Instant::now();
        let mut answered = false;
        loop {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            if !answered && asked.elapsed() > Duration::from_secs(1) {
                // A question ("quit and throw away…?") is waiting.
                let _ = self.send(b"y");
                answered = true;
            }
            if asked.elapsed() > EXIT_TIMEOUT {
                let _ = self.child.kill();
                bail!("wardline did not quit on Ctrl+Q: it was killed");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Milliseconds from process start to the sign-in screen, per run.
pub fn cold_start(data: &Path, runs: usize) -> Result<Vec<f64>> {
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut run = Running::start(data)?;
        let t = run.wait_for(SIGN_IN_MARK, 0)?;
        ms.push(t.as_secs_f64() * 1e3);
        run.settle(Duration::from_millis(50));
        run.quit()?;
    }
    Ok(ms)
}

/// Peak resident memory (VmHWM, in MB) of the program after signing in
/// and typing `queries` into the patient search, each cleared with Ctrl+U.
pub fn peak_memory(data: &Path, queries: &[String]) -> Result<f64> {
    let mut run = Running::start(data)?;
    run.sign_in(BENCH_USER, SIGNED_IN_MARK)?;
    run.send(b"\x1bOQ")?; // F2: the patients tab
    run.settle(Duration::from_millis(100));
    run.type_queries(queries)?;
    run.wait_idle()?;
    let mb = run.peak_mb()?;
    run.quit()?;
    Ok(mb)
}

/// Peak resident memory (VmHWM, in MB) of a doctor's terminal searching
/// diagnosis codes: the bench's doctor signs in, opens the visits tab
/// (F7), opens the first patient of the worklist (an admitted patient of
/// theirs: a ward round, which opens on its note; Esc leaves the note),
/// starts a diagnosis (`d`) and types `queries`,
/// each cleared with Ctrl+U. The first key builds the code list's index.
pub fn peak_memory_codes(data: &Path, queries: &[&str]) -> Result<f64> {
    let mut run = Running::start(data)?;
    run.sign_in(DOCTOR, DOCTOR_SIGNED_IN_MARK)?;
    run.send(b"\x1b[18~")?; // F7: the visits tab
    run.settle(Duration::from_millis(100));
    let from = run.output_len();
    run.send(b"\r")?; // the first patient of the worklist
    run.wait_for(WRITING_MARK, from)?;
    run.send(b"\x1b")?; // Esc: stop writing the note
    run.settle(Duration::from_millis(100));
    let from = run.output_len();
    run.send(b"d")?;
    run.wait_for(CODE_SEARCH_MARK, from)?;
    run.type_queries(queries)?;
    run.wait_idle()?;
    let mb = run.peak_mb()?;
    run.quit()?;
    Ok(mb)
}
