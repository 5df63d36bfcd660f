//! Helpers shared by the fuzz targets: a JSON comparison that treats numbers
//! as values, a tiny byte reader, and RFC 9162 reference implementations that
//! the `tlog` crate's stored-hash algorithms are checked against.

use serde_json::Value;
use tlog::{Hash, leaf_hash, node_hash};

/// JSON equality where two numbers are equal when they denote the same value.
///
/// `serde_json::Value`'s own `==` is too strict for a canonicalization round
/// trip: `1.0` parses as a float and its canonical form `1` as an integer, and
/// the two `Number`s compare unequal although RFC 8785 defines them as the
/// same IEEE double. Integers are compared exactly when both sides are
/// integers, otherwise both are compared as f64 (`-0.0 == 0.0`, as RFC 8785
/// writes `-0` as `0`).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                return x == y;
            }
            if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                return x == y;
            }
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, value)| y.get(key).is_some_and(|other| json_eq(value, other)))
        }
        _ => a == b,
    }
}

/// Reads fuzz bytes front to back; past the end it yields zeros.
#[derive(Debug)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((first, rest)) => {
                self.0 = rest;
                *first
            }
            None => 0,
        }
    }

    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| (acc << 8) | u64::from(self.u8()))
    }

    pub fn hash(&mut self) -> Hash {
        std::array::from_fn(|_| self.u8())
    }

    pub fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Largest power of two strictly below `n` (n >= 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162 §2.1.1 `MTH(D[n])` over leaf hashes, by the recursive definition.
pub fn ref_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => tlog::empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&ref_root(&leaves[..k]), &ref_root(&leaves[k..]))
        }
    }
}

/// RFC 9162 §2.1.3.1 `PATH(m, D[n])`, by the recursive definition.
pub fn ref_path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut path = ref_path(m, &leaves[..k]);
        path.push(ref_root(&leaves[k..]));
        path
    } else {
        let mut path = ref_path(m - k, &leaves[k..]);
        path.push(ref_root(&leaves[..k]));
        path
    }
}

/// RFC 9162 §2.1.4.1 `PROOF(m, D[n])` = `SUBPROOF(m, D[n], true)`.
pub fn ref_consistency(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    fn subproof(m: usize, leaves: &[Hash], b: bool) -> Vec<Hash> {
        let n = leaves.len();
        if m == n {
            return if b { Vec::new() } else { vec![ref_root(leaves)] };
        }
        let k = split(n);
        if m <= k {
            let mut proof = subproof(m, &leaves[..k], b);
            proof.push(ref_root(&leaves[k..]));
            proof
        } else {
            let mut proof = subproof(m - k, &leaves[k..], false);
            proof.push(ref_root(&leaves[..k]));
            proof
        }
    }
    subproof(m, leaves, true)
}

/// Leaf hashes of `count` distinct records (record `i` starts with byte `i`),
/// and the stored-hash layout built from them with the crate's own code.
pub fn build_log(count: usize, salt: &[u8]) -> (Vec<Hash>, Vec<Hash>) {
    assert!(count <= 256, "records are told apart by their first byte");
    let mut leaves = Vec::with_capacity(count);
    let mut stored: Vec<Hash> = Vec::new();
    for i in 0..count {
        let mut record = vec![i as u8];
        record.extend_from_slice(salt);
        let leaf = leaf_hash(&record);
        let hashes = tlog::stored_hashes_for_record(i as u64, leaf, &stored).expect("appending to an in-memory log");
        assert_eq!(hashes[0], leaf, "first stored hash of a record is its leaf");
        stored.extend(hashes);
        leaves.push(leaf);
    }
    (leaves, stored)
}
