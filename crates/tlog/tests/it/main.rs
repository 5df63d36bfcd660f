//! Integration tests of `tlog` against outside truth and a naive reference, in one test binary.

mod ct_vectors; // RFC 6962 reference roots and proofs from the certificate-transparency test data
mod exhaustive; // sizes 1..=64: stored-hash proofs equal the naive RFC 9162 definitions
mod golden; // the extverify kit's sample keys, checkpoint and proof, byte for byte
mod note_cases; // signed-note and checkpoint notes that must be rejected, and why
mod proof_files; // exact JSON bytes of proof files and the strict reader's refusals
mod properties; // proptest: random trees, proofs verify, every tampering fails
mod reference; // naive recursive RFC 6962 / RFC 9162 definitions over leaf hashes (test-only)

use tlog::{Hash, stored_hashes_for_record};

/// The stored-hash layout of `leaves`, appended record by record as a ledger would.
pub fn build_store(leaves: &[Hash]) -> Vec<Hash> {
    let mut stored = Vec::new();
    for (n, leaf) in leaves.iter().enumerate() {
        let hashes = stored_hashes_for_record(n as u64, *leaf, &stored).expect("in-memory append");
        stored.extend(hashes);
    }
    stored
}

/// Decodes a hex test vector into a hash.
pub fn hash_hex(text: &str) -> Hash {
    hex::decode(text)
        .expect("test vector is hex")
        .try_into()
        .expect("test vector is 32 bytes")
}
