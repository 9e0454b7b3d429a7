//! Accessibility of the HTML pages (RGAA 4.1 / WCAG 2.1 AA): axe-core in headless
//! Chromium at 1,280 and 320 px (`scripts/axe.mjs`, its node modules found through
//! `BETAGOUV_AXE_MODULES`, which `.ci/run` sets), and the checks axe cannot make,
//! asserted from the page itself. Skips with a note when node, the modules or
//! chromium are missing; fails when `BETAGOUV_REQUIRE_EXTERNAL` is set.
//!
//! A new page is checked with [`assert_axe_clean`] (the browser checks) and
//! [`assert_hand_checks`] (the page's text).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use super::betagouv;

/// The viewport widths every page is checked at.
const WIDTHS: [u64; 2] = [1280, 320];

/// The harness script.
fn script() -> PathBuf {
    betagouv_tests::workspace_root().join("scripts/axe.mjs")
}

/// Whether the harness runs here (`node scripts/axe.mjs --version`: node, axe-core,
/// puppeteer-core and chromium all there), with the skip note or the failure of the
/// workspace's convention ([`betagouv_tests::require_tool`]).
#[allow(clippy::print_stderr)] // the skip note of that convention
fn axe_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let out = std::process::Command::new("node")
            .arg(script())
            .arg("--version")
            .output();
        let ok = out.as_ref().is_ok_and(|o| o.status.success());
        if !ok {
            let why = out.map_or_else(
                |e| e.to_string(),
                |o| String::from_utf8_lossy(&o.stderr).into_owned(),
            );
            assert!(
                !betagouv_tests::external_required(),
                "BETAGOUV_REQUIRE_EXTERNAL is set but the axe harness does not run (node, BETAGOUV_AXE_MODULES with axe-core and puppeteer-core, chromium): {why}"
            );
            eprintln!(
                "note: skipped, the axe harness needs node, chromium and BETAGOUV_AXE_MODULES (a node_modules folder with axe-core and puppeteer-core; see .ci/run): {why}"
            );
        }
        ok
    })
}

/// axe-core (tags wcag2a, wcag2aa, wcag21a, wcag21aa, best-practice) finds no
/// violation in the page `html` at 1,280 and at 320 px; at both widths the page does
/// not scroll sideways and no chart text is drawn smaller than 12 px. Returns without
/// checking (after a note) when the harness cannot run and external tools are not
/// required.
pub(crate) fn assert_axe_clean(html: &Path) {
    if !axe_available() {
        return;
    }
    let widths = WIDTHS.map(|w| w.to_string()).join(",");
    let out = std::process::Command::new("node")
        .arg(script())
        .args(["--width", &widths])
        .arg(html)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "axe.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_str(&stdout).expect("axe.mjs prints JSON");
    assert_eq!(results.len(), WIDTHS.len(), "{stdout}");
    for (r, width) in results.iter().zip(WIDTHS) {
        assert_eq!(r["width"], width);
        assert_eq!(
            r["violations"].as_array().map(Vec::len),
            Some(0),
            "{}: axe violations at {width} px: {}",
            html.display(),
            serde_json::to_string_pretty(&r["violations"]).unwrap_or_default()
        );
        assert_eq!(
            r["scrollWidth"],
            width,
            "{}: the page scrolls sideways at {width} px",
            html.display()
        );
        if let Some(px) = r["minChartFontPx"].as_f64() {
            assert!(
                px >= 12.0,
                "{}: chart text of {px} px at {width} px",
                html.display()
            );
        }
    }
    assert_eq!(out.status.code(), Some(0));
}

/// The texts of every `open … close` span of `html`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open)
        .skip(1)
        .filter_map(|rest| rest.split(close).next())
        .collect()
}

