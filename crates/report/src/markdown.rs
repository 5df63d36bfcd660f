//! The Markdown document: one function per section, tables built from escaped cells.

use model::baseline::{Baseline, ScoredEvent};

use crate::number::{NO_RATE, fixed, fixed_or_dash, percent};
use crate::tally::{self, Count, N_HOURS, Tally};
use crate::{FigureNames, ReportInput};

/// The whole document, sections in their fixed order, ending in one newline.
pub(crate) fn render(input: &ReportInput<'_>, tally: &Tally<'_>, figures: &FigureNames) -> String {
    let sections = [
        intro(input.title, &tally.thresholds),
        provenance(input.provenance),
        coverage(tally, input.baselines),
        anomalies(tally, &figures.anomalies_by_hour),
        score_distribution(tally, &figures.score_distribution),
        top_deviations(&tally::top_deviations(input.scores, input.top_k), input.top_k),
        insufficient_history(&tally::insufficient_baselines(input.baselines)),
        confidence(tally),
    ];
    let mut markdown = sections.map(|lines| lines.join("\n")).join("\n\n");
    markdown.push('\n');
    markdown
}

/// A table cell's text with the characters that would end the cell or the row
/// made literal: a `|` splits cells, a backslash could un-escape that `|`, and a
/// line break ends the row.
pub(crate) fn escape_cell(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '|' => escaped.push_str("\\|"),
            '\r' | '\n' => escaped.push(' '),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A relative link target with the characters that would end a Markdown link
/// destination percent-encoded; ordinary file names pass unchanged.
pub(crate) fn link_target(file_name: &str) -> String {
    let mut target = String::with_capacity(file_name.len());
    for c in file_name.chars() {
        match c {
            ' ' => target.push_str("%20"),
            '(' => target.push_str("%28"),
            ')' => target.push_str("%29"),
            '<' => target.push_str("%3C"),
            '>' => target.push_str("%3E"),
            _ => target.push(c),
        }
    }
    target
}

/// How a column's cells line up.
#[derive(Debug, Clone, Copy)]
enum Align {
    Left,
    Right,
}

fn table(header: &[(&str, Align)], rows: Vec<Vec<String>>) -> Vec<String> {
    let row = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    let mut lines = Vec::with_capacity(rows.len() + 2);
    lines.push(row(header.iter().map(|(name, _)| escape_cell(name)).collect()));
    lines.push(row(header
        .iter()
        .map(|(_, align)| match align {
            Align::Left => "---".to_owned(),
            Align::Right => "---:".to_owned(),
        })
        .collect()));
    for cells in rows {
        debug_assert_eq!(cells.len(), header.len());
        lines.push(row(cells.iter().map(|cell| escape_cell(cell)).collect()));
    }
    lines
}

/// Line breaks in free text would end a heading or a list item early.
fn one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\r', '\n'], " ")
}

fn intro(title: &str, thresholds: &[f64]) -> Vec<String> {
    let threshold = match thresholds {
        [] => "the run's threshold (no score records were given, so none is known)".to_owned(),
        [only] => format!("the threshold of {}", fixed(*only, 2)),
        several => format!(
            "its run's threshold (the records come from runs with different thresholds: {})",
            several.iter().map(|t| fixed(*t, 2)).collect::<Vec<_>>().join(", ")
        ),
    };
    vec![
        format!("# {}", one_line(title)),
        String::new(),
        format!(
            "Scores are robust z units: (value − median) / scale, where the scale is the baseline's \
             MAD × 1.4826, or its mean absolute deviation × 1.2533 when the MAD is 0. An event is an \
             anomaly when |score| exceeds {threshold}, or when its value departs at all from a constant \
             baseline (one whose samples were all equal, so it has no scale and no score). This report \
             presents the stored score and baseline records as they are; it computes no score of its own."
        ),
    ]
}

fn provenance(provenance: &[String]) -> Vec<String> {
    let mut lines = vec!["## Provenance".to_owned(), String::new()];
    if provenance.is_empty() {
        lines.push("No provenance was given.".to_owned());
    }
    lines.extend(provenance.iter().map(|source| format!("- {}", one_line(source))));
    lines
}

fn coverage(tally: &Tally<'_>, baselines: &[Baseline]) -> Vec<String> {
    let coverage = &tally.coverage;
    let total = coverage.total;
    let row = |label: &str, count: usize| vec![label.to_owned(), count.to_string(), percent(count, total, 1)];
    let mut rows = vec![
        row("total", total),
        row("scored", coverage.scored),
        row("skipped", coverage.skipped),
        row("skipped: no_baseline", coverage.no_baseline),
        row("skipped: insufficient_history", coverage.insufficient_history),
    ];
    if coverage.reason_unrecorded > 0 {
        rows.push(row("skipped: reason not recorded", coverage.reason_unrecorded));
    }
    let n_insufficient = tally::insufficient_baselines(baselines).len();
    let mut lines = vec!["## Coverage".to_owned(), String::new()];
    lines.extend(table(
        &[
            ("events", Align::Left),
            ("count", Align::Right),
            ("% of total", Align::Right),
        ],
        rows,
    ));
    lines.push(String::new());
    lines.push(format!(
        "Percentages are of all events, with 1 decimal; with no events they are shown as {NO_RATE}. \
         Baselines given: {}, of which {} with insufficient history.",
        baselines.len(),
        n_insufficient
    ));
    lines
}

