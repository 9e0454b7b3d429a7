use std::collections::{BTreeMap, BTreeSet};

use betagouv_portfolio::dashboard::{Coverage, Dashboard, OpenSource};
use betagouv_portfolio::{ActiveRule, StartupId, builtin};
use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::dashboard::tables::{per_mille, share};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
}

fn ids(names: &[&str]) -> Vec<StartupId> {
    names.iter().map(|n| StartupId::new(*n).unwrap()).collect()
}

/// A dashboard with every figure filled, French data, a value that needs quoting in
/// CSV and one that needs escaping in HTML.
fn fixture() -> Dashboard {
    let mut d = Dashboard::empty(day(2025, 12, 31), ActiveRule::Site);
    d.products.total = 12;
    d.products.active = 7;
    d.products.no_phase_started = 1;
    d.products.by_phase = counts(&[
        ("construction", 4),
        ("acceleration", 2),
        ("investigation", 1),
        ("alumni", 3),
        ("success", 1),
    ]);
    d.active_by_incubator = counts(&[("dinum", 5), ("sgmas", 3)]);
    d.incubator_by_phase.insert(
        "dinum".into(),
        counts(&[("construction", 3), ("alumni", 2)]),
    );
    d.incubator_by_phase.insert(
        "sgmas".into(),
        counts(&[("acceleration", 2), ("construction", 1)]),
    );
    d.launches_by_year = [(2019, 2), (2021, 3), (2025, 1)].into_iter().collect();
    d.national_impact_by_year = [(2023, 1)].into_iter().collect();
    d.open_source_by_phase.insert(
        "construction".into(),
        OpenSource {
            with_repository: 3,
            total: 4,
        },
    );
    d.open_source_by_phase.insert(
        "alumni".into(),
        OpenSource {
            with_repository: 1,
            total: 3,
        },
    );
    d.stats_page = Coverage { with: 3, total: 7 };
    d.dashlord = Coverage { with: 5, total: 7 };
    d.accessibility_status = counts(&[("partiellement conforme", 2), ("unknown", 5)]);
    d.by_thematique = counts(&[("Santé", 3), ("Emploi, formation", 2), ("<b>\"x\"</b>", 1)]);
    d.thematique_by_phase.insert(
        "Santé".into(),
        counts(&[("construction", 2), ("acceleration", 1)]),
    );
    d.by_sponsor = counts(&[("dinum", 4), ("ministere-du-travail", 3)]);
    d.members.total = 30;
    d.members.active = 20;
    d.members.no_dated_mission = 2;
    d.members.new_by_year = [(2020, 5), (2024, 9), (2025, 12)].into_iter().collect();
    d.members.active_by_domaine = counts(&[("Développement", 12), ("unspecified", 8)]);
    d.members.active_by_competence = counts(&[("Rust", 3), ("Gestion de projet", 5)]);
    d.members.active_by_status = counts(&[("admin", 6), ("independent", 14)]);
    d.members.starting_later = 1;
    d.members
        .new_by_status
        .insert(2025, counts(&[("admin", 4), ("independent", 8)]));
    d.launches_by_incubator
        .insert(2021, counts(&[("dinum", 2), ("sgmas", 1)]));
    d.stats_page_by_phase
        .insert("construction".into(), Coverage { with: 2, total: 4 });
    d.dashlord_by_phase
        .insert("construction".into(), Coverage { with: 3, total: 4 });
    d.accessibility_status_by_phase
        .insert("construction".into(), counts(&[("unknown", 4)]));
    d.to_fix.no_stats_page = ids(&["a", "b", "c", "d"]);
    d.to_fix.no_dashlord = ids(&["a", "b"]);
    d.to_fix.no_accessibility_status = ids(&["a", "b", "c", "e", "f"]);
    d.definitions = [
        ("products.total", "Start-up records read."),
        ("extra.key", "A key we have no words for."),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    d
}

fn table<'t>(all: &'t [Table], name: &str) -> &'t Table {
    all.iter().find(|t| t.name == name).unwrap()
}

