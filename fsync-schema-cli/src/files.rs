//! Writing files safely: a temporary file beside the target, synced, then renamed over it,
//! so a reader sees the old contents or the new, never a part.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `contents` to `path` through a temporary file and a rename.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile_in(dir)?;
    temp.1
        .write_all(contents.as_bytes())
        .and_then(|()| temp.1.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", temp.0.display()))?;
    fs::rename(&temp.0, path).map_err(|e| {
        let _ = fs::remove_file(&temp.0);
        format!("cannot write {}: {e}", path.display())
    })
}

/// Fails, changing nothing, when no file can be created in `dir`.
pub fn check_writable(dir: &Path) -> Result<(), String> {
    let (path, _) = tempfile_in(dir)?;
    let _ = fs::remove_file(path);
    Ok(())
}

fn tempfile_in(dir: &Path) -> Result<(PathBuf, fs::File), String> {
    for attempt in 0..100 {
        let path = dir.join(format!(
            ".fsync-schema-{}-{attempt}.tmp",
            std::process::id()
        ));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(format!("cannot write in {}: {e}", dir.display()));
            }
        }
    }
    Err(format!(
        "cannot create a temporary file in {}",
        dir.display()
    ))
}

/// `path` as a person in the current directory would type it: relative to
/// that directory when inside it.
pub fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}
