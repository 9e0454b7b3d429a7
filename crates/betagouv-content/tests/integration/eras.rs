//! Hand-made fixtures of the eras the shared extracts do not cover, one
//! folder per era under `tests/fixtures/eras/` (see the fixtures README): layout,
//! vocabulary, snapshot figures counted by hand, read and check diagnostics, every
//! file accounted for, read -> write -> read with both writers, and `upgrade`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use betagouv_content::check::{CheckOptions, RuleSet, check_folder};
use betagouv_content::layout::LayoutKind;
use betagouv_content::read::{Import, ReadOptions, SourceFlag, VocabularySource, read_folder};
use betagouv_content::upgrade::{UpgradeOptions, upgrade};
use betagouv_content::write::{WriteOptions, write_import, write_portfolio};
use betagouv_portfolio::snapshot::StageCounts;
use betagouv_portfolio::{Portfolio, Severity, Snapshot, SnapshotOptions, Vocabulary};
use chrono::NaiveDate;

fn fixture(era: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/eras")
        .join(era)
}

/// What one era folder must give.
struct Expect {
    era: &'static str,
    at: &'static str,
    layout: LayoutKind,
    vocabulary: Vocabulary,
    /// Start-ups, members, incubators, organisations.
    records: (usize, usize, usize, usize),
    by_stage: StageCounts,
    by_phase: &'static [(&'static str, usize)],
    active_by_status: &'static [(&'static str, usize)],
    /// Incubators, sponsors, owners referenced.
    refs: (usize, usize, usize),
    /// Import diagnostics as `rule id`, sorted.
    read: &'static [&'static str],
    rules: RuleSet,
    /// Check diagnostics as `severity rule id`, sorted.
    check: &'static [&'static str],
}

fn stages(
    incubating: usize,
    in_handover: usize,
    taken_over: usize,
    stopped: usize,
    not_started: usize,
    unknown: usize,
) -> StageCounts {
    StageCounts {
        incubating,
        in_handover,
        taken_over,
        stopped,
        not_started,
        unknown,
    }
}

fn map(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

fn date(at: &str) -> NaiveDate {
    at.parse().unwrap()
}

fn diag_list(diags: &[betagouv_portfolio::Diagnostic], severity: bool) -> Vec<String> {
    let mut v: Vec<String> = diags
        .iter()
        .map(|d| {
            let id = d.record.as_ref().map_or("", |r| r.1.as_str());
            if severity {
                let sev = if d.severity == Severity::Error {
                    "E"
                } else {
                    "W"
                };
                format!("{sev} {} {id}", d.rule)
            } else {
                format!("{} {id}", d.rule)
            }
        })
        .collect();
    v.sort();
    v
}

/// Every file of every collection is a record or has an error diagnostic.
fn nothing_dropped(import: &Import) {
    let on_disk: usize = import
        .layout
        .collections
        .iter()
        .map(|c| std::fs::read_dir(&c.dir).unwrap().count())
        .sum();
    assert_eq!(import.files.len(), on_disk);
    for f in import.failed_files() {
        assert!(
            import
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error
                    && d.location.as_ref().is_some_and(|l| l.file == f.path)),
            "{} gave no record and no error",
            f.path.display()
        );
    }
    let p = &import.portfolio;
    let records = p.startups.len() + p.members.len() + p.incubators.len() + p.organisations.len();
    assert_eq!(records, import.files.len() - import.failed_files().count());
}

fn snapshot(p: &Portfolio, at: &str) -> Snapshot {
    Snapshot::compute(p, date(at), &SnapshotOptions::default())
}

