//! The portal's routes: sign-in, the forced and chosen password change, the
//! record's sections, sign-out; the session cookie, the CSRF check on every
//! POST and the security headers on every response. No path or query
//! carries a patient's id or MRN: the record is always the signed-in
//! account's own.

use super::sessions::{Browser, Ended, Sessions};
use super::{Config, csrf, pages, sections};
use crate::auth::{self, Session};
use crate::domain::role::Role;
use crate::error::Error;
use crate::ops::portal::{self as read, Section};
use crate::store::Db;
use crate::store::sessions::EndReason;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Duration;
use maud::Markup;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The session cookie's name.
pub const COOKIE: &str = "wardline_portal";

/// The Content-Security-Policy of every response: nothing but this site's
/// style sheet, forms posting only here, never framed.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[derive(Clone)]
struct App {
    db: Arc<Mutex<Db>>,
    sessions: Arc<Mutex<Sessions>>,
    config: Arc<Config>,
    hospital: Arc<str>,
}

/// The portal's router over the hospital file `db`.
pub fn app(db: Db, config: Config) -> Router {
    app_with_db(db, config).0
}

/// [`app`], also returning the shared connection (to checkpoint at the end).
pub fn app_with_db(db: Db, config: Config) -> (Router, Arc<Mutex<Db>>) {
    let hospital: Arc<str> = db
        .settings()
        .map(|s| s.hospital_name)
        .unwrap_or_else(|_| "Hospital".into())
        .into();
    let shared = Arc::new(Mutex::new(db));
    let state = App {
        db: shared.clone(),
        sessions: Arc::new(Mutex::new(Sessions::default())),
        config: Arc::new(config),
        hospital,
    };
    let router = Router::new()
        .route("/", get(home))
        .route("/style.css", get(style))
        .route("/signin", get(sign_in_form).post(sign_in))
        .route("/password", get(password_form).post(change_password))
        .route("/record", get(record))
        .route("/record/{section}", get(section))
        .route("/signout", post(sign_out))
        .fallback(not_found)
        .layer(axum::middleware::map_response(secure_headers))
        .with_state(state);
    (router, shared)
}

async fn secure_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

