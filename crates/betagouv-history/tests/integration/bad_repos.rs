//! Bad repositories (issue 13, deliverable 7): shallow and partial clones, missing and
//! corrupt objects, non-UTF-8 paths, symbolic links, submodules and sub-folders in
//! collection folders, blobs over the size limit, commits with no collection folder,
//! loose and packed objects in bare and non-bare repositories, and revisions that
//! name nothing. Each test builds its repository with the `git` command line in a
//! temporary folder (the library never runs `git`).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use betagouv_content::layout::LayoutKind;
use betagouv_content::read::{Import, ReadOptions};
use betagouv_history::{CommitId, Error, Repository};
use betagouv_portfolio::Severity;

/// A start-up record of the current layout.
fn startup(title: &str) -> String {
    format!(
        "---\ntitle: {title}\nmission: Une mission\nowner: DINUM\nincubator: dinsic\nstatus: construction\nstart: 2019-03-01\ncontact: contact@example.org\n---\n"
    )
}

const INCUBATOR: &str = "---\ntitle: Incubateur\nowner: DINSIC\ncontact: contact@example.org\naddress: Paris\nwebsite: https://example.org\ngithub: ''\n---\n";
const MEMBER: &str = "---\nfullname: Léa Bernard\nrole: Développeuse\nmissions:\n  - start: '2019-01-15'\n    end: '2019-06-30'\n    status: independent\n    employer: octo\nstartups:\n  - alpha\n---\n";

