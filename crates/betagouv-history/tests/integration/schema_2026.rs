//! The 2026 schema on the shared history bundle: its keys at HEAD, and the 2026-05-11
//! renaming of the phase names. Each commit is read in its own vocabulary, so a date
//! before the renaming gives the same figures read before or after it, but for the
//! products the renaming relabelled with a name of another meaning (listed and counted
//! here).

use std::collections::BTreeMap;

use betagouv_content::read::ReadOptions;
use betagouv_history::{Every, Repository, SeriesOptions, View, series};
use betagouv_portfolio::{
    ActiveRule, PhaseRule, Portfolio, Snapshot, SnapshotOptions, Startup, Vocabulary,
};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The commit known at the end of `date`, its Paris date and its portfolio.
fn known_at(repo: &Repository, date: &str) -> (String, NaiveDate, Portfolio) {
    let c = repo.known_at(d(date), None).unwrap();
    let import = repo.read_commit(&c.id, &ReadOptions::default()).unwrap();
    (c.id.to_string(), c.committed_date(), import.portfolio)
}

/// The name of the current phase of `s` at `at` (our rule), or `-`.
fn current(s: &Startup, at: NaiveDate) -> String {
    s.phase_at(at, PhaseRule::AtDate)
        .map_or("-".to_owned(), |p| p.name.clone())
}

/// The start-ups whose activity under `rule` at `at` differs between `a` and `b`
/// (present in both), counted by (their current phase in `a`, in `b`, active in `b`).
fn differences(
    a: &Portfolio,
    b: &Portfolio,
    rule: ActiveRule,
    at: NaiveDate,
) -> BTreeMap<(String, String, bool), usize> {
    let mut out = BTreeMap::new();
    for s in &a.startups {
        let Some(t) = b.startup(&s.id) else { continue };
        let before = rule.is_active(s, a.vocabulary, at, PhaseRule::AtDate);
        let after = rule.is_active(t, b.vocabulary, at, PhaseRule::AtDate);
        if before != after {
            *out.entry((current(s, at), current(t, at), after))
                .or_default() += 1;
        }
    }
    out
}

fn pairs(list: &[(&str, &str, bool, usize)]) -> BTreeMap<(String, String, bool), usize> {
    list.iter()
        .map(|(a, b, active, n)| (((*a).to_owned(), (*b).to_owned(), *active), *n))
        .collect()
}

#[test]
fn a_date_before_the_renaming_reads_the_same_on_both_sides_but_for_relabelled_products() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let (a_id, a_date, a) = known_at(&repo, "2026-05-10");
    let (b_id, b_date, b) = known_at(&repo, "2026-05-11");
    assert_eq!(&a_id[..8], "ecb35518");
    assert_eq!(&b_id[..8], "a6ac00ba");
    // Each commit is read in its own vocabulary, the one of its date.
    assert_eq!(
        (a.vocabulary, b.vocabulary),
        (Vocabulary::V2020, Vocabulary::V2026)
    );
    assert_eq!(Vocabulary::in_force_on(a_date), a.vocabulary);
    assert_eq!(Vocabulary::in_force_on(b_date), b.vocabulary);
    assert_eq!(b_date, Vocabulary::V2026.since());

    let at = d("2026-04-30");
    let o = SnapshotOptions::default();
    let (sa, sb) = (Snapshot::compute(&a, at, &o), Snapshot::compute(&b, at, &o));
    assert_eq!((sa.startups.total, sb.startups.total), (648, 648));
    let counts = |s: &Snapshot| {
        let x = s.startups.active;
        (
            x.stage,
            x.site,
            x.site_latest_start,
            x.site_date_filter_changes,
        )
    };
    assert_eq!(counts(&sa), (246, 246, 244, 2));
    assert_eq!(counts(&sb), (236, 247, 245, 2));
    // Stage rule: -10 + -2 + 2 = -10, every one a relabelling whose new name means
    // another stage (a hand-over recorded as done or abandoned; two successes still
    // in consolidation).
    assert_eq!(
        differences(&a, &b, ActiveRule::Stage, at),
        pairs(&[
            ("success", "perennisation", true, 2),
            ("transfer", "abandon", false, 2),
            ("transfer", "transfere", false, 10),
        ])
    );
    // The site's list: the same, and the 11 successes relabelled `opere`, active for
    // the site: -10 - 2 + 2 + 11 = +1.
    assert_eq!(
        differences(&a, &b, ActiveRule::Site, at),
        pairs(&[
            ("success", "opere", true, 11),
            ("success", "perennisation", true, 2),
            ("transfer", "abandon", false, 2),
            ("transfer", "transfere", false, 10),
        ])
    );
    // Every other product keeps its figures. Read in the vocabulary of the other side
    // instead, the 428 products whose current phase has a name new in 2026 would be
    // `unknown`.
    let wrong = Portfolio {
        vocabulary: Vocabulary::V2020,
        ..b.clone()
    };
    let wrong = Snapshot::compute(&wrong, at, &o);
    let new_names: usize = sb
        .startups
        .by_phase
        .iter()
        .filter(|(n, _)| Vocabulary::V2020.stage_of(n) == betagouv_portfolio::Stage::Unknown)
        .map(|(_, c)| c)
        .sum();
    assert_eq!((wrong.startups.by_stage.unknown, new_names), (428, 428));
}

