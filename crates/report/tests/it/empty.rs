//! No scores and no baselines: every section still renders, with no NaN or infinity.

use report::{ReportInput, build_report};

use crate::fixtures::{assert_no_non_finite, section, table_rows};

#[test]
fn empty_input_renders_every_section() {
    let report = build_report(&ReportInput {
        title: "Nothing yet",
        provenance: &[],
        scores: &[],
        baselines: &[],
        top_k: 10,
        figure_stem: "empty",
    });
    let markdown = &report.markdown;
    assert!(markdown.starts_with("# Nothing yet\n"));
    assert!(markdown.contains("no score records were given"), "{markdown}");
    assert!(section(markdown, "## Provenance").contains("No provenance was given."));
    let coverage = table_rows(section(markdown, "## Coverage"));
    for row in &coverage {
        assert_eq!(row[1..], ["0", "–"], "{row:?}");
    }
    assert!(section(markdown, "## Anomalies").contains("Anomalies: 0 of 0 scored events (rate –)."));
    assert!(section(markdown, "## Top deviations").contains("No scored event has a deviation to rank."));
    assert!(
        section(markdown, "## Baselines with insufficient history").contains("No baseline has insufficient history.")
    );
    for text in std::iter::once(markdown).chain(report.figures.iter().map(|figure| &figure.svg)) {
        assert_no_non_finite(text);
    }
    let names: Vec<&str> = report.figures.iter().map(|figure| figure.file_name.as_str()).collect();
    assert_eq!(names, ["empty-score-distribution.svg", "empty-anomalies-by-hour.svg"]);
}
