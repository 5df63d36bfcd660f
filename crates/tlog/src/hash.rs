//! RFC 6962 leaf and node hashing, and the one strict text form of a hash (padded base64).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

/// A SHA-256 output: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Domain-separation prefix of leaves (RFC 6962 §2.1), so that no leaf can be
/// passed off as an interior node.
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of interior nodes (RFC 6962 §2.1).
const NODE_PREFIX: u8 = 0x01;

/// SHA-256's initial hash value (FIPS 180-4 §5.3.3).
const INITIAL_STATE: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Longest data whose leaf fits one block with its padding: the prefix,
/// the data, the `0x80` marker and the 8-byte length.
const ONE_BLOCK_LEAF: usize = 64 - 1 - 1 - 8;

/// SHA-256 of a message already laid out in `blocks` with its padding
/// (FIPS 180-4 §5.1.1). Leaves of record hashes and node hashes are
/// millions of one- and two-block messages: laying them out directly skips
/// the general hasher's buffering, which costs as much as the compression.
fn padded_digest(blocks: &[[u8; 64]]) -> Hash {
    let mut state = INITIAL_STATE;
    sha2::block_api::compress256(&mut state, blocks);
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Writes the padding of a `length`-byte message ending in `block` at
/// `at` (there must be room for the marker and the length).
fn pad(block: &mut [u8; 64], at: usize, length: usize) {
    block[at] = 0x80;
    block[56..].copy_from_slice(&(8 * length as u64).to_be_bytes());
}

/// `SHA-256(0x00 || data)`: the Merkle leaf hash of one record.
pub fn leaf_hash(data: &[u8]) -> Hash {
    if data.len() <= ONE_BLOCK_LEAF {
        let mut block = [0u8; 64];
        block[0] = LEAF_PREFIX;
        block[1..1 + data.len()].copy_from_slice(data);
        pad(&mut block, 1 + data.len(), 1 + data.len());
        return padded_digest(&[block]);
    }
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(data);
    hasher.finalize().into()
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    // 65 bytes: the prefix, `left` and all but the last byte of `right` fill
    // the first block; that byte and the padding the second.
    let mut blocks = [[0u8; 64]; 2];
    blocks[0][0] = NODE_PREFIX;
    blocks[0][1..33].copy_from_slice(left);
    blocks[0][33..].copy_from_slice(&right[..31]);
    blocks[1][0] = right[31];
    pad(&mut blocks[1], 1, 65);
    padded_digest(&blocks)
}

/// `SHA-256("")`: RFC 6962's Merkle tree hash of the empty list.
///
/// Go's `tlog.TreeHash(0)` returns 32 zero bytes instead, which is one more
/// reason never to sign a size-0 checkpoint.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Why a text is not the strict base64 form of a [`Hash`](type@Hash).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HashTextError {
    /// 64 hexadecimal digits: the ledger's `hash` fields are hex, proofs and checkpoints are not.
    #[error("hash is hex, expected standard padded base64")]
    Hex,
    /// Contains `-` or `_`, the URL-safe base64 alphabet.
    #[error("hash uses the url-safe base64 alphabet, expected the standard one")]
    UrlSafe,
    /// Valid base64 but without the trailing `=` padding.
    #[error("hash base64 lacks its '=' padding")]
    Unpadded,
    /// Anything else that the strict standard decoder refuses (bad characters,
    /// whitespace, non-zero trailing bits).
    #[error("hash is not standard padded base64")]
    NotBase64,
    /// Decodes, but not to 32 bytes.
    #[error("hash decodes to {bytes} bytes, expected 32")]
    WrongLength {
        /// Number of bytes decoded.
        bytes: usize,
    },
}

/// Standard padded base64 (RFC 4648 §4) of a hash: 44 characters.
pub(crate) fn hash_to_base64(hash: &Hash) -> String {
    STANDARD.encode(hash)
}

