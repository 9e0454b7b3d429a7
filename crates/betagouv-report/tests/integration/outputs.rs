//! What users see: text, Markdown, SVG and HTML of the 2016 report.

use betagouv_report::{ColorMode, Format, Lang, RenderOptions, render};

use crate::common::report_2016;

fn out(format: Format, lang: Lang) -> String {
    render(&report_2016(lang), format, RenderOptions::default()).expect("renders")
}

#[test]
fn text_has_no_colour_unless_asked() {
    let r = report_2016(Lang::Fr);
    let plain = render(&r, Format::Text, RenderOptions::default()).expect("renders");
    assert!(!plain.contains('\u{1b}'));
    let coloured = render(
        &r,
        Format::Text,
        RenderOptions::default().with_color(ColorMode::Ansi),
    )
    .expect("renders");
    assert!(coloured.contains("\u{1b}["));
}

#[test]
fn html_is_self_contained_and_accessible() {
    let html = out(Format::Html, Lang::Fr);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    assert_eq!(html.matches("<h1>").count(), 1);
    for forbidden in [
        "<script",
        "<link",
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
    ] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    let svgs = html.matches("<svg ").count();
    assert!(svgs >= 5, "{svgs} charts");
    assert_eq!(html.matches("role=\"img\"").count(), svgs);
    assert_eq!(html.matches("<desc id=").count(), svgs);
    assert_eq!(html.matches("<figure>").count(), svgs);
    assert!(html.matches("<table>").count() >= svgs);
    assert!(html.contains("@media print"));
    assert!(html.contains("2\u{a0}084\u{a0}035\u{a0}€"));
}

#[test]
fn english_labels() {
    let html = out(Format::Html, Lang::En);
    assert!(html.contains("<html lang=\"en\">") && html.contains("Annual report 2016"));
    let md = out(Format::Markdown, Lang::En);
    assert!(md.starts_with("# Annual report 2016"));
    assert!(md.contains("| services in the portfolio | 33 | 27 | **differs** |"));
}

#[test]
fn text_snapshot() {
    insta::assert_snapshot!("text_fr", out(Format::Text, Lang::Fr));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("markdown_fr", out(Format::Markdown, Lang::Fr));
}

#[test]
fn markdown_en_snapshot() {
    insta::assert_snapshot!("markdown_en", out(Format::Markdown, Lang::En));
}

#[test]
fn svg_snapshots() {
    let html = out(Format::Html, Lang::Fr);
    for id in ["c-stage", "c-funnel", "c-timeline", "c-impact-0"] {
        let start = html
            .find(&format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\""
            ))
            .unwrap_or_else(|| panic!("chart {id}"));
        let end = start + html[start..].find("</svg>").expect("closed") + "</svg>".len();
        // One element per line so that snapshot diffs stay readable.
        let svg = html[start..end].replace("><", ">\n<");
        insta::assert_snapshot!(format!("svg_{id}"), svg);
    }
}

#[test]
fn json_has_every_section() {
    let r = report_2016(Lang::Fr);
    let v: serde_json::Value =
        serde_json::from_str(&betagouv_report::render::json(&r).expect("json")).expect("valid");
    for k in [
        "year",
        "as_of",
        "key_figures",
        "portfolio",
        "budget",
        "impact",
        "claims",
        "problems",
    ] {
        assert!(v.get(k).is_some(), "{k}");
    }
    assert_eq!(v["budget"]["status"], "computed");
    assert_eq!(v["budget"]["total"], "2084035.00");
    assert_eq!(v["budget"]["partner_share_percent"], "55.27");
    assert_eq!(v["impact"]["status"], "computed");
    assert_eq!(v["key_figures"][0]["value"]["unit"], "count");
}

#[test]
fn json_opens_with_the_schema_version() {
    let r = report_2016(Lang::En);
    assert_eq!(r.schema_version, betagouv_report::SCHEMA_VERSION);
    let json = betagouv_report::render::json(&r).expect("json");
    assert!(
        json.starts_with(&format!(
            "{{\n  \"schema_version\": {},\n  \"year\": 2016,",
            betagouv_report::SCHEMA_VERSION
        )),
        "{}",
        &json[..80]
    );
}

#[test]
fn the_report_reads_back_from_its_json() {
    for lang in [Lang::Fr, Lang::En] {
        let r = report_2016(lang);
        let json = betagouv_report::render::json(&r).expect("json");
        let back: betagouv_report::Report = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, r);
        assert_eq!(betagouv_report::render::json(&back).expect("json"), json);
    }
    let d = crate::common::data();
    let json = serde_json::to_string(&d.budget).expect("json");
    let back: betagouv_report::budget::BudgetData = serde_json::from_str(&json).expect("reads");
    assert_eq!(back, d.budget);
}