#[test]
fn every_figure_has_a_table_whose_rows_sum_to_it() {
    let d = fixture();
    let all = tables(&d, Lang::Fr);
    let names: Vec<&str> = all.iter().map(|t| t.name).collect();
    assert_eq!(names, TABLE_NAMES);
    let sum = |c: &BTreeMap<String, usize>| c.values().sum::<usize>();
    let nested = |m: &BTreeMap<String, BTreeMap<String, usize>>| m.values().map(sum).sum::<usize>();
    let years = |c: &BTreeMap<i32, usize>| c.values().sum::<usize>();
    let m = &d.members;
    // The key figures' row is checked in `csv_parses_back_with_the_same_cells`.
    let checks: [(&str, &str, usize); 16] = [
        ("products_by_phase", "products", sum(&d.products.by_phase)),
        (
            "active_by_incubator",
            "products_active",
            sum(&d.active_by_incubator),
        ),
        (
            "incubator_by_phase",
            "products",
            nested(&d.incubator_by_phase),
        ),
        ("launches_by_year", "products", years(&d.launches_by_year)),
        (
            "national_impact_by_year",
            "products",
            years(&d.national_impact_by_year),
        ),
        ("open_source_by_phase", "with_repository", 4),
        ("open_source_by_phase", "total", 7),
        ("stats_page", "with", 3),
        ("dashlord", "total", 7),
        (
            "accessibility_status",
            "products_active",
            sum(&d.accessibility_status),
        ),
        ("by_thematique", "products_active", sum(&d.by_thematique)),
        (
            "thematique_by_phase",
            "products",
            nested(&d.thematique_by_phase),
        ),
        ("by_sponsor", "products_active", sum(&d.by_sponsor)),
        ("members_new_by_year", "members", years(&m.new_by_year)),
        (
            "members_active_by_domaine",
            "members_active",
            sum(&m.active_by_domaine),
        ),
        (
            "members_active_by_status",
            "members_active",
            sum(&m.active_by_status),
        ),
    ];
    for (name, column, expected) in checks {
        assert_eq!(table(&all, name).sum(column), expected, "{name}.{column}");
    }
    assert_eq!(
        table(&all, "members_active_by_competence").sum("members_active"),
        sum(&m.active_by_competence)
    );
    let fix = &d.to_fix;
    assert_eq!(
        table(&all, "to_fix").rows.len(),
        fix.no_stats_page.len() + fix.no_dashlord.len() + fix.no_accessibility_status.len()
    );
    assert_eq!(table(&all, "definitions").rows.len(), d.definitions.len());
    for t in &all {
        assert_eq!(t.columns[0].key, "as_of", "{}", t.name);
        for r in &t.rows {
            assert_eq!(r.len(), t.columns.len(), "{}", t.name);
            assert_eq!(r[0], Cell::Date(d.as_of));
        }
    }
}

#[test]
fn an_empty_dashboard_has_every_table_and_only_the_key_figures_row() {
    let d = Dashboard::empty(day(2016, 12, 31), ActiveRule::Stage);
    let all = tables(&d, Lang::En);
    assert_eq!(all.len(), TABLE_NAMES.len());
    for t in &all {
        let expected = match t.name {
            "key_figures" | "stats_page" | "dashlord" => 1,
            _ => 0,
        };
        assert_eq!(t.rows.len(), expected, "{}", t.name);
    }
    assert_eq!(table(&all, "stats_page").rows[0][3].machine(), "");
}

fn parse(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_parses_back_with_the_same_cells() {
    for lang in Lang::ALL {
        for t in tables(&fixture(), lang) {
            let text = t.to_csv().unwrap();
            assert!(text.ends_with("\r\n"), "{}", t.name);
            let (header, rows) = parse(&text);
            let keys: Vec<&str> = t.columns.iter().map(|c| c.key).collect();
            assert_eq!(header, keys, "{}", t.name);
            let cells: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| r.iter().map(Cell::machine).collect())
                .collect();
            assert_eq!(rows, cells, "{}", t.name);
        }
    }
    let t = tables(&fixture(), Lang::En);
    let themes = table(&t, "by_thematique").to_csv().unwrap();
    assert!(themes.contains("\"Emploi, formation\""), "{themes}");
    assert!(
        themes.starts_with("as_of,thematique,products_active\r\n"),
        "{themes}"
    );
    let key = table(&t, "key_figures").to_csv().unwrap();
    assert!(
        key.ends_with("2025-12-31,site,12,7,1,30,20,2,1\r\n"),
        "{key}"
    );
    let fr = tables(&fixture(), Lang::Fr);
    let os = table(&fr, "open_source_by_phase").to_csv().unwrap();
    assert!(
        os.starts_with("as_of,phase,with_repository,total,share_percent\r\n"),
        "{os}"
    );
    assert!(
        os.contains("construction,3,4,75.0\r\n") && os.contains("alumni,1,3,33.3\r\n"),
        "{os}"
    );
}

