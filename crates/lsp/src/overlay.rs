//! The editor's unsaved buffers over the disk, behind evaluation's IO gate.

use rnix_eval_core::io::{FileKind, FileSystem, RealFs};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Store path -> workspace directory: a flake's source read from the store (a copy of
/// the workspace) sees the workspace's buffers too.
pub type Aliases = Arc<Mutex<Vec<(PathBuf, PathBuf)>>>;

pub struct OverlayFs {
    files: HashMap<PathBuf, Vec<u8>>,
    aliases: Aliases,
}

impl OverlayFs {
    pub fn new(files: HashMap<PathBuf, Vec<u8>>) -> OverlayFs {
        OverlayFs {
            files,
            aliases: Arc::default(),
        }
    }

    pub fn aliases(&self) -> Aliases {
        self.aliases.clone()
    }

    fn buffer(&self, path: &Path) -> Option<&Vec<u8>> {
        if let Some(b) = self.files.get(path) {
            return Some(b);
        }
        let aliases = self.aliases.lock().unwrap_or_else(|e| e.into_inner());
        aliases
            .iter()
            .find_map(|(store, root)| path.strip_prefix(store).ok().map(|rest| root.join(rest)))
            .and_then(|p| self.files.get(&p))
    }
}

impl FileSystem for OverlayFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match self.buffer(path) {
            Some(b) => Ok(b.clone()),
            None => RealFs.read(path),
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        RealFs.read_dir(path)
    }

    fn lstat(&self, path: &Path) -> io::Result<FileKind> {
        match self.buffer(path) {
            Some(_) => Ok(FileKind::Regular),
            None => RealFs.lstat(path),
        }
    }

    fn stat(&self, path: &Path) -> io::Result<FileKind> {
        match self.buffer(path) {
            Some(_) => Ok(FileKind::Regular),
            None => RealFs.stat(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_win_and_are_seen_through_store_aliases() {
        let dir = std::env::temp_dir().join(format!("rnix-eval-lsp-overlay-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.nix"), "disk").unwrap();
        std::fs::write(dir.join("b.nix"), "disk b").unwrap();
        let fs = OverlayFs::new([(dir.join("a.nix"), b"buffer".to_vec())].into());
        fs.aliases()
            .lock()
            .unwrap()
            .push(("/nix/store/x-source".into(), dir.clone()));
        assert_eq!(fs.read(&dir.join("a.nix")).unwrap(), b"buffer");
        assert_eq!(fs.read(Path::new("/nix/store/x-source/a.nix")).unwrap(), b"buffer");
        assert_eq!(fs.read(&dir.join("b.nix")).unwrap(), b"disk b");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
