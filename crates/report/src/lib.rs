//! Markdown reports with SVG figures, rendered from stored records.
//!
//! This crate owns the presentation of an analysis: [`build_report`] turns the
//! stored score records ([`ScoredEvent`]) and baselines ([`Baseline`]) of a
//! store into a [`Report`], one Markdown document and the [`Figure`]s it links
//! to (a histogram of scores and a bar chart of anomalies by hour of day).
//! The document's sections, in order: intro (score units and threshold),
//! provenance, coverage, anomalies (by direction, entity and hour), score
//! distribution, top deviations with their explanations, baselines with
//! insufficient history, and confidence.
//!
//! What it deliberately does not do: read or write files (the caller writes
//! [`Report::markdown`] and each [`Figure::svg`] beside it under
//! [`Figure::file_name`]), read the clock, draw randomness, or compute a score,
//! a baseline or an anomaly decision: it only counts and presents the records
//! it is given. The same input always renders the same bytes: counts are
//! ordered through sorted collections, never hash order, and numbers are
//! printed with fixed decimals and never as NaN or infinity. Floating-point
//! work is limited to `+ − × ÷` and `sqrt`/`floor`, which IEEE 754 rounds
//! identically on every platform.
//!
//! # Example
//!
//! ```
//! use report::{ReportInput, build_report};
//!
//! let input = ReportInput {
//!     title: "Empty store",
//!     provenance: &[],
//!     scores: &[],
//!     baselines: &[],
//!     top_k: 10,
//!     figure_stem: "report",
//! };
//! let report = build_report(&input);
//! assert!(report.markdown.starts_with("# Empty store\n"));
//! assert!(report.markdown.contains("| total | 0 | – |"));
//! assert_eq!(report.figures[0].file_name, "report-score-distribution.svg");
//! assert_eq!(report.figures[1].file_name, "report-anomalies-by-hour.svg");
//! assert!(report.figures.iter().all(|figure| figure.svg.starts_with("<svg ")));
//! ```
//!
//! [`ScoredEvent`]: model::baseline::ScoredEvent
//! [`Baseline`]: model::baseline::Baseline
#![deny(missing_docs)]

mod markdown;
mod number;
mod svg;
mod tally;

use model::baseline::{Baseline, ScoredEvent};

/// What a report is built from.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The report's title (first line `# {title}`).
    pub title: &'a str,
    /// Where the data came from, one bullet each, printed verbatim under
    /// "## Provenance" (e.g. "scores: SCORES_COMPUTED at seq 12, 33600 records").
    pub provenance: &'a [String],
    /// The score records, in stored order.
    pub scores: &'a [ScoredEvent],
    /// The baselines the scores were measured against or that were considered
    /// (latest version per key); those with status `insufficient_history` get
    /// their own section.
    pub baselines: &'a [Baseline],
    /// How many top deviations to list.
    pub top_k: usize,
    /// File-name stem of the figures: `<stem>-score-distribution.svg` and
    /// `<stem>-anomalies-by-hour.svg`, referenced from the Markdown by these
    /// relative names.
    pub figure_stem: &'a str,
}

/// A rendered report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The Markdown document, ending in a newline.
    pub markdown: String,
    /// The figures the document links to: score distribution, then anomalies by hour.
    pub figures: Vec<Figure>,
}

impl Report {
    /// Every file of the report, the Markdown first (named
    /// `<figure_stem>.md`), then the figures, as they are written beside
    /// each other and as REPORT_BUILT lists them.
    pub fn into_files(self, figure_stem: &str) -> Vec<Figure> {
        let mut files = vec![Figure {
            file_name: format!("{figure_stem}.md"),
            svg: self.markdown,
        }];
        files.extend(self.figures);
        files
    }
}

/// One file of a report, to be written beside the Markdown under
/// `file_name`: an SVG figure (or, from [`Report::into_files`], the
/// Markdown itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// `<stem>-score-distribution.svg` or `<stem>-anomalies-by-hour.svg`.
    pub file_name: String,
    /// A standalone SVG 1.1 document (or the Markdown).
    pub svg: String,
}

/// Renders the report of `input`: a pure function of its argument.
///
/// Percentages of nothing (a coverage table with no events, a rate over no
/// scored events) are printed as `–` rather than `0.0%`.
pub fn build_report(input: &ReportInput<'_>) -> Report {
    let tally = tally::Tally::from_scores(input.scores);
    let names = FigureNames {
        score_distribution: format!("{}-score-distribution.svg", input.figure_stem),
        anomalies_by_hour: format!("{}-anomalies-by-hour.svg", input.figure_stem),
    };
    let markdown = markdown::render(input, &tally, &names);
    let figures = vec![
        Figure {
            svg: svg::score_distribution(input.title, &tally),
            file_name: names.score_distribution,
        },
        Figure {
            svg: svg::anomalies_by_hour(input.title, &tally),
            file_name: names.anomalies_by_hour,
        },
    ];
    Report { markdown, figures }
}

/// The figures' file names, shared by the links in the Markdown and the [`Figure`]s.
#[derive(Debug)]
struct FigureNames {
    score_distribution: String,
    anomalies_by_hour: String,
}