/// A work tree and its repository, built with `git` (commits dated from
/// `GIT_COMMITTER_DATE` so that ids are stable).
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A new repository (`main` branch), or `None` when `git` is missing (skip).
    fn new() -> Option<Self> {
        if !betagouv_tests::require_tool("git", &[]) {
            return None;
        }
        let repo = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        Some(repo)
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The `.git` folder.
    fn git_dir(&self) -> PathBuf {
        self.path().join(".git")
    }

    /// Runs `git args` in the work tree; its standard output, trimmed.
    fn git<S: AsRef<OsStr>>(&self, args: &[S]) -> String {
        git_in(self.path(), args, "2019-05-01T12:00:00+02:00")
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Commits the work tree (every change) at `date`; the commit's id.
    fn commit(&self, message: &str, date: &str) -> String {
        git_in(self.path(), &["add", "-A"], date);
        git_in(
            self.path(),
            &["commit", "-q", "--allow-empty", "-m", message],
            date,
        );
        self.git(&["rev-parse", "HEAD"])
    }

    /// Commits what the index holds (entries added with `update-index`) at `date`.
    fn commit_index(&self, message: &str, date: &str) -> String {
        git_in(self.path(), &["commit", "-q", "-m", message], date);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Runs `git args` with `input` on its standard input; its output, trimmed.
    fn git_input(&self, args: &[&str], input: &str) -> String {
        let file = self.path().join(".git/test-input");
        std::fs::write(&file, input).unwrap();
        let out = run_git(self.path(), args, "2019-05-01T12:00:00+02:00", Some(&file));
        std::fs::remove_file(file).unwrap();
        out
    }

    /// Writes `text` as a blob (not in the work tree); its id.
    fn blob(&self, text: &str) -> String {
        self.git_input(&["hash-object", "-w", "--stdin"], text)
    }

    /// Adds index entry `mode,oid,path` (a path of any bytes).
    fn add_entry(&self, mode: &str, oid: &str, path: &[u8]) {
        let mut spec = format!("{mode},{oid},").into_bytes();
        spec.extend_from_slice(path);
        self.git(&[
            OsStr::new("update-index"),
            OsStr::new("--add"),
            OsStr::new("--cacheinfo"),
            &os(&spec),
        ]);
    }

    /// The standard tree: three start-ups, one member, one incubator.
    fn standard(&self) -> String {
        for id in ["alpha", "beta", "gamma"] {
            self.write(&format!("content/_startups/{id}.md"), &startup(id));
        }
        self.write("content/_authors/lea.bernard.md", MEMBER);
        self.write("content/_incubators/dinsic.md", INCUBATOR);
        self.write("README.md", "# Site\n");
        self.commit("the collections", "2019-05-01T12:00:00+02:00")
    }

    fn open(&self) -> Repository {
        Repository::open(self.path()).unwrap()
    }

    /// The import of `commit`, read with the default options from a fresh opening.
    fn read(&self, commit: &str) -> Import {
        self.open()
            .read_commit(&id(commit), &ReadOptions::default())
            .unwrap()
    }

    /// The object id `rev` names (`HEAD:content/_startups/a.md`).
    fn oid(&self, rev: &str) -> String {
        self.git(&["rev-parse", rev])
    }
}

/// Runs `git args` in `dir` with dates `date` and no user or system configuration.
fn git_in<S: AsRef<OsStr>>(dir: &Path, args: &[S], date: &str) -> String {
    run_git(dir, args, date, None)
}

/// [`git_in`], with the file `input` on the standard input.
fn run_git<S: AsRef<OsStr>>(dir: &Path, args: &[S], date: &str, input: Option<&Path>) -> String {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(["-c", "gc.auto=0", "-c", "commit.gpgSign=false"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date);
    if let Some(input) = input {
        command.stdin(std::fs::File::open(input).unwrap());
    }
    let out = command.output().unwrap();
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    assert!(
        out.status.success(),
        "git {shown:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[cfg(unix)]
fn os(bytes: &[u8]) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStrExt;
    OsStr::from_bytes(bytes).to_owned()
}

#[cfg(not(unix))]
fn os(bytes: &[u8]) -> std::ffi::OsString {
    String::from_utf8_lossy(bytes).into_owned().into()
}

/// The loose object file of `oid` in `git_dir`.
fn loose(git_dir: &Path, oid: &str) -> PathBuf {
    git_dir.join("objects").join(&oid[..2]).join(&oid[2..])
}

/// Replaces the loose object file of `oid` by `bytes` (git writes them read-only).
fn overwrite(git_dir: &Path, oid: &str, bytes: &[u8]) {
    let path = loose(git_dir, oid);
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, bytes).unwrap();
}

fn remove(git_dir: &Path, oid: &str) {
    std::fs::remove_file(loose(git_dir, oid)).unwrap();
}

fn id(text: &str) -> CommitId {
    text.parse().unwrap()
}

/// The diagnostics of `import` as (severity, rule, file).
fn diagnostics(import: &Import) -> Vec<(Severity, String, PathBuf)> {
    import
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.severity,
                d.rule.clone(),
                d.location
                    .as_ref()
                    .map(|l| l.file.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// The ids of the start-ups of `import`.
fn startups_of(import: &Import) -> Vec<String> {
    import
        .portfolio
        .startups
        .iter()
        .map(|s| s.id.to_string())
        .collect()
}

/// `<short>:<path>` of commit `commit`.
fn at(commit: &str, path: &str) -> PathBuf {
    PathBuf::from(format!("{}:{path}", &commit[..12]))
}

#[test]
fn the_standard_tree_reads_without_a_problem() {
    let Some(r) = Repo::new() else { return };
    let head = r.standard();
    let import = r.read(&head);
    assert_eq!(import.layout.kind, LayoutKind::Content);
    assert_eq!(startups_of(&import), ["alpha", "beta", "gamma"]);
    assert_eq!(import.portfolio.members.len(), 1);
    assert_eq!(import.portfolio.incubators.len(), 1);
    assert_eq!(diagnostics(&import), []);
    assert!(!r.open().is_shallow());
}

/// Four commits, a month apart, each adding a start-up: (ids oldest first).
fn monthly(r: &Repo) -> Vec<String> {
    r.write("content/_incubators/dinsic.md", INCUBATOR);
    ["alpha", "beta", "gamma", "delta"]
        .iter()
        .zip(1..)
        .map(|(name, month)| {
            r.write(&format!("content/_startups/{name}.md"), &startup(name));
            r.commit(name, &format!("2019-{month:02}-01T12:00:00+01:00"))
        })
        .collect()
}

/// The message of the [`Error::NothingKnownAt`] that `repo` gives at `date`, of
/// `shallow` as expected.
fn nothing_known_at(repo: &Repository, date: &str, shallow: bool) -> String {
    let err = repo.known_at(date.parse().unwrap(), None).unwrap_err();
    assert!(
        matches!(&err, Error::NothingKnownAt { shallow: s, .. } if *s == shallow),
        "{err:?}"
    );
    err.to_string()
}

#[test]
fn a_shallow_clone_says_where_its_history_stops() {
    let Some(r) = Repo::new() else { return };
    let commits = monthly(&r);
    let full = r.open();
    assert!(!full.is_shallow());
    let chain = full.first_parent_chain(&id(&commits[3])).unwrap();
    assert_eq!(chain.commits.len(), 4);
    assert_eq!(chain.truncated_at, None);

    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(
        clone.path(),
        &["clone", "-q", "--depth", "2", &url, "shallow"],
        "2019-05-01T12:00:00+02:00",
    );
    let repo = Repository::open(clone.path().join("shallow")).unwrap();
    assert!(repo.is_shallow());
    let head = repo.resolve("HEAD").unwrap();
    assert_eq!(head.id, id(&commits[3]));
    let chain = repo.first_parent_chain(&head.id).unwrap();
    let ids: Vec<_> = chain.commits.iter().map(|c| c.id).collect();
    assert_eq!(ids, [id(&commits[3]), id(&commits[2])]);
    assert_eq!(chain.truncated_at, Some(id(&commits[2])));
    // Inside the shallow part: known, and read.
    let march = repo.known_at("2019-03-15".parse().unwrap(), None).unwrap();
    assert_eq!(march.id, id(&commits[2]));
    let import = repo
        .read_commit(&march.id, &ReadOptions::default())
        .unwrap();
    assert_eq!(startups_of(&import), ["alpha", "beta", "gamma"]);
    assert_eq!(diagnostics(&import), []);
    // Before it: nothing known, and the message says why.
    let msg = nothing_known_at(&repo, "2019-02-15", true);
    let stop = format!(
        "the repository is a shallow clone; its history stops at {} of 2019-03-01",
        &commits[2][..12]
    );
    assert!(msg.contains(&stop), "{msg}");
    assert!(msg.contains("git fetch --unshallow"), "{msg}");
    // The parent the shallow clone lacks cannot be read, and says so.
    let err = repo.resolve(&commits[1]).unwrap_err();
    assert!(matches!(err, Error::Revision { .. }), "{err:?}");
    // The full repository has no such stop: the oldest commit is its root.
    let msg = nothing_known_at(&full, "2018-12-31", false);
    assert!(
        msg.contains(&format!(
            "the oldest is the root commit {}",
            &commits[0][..12]
        )),
        "{msg}"
    );
}

#[test]
fn a_missing_blob_is_an_error_of_its_file_the_rest_is_read() {
    let Some(r) = Repo::new() else { return };
    let head = r.standard();
    let blob = r.oid("HEAD:content/_startups/beta.md");
    remove(&r.git_dir(), &blob);
    let import = r.read(&head);
    assert_eq!(startups_of(&import), ["alpha", "gamma"]);
    assert_eq!(import.portfolio.members.len(), 1);
    assert_eq!(import.files.len(), 5);
    let beta = at(&head, "content/_startups/beta.md");
    assert_eq!(
        diagnostics(&import),
        [(Severity::Error, "git-object-unreadable".into(), beta)]
    );
    let msg = &import.diagnostics[0].message;
    assert!(msg.contains(&blob), "{msg}");
    assert!(msg.contains("fetch the missing objects"), "{msg}");
}

/// `import`'s only diagnostic is the `git-object-unreadable` error of `folder`,
/// skipped.
fn assert_folder_unreadable(import: &Import, folder: PathBuf) {
    assert_eq!(
        diagnostics(import),
        [(
            Severity::Error,
            "git-object-unreadable".into(),
            folder.clone()
        )]
    );
    assert_eq!(import.skipped, [folder]);
}

#[test]
fn a_missing_collection_tree_is_an_error_of_its_folder_the_rest_is_read() {
    let Some(r) = Repo::new() else { return };
    let head = r.standard();
    let tree = r.oid("HEAD:content/_authors");
    remove(&r.git_dir(), &tree);
    let import = r.read(&head);
    assert_eq!(startups_of(&import), ["alpha", "beta", "gamma"]);
    assert_eq!(import.portfolio.incubators.len(), 1);
    assert!(import.portfolio.members.is_empty());
    assert_folder_unreadable(&import, at(&head, "content/_authors"));
    assert!(import.diagnostics[0].message.contains(&tree));
}

#[test]
fn a_missing_commit_or_root_tree_is_an_object_error_naming_the_commit() {
    let Some(r) = Repo::new() else { return };
    let head = r.standard();
    let content = r.oid("HEAD:content");
    remove(&r.git_dir(), &content);
    let err = r
        .open()
        .read_commit(&id(&head), &ReadOptions::default())
        .unwrap_err();
    let msg = err.to_string();
    let expected = format!("commit {head}: the tree content/ cannot be read");
    assert!(msg.starts_with(&expected), "{msg}");

    let root = r.oid("HEAD^{tree}");
    remove(&r.git_dir(), &root);
    let err = r
        .open()
        .read_commit(&id(&head), &ReadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Object { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&head) && msg.contains("root tree"), "{msg}");
    assert!(msg.contains("fetch the missing objects"), "{msg}");

    remove(&r.git_dir(), &head);
    let repo = r.open();
    let err = repo
        .read_commit(&id(&head), &ReadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Object { .. }), "{err:?}");
    assert!(err.to_string().contains(&head), "{err}");
    let err = repo.first_parent_chain(&id(&head)).unwrap_err();
    assert!(err.to_string().contains(&head), "{err}");
}

#[test]
fn a_missing_parent_ends_the_chain_and_stops_known_at() {
    let Some(r) = Repo::new() else { return };
    let commits = monthly(&r);
    remove(&r.git_dir(), &commits[1]);
    let repo = r.open();
    let chain = repo.first_parent_chain(&id(&commits[3])).unwrap();
    assert_eq!(chain.commits.len(), 2);
    assert_eq!(chain.truncated_at, Some(id(&commits[2])));
    let err = repo
        .known_at("2019-01-15".parse().unwrap(), None)
        .unwrap_err();
    assert!(matches!(err, Error::Object { .. }), "{err:?}");
    let msg = err.to_string();
    let expected = format!(
        "commit {}: the first parent of commit {} cannot be read",
        commits[1], commits[2]
    );
    assert!(msg.starts_with(&expected), "{msg}");
}

#[test]
fn a_partial_clone_reports_every_missing_blob() {
    let Some(r) = Repo::new() else { return };
    let head = r.standard();
    r.git(&["config", "uploadpack.allowFilter", "true"]);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(
        clone.path(),
        &[
            "clone",
            "-q",
            "--no-checkout",
            "--filter=blob:none",
            &url,
            "partial",
        ],
        "2019-05-01T12:00:00+02:00",
    );
    let repo = Repository::open(clone.path().join("partial")).unwrap();
    let import = repo
        .read_commit(&id(&head), &ReadOptions::default())
        .unwrap();
    assert!(startups_of(&import).is_empty());
    assert_eq!(import.files.len(), 5);
    let rules: Vec<_> = diagnostics(&import)
        .into_iter()
        .map(|(s, rule, _)| (s, rule))
        .collect();
    assert_eq!(
        rules,
        vec![(Severity::Error, "git-object-unreadable".to_owned()); 5]
    );
}

#[test]
fn a_corrupt_object_is_an_error_of_its_file_or_folder() {
    let Some(r) = Repo::new() else { return };
    let head = r.standard();
    let blob = r.oid("HEAD:content/_startups/beta.md");
    let tree = r.oid("HEAD:content/_authors");
    overwrite(
        &r.git_dir(),
        &blob,
        b"not zlib at all, garbage bytes \xff\x00\x01",
    );
    overwrite(&r.git_dir(), &tree, b"\x78\x9c garbage after a zlib header");
    let import = r.read(&head);
    assert_eq!(startups_of(&import), ["alpha", "gamma"]);
    assert!(import.portfolio.members.is_empty());
    let mut got = diagnostics(&import);
    got.sort();
    assert_eq!(
        got,
        [
            (
                Severity::Error,
                "git-object-unreadable".into(),
                at(&head, "content/_authors")
            ),
            (
                Severity::Error,
                "git-object-unreadable".into(),
                at(&head, "content/_startups/beta.md")
            ),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_non_utf8_file_name_is_an_invalid_id_the_rest_is_read() {
    let Some(r) = Repo::new() else { return };
    r.standard();
    let blob = r.blob(&startup("Café"));
    let name = b"content/_startups/caf\xe9.md";
    r.add_entry("100644", &blob, name);
    let head = r.commit_index("a file name in Latin-1", "2019-05-02T12:00:00+02:00");
    let import = r.read(&head);
    assert_eq!(startups_of(&import), ["alpha", "beta", "gamma"]);
    assert_eq!(import.files.len(), 6);
    let mut path = format!("{}:", &head[..12]).into_bytes();
    path.extend_from_slice(name);
    let path = PathBuf::from(os(&path));
    assert_eq!(
        diagnostics(&import),
        [(Severity::Error, "invalid-id".into(), path)]
    );
}

#[test]
fn symlinks_submodules_and_subfolders_are_reported_never_followed() {
    let Some(r) = Repo::new() else { return };
    let first = r.standard();
    r.write("content/_startups/old/delta.md", &startup("delta"));
    r.git(&["add", "content/_startups/old/delta.md"]);
    let target = r.blob("../../README.md");
    r.add_entry("120000", &target, b"content/_startups/link.md");
    r.add_entry("160000", &first, b"content/_startups/sub");
    let head = r.commit_index("odd entries", "2019-05-02T12:00:00+02:00");
    let import = r.read(&head);
    assert_eq!(startups_of(&import), ["alpha", "beta", "gamma"]);
    assert_eq!(import.files.len(), 5);
    let mut got = diagnostics(&import);
    got.sort();
    let link = at(&head, "content/_startups/link.md");
    assert_eq!(
        got,
        [
            (Severity::Error, "git-symlink".into(), link.clone()),
            (
                Severity::Warning,
                "git-submodule".into(),
                at(&head, "content/_startups/sub")
            ),
            (
                Severity::Warning,
                "subfolder-ignored".into(),
                at(&head, "content/_startups/old")
            ),
        ]
    );
    assert_eq!(import.skipped, [link]);
}

#[test]
fn a_blob_over_the_size_limit_is_reported_from_its_header() {
    let Some(r) = Repo::new() else { return };
    let small = "---\ntitle: S\n---\n";
    let big = format!("---\ntitle: B\n---\n{}\n", "x".repeat(200 - 18));
    assert_eq!(big.len(), 200);
    r.write("content/_startups/small.md", small);
    r.write("content/_startups/big.md", &big);
    let head = r.commit("sizes", "2019-05-01T12:00:00+02:00");
    let options = ReadOptions::default().with_max_file_size(100);
    let too_large = |import: &Import| -> Vec<_> {
        import
            .diagnostics
            .iter()
            .filter(|d| d.rule == "file-too-large")
            .map(|d| (d.location.as_ref().unwrap().file.clone(), d.message.clone()))
            .collect()
    };
    let import = r.open().read_commit(&id(&head), &options).unwrap();
    let expected = vec![(
        at(&head, "content/_startups/big.md"),
        "the file has 200 bytes, over the 100 byte limit; it is not read (raise the limit if it is a real record)".to_owned(),
    )];
    assert_eq!(too_large(&import), expected);
    assert_eq!(startups_of(&import), ["small"]);
    // Only the object's header is read: a loose object cut after its header still
    // gives the size, where reading the blob would fail.
    let blob = r.oid("HEAD:content/_startups/big.md");
    let bytes = std::fs::read(loose(&r.git_dir(), &blob)).unwrap();
    overwrite(&r.git_dir(), &blob, &bytes[..bytes.len() / 2]);
    let import = r.open().read_commit(&id(&head), &options).unwrap();
    assert_eq!(too_large(&import), expected);
    let import = r.read(&head);
    assert!(
        import
            .diagnostics
            .iter()
            .any(|d| d.rule == "git-object-unreadable"),
        "{:?}",
        import.diagnostics
    );
}

#[test]
fn commits_without_collection_folders_give_an_empty_portfolio() {
    let Some(r) = Repo::new() else { return };
    let empty = r.commit("nothing yet", "2019-01-01T12:00:00+01:00");
    r.write("README.md", "# Site\n");
    let readme = r.commit("a readme", "2019-02-01T12:00:00+01:00");
    r.standard();
    r.git(&["rm", "-q", "-r", "content"]);
    let removed = r.commit("no more collections", "2019-06-01T12:00:00+02:00");
    let repo = r.open();
    for commit in [empty, readme, removed] {
        let import = repo
            .read_commit(&id(&commit), &ReadOptions::default())
            .unwrap();
        assert_eq!(import.layout.kind, LayoutKind::Empty, "{commit}");
        assert!(import.layout.collections.is_empty(), "{commit}");
        assert!(import.files.is_empty(), "{commit}");
        assert!(startups_of(&import).is_empty(), "{commit}");
        assert!(import.portfolio.members.is_empty(), "{commit}");
        assert_eq!(diagnostics(&import), [], "{commit}");
    }
}

/// `import` compared field by field with `other`.
fn assert_same(import: &Import, other: &Import, what: &str) {
    assert_eq!(import.layout, other.layout, "{what}");
    assert_eq!(import.portfolio, other.portfolio, "{what}");
    assert_eq!(import.files, other.files, "{what}");
    assert_eq!(import.diagnostics, other.diagnostics, "{what}");
    assert_eq!(import.skipped, other.skipped, "{what}");
}

#[test]
fn loose_packed_bare_and_non_bare_give_the_same_import() {
    let Some(r) = Repo::new() else { return };
    r.standard();
    r.write("content/_startups/delta.md", "---\ntitle: [Delta\n---\n");
    let head = r.commit("a start-up that is not YAML", "2019-05-02T12:00:00+02:00");
    let options = ReadOptions::default();
    assert!(loose(&r.git_dir(), &head).is_file());
    let loose_read = r.open().read_commit(&id(&head), &options).unwrap();
    assert!(!loose_read.diagnostics.is_empty());
    let from_git_dir = Repository::open(r.git_dir()).unwrap();
    let same = from_git_dir.read_commit(&id(&head), &options).unwrap();
    assert_same(&loose_read, &same, "the .git folder");

    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.path().display());
    git_in(
        clone.path(),
        &["clone", "-q", "--bare", &url, "bare.git"],
        "2019-05-01T12:00:00+02:00",
    );
    let bare_path = clone.path().join("bare.git");
    assert!(!loose(&bare_path, &head).exists());
    let bare = Repository::open(&bare_path).unwrap();
    assert_same(
        &loose_read,
        &bare.read_commit(&id(&head), &options).unwrap(),
        "bare clone",
    );

    r.git(&["gc", "-q", "--prune=now"]);
    assert!(!loose(&r.git_dir(), &head).exists());
    let packed = r.open().read_commit(&id(&head), &options).unwrap();
    assert_same(&loose_read, &packed, "after git gc");
}

#[test]
fn revisions_tags_ancestors_abbreviations_and_bad_names() {
    let Some(r) = Repo::new() else { return };
    let commits = monthly(&r);
    r.git(&["tag", "-a", "v1", "-m", "the first", &commits[0]]);
    r.git(&["tag", "light", &commits[1]]);
    // Two blobs whose ids share the prefix b2749.
    assert!(r.blob("x143\n").starts_with("b2749"));
    assert!(r.blob("x1929\n").starts_with("b2749"));
    let repo = r.open();
    let resolved = |rev: &str| repo.resolve(rev).unwrap().id;
    assert_eq!(resolved("v1"), id(&commits[0]));
    assert_eq!(resolved("light"), id(&commits[1]));
    assert_eq!(resolved("main~1"), id(&commits[2]));
    assert_eq!(resolved("HEAD^"), id(&commits[2]));
    assert_eq!(resolved(&commits[1][..7]), id(&commits[1]));
    assert_eq!(resolved(&commits[1]), id(&commits[1]));
    let bad = |rev: &str, expected: &str| {
        let err = repo.resolve(rev).unwrap_err();
        assert!(matches!(&err, Error::Revision { .. }), "{rev}: {err:?}");
        let msg = err.to_string();
        assert!(msg.starts_with(&format!("revision `{rev}`")), "{msg}");
        assert!(msg.contains(expected), "{rev}: {msg}");
    };
    bad("nope", "git log");
    bad("main~9", "git log");
    bad("b2749", "ambiguous");
    bad("HEAD^{tree}", "not a commit");
    bad(&r.blob("x143\n"), "not a commit");
    bad("", "git log");
    let err = repo
        .known_at("2019-03-15".parse().unwrap(), Some("nope"))
        .unwrap_err();
    assert!(matches!(err, Error::Revision { .. }), "{err:?}");
}

/// Every third byte of the pack of a packed repository flipped in turn: each read gives an
/// import (with `git-object-unreadable` diagnostics where an object broke) or an
/// error, never a panic.
#[test]
fn a_damaged_pack_never_panics() {
    let Some(r) = Repo::new() else { return };
    let head = r.standard();
    r.git(&["gc", "-q", "--prune=now"]);
    let pack = std::fs::read_dir(r.git_dir().join("objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .unwrap();
    let good = std::fs::read(&pack).unwrap();
    let (mut diagnosed, mut failed) = (0, 0);
    // After the 12-byte header, before the 20-byte checksum.
    for offset in (12..good.len() - 20).step_by(3) {
        let mut bad = good.clone();
        bad[offset] ^= 0x5a;
        std::fs::remove_file(&pack).unwrap();
        std::fs::write(&pack, &bad).unwrap();
        match Repository::open(r.path())
            .map(|repo| repo.read_commit(&id(&head), &ReadOptions::default()))
        {
            Ok(Ok(import)) if !import.diagnostics.is_empty() => diagnosed += 1,
            Ok(Ok(_)) => {}
            _ => failed += 1,
        }
    }
    assert!(diagnosed > 0 && failed > 0, "{diagnosed} {failed}");
}

/// Objects that inflate but do not decode (written with `git hash-object --literally`):
/// a collection tree is an error of its folder, a commit an [`Error::Object`].
#[test]
fn malformed_objects_are_errors_of_their_folder_or_commit() {
    let Some(r) = Repo::new() else { return };
    r.standard();
    let literally = |kind: &str, text: &str| {
        r.git_input(
            &["hash-object", "--literally", "-t", kind, "-w", "--stdin"],
            text,
        )
    };
    let mktree = |entries: &str| r.git_input(&["mktree", "--missing"], entries);
    let bad_tree = literally("tree", "100644 no NUL after this name");
    let startups = r.oid("HEAD:content/_startups");
    let content = mktree(&format!(
        "040000 tree {bad_tree}\t_authors\n040000 tree {startups}\t_startups\n"
    ));
    let root = mktree(&format!("040000 tree {content}\tcontent\n"));
    let commit = r.git(&["commit-tree", &root, "-m", "a malformed tree"]);
    let import = r.read(&commit);
    assert_eq!(startups_of(&import), ["alpha", "beta", "gamma"]);
    assert_folder_unreadable(&import, at(&commit, "content/_authors"));

    let bad_commit = literally("commit", "tree not-an-id\nno author\n");
    let err = r
        .open()
        .read_commit(&id(&bad_commit), &ReadOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Object { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("commit {bad_commit}: ")),
        "{err}"
    );
    let err = r.open().first_parent_chain(&id(&bad_commit)).unwrap_err();
    assert!(matches!(err, Error::Object { .. }), "{err:?}");
}

#[test]
fn a_folder_that_is_no_repository_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Repository::open(dir.path()).unwrap_err();
    assert!(matches!(err, Error::Open { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}: not a git repository", dir.path().display())),
        "{msg}"
    );
    assert!(msg.contains("give the path of a repository"), "{msg}");
}