/// Writes with `write_portfolio` and `write_import`; both read back to the same portfolio.
fn round_trips(import: &Import) {
    let out = tempfile::tempdir().unwrap();
    let w = write_portfolio(&import.portfolio, out.path(), &WriteOptions::default()).unwrap();
    assert!(w.diagnostics.is_empty(), "{:#?}", w.diagnostics);
    let again = read_folder(out.path(), &ReadOptions::default()).unwrap();
    assert_eq!(again.layout.kind, LayoutKind::Content);
    assert_eq!(again.vocabulary_source, VocabularySource::Recorded);
    assert_eq!(again.portfolio, import.portfolio);
    let out = tempfile::tempdir().unwrap();
    let w = write_import(import, out.path(), &WriteOptions::default()).unwrap();
    assert!(w.diagnostics.is_empty(), "{:#?}", w.diagnostics);
    let again = read_folder(out.path(), &ReadOptions::default()).unwrap();
    assert_eq!(again.portfolio, import.portfolio);
    // The written folders are clean: no import diagnostic (the quirks are gone).
    assert!(again.diagnostics.is_empty(), "{:#?}", again.diagnostics);
}

fn run(e: &Expect) -> Import {
    let dir = fixture(e.era);
    let import = read_folder(&dir, &ReadOptions::default()).unwrap();
    assert_eq!(import.layout.kind, e.layout, "{}", e.era);
    assert_eq!(import.portfolio.vocabulary, e.vocabulary, "{}", e.era);
    assert_eq!(import.vocabulary_source, VocabularySource::Detected);
    nothing_dropped(&import);
    let p = &import.portfolio;
    assert_eq!(
        (
            p.startups.len(),
            p.members.len(),
            p.incubators.len(),
            p.organisations.len()
        ),
        e.records,
        "{}",
        e.era
    );
    let s = snapshot(p, e.at);
    assert_eq!(s.startups.by_stage, e.by_stage, "{}", e.era);
    assert_eq!(s.startups.by_phase, map(e.by_phase), "{}", e.era);
    let active: usize = e.active_by_status.iter().map(|(_, n)| n).sum();
    assert_eq!(s.members.active, active, "{}", e.era);
    assert_eq!(
        s.members.active_by_status,
        map(e.active_by_status),
        "{}",
        e.era
    );
    assert_eq!((s.incubators, s.sponsors, s.owners), e.refs, "{}", e.era);
    assert_eq!(diag_list(&import.diagnostics, false), e.read, "{}", e.era);
    let report = check_folder(&dir, &CheckOptions::default()).unwrap();
    assert_eq!(report.rules, e.rules, "{}", e.era);
    assert_eq!(diag_list(&report.diagnostics, true), e.check, "{}", e.era);
    round_trips(&import);
    import
}

/// `upgrade` gives a current-layout folder with the same snapshot at the folder's date,
/// once the start-ups reported without a start date are set aside.
fn upgrade_keeps_the_snapshot(era: &str, at: &str, undated: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    // `upgrade` writes a new folder: an existing one (even empty) needs `force`.
    assert!(upgrade(fixture(era), dir.path(), &UpgradeOptions::default()).is_err());
    let out = dir.path().join("new");
    let up = upgrade(fixture(era), &out, &UpgradeOptions::default()).unwrap();
    let ids: Vec<_> = up
        .undated
        .iter()
        .map(|d| d.record.as_ref().unwrap().1.as_str())
        .collect();
    assert_eq!(ids, undated, "{era}");
    let new = read_folder(&out, &ReadOptions::default()).unwrap();
    assert_eq!(new.layout.kind, LayoutKind::Content);
    assert_eq!(new.vocabulary_source, VocabularySource::Recorded);
    assert_eq!(new.portfolio.vocabulary, up.import.portfolio.vocabulary);
    assert!(new.diagnostics.is_empty(), "{:#?}", new.diagnostics);
    let without = |p: &Portfolio| {
        let mut p = p.clone();
        p.startups.retain(|s| !undated.contains(&s.id.as_str()));
        let mut s = snapshot(&p, at);
        s.problems = Default::default();
        s
    };
    assert_eq!(
        without(&up.import.portfolio),
        without(&new.portfolio),
        "{era}"
    );
    let (old, upgraded) = (
        snapshot(&up.import.portfolio, at),
        snapshot(&new.portfolio, at),
    );
    assert_eq!(old.members, upgraded.members);
    assert_eq!(old.startups.total, upgraded.startups.total);
    // An undated status counted as started becomes a phase that has not started.
    assert_eq!(
        upgraded.startups.by_stage.not_started,
        old.startups.by_stage.not_started + undated.len()
    );
}

