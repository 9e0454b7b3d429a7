use super::*;
use proptest::prelude::*;

fn names_ab() -> FolderNames {
    FolderNames {
        what: "a test export",
        accepts: |rel, is_dir| match rel.to_str() {
            Some("a" | "b" | "sub/c") => !is_dir,
            Some("sub") => is_dir,
            _ => false,
        },
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn put(name: &'static str) -> impl FnOnce(&Path) -> Result<()> {
    move |dir: &Path| {
        let p = dir.join(name);
        std::fs::write(&p, name).map_err(|e| Error::io(p, e))
    }
}

#[test]
fn file_refused_then_replaced_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.txt");
    Output::file(&out).write_bytes(b"a").unwrap();
    let again = Output::file(&out).write_bytes(b"b");
    assert!(matches!(again, Err(Error::Exists { .. })), "{again:?}");
    assert_eq!(std::fs::read(&out).unwrap(), b"a");
    Output::file(&out)
        .if_exists(IfExists::Replace)
        .write_bytes(b"b")
        .unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), b"b");
    assert_eq!(entries(dir.path()), ["x.txt"]);
}

#[test]
fn writer_error_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.txt");
    let r: Result<()> = Output::file(&out).write_file(|tmp| {
        tmp.write_all(b"partial").unwrap();
        assert!(tmp.path().exists());
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with(".x.txt.betagouv-tmp-"), "{name}");
        Err(Error::io(tmp.path(), std::io::Error::other("boom")))
    });
    assert!(r.is_err());
    assert!(entries(dir.path()).is_empty());
    let r = Output::folder(dir.path().join("d"), names_ab()).write_folder(|p| {
        put("a")(p)?;
        Err(Error::io(p, std::io::Error::other("boom")))
    });
    assert!(r.is_err());
    assert!(entries(dir.path()).is_empty());
    // An existing output stays as it was.
    Output::file(&out).write_bytes(b"old").unwrap();
    let r: Result<()> = Output::file(&out)
        .if_exists(IfExists::Replace)
        .write_file(|tmp| Err(Error::io(tmp.path(), std::io::Error::other("boom"))));
    assert!(r.is_err());
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    assert_eq!(entries(dir.path()), ["x.txt"]);
}

#[cfg(unix)]
#[test]
fn files_and_folders_get_the_umask_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    // What std gives a new file and folder under this process's umask.
    let reference_file = dir.path().join("ref");
    std::fs::write(&reference_file, "").unwrap();
    let reference_dir = dir.path().join("refdir");
    std::fs::create_dir(&reference_dir).unwrap();
    let out = dir.path().join("x.txt");
    Output::file(&out).write_bytes(b"a").unwrap();
    assert_eq!(mode(&out), mode(&reference_file));
    assert_ne!(mode(&out), 0o600, "not tempfile's 0600");
    let folder = dir.path().join("d");
    Output::folder(&folder, names_ab())
        .write_folder(put("a"))
        .unwrap();
    assert_eq!(mode(&folder), mode(&reference_dir));
    assert_eq!(mode(&folder.join("a")), mode(&reference_file));
}

#[test]
fn folder_with_unexpected_entries_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("a"), "mine").unwrap();
    for i in 0..12 {
        std::fs::write(out.join(format!("z{i:02}")), "keep").unwrap();
    }
    std::fs::create_dir(out.join("sub")).unwrap();
    std::fs::write(out.join("sub/notes"), "keep").unwrap();
    let err = Output::folder(&out, names_ab())
        .if_exists(IfExists::Replace)
        .write_folder(put("b"))
        .unwrap_err();
    let msg = err.to_string();
    match &err {
        Error::UnexpectedEntries { shown, total, .. } => {
            assert_eq!(*total, 13);
            assert_eq!(shown.len(), MAX_LISTED);
            assert_eq!(shown[0], Path::new("sub/notes"));
        }
        e => panic!("{e}"),
    }
    assert!(
        msg.contains("sub/notes") && msg.contains("(and 3 more)"),
        "{msg}"
    );
    assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "mine");
    assert_eq!(entries(&out).len(), 14);
    assert_eq!(entries(dir.path()), ["d"]);
}