/// Strictly decodes the text written by [`hash_to_base64`]: one accepted
/// spelling per hash, so two files holding the same hash hold the same bytes.
pub(crate) fn hash_from_base64(text: &str) -> Result<Hash, HashTextError> {
    // 64 hex digits also happen to be valid base64 (of 48 bytes): name the
    // usual mistake before decoding.
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(HashTextError::Hex);
    }
    // The engine requires canonical padding and zero trailing bits; the
    // classification after a failure only exists to name the mistake.
    match STANDARD.decode(text) {
        Ok(bytes) => Hash::try_from(bytes.as_slice()).map_err(|_| HashTextError::WrongLength { bytes: bytes.len() }),
        Err(_) if text.contains(['-', '_']) => Err(HashTextError::UrlSafe),
        Err(_) if !text.contains('=') && !text.len().is_multiple_of(4) => {
            let padded = format!("{text}{}", "=".repeat(4 - text.len() % 4));
            match STANDARD.decode(padded) {
                Ok(_) => Err(HashTextError::Unpadded),
                Err(_) => Err(HashTextError::NotBase64),
            }
        }
        Err(_) => Err(HashTextError::NotBase64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_decode(text: &str, expect: Result<Hash, HashTextError>) {
        assert_eq!(hash_from_base64(text), expect, "decoding {text:?}");
    }

    proptest::proptest! {
        /// The hashes laid out by hand are SHA-256 of the prefixed bytes,
        /// for leaves on either side of one block.
        #[test]
        fn leaf_and_node_hashes_are_sha256_of_the_prefixed_bytes(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..140),
            left in proptest::array::uniform32(proptest::num::u8::ANY),
            right in proptest::array::uniform32(proptest::num::u8::ANY),
        ) {
            let prefixed = |prefix: u8, parts: &[&[u8]]| -> Hash {
                let mut hasher = Sha256::new();
                hasher.update([prefix]);
                for part in parts {
                    hasher.update(part);
                }
                hasher.finalize().into()
            };
            proptest::prop_assert_eq!(leaf_hash(&data), prefixed(0, &[&data]));
            proptest::prop_assert_eq!(node_hash(&left, &right), prefixed(1, &[&left, &right]));
        }
    }

    #[test]
    fn every_leaf_length_around_one_block_hashes_as_sha256() {
        for length in 0..=80 {
            let data: Vec<u8> = (0..length as u8).collect();
            let expected: Hash = Sha256::new().chain_update([0u8]).chain_update(&data).finalize().into();
            assert_eq!(leaf_hash(&data), expected, "{length} bytes");
        }
    }

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn leaf_and_node_are_domain_separated() {
        // The leaf hash of an empty record is RFC 6962's first reference root.
        assert_eq!(
            hex::encode(leaf_hash(b"")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        let zero = [0u8; 32];
        let mut concatenated = zero.to_vec();
        concatenated.extend_from_slice(&zero);
        assert_ne!(node_hash(&zero, &zero), leaf_hash(&concatenated));
    }

    #[test]
    fn base64_round_trip_and_strictness() {
        let hash = leaf_hash(b"x");
        let text = hash_to_base64(&hash);
        assert_eq!(text.len(), 44);
        check_decode(&text, Ok(hash));
        check_decode(&hex::encode(hash), Err(HashTextError::Hex));
        check_decode(&text.replace('=', ""), Err(HashTextError::Unpadded));
        check_decode(
            "UOvjHGSGqCevj1fQifO9x-5Lf1d8nNc16_hX51QOiDg=",
            Err(HashTextError::UrlSafe),
        );
        check_decode("AAAA", Err(HashTextError::WrongLength { bytes: 3 }));
        check_decode("", Err(HashTextError::WrongLength { bytes: 0 }));
        check_decode(&format!(" {text}"), Err(HashTextError::NotBase64));
        check_decode(&format!("{text}\n"), Err(HashTextError::NotBase64));
        // Last character 'h' instead of 'g' leaves non-zero bits after the 32nd byte.
        check_decode(
            "UOvjHGSGqCevj1fQifO9x+5Lf1d8nNc16/hX51QOiDh=",
            Err(HashTextError::NotBase64),
        );
    }
}
