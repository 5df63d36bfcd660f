//! Cell text that would break a Markdown table row.

use crate::fixtures::{cells, render, scored, section, table_rows};

/// Each table of `markdown`: its rows, header first, as consecutive `|` lines.
fn tables(markdown: &str) -> Vec<Vec<&str>> {
    let mut tables: Vec<Vec<&str>> = Vec::new();
    let mut in_table = false;
    for line in markdown.lines() {
        let is_row = line.starts_with('|');
        if is_row && !in_table {
            tables.push(Vec::new());
        }
        if is_row {
            tables.last_mut().unwrap().push(line);
        }
        in_table = is_row;
    }
    tables
}

#[test]
fn pipes_in_an_entity_keep_every_row_the_same_width() {
    let mut score = scored("e1", "2026-01-19T09:00:00.000Z", "rack|7\\|host", 6.0);
    score.metric = "cpu|pct".to_owned();
    score.context = "all\nnext".to_owned();
    let markdown = render(&[score], &[], 5).markdown;
    let tables = tables(&markdown);
    assert_eq!(
        tables.len(),
        6,
        "coverage, direction, entity, hour, top deviations, confidence"
    );
    for table in &tables {
        let width = cells(table[0]).len();
        for line in table {
            assert_eq!(cells(line).len(), width, "{line}");
        }
    }
    let by_entity = section(&markdown, "## Anomalies")
        .split("### By entity")
        .nth(1)
        .unwrap();
    assert_eq!(table_rows(by_entity)[0][0], "rack\\|7\\\\\\|host");
    let top = table_rows(section(&markdown, "## Top deviations"));
    assert_eq!(top[0][2..5], ["rack\\|7\\\\\\|host", "cpu\\|pct", "all next"]);
}