#[test]
fn folder_of_known_names_is_replaced_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d");
    let o = Output::folder(&out, names_ab());
    o.write_folder(|p| {
        put("a")(p)?;
        std::fs::create_dir(p.join("sub")).map_err(|e| Error::io(p, e))?;
        std::fs::write(p.join("sub/c"), "c").map_err(|e| Error::io(p, e))
    })
    .unwrap();
    assert!(matches!(
        o.write_folder(put("b")),
        Err(Error::Exists { .. })
    ));
    o.clone()
        .if_exists(IfExists::Replace)
        .write_folder(put("b"))
        .unwrap();
    assert_eq!(entries(&out), ["b"]);
    assert_eq!(entries(dir.path()), ["d"]);
    // An empty folder is replaced too.
    let empty = dir.path().join("e");
    std::fs::create_dir(&empty).unwrap();
    Output::folder(&empty, names_ab())
        .if_exists(IfExists::Replace)
        .write_folder(put("a"))
        .unwrap();
    assert_eq!(entries(&empty), ["a"]);
}

#[test]
fn force_replaces_only_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("f");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("keep"), "k").unwrap();
    let err = Output::file(&folder)
        .if_exists(IfExists::Replace)
        .write_bytes(b"x")
        .unwrap_err();
    assert!(err.to_string().contains("it is a folder"), "{err}");
    assert!(folder.join("keep").exists());
    // A folder output over a file is refused too.
    let file = dir.path().join("file");
    std::fs::write(&file, "k").unwrap();
    let err = Output::folder(&file, names_ab())
        .if_exists(IfExists::Replace)
        .write_folder(put("a"))
        .unwrap_err();
    assert!(err.to_string().contains("it is a regular file"), "{err}");
    #[cfg(unix)]
    {
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
        let err = Output::file(&link)
            .if_exists(IfExists::Replace)
            .write_bytes(b"x")
            .unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let err = Output::file(&fifo)
                .if_exists(IfExists::Replace)
                .write_bytes(b"x")
                .unwrap_err();
            assert!(err.to_string().contains("special file"), "{err}");
        }
    }
}

#[test]
fn missing_parent_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x/y/z.html");
    let err = Output::file(&out).write_bytes(b"a").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no such folder: {} (parent of the output {})",
            dir.path().join("x/y").display(),
            out.display()
        )
    );
    let file = dir.path().join("f");
    std::fs::write(&file, "").unwrap();
    let err = Output::file(file.join("z")).write_bytes(b"a").unwrap_err();
    assert!(matches!(err, Error::ParentNotFolder { .. }), "{err}");
}

#[test]
fn outputs_overlapping_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("_startups")).unwrap();
    let budget = dir.path().join("budget.toml");
    std::fs::write(&budget, "x").unwrap();
    let check = |out: PathBuf, force: bool| {
        Output::folder(&out, names_ab())
            .if_exists(IfExists::replace_when(force))
            .inputs([&content, &budget])
            .check()
    };
    for (out, overlap) in [
        (content.clone(), Overlap::Same),
        (content.join("_startups/../new"), Overlap::Inside),
        (dir.path().to_path_buf(), Overlap::Contains),
        (budget.clone(), Overlap::Same),
        (dir.path().join("content/../budget.toml/."), Overlap::Same),
    ] {
        match check(out.clone(), true) {
            Err(Error::OverlapsInput { overlap: o, .. }) => {
                assert_eq!(o, overlap, "{}", out.display());
            }
            r => panic!("{}: {r:?}", out.display()),
        }
    }
    #[cfg(unix)]
    {
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&budget, &link).unwrap();
        let err = Output::file(&link)
            .if_exists(IfExists::Replace)
            .input(&budget)
            .write_bytes(b"x")
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&link.display().to_string())
                && msg.contains(&budget.display().to_string()),
            "{msg}"
        );
        let linked_dir = dir.path().join("ldir");
        std::os::unix::fs::symlink(&content, &linked_dir).unwrap();
        assert!(matches!(
            check(linked_dir.join("x"), false),
            Err(Error::OverlapsInput {
                overlap: Overlap::Inside,
                ..
            })
        ));
    }
    assert_eq!(std::fs::read(&budget).unwrap(), b"x");
    assert!(check(dir.path().join("out"), false).is_ok());
}

