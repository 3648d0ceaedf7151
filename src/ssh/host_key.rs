//! The server's host key: an ed25519 key made once, on the first start,
//! into the data directory (readable by the service user only) and used
//! ever after, so that staff's SSH clients recognise the server. Its
//! fingerprint is printed at each start for staff to check on first
//! connection.

use anyhow::{Context, Result, bail};
use rand::RngCore;
use russh::keys::PrivateKey;
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::Ed25519Keypair;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the host key is kept in the data directory.
pub fn path(data_root: &Path) -> PathBuf {
    data_root.join("ssh_host_ed25519_key")
}

/// The host key at `path`, made there (0600) when there is none yet.
pub fn load_or_create(path: &Path) -> Result<PrivateKey> {
    if path.exists() {
        refuse_open_permissions(path)?;
        return PrivateKey::read_openssh_file(path).with_context(|| {
            format!(
                "could not read the SSH host key {}: restore it from a backup, or move it away to make a new one (staff's clients will then warn that the server changed)",
                path.display()
            )
        });
    }
    if let Some(dir) = path.parent() {
        crate::paths::create_private_dir(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(seed.as_mut());
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    let text = key
        .to_openssh(LineEnding::LF)
        .context("could not encode the new SSH host key")?;
    crate::paths::create_private_file(path)
        .with_context(|| format!("could not create the SSH host key {}", path.display()))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("could not write the SSH host key {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("could not write the SSH host key {}", path.display()))?;
    Ok(key)
}

#[cfg(unix)]
fn refuse_open_permissions(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .with_context(|| format!("could not read {}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        bail!(
            "the SSH host key {} can be read by others (mode {:o}): make it the service user's only with `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_open_permissions(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_private_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path());
        let first = load_or_create(&p).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = load_or_create(&p).unwrap();
        assert_eq!(
            crate::domain::ssh_key::fingerprint(first.public_key()),
            crate::domain::ssh_key::fingerprint(again.public_key())
        );
        assert_eq!(first.algorithm().as_str(), "ssh-ed25519");
    }
}
