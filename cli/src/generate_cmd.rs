//! `driftledger generate <metric|auth|proxy|behavior>`: the generators of the
//! `synth` crate written to files.

use crate::args::{GenerateCommand, GenerateCommon};
use crate::{Failure, Outcome, emit, exit};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use synth::{OutputFormat, SynthError};

pub(crate) fn run(command: &GenerateCommand, as_json: bool, out: &mut dyn Write) -> Outcome {
    let report = match command {
        GenerateCommand::Metric(args) => {
            let mut config = synth::metric::MetricConfig {
                seed: args.common.seed,
                entities: args.entities,
                metrics: args.metrics.clone(),
                days: args.days,
                interval_minutes: args.interval_minutes,
                incident_rate: args.incident_rate,
                limit: args.events,
                ..Default::default()
            };
            if let Some(start) = start(&args.common)? {
                config.start = start;
            }
            let path = out_path(&args.common)?;
            let summary = write_output(path, |format, writer| synth::metric::generate(&config, format, writer))?;
            json!({"generator": "metric", "out": path, "config": config, "summary": summary})
        }
        GenerateCommand::Auth(args) => {
            let mut config = synth::auth::AuthConfig {
                seed: args.common.seed,
                n_users: args.n_users,
                n_ips: args.n_ips,
                n_days: args.n_days,
                attack_rate: args.attack_rate,
                events_per_user_day_mean: args.events_per_user_day_mean,
                ..Default::default()
            };
            if let Some(start) = start(&args.common)? {
                config.start = start;
            }
            let path = out_path(&args.common)?;
            let summary = write_output(path, |format, writer| synth::auth::generate(&config, format, writer))?;
            json!({"generator": "auth", "out": path, "config": config, "summary": summary})
        }
        GenerateCommand::Proxy(args) => match &args.samples {
            Some(dir) => {
                fs::create_dir_all(dir).map_err(|e| Failure::io(anyhow::anyhow!("{}: {e}", dir.display())))?;
                let mut files = Vec::new();
                for sample in synth::proxy::sample_files() {
                    let path = dir.join(sample.name);
                    let summary = write_output(&path, |format, writer| {
                        synth::proxy::generate(&sample.config, format, writer)
                    })?;
                    files.push(json!({"out": path, "config": sample.config, "summary": summary}));
                }
                json!({"generator": "proxy", "samples": files})
            }
            None => {
                let scenario = args.scenario.parse().map_err(Failure::usage)?;
                let mut config = synth::proxy::ProxyConfig {
                    seed: args.common.seed,
                    events: args.events,
                    scenario,
                    attackers: args.attackers,
                    ..Default::default()
                };
                if let Some(start) = start(&args.common)? {
                    config.start = start;
                }
                let path = out_path(&args.common)?;
                let summary = write_output(path, |format, writer| synth::proxy::generate(&config, format, writer))?;
                json!({"generator": "proxy", "out": path, "config": config, "summary": summary})
            }
        },
        GenerateCommand::Behavior(args) => {
            let mut config = synth::behavior::BehaviorConfig {
                seed: args.common.seed,
                identities: args.identities,
                baseline_days: args.baseline_days,
                window_days: args.window_days,
                planted_rate: args.planted_rate,
                ..Default::default()
            };
            if let Some(start) = start(&args.common)? {
                config.start = start;
            }
            let path = out_path(&args.common)?;
            let identities_out = args
                .identities_out
                .clone()
                .unwrap_or_else(|| sibling(path, "identities.jsonl"));
            let planted_out = args
                .planted_out
                .clone()
                .unwrap_or_else(|| sibling(path, "planted.json"));
            let summary = write_behavior(&config, path, &identities_out, &planted_out)?;
            json!({
                "generator": "behavior",
                "out": path,
                "identities_out": identities_out,
                "planted_out": planted_out,
                "config": config,
                "summary": summary,
            })
        }
    };
    if as_json {
        emit(out, &report)?;
    } else {
        print_report(out, &report)?;
    }
    Ok(exit::OK)
}