/// The reference: canonicalize the nearest existing ancestor, append the rest and
/// apply its `.` and `..` lexically.
fn reference(p: &Path) -> PathBuf {
    for anc in p.ancestors() {
        let anc_real = if anc.as_os_str().is_empty() {
            std::fs::canonicalize(".")
        } else {
            std::fs::canonicalize(anc)
        };
        if let Ok(real) = anc_real {
            let rest = p.strip_prefix(anc).unwrap();
            let mut out = real;
            for c in rest.components() {
                match c {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return out;
        }
    }
    unreachable!("the root exists")
}

fn reference_overlap(a: &Path, b: &Path) -> bool {
    let (a, b) = (reference(a), reference(b));
    a.starts_with(&b) || b.starts_with(&a)
}

fn component() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("a"),
        Just("b"),
        Just("l"),
        Just("dangling"),
        Just("f"),
        Just(".."),
        Just("."),
        Just("new"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `overlaps` agrees with the reference on canonical paths, for paths made of
    /// `a`, `b`, `..`, `.`, a symbolic link `l` (to `a/b`), a dangling link, a file and
    /// a missing name, inside a temporary folder.
    #[test]
    fn overlaps_agrees_with_canonical_reference(
        x in prop::collection::vec(component(), 0..6),
        y in prop::collection::vec(component(), 0..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap().join("r");
        std::fs::create_dir_all(root.join("a/b/a")).unwrap();
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("f"), "").unwrap();
        std::fs::write(root.join("a/f"), "").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a/b"), root.join("l")).unwrap();
            std::os::unix::fs::symlink(root.join("a/b"), root.join("a/l")).unwrap();
            std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling")).unwrap();
        }
        let px = x.iter().fold(root.clone(), |p, c| p.join(c));
        let py = y.iter().fold(root.clone(), |p, c| p.join(c));
        let got = overlaps(&px, &py).unwrap();
        prop_assert_eq!(got.is_some(), reference_overlap(&px, &py), "{} vs {}", px.display(), py.display());
        prop_assert_eq!(resolve(&px).unwrap(), reference(&px));
        if let Some(o) = got {
            let (rx, ry) = (reference(&px), reference(&py));
            let expected = if rx == ry { Overlap::Same } else if ry.starts_with(&rx) { Overlap::Inside } else { Overlap::Contains };
            prop_assert_eq!(o, expected);
        }
    }
}

/// With `exchange`, a replaced folder output is never missing, even for an instant.
#[cfg(all(feature = "exchange", any(target_os = "linux", target_os = "android")))]
#[test]
fn exchange_never_leaves_the_folder_missing() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d");
    Output::folder(&out, names_ab())
        .write_folder(put("a"))
        .unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let missing = Arc::new(AtomicUsize::new(0));
    let observer = {
        let (done, missing, out) = (Arc::clone(&done), Arc::clone(&missing), out.clone());
        std::thread::spawn(move || {
            let mut looks = 0_u64;
            while !done.load(Ordering::Relaxed) {
                if std::fs::symlink_metadata(&out).is_err() {
                    missing.fetch_add(1, Ordering::Relaxed);
                }
                looks += 1;
            }
            looks
        })
    };
    for i in 0..200 {
        let name = if i % 2 == 0 { "b" } else { "a" };
        Output::folder(&out, names_ab())
            .if_exists(IfExists::Replace)
            .write_folder(put(name))
            .unwrap();
    }
    done.store(true, Ordering::Relaxed);
    let looks = observer.join().unwrap();
    assert!(looks > 0);
    assert_eq!(
        missing.load(Ordering::Relaxed),
        0,
        "missing during a replacement"
    );
    assert_eq!(entries(&out), ["a"]);
    assert_eq!(entries(dir.path()), ["d"]);
}

#[test]
fn an_io_error_names_its_path_and_gives_its_cause_once() {
    let e = Error::io("/x/y", std::io::Error::other("disk on fire"));
    assert_eq!(e.to_string(), "/x/y: input/output error");
    let cause = std::error::Error::source(&e).map(ToString::to_string);
    assert_eq!(cause.as_deref(), Some("disk on fire"));
}

#[test]
fn if_exists_from_a_force_flag() {
    assert_eq!(IfExists::default(), IfExists::Refuse);
    assert_eq!(IfExists::replace_when(true), IfExists::Replace);
    assert_eq!(IfExists::replace_when(false), IfExists::Refuse);
}

#[cfg(feature = "serde")]
#[test]
fn serde_round_trips() {
    for v in [IfExists::Refuse, IfExists::Replace] {
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<IfExists>(&json).unwrap(), v);
    }
    assert_eq!(
        serde_json::to_string(&IfExists::Replace).unwrap(),
        "\"replace\""
    );
    for v in [Overlap::Same, Overlap::Inside, Overlap::Contains] {
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<Overlap>(&json).unwrap(), v);
    }
}
