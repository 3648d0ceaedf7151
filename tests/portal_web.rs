//! The web portal (`wardline portal serve`) on a copy of the demo hospital,
//! served on 127.0.0.1:0 with an injected clock: plain HTTP checks of the
//! security headers, cookies and CSRF refusals, and a real headless
//! browser (Debian's chromium and chromedriver, over WebDriver) that signs
//! in, changes the forced password, reads each section, is locked out,
//! idles out, signs out, and tries another patient's data by URL and by
//! cookie — which must fail.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, params};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use wardline::domain::ids::Id;
use wardline::domain::time::format_ts;
use wardline::paths::DataDir;
use wardline::portal::{self, Config, Running};
use wardline::store::Db;

const PASSWORD: &str = "my own record 2026";
const NEW_PASSWORD: &str = "lantern harbour violet 77";

fn built_at() -> DateTime<Utc> {
    "2026-03-09T09:00:00Z".parse().unwrap()
}

fn demo_file() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
        let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
        wardline::demo::ensure_at(&data, false, built_at(), chrono_tz::Africa::Nairobi)
            .expect("the demo builds")
    })
}

/// A patient of the demo with a portal account.
struct Patient {
    id: Id,
    mrn: String,
    user_name: String,
}

/// A copy of the demo with two patient accounts, served by the portal.
struct Site {
    _dir: tempfile::TempDir,
    path: PathBuf,
    running: Running,
    /// Minutes the injected clock is ahead of `built_at`.
    offset: Arc<AtomicI64>,
    me: Patient,
    other: Patient,
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.running.addr)
    }

    fn raw(&self) -> Connection {
        Connection::open(&self.path).unwrap()
    }

    fn advance(&self, minutes: i64) {
        self.offset.fetch_add(minutes, Ordering::SeqCst);
    }
}

fn account(conn: &Connection, patient: &Id, hash: &str, must_change: bool) -> Patient {
    let at = format_ts(built_at());
    conn.execute(
        "UPDATE patients SET verified_at = coalesce(verified_at, ?2),
                verified_by = coalesce(verified_by, (SELECT id FROM users WHERE user_name = 'reception'))
         WHERE id = ?1",
        params![patient.as_str(), at],
    )
    .unwrap();
    let mrn: String = conn
        .query_row(
            "SELECT mrn FROM patients WHERE id = ?1",
            [patient.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    let user_name = mrn.replace('-', "").to_lowercase();
    conn.execute(
        "INSERT INTO users (id, user_name, full_name, role, password_hash, must_change_password,
                            created_at, updated_at, patient_id)
         VALUES (?1, ?2, '', 'patient', ?3, ?4, ?5, ?5, ?6)",
        params![
            Id::new().as_str(),
            user_name,
            hash,
            must_change,
            at,
            patient.as_str()
        ],
    )
    .unwrap();
    Patient {
        id: patient.clone(),
        mrn,
        user_name,
    }
}

fn site(behind_tls: bool) -> Site {
    let src = demo_file();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("DEMO.db");
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", src.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", path.display())).unwrap();
        }
    }
    let conn = Connection::open(&path).unwrap();
    let ids: Vec<Id> = conn
        .prepare(
            "SELECT id FROM patients WHERE id IN (SELECT patient_id FROM admissions)
             AND deleted_at IS NULL AND merged_into IS NULL ORDER BY mrn LIMIT 2",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| Id::from_stored(r.unwrap()))
        .collect();
    let hash = wardline::auth::hash_password(PASSWORD).unwrap();
    let me = account(&conn, &ids[0], &hash, true);
    let other = account(&conn, &ids[1], &hash, false);
    drop(conn);
    let offset = Arc::new(AtomicI64::new(0));
    let clock = offset.clone();
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        behind_tls,
        idle_minutes: Some(10),
        now: Arc::new(move || built_at() + Duration::minutes(clock.load(Ordering::SeqCst))),
    };
    let running = portal::start(Db::open(&path).unwrap(), config).expect("the portal starts");
    Site {
        _dir: dir,
        path,
        running,
        offset,
        me,
        other,
    }
}

// ---- plain HTTP -------------------------------------------------------------

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }

    /// The session token the reply sets, if any.
    fn token(&self) -> Option<String> {
        let c = self.header("set-cookie")?;
        let v = c.strip_prefix("wardline_portal=")?.split(';').next()?;
        (!v.is_empty()).then(|| v.to_string())
    }

    fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").expect("a form") + 19;
        self.body[at..at + 64].to_string()
    }
}

fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut r = r.expect("the portal answers");
    Reply {
        status: r.status().as_u16(),
        headers: r
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: r.body_mut().read_to_string().unwrap_or_default(),
    }
}

