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
    /// 2017-04 to 2018-11: `_startup/` and `_authors/` at the root (and `_incubator/`
    /// from 2018-03).
    Site2017,
    /// Since 2018-11: `content/_startups`, `content/_authors`, `content/_incubators`,
    /// `content/_organisations` (or those folders at the root given).
    Content,
    /// One collection folder given directly.
    Collection,
    /// No collection folder: a repository tree from before the first collection or
    /// after the last one was removed (an empty portfolio; never for a folder read).
    Empty,
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
        // `_incubator/` is the 2018 folder (March to November), in the singular.
        "_incubators" | "_incubator" => RecordKind::Incubator,
        "_organisations" => RecordKind::Organisation,
        _ => return None,
    })
}

/// The collection folders of the current layout, under `content/` (or at the root).
const CURRENT: [&str; 4] = ["_startups", "_authors", "_incubators", "_organisations"];
/// The collection folders of the 2016-2018 layouts, at the root.
const SITE: [&str; 7] = [
    "_startup",
    "_startups",
    "_author",
    "_authors",
    "_incubator",
    "_incubators",
    "_organisations",
];
/// [`CURRENT`] under `content/`.
const CONTENT: [&str; 4] = [
    "content/_startups",
    "content/_authors",
    "content/_incubators",
    "content/_organisations",
];

/// The layout of a repository tree and its collection folders as paths relative to
/// the root (`/`-separated), given which relative folder paths exist: the rule of
/// [`detect_layout`], for a tree that is not on disk (a git commit, an archive).
/// `None` when the tree has no collection folder.
///
/// ```
/// use betagouv_content::layout::{LayoutKind, layout_of_tree};
/// use betagouv_portfolio::RecordKind;
/// let dirs = ["_startup", "_authors", "_incubator", "img"];
/// let (kind, folders) = layout_of_tree(|p| dirs.contains(&p)).ok_or("no layout")?;
/// assert_eq!(kind, LayoutKind::Site2017);
/// assert_eq!(folders[2], (RecordKind::Incubator, "_incubator"));
/// assert!(layout_of_tree(|p| p == "img").is_none());
/// # Ok::<(), &str>(())
/// ```
#[must_use]
pub fn layout_of_tree(
    has_dir: impl Fn(&str) -> bool,
) -> Option<(LayoutKind, Vec<(RecordKind, &'static str)>)> {
    let pick = |names: &[&'static str]| -> Vec<(RecordKind, &'static str)> {
        names
            .iter()
            .filter(|n| has_dir(n))
            .filter_map(|n| {
                let name = n.rsplit('/').next().unwrap_or(n);
                Some((collection_kind(name)?, *n))
            })
            .collect()
    };
    let content = pick(&CONTENT);
    if !content.is_empty() {
        return Some((LayoutKind::Content, content));
    }
    if has_dir("_startup") || has_dir("_author") {
        let kind = if has_dir("_author") {
            LayoutKind::Site2016
        } else {
            LayoutKind::Site2017
        };
        return Some((kind, pick(&SITE)));
    }
    let root = pick(&CURRENT);
    (!root.is_empty()).then_some((LayoutKind::Content, root))
}

/// Detects the layout of `root` ([`layout_of_tree`] on the folder, or `root` itself
/// when it is one collection folder).
///
/// # Errors
///
/// [`Error::UnknownLayout`] when no collection folder is found.
pub fn detect_layout(root: impl AsRef<Path>) -> Result<Layout> {
    let root = root.as_ref();
    if let Some((kind, folders)) = layout_of_tree(|p| root.join(p).is_dir()) {
        return Ok(Layout {
            kind,
            collections: folders
                .into_iter()
                .map(|(kind, p)| Collection {
                    kind,
                    dir: root.join(p),
                })
                .collect(),
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