fn path_of<'a>(import: &'a Import, name: &str) -> &'a Path {
    &import
        .files
        .iter()
        .find(|f| f.path.file_name().is_some_and(|n| n == name))
        .unwrap()
        .path
}

/// E1 layout at 2017-03-10, during the two weeks of the member `contracts` list.
#[test]
fn e1_2017_03_contracts() {
    // Start-ups: aide-sociale `construction` since 2016-10-01 -> incubating.
    // Members: anne.martin's 2nd contract (2017-01-01 -> 2017-12-31, admin/sgmap) covers the
    // date; paul.durand (dinsic, no end) too -> 2 active, admin 1 + dinsic 1.
    // Owners: SGMAP -> 1. No incubator, no sponsor.
    let import = run(&Expect {
        era: "e1-2017-03",
        at: "2017-03-10",
        layout: LayoutKind::Site2016,
        vocabulary: Vocabulary::V2016,
        records: (1, 2, 0, 0),
        by_stage: stages(1, 0, 0, 0, 0, 0),
        by_phase: &[("construction", 1)],
        active_by_status: &[("admin", 1), ("dinsic", 1)],
        refs: (0, 0, 1),
        read: &[],
        rules: RuleSet::Build2016,
        check: &[],
    });
    let anne = import.portfolio.member("anne.martin").unwrap();
    assert_eq!(anne.missions.len(), 2);
    assert_eq!(anne.missions[0].employer.as_deref(), Some("octo"));
}

/// E2 (`_startup/` + `_authors/`) at 2018-09-30, with the 2018-06 status list.
#[test]
fn e2_2018() {
    // Start-ups (status): alpha-emploi acceleration, bravo-sante construction, charlie-eau
    // consolidation (2018 list: incubating), foxtrot-carte construction without start
    // (counted as started) -> 4 incubating; delta-ecole death -> 1 stopped; echo-vote
    // starts 2018-10-15 -> not started. Vocabulary 2018: `acceleration`, no `success`.
    // Members (M1 flat): anne.martin 2017-05-01 -> 2018-12-31 independent (employer with a
    // trailing comment), bruno.petit admin (no end), david.leroy dinsic -> 3 active;
    // claire.roux ended 2018-06-30.
    // Incubators: dinsic, mtes -> 2. Owners: 6 distinct strings.
    let import = run(&Expect {
        era: "e2-2018",
        at: "2018-09-30",
        layout: LayoutKind::Site2017,
        vocabulary: Vocabulary::V2018,
        records: (6, 4, 0, 0),
        by_stage: stages(4, 0, 0, 1, 1, 0),
        by_phase: &[
            ("acceleration", 1),
            ("consolidation", 1),
            ("construction", 2),
            ("death", 1),
        ],
        active_by_status: &[("admin", 1), ("dinsic", 1), ("independent", 1)],
        refs: (2, 0, 6),
        read: &[],
        rules: RuleSet::Schema2017,
        check: &[
            "E field-required foxtrot-carte",
            "E field-required foxtrot-carte",
            "W status-without-start foxtrot-carte",
        ],
    });
    let p = &import.portfolio;
    let anne = p.member("anne.martin").unwrap();
    // `{delta-ecole: inactive}` is a past start-up; the YAML comment is not in the value.
    assert_eq!(anne.startups[0].as_str(), "alpha-emploi");
    assert_eq!(anne.previously[0].as_str(), "delta-ecole");
    assert_eq!(anne.missions[0].employer.as_deref(), Some("octo"));
    assert_eq!(p.member("claire.roux").unwrap().previously.len(), 1);
    upgrade_keeps_the_snapshot("e2-2018", "2018-09-30", &["foxtrot-carte"]);
}

