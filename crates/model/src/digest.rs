//! SHA-256 content hashes as they appear on the wire: 64 lowercase hex digits.

use sha2::{Digest, Sha256};

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hash_hex(&sha256(bytes))
}

/// A hash as 64 lowercase hex digits, written at once (`hex::encode` goes
/// a character at a time, which shows when there are a million of them).
pub fn hash_hex(hash: &[u8; 32]) -> String {
    let mut digits = [0u8; 64];
    write_hash_hex(hash, &mut digits);
    String::from_utf8(digits.to_vec()).expect("hex digits are ASCII")
}

/// The two lowercase hex digits of every byte value.
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        pairs[byte] = [DIGITS[byte >> 4], DIGITS[byte & 0xf]];
        byte += 1;
    }
    pairs
};

/// Writes a hash as 64 lowercase hex digits into `out`, a byte's two
/// digits at a time: sealing writes one per record.
pub fn write_hash_hex(hash: &[u8; 32], out: &mut [u8; 64]) {
    for (pair, byte) in out.chunks_exact_mut(2).zip(hash) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(*byte)]);
    }
}

/// Whether `text` is 64 lowercase hex digits, the only accepted spelling of a hash.
pub fn is_hash_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The `prev` of the first ledger entry: 64 zeros.
pub const ZERO_HASH_HEX: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #[test]
        fn hash_hex_digits_are_hex_encode(hash in proptest::prelude::any::<[u8; 32]>()) {
            let mut digits = [0u8; 64];
            super::write_hash_hex(&hash, &mut digits);
            proptest::prop_assert_eq!(std::str::from_utf8(&digits).unwrap(), hex::encode(hash));
        }
    }

    #[test]
    fn hash_hex_is_hex_encode() {
        let hash = super::sha256(b"abc");
        assert_eq!(super::hash_hex(&hash), hex::encode(hash));
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