fn print_report(out: &mut dyn Write, report: &Value) -> Result<(), Failure> {
    let one = |out: &mut dyn Write, item: &Value| -> Result<(), Failure> {
        emit(
            out,
            format_args!(
                "{}: {} events ({})",
                item["out"].as_str().unwrap_or_default(),
                item["summary"]["events"],
                serde_json::to_string(&item["summary"]).unwrap_or_default()
            ),
        )
    };
    match report["samples"].as_array() {
        Some(samples) => samples.iter().try_for_each(|item| one(out, item)),
        None => {
            one(out, report)?;
            for key in ["identities_out", "planted_out"] {
                if let Some(path) = report[key].as_str() {
                    emit(out, format_args!("{key}: {path}"))?;
                }
            }
            Ok(())
        }
    }
}

fn out_path(common: &GenerateCommon) -> Result<&Path, Failure> {
    common.out.as_deref().ok_or_else(|| {
        Failure::usage(anyhow::anyhow!(
            "--out PATH is required: where to write the generated events"
        ))
    })
}

fn start(common: &GenerateCommon) -> Result<Option<DateTime<Utc>>, Failure> {
    common
        .start
        .as_deref()
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    Failure::usage(anyhow::anyhow!(
                        "--start: expected an RFC 3339 time like 2026-01-05T00:00:00Z, found {text:?} ({e})"
                    ))
                })
        })
        .transpose()
}

/// `<dir>/<stem of out>.<suffix>`, where the stem drops .gz and the format extension.
fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    out.with_file_name(format!("{stem}.{suffix}"))
}

/// Writes behaviour events to `path`, and the identities and planted
/// changes to their own files.
pub(crate) fn write_behavior(
    config: &synth::behavior::BehaviorConfig,
    path: &Path,
    identities_out: &Path,
    planted_out: &Path,
) -> Result<synth::behavior::BehaviorSummary, Failure> {
    let mut identities = Staged::create(identities_out)?;
    let mut planted = Staged::create(planted_out)?;
    let summary = write_output(path, |format, writer| {
        synth::behavior::generate(config, format, writer, identities.writer(), planted.writer())
    })?;
    identities.commit()?;
    planted.commit()?;
    Ok(summary)
}

/// Runs `generate` into `path`, as CSV or JSON Lines by its name, gzip-compressed
/// when it ends in .gz; the file appears only when complete.
pub(crate) fn write_output<S>(
    path: &Path,
    generate: impl FnOnce(OutputFormat, &mut dyn Write) -> Result<S, SynthError>,
) -> Result<S, Failure> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let plain_name = name.strip_suffix(".gz").unwrap_or(&name);
    let format = if plain_name.ends_with(".csv") {
        OutputFormat::Csv
    } else {
        OutputFormat::Jsonl
    };
    let mut staged = Staged::create(path)?;
    let summary = if name.ends_with(".gz") {
        // The gzip header carries no time or name: the same events, the same bytes.
        let mut encoder = flate2::GzBuilder::new().write(staged.writer(), flate2::Compression::default());
        let summary = generate(format, &mut encoder).map_err(synth_failure)?;
        encoder
            .finish()
            .map_err(|e| Failure::io(anyhow::anyhow!("{}: {e}", path.display())))?;
        summary
    } else {
        generate(format, staged.writer()).map_err(synth_failure)?
    };
    staged.commit()?;
    Ok(summary)
}

fn synth_failure(error: SynthError) -> Failure {
    match error {
        SynthError::InvalidConfig { .. } => Failure::usage(error),
        other => Failure::io(other),
    }
}

/// A file written under a temporary name and renamed into place on commit;
/// removed if dropped uncommitted.
struct Staged {
    path: PathBuf,
    temporary: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl Staged {
    fn create(path: &Path) -> Result<Staged, Failure> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let file = File::create(&temporary).map_err(|e| Failure::io(anyhow::anyhow!("{}: {e}", path.display())))?;
        Ok(Staged {
            path: path.to_owned(),
            temporary,
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("open until committed")
    }

    fn commit(mut self) -> Result<(), Failure> {
        let io = |e: std::io::Error| Failure::io(anyhow::anyhow!("{}: {e}", self.path.display()));
        let writer = self.writer.take().expect("open until committed");
        writer
            .into_inner()
            .map_err(|e| io(e.into_error()))?
            .sync_all()
            .map_err(io)?;
        fs::rename(&self.temporary, &self.path).map_err(io)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.temporary);
        }
    }
}