#[test]
fn shares_round_half_up_in_tenths() {
    assert_eq!(per_mille(1, 3), Some(333));
    assert_eq!(per_mille(2, 3), Some(667));
    assert_eq!(per_mille(1, 8), Some(125));
    assert_eq!(per_mille(0, 0), None);
    assert_eq!(share(1, 8, Lang::Fr), "12,5\u{a0}%");
    assert_eq!(share(1, 8, Lang::En), "12.5\u{a0}%");
    assert_eq!(share(0, 0, Lang::En), "–");
}

#[test]
fn series_tables_are_the_points_tables_with_the_point_columns() {
    let (a, mut b) = (fixture(), fixture());
    b.as_of = day(2026, 12, 31);
    b.products.by_phase.insert("opere".into(), 2);
    let series = [
        SeriesEntry::new(&a)
            .with_known_at(Some("2025-12-31".into()))
            .with_commit(Some("abc".into())),
        SeriesEntry::new(&b).with_dropped(3),
    ];
    let all = series_tables(&series, Lang::En);
    assert_eq!(all.iter().map(|t| t.name).collect::<Vec<_>>(), TABLE_NAMES);
    let (ta, tb) = (tables(&a, Lang::En), tables(&b, Lang::En));
    for (t, (one, two)) in all.iter().zip(ta.iter().zip(&tb)) {
        let keys: Vec<&str> = t.columns.iter().map(|c| c.key).collect();
        assert_eq!(
            &keys[..4],
            ["as_of", "known_at", "commit", "dropped"],
            "{}",
            t.name
        );
        assert_eq!(keys.len(), one.columns.len() + 3);
        assert_eq!(t.rows.len(), one.rows.len() + two.rows.len(), "{}", t.name);
        assert_eq!(t.sum("dropped"), two.rows.len() * 3, "{}", t.name);
    }
    let phases = table(&all, "products_by_phase");
    assert_eq!(phases.sum("products"), 11 + 11 + 2);
    let text = phases.to_csv().unwrap();
    assert!(
        text.starts_with("as_of,known_at,commit,dropped,phase,products\r\n"),
        "{text}"
    );
    assert!(
        text.contains("2025-12-31,2025-12-31,abc,0,acceleration,2\r\n"),
        "{text}"
    );
    assert!(text.contains("2026-12-31,,,3,opere,2\r\n"), "{text}");
}

/// Every value of attribute `attr` in `html`.
fn attrs<'h>(html: &'h str, attr: &str) -> Vec<&'h str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// The accessibility rules both pages follow.
fn check_page(html: &str, lang: Lang) {
    assert!(html.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{}\">", lang.code())));
    assert_eq!(html.matches("<h1>").count(), 1);
    // No external request, no script.
    for banned in ["<script", "<link", " src=", "url(http", "@import"] {
        assert!(!html.contains(banned), "{banned}");
    }
    // Ids are unique; every aria-labelledby names ids that exist.
    let ids = attrs(html, "id");
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    for refs in attrs(html, "aria-labelledby") {
        for r in refs.split(' ') {
            assert!(unique.contains(r), "aria-labelledby {r} names no element");
        }
    }
    // One unique caption per table; every scroll box named by its caption, reachable.
    let tables = html.matches("<table>").count();
    let captions: Vec<&str> = html
        .split("<caption")
        .skip(1)
        .filter_map(|s| {
            s.split_once('>')
                .and_then(|(_, r)| r.split_once("</caption>"))
                .map(|c| c.0)
        })
        .collect();
    assert_eq!(captions.len(), tables);
    assert_eq!(
        captions.iter().collect::<BTreeSet<_>>().len(),
        tables,
        "{captions:?}"
    );
    assert_eq!(
        html.matches("role=\"region\" tabindex=\"0\" aria-labelledby=\"cap-")
            .count(),
        tables
    );
    // Every chart: role img, a title and a desc that is not the title.
    let svgs: Vec<&str> = html.split("<svg").skip(1).collect();
    assert!(!svgs.is_empty());
    for s in &svgs {
        assert!(s.contains("role=\"img\""));
        let title = s
            .split("-title\">")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .unwrap();
        let desc = s
            .split("-desc\">")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .unwrap();
        assert!(
            !title.is_empty() && desc.len() > title.len() && desc != title,
            "{title} / {desc}"
        );
        assert!(s.contains("font-size=\"14\""));
    }
    assert!(tables >= svgs.len(), "a data table beside every chart");
}

