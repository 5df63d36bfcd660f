//! A small hand-built store: every section's numbers, orders and tie-breaks.

use model::baseline::{BaselineStatus, ScoredEvent, SkipReason};

use crate::fixtures::{baseline, cells, constant, render, row, scored, section, skipped, table_header, table_rows};

/// Eleven records: eight scored (two against constant baselines), three skipped.
///
/// | event | hour | entity | score | anomaly |
/// | e01 | 09 | host-a | 4.0 | above |
/// | e02 | 09 | host-a | -5.0 | below |
/// | e03 | 10 | host-b | 1.0 | no |
/// | e04 | 10 | host-b | constant, deviation 3 | above |
/// | e05 | 23 | host-c | constant, deviation -7 | below |
/// | e06 | 11 | host-b | 4.0 | above |
/// | e07 | 09 | host-c | -4.0 | below |
/// | e08, e09 | – | host-d | skipped: no_baseline | – |
/// | e10 | – | host-a | skipped: insufficient_history | – |
/// | e11 | 23 | host-c | 9.0 | above |
fn small_store() -> Vec<ScoredEvent> {
    let mut e03 = scored("e03", "2026-01-19T10:00:00.000Z", "host-b", 1.0);
    e03.confidence = Some(0.6);
    vec![
        scored("e01", "2026-01-19T09:00:00.000Z", "host-a", 4.0),
        scored("e02", "2026-01-19T09:30:00.000Z", "host-a", -5.0),
        e03,
        constant("e04", "2026-01-19T10:00:00.000Z", "host-b", 3.0),
        constant("e05", "2026-01-19T23:00:00.000Z", "host-c", -7.0),
        scored("e06", "2026-01-19T11:00:00.000Z", "host-b", 4.0),
        scored("e07", "2026-01-19T09:00:00.000Z", "host-c", -4.0),
        skipped("e08", "2026-01-19T12:00:00.000Z", "host-d", SkipReason::NoBaseline),
        skipped("e09", "2026-01-19T13:00:00.000Z", "host-d", SkipReason::NoBaseline),
        skipped(
            "e10",
            "2026-01-19T14:00:00.000Z",
            "host-a",
            SkipReason::InsufficientHistory,
        ),
        scored("e11", "2026-01-19T23:30:00.000Z", "host-c", 9.0),
    ]
}

fn small_report(top_k: usize) -> String {
    let baselines = [
        baseline("host-d", "cpu_pct", "all", 2, BaselineStatus::InsufficientHistory, 3),
        baseline("host-a", "cpu_pct", "hour=09", 1, BaselineStatus::Ready, 20),
        baseline("host-a", "mem_pct", "all", 1, BaselineStatus::InsufficientHistory, 5),
        baseline("host-a", "cpu_pct", "all", 1, BaselineStatus::InsufficientHistory, 2),
    ];
    render(&small_store(), &baselines, top_k).markdown
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|cell| (*cell).to_owned()).collect()
}

#[test]
fn sections_come_in_order() {
    let markdown = small_report(7);
    assert!(markdown.starts_with("# Test report\n\n"));
    assert!(markdown.ends_with('\n') && !markdown.ends_with("\n\n"));
    let headings: Vec<&str> = markdown.lines().filter(|line| line.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## Provenance",
            "## Coverage",
            "## Anomalies",
            "## Score distribution",
            "## Top deviations",
            "## Baselines with insufficient history",
            "## Confidence",
        ]
    );
}

#[test]
fn intro_names_the_units_and_the_threshold() {
    let markdown = small_report(7);
    let intro = markdown.lines().nth(2).unwrap();
    assert!(intro.contains("robust z units: (value − median) / scale"), "{intro}");
    assert!(intro.contains("exceeds the threshold of 3.50"), "{intro}");
}

#[test]
fn intro_lists_every_distinct_threshold() {
    let mut scores = small_store();
    scores[0].threshold = 3.0;
    let markdown = render(&scores, &[], 3).markdown;
    assert!(markdown.contains("different thresholds: 3.00, 3.50)"), "{markdown}");
}

