//! The dashboard's HTML in a real browser (Debian's chromium): the built-in 2016
//! dashboard and a series made from it, rendered headless to PNG and to PDF, then
//! checked with poppler (pdfinfo, pdftotext). Skips with a note when the tools are
//! missing, fails when `BETAGOUV_REQUIRE_EXTERNAL` is set.
//!
//! `BETAGOUV_DASHBOARD_PNG=docs/dashboard-2016.png` keeps the first screen of the
//! 2016 page (the README's screenshot; `scripts/dashboard-screenshot.sh` does it).

use std::path::Path;

use betagouv_portfolio::{Dashboard, DashboardOptions, builtin};
use betagouv_report::Lang;
use betagouv_report::dashboard::{self, SeriesEntry};
use betagouv_tests::require_tool;
use chrono::NaiveDate;

use crate::browser::{chromium, png_size, tool};

fn tools() -> bool {
    require_tool("chromium", &["--version"])
        && require_tool("pdftotext", &["-v"])
        && require_tool("pdfinfo", &["-v"])
}

/// The page printed to PDF: its page count and its text (non-breaking spaces as spaces).
fn pdf(dir: &Path, html: &Path) -> (usize, String) {
    let pdf = dir.join(format!("{}.pdf", html.display()).replace('/', "_"));
    chromium(
        dir,
        html,
        &[
            "--no-pdf-header-footer".to_owned(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let pdf_s = pdf.to_str().expect("utf-8 path");
    let info = String::from_utf8_lossy(&tool("pdfinfo", &[pdf_s])).into_owned();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("page count");
    let text = String::from_utf8_lossy(&tool("pdftotext", &["-layout", pdf_s, "-"]))
        .replace(['\u{a0}', '\u{202f}'], " ");
    (pages, text)
}

#[test]
fn the_2016_dashboard_renders_to_png_and_pdf() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let d = Dashboard::compute(
        &builtin::portfolio_2016(),
        builtin::as_of_2016(),
        &DashboardOptions::default(),
    );
    let html_path = dir.path().join("dashboard.html");
    std::fs::write(&html_path, dashboard::html(&d, Lang::Fr).expect("renders")).expect("writes");

    let png = dir.path().join("dashboard.png");
    chromium(
        dir.path(),
        &html_path,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1100,1500".to_owned(),
            "--hide-scrollbars".to_owned(),
        ],
    );
    let bytes = std::fs::read(&png).expect("png written");
    assert_eq!(png_size(&bytes), (1100, 1500));
    assert!(
        bytes.len() > 40_000,
        "PNG of {} bytes looks blank",
        bytes.len()
    );
    if let Some(keep) = std::env::var_os("BETAGOUV_DASHBOARD_PNG") {
        std::fs::copy(&png, keep).expect("copies the PNG");
    }

    let (pages, text) = pdf(dir.path(), &html_path);
    assert!((3..=20).contains(&pages), "{pages} pages");
    for expected in [
        // The title, wrapped on A4.
        "Tableau de bord de l'incubateur au",
        "31/12/2016",
        "Chiffres clés",
        "Produits par phase",
        "Lancements par année",
        "64,3 % (9 / 14)",
        "Membres actifs par statut",
        "agents publics",
        "Rien à compter à cette date.",
        // The lists to fix are collapsed on screen and printed open.
        "labonneboite",
        "Fiches produit lues",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the PDF text"
        );
    }
}

#[test]
fn a_dashboard_series_renders_to_pdf() {
    if !tools() {
        return;
    }
    let p = builtin::portfolio_2016();
    let dashboards: Vec<Dashboard> = (2014..=2016)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 12, 31))
        .map(|at| Dashboard::compute(&p, at, &DashboardOptions::default()))
        .collect();
    let series: Vec<SeriesEntry<'_>> = dashboards
        .iter()
        .enumerate()
        .map(|(i, d)| {
            SeriesEntry::new(d)
                .with_known_at(Some(d.as_of.to_string()))
                .with_commit(Some(format!("{i}").repeat(40)))
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let html_path = dir.path().join("series.html");
    let html = dashboard::series_html(&series, Lang::En).expect("renders");
    std::fs::write(&html_path, html).expect("writes");
    let (pages, text) = pdf(dir.path(), &html_path);
    assert!((2..=12).contains(&pages), "{pages} pages");
    for expected in [
        "The incubator's dashboard over time",
        "From 2014-12-31 to 2016-12-31, 3 points",
        "Products by phase",
        "construction 14",
        "000000000000",
        "New members by year",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the PDF text"
        );
    }
}
