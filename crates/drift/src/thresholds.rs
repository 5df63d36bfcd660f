//! The thresholds of a computation: a command-line flag, else the
//! environment (`UBA_DRIFT_FREQUENCY_THRESHOLD`,
//! `UBA_DRIFT_OBSERVATION_WINDOW_DAYS`), else the defaults (0.0 and 7).
//! The caller reads the environment and hands the texts in; the values in
//! effect are recorded in every delta and ledger entry, so replay never
//! reads the environment.

use crate::error::DriftError;
use model::drift::DriftThresholds;

/// The environment variable of the frequency threshold.
pub const FREQUENCY_THRESHOLD_VAR: &str = "UBA_DRIFT_FREQUENCY_THRESHOLD";
/// The environment variable of the observation window's length in days.
pub const OBSERVATION_WINDOW_DAYS_VAR: &str = "UBA_DRIFT_OBSERVATION_WINDOW_DAYS";
/// The default frequency threshold: any change of rate is stated.
pub const DEFAULT_FREQUENCY_THRESHOLD: f64 = 0.0;
/// The default observation window, in days.
pub const DEFAULT_OBSERVATION_WINDOW_DAYS: f64 = 7.0;

/// The texts a threshold may come from, in order of precedence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThresholdTexts<'a> {
    /// `--frequency-threshold`.
    pub frequency_flag: Option<&'a str>,
    /// `UBA_DRIFT_FREQUENCY_THRESHOLD`.
    pub frequency_env: Option<&'a str>,
    /// `--window-days`.
    pub window_days_flag: Option<&'a str>,
    /// `UBA_DRIFT_OBSERVATION_WINDOW_DAYS`.
    pub window_days_env: Option<&'a str>,
}

/// The thresholds in effect: flag, else environment, else default. A value
/// that is not a finite number is an error naming where it came from; the
/// frequency threshold may be 0, the window's days must be above 0.
pub fn resolve(texts: &ThresholdTexts<'_>) -> Result<DriftThresholds, DriftError> {
    let frequency_threshold = pick(
        texts.frequency_flag,
        texts.frequency_env,
        "--frequency-threshold",
        FREQUENCY_THRESHOLD_VAR,
        DEFAULT_FREQUENCY_THRESHOLD,
        false,
    )?;
    let observation_window_days = pick(
        texts.window_days_flag,
        texts.window_days_env,
        "--window-days",
        OBSERVATION_WINDOW_DAYS_VAR,
        DEFAULT_OBSERVATION_WINDOW_DAYS,
        true,
    )?;
    Ok(DriftThresholds {
        frequency_threshold,
        observation_window_days,
    })
}

fn pick(
    flag: Option<&str>,
    env: Option<&str>,
    flag_name: &str,
    env_name: &str,
    default: f64,
    above_zero: bool,
) -> Result<f64, DriftError> {
    let (text, source_name) = match (flag, env) {
        (Some(text), _) => (text, flag_name),
        (None, Some(text)) => (text, env_name),
        (None, None) => return Ok(default),
    };
    let expected = if above_zero {
        "a finite number above 0"
    } else {
        "a finite number of at least 0"
    };
    let value: f64 = text.trim().parse().map_err(|_| DriftError::BadThreshold {
        source_name: source_name.to_owned(),
        expected,
        found: text.to_owned(),
    })?;
    let in_range = value.is_finite() && if above_zero { value > 0.0 } else { value >= 0.0 };
    if !in_range {
        return Err(DriftError::BadThreshold {
            source_name: source_name.to_owned(),
            expected,
            found: text.to_owned(),
        });
    }
    // -0 and 0 are the same threshold; record it one way.
    Ok(if value == 0.0 { 0.0 } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_then_environment_then_default() {
        let none = resolve(&ThresholdTexts::default()).unwrap();
        assert_eq!((none.frequency_threshold, none.observation_window_days), (0.0, 7.0));
        let env = ThresholdTexts {
            frequency_env: Some("2.5"),
            window_days_env: Some("14"),
            ..Default::default()
        };
        let from_env = resolve(&env).unwrap();
        assert_eq!(
            (from_env.frequency_threshold, from_env.observation_window_days),
            (2.5, 14.0)
        );
        let flagged = resolve(&ThresholdTexts {
            frequency_flag: Some("1"),
            ..env
        })
        .unwrap();
        assert_eq!(
            (flagged.frequency_threshold, flagged.observation_window_days),
            (1.0, 14.0)
        );
    }

    #[test]
    fn invalid_values_name_their_source() {
        for (texts, source) in [
            (
                ThresholdTexts {
                    frequency_env: Some("lots"),
                    ..Default::default()
                },
                FREQUENCY_THRESHOLD_VAR,
            ),
            (
                ThresholdTexts {
                    frequency_flag: Some("-1"),
                    ..Default::default()
                },
                "--frequency-threshold",
            ),
            (
                ThresholdTexts {
                    frequency_env: Some("NaN"),
                    ..Default::default()
                },
                FREQUENCY_THRESHOLD_VAR,
            ),
            (
                ThresholdTexts {
                    frequency_env: Some("inf"),
                    ..Default::default()
                },
                FREQUENCY_THRESHOLD_VAR,
            ),
            (
                ThresholdTexts {
                    window_days_env: Some("0"),
                    ..Default::default()
                },
                OBSERVATION_WINDOW_DAYS_VAR,
            ),
            (
                ThresholdTexts {
                    window_days_flag: Some(""),
                    ..Default::default()
                },
                "--window-days",
            ),
        ] {
            match resolve(&texts) {
                Err(DriftError::BadThreshold { source_name, .. }) => assert_eq!(source_name, source),
                other => panic!("{texts:?}: {other:?}"),
            }
        }
        assert_eq!(
            resolve(&ThresholdTexts {
                frequency_flag: Some("-0"),
                ..Default::default()
            })
            .unwrap()
            .frequency_threshold
            .to_bits(),
            0
        );
    }
}
