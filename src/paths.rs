//! Where things live: the data directory, hospital files, checkpoints, logs.
//!
//! Folders are created 0700 and files 0600: they hold patient data.

use crate::domain::hospital::HospitalCode;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// The data directory and the files inside it.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The directory given (`--data-dir` or `WARDLINE_DATA_DIR`), else the
    /// platform's data directory for wardline.
    pub fn resolve(explicit: Option<PathBuf>) -> anyhow::Result<DataDir> {
        let root = match explicit {
            Some(p) => p,
            None => directories::ProjectDirs::from("org", "wardline", "wardline")
                .map(|d| d.data_dir().to_path_buf())
                .context(
                    "could not find a home directory for the data: pass --data-dir DIR or set WARDLINE_DATA_DIR",
                )?,
        };
        Ok(DataDir { root })
    }

    /// The data directory a hospital file opened from it lives in
    /// (`<root>/hospitals/<CODE>.db`), so that the terminal screen can take
    /// a backup where `wardline backup` does; `None` for a file elsewhere.
    pub fn holding(file: &Path, code: &HospitalCode) -> Option<DataDir> {
        let root = file.parent()?.parent()?.to_path_buf();
        let data = DataDir { root };
        (data.hospital_file(code) == file).then_some(data)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn hospitals_dir(&self) -> PathBuf {
        self.root.join("hospitals")
    }

    pub fn hospital_file(&self, code: &HospitalCode) -> PathBuf {
        self.hospitals_dir().join(format!("{code}.db"))
    }

    pub fn checkpoint_file(&self, code: &HospitalCode) -> PathBuf {
        self.root.join("checkpoints").join(format!("{code}.log"))
    }

    /// Where `wardline backup` writes its automatic copies.
    pub fn backups_dir(&self) -> PathBuf {
        self.root.join("backups")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// The hospitals present, by code.
    pub fn hospitals(&self) -> anyhow::Result<Vec<(HospitalCode, PathBuf)>> {
        let dir = self.hospitals_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("could not read {}", dir.display())),
        };
        let mut found = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "db")
                && let Some(code) = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .and_then(|s| s.parse::<HospitalCode>().ok())
            {
                found.push((code, path));
            }
        }
        found.sort();
        Ok(found)
    }

    /// The hospital a command works on: the one named, or the only one.
    pub fn choose_hospital(&self, code: Option<&str>) -> anyhow::Result<(HospitalCode, PathBuf)> {
        let all = self.hospitals()?;
        if let Some(code) = code {
            let code: HospitalCode = code.parse()?;
            if let Some(found) = all.into_iter().find(|(c, _)| *c == code) {
                return Ok(found);
            }
            bail!(
                "there is no hospital {code} in {}: `wardline hospitals` lists the hospitals there",
                self.root.display()
            );
        }
        match all.len() {
            0 => bail!("{}", no_hospital_message(self)),
            1 => all
                .into_iter()
                .next()
                .context("the only hospital vanished: try again"),
            _ => {
                let codes: Vec<_> = all.iter().map(|(c, _)| c.to_string()).collect();
                bail!(
                    "there are several hospitals here ({}): choose one with --hospital CODE",
                    codes.join(", ")
                )
            }
        }
    }
}

/// What to do when there is no hospital yet.
pub fn no_hospital_message(data: &DataDir) -> String {
    format!(
        "There is no hospital in {} yet. Create one with\n  wardline init --code CODE --name \"Hospital name\" --admin USER\nor try the demo hospital with\n  wardline demo",
        data.root().display()
    )
}

/// Creates a folder and its missing parents, readable by the owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates a new, empty file readable by the owner only; fails if it exists.
pub fn create_private_file(path: &Path) -> std::io::Result<()> {
    open_private(path, true).map(|_| ())
}

/// Opens a file for appending, creating it 0600 when missing.
pub fn open_private_append(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    open_private(path, false)
}

fn open_private(path: &Path, new: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    if new {
        options.write(true).create_new(true);
    } else {
        options.append(true).create(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hospital_file_in_its_data_directory_names_it_and_one_elsewhere_none() {
        let code: HospitalCode = "TST".parse().unwrap();
        let data = DataDir::holding(Path::new("/srv/wl/hospitals/TST.db"), &code).unwrap();
        assert_eq!(data.root(), Path::new("/srv/wl"));
        assert!(DataDir::holding(Path::new("/srv/wl/hospitals/OTH.db"), &code).is_none());
        assert!(DataDir::holding(Path::new("/tmp/copy/TST.db"), &code).is_none());
        assert!(DataDir::holding(Path::new("TST.db"), &code).is_none());
    }
}
