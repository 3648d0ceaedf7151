//! The patient portal on the web: `wardline portal serve`. A small,
//! read-only, server-rendered site (axum, maud; no scripts) where a patient
//! signs in with their own account — the same accounts, lockout and
//! password rules as the terminal — and reads their own record through
//! [`crate::ops::portal`]. Kept apart from the terminal screens; tokio runs
//! only for this command.
//!
//! The hospital file is one synchronous connection behind a mutex, used
//! from blocking tasks.

pub mod csrf;
pub mod pages;
pub mod sections;
pub mod server;
pub mod sessions;

use crate::paths::DataDir;
use crate::store::Db;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use std::net::SocketAddr;
use std::sync::Arc;

/// The portal's clock: the instant now (tests inject their own).
pub type Now = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How the portal runs.
#[derive(Clone)]
pub struct Config {
    /// Where to listen (`127.0.0.1:8080`; port 0 for any free port).
    pub listen: SocketAddr,
    /// Served through a TLS reverse proxy: cookies are marked `Secure`.
    pub behind_tls: bool,
    /// Minutes without a request before a patient is signed out, instead of
    /// the hospital's idle-lock setting.
    pub idle_minutes: Option<u32>,
    pub now: Now,
}

impl Config {
    /// Listening on `listen` with the real clock and the hospital's idle
    /// setting.
    pub fn new(listen: SocketAddr, behind_tls: bool) -> Config {
        Config {
            listen,
            behind_tls,
            idle_minutes: None,
            now: Arc::new(Utc::now),
        }
    }
}

/// A portal serving in the background (for tests): stopped when dropped.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the portal's web server")
}

fn bind(listen: SocketAddr) -> Result<std::net::TcpListener> {
    let l = std::net::TcpListener::bind(listen).with_context(|| {
        format!("could not listen on {listen}: choose another address with --listen")
    })?;
    l.set_nonblocking(true)
        .context("could not set up the listening socket")?;
    Ok(l)
}

/// Binds `config.listen` and serves the portal on a background thread;
/// returns the address bound (the port chosen when it was 0).
pub fn start(db: Db, config: Config) -> Result<Running> {
    let listener = bind(config.listen)?;
    let addr = listener.local_addr().context("no local address")?;
    let rt = runtime()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = server::app(db, config);
    let thread = std::thread::spawn(move || {
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
    });
    Ok(Running {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// `wardline portal serve`: serves until Ctrl+C, then anchors the audit
/// events of the patients' sign-ins and views with a checkpoint.
pub fn serve(db: Db, data: &DataDir, config: Config) -> Result<()> {
    let listener = bind(config.listen)?;
    let addr = listener.local_addr().context("no local address")?;
    let rt = runtime()?;
    let (app, shared) = server::app_with_db(db, config.clone());
    let scheme = if config.behind_tls {
        "https (through the proxy)"
    } else {
        "http"
    };
    println!("The patient portal is serving on {addr} ({scheme}); Ctrl+C stops it.");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .context("could not set up the listening socket")?;
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("the portal's web server stopped with an error")
    })?;
    let mut db = shared
        .lock()
        .map_err(|_| anyhow::anyhow!("the hospital file's connection was lost"))?;
    if db.has_unanchored_events() {
        crate::checkpoint::write(&mut db, data)?;
    }
    println!("The patient portal stopped.");
    Ok(())
}
