//! Memo keys: SHA-256 over length-prefixed parts, so no two part lists hash alike by accident.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Builds one key from its parts.
pub(crate) struct KeyHasher {
    hash: Sha256,
}

impl KeyHasher {
    /// A hasher for keys of `domain` (`callback`, `function`): domains never share keys.
    pub(crate) fn new(domain: &str) -> Self {
        let mut hasher = KeyHasher {
            hash: Sha256::new(),
        };
        hasher.bytes(b"dash-rs memo v1");
        hasher.bytes(domain.as_bytes());
        hasher
    }

    /// Add one part.
    pub(crate) fn bytes(&mut self, part: &[u8]) -> &mut Self {
        self.hash.update((part.len() as u64).to_le_bytes());
        self.hash.update(part);
        self
    }

    /// Add one part as JSON (object keys come sorted: serde_json keeps maps in key order).
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, part: &T) -> &mut Self {
        match serde_json::to_vec(part) {
            Ok(bytes) => self.bytes(&bytes),
            // Only maps with non-string keys fail, and request values have none.
            Err(_) => self.bytes(b"\xff"),
        }
    }

    /// The key: `memo:<domain tag>:<hex>`.
    pub(crate) fn finish(&self, tag: &str) -> String {
        format!("memo:{tag}:{}", hex::encode(self.hash.clone().finalize()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited() {
        let a = KeyHasher::new("x").bytes(b"ab").bytes(b"c").finish("t");
        let b = KeyHasher::new("x").bytes(b"a").bytes(b"bc").finish("t");
        assert_ne!(a, b);
        assert!(a.starts_with("memo:t:"));
        let c = KeyHasher::new("y").bytes(b"ab").bytes(b"c").finish("t");
        assert_ne!(a, c);
    }
}
