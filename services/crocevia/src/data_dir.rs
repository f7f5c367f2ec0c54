//! Ownership of the data folder: one serving process (or `rebuild-insights`) at a time. The SQLite file, the
//! in-process bus log and the indexes would be corrupted or silently shared by a second
//! `serve` on the same folder, so it is refused up front, naming the holder; a folder that
//! cannot be written is reported as such instead of failing later with a misleading error.

use anyhow::{Context, bail};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Read, Seek, Write};
use std::path::Path;

const LOCK_FILE: &str = "crocevia.lock";

/// Held for the life of the process; the operating system releases it when the process
/// ends, however it ends (kill -9 included), so there is never a stale lock to clean up.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// `holder` says who holds it (`serve all`, `rebuild-insights`), for whoever is refused.
    pub fn acquire(dir: &Path, holder: &str) -> anyhow::Result<Self> {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return Err(unwritable(dir, &e));
        }
        restrict(dir)?;
        let path = dir.join(LOCK_FILE);
        let mut file = match OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path) {
            Ok(file) => file,
            Err(e) => return Err(unwritable(dir, &e)),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() { "another process".to_owned() } else { holder.to_owned() };
                bail!(
                    "the data folder {} is in use by {holder}; stop it first, or give this process its own \
                     folder (CROCEVIA__DATA_DIR)",
                    dir.display()
                );
            }
            Err(TryLockError::Error(e)) => return Err(e).with_context(|| format!("locking {}", path.display())),
        }
        file.set_len(0).and_then(|()| file.rewind()).with_context(|| format!("writing {}", path.display()))?;
        writeln!(file, "crocevia {holder} (pid {})", std::process::id())
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(Self { _file: file })
    }
}

fn unwritable(dir: &Path, e: &std::io::Error) -> anyhow::Error {
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => anyhow::anyhow!(
            "the data folder {} is read-only for this process ({e}); give it a writable folder (CROCEVIA__DATA_DIR)",
            dir.display()
        ),
        _ => anyhow::anyhow!("cannot use the data folder {}: {e}", dir.display()),
    }
}

/// The folder holds personal data (database, bus log, indexes): owner only. A folder this
/// process does not own (a volume mounted for it by its group, say) keeps its mode, with a
/// warning; whether it can be written is found out when the lock file is made.
fn restrict(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(e) = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)) {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot make the data folder owner-only");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_named() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path(), "serve all");
        assert!(first.is_ok());
        let second = DataDirLock::acquire(dir.path(), "serve profiles").map(|_| ()).unwrap_err().to_string();
        assert!(second.contains("in use by crocevia serve all (pid"), "{second}");
        drop(first);
        assert!(DataDirLock::acquire(dir.path(), "serve profiles").is_ok(), "released with its holder");
    }
}