#[test]
fn the_page_is_accessible_in_both_languages() {
    let d = fixture();
    for lang in Lang::ALL {
        let html = html(&d, lang).unwrap();
        check_page(&html, lang);
        assert!(html.contains("<details"), "to_fix lists are collapsible");
        assert!(html.contains("&lt;b&gt;&quot;x&quot;&lt;/b&gt;") && !html.contains("<b>\"x\""));
    }
    let fr = html(&d, Lang::Fr).unwrap();
    assert!(fr.contains("Tableau de bord de l&#39;incubateur au 31/12/2025"));
    assert!(fr.contains("42,9\u{a0}%") && fr.contains("71,4\u{a0}%"));
    assert!(fr.contains("agents publics") && fr.contains("inconnu"));
    // Our French definitions, then the dashboard's (English), marked.
    assert!(fr.contains("Fiches produit lues, quelles que soient leurs phases."));
    assert!(fr.contains("<div lang=\"en\"><dl><dt><code>extra.key</code>"));
    assert!(fr.contains("<dd lang=\"en\">A key we have no words for.</dd>"));
    assert_eq!(
        fr.matches(" lang=\"fr\"").count(),
        1,
        "only the page is French"
    );
    let en = html(&d, Lang::En).unwrap();
    assert!(en.contains("The incubator&#39;s dashboard as of 2025-12-31"));
    // French data marked in the English page: phases, themes, statuses; not English phases.
    for marked in [
        "<th scope=\"row\" lang=\"fr\">construction</th>",
        "<th scope=\"row\" lang=\"fr\">Santé</th>",
        "<th scope=\"row\" lang=\"fr\">partiellement conforme</th>",
        "lang=\"fr\">Santé</text>",
    ] {
        assert!(en.contains(marked), "{marked}");
    }
    assert!(en.contains("<th scope=\"row\">success</th>"));
    assert!(en.contains("<th scope=\"row\">civil servants</th>"));
    // The English page shows the dashboard's own definitions, not ours.
    assert!(en.contains("Start-up records read.") && !en.contains("whatever their phases"));
    assert_eq!(
        en.matches(" lang=\"en\"").count(),
        1,
        "only the page is marked English"
    );
}

#[test]
fn the_page_of_an_empty_dashboard_says_so() {
    let d = Dashboard::empty(day(2016, 12, 31), ActiveRule::Stage);
    let en = html(&d, Lang::En).unwrap();
    check_page(&en, Lang::En);
    assert!(en.contains("Nothing to count at this date."));
    assert!(en.contains("No active product concerned."));
    // Our definitions when the dashboard has none.
    assert!(en.contains("whatever their phases"));
    assert!(en.contains("stage (our stage table)"));
}

#[test]
fn the_series_page_draws_lines_with_tables() {
    let (a, mut b) = (fixture(), fixture());
    b.as_of = day(2026, 12, 31);
    b.products.by_phase.insert("opere".into(), 2);
    let series = [
        SeriesEntry::new(&a).with_commit(Some("0123456789abcdef".into())),
        SeriesEntry::new(&b).with_dropped(3),
    ];
    for lang in Lang::ALL {
        let html = series_html(&series, lang).unwrap();
        check_page(&html, lang);
        assert!(html.contains("<path d=\"M"), "lines");
        assert!(html.contains("<code>0123456789ab</code>"));
    }
    let fr = series_html(&series, Lang::Fr).unwrap();
    assert!(fr.contains("Du 31/12/2025 au 31/12/2026, 2 points"));
    let en = series_html(&series, Lang::En).unwrap();
    assert!(en.contains("<th scope=\"col\" lang=\"fr\">opere</th>"));
    let empty = series_html(&[], Lang::En).unwrap();
    assert!(empty.contains("Nothing to count at this date.") && empty.ends_with("</html>\n"));
}

#[test]
fn the_text_is_aligned_and_translated() {
    let en = text(&fixture(), Lang::En);
    assert!(en.starts_with("The incubator's dashboard as of 2025-12-31\n"));
    assert!(
        en.contains("  product records                           12\n"),
        "{en}"
    );
    assert!(en.contains("  Public statistics page (active products)  3 / 7 (42.9\u{a0}%)\n"));
    assert!(
        en.contains("  construction                   3       4      75.0\u{a0}%\n"),
        "{en}"
    );
    assert!(
        en.contains("  no statistics page (4):\n    a, b, c, d\n"),
        "{en}"
    );
    assert!(!en.contains(" : "));
    let fr = text(&fixture(), Lang::Fr);
    assert!(
        fr.contains("  sans page de statistiques (4) :\n    a, b, c, d\n"),
        "{fr}"
    );
    assert!(
        fr.contains("  Fiches produit lues")
            || fr.contains("  products.total : Fiches produit lues"),
        "{fr}"
    );
}

