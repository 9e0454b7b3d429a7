//! What a signal handler sees: `remove_temporaries` while another thread writes.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use betagouv_output::{
    Error, FolderNames, Output, TEMPORARY_MARK, live_temporaries, remove_temporaries,
};

fn any(_: &Path, _: bool) -> bool {
    true
}

/// A folder output at `path` that accepts any entry.
fn folder(path: &Path) -> Output {
    Output::folder(
        path,
        FolderNames {
            what: "a test",
            accepts: any,
        },
    )
}

#[test]
fn interrupt_removes_live_temporaries_and_refuses_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().to_path_buf();
    let (started, wait_started) = mpsc::channel();
    let (go_on, wait_go_on) = mpsc::channel::<()>();
    let folder_out = parent.join("folder");
    let writer = std::thread::spawn(move || {
        folder(&folder_out).write_folder(|tmp| {
            std::fs::write(tmp.join("half"), "x").map_err(|e| Error::io(tmp, e))?;
            started.send(tmp.to_path_buf()).unwrap();
            // Wait for the "signal", then try to go on writing.
            let _ = wait_go_on.recv_timeout(Duration::from_secs(10));
            std::fs::write(tmp.join("more"), "x").map_err(|e| Error::io(tmp, e))
        })
    });
    // A writer that never stops creating entries by path until one fails: it races
    // the handler's removal of its folder.
    let (busy_started, wait_busy_started) = mpsc::channel();
    let busy_out = parent.join("busy");
    let busy = std::thread::spawn(move || {
        folder(&busy_out).write_folder::<Error>(|tmp| {
            busy_started.send(tmp.to_path_buf()).unwrap();
            let mut i = 0_u64;
            loop {
                let path = tmp.join(format!("f{i}"));
                std::fs::write(&path, "x").map_err(|e| Error::io(&path, e))?;
                i += 1;
            }
        })
    });
    let tmp = wait_started.recv().unwrap();
    let busy_tmp = wait_busy_started.recv().unwrap();
    assert!(tmp.exists());
    let mut live = live_temporaries();
    live.sort();
    let mut expected = vec![tmp.clone(), busy_tmp.clone()];
    expected.sort();
    assert_eq!(live, expected);
    // The handler.
    assert_eq!(remove_temporaries(), 2);
    assert!(!tmp.exists());
    assert!(!busy_tmp.exists());
    go_on.send(()).unwrap();
    let r = writer.join().unwrap();
    assert!(
        r.is_err(),
        "the writer cannot finish once its temporary is gone"
    );
    assert!(busy.join().unwrap().is_err());
    // No new temporary once interrupted.
    let err = Output::file(parent.join("x"))
        .write_bytes(b"x")
        .unwrap_err();
    assert!(matches!(err, Error::Interrupted { .. }), "{err}");
    let left: Vec<_> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.iter().all(|n| !n.contains(TEMPORARY_MARK)), "{left:?}");
    assert!(left.is_empty(), "{left:?}");
}