/// The checks of a read by hand that the page's text can prove: table captions and
/// region names unique; every table in a scroll box, and every scroll box (tables and
/// charts) a named region the keyboard reaches; no empty table; chart text of 12
/// units at least, and charts kept 720 px wide at least on screen.
pub(crate) fn assert_hand_checks(html: &str) {
    let mut seen = BTreeMap::new();
    for caption in between(html, "<caption>", "</caption>") {
        *seen.entry(caption).or_insert(0) += 1;
    }
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "captions repeated: {repeated:?}");
    let tables = html.matches("<table>").count();
    let boxes = between(html, "<div class=\"scroll\"", ">");
    assert_eq!(boxes.len(), tables, "every table in a scroll box");
    let charts = between(html, "<div class=\"chart\"", ">");
    assert_eq!(
        charts.len(),
        html.matches("<svg").count(),
        "every chart in a scroll box"
    );
    let mut names = BTreeMap::new();
    for b in boxes.iter().chain(&charts) {
        assert!(
            b.contains(" role=\"region\"") && b.contains(" tabindex=\"0\""),
            "a scroll box the keyboard reaches: {b}"
        );
        let name = between(b, "aria-label=\"", "\"");
        assert!(
            name.first().is_some_and(|n| !n.is_empty()),
            "a named scroll box: {b}"
        );
        *names.entry(name[0]).or_insert(0) += 1;
    }
    let repeated: Vec<_> = names.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "region names repeated: {repeated:?}");
    assert!(!html.contains("<tbody></tbody>"), "an empty table");
    for size in between(html, "font-size=\"", "\"") {
        let px: f64 = size.parse().expect("a font size in user units");
        assert!(px >= 12.0, "chart text of {px} units");
    }
    assert!(html.contains(".chart svg{display:block;width:100%;min-width:720px"));
}

/// `betagouv report --format html` with `args`, written to `dir/name`: the page's
/// path and text.
fn report_html(dir: &Path, name: &str, args: &[&str]) -> (PathBuf, String) {
    let path = dir.join(name);
    betagouv()
        .args(["report", "--format", "html", "--out"])
        .arg(&path)
        .args(args)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).expect("the page is written");
    (path, text)
}

/// The 2016 report (built-in data) in French and in English: axe finds nothing at
/// either width, and the hand-check items hold, language changes marked included.
#[test]
fn report_2016_is_accessible_in_both_languages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (fr_path, fr) = report_html(dir.path(), "fr.html", &["--lang", "fr"]);
    let (en_path, en) = report_html(dir.path(), "en.html", &["--lang", "en"]);
    for html in [&fr, &en] {
        assert_hand_checks(html);
        // The verdicts are not empty, their table has rows.
        assert!(html.contains("<td class=\"v-differs\">"));
    }
    assert!(fr.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    // English in the French page: the impact file's note, and the raw phase names.
    assert!(fr.contains("<dd><span lang=\"en\">published as"), "note");
    assert!(fr.contains("<td><span lang=\"en\">success</span> (repris)</td>"));
    assert!(fr.contains("<td>passation (en passation)</td>"));
    // French in the English page: the source's title, and the French phase name.
    assert!(en.contains("<span lang=\"fr\">Rapport d&#39;activité 2016 beta.gouv.fr</span>"));
    assert!(en.contains("<td><span lang=\"fr\">passation</span> (in hand-over)</td>"));
    assert!(en.contains("<td>success (taken over)</td>"));
    // Unique captions where six tables were "Données du graphique".
    assert!(fr.contains("<caption>Données du graphique : Services par étape</caption>"));
    assert!(en.contains("<caption>Chart data: Services by stage</caption>"));
    // The chart's description gives the data, not its caption again.
    assert!(fr.contains("<desc id=\"c-stage-desc\">en incubation : 25 ; en passation : 1 ; repris : 1 ; arrêté : 0.</desc>"));
    assert_axe_clean(&fr_path);
    assert_axe_clean(&en_path);
}

/// A report of the shared 2025 snapshot: axe finds nothing at either width; the long
/// timeline comes in collapsible parts of 40 services, each chart with its own axis,
/// and its long table collapsible; the empty check of published figures says so.
#[test]
fn report_2025_is_accessible() {
    let Some(content) = betagouv_tests::shared_data("betagouv-content/2025-12-31") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let content = content.to_str().expect("utf-8");
    let (path, html) = report_html(
        dir.path(),
        "2025.html",
        &["--content", content, "--at", "2025-12-31"],
    );
    assert_hand_checks(&html);
    assert!(html.contains("Aucun chiffre publié à vérifier pour cette année."));
    let parts = between(
        &html,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"c-timeline",
        "</svg>",
    );
    assert!(parts.len() > 5, "{} parts", parts.len());
    assert_eq!(html.matches("<details open><summary>Frise").count(), 1);
    assert_eq!(
        html.matches("<details><summary>Frise").count(),
        parts.len() - 1
    );
    // Each part has the whole year axis: the first part's years, in every part.
    let years = between(parts[0], "text-anchor=\"middle\" fill=\"#161616\">", "<");
    assert!(years.len() > 5, "{years:?}");
    for part in &parts {
        for year in &years {
            assert!(part.contains(&format!(">{year}</text>")), "{year}");
        }
        assert!(part.contains("<rect"));
    }
    assert!(html.contains("<details><summary>Données du graphique : Frise"));
    assert!(html.contains(" services entrés dans l&#39;année</summary><ul>"));
    assert_axe_clean(&path);
}
