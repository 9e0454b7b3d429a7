//! The built-in 2016 dataset was transcribed by hand from the 2016-12-31 snapshot:
//! read the real snapshot with betagouv-content and check every transcribed fact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use betagouv_content::{ReadOptions, read_folder};
use betagouv_portfolio::snapshot::{Snapshot, SnapshotOptions};
use betagouv_portfolio::{Startup, builtin};
use betagouv_tests::shared_data;

/// Id, name, phases (name, start as written), owner, link, repository.
type Facts = (
    String,
    String,
    Vec<(String, Option<String>)>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn facts(s: &Startup) -> Facts {
    (
        s.id.to_string(),
        s.name.clone(),
        s.phases
            .iter()
            .map(|p| (p.name.clone(), p.start.as_ref().map(ToString::to_string)))
            .collect(),
        s.owner.clone(),
        s.links.site.clone(),
        s.links.repository.clone(),
    )
}

#[test]
fn builtin_startups_and_members_match_the_real_snapshot() {
    let Some(dir) = shared_data("betagouv-content/2016-12-31") else {
        return;
    };
    let import = read_folder(&dir, &ReadOptions::default()).expect("the 2016 snapshot reads");
    let real = import.portfolio;
    let ours = builtin::portfolio_2016();
    assert_eq!(real.vocabulary, ours.vocabulary);

    let mut a: Vec<_> = real.startups.iter().map(facts).collect();
    let mut b: Vec<_> = ours.startups.iter().map(facts).collect();
    a.sort();
    b.sort();
    assert_eq!(a.len(), 27);
    assert_eq!(a, b);

    assert_eq!(real.members.len(), ours.members.len());
    for m in &ours.members {
        let r = real
            .member(m.id.as_str())
            .unwrap_or_else(|| panic!("{} missing", m.id));
        assert_eq!((&r.fullname, &r.role), (&m.fullname, &m.role), "{}", m.id);
        let dates = |x: &betagouv_portfolio::Member| {
            x.missions
                .iter()
                .map(|mi| {
                    (
                        mi.start.clone(),
                        mi.end.clone(),
                        mi.status.clone(),
                        mi.employer.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(dates(r), dates(m), "{}", m.id);
    }

    // Same figures at the snapshot's date, whichever way the data came in.
    let opts = SnapshotOptions::default();
    let at = builtin::as_of_2016();
    let (sr, so) = (
        Snapshot::compute(&real, at, &opts),
        Snapshot::compute(&ours, at, &opts),
    );
    assert_eq!(sr.startups, so.startups);
    assert_eq!(sr.members, so.members);
    assert_eq!(
        (sr.incubators, sr.sponsors, sr.owners),
        (so.incubators, so.sponsors, so.owners)
    );
}