#[test]
fn the_built_in_2016_dashboard_renders() {
    let p = builtin::portfolio_2016();
    let d = Dashboard::compute(&p, builtin::as_of_2016(), &Default::default());
    let all = tables(&d, Lang::Fr);
    assert_eq!(table(&all, "products_by_phase").sum("products"), 27);
    assert_eq!(table(&all, "launches_by_year").sum("products"), 14);
    let html = html(&d, Lang::Fr).unwrap();
    check_page(&html, Lang::Fr);
    assert!(html.contains("Tableau de bord de l&#39;incubateur au 31/12/2016"));
    assert!(html.contains("64,3\u{a0}% (9 / 14)"));
}

proptest! {
    #[test]
    fn any_counts_round_trip_through_csv_and_render(
        phases in proptest::collection::btree_map("[ -~éà,\"\n]{0,12}", 0usize..1000, 0..20),
    ) {
        let mut d = Dashboard::empty(day(2020, 1, 1), ActiveRule::Site);
        d.products.by_phase = phases.clone();
        d.by_sponsor = phases.clone();
        let all = tables(&d, Lang::En);
        let t = table(&all, "products_by_phase");
        let (_, rows) = parse(&t.to_csv().unwrap());
        let back: BTreeMap<String, usize> = rows.iter().map(|r| (r[1].clone(), r[2].parse().unwrap())).collect();
        prop_assert_eq!(back, phases);
        let html = html(&d, Lang::En).unwrap();
        prop_assert!(html.ends_with("</html>\n"));
        let _ = text(&d, Lang::Fr);
    }
}

#[test]
fn the_series_text_has_one_row_per_point() {
    let (a, mut b) = (fixture(), fixture());
    b.as_of = day(2026, 12, 31);
    b.products.active = 9;
    let series = [
        SeriesEntry::new(&a).with_commit(Some("abc".into())),
        SeriesEntry::new(&b).with_dropped(3),
    ];
    let fr = series_text(&series, Lang::Fr);
    assert!(
        fr.starts_with("Tableau de bord de l'incubateur dans le temps\n"),
        "{fr}"
    );
    let rows: Vec<&str> = fr.lines().filter(|l| l.contains("31/12/202")).collect();
    assert_eq!(
        rows.len(),
        6,
        "key figures, statistics page, Dashlord: {fr}"
    );
    assert!(rows[0].contains(" abc ") && rows[1].contains(" 9 "), "{fr}");
}

#[test]
fn control_characters_of_the_data_are_escaped() {
    let mut d = fixture();
    d.by_thematique.insert("a\u{1b}[31mb".into(), 1);
    d.definitions.insert("x".into(), "bell\u{7}".into());
    let text = text(&d, Lang::En);
    let html = html(&d, Lang::En).unwrap();
    for out in [&text, &html] {
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'));
        assert!(out.contains("a\\u{1b}[31mb"));
    }
    assert!(text.contains("bell\\u{7}"));
}

#[test]
fn the_breakdowns_have_tables_that_sum_to_them() {
    let d = fixture();
    let all = tables(&d, Lang::En);
    let nested = |m: &BTreeMap<String, BTreeMap<String, usize>>| -> usize {
        m.values().flat_map(|c| c.values()).sum()
    };
    let by_year = |m: &BTreeMap<i32, BTreeMap<String, usize>>| -> usize {
        m.values().flat_map(|c| c.values()).sum()
    };
    let coverage = |m: &BTreeMap<String, Coverage>| -> (usize, usize) {
        m.values()
            .fold((0, 0), |(w, t), c| (w + c.with, t + c.total))
    };
    let launches = table(&all, "launches_by_incubator");
    assert_eq!(launches.sum("products"), by_year(&d.launches_by_incubator));
    assert_eq!(launches.rows[0][1], Cell::Text("2021".into()));
    let status = table(&all, "members_new_by_status");
    assert_eq!(status.sum("members"), by_year(&d.members.new_by_status));
    let a11y = table(&all, "accessibility_status_by_phase");
    assert_eq!(
        a11y.sum("products"),
        nested(&d.accessibility_status_by_phase)
    );
    for (name, m) in [
        ("stats_page_by_phase", &d.stats_page_by_phase),
        ("dashlord_by_phase", &d.dashlord_by_phase),
    ] {
        let t = table(&all, name);
        assert_eq!((t.sum("with"), t.sum("total")), coverage(m), "{name}");
    }
    let html = html(&d, Lang::En).unwrap();
    for caption in [
        "Data: Launches by year and incubator",
        "Data: Accessibility status by phase",
        "Data: New members by year and status",
        "Data: Public statistics page, by phase",
    ] {
        assert!(html.contains(caption), "{caption}");
    }
    // Member statuses translated in the crosstab's header.
    assert!(html.contains("<th scope=\"col\">civil servants</th>"));
}
