//! Reaching the central store: a `postgresql://` URL from the command line
//! or `WARDLINE_CENTRAL_URL`, its password from the usual places (never the
//! command line, which every user of the machine can read), and TLS with a
//! verified certificate for any host but this machine.

use super::CentralError;
use postgres::config::{Host, SslMode};
use postgres::{Client, Config};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The variable that names the central store when no URL is given.
pub const URL_VARIABLE: &str = "WARDLINE_CENTRAL_URL";

/// Where a URL came from: one given as an argument may not carry a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    Argument,
    Variable,
}

/// A parsed URL of the central store, ready to connect.
#[derive(Clone)]
pub struct Target {
    config: Config,
    root_cert: Option<PathBuf>,
    tls: bool,
    shown: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl Target {
    /// The URL from the argument or else the variable.
    pub fn from_arg_or_env(arg: Option<&str>) -> Result<Target, CentralError> {
        match arg {
            Some(url) => Target::parse(url, Given::Argument),
            None => match std::env::var(URL_VARIABLE) {
                Ok(url) if !url.trim().is_empty() => Target::parse(&url, Given::Variable),
                _ => Err(CentralError::Url(format!(
                    "no central store named: give --db URL (or --to URL for a push), \
                     or set {URL_VARIABLE}, for example postgresql://wardline@district.example/central"
                ))),
            },
        }
    }

    /// Reads a `postgresql://` URL. `sslrootcert=FILE` names the district's
    /// own certificate authority; every other parameter is PostgreSQL's.
    pub fn parse(url: &str, given: Given) -> Result<Target, CentralError> {
        let url = url.trim();
        if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
            return Err(CentralError::Url(
                "the central store's address must be a postgresql:// URL, \
                 for example postgresql://wardline@district.example/central"
                    .into(),
            ));
        }
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (url, None),
        };
        let mut kept = Vec::new();
        let mut root_cert = None;
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            match pair.split_once('=') {
                Some(("sslrootcert", file)) => {
                    root_cert = Some(PathBuf::from(percent_decode(file)))
                }
                _ => kept.push(pair),
            }
        }
        let rebuilt = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config = Config::from_str(&rebuilt).map_err(|e| {
            CentralError::Url(format!(
                "the central store's URL cannot be read ({e}): check it"
            ))
        })?;
        if config.get_password().is_some() && given == Given::Argument {
            return Err(CentralError::Url(
                "the URL on the command line carries a password, which every user of this machine can read \
                 while the command runs: put the password in ~/.pgpass (host:port:database:user:password, 0600) \
                 or PGPASSWORD, or the whole URL in WARDLINE_CENTRAL_URL"
                    .into(),
            ));
        }
        let local =
            config.get_hosts().iter().all(is_this_machine) && !config.get_hosts().is_empty();
        let tls = match (local, config.get_ssl_mode()) {
            (false, SslMode::Disable) => {
                return Err(CentralError::Url(
                    "sslmode=disable is refused for a central store on another machine: patient records \
                     cross the network only encrypted; remove sslmode=disable"
                        .into(),
                ));
            }
            (false, _) => true,
            (true, SslMode::Require) => true,
            (true, _) => false,
        };
        config.ssl_mode(if tls {
            SslMode::Require
        } else {
            SslMode::Disable
        });
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(30));
        config.application_name("wardline");
        let shown = shown_url(&config);
        Ok(Target {
            config,
            root_cert,
            tls,
            shown,
        })
    }

    /// The address with no password, fit for a message.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Connects, with the password from PGPASSWORD or the password file
    /// when the URL has none.
    pub fn connect(&self) -> Result<Client, CentralError> {
        let mut config = self.config.clone();
        if config.get_password().is_none()
            && let Some(pw) = password_for(&config)
        {
            config.password(pw);
        }
        let result = if self.tls {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(self.tls_config()?);
            config.connect(tls)
        } else {
            config.connect(postgres::NoTls)
        };
        result.map_err(|e| CentralError::Connect {
            url: self.shown.clone(),
            why: super::describe_postgres(&e),
        })
    }

    fn tls_config(&self) -> Result<rustls::ClientConfig, CentralError> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(file) = &self.root_cert {
            use rustls::pki_types::CertificateDer;
            use rustls::pki_types::pem::PemObject;
            let certs = CertificateDer::pem_file_iter(file)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| {
                    CentralError::Url(format!(
                        "the certificate authority in {} cannot be read ({e}): give a PEM file",
                        file.display()
                    ))
                })?;
            if certs.is_empty() {
                return Err(CentralError::Url(format!(
                    "{} holds no certificate: give the district's CA certificate as a PEM file",
                    file.display()
                )));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    CentralError::Url(format!(
                        "a certificate in {} is not usable as an authority ({e})",
                        file.display()
                    ))
                })?;
            }
        }
        // ring, as the SSH server uses: rustls marks it deprecated for
        // lacking post-quantum key exchange, which aws-lc-rs would bring at
        // the price of a C and assembly build on every machine.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| CentralError::Url(format!("TLS cannot be set up: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(config)
    }
}