fn get(s: &Site, path: &str, token: Option<&str>) -> Reply {
    let mut req = agent().get(&s.url(path));
    if let Some(t) = token {
        req = req.header("Cookie", &format!("wardline_portal={t}"));
    }
    reply(req.call())
}

fn post(s: &Site, path: &str, token: Option<&str>, form: &[(&str, &str)]) -> Reply {
    let mut req = agent().post(&s.url(path));
    if let Some(t) = token {
        req = req.header("Cookie", &format!("wardline_portal={t}"));
    }
    reply(req.send_form(form.iter().copied()))
}

/// Signs in over plain HTTP; returns the signed-in token and the reply.
fn http_sign_in(s: &Site, user: &str, password: &str) -> (String, Reply) {
    let form = get(s, "/signin", None);
    let anon = form.token().expect("a session for the form");
    let r = post(
        s,
        "/signin",
        Some(&anon),
        &[
            ("csrf", &form.csrf()),
            ("user_name", user),
            ("password", password),
        ],
    );
    (r.token().unwrap_or(anon), r)
}

fn assert_secure_headers(r: &Reply) {
    let csp = r.header("content-security-policy").expect("a CSP");
    for part in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[test]
fn every_response_has_the_security_headers_and_the_cookie_its_attributes() {
    let s = site(false);
    for path in ["/", "/signin", "/style.css", "/record", "/nowhere"] {
        assert_secure_headers(&get(&s, path, None));
    }
    let form = get(&s, "/signin", None);
    assert!(form.body.contains("name=\"viewport\""));
    let cookie = form.header("set-cookie").unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");

    let tls = site(true);
    let cookie = get(&tls, "/signin", None)
        .header("set-cookie")
        .unwrap()
        .to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
    // The signed-in cookie too, and a refused POST still has the headers.
    let (_, r) = http_sign_in(&tls, &tls.other.user_name, PASSWORD);
    assert_eq!(r.status, 303);
    assert!(r.header("set-cookie").unwrap().contains("; Secure"));
    assert_secure_headers(&post(&tls, "/signout", None, &[]));
}

#[test]
fn forms_without_or_with_a_wrong_csrf_token_and_forged_cookies_are_refused() {
    let s = site(false);
    let form = get(&s, "/signin", None);
    let anon = form.token().unwrap();
    let creds = [
        ("user_name", s.other.user_name.as_str()),
        ("password", PASSWORD),
    ];
    // No token, a wrong one, no cookie: refused, no sign-in.
    let r = post(&s, "/signin", Some(&anon), &creds);
    assert_eq!(r.status, 403);
    let wrong = "0".repeat(64);
    let r = post(
        &s,
        "/signin",
        Some(&anon),
        &[creds[0], creds[1], ("csrf", &wrong)],
    );
    assert_eq!(r.status, 403);
    let r = post(
        &s,
        "/signin",
        None,
        &[creds[0], creds[1], ("csrf", &form.csrf())],
    );
    assert_eq!(r.status, 403);

    let (token, r) = http_sign_in(&s, &s.other.user_name, PASSWORD);
    assert_eq!((r.status, r.location()), (303, "/record"));
    let page = get(&s, "/record/details", Some(&token));
    assert!(page.body.contains(&s.other.mrn));
    // Sign-out needs the session's own token.
    let r = post(&s, "/signout", Some(&token), &[("csrf", &form.csrf())]);
    assert_eq!(r.status, 403);
    assert_eq!(get(&s, "/record/details", Some(&token)).status, 200);
    // A forged or altered cookie is no session.
    for forged in [wrong.clone(), format!("{}0", &token[..63]), "x".into()] {
        let r = get(&s, "/record/details", Some(&forged));
        assert_eq!((r.status, r.location()), (303, "/signin"), "{forged}");
        assert!(!r.body.contains(&s.other.mrn));
    }
    // Ids and MRNs in paths and queries lead to nobody else's record.
    for path in [
        format!("/record/details?patient={}", s.me.id),
        format!("/record/details?mrn={}", s.me.mrn),
        format!("/record/{}", s.me.mrn),
        format!("/record/{}", s.me.id),
        format!("/record/details/{}", s.me.id),
        format!("/patients/{}", s.me.id),
    ] {
        let r = get(&s, &path, Some(&token));
        assert!(!r.body.contains(&s.me.mrn), "{path} showed another record");
        assert!(r.status == 200 || r.status == 404, "{path}: {}", r.status);
    }
}

#[test]
fn a_staff_account_is_told_the_portal_is_for_patients_and_gets_no_session() {
    let s = site(false);
    let (token, r) = http_sign_in(&s, "doctor", wardline::demo::PASSWORD);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("this portal is for patients"), "{}", r.body);
    let r = get(&s, "/record", Some(&token));
    assert_eq!((r.status, r.location()), (303, "/signin"));
    // A wrong password says nothing of whether the account exists.
    let (_, wrong) = http_sign_in(&s, "doctor", "not the password");
    let (_, nobody) = http_sign_in(&s, "nobody-here", "not the password");
    assert!(wrong.body.contains("user name or password is wrong"));
    assert!(nobody.body.contains("user name or password is wrong"));
}

