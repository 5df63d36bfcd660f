//! Which keys may sign at each point of the ledger, replayed from the entries
//! themselves: the genesis entry names the first key, `KEY_ADDED` entries
//! (`params.key`, `params.vkey`) add keys and `KEY_RETIRED` (`params.key`)
//! removes them. The store's `keys/` folder is never consulted here: an
//! attacker who can rewrite the store can rewrite that folder too.

use model::{Action, LedgerEntry};
use std::collections::BTreeMap;
use tlog::VerifierKey;

/// The life of one key.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    /// The verifier key recorded when the key was added.
    pub verifier: VerifierKey,
    /// The seq of the entry that added it (0 for the genesis key).
    pub added_at: u64,
    /// The seq of the entry that retired it, if any.
    pub retired_at: Option<u64>,
}

/// Why an entry's key event could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEventError(pub String);

/// The keys known so far and which of them are active.
#[derive(Debug, Clone, Default)]
pub struct KeyHistory {
    keys: BTreeMap<String, KeyRecord>,
    /// Names in the order they were added, for choosing the newest signer.
    order: Vec<String>,
}

impl KeyHistory {
    /// All keys ever added, by name.
    pub fn keys(&self) -> &BTreeMap<String, KeyRecord> {
        &self.keys
    }

    /// The key `name` if it is active now.
    pub fn active(&self, name: &str) -> Option<&VerifierKey> {
        self.keys
            .get(name)
            .filter(|k| k.retired_at.is_none())
            .map(|k| &k.verifier)
    }

    /// Active key names, newest first.
    pub fn active_newest_first(&self) -> Vec<&str> {
        self.order
            .iter()
            .rev()
            .filter(|n| self.active(n).is_some())
            .map(String::as_str)
            .collect()
    }

    /// Every verifier key ever recorded (checkpoints may be signed by a key
    /// that was later retired).
    pub fn all_verifiers(&self) -> Vec<VerifierKey> {
        self.keys.values().map(|k| k.verifier.clone()).collect()
    }

    /// Applies the key event carried by `entry`, if any. The caller has
    /// already checked that the entry is signed by an active key.
    pub fn apply(&mut self, entry: &LedgerEntry) -> Result<(), KeyEventError> {
        match entry.action {
            Action::LedgerInitialized => {
                if entry.seq != 0 {
                    return Err(KeyEventError(format!(
                        "LEDGER_INITIALIZED at seq {}, expected only at seq 0",
                        entry.seq
                    )));
                }
                let verifier = param_vkey(entry)?;
                if verifier.name() != entry.key {
                    return Err(KeyEventError(format!(
                        "genesis key {:?} differs from the entry's key {:?}",
                        verifier.name(),
                        entry.key
                    )));
                }
                self.add(verifier, 0)
            }
            Action::KeyAdded => self.add(param_vkey(entry)?, entry.seq),
            Action::KeyRetired => {
                let name = param_str(entry, "key")?;
                let Some(record) = self.keys.get_mut(name).filter(|k| k.retired_at.is_none()) else {
                    return Err(KeyEventError(format!(
                        "KEY_RETIRED names {name:?}, which is not an active key"
                    )));
                };
                record.retired_at = Some(entry.seq);
                if self.active_newest_first().is_empty() {
                    return Err(KeyEventError(format!("KEY_RETIRED {name:?} leaves no active key")));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn add(&mut self, verifier: VerifierKey, seq: u64) -> Result<(), KeyEventError> {
        let name = verifier.name().to_owned();
        if self.keys.contains_key(&name) {
            return Err(KeyEventError(format!(
                "key name {name:?} was already added; key names are never reused"
            )));
        }
        self.keys.insert(
            name.clone(),
            KeyRecord {
                verifier,
                added_at: seq,
                retired_at: None,
            },
        );
        self.order.push(name);
        Ok(())
    }
}

fn param_str<'a>(entry: &'a LedgerEntry, field: &str) -> Result<&'a str, KeyEventError> {
    entry
        .params
        .get(field)
        .and_then(|v| v.as_str())
        .ok_or_else(|| KeyEventError(format!("{} without a string params.{field}", entry.action)))
}

fn param_vkey(entry: &LedgerEntry) -> Result<VerifierKey, KeyEventError> {
    let name = param_str(entry, "key")?;
    let text = param_str(entry, "vkey")?;
    let verifier =
        VerifierKey::parse(text).map_err(|e| KeyEventError(format!("params.vkey is not a verifier key: {e}")))?;
    if verifier.name() != name {
        return Err(KeyEventError(format!(
            "params.vkey is for {:?}, params.key is {name:?}",
            verifier.name()
        )));
    }
    Ok(verifier)
}

/// The name `keys rotate` gives the next key: the current name with its
/// trailing number increased (`ledger-1` → `ledger-2`), or `-2` appended.
pub fn next_key_name(current: &str) -> String {
    let digits = current.bytes().rev().take_while(u8::is_ascii_digit).count();
    let (stem, number) = current.split_at(current.len() - digits);
    match number.parse::<u64>() {
        Ok(n) => format!("{stem}{}", n + 1),
        Err(_) => format!("{current}-2"),
    }
}

#[cfg(test)]
mod tests {
    use super::next_key_name;

    #[test]
    fn next_key_names() {
        for (current, next) in [
            ("ledger-1", "ledger-2"),
            ("k9", "k10"),
            ("alpha", "alpha-2"),
            ("a.b-099", "a.b-100"),
        ] {
            assert_eq!(next_key_name(current), next);
        }
    }
}
