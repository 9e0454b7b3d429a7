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

fn with_history(format: Format, lang: Lang) -> String {
    render(
        &crate::common::report_2016_with_history(lang),
        format,
        RenderOptions::default(),
    )
    .expect("renders")
}

#[test]
fn history_text_snapshot() {
    let text = with_history(Format::Text, Lang::Fr);
    let part = &text[text
        .find("Les chiffres publiés dans")
        .expect("history section")..];
    insta::assert_snapshot!("history_text_fr", part);
}

#[test]
fn history_markdown_snapshots() {
    for (lang, name) in [
        (Lang::Fr, "history_markdown_fr"),
        (Lang::En, "history_markdown_en"),
    ] {
        let md = with_history(Format::Markdown, lang);
        let heading = format!("\n### {}", lang.labels().history);
        let part = &md[md.find(&heading).expect("history heading")..];
        let part = &part[..part.find("\n## ").unwrap_or(part.len())];
        insta::assert_snapshot!(name, part);
    }
}

#[test]
fn history_charts_for_the_claims_that_differ_today() {
    let html = with_history(Format::Html, Lang::Fr);
    // Today (built-in data): people 27, services 27, taken over 1, in hand-over 1
    // all differ from the published figures, so each gets its chart.
    for key in ["people", "services", "taken_over", "in_handover"] {
        assert!(html.contains(&format!("id=\"c-history-{key}\"")), "{key}");
    }
    let svgs = html.matches("<svg ").count();
    assert_eq!(html.matches("role=\"img\"").count(), svgs);
    assert_eq!(html.matches("<desc id=").count(), svgs);
    assert_eq!(html.matches("<figure>").count(), svgs);
    assert!(!html.contains("<script") && !html.contains("href=\"http"));
    // The second verdict beside the first, and the intervals in the table.
    assert!(html.contains("connu à la publication"));
    assert!(html.contains("20/04/2017 13:00 → 15/05/2017 11:24"));
    assert!(html.contains("20/08/2026 11:22 → dernier commit lu"));
    // Without a history, nothing of it.
    let plain = out(Format::Html, Lang::Fr);
    assert!(!plain.contains("c-history-") && !plain.contains("historique"));
}

#[test]
fn history_svg_snapshot() {
    let html = with_history(Format::Html, Lang::En);
    let id = "c-history-services";
    let start = html
        .find(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\""
        ))
        .expect("chart");
    let end = start + html[start..].find("</svg>").expect("closed") + "</svg>".len();
    let svg = html[start..end].replace("><", ">\n<");
    // DSFR colours only: blue France line, red Marianne published value.
    assert!(svg.contains("stroke=\"#000091\"") && svg.contains("stroke=\"#E1000F\""));
    insta::assert_snapshot!("svg_c-history-services", svg);
}

#[test]
fn history_json_reads_back() {
    let r = crate::common::report_2016_with_history(Lang::En);
    let json = betagouv_report::render::json(&r).expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid");
    assert_eq!(v["schema_version"], 3);
    let h = &v["history"];
    assert_eq!(h["published_at"], "2017-04-26");
    assert_eq!(h["claims"][1]["claim"], "services");
    assert_eq!(h["claims"][1]["verdict_at_publication"], "matches");
    assert_eq!(h["claims"][1]["at_publication"]["value"], 33);
    assert_eq!(h["claims"][1]["equal"].as_array().map(Vec::len), Some(2));
    assert!(h["claims"][1]["equal"][1]["to"].is_null());
    assert_eq!(h["claims"][2]["verdict_at_publication"], "differs");
    assert_eq!(h["claims"][2]["equal"].as_array().map(Vec::len), Some(0));
    let back: betagouv_report::Report = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, r);
    // Without a repository, `history` is null.
    let plain = betagouv_report::render::json(&crate::common::report_2016(Lang::En)).expect("json");
    let v: serde_json::Value = serde_json::from_str(&plain).expect("valid");
    assert!(v["history"].is_null());
}