#[test]
fn an_idle_session_is_signed_out_and_a_past_one_stays_out() {
    let s = site(false);
    let (token, _) = http_sign_in(&s, &s.other.user_name, PASSWORD);
    s.advance(9);
    assert_eq!(get(&s, "/record", Some(&token)).status, 200);
    s.advance(10);
    let r = get(&s, "/record", Some(&token));
    assert_eq!((r.status, r.location()), (303, "/signin?ended=idle"));
    assert!(
        get(&s, "/signin?ended=idle", None)
            .body
            .contains("signed out after a while without activity")
    );
    assert_eq!(get(&s, "/record", Some(&token)).location(), "/signin");
    let logouts: i64 = s
        .raw()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'LOGOUT' AND actor_name = ?1",
            [&s.other.user_name],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logouts, 1, "the idle sign-out is in the audit trail");
}

// ---- the browser ------------------------------------------------------------

/// chromedriver, and one headless chromium session through it.
struct Browser {
    driver: std::process::Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

/// The browser, or `None` (the test skipped) when chromium or chromedriver
/// is missing — except under CI=true, where that fails the test.
fn browser() -> Option<Browser> {
    let chromium = which("chromium").or_else(|| which("chromium-browser"));
    let driver = which("chromedriver");
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        let msg = "the portal's browser tests need chromium and chromedriver: \
                   install them with `apt-get install -y chromium chromium-driver`";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg}");
        }
        eprintln!("skipped: {msg}");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let base = format!("http://127.0.0.1:{port}");
    let agent = agent();
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(mut r) = agent.get(&format!("{base}/status")).call()
            && r.body_mut()
                .read_to_string()
                .is_ok_and(|b| b.contains("ready"))
        {
            ready = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ready, "chromedriver did not start");
    let profile = tempfile::tempdir().unwrap();
    let caps = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium.to_string_lossy(),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage",
                     format!("--user-data-dir={}", profile.path().display())]
        }
    }}});
    let mut b = Browser {
        driver: child,
        base,
        session: String::new(),
        _profile: profile,
    };
    let v = b.call("POST", "/session", Some(caps));
    b.session = v["sessionId"].as_str().expect("a session").to_string();
    Some(b)
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = agent().delete(&format!("{}{path}", self.base)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let a = agent();
        let r = match method {
            "GET" => a.get(&url).call(),
            "DELETE" => a.delete(&url).call(),
            _ => a
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or(json!({})).to_string()),
        };
        let mut r = r.expect("chromedriver answers");
        let text = r.body_mut().read_to_string().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert!(v["value"].get("error").is_none(), "{method} {path}: {text}");
        v["value"].clone()
    }

    fn s(&self, tail: &str) -> String {
        format!("/session/{}{tail}", self.session)
    }

    fn go(&self, url: &str) {
        self.call("POST", &self.s("/url"), Some(json!({"url": url})));
    }

    /// The page's address once it holds `part` (a click's navigation may
    /// still be loading), or as it is after five seconds.
    fn url_with(&self, part: &str) -> String {
        let mut url = self.url();
        for _ in 0..50 {
            if url.contains(part) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            url = self.url();
        }
        url
    }

    /// The page's source once it holds `part`, or as it is after five
    /// seconds.
    fn source_with(&self, part: &str) -> String {
        let mut page = self.source();
        for _ in 0..50 {
            if page.contains(part) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            page = self.source();
        }
        page
    }

    fn url(&self) -> String {
        self.call("GET", &self.s("/url"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn source(&self) -> String {
        self.call("GET", &self.s("/source"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn element(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            &self.s("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .unwrap_or_else(|| panic!("no {css} on {}: {v}\n{}", self.url(), self.source()))
            .to_string()
    }

    fn type_in(&self, css: &str, text: &str) {
        let e = self.element(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{e}/value")),
            Some(json!({"text": text})),
        );
    }

    fn click(&self, css: &str) {
        let e = self.element(css);
        self.call("POST", &self.s(&format!("/element/{e}/click")), None);
    }

    fn cookie(&self) -> Option<String> {
        let v = self.call("GET", &self.s("/cookie"), None);
        v.as_array()?
            .iter()
            .find(|c| c["name"] == "wardline_portal")
            .and_then(|c| c["value"].as_str().map(String::from))
    }

    fn set_cookie(&self, value: &str) {
        self.call("DELETE", &self.s("/cookie"), None);
        self.call(
            "POST",
            &self.s("/cookie"),
            Some(json!({"cookie": {"name": "wardline_portal", "value": value, "path": "/"}})),
        );
    }

    fn sign_in(&self, site: &Site, user: &str, password: &str) {
        self.go(&site.url("/signin"));
        self.type_in("#user_name", user);
        self.type_in("#password", password);
        self.click("#sign-in");
    }
}

#[test]
fn a_patient_signs_in_in_a_real_browser_reads_their_record_and_reaches_nothing_else() {
    let Some(b) = browser() else { return };
    let s = site(false);

    // First sign-in: the password must be changed before the record opens.
    b.sign_in(&s, &s.me.user_name, PASSWORD);
    let url = b.url_with("/password");
    assert!(url.ends_with("/password"), "{url}");
    b.go(&s.url("/record/details"));
    let url = b.url_with("/password");
    assert!(url.ends_with("/password"), "{url}");
    b.type_in("#new_password", NEW_PASSWORD);
    b.type_in("#confirm", NEW_PASSWORD);
    b.click("#change-password");
    let url = b.url_with("/record");
    assert!(url.ends_with("/record"), "{url}");

    // Each section, from the menu.
    for section in wardline::ops::portal::Section::ALL {
        b.go(&s.url("/record"));
        b.click(&format!("nav a[href='/record/{}']", section.slug()));
        let heading = format!("<h1>{}</h1>", section.label());
        let page = b.source_with(&heading);
        assert!(page.contains(&heading), "{section:?}");
        assert!(!page.contains(&s.other.mrn));
    }
    b.go(&s.url("/record/details"));
    assert!(b.source().contains(&s.me.mrn));
    let reads: i64 = s
        .raw()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'READ' AND actor_role = 'patient'
             AND patient_id = ?1",
            [s.me.id.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(reads >= 8, "each view is a READ ({reads})");

    // Another patient's id or MRN in the URL shows nothing of theirs.
    for path in [
        format!("/record/details?patient={}", s.other.id),
        format!("/record/details?mrn={}", s.other.mrn),
        format!("/record/{}", s.other.mrn),
        format!("/record/{}/details", s.other.id),
        format!("/patients/{}", s.other.id),
    ] {
        b.go(&s.url(&path));
        assert!(!b.source().contains(&s.other.mrn), "{path}");
    }

    // A forged cookie is no session; the real one still works after.
    let mine = b.cookie().expect("the session cookie");
    b.set_cookie(&"ab".repeat(32));
    b.go(&s.url("/record/details"));
    let url = b.url_with("/signin");
    assert!(url.ends_with("/signin"), "{url}");
    b.set_cookie(&mine);
    b.go(&s.url("/record/details"));
    assert!(b.source().contains(&s.me.mrn));

    // Sign out: the old cookie opens nothing.
    b.click("#sign-out");
    let url = b.url_with("/signin");
    assert!(url.ends_with("/signin"), "{url}");
    b.set_cookie(&mine);
    b.go(&s.url("/record/details"));
    let url = b.url_with("/signin");
    assert!(url.ends_with("/signin"), "{url}");

    // Idle sign-out.
    b.sign_in(&s, &s.me.user_name, NEW_PASSWORD);
    let url = b.url_with("/record");
    assert!(url.ends_with("/record"), "{url}");
    s.advance(11);
    b.go(&s.url("/record/bills"));
    let url = b.url_with("/signin");
    assert!(url.contains("/signin"), "{url}");
    assert!(
        b.source_with("without activity")
            .contains("without activity")
    );

    // Five wrong passwords lock the account, even against the right one.
    for _ in 0..4 {
        b.sign_in(&s, &s.other.user_name, "wrong password here");
        assert!(
            b.source_with("user name or password is wrong")
                .contains("user name or password is wrong")
        );
    }
    b.sign_in(&s, &s.other.user_name, "wrong password here");
    assert!(
        b.source_with("locked").contains("locked"),
        "the fifth locks"
    );
    b.sign_in(&s, &s.other.user_name, PASSWORD);
    assert!(
        b.source_with("locked").contains("locked"),
        "the account is locked"
    );
    let url = b.url_with("/signin");
    assert!(url.ends_with("/signin"), "{url}");
    let conn = s.raw();
    let locked: Option<String> = conn
        .query_row(
            "SELECT locked_until FROM login_throttle WHERE user_name = ?1",
            [&s.other.user_name],
            |r| r.get(0),
        )
        .unwrap();
    assert!(locked.is_some(), "the file holds the lock");
    let logins: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'LOGIN' AND actor_name = ?1",
            [&s.other.user_name],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        logins, 0,
        "the right password after the lock signed nobody in"
    );
}