fn count_row(label: String, count: Count) -> Vec<String> {
    vec![
        label,
        count.scored.to_string(),
        count.anomalies.to_string(),
        percent(count.anomalies, count.scored, 2),
    ]
}

fn anomalies(tally: &Tally<'_>, figure: &str) -> Vec<String> {
    let count_header = [
        ("scored", Align::Right),
        ("anomalies", Align::Right),
        ("rate", Align::Right),
    ];
    let mut lines = vec![
        "## Anomalies".to_owned(),
        String::new(),
        format!(
            "Anomalies: {} of {} scored events (rate {}). Rates are of scored events, with 2 decimals; \
             a rate over no scored events is shown as {NO_RATE}.",
            tally.anomalies,
            tally.coverage.scored,
            percent(tally.anomalies, tally.coverage.scored, 2)
        ),
        String::new(),
        "### By direction".to_owned(),
        String::new(),
    ];
    let directions = &tally.directions;
    let mut direction_rows = vec![("above", directions.above), ("below", directions.below)];
    if directions.at_median > 0 {
        direction_rows.push(("at_median", directions.at_median));
    }
    if directions.unrecorded > 0 {
        direction_rows.push(("not recorded", directions.unrecorded));
    }
    lines.extend(table(
        &[
            ("direction", Align::Left),
            ("anomalies", Align::Right),
            ("% of anomalies", Align::Right),
        ],
        direction_rows
            .into_iter()
            .map(|(label, n)| vec![label.to_owned(), n.to_string(), percent(n, tally.anomalies, 1)])
            .collect(),
    ));

    lines.extend(["".to_owned(), "### By entity".to_owned(), String::new()]);
    if tally.by_entity.is_empty() {
        lines.push("No events.".to_owned());
    } else {
        let header: Vec<_> = [("entity", Align::Left)].into_iter().chain(count_header).collect();
        lines.extend(table(
            &header,
            tally
                .by_entity
                .iter()
                .map(|e| count_row(e.entity.to_owned(), e.count))
                .collect(),
        ));
    }

    lines.extend(["".to_owned(), "### By hour of day (UTC)".to_owned(), String::new()]);
    let header: Vec<_> = [("hour", Align::Left)].into_iter().chain(count_header).collect();
    lines.extend(table(
        &header,
        (0..N_HOURS)
            .map(|hour| count_row(format!("{hour:02}"), tally.by_hour[hour]))
            .collect(),
    ));
    if tally.hour_unreadable.scored > 0 {
        lines.push(String::new());
        lines.push(format!(
            "Scored events whose timestamp has no hour at characters 11–13: {}, of which anomalies: {}.",
            tally.hour_unreadable.scored, tally.hour_unreadable.anomalies
        ));
    }
    lines.push(String::new());
    lines.push(format!("![Anomalies by hour of day]({})", link_target(figure)));
    lines
}

fn score_distribution(tally: &Tally<'_>, figure: &str) -> Vec<String> {
    let histogram = &tally.histogram;
    let mut lines = vec![
        "## Score distribution".to_owned(),
        String::new(),
        format!("![Score distribution]({})", link_target(figure)),
        String::new(),
        format!(
            "Numeric scores: {}. The figure bins those in [−10, 10] in steps of 0.5, with bar heights on a \
             square-root scale so that the tails stay visible; dashed lines mark ± the threshold.",
            histogram.n_scores()
        ),
        String::new(),
        format!(
            "- Scores outside the plotted range: {} below −10, {} above 10.",
            histogram.below, histogram.above
        ),
    ];
    if histogram.not_finite > 0 {
        lines.push(format!(
            "- Scores that are not a finite number, not plotted: {}.",
            histogram.not_finite
        ));
    }
    lines.push(format!(
        "- Anomalies with no numeric score (scale_basis `constant`: departures from a constant baseline): {}.",
        tally.anomalies_without_score
    ));
    lines.push(format!(
        "- Scored events with no numeric score, anomalies or not: {}.",
        tally.without_score
    ));
    lines
}

