//! Deterministic artifact ids: UUIDv5 over a kind and the artifact's canonical
//! content, so that rebuilding an artifact yields the same id on any machine.

use sha1::{Digest, Sha1};
use std::sync::LazyLock;
use uuid::Uuid;

static NAMESPACE: LazyLock<Uuid> = LazyLock::new(|| Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:driftledger:artifact"));

/// The namespace of every driftledger artifact id: UUIDv5 of the URL
/// `urn:driftledger:artifact` in the RFC 9562 URL namespace.
pub fn artifact_namespace() -> Uuid {
    *NAMESPACE
}

/// The id of an artifact of `kind` whose canonical bytes are `canonical`:
/// UUIDv5 (RFC 9562 §5.5) in [`artifact_namespace`] of the name
/// `kind || 0x00 || canonical`. The kind is part of the name so that two
/// kinds with equal content never share an id.
///
/// SHA-1 is computed here rather than by `Uuid::new_v5` because ingest
/// derives one id per event, and the `sha1` crate uses the CPU's SHA
/// instructions where it has them; the test below holds the two equal.
pub fn artifact_id(kind: &str, canonical: &[u8]) -> Uuid {
    let mut hasher = Sha1::new();
    hasher.update(NAMESPACE.as_bytes());
    hasher.update(kind.as_bytes());
    hasher.update([0]);
    hasher.update(canonical);
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_sha1_bytes(bytes).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(kind: &str, canonical: &[u8]) -> Uuid {
        let mut name = kind.as_bytes().to_vec();
        name.push(0);
        name.extend_from_slice(canonical);
        Uuid::new_v5(&Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:driftledger:artifact"), &name)
    }

    #[test]
    fn namespace_is_the_v5_of_the_urn() {
        assert_eq!(
            artifact_namespace().to_string(),
            Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:driftledger:artifact").to_string()
        );
        let id = artifact_id("metric-event", br#"{"entity":"web-1"}"#);
        assert_eq!(id.get_version_num(), 5);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
    }

    proptest! {
        #[test]
        fn equals_uuid_crate_v5(kind in "[a-z-]{0,20}", content in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(artifact_id(&kind, &content), reference(&kind, &content));
        }
    }
}