#[test]
fn provenance_is_printed_verbatim() {
    let markdown = small_report(7);
    assert_eq!(
        section(&markdown, "## Provenance"),
        "## Provenance\n\n- scores: SCORES_COMPUTED at seq 12, test records\n"
    );
}

#[test]
fn coverage_counts_and_percentages() {
    let markdown = small_report(7);
    let rows = table_rows(section(&markdown, "## Coverage"));
    assert_eq!(
        rows,
        [
            strings(&["total", "11", "100.0%"]),
            strings(&["scored", "8", "72.7%"]),
            strings(&["skipped", "3", "27.3%"]),
            strings(&["skipped: no_baseline", "2", "18.2%"]),
            strings(&["skipped: insufficient_history", "1", "9.1%"]),
        ]
    );
    assert!(section(&markdown, "## Coverage").contains("Baselines given: 4, of which 3 with insufficient history."));
}

#[test]
fn anomaly_count_rate_and_directions() {
    let markdown = small_report(7);
    let anomalies = section(&markdown, "## Anomalies");
    assert!(
        anomalies.contains("Anomalies: 7 of 8 scored events (rate 87.50%)."),
        "{anomalies}"
    );
    let directions = table_rows(anomalies);
    assert_eq!(
        directions,
        [strings(&["above", "4", "57.1%"]), strings(&["below", "3", "42.9%"])]
    );
}

#[test]
fn anomalies_by_entity_sort_by_count_then_name() {
    let markdown = small_report(7);
    let by_entity = section(&markdown, "## Anomalies")
        .split("### By entity")
        .nth(1)
        .unwrap();
    assert_eq!(
        table_header(by_entity),
        strings(&["entity", "scored", "anomalies", "rate"])
    );
    assert_eq!(
        table_rows(by_entity),
        [
            strings(&["host-c", "3", "3", "100.00%"]),
            strings(&["host-a", "2", "2", "100.00%"]),
            strings(&["host-b", "3", "2", "66.67%"]),
            strings(&["host-d", "0", "0", "–"]),
        ]
    );
}

#[test]
fn anomalies_by_hour_have_all_24_rows() {
    let markdown = small_report(7);
    let by_hour = section(&markdown, "## Anomalies")
        .split("### By hour of day (UTC)")
        .nth(1)
        .unwrap();
    let rows = table_rows(by_hour);
    let hours: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    let expect: Vec<String> = (0..24).map(|hour| format!("{hour:02}")).collect();
    assert_eq!(hours, expect);
    assert_eq!(row(&rows, "00"), strings(&["00", "0", "0", "–"]));
    assert_eq!(row(&rows, "09"), strings(&["09", "3", "3", "100.00%"]));
    assert_eq!(row(&rows, "10"), strings(&["10", "2", "1", "50.00%"]));
    assert_eq!(row(&rows, "11"), strings(&["11", "1", "1", "100.00%"]));
    assert_eq!(
        row(&rows, "12"),
        strings(&["12", "0", "0", "–"]),
        "skipped events count in no hour"
    );
    assert_eq!(row(&rows, "23"), strings(&["23", "2", "2", "100.00%"]));
    assert!(by_hour.contains("\n![Anomalies by hour of day](test-anomalies-by-hour.svg)\n"));
}

#[test]
fn score_distribution_links_the_figure_and_counts_what_it_leaves_out() {
    let mut scores = small_store();
    scores.push(scored("e12", "2026-01-19T01:00:00.000Z", "host-e", -12.5));
    scores.push(scored("e13", "2026-01-19T02:00:00.000Z", "host-e", 10.0));
    let markdown = render(&scores, &[], 3).markdown;
    let distribution = section(&markdown, "## Score distribution");
    assert!(distribution.contains("\n![Score distribution](test-score-distribution.svg)\n"));
    assert!(
        distribution.contains("Numeric scores: 8. The figure bins those in [−10, 10]"),
        "{distribution}"
    );
    assert!(
        distribution.contains("- Scores outside the plotted range: 1 below −10, 0 above 10."),
        "{distribution}"
    );
    assert!(
        distribution.contains("departures from a constant baseline): 2."),
        "{distribution}"
    );
}