fn top_deviations(ranked: &[&ScoredEvent], top_k: usize) -> Vec<String> {
    let mut lines = vec!["## Top deviations".to_owned(), String::new()];
    if top_k == 0 {
        lines.push("No deviations were asked for (top_k is 0).".to_owned());
        return lines;
    }
    if ranked.is_empty() {
        lines.push("No scored event has a deviation to rank.".to_owned());
        return lines;
    }
    lines.push(format!(
        "The {} largest deviations by |score|. Departures from a constant baseline have no score and rank \
         first, by |deviation|; ties go to the earlier timestamp, then the smaller event id.",
        ranked.len()
    ));
    lines.push(String::new());
    let rows = ranked
        .iter()
        .enumerate()
        .map(|(index, score)| {
            vec![
                (index + 1).to_string(),
                score.timestamp.clone(),
                score.entity.clone(),
                score.metric.clone(),
                score.context.clone(),
                fixed(score.value, 3),
                fixed_or_dash(score.median, 3),
                score
                    .score
                    .map_or_else(|| "constant baseline".to_owned(), |s| fixed(s, 2)),
                score
                    .baseline_version
                    .map_or_else(|| NO_RATE.to_owned(), |v| v.to_string()),
                confidence_cell(score.confidence),
            ]
        })
        .collect();
    lines.extend(table(
        &[
            ("rank", Align::Right),
            ("timestamp", Align::Left),
            ("entity", Align::Left),
            ("metric", Align::Left),
            ("context", Align::Left),
            ("value", Align::Right),
            ("median", Align::Right),
            ("score", Align::Right),
            ("baseline version", Align::Right),
            ("confidence", Align::Left),
        ],
        rows,
    ));
    lines.extend([String::new(), "Explanations, by rank:".to_owned(), String::new()]);
    lines.extend(
        ranked
            .iter()
            .enumerate()
            .map(|(index, score)| format!("{}. {}", index + 1, one_line(&score.explanation))),
    );
    lines
}

fn confidence_cell(confidence: Option<f64>) -> String {
    match confidence {
        Some(c) if c.is_finite() => format!("{} ({})", fixed(c, 3), confidence_level(c)),
        _ => NO_RATE.to_owned(),
    }
}

/// The bounds `ConfidenceLevel` documents, applied to a score's recorded confidence.
fn confidence_level(confidence: f64) -> &'static str {
    if confidence < 0.5 {
        "low"
    } else if confidence < 0.8 {
        "medium"
    } else {
        "high"
    }
}

fn insufficient_history(baselines: &[&Baseline]) -> Vec<String> {
    let mut lines = vec!["## Baselines with insufficient history".to_owned(), String::new()];
    if baselines.is_empty() {
        lines.push("No baseline has insufficient history.".to_owned());
        return lines;
    }
    lines.push(format!(
        "Baselines with fewer samples than their training run's min_samples: {}. Their events are skipped \
         until the bucket has enough history.",
        baselines.len()
    ));
    lines.push(String::new());
    lines.extend(table(
        &[
            ("entity", Align::Left),
            ("metric", Align::Left),
            ("context", Align::Left),
            ("version", Align::Right),
            ("n", Align::Right),
            ("min_samples", Align::Right),
        ],
        baselines
            .iter()
            .map(|b| {
                vec![
                    b.entity.clone(),
                    b.metric.clone(),
                    b.context.clone(),
                    b.version.to_string(),
                    b.n.to_string(),
                    b.min_samples.to_string(),
                ]
            })
            .collect(),
    ));
    lines
}

fn confidence(tally: &Tally<'_>) -> Vec<String> {
    let confidence = &tally.confidence;
    let scored = tally.coverage.scored;
    let mut rows = vec![
        ("low", confidence.low),
        ("medium", confidence.medium),
        ("high", confidence.high),
    ];
    if confidence.unrecorded > 0 {
        rows.push(("not recorded", confidence.unrecorded));
    }
    let mut lines = vec![
        "## Confidence".to_owned(),
        String::new(),
        "Scored events by the confidence of their baseline, which comes from its sample size alone: \
         below 0.5 low, below 0.8 medium, else high."
            .to_owned(),
        String::new(),
    ];
    lines.extend(table(
        &[
            ("confidence", Align::Left),
            ("scored events", Align::Right),
            ("% of scored", Align::Right),
        ],
        rows.into_iter()
            .map(|(label, n)| vec![label.to_owned(), n.to_string(), percent(n, scored, 1)])
            .collect(),
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_cell(text: &str, expect: &str) {
        assert_eq!(escape_cell(text), expect, "{text:?}");
    }

    #[test]
    fn cells_escape_pipes_backslashes_and_line_breaks() {
        check_cell("host-001", "host-001");
        check_cell("a|b", "a\\|b");
        check_cell("a\\|b", "a\\\\\\|b");
        check_cell("two\nlines\r\n", "two lines  ");
    }

    #[test]
    fn link_targets_encode_only_what_ends_a_link() {
        assert_eq!(
            link_target("run-7-score-distribution.svg"),
            "run-7-score-distribution.svg"
        );
        assert_eq!(link_target("my report (v2).svg"), "my%20report%20%28v2%29.svg");
    }

    #[test]
    fn confidence_cells_carry_their_level() {
        assert_eq!(confidence_cell(Some(0.25)), "0.250 (low)");
        assert_eq!(confidence_cell(Some(0.5)), "0.500 (medium)");
        assert_eq!(confidence_cell(Some(0.8)), "0.800 (high)");
        assert_eq!(confidence_cell(None), "–");
        assert_eq!(confidence_cell(Some(f64::NAN)), "–");
    }
}
