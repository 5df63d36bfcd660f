//! Deterministic artifact ids: UUIDv5 over a kind and the artifact's canonical
//! content, so that rebuilding an artifact yields the same id on any machine.

use uuid::Uuid;

/// The namespace of every driftledger artifact id: UUIDv5 of the URL
/// `urn:driftledger:artifact` in the RFC 9562 URL namespace.
pub fn artifact_namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:driftledger:artifact")
}

/// The id of an artifact of `kind` whose canonical bytes are `canonical`.
/// The kind is part of the name so that two kinds with equal content never
/// share an id.
pub fn artifact_id(kind: &str, canonical: &[u8]) -> Uuid {
    let mut name = Vec::with_capacity(kind.len() + 1 + canonical.len());
    name.extend_from_slice(kind.as_bytes());
    name.push(0);
    name.extend_from_slice(canonical);
    Uuid::new_v5(&artifact_namespace(), &name)
}
