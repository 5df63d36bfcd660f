//! Deterministic generators of realistic, labelled input data.
#![deny(missing_docs)]
