//! Folder layouts of the content repository, era by era.

use std::path::{Path, PathBuf};

use betagouv_portfolio::RecordKind;

use crate::error::{Error, Result};

/// Which layout a folder has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LayoutKind {
    /// 2016 to 2017-04: `_startup/` and `_author/` at the root.
    Site2016,
    /// 2017-04 to 2018-11: `_startup/` and `_authors/` at the root.
    Site2017,
    /// Since 2018-11: `content/_startups`, `content/_authors`, `content/_incubators`,
    /// `content/_organisations` (or those folders at the root given).
    Content,
    /// One collection folder given directly.
    Collection,
}

/// One collection folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Collection {
    /// What its files hold.
    pub kind: RecordKind,
    /// The folder.
    pub dir: PathBuf,
}

/// A folder's layout and its collections (start-ups, members, incubators, organisations order).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    /// The layout.
    pub kind: LayoutKind,
    /// The collection folders found.
    pub collections: Vec<Collection>,
}

/// The kind of record a collection folder named `name` holds.
#[must_use]
pub fn collection_kind(name: &str) -> Option<RecordKind> {
    Some(match name {
        "_startups" | "_startup" => RecordKind::Startup,
        "_authors" | "_author" => RecordKind::Member,
        "_incubators" => RecordKind::Incubator,
        "_organisations" => RecordKind::Organisation,
        _ => return None,
    })
}

fn found(root: &Path, names: &[&str]) -> Vec<Collection> {
    names
        .iter()
        .filter_map(|n| {
            let dir = root.join(n);
            let kind = collection_kind(n)?;
            dir.is_dir().then_some(Collection { kind, dir })
        })
        .collect()
}

/// Detects the layout of `root`.
///
/// # Errors
///
/// [`Error::UnknownLayout`] when no collection folder is found.
pub fn detect_layout(root: impl AsRef<Path>) -> Result<Layout> {
    let root = root.as_ref();
    let content = root.join("content");
    const CURRENT: [&str; 4] = ["_startups", "_authors", "_incubators", "_organisations"];
    let c = found(&content, &CURRENT);
    if !c.is_empty() {
        return Ok(Layout {
            kind: LayoutKind::Content,
            collections: c,
        });
    }
    if root.join("_startup").is_dir() || root.join("_author").is_dir() {
        let kind = if root.join("_author").is_dir() {
            LayoutKind::Site2016
        } else {
            LayoutKind::Site2017
        };
        return Ok(Layout {
            kind,
            collections: found(
                root,
                &[
                    "_startup",
                    "_startups",
                    "_author",
                    "_authors",
                    "_incubators",
                    "_organisations",
                ],
            ),
        });
    }
    let c = found(root, &CURRENT);
    if !c.is_empty() {
        return Ok(Layout {
            kind: LayoutKind::Content,
            collections: c,
        });
    }
    let name = root.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if let Some(kind) = collection_kind(name)
        && root.is_dir()
    {
        return Ok(Layout {
            kind: LayoutKind::Collection,
            collections: vec![Collection {
                kind,
                dir: root.to_path_buf(),
            }],
        });
    }
    Err(Error::UnknownLayout {
        path: root.to_path_buf(),
    })
}