/// E3 (`content/`) at 2019-12-31: 2018 status list, M2 missions with quoted dates.
#[test]
fn e3_2019() {
    // Start-ups: gamma-impots construction, india-justice acceleration, kilo-agri
    // investigation -> 3 incubating; juliet-sport death -> stopped; hotel-logement
    // `Consolidation` (capital) -> unknown.
    // Members: lea.bernard's 2nd mission (2019-07-01 -> 2020-06-30, service), marc.simon
    // (`end: ''`, dinsic), olivier.garnier (no end, independent) -> 3 active; nina.lopez
    // ended 2019-03-31 (TABs after `fullname:` and after values).
    // Incubators: dinsic, mtes -> 2. Owners: 5.
    let import = run(&Expect {
        era: "e3-2019",
        at: "2019-12-31",
        layout: LayoutKind::Content,
        vocabulary: Vocabulary::V2018,
        records: (5, 4, 2, 0),
        by_stage: stages(3, 0, 0, 1, 0, 1),
        by_phase: &[
            ("Consolidation", 1),
            ("acceleration", 1),
            ("construction", 1),
            ("death", 1),
            ("investigation", 1),
        ],
        active_by_status: &[("dinsic", 1), ("independent", 1), ("service", 1)],
        refs: (2, 0, 5),
        read: &["tab-in-yaml nina.lopez"],
        rules: RuleSet::Schema2017,
        check: &[
            "W dangling-startup marc.simon",
            "W tab-in-yaml nina.lopez",
            "W unknown-phase hotel-logement",
        ],
    });
    let f = import
        .files
        .iter()
        .find(|f| f.path.ends_with("lea.bernard.md"))
        .unwrap();
    assert!(f.source.has(SourceFlag::QuotedDates));
    let nina = import.portfolio.member("nina.lopez").unwrap();
    assert_eq!(
        (nina.fullname.as_str(), nina.role.as_str()),
        ("Nina Lopez", "Designer")
    );
    assert_eq!(nina.missions[0].status.as_deref(), Some("admin"));
    let tab = import
        .diagnostics
        .iter()
        .find(|d| d.rule == "tab-in-yaml")
        .unwrap();
    assert_eq!(
        tab.location.as_ref().map(|l| (l.file.as_path(), l.line)),
        Some((path_of(&import, "nina.lopez.md"), 2))
    );
    upgrade_keeps_the_snapshot("e3-2019", "2019-12-31", &[]);
}

/// E3 transition at 2020-06-30: `success`, `alumni`, `transfert`, and an old `death`.
#[test]
fn e3_2020_transition() {
    // Vocabulary 2020 (`alumni`). lima-transport success -> taken over; november-travail
    // transfert -> in hand-over; oscar-sante acceleration -> incubating; mike-culture
    // alumni and papa-social death -> 2 stopped.
    // Members: quentin.blanc admin until 2020-12-31 -> 1 active; rose.faure ended.
    // Incubators: dinsic, preincubation (no file) -> 2. Owners: 5.
    run(&Expect {
        era: "e3-2020",
        at: "2020-06-30",
        layout: LayoutKind::Content,
        vocabulary: Vocabulary::V2020,
        records: (5, 2, 1, 0),
        by_stage: stages(1, 1, 1, 2, 0, 0),
        by_phase: &[
            ("acceleration", 1),
            ("alumni", 1),
            ("death", 1),
            ("success", 1),
            ("transfert", 1),
        ],
        active_by_status: &[("admin", 1)],
        refs: (2, 0, 5),
        read: &[],
        rules: RuleSet::Schema2017,
        check: &["W dangling-incubator mike-culture"],
    });
    upgrade_keeps_the_snapshot("e3-2020", "2020-06-30", &[]);
}

