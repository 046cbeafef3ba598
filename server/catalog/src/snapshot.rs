//! The catalog snapshot: a pretty, stable JSON file meant to be committed next to the schema.

use std::fmt;
use std::path::Path;

use crate::Catalog;

/// Written into every snapshot; a snapshot of a newer format is refused with a clear message.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

#[derive(Debug)]
pub enum SnapshotError {
    Io(std::io::Error),
    Json(serde_json::Error),
    NewerFormat { found: u32 },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Io(e) => write!(f, "cannot read the catalog snapshot: {e}"),
            SnapshotError::Json(e) => write!(f, "the catalog snapshot is not valid: {e}"),
            SnapshotError::NewerFormat { found } => write!(
                f,
                "the catalog snapshot has format {found}, newer than this schemals understands ({SNAPSHOT_FORMAT_VERSION}); upgrade schemals"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {}

impl Catalog {
    /// Parses a snapshot.
    pub fn from_json(text: &str) -> Result<Catalog, SnapshotError> {
        let catalog: Catalog = serde_json::from_str(text).map_err(SnapshotError::Json)?;
        if catalog.format > SNAPSHOT_FORMAT_VERSION {
            return Err(SnapshotError::NewerFormat {
                found: catalog.format,
            });
        }
        Ok(catalog)
    }

    /// Serializes in canonical order, pretty, with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut sorted = self.clone();
        sorted.normalize();
        let mut text = serde_json::to_string_pretty(&sorted).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn read_snapshot(path: &Path) -> Result<Catalog, SnapshotError> {
        let text = std::fs::read_to_string(path).map_err(SnapshotError::Io)?;
        Catalog::from_json(&text)
    }

    /// Writes the snapshot through a temporary file and a rename, so a failure never leaves a
    /// half-written snapshot behind.
    pub fn write_snapshot(&self, path: &Path) -> Result<(), SnapshotError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(SnapshotError::Io)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, self.to_json()).map_err(SnapshotError::Io)?;
        std::fs::rename(&tmp, path).map_err(SnapshotError::Io)
    }
}
