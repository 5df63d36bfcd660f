//! Both figures parsed as XML: namespace, title, one bar per nonzero bin.

use std::collections::BTreeSet;

use model::baseline::{ScoredEvent, SkipReason};
use report::{ReportInput, build_report};
use roxmltree::{Document, Node};

use crate::fixtures::{constant, scored, skipped};

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

fn scores() -> Vec<ScoredEvent> {
    vec![
        scored("e01", "2026-01-19T09:00:00.000Z", "host-a", 4.0),
        scored("e02", "2026-01-19T09:30:00.000Z", "host-a", -5.0),
        scored("e03", "2026-01-19T10:00:00.000Z", "host-b", 1.0),
        scored("e04", "2026-01-19T11:00:00.000Z", "host-b", 4.2),
        scored("e05", "2026-01-19T09:00:00.000Z", "host-c", -4.0),
        scored("e06", "2026-01-19T23:30:00.000Z", "host-c", 10.0),
        scored("e07", "2026-01-19T05:00:00.000Z", "host-c", -10.0),
        scored("e08", "2026-01-19T05:00:00.000Z", "host-c", 42.0),
        constant("e09", "2026-01-19T10:00:00.000Z", "host-b", 3.0),
        skipped("e10", "2026-01-19T12:00:00.000Z", "host-d", SkipReason::NoBaseline),
    ]
}

/// The nonzero bins of the histogram, computed here from the definition:
/// width 0.5 over [-10, 10], the upper edge in the last bin.
fn expected_bins(scores: &[ScoredEvent]) -> BTreeSet<i64> {
    scores
        .iter()
        .filter_map(|score| score.score)
        .filter(|s| (-10.0..=10.0).contains(s))
        .map(|s| (((s + 10.0) * 2.0).floor() as i64).min(39))
        .collect()
}

fn bars<'a>(document: &'a Document<'a>) -> Vec<Node<'a, 'a>> {
    document
        .descendants()
        .filter(|node| node.has_tag_name((SVG_NAMESPACE, "rect")) && node.attribute("class") == Some("bar"))
        .collect()
}

/// Checks what every figure must be, and returns its parsed document.
fn check_standalone_svg<'a>(svg: &'a str, expect_title: &str) -> Document<'a> {
    let document = Document::parse(svg).unwrap_or_else(|error| panic!("{error}:\n{svg}"));
    let root = document.root_element();
    assert!(
        root.has_tag_name((SVG_NAMESPACE, "svg")),
        "root is {:?}",
        root.tag_name()
    );
    for attribute in ["width", "height", "viewBox"] {
        assert!(root.attribute(attribute).is_some(), "no {attribute}");
    }
    let title = root
        .children()
        .find(|node| node.has_tag_name((SVG_NAMESPACE, "title")))
        .expect("a <title>");
    assert_eq!(title.text(), Some(expect_title));
    for node in document.descendants().filter(|node| node.is_element()) {
        for name in ["x", "y", "width", "height", "x1", "x2", "y1", "y2"] {
            if let Some(value) = node.attribute(name) {
                let number: f64 = value.parse().unwrap_or_else(|_| panic!("{name}={value:?}"));
                assert!(number.is_finite() && number >= 0.0, "{name}={value:?}");
                assert_eq!(
                    value.split_once('.').map(|(_, decimals)| decimals.len()),
                    Some(2),
                    "{name}={value:?}"
                );
            }
        }
    }
    document
}

fn render(title: &str, scores: &[ScoredEvent]) -> report::Report {
    build_report(&ReportInput {
        title,
        provenance: &[],
        scores,
        baselines: &[],
        top_k: 5,
        figure_stem: "fig",
    })
}

#[test]
fn score_distribution_has_one_bar_per_nonzero_bin() {
    let scores = scores();
    let report = render("Figures", &scores);
    let figure = &report.figures[0];
    assert_eq!(figure.file_name, "fig-score-distribution.svg");
    let document = check_standalone_svg(&figure.svg, "Figures: score distribution");
    // 4.0 and 4.2 share a bin; 10.0 joins the last bin; 42.0 is off the plot.
    let expect = expected_bins(&scores);
    assert_eq!(expect.len(), 6);
    assert_eq!(bars(&document).len(), expect.len());
    let thresholds = document
        .descendants()
        .filter(|node| node.attribute("class") == Some("threshold"))
        .count();
    assert_eq!(thresholds, 2, "dashed lines at ±3.5");
    let texts: Vec<&str> = document.descendants().filter_map(|node| node.text()).collect();
    assert!(texts.contains(&"above 10 (not plotted): 1"), "{texts:?}");
    assert!(texts.contains(&"below -10 (not plotted): 0"), "{texts:?}");
    assert!(texts.contains(&"scores per bin (square-root scale)"), "{texts:?}");
}

#[test]
fn the_tallest_bar_fills_the_plot() {
    let report = render("Figures", &scores());
    let document = Document::parse(&report.figures[0].svg).unwrap();
    let heights: Vec<f64> = bars(&document)
        .iter()
        .map(|bar| bar.attribute("height").unwrap().parse().unwrap())
        .collect();
    let tallest = heights.iter().copied().fold(0.0, f64::max);
    assert_eq!(tallest, 260.0, "{heights:?}");
}

#[test]
fn anomalies_by_hour_has_one_bar_per_hour_with_anomalies() {
    let scores = scores();
    let report = render("Figures", &scores);
    let figure = &report.figures[1];
    assert_eq!(figure.file_name, "fig-anomalies-by-hour.svg");
    let document = check_standalone_svg(&figure.svg, "Figures: anomalies by hour of day");
    // Anomalies at 09 (4.0, -5.0, -4.0), 11, 23, 05 (-10 and 42) and 10 (the constant baseline).
    let tooltips: Vec<&str> = bars(&document)
        .iter()
        .map(|bar| bar.children().find_map(|child| child.text()).unwrap())
        .collect();
    assert_eq!(tooltips, ["05h: 2", "09h: 3", "10h: 1", "11h: 1", "23h: 1"]);
    let hour_labels = document
        .descendants()
        .filter(|node| node.has_tag_name((SVG_NAMESPACE, "text")))
        .filter(|node| {
            node.text()
                .is_some_and(|text| text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()))
        })
        .count();
    assert_eq!(hour_labels, 24);
}

#[test]
fn titles_are_escaped_for_xml() {
    let title = r#"A <b> & "c" 'd'"#;
    let report = render(title, &scores());
    check_standalone_svg(&report.figures[0].svg, &format!("{title}: score distribution"));
    check_standalone_svg(&report.figures[1].svg, &format!("{title}: anomalies by hour of day"));
}

#[test]
fn empty_figures_have_no_bars_and_still_parse() {
    let report = render("Empty", &[]);
    let distribution = check_standalone_svg(&report.figures[0].svg, "Empty: score distribution");
    assert!(bars(&distribution).is_empty());
    let by_hour = check_standalone_svg(&report.figures[1].svg, "Empty: anomalies by hour of day");
    assert!(bars(&by_hour).is_empty());
}
