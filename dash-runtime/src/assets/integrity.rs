//! Subresource Integrity (`sha512-<base64>`) of tarballs, and sha256 of served files.

use base64::Engine as _;
use sha2::{Digest, Sha256, Sha512};

use super::error::AssetError;
use super::packages::Package;

/// The SRI string (`sha512-…`) of `bytes`, as npm writes it in `dist.integrity`.
pub fn sri_sha512(bytes: &[u8]) -> String {
    let digest = Sha512::digest(bytes);
    format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Checks a tarball against the package's pinned integrity hash.
pub fn check_tarball(package: &Package, bytes: &[u8]) -> Result<(), AssetError> {
    let actual = sri_sha512(bytes);
    // An SRI value may list several hashes; ours pins exactly one sha512.
    let matches = package
        .integrity
        .split_whitespace()
        .any(|expected| expected == actual);
    if matches {
        Ok(())
    } else {
        Err(AssetError::Integrity {
            package: package.spec(),
            expected: package.integrity.to_string(),
            actual,
        })
    }
}

/// Lower-case hex sha256 of `bytes` (the manifest's per-file hash and the ETag).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_of_known_input() {
        // sha512("") is a published constant.
        assert_eq!(
            sri_sha512(b""),
            "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
        );
    }

    #[test]
    fn mismatch_is_reported() {
        let package = Package {
            name: "x",
            version: "1.0.0",
            integrity: "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
            fingerprint_version: "1.0.0",
            mounts: &[],
        };
        assert!(check_tarball(&package, b"").is_ok());
        let err = check_tarball(&package, b"tampered").unwrap_err();
        assert!(matches!(err, AssetError::Integrity { .. }), "{err}");
    }
}