fn is_this_machine(host: &Host) -> bool {
    match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name.eq_ignore_ascii_case("localhost")
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    }
}

fn shown_url(config: &Config) -> String {
    let user = config.get_user().unwrap_or("");
    let host = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect::<Vec<_>>()
        .join(",");
    let db = config.get_dbname().unwrap_or("");
    format!("postgresql://{user}@{host}/{db}")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password PGPASSWORD or the password file (PGPASSFILE, else
/// ~/.pgpass) gives for this host, port, database and user, as libpq finds
/// it. A password file others can read is passed over, with a warning.
fn password_for(config: &Config) -> Option<String> {
    if let Ok(pw) = std::env::var("PGPASSWORD")
        && !pw.is_empty()
    {
        return Some(pw);
    }
    let file = match std::env::var_os("PGPASSFILE") {
        Some(f) => PathBuf::from(f),
        None => directories::BaseDirs::new()?.home_dir().join(".pgpass"),
    };
    let text = read_private(&file)?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        Some(Host::Unix(_)) | None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config
        .get_user()
        .map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_default();
    let db = config
        .get_dbname()
        .map(str::to_string)
        .unwrap_or_else(|| user.clone());
    pgpass_lookup(&text, &[&host, &port, &db, &user])
}

fn read_private(file: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(file).ok()?;
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "warning: {} is readable by others, so it is not used: chmod 600 it",
                file.display()
            );
            return None;
        }
    }
    std::fs::read_to_string(file).ok()
}

/// The password of the first line of a `.pgpass` text whose four fields
/// match (`*` matches anything; `\:` and `\\` are a colon and a backslash).
pub fn pgpass_lookup(text: &str, wanted: &[&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        if fields.len() < 5 {
            continue;
        }
        if fields[..4]
            .iter()
            .zip(wanted.iter())
            .all(|(f, w)| f == "*" || f == w)
        {
            return Some(fields[4..].join(":"));
        }
    }
    None
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(f)) = (chars.next(), fields.last_mut()) {
                    f.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_file_line_matches_field_by_field_with_wildcards_and_escapes() {
        let text =
            "# district\nother:5432:central:wardline:nope\n*:5432:central:wardline:s3cr\\:et\n";
        assert_eq!(
            pgpass_lookup(text, &["db.example", "5432", "central", "wardline"]).as_deref(),
            Some("s3cr:et")
        );
        assert_eq!(
            pgpass_lookup(text, &["db.example", "5433", "central", "wardline"]),
            None
        );
        assert_eq!(
            pgpass_lookup(text, &["other", "5432", "central", "wardline"]).as_deref(),
            Some("nope")
        );
    }

    #[test]
    fn a_password_on_the_command_line_is_refused_but_taken_from_the_variable() {
        let url = "postgresql://wardline:secret@localhost/central";
        let err = Target::parse(url, Given::Argument).unwrap_err().to_string();
        assert!(err.contains(".pgpass"), "{err}");
        assert!(!err.contains("secret"), "{err}");
        let target = Target::parse(url, Given::Variable).unwrap();
        assert!(!format!("{target:?}").contains("secret"));
    }

    #[test]
    fn another_machine_is_reached_only_over_verified_tls() {
        let far = Target::parse(
            "postgresql://wardline@district.example/central",
            Given::Argument,
        )
        .unwrap();
        assert!(far.tls);
        let refused = Target::parse(
            "postgresql://wardline@district.example/central?sslmode=disable",
            Given::Argument,
        );
        assert!(refused.unwrap_err().to_string().contains("encrypted"));
        for local in [
            "postgresql://wardline@localhost/central",
            "postgresql://wardline@127.0.0.1:5433/central",
            "postgresql://wardline@[::1]/central",
            "postgresql://wardline@%2Frun%2Fpostgresql/central",
        ] {
            assert!(
                !Target::parse(local, Given::Argument).unwrap().tls,
                "{local}"
            );
        }
        let asked = Target::parse(
            "postgresql://wardline@localhost/central?sslmode=require",
            Given::Argument,
        )
        .unwrap();
        assert!(asked.tls);
        let with_ca = Target::parse(
            "postgresql://wardline@district.example/central?sslrootcert=%2Fetc%2Fwardline%2Fca.pem&connect_timeout=3",
            Given::Argument,
        )
        .unwrap();
        assert_eq!(
            with_ca.root_cert.as_deref(),
            Some(Path::new("/etc/wardline/ca.pem"))
        );
    }
}