/// E4 at 2021-12-31: the `phases` quirks of 2020-2022 and inline sponsors.
#[test]
fn e4_2021() {
    // Rule AtDate (latest start on or before the date, undated phases ignored):
    // romeo-emploi acceleration (its last, undated `alumni` ignored), sierra-sante success
    // (listed first, latest start), tango-ecole construction (2nd `construction`,
    // 2021-01-15), uniform-eau alumni, victor-transfer transfer (`end: ''`),
    // whiskey-futur starts 2022-02-01 -> not started.
    // Members: sarah.muller independent (2nd mission), thomas.girard service (ends on the
    // date) -> 2; ursula.chevalier ended.
    // Incubators: dinum, ANSSI (no file) -> 2. Sponsors by name: `Pôle emploi`,
    // `Pôle Emploi` (two spellings count twice), DGESCO (the 2nd `sponsors` key wins), OFB
    // -> 4. Owners: `Pôle emploi` -> 1.
    let import = run(&Expect {
        era: "e4-2021",
        at: "2021-12-31",
        layout: LayoutKind::Content,
        vocabulary: Vocabulary::V2020,
        records: (6, 3, 1, 0),
        by_stage: stages(2, 1, 1, 1, 1, 0),
        by_phase: &[
            ("acceleration", 1),
            ("alumni", 1),
            ("construction", 1),
            ("success", 1),
            ("transfer", 1),
        ],
        active_by_status: &[("independent", 1), ("service", 1)],
        refs: (2, 4, 1),
        read: &["duplicate-key tango-ecole", "duplicate-key thomas.girard"],
        rules: RuleSet::Schema2020,
        check: &[
            "E duplicate-key tango-ecole",
            "E duplicate-key thomas.girard",
            "W dangling-incubator uniform-eau",
            "W dangling-startup ursula.chevalier",
            "W duplicate-phase tango-ecole",
        ],
    });
    // The site's rule of that era (last listed) gives other figures.
    let at = date("2021-12-31");
    let last = Snapshot::compute(
        &import.portfolio,
        at,
        &SnapshotOptions::default().with_phase_rule(betagouv_portfolio::PhaseRule::LastListed),
    );
    // romeo alumni, sierra acceleration, tango construction, uniform alumni, victor
    // transfer, whiskey investigation.
    assert_eq!(last.startups.by_stage, stages(3, 1, 0, 2, 0, 0));
    // Today's rules on the same folder: what the era accepted fails now.
    let current = check_folder(
        fixture("e4-2021"),
        &CheckOptions::default().with_rules(RuleSet::Current),
    )
    .unwrap();
    let errors: Vec<_> = diag_list(&current.diagnostics, true)
        .into_iter()
        .filter(|d| d.starts_with("E "))
        .collect();
    assert_eq!(
        errors,
        [
            "E duplicate-key tango-ecole",
            "E duplicate-key thomas.girard",
            "E duplicate-phase-name tango-ecole",
            "E event-date-required tango-ecole",
            "E phase-start-required romeo-emploi",
            "E unknown-sponsor romeo-emploi",
            "E unknown-sponsor sierra-sante",
            "E unknown-sponsor tango-ecole",
            "E unknown-sponsor uniform-eau",
            "E unknown-startup ursula.chevalier",
        ]
    );
}