/// The explanation list names each event first, so it gives the ranking.
fn ranked_event_ids(markdown: &str) -> Vec<String> {
    section(markdown, "## Top deviations")
        .lines()
        .skip_while(|line| !line.starts_with("Explanations"))
        .filter_map(|line| line.split_once(". e").map(|(_, rest)| format!("e{}", &rest[..2])))
        .collect()
}

#[test]
fn top_deviations_rank_constant_baselines_first_then_break_ties() {
    let markdown = small_report(7);
    // e05 and e04 depart from constant baselines (|deviation| 7, 3); then
    // |score| 9, 5, and three at 4: e01 and e07 share 09:00 (event id decides),
    // e06 is later.
    assert_eq!(
        ranked_event_ids(&markdown),
        ["e05", "e04", "e11", "e02", "e01", "e07", "e06"]
    );
    let top = section(&markdown, "## Top deviations");
    assert_eq!(
        table_header(top),
        strings(&[
            "rank",
            "timestamp",
            "entity",
            "metric",
            "context",
            "value",
            "median",
            "score",
            "baseline version",
            "confidence",
        ])
    );
    let rows = table_rows(top);
    assert_eq!(rows.len(), 7);
    assert_eq!(
        rows[0],
        strings(&[
            "1",
            "2026-01-19T23:00:00.000Z",
            "host-c",
            "cpu_pct",
            "hour=23",
            "43.000",
            "50.000",
            "constant baseline",
            "1",
            "0.300 (low)",
        ])
    );
    assert_eq!(rows[3][7], "-5.00");
    assert_eq!(rows[3][9], "0.900 (high)");
    assert!(
        top.contains("\n1. e05: host-c departed by -7 from a constant 50\n"),
        "{top}"
    );
}

#[test]
fn top_deviations_stop_at_top_k() {
    assert_eq!(ranked_event_ids(&small_report(3)), ["e05", "e04", "e11"]);
    let none = small_report(0);
    assert!(section(&none, "## Top deviations").contains("No deviations were asked for (top_k is 0)."));
    assert_eq!(
        ranked_event_ids(&small_report(100)).len(),
        8,
        "every scored event with a deviation"
    );
}

#[test]
fn insufficient_history_lists_sorted_baselines() {
    let markdown = small_report(7);
    let insufficient = section(&markdown, "## Baselines with insufficient history");
    assert_eq!(
        table_header(insufficient),
        strings(&["entity", "metric", "context", "version", "n", "min_samples"])
    );
    assert_eq!(
        table_rows(insufficient),
        [
            strings(&["host-a", "cpu_pct", "all", "1", "2", "10"]),
            strings(&["host-a", "mem_pct", "all", "1", "5", "10"]),
            strings(&["host-d", "cpu_pct", "all", "2", "3", "10"]),
        ]
    );
}

#[test]
fn insufficient_history_says_when_there_is_none() {
    let ready = [baseline("host-a", "cpu_pct", "all", 1, BaselineStatus::Ready, 20)];
    let markdown = render(&small_store(), &ready, 3).markdown;
    assert_eq!(
        section(&markdown, "## Baselines with insufficient history"),
        "## Baselines with insufficient history\n\nNo baseline has insufficient history.\n"
    );
}

#[test]
fn confidence_levels_of_scored_events() {
    let markdown = small_report(7);
    let confidence = section(&markdown, "## Confidence");
    assert_eq!(
        table_rows(confidence),
        [
            strings(&["low", "2", "25.0%"]),
            strings(&["medium", "1", "12.5%"]),
            strings(&["high", "5", "62.5%"]),
        ]
    );
    assert_eq!(cells("| a | b\\|c |"), strings(&["a", "b\\|c"]));
}
