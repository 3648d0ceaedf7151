//! `wardline serve --ssh` with the real OpenSSH client, run on a
//! pseudo-terminal of the test's own and read by a terminal emulator, as a
//! member of staff at another machine would use it: connect, sign in, work,
//! resize, disconnect in the middle of a form, many terminals at once, the
//! `max_terminals` cap, a registered public key, and no shell or command.
//!
//! Needs `ssh` (Debian: `apt-get install openssh-client`). Without it the
//! tests say so and pass, except under CI (`CI=true`), where they fail.
#![cfg(unix)]

mod e2e_harness;

use e2e_harness::{BIN, Terminal};
use rusqlite::Connection;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long the server may take to sign a closed terminal out.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The OpenSSH client, or `None` (after saying what is missing) when the
/// machine has none and this is not CI.
fn ssh_client() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("ssh"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let missing = "the OpenSSH client `ssh` is not installed; install it with `apt-get install openssh-client` (Debian, Ubuntu) to run the SSH server's tests";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{missing} (CI must run them)"
        );
        eprintln!("skipped: {missing}");
    }
    found
}

/// The demo hospital, built once per run and copied for each test.
fn demo_copy(to: &Path) {
    static TEMPLATE: OnceLock<tempfile::TempDir> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        e2e_harness::demo(dir.path());
        dir
    });
    copy_dir(template.path(), to);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The server, on a free port of 127.0.0.1; stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    fingerprint: String,
    data: PathBuf,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(data)
            .args(["serve", "--ssh", "--listen", "127.0.0.1:0"])
            .env_remove("WARDLINE_DATA_DIR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start wardline serve --ssh");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut said = String::new();
        let mut port = None;
        let mut fingerprint = None;
        while port.is_none() || fingerprint.is_none() {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                let mut err = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                panic!("the server stopped before serving:\n{said}{err}");
            }
            said.push_str(&line);
            if let Some(rest) = line.split("over SSH on ").nth(1) {
                port = rest
                    .trim()
                    .trim_end_matches('.')
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.parse().ok());
            }
            if let Some(rest) = line.strip_prefix("Host key fingerprint: ") {
                fingerprint = Some(rest.trim().to_string());
            }
        }
        // The rest of what it says is read (and kept from blocking it).
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = out.read_to_string(&mut rest);
        });
        Server {
            child,
            port: port.unwrap(),
            fingerprint: fingerprint.unwrap(),
            data: data.to_path_buf(),
        }
    }

    /// `ssh` to the server as `user`, on a 100×30 terminal, with `extra`
    /// options before the destination.
    fn connect(&self, name: &str, ssh: &Path, user: &str, extra: &[&str]) -> Terminal {
        let mut command = Command::new(ssh);
        command
            .args(["-F", "/dev/null", "-tt", "-p"])
            .arg(self.port.to_string())
            .args([
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
            ])
            .args(["-o", "LogLevel=ERROR"])
            .args(extra)
            .arg(format!("{user}@127.0.0.1"));
        Terminal::program(name, command)
    }

    /// A connection that signs in on the screen (no key offered).
    fn screen(&self, name: &str, ssh: &Path) -> Terminal {
        self.connect(name, ssh, "staff", &["-o", "PubkeyAuthentication=no"])
    }

    /// Stops the server as Ctrl+C does; returns its exit status.
    fn interrupt(&mut self) -> std::process::ExitStatus {
        let pid = rustix::process::Pid::from_child(&self.child);
        rustix::process::kill_process(pid, rustix::process::Signal::INT).unwrap();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on Ctrl+C"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What the server logged (for a failure's message).
    fn log(&self) -> String {
        let mut text = String::new();
        for entry in std::fs::read_dir(self.data.join("logs"))
            .into_iter()
            .flatten()
            .flatten()
        {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
        text
    }

    fn file(&self) -> Connection {
        Connection::open(self.data.join("hospitals/DEMO.db")).unwrap()
    }

    /// Sessions of `user` not yet signed out.
    fn open_sessions(&self, user: &str) -> i64 {
        self.file()
            .query_row(
                "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE u.user_name = ?1 AND s.ended_at IS NULL",
                [user],
                |r| r.get(0),
            )
            .unwrap()
    }

    /// Waits until every session of `user` is signed out.
    fn wait_signed_out(&self, user: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while self.open_sessions(user) > 0 {
            assert!(
                Instant::now() < deadline,
                "{user}'s session was not signed out; the server's log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a command of the CLI as the demo's admin.
fn as_admin(data: &Path, args: &[&str]) -> String {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .args(["--as", "admin", "--password-stdin"])
        .env_remove("WARDLINE_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", wardline::demo::PASSWORD).as_bytes());
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?} failed: {said}");
    said
}

fn wait_closed(t: &Terminal) {
    let deadline = Instant::now() + TIMEOUT;
    while !t.has_closed() {
        assert!(
            Instant::now() < deadline,
            "ssh did not end:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_nurse_signs_in_works_follows_a_resize_and_quits_signed_out() {
    let Some(ssh) = ssh_client() else { return };
    let dir = tempfile::tempdir().unwrap();
    demo_copy(dir.path());
    let server = Server::start(dir.path());
    assert!(server.fingerprint.starts_with("SHA256:"));
    let key = dir.path().join("ssh_host_ed25519_key");
    assert!(key.exists(), "the host key is kept in the data directory");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the host key is the service user's only"
        );
    }

    // The demo's own day holds the nurse's earlier sign-ins.
    let before: i64 = server
        .file()
        .query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let t = server.screen("nurse", &ssh);
    t.wait_for("Sign in");
    t.typed("nurse");
    t.keys(&["Tab"]);
    t.typed("not the password");
    t.keys(&["Enter"]);
    t.wait_for("User name or password is wrong");
    t.typed(wardline::demo::PASSWORD);
    t.keys(&["Enter"]);
    t.wait_for("Signed in as Mei Lin Chen");
    assert_eq!(server.open_sessions("nurse"), 1);

    t.keys(&["F4"]);
    t.wait_for("Medical ward");
    let narrow = t.screen();
    assert!(narrow.lines().all(|l| l.chars().count() <= 100));

    t.resize(40, 130);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let screen = t.screen();
        let wide = screen.lines().any(|l| l.chars().count() > 100);
        let tall = screen.lines().nth(35).is_some_and(|l| !l.trim().is_empty());
        if wide && tall && screen.contains("Medical ward") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the screen did not follow the resize to 130×40:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    t.keys(&["F2"]);
    t.wait_for("Ctrl+N new patient");
    t.typed("000001");
    t.wait_for("DEMO-000001");
    t.keys(&["Enter"]);
    t.wait_for("Demographics");

    t.keys(&["C-q"]);
    wait_closed(&t);
    let screen = t.screen();
    assert!(screen.contains("Signed out. Goodbye."), "{screen}");
    server.wait_signed_out("nurse");
    let logins: i64 = server
        .file()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE seq > ?1 AND actor_name = 'nurse' AND action IN ('LOGIN', 'LOGOUT')",
            [before],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logins, 2, "one sign-in and one sign-out");
}

#[test]
fn a_client_gone_mid_form_leaves_nothing_half_written_and_ctrl_c_stops_the_server() {
    let Some(ssh) = ssh_client() else { return };
    let dir = tempfile::tempdir().unwrap();
    demo_copy(dir.path());
    let mut server = Server::start(dir.path());
    let patients = |server: &Server| -> i64 {
        server
            .file()
            .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
            .unwrap()
    };
    let before = patients(&server);

    let t = server.screen("reception", &ssh);
    t.sign_in_to_demo("reception");
    t.wait_for("Signed in as");
    t.keys(&["F2"]);
    t.wait_for("Ctrl+N new patient");
    t.keys(&["C-n"]);
    t.wait_for("Register a new patient");
    t.typed("Halfwritten");
    t.wait_for("Halfwritten");
    drop(t);

    server.wait_signed_out("reception");
    assert_eq!(patients(&server), before, "no patient was half-registered");
    let named: i64 = server
        .file()
        .query_row(
            "SELECT count(*) FROM patients WHERE given_name LIKE '%Halfwritten%' OR family_name LIKE '%Halfwritten%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(named, 0);

    // Another terminal is at work when the server is stopped with Ctrl+C:
    // it is signed out, and the client is told.
    let t = server.screen("doctor", &ssh);
    t.sign_in_to_demo("doctor");
    t.wait_for("Signed in as");
    let status = server.interrupt();
    assert!(status.success(), "{status}");
    wait_closed(&t);
    assert_eq!(server.open_sessions("doctor"), 0);
}

#[test]
fn eight_terminals_at_once_and_the_one_over_max_terminals_is_told_why() {
    let Some(ssh) = ssh_client() else { return };
    let dir = tempfile::tempdir().unwrap();
    demo_copy(dir.path());
    as_admin(dir.path(), &["settings", "set", "max_terminals", "8"]);
    let server = Server::start(dir.path());

    let users = [
        "admin",
        "reception",
        "doctor",
        "nurse",
        "pharmacist",
        "labtech",
        "labtech2",
        "cashier",
    ];
    let terminals: Vec<Terminal> = users.iter().map(|u| server.screen(u, &ssh)).collect();
    for t in &terminals {
        t.wait_for("Sign in");
    }
    let over = server.screen("ninth", &ssh);
    over.wait_for("already serves its 8 terminals");
    wait_closed(&over);

    for (t, user) in terminals.iter().zip(users) {
        t.typed(user);
        t.keys(&["Tab"]);
        t.typed(wardline::demo::PASSWORD);
        t.keys(&["Enter"]);
    }
    for t in &terminals {
        t.wait_for("Signed in as");
    }
    for t in &terminals {
        t.keys(&["C-q"]);
    }
    for t in &terminals {
        wait_closed(t);
    }
    for user in users {
        server.wait_signed_out(user);
    }
}

#[test]
fn a_registered_key_signs_in_under_the_accounts_rules() {
    let Some(ssh) = ssh_client() else { return };
    let dir = tempfile::tempdir().unwrap();
    demo_copy(dir.path());
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("id_ed25519");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "mei@ward", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen comes with the OpenSSH client");
    assert!(made.success());
    let public = keys.path().join("id_ed25519.pub");
    let said = as_admin(
        dir.path(),
        &[
            "users",
            "ssh-key",
            "add",
            "nurse",
            "--key-file",
            public.to_str().unwrap(),
        ],
    );
    let fingerprint = said
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap()
        .to_string();
    let listed = as_admin(dir.path(), &["users", "ssh-key", "list", "nurse"]);
    assert!(
        listed.contains(&fingerprint) && listed.contains("current"),
        "{listed}"
    );

    let server = Server::start(dir.path());
    let by_key = |name: &str| {
        server.connect(
            name,
            &ssh,
            "nurse",
            &[
                "-i",
                key.to_str().unwrap(),
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "PubkeyAuthentication=yes",
            ],
        )
    };
    let t = by_key("key");
    t.wait_for("Signed in as Mei Lin Chen");
    t.keys(&["C-q"]);
    wait_closed(&t);
    server.wait_signed_out("nurse");
    let by: String = server
        .file()
        .query_row(
            "SELECT summary FROM audit_log WHERE action = 'LOGIN' AND actor_name = 'nurse' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by, format!("signed in by SSH key {fingerprint}"));

    // A disabled account's key opens no session: the sign-in screen says why.
    as_admin(dir.path(), &["users", "disable", "--user", "nurse"]);
    let t = by_key("disabled");
    t.wait_for("The account is disabled");
    assert_eq!(server.open_sessions("nurse"), 0);
    drop(t);
    as_admin(dir.path(), &["users", "enable", "--user", "nurse"]);

    // A removed key signs in no more, and stays in the history.
    as_admin(
        dir.path(),
        &["users", "ssh-key", "remove", "nurse", &fingerprint],
    );
    let listed = as_admin(dir.path(), &["users", "ssh-key", "list", "nurse"]);
    assert!(listed.contains("removed"), "{listed}");
    let t = by_key("removed");
    let screen = t.wait_for("Sign in");
    assert!(!screen.contains("Signed in as"), "{screen}");
}

#[test]
fn a_command_or_a_subsystem_gets_no_shell() {
    let Some(ssh) = ssh_client() else { return };
    let dir = tempfile::tempdir().unwrap();
    demo_copy(dir.path());
    let server = Server::start(dir.path());
    let run = |extra: &[&str]| {
        let out = Command::new(&ssh)
            .args(["-F", "/dev/null", "-T", "-p"])
            .arg(server.port.to_string())
            .args([
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
            ])
            .args(["-o", "PubkeyAuthentication=no", "-o", "BatchMode=no"])
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status,
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (status, out, err) = run(&["nurse@127.0.0.1", "ls", "/"]);
    assert!(!status.success(), "{out}{err}");
    assert!(!out.contains("etc") && !out.contains("usr"), "{out}");
    assert!(err.contains("exec request failed"), "{err}");

    let (status, out, err) = run(&["-s", "nurse@127.0.0.1", "sftp"]);
    assert!(!status.success(), "{out}{err}");
    assert!(err.contains("subsystem request failed"), "{err}");

    // A shell without a terminal is refused too, in words.
    let (status, out, err) = run(&["nurse@127.0.0.1"]);
    assert!(!status.success(), "{out}{err}");
    assert!(err.contains("needs a terminal"), "{err}");
}