impl App {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        (self.config.now)()
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `work` on the hospital file in a blocking task.
    async fn with_db<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Db) -> T + Send + 'static,
    ) -> Result<T, Response> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = db.lock().unwrap_or_else(|e| e.into_inner());
            work(&mut db)
        })
        .await
        .map_err(|_| self.failure())
    }

    fn failure(&self) -> Response {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            self.html(pages::message(
                &self.hospital,
                "Something went wrong",
                None,
                "the portal could not read the hospital file: try again in a moment, or ask the hospital",
            )),
        )
            .into_response()
    }

    fn html(&self, m: Markup) -> Html<String> {
        Html(m.into_string())
    }

    fn cookie(&self, token: &str) -> HeaderValue {
        let secure = if self.config.behind_tls {
            "; Secure"
        } else {
            ""
        };
        HeaderValue::from_str(&format!(
            "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{secure}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    fn cleared_cookie(&self) -> HeaderValue {
        let secure = if self.config.behind_tls {
            "; Secure"
        } else {
            ""
        };
        HeaderValue::from_str(&format!(
            "{COOKIE}=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/{secure}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The idle time before sign-out: the portal's own or the hospital's
    /// idle-lock setting.
    async fn idle(&self) -> Duration {
        let minutes = match self.config.idle_minutes {
            Some(m) => m,
            None => self
                .with_db(|db| db.settings().map(|s| s.idle_lock_minutes).unwrap_or(5))
                .await
                .unwrap_or(5),
        };
        Duration::minutes(i64::from(minutes.max(1)))
    }

    /// Ends a patient's session in the file (a LOGOUT event).
    async fn end_in_file(&self, session: Session) {
        let now = self.now();
        let _ = self
            .with_db(move |db| auth::sign_out(db, &session, EndReason::Logout, now))
            .await;
    }

    /// The browser's session, if its cookie names a live one. A session
    /// that has been idle too long or reached its maximum length is ended
    /// (in the file too) and reported.
    async fn browser(&self, headers: &HeaderMap) -> Visit {
        let Some(token) = token_of(headers) else {
            return Visit::None;
        };
        let idle = self.idle().await;
        let now = self.now();
        let touched = self.sessions().touch(&token, now, idle);
        match touched {
            None => Visit::None,
            Some(Ok(b)) => Visit::Live(token, Box::new(b)),
            Some(Err((why, b))) => {
                if let Some(s) = b.signed_in {
                    self.end_in_file(s).await;
                    Visit::Ended(why)
                } else {
                    Visit::None
                }
            }
        }
    }
}

enum Visit {
    None,
    Live(String, Box<Browser>),
    Ended(Ended),
}

fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn ended_message(why: Ended) -> &'static str {
    match why {
        Ended::Idle => "You were signed out after a while without activity: sign in again.",
        Ended::Expired => "Your session reached its maximum length: sign in again.",
    }
}

/// A signed-in patient, or where to send the browser instead.
async fn patient(
    app: &App,
    headers: &HeaderMap,
) -> Result<(String, Box<Browser>, Session), Response> {
    match app.browser(headers).await {
        Visit::Live(token, b) => match b.signed_in.clone() {
            Some(s) => Ok((token, b, s)),
            None => Err(see("/signin")),
        },
        Visit::Ended(why) => Err(see(match why {
            Ended::Idle => "/signin?ended=idle",
            Ended::Expired => "/signin?ended=expired",
        })),
        Visit::None => Err(see("/signin")),
    }
}

fn csrf_ok(b: &Browser, form: &HashMap<String, String>) -> bool {
    form.get("csrf")
        .is_some_and(|sent| csrf::matches(&b.csrf, sent))
}

fn forbidden(app: &App) -> Response {
    (
        StatusCode::FORBIDDEN,
        app.html(pages::message(
            &app.hospital,
            "Form refused",
            None,
            "this form has expired or did not come from this page: open the page again and send it from there",
        )),
    )
        .into_response()
}

async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        pages::STYLE,
    )
        .into_response()
}

async fn home(State(app): State<App>, headers: HeaderMap) -> Response {
    match patient(&app, &headers).await {
        Ok(_) => see("/record"),
        Err(r) => r,
    }
}

async fn not_found(State(app): State<App>) -> Response {
    (
        StatusCode::NOT_FOUND,
        app.html(pages::message(
            &app.hospital,
            "Not found",
            None,
            "there is no such page: go to your record from the menu",
        )),
    )
        .into_response()
}

async fn sign_in_form(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let message = q.get("ended").map(|e| {
        ended_message(if e == "idle" {
            Ended::Idle
        } else {
            Ended::Expired
        })
    });
    let idle = app.idle().await;
    let stale = app.sessions().sweep(app.now(), idle);
    for s in stale {
        app.end_in_file(s).await;
    }
    let (token, new) = match app.browser(&headers).await {
        Visit::Live(_, b) if b.signed_in.is_some() => return see("/record"),
        Visit::Live(token, _) => (token, false),
        Visit::Ended(why) => {
            let token = app.sessions().start_anonymous(app.now());
            return signin_page(&app, &token, Some(ended_message(why)), true);
        }
        Visit::None => (app.sessions().start_anonymous(app.now()), true),
    };
    signin_page(&app, &token, message, new)
}

fn signin_page(app: &App, token: &str, message: Option<&str>, set_cookie: bool) -> Response {
    let csrf = app.sessions().csrf(token).unwrap_or_default();
    let mut res = app
        .html(pages::sign_in(&app.hospital, &csrf, message))
        .into_response();
    if set_cookie {
        res.headers_mut()
            .insert(header::SET_COOKIE, app.cookie(token));
    }
    res
}

/// What a sign-in came to.
enum SignedIn {
    Patient(Session),
    Refused(String),
}

async fn sign_in(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (token, b) = match app.browser(&headers).await {
        Visit::Live(token, b) if b.signed_in.is_none() => (token, b),
        Visit::Live(..) => return see("/record"),
        _ => return forbidden(&app),
    };
    if !csrf_ok(&b, &form) {
        return forbidden(&app);
    }
    let user_name = form.get("user_name").cloned().unwrap_or_default();
    let password = zeroize::Zeroizing::new(form.get("password").cloned().unwrap_or_default());
    let now = app.now();
    let outcome = app
        .with_db(move |db| match auth::sign_in(db, &user_name, &password, now) {
            Err(e) => SignedIn::Refused(e.to_string()),
            Ok(s) if s.user.role != Role::Patient => {
                // The password was right: saying so to a member of staff
                // tells them nothing they did not know, and where to go.
                let _ = auth::sign_out(db, &s, EndReason::Logout, now);
                SignedIn::Refused(
                    "this portal is for patients' own accounts: staff sign in at the hospital's terminals".into(),
                )
            }
            Ok(s) => match read::check_access(db, &s) {
                Ok(()) => SignedIn::Patient(s),
                Err(e) => {
                    let _ = auth::sign_out(db, &s, EndReason::Logout, now);
                    SignedIn::Refused(e.to_string())
                }
            },
        })
        .await;
    match outcome {
        Err(r) => r,
        Ok(SignedIn::Refused(why)) => signin_page(&app, &token, Some(&why), false),
        Ok(SignedIn::Patient(s)) => {
            let must_change = s.user.must_change_password;
            let new = app.sessions().sign_in(Some(&token), s, now);
            let mut res = see(if must_change { "/password" } else { "/record" });
            res.headers_mut()
                .insert(header::SET_COOKIE, app.cookie(&new));
            res
        }
    }
}

async fn password_form(State(app): State<App>, headers: HeaderMap) -> Response {
    match patient(&app, &headers).await {
        Ok((_, b, s)) => app
            .html(pages::password(
                &app.hospital,
                &b.csrf,
                s.user.must_change_password,
                None,
                false,
            ))
            .into_response(),
        Err(r) => r,
    }
}

async fn change_password(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (token, b, mut s) = match patient(&app, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !csrf_ok(&b, &form) {
        return forbidden(&app);
    }
    let forced = s.user.must_change_password;
    let new = zeroize::Zeroizing::new(form.get("new_password").cloned().unwrap_or_default());
    let confirm = zeroize::Zeroizing::new(form.get("confirm").cloned().unwrap_or_default());
    let now = app.now();
    let result = app
        .with_db(move |db| auth::change_own_password(db, &mut s, &new, &confirm, now).map(|()| s))
        .await;
    match result {
        Err(r) => r,
        Ok(Ok(s)) => {
            app.sessions().update(&token, s);
            if forced {
                see("/record")
            } else {
                app.html(pages::password(&app.hospital, &b.csrf, false, None, true))
                    .into_response()
            }
        }
        Ok(Err(e)) => app
            .html(pages::password(
                &app.hospital,
                &b.csrf,
                forced,
                Some(&e.to_string()),
                false,
            ))
            .into_response(),
    }
}

async fn record(State(app): State<App>, headers: HeaderMap) -> Response {
    let (_, b, s) = match patient(&app, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if s.user.must_change_password {
        return see("/password");
    }
    let body = maud::html! {
        p { "Choose what to read. Each time you open a part of your record, the hospital's audit trail notes it." }
        ul {
            @for sec in Section::ALL {
                li { a href={ "/record/" (sec.slug()) } { (sec.label()) } }
            }
        }
    };
    app.html(pages::page(
        &app.hospital,
        "My record",
        Some(pages::SignedIn { csrf: &b.csrf }),
        body,
    ))
    .into_response()
}

async fn section(
    State(app): State<App>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (token, b, s) = match patient(&app, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if s.user.must_change_password {
        return see("/password");
    }
    let Some(sec) = Section::from_slug(&slug) else {
        return not_found(State(app)).await;
    };
    let page_no = q
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1);
    let now = app.now();
    let session = s.clone();
    let shown = app
        .with_db(move |db| -> Result<Markup, Error> {
            let clock = db.clock(now)?;
            Ok(match sec {
                Section::Demographics => {
                    sections::demographics(&read::demographics(db, &session, clock)?)
                }
                Section::Appointments => {
                    let a = read::appointments(db, &session, clock)?;
                    sections::appointments(&a.upcoming, &a.past)
                }
                Section::Admissions => {
                    sections::admissions(&read::admissions(db, &session, clock)?)
                }
                Section::Medicines => sections::medicines(&read::medicines(db, &session, clock)?),
                Section::LabResults => {
                    sections::lab_results(&read::lab_results(db, &session, clock)?)
                }
                Section::Bills => sections::bills(&read::bills(db, &session, clock)?),
                Section::WhoOpened => {
                    sections::who_opened(&read::who_opened(db, &session, clock, page_no)?)
                }
            })
        })
        .await;
    match shown {
        Err(r) => r,
        Ok(Ok(body)) => app
            .html(pages::page(
                &app.hospital,
                sec.label(),
                Some(pages::SignedIn { csrf: &b.csrf }),
                body,
            ))
            .into_response(),
        Ok(Err(e @ (Error::NotPermitted(_) | Error::Refused(_) | Error::NotFound(_)))) => {
            // The account or the record changed since sign-in: sign out.
            app.sessions().end(&token);
            app.end_in_file(s).await;
            let mut res = (
                StatusCode::FORBIDDEN,
                app.html(pages::message(
                    &app.hospital,
                    "Signed out",
                    None,
                    &e.to_string(),
                )),
            )
                .into_response();
            res.headers_mut()
                .insert(header::SET_COOKIE, app.cleared_cookie());
            res
        }
        Ok(Err(_)) => app.failure(),
    }
}

async fn sign_out(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (token, b, s) = match patient(&app, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !csrf_ok(&b, &form) {
        return forbidden(&app);
    }
    app.sessions().end(&token);
    app.end_in_file(s).await;
    let mut res = see("/signin");
    res.headers_mut()
        .insert(header::SET_COOKIE, app.cleared_cookie());
    res
}
