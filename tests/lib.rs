//! Workspace-level end-to-end tests; see `main.rs`.
