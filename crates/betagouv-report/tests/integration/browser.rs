//! The HTML report in a real browser (Debian's chromium): rendered headless to PNG
//! and to PDF, then checked with poppler (pdfinfo, pdftotext, pdftoppm). Skips with a
//! note when the tools are missing, fails when `BETAGOUV_REQUIRE_EXTERNAL` is set.

use std::path::Path;
use std::process::Command;

use betagouv_report::{Format, Lang, RenderOptions, render};
use betagouv_tests::require_tool;

use crate::common::report_2016_with_history;

const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

pub(crate) fn chromium(dir: &Path, html: &Path, extra: &[String]) {
    let profile = dir.join(format!("profile-{}", extra.len()));
    let out = Command::new("chromium")
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {:?}", out);
}

pub(crate) fn tool(name: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(name).args(args).output().expect("tool runs");
    assert!(out.status.success(), "{name} {args:?} failed: {out:?}");
    out.stdout
}

/// Width, height of a PNG (IHDR) after checking its signature.
pub(crate) fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Distinct colours and share of non-white pixels of a binary PPM (P6, maxval 255).
fn ppm_stats(bytes: &[u8]) -> (usize, f64) {
    // Header: "P6\n<w> <h>\n255\n" (pdftoppm writes exactly this shape).
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let pixels = &bytes[i + 1..];
    let mut colours = std::collections::HashSet::new();
    let mut non_white = 0usize;
    for p in pixels.chunks_exact(3) {
        colours.insert((p[0], p[1], p[2]));
        if p != [255, 255, 255] {
            non_white += 1;
        }
    }
    (
        colours.len(),
        non_white as f64 / (pixels.len() / 3).max(1) as f64,
    )
}

#[test]
fn html_report_renders_to_png_and_pdf() {
    if !require_tool("chromium", &["--version"])
        || !require_tool("pdftotext", &["-v"])
        || !require_tool("pdfinfo", &["-v"])
        || !require_tool("pdftoppm", &["-v"])
    {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let html_path = dir.path().join("report.html");
    // With the history section, so that its charts pass the same checks.
    let report = report_2016_with_history(Lang::Fr);
    let html = render(&report, Format::Html, RenderOptions::default()).expect("renders");
    std::fs::write(&html_path, html).expect("writes html");

    // PNG: the first screen, not blank.
    let png = dir.path().join("report.png");
    chromium(
        dir.path(),
        &html_path,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1200,1600".to_owned(),
            "--hide-scrollbars".to_owned(),
        ],
    );
    let bytes = std::fs::read(&png).expect("png written");
    assert_eq!(png_size(&bytes), (1200, 1600));
    // A blank page compresses to a few kilobytes; text, tiles and charts do not.
    assert!(
        bytes.len() > 50_000,
        "PNG of {} bytes looks blank",
        bytes.len()
    );
    if let Some(keep) = std::env::var_os("BETAGOUV_REPORT_PNG") {
        std::fs::copy(&png, keep).expect("copies the PNG");
    }

    // PDF: A4 pages, tagged, the key figures in its text, pages not blank.
    let pdf = dir.path().join("report.pdf");
    chromium(
        dir.path(),
        &html_path,
        &[
            "--no-pdf-header-footer".to_owned(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let pdf_s = pdf.to_str().expect("utf-8 path");
    let info = String::from_utf8_lossy(&tool("pdfinfo", &[pdf_s])).into_owned();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let pages: usize = field("Pages:").parse().expect("page count");
    assert!((6..=12).contains(&pages), "{pages} pages");
    assert!(
        field("Page size:").contains("(A4)"),
        "A4: {}",
        field("Page size:")
    );
    assert_eq!(field("Tagged:"), "yes");

    let text = String::from_utf8_lossy(&tool("pdftotext", &["-layout", pdf_s, "-"]))
        .replace(['\u{a0}', '\u{202f}'], " ");
    for expected in [
        "Rapport d'activité 2016",
        "2 084 035 €",
        "1 151 920 €",
        "55,27 %",
        "Chiffres clés",
        "Vérification des chiffres publiés",
        "Les chiffres publiés dans l'historique du dépôt",
        "connu à la publication",
        "différent",
        "cohérent",
        "conforme",
        "+2,1",
        "+10,5 %",
        "La Bonne Boîte",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the PDF text"
        );
    }

    let prefix = dir.path().join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "30",
            "-f",
            "1",
            "-l",
            "1",
            pdf_s,
            prefix.to_str().expect("utf-8"),
        ],
    );
    let page = std::fs::read_dir(dir.path())
        .expect("lists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "ppm"))
        .expect("a page image");
    let (colours, ink) = ppm_stats(&std::fs::read(page).expect("reads ppm"));
    assert!(colours > 50, "{colours} colours");
    assert!(ink > 0.05, "{ink} of the page is not white");
}
