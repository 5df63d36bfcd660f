//! The JSON Schemas of the stored record types, generated from the types
//! themselves. The committed copies under `schema/` are frozen: a test fails
//! when the code's schema differs, and a published version is never edited
//! in place (a changed shape is a new file with a new version).

use schemars::Schema;

/// Every frozen schema: its file name under `schema/` and its current content.
pub fn frozen_schemas() -> Vec<(&'static str, Schema)> {
    vec![("ledger-entry.v1.schema.json", schemars::schema_for!(crate::LedgerEntry))]
}

/// The exact bytes of a schema file: pretty JSON and a final newline.
pub fn schema_file_bytes(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
