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

#[test]
fn interrupt_removes_live_temporaries_and_refuses_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().to_path_buf();
    let (started, wait_started) = mpsc::channel();
    let (go_on, wait_go_on) = mpsc::channel::<()>();
    let folder_out = parent.join("folder");
    let writer = std::thread::spawn(move || {
        Output::folder(
            &folder_out,
            FolderNames {
                what: "a test",
                accepts: any,
            },
        )
        .write_folder(|tmp| {
            std::fs::write(tmp.join("half"), "x").map_err(|e| Error::io(tmp, e))?;
            started.send(tmp.to_path_buf()).unwrap();
            // Wait for the "signal", then try to go on writing.
            let _ = wait_go_on.recv_timeout(Duration::from_secs(10));
            std::fs::write(tmp.join("more"), "x").map_err(|e| Error::io(tmp, e))
        })
    });
    let tmp = wait_started.recv().unwrap();
    assert!(tmp.exists());
    assert_eq!(live_temporaries(), vec![tmp.clone()]);
    // The handler.
    assert_eq!(remove_temporaries(), 1);
    assert!(!tmp.exists());
    go_on.send(()).unwrap();
    let r = writer.join().unwrap();
    assert!(
        r.is_err(),
        "the writer cannot finish once its temporary is gone"
    );
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
