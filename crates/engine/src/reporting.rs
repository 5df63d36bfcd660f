//! `report`: a Markdown report with SVG figures on one scoring run,
//! written beside each other, and one REPORT_BUILT entry with every file's
//! SHA-256.

use crate::error::EngineError;
use crate::store_view::StoreView;
use baseline::report_data::report_data;
use baseline::stored::{BASELINES_FILE, SCORES_FILE};
use ledger::EntryDraft;
use model::Action;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use store::Store;

/// The default number of top deviations listed.
pub const DEFAULT_TOP_K: usize = 20;

/// What to report on and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    /// The Markdown file; the figures go beside it.
    pub out: PathBuf,
    /// The SCORES_COMPUTED entry (default: the newest).
    pub scores_seq: Option<u64>,
    /// How many top deviations to list.
    pub top_k: usize,
    /// The report's title.
    pub title: String,
}

/// One file a report wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    /// Where.
    pub path: PathBuf,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
}

/// What a report run wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltReport {
    /// The REPORT_BUILT entry.
    pub seq: u64,
    /// The SCORES_COMPUTED entry reported on.
    pub scores_seq: u64,
    /// The Markdown file first, then the figures.
    pub files: Vec<ReportFile>,
}

/// A report on a store's scoring run, rendered: what `report` writes and
/// the validator renders again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RenderedReport {
    /// The SCORES_COMPUTED entry reported on.
    scores_seq: u64,
    /// The Markdown first, then the figures.
    files: Vec<report::Figure>,
}

/// Renders the report on a scoring run (by default the newest).
fn render_report(
    view: &StoreView,
    scores_seq: Option<u64>,
    top_k: usize,
    title: &str,
    figure_stem: &str,
) -> Result<RenderedReport, EngineError> {
    let data = report_data(
        &view.entries,
        view.open(SCORES_FILE)?,
        view.open(BASELINES_FILE)?,
        scores_seq,
    )?;
    let rendered = report::build_report(&report::ReportInput {
        title,
        provenance: &data.provenance,
        scores: &data.scores,
        baselines: &data.baselines,
        top_k,
        figure_stem,
    });
    Ok(RenderedReport {
        scores_seq: data.scores_seq,
        files: rendered.into_files(figure_stem),
    })
}

/// Writes a report on a scoring run and records it.
pub fn build_report(store: &mut Store, request: &ReportRequest) -> Result<BuiltReport, EngineError> {
    let view = StoreView::read(store.root())?;
    let stem = request
        .out
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("report")
        .to_owned();
    let RenderedReport {
        scores_seq,
        files: rendered,
    } = render_report(&view, request.scores_seq, request.top_k, &request.title, &stem)?;
    let dir = request.out.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut files = Vec::new();
    for (index, file) in rendered.iter().enumerate() {
        let bytes = file.svg.as_bytes();
        let path = if index == 0 {
            request.out.clone()
        } else {
            dir.join(&file.file_name)
        };
        write_whole(&path, bytes)?;
        files.push(ReportFile {
            path,
            sha256: model::digest::sha256_hex(bytes),
            bytes: bytes.len() as u64,
        });
    }
    let listed: Vec<Value> = rendered
        .iter()
        .zip(&files)
        .map(|(rendered, file)| json!({"name": rendered.file_name, "sha256": file.sha256, "bytes": file.bytes}))
        .collect();
    let draft = EntryDraft::new(Action::ReportBuilt)
        .params(json!({"scores_seq": scores_seq, "top_k": request.top_k, "title": request.title, "figure_stem": stem}))
        .inputs(json!({"scores": {"seq": scores_seq}}))
        .outputs(json!({"report_sha256": files[0].sha256, "files": listed}));
    let recorded = store.record(draft, Vec::new())?;
    Ok(BuiltReport {
        seq: recorded.entry.seq,
        scores_seq,
        files,
    })
}

/// Writes a file whole: a temporary beside it, then a rename, so that a
/// crash never leaves half a report under its name.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    let io = |source| EngineError::Io {
        path: path.to_owned(),
        source,
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("report");
    let temporary = path.with_file_name(format!(".{name}.incoming"));
    std::fs::write(&temporary, bytes).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(io)
}