/// E5 at 2026-08-20: the 2026 names, co-incubation (with the hidden incubator `mtes`),
/// contacts (one naming no member), the `eig` event, free-text user types, the
/// `Support` and `Attributaire` domaines, an unknown key, a file without `.md`.
#[test]
fn e5_2026() {
    // At 2026-08-20, phases started on or before the date (our rule):
    // xray-opere opere and yankee-transfere transfere -> 2 taken over; zulu perennisation
    // and charlie consolidation -> 2 in hand-over; alfa abandon-investigation and bravo
    // abandon -> 2 stopped; echo construction, foxtrot construction (acceleration
    // planned 2026-10-01), hotel acceleration (abandon planned 2026-12-01) -> 3
    // incubating; delta-futur starts 2026-09-15 -> not started. Total 10.
    // Members: anne.martin admin, benoit.lambert service (2nd mission), david.roux admin
    // (Support), emma.petit service (Attributaire) -> 4; chloe ended.
    // Incubators: xray [dinum, anct], charlie [dinum], echo mtes, foxtrot [anct, mtes],
    // others dinum/anct -> 3. Sponsors: dinum, anct, idfm -> 3. No owner.
    let import = run(&Expect {
        era: "e5-2026",
        at: "2026-08-20",
        layout: LayoutKind::Content,
        vocabulary: Vocabulary::V2026,
        records: (10, 5, 3, 3),
        by_stage: stages(3, 2, 2, 2, 1, 0),
        by_phase: &[
            ("abandon", 1),
            ("abandon-investigation", 1),
            ("acceleration", 1),
            ("consolidation", 1),
            ("construction", 2),
            ("opere", 1),
            ("perennisation", 1),
            ("transfere", 1),
        ],
        active_by_status: &[("admin", 2), ("service", 2)],
        refs: (3, 3, 0),
        read: &["not-markdown idfm"],
        rules: RuleSet::Current,
        // jules.absent, hotel-stop's `contact_incubator`, has no member file.
        check: &[
            "E incubators-list charlie-conso",
            "E unknown-sponsor yankee-transfere",
            "W dangling-contact hotel-stop",
            "W not-markdown idfm",
        ],
    });
    let p = &import.portfolio;
    let xray = p.startup("xray-opere").unwrap();
    assert_eq!(xray.incubators.len(), 2);
    assert_eq!(
        xray.contact_dinum.as_ref().map(|m| m.as_str()),
        Some("anne.martin")
    );
    assert!(xray.extra.is_empty());
    let foxtrot = p.startup("foxtrot-eig").unwrap();
    let contacts: Vec<_> = foxtrot
        .contact_members()
        .map(|(k, m)| (k, m.as_str()))
        .collect();
    assert_eq!(
        contacts,
        [
            ("contact_dinum", "anne.martin"),
            ("contact_incubator", "david.roux")
        ]
    );
    assert_eq!(
        foxtrot.user_types,
        ["particulier", "Agents des préfectures"]
    );
    assert!(
        foxtrot
            .events
            .iter()
            .all(betagouv_portfolio::Event::is_known)
    );
    assert!(p.incubator("mtes").unwrap().hidden);
    assert_eq!(p.startups_of_incubator("mtes").count(), 2);
    let domaines: Vec<_> = p
        .members
        .iter()
        .filter_map(|m| m.domaine.as_deref())
        .collect();
    assert!(domaines.contains(&"Support") && domaines.contains(&"Attributaire"));

    // Active products at 2026-08-20, counted by hand.
    // Stage rule (incubating + in hand-over): echo, foxtrot, hotel, zulu, charlie -> 5.
    // Site rule on the phases started by the date: the same 5 plus xray (opere) -> 6.
    // Site rule on every phase, as the site does: hotel's planned abandon makes it
    // inactive, delta's planned investigation makes it active -> 6, and the date
    // filter changes 2 products (delta, hotel).
    let s = snapshot(p, "2026-08-20");
    assert_eq!(active(&s), (5, 6, 6, 2));
    assert_eq!(
        s.startups.active.get(betagouv_portfolio::ActiveRule::Site),
        6
    );
    // Since 2026-05 the site takes the latest start whatever the date: delta-futur counts
    // (investigation), foxtrot is in acceleration and hotel stopped.
    let latest = Snapshot::compute(
        p,
        date("2026-08-20"),
        &SnapshotOptions::default().with_phase_rule(betagouv_portfolio::PhaseRule::LatestStart),
    );
    assert_eq!(latest.startups.by_stage, stages(3, 2, 2, 3, 0, 0));
    assert_eq!(active(&latest), (5, 6, 6, 2));
    // On 2026-12-01 every planned phase has started: the date filter changes nothing.
    // Hotel has stopped, delta (investigation) and foxtrot (acceleration) are active:
    // echo, foxtrot, delta, zulu, charlie -> 5; with xray -> 6.
    assert_eq!(active(&snapshot(p, "2026-12-01")), (5, 6, 6, 0));
}

/// The active counts of `s`: stage rule, site rule, site rule whatever the date,
/// products the date filter changes.
fn active(s: &Snapshot) -> (usize, usize, usize, usize) {
    let a = &s.startups.active;
    (
        a.stage,
        a.site,
        a.site_latest_start,
        a.site_date_filter_changes,
    )
}
