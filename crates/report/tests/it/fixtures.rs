//! Builders of score and baseline records, and readers of the rendered Markdown.

use model::baseline::{
    Baseline, BaselineStatus, ConfidenceLevel, Direction, ScaleBasis, ScoreStatus, ScoredEvent, SkipReason,
    TrainingWindow,
};
use report::{Report, ReportInput, build_report};

/// The threshold of every hand-built score.
pub const THRESHOLD: f64 = 3.5;

/// An event at `timestamp` scored `score` against a baseline with median 50
/// and scale 2; its explanation starts with its event id.
pub fn scored(event_id: &str, timestamp: &str, entity: &str, score: f64) -> ScoredEvent {
    let deviation = score * 2.0;
    ScoredEvent {
        id: format!("score-{event_id}"),
        event_id: event_id.to_owned(),
        timestamp: timestamp.to_owned(),
        entity: entity.to_owned(),
        metric: "cpu_pct".to_owned(),
        value: 50.0 + deviation,
        context: format!("hour={}", &timestamp[11..13]),
        status: ScoreStatus::Scored,
        skip_reason: None,
        baseline_id: Some(format!("baseline-{entity}")),
        baseline_version: Some(1),
        n: Some(20),
        confidence: Some(0.9),
        median: Some(50.0),
        deviation: Some(deviation),
        scale: Some(2.0),
        scale_basis: Some(ScaleBasis::ScaledMad),
        score: Some(score),
        direction: Some(direction_of(deviation)),
        is_anomaly: score.abs() > THRESHOLD,
        threshold: THRESHOLD,
        explanation: format!("{event_id}: {entity} scored {score} against median 50"),
    }
}

/// An event measured against a constant baseline of 50: no scale, no score,
/// an anomaly whenever `deviation` is not 0.
pub fn constant(event_id: &str, timestamp: &str, entity: &str, deviation: f64) -> ScoredEvent {
    ScoredEvent {
        scale: None,
        scale_basis: Some(ScaleBasis::Constant),
        score: None,
        is_anomaly: deviation != 0.0,
        confidence: Some(0.3),
        explanation: format!("{event_id}: {entity} departed by {deviation} from a constant 50"),
        ..scored(event_id, timestamp, entity, deviation / 2.0)
    }
}

/// An event that was not scored, for `reason`.
pub fn skipped(event_id: &str, timestamp: &str, entity: &str, reason: SkipReason) -> ScoredEvent {
    ScoredEvent {
        id: format!("score-{event_id}"),
        event_id: event_id.to_owned(),
        timestamp: timestamp.to_owned(),
        entity: entity.to_owned(),
        metric: "cpu_pct".to_owned(),
        value: 50.0,
        context: "all".to_owned(),
        status: ScoreStatus::Skipped,
        skip_reason: Some(reason),
        baseline_id: None,
        baseline_version: None,
        n: None,
        confidence: None,
        median: None,
        deviation: None,
        scale: None,
        scale_basis: None,
        score: None,
        direction: None,
        is_anomaly: false,
        threshold: THRESHOLD,
        explanation: format!("{event_id}: skipped ({})", reason.as_str()),
    }
}

/// A baseline of one bucket; statistics only when `status` is ready.
pub fn baseline(entity: &str, metric: &str, context: &str, version: u64, status: BaselineStatus, n: u64) -> Baseline {
    Baseline {
        id: format!("{entity}/{metric}/{context}/v{version}"),
        entity: entity.to_owned(),
        metric: metric.to_owned(),
        context: context.to_owned(),
        version,
        status,
        n,
        min_samples: 10,
        confidence: 0.5,
        confidence_level: ConfidenceLevel::Medium,
        window: TrainingWindow::default(),
        first_event: "2026-01-05T00:00:00.000Z".to_owned(),
        last_event: "2026-01-18T00:00:00.000Z".to_owned(),
        stats: None,
    }
}

fn direction_of(deviation: f64) -> Direction {
    if deviation > 0.0 {
        Direction::Above
    } else if deviation < 0.0 {
        Direction::Below
    } else {
        Direction::AtMedian
    }
}

/// The report of `scores` and `baselines` with a fixed title, provenance and figure stem.
pub fn render(scores: &[ScoredEvent], baselines: &[Baseline], top_k: usize) -> Report {
    let provenance = ["scores: SCORES_COMPUTED at seq 12, test records".to_owned()];
    build_report(&ReportInput {
        title: "Test report",
        provenance: &provenance,
        scores,
        baselines,
        top_k,
        figure_stem: "test",
    })
}

/// The text of the section headed `heading` (`## …`), up to the next `## ` heading.
pub fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading:?} in:\n{markdown}"));
    let body = &markdown[start + 1..];
    match body[heading.len()..].find("\n## ") {
        Some(end) => &body[..heading.len() + end],
        None => body,
    }
}

/// The cells of a Markdown table row, split at pipes a backslash does not escape,
/// as a GitHub-flavoured Markdown renderer splits them.
pub fn cells(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = row.trim().chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                cell.extend(chars.next());
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_owned());
    assert!(
        cells.len() >= 2 && cells[0].is_empty() && cells[cells.len() - 1].is_empty(),
        "not a table row: {row:?}"
    );
    cells[1..cells.len() - 1].to_vec()
}

/// The rows of the first table in `text` below its header and delimiter rows.
pub fn table_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(cells)
        .collect()
}

/// The header row of the first table in `text`.
pub fn table_header(text: &str) -> Vec<String> {
    cells(text.lines().find(|line| line.starts_with('|')).expect("a table"))
}

/// The row of the first table in `text` whose first cell is `label`.
pub fn row<'a>(rows: &'a [Vec<String>], label: &str) -> &'a [String] {
    rows.iter()
        .find(|row| row[0] == label)
        .unwrap_or_else(|| panic!("no row {label:?} in {rows:?}"))
}

/// Every spelling of a non-finite number Rust's formatting can produce.
pub fn assert_no_non_finite(text: &str) {
    for word in ["NaN", "inf", "Inf"] {
        assert!(!text.contains(word), "{word:?} in output:\n{text}");
    }
}
