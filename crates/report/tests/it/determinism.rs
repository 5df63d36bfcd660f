//! Same input, same bytes: repeated calls and permuted inputs.

use model::baseline::{BaselineStatus, SkipReason};

use crate::fixtures::{baseline, constant, render, scored, skipped};

fn scores() -> Vec<model::baseline::ScoredEvent> {
    vec![
        scored("e1", "2026-01-19T09:00:00.000Z", "host-b", 4.25),
        scored("e2", "2026-01-19T09:00:00.000Z", "host-a", -4.25),
        constant("e3", "2026-01-19T03:00:00.000Z", "host-a", 2.0),
        constant("e4", "2026-01-19T03:00:00.000Z", "host-b", -2.0),
        skipped(
            "e5",
            "2026-01-19T04:00:00.000Z",
            "host-c",
            SkipReason::InsufficientHistory,
        ),
        scored("e6", "2026-01-19T17:00:00.000Z", "host-c", 0.1),
    ]
}

fn baselines() -> Vec<model::baseline::Baseline> {
    vec![
        baseline(
            "host-c",
            "cpu_pct",
            "hour=04",
            1,
            BaselineStatus::InsufficientHistory,
            4,
        ),
        baseline("host-a", "cpu_pct", "hour=09", 3, BaselineStatus::Ready, 40),
        baseline(
            "host-a",
            "cpu_pct",
            "hour=04",
            2,
            BaselineStatus::InsufficientHistory,
            7,
        ),
        baseline(
            "host-a",
            "cpu_pct",
            "hour=04",
            1,
            BaselineStatus::InsufficientHistory,
            3,
        ),
        baseline("host-b", "disk_pct", "all", 1, BaselineStatus::InsufficientHistory, 1),
    ]
}

#[test]
fn two_calls_give_identical_bytes() {
    assert_eq!(render(&scores(), &baselines(), 4), render(&scores(), &baselines(), 4));
}

#[test]
fn baseline_order_does_not_matter() {
    let expect = render(&scores(), &baselines(), 4);
    let mut permuted = baselines();
    for shift in 1..permuted.len() {
        permuted.rotate_left(1);
        assert_eq!(render(&scores(), &permuted, 4), expect, "rotated by {shift}");
    }
    permuted.reverse();
    assert_eq!(render(&scores(), &permuted, 4), expect, "reversed");
}

#[test]
fn score_order_does_not_matter_either() {
    let expect = render(&scores(), &baselines(), 4);
    let mut reversed = scores();
    reversed.reverse();
    assert_eq!(render(&reversed, &baselines(), 4), expect);
}
