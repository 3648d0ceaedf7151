//! `wardline serve --ssh`: the terminal screen served over SSH (russh), so
//! that staff connect from any SSH client and never get a shell on the
//! server. Each connection that asks for a terminal and a shell gets its
//! own session of the real screen ([`session`]); everything else a client
//! may ask for — commands, subsystems such as sftp, port forwarding, agent
//! or X11 forwarding — is refused.
//!
//! Staff sign in on the screen's sign-in form (the SSH sign-in itself asks
//! nothing), or with an SSH public key an administrator registered to their
//! account, which starts the session signed in under every rule of a
//! password sign-in. The host key is made once into the data directory;
//! idle connections are closed; the hospital's `max_terminals` setting caps
//! how many are served at once.

pub mod host_key;
pub mod input;
mod session;
pub mod terminal;

use crate::paths::DataDir;
use crate::store::Db;
use crate::tui::Options;
use anyhow::{Context, Result};
use russh::server::{Auth, Handler, Msg, Server, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;
use terminal::ClientWindow;

/// How the SSH server runs.
pub struct Config {
    /// Where to listen (`0.0.0.0:2222`; port 0 for any free port).
    pub listen: SocketAddr,
    /// A connection is closed after this long without a key.
    pub idle: Duration,
    /// The screen's options (idle lock, theme).
    pub options: Options,
}

/// What every connection shares.
struct Shared {
    /// One connection for the server's own reads: the `max_terminals`
    /// setting and the registered keys.
    db: Mutex<Db>,
    options: Options,
    idle: Duration,
    runtime: tokio::runtime::Handle,
    /// Connections open now.
    connections: AtomicUsize,
    /// Screens running now (each on its own thread).
    screens: AtomicUsize,
}

impl Shared {
    /// A connection of a screen's own (see [`Db::open_another`]).
    fn another_connection(&self) -> Result<Db> {
        let db = self.db.lock().map_err(|_| {
            anyhow::anyhow!("the server's connection to the hospital file was lost")
        })?;
        Ok(db.open_another()?)
    }

    fn max_terminals(&self) -> usize {
        let settings = self.db.lock().ok().and_then(|db| db.settings().ok());
        settings.map_or(50, |s| s.max_terminals as usize)
    }

    /// Whether `fingerprint` is registered to an account now.
    fn key_registered(&self, fingerprint: &str) -> bool {
        self.db.lock().ok().is_some_and(|db| {
            crate::store::ssh_keys::owner(db.conn(), fingerprint)
                .ok()
                .flatten()
                .is_some()
        })
    }
}

/// Counts one thing while it lives.
struct Counted(Arc<Shared>, fn(&Shared) -> &AtomicUsize);

impl Counted {
    fn new(shared: &Arc<Shared>, which: fn(&Shared) -> &AtomicUsize) -> (Counted, usize) {
        let now = which(shared).fetch_add(1, Ordering::SeqCst) + 1;
        (Counted(Arc::clone(shared), which), now)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        (self.1)(&self.0).fetch_sub(1, Ordering::SeqCst);
    }
}

struct Listener {
    shared: Arc<Shared>,
}

impl Server for Listener {
    type Handler = Connection;

    fn new_client(&mut self, _: Option<SocketAddr>) -> Connection {
        let (slot, open) = Counted::new(&self.shared, |s| &s.connections);
        let cap = self.shared.max_terminals();
        Connection {
            shared: Arc::clone(&self.shared),
            _slot: slot,
            over_cap: (open > cap).then_some(cap),
            key: None,
            window: ClientWindow::default(),
            pty: false,
            channel: None,
            to_screen: None,
        }
    }
}

/// One client's connection.
struct Connection {
    shared: Arc<Shared>,
    _slot: Counted,
    /// The cap this connection came over, if it did.
    over_cap: Option<usize>,
    /// The registered key the client signed in with.
    key: Option<String>,
    window: ClientWindow,
    pty: bool,
    /// The one session channel served.
    channel: Option<ChannelId>,
    /// The running screen's input; dropped with the connection, which
    /// ends the screen.
    to_screen: Option<mpsc::Sender<session::Incoming>>,
}

/// Refuses a request on `channel` with words on the client's error stream.
fn refuse(session: &mut Session, channel: ChannelId, words: &str) -> Result<(), russh::Error> {
    session.channel_failure(channel)?;
    session.extended_data(channel, 1, format!("{words}\r\n").into_bytes())?;
    Ok(())
}

const SCREEN_ONLY: &str = "This server gives the wardline screen only, never a shell or a command: connect with `ssh -t` and no command.";

impl Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, _: &str) -> Result<Auth, Self::Error> {
        Ok(Auth::Reject {
            proceed_with_methods: Some(MethodSet::from(
                &[MethodKind::PublicKey, MethodKind::KeyboardInteractive][..],
            )),
            partial_success: false,
        })
    }

    async fn auth_publickey_offered(
        &mut self,
        _: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        let fingerprint = crate::domain::ssh_key::fingerprint(offer.public_key);
        Ok(if self.shared.key_registered(&fingerprint) {
            Auth::Accept
        } else {
            Auth::reject()
        })
    }

    async fn auth_publickey(
        &mut self,
        _: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let fingerprint = crate::domain::ssh_key::fingerprint(key.public_key);
        if !self.shared.key_registered(&fingerprint) {
            return Ok(Auth::reject());
        }
        self.key = Some(fingerprint);
        Ok(Auth::Accept)
    }

    /// Asks nothing: the sign-in screen asks for the user and password.
    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _: &str,
        _: &str,
        _: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        Ok(Auth::Accept)
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel.is_some() {
            reply
                .reject(russh::ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        }
        self.channel = Some(channel.id());
        // The screen reads the client's bytes from `data`; the channel's
        // own queue would fill up unread.
        drop(channel);
        reply.accept().await;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _: &str,
        columns: u32,
        rows: u32,
        _: u32,
        _: u32,
        _: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel != Some(channel) || self.to_screen.is_some() {
            return session.channel_failure(channel);
        }
        self.window.set(columns, rows);
        self.pty = true;
        session.channel_success(channel)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.channel != Some(channel) || self.to_screen.is_some() {
            return session.channel_failure(channel);
        }
        session.channel_success(channel)?;
        if !self.pty {
            let words = b"The wardline screen needs a terminal: connect with `ssh -t`.\r\n";
            session.extended_data(channel, 1, words.to_vec())?;
            session.exit_status_request(channel, 1)?;
            session.eof(channel)?;
            return session.close(channel);
        }
        if let Some(cap) = self.over_cap {
            let words = format!(
                "This server already serves its {cap} terminals (the hospital's max_terminals setting). Try again in a while, or ask an administrator to raise the setting.\r\n"
            );
            session.data(channel, words.into_bytes())?;
            session.exit_status_request(channel, 1)?;
            session.eof(channel)?;
            return session.close(channel);
        }
        let db = match self.shared.another_connection() {
            Ok(db) => db,
            Err(e) => {
                tracing::error!(error = %e, "could not open the hospital file for an SSH terminal");
                let words = format!(
                    "The server could not open the hospital file for you ({e}): try again in a moment, or tell an administrator.\r\n"
                );
                session.data(channel, words.into_bytes())?;
                session.exit_status_request(channel, 1)?;
                return session.close(channel);
            }
        };
        let (to_screen, incoming) = mpsc::channel();
        self.to_screen = Some(to_screen);
        let start = session::Start {
            db,
            options: self.shared.options.clone(),
            window: self.window.clone(),
            incoming,
            handle: session.handle(),
            channel,
            runtime: self.shared.runtime.clone(),
            key: self.key.clone(),
            idle: self.shared.idle,
        };
        let (screen, _) = Counted::new(&self.shared, |s| &s.screens);
        let spawned = std::thread::Builder::new()
            .name("ssh-terminal".into())
            .spawn(move || {
                let _screen = screen;
                session::run(start);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start a thread for an SSH terminal");
            self.to_screen = None;
            session.data(
                channel,
                b"The server could not start a screen for you: try again in a moment.\r\n".to_vec(),
            )?;
            return session.close(channel);
        }
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        refuse(session, channel, SCREEN_ONLY)?;
        session.exit_status_request(channel, 1)?;
        session.close(channel)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        refuse(session, channel, SCREEN_ONLY)?;
        session.exit_status_request(channel, 1)?;
        session.close(channel)
    }

    #[allow(clippy::too_many_arguments)]
    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _: bool,
        _: &str,
        _: &str,
        _: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _: &str,
        _: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn agent_request(&mut self, _: ChannelId, _: &mut Session) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn tcpip_forward(
        &mut self,
        _: &str,
        _: &mut u32,
        _: &mut Session,
    ) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn streamlocal_forward(&mut self, _: &str, _: &mut Session) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn data(
        &mut self,
        _: ChannelId,
        data: &[u8],
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(to_screen) = &self.to_screen {
            let _ = to_screen.send(session::Incoming::Bytes(data.to_vec()));
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn window_change_request(
        &mut self,
        _: ChannelId,
        columns: u32,
        rows: u32,
        _: u32,
        _: u32,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        self.window.set(columns, rows);
        if let Some(to_screen) = &self.to_screen {
            let _ = to_screen.send(session::Incoming::Resized);
        }
        Ok(())
    }

    async fn channel_eof(&mut self, _: ChannelId, _: &mut Session) -> Result<(), Self::Error> {
        self.to_screen = None;
        Ok(())
    }

    async fn channel_close(&mut self, _: ChannelId, _: &mut Session) -> Result<(), Self::Error> {
        self.to_screen = None;
        Ok(())
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the SSH server")
}

/// How long the server waits, once stopping, for the screens to sign out.
const SIGN_OUT_WAIT: Duration = Duration::from_secs(10);

/// Serves the screen over SSH until Ctrl+C (or SIGTERM), then signs every
/// session out and anchors the audit events with a checkpoint.
pub fn serve(data: &DataDir, hospital: PathBuf, config: Config) -> Result<()> {
    let db = Db::open(&hospital)
        .with_context(|| format!("could not open the hospital file {}", hospital.display()))?;
    let key_path = host_key::path(data.root());
    let key = host_key::load_or_create(&key_path)?;
    let fingerprint = crate::domain::ssh_key::fingerprint(key.public_key());
    let listener = std::net::TcpListener::bind(config.listen).with_context(|| {
        format!(
            "could not listen on {}: choose another address with --listen",
            config.listen
        )
    })?;
    listener
        .set_nonblocking(true)
        .context("could not set up the listening socket")?;
    let addr = listener.local_addr().context("no local address")?;
    let rt = runtime()?;
    let shared = Arc::new(Shared {
        db: Mutex::new(db),
        options: config.options,
        idle: config.idle,
        runtime: rt.handle().clone(),
        connections: AtomicUsize::new(0),
        screens: AtomicUsize::new(0),
    });
    let russh_config = Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard("SSH-2.0-wardline".into()),
        keys: vec![key],
        auth_rejection_time: Duration::from_millis(500),
        auth_rejection_time_initial: Some(Duration::ZERO),
        // The screen closes an idle connection itself, with words; this
        // only clears connections that never reached a screen.
        inactivity_timeout: Some(config.idle + Duration::from_secs(60)),
        nodelay: true,
        ..Default::default()
    });
    println!(
        "wardline is serving the terminal screen over SSH on {addr}.\nHost key fingerprint: {fingerprint}\n(staff check it against what their SSH client shows on first connection). Ctrl+C stops the server."
    );
    let mut server = Listener {
        shared: Arc::clone(&shared),
    };
    rt.block_on(async {
        let socket = tokio::net::TcpListener::from_std(listener)
            .context("could not set up the listening socket")?;
        let running = server.run_on_socket(russh_config, &socket);
        let stop = running.handle();
        tokio::select! {
            result = running => result.context("the SSH server stopped with an error")?,
            () = stopped() => {
                stop.shutdown("The hospital's SSH server is stopping.".into());
            }
        }
        let deadline = tokio::time::Instant::now() + SIGN_OUT_WAIT;
        while shared.screens.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::Ok(())
    })?;
    let left = shared.screens.load(Ordering::SeqCst);
    if left > 0 {
        eprintln!(
            "{left} terminal(s) had not signed out when the server stopped; their sessions end at their maximum length."
        );
    }
    let mut db = shared
        .db
        .lock()
        .map_err(|_| anyhow::anyhow!("the hospital file's connection was lost"))?;
    if db.has_unanchored_events() {
        crate::checkpoint::write(&mut db, data)?;
    }
    println!("The SSH server stopped.");
    Ok(())
}

/// Ctrl+C, or the service manager's SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
