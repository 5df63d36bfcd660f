//! The committed schemas under `schema/` equal what the types generate.
//! Regenerate with `UPDATE_SCHEMAS=1 cargo test -p model --test frozen_schemas`,
//! and only as a new version file when a published shape changes.

use std::path::PathBuf;

#[test]
fn committed_schemas_match_the_types() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    for (name, schema) in model::schema::frozen_schemas() {
        let path = dir.join(name);
        let expected = model::schema::schema_file_bytes(&schema);
        if update {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{name} differs from the code's schema; see this file's doc comment"
        );
    }
}