/// One date seen through the commits around the renaming, and the monthly live series
/// across it: the renaming commit moves the figures of 2026-04-30 by the relabellings
/// above (stage -10, site +1), and by nothing else.
#[test]
fn series_across_the_renaming() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let active = |p: &betagouv_history::Point| (p.startups.active.stage, p.startups.active.site);
    let at = SeriesOptions::default()
        .with_every(Every::Commit)
        .with_view(View::At(d("2026-04-30")))
        .with_from(d("2026-05-05"))
        .with_to(d("2026-05-11"));
    let s = series(&repo, &at, |_, _| {}).unwrap();
    let got: Vec<_> = s
        .points
        .iter()
        .map(|p| (p.commit.to_string()[..8].to_owned(), active(p)))
        .collect();
    assert_eq!(
        got,
        [
            ("43132505".to_owned(), (247, 247)),
            ("ecb35518".to_owned(), (246, 246)),
            ("a6ac00ba".to_owned(), (236, 247)),
        ]
    );
    // Month ends, each as known then (a point counts active products by both rules).
    let live = SeriesOptions::default()
        .with_every(Every::Month)
        .with_from(d("2026-04-01"))
        .with_to(d("2026-06-30"));
    let s = series(&repo, &live, |_, _| {}).unwrap();
    let got: Vec<_> = s
        .points
        .iter()
        .map(|p| (p.as_of.to_string(), active(p)))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-04-30".to_owned(), (246, 246)),
            ("2026-05-31".to_owned(), (236, 248)),
            ("2026-06-30".to_owned(), (231, 245)),
        ]
    );
}

/// HEAD (the site's 2026-08-20 content): the 2026 keys are modelled, every contact
/// names a member, and the active products by both rules.
#[test]
fn the_2026_keys_at_head() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let head = repo.resolve("HEAD").unwrap();
    let import = repo.read_commit(&head.id, &ReadOptions::default()).unwrap();
    let p = &import.portfolio;
    assert_eq!(p.vocabulary, Vocabulary::V2026);
    let count = |f: &dyn Fn(&Startup) -> bool| p.startups.iter().filter(|s| f(s)).count();
    assert_eq!(count(&|s| s.contact_dinum.is_some()), 34);
    assert_eq!(count(&|s| s.contact_incubator.is_some()), 19);
    assert_eq!(count(&|s| !s.incubators.is_empty()), 2);
    assert_eq!(count(&|s| s.links.impact_url.is_some()), 105);
    assert_eq!(count(&|s| s.events.iter().any(|e| e.name == "eig")), 2);
    assert_eq!(count(&|s| s.events.iter().any(|e| !e.is_known())), 0);
    for key in [
        "contact_dinum",
        "contact_incubator",
        "incubators",
        "impact_url",
    ] {
        assert_eq!(count(&|s| s.extra.get(key).is_some()), 0, "{key}");
    }
    let problems = p.validate();
    assert!(!problems.iter().any(|d| d.rule == "dangling-contact"));
    let hidden: Vec<_> = p
        .incubators
        .iter()
        .filter(|i| i.hidden)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(hidden, ["sgmas"]);
    let domaine = |d: &str| {
        p.members
            .iter()
            .filter(|m| m.domaine.as_deref() == Some(d))
            .count()
    };
    assert_eq!((domaine("Support"), domaine("Attributaire")), (38, 21));
    // At HEAD's date: 231 by the stage table, 245 by the site's list (the 14 `opere`),
    // 244 as the site counts (latest start whatever the date): the date filter
    // changes 3 products.
    let s = Snapshot::compute(p, head.committed_date(), &SnapshotOptions::default());
    let a = s.startups.active;
    assert_eq!(
        (
            a.stage,
            a.site,
            a.site_latest_start,
            a.site_date_filter_changes
        ),
        (231, 245, 244, 3)
    );
    assert_eq!(s.startups.by_phase.get("opere"), Some(&14));
}
