//! Signed tokens: the page's `end_id` (and, for background callbacks, job handles).

use hmac::{Hmac, Mac};
use rand::distr::{Alphanumeric, SampleString};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Signs and verifies `value~hex(hmac(secret, scope \0 value))` tokens.
#[derive(Clone)]
pub struct Signer {
    secret: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    /// A signer with this secret.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Signer {
            secret: secret.into(),
        }
    }

    /// A signer with `DASH_SECRET_KEY` or, without it, a random per-process secret.
    pub fn from_env() -> Self {
        match std::env::var("DASH_SECRET_KEY") {
            Ok(key) if !key.is_empty() => Signer::new(key.into_bytes()),
            _ => Signer::new(
                Alphanumeric
                    .sample_string(&mut rand::rng(), 64)
                    .into_bytes(),
            ),
        }
    }

    fn mac(&self, scope: &str, value: &str) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(scope.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac
    }

    /// `value~signature`.
    ///
    /// ```
    /// use dash_runtime::server::Signer;
    /// let s = Signer::new("k");
    /// let token = s.sign("end", "abc");
    /// assert_eq!(s.verify("end", &token), Some("abc"));
    /// assert_eq!(s.verify("job", &token), None);
    /// ```
    pub fn sign(&self, scope: &str, value: &str) -> String {
        let sig = hex::encode(self.mac(scope, value).finalize().into_bytes());
        format!("{value}~{sig}")
    }

    /// The value of a token signed for `scope`, if the signature holds (constant-time check).
    pub fn verify<'a>(&self, scope: &str, token: &'a str) -> Option<&'a str> {
        let (value, sig) = token.rsplit_once('~')?;
        let sig = hex::decode(sig).ok()?;
        self.mac(scope, value).verify_slice(&sig).ok()?;
        Some(value)
    }

    /// A fresh page token for `_dash-config.end_id`.
    pub fn new_end_id(&self) -> String {
        let value = Alphanumeric.sample_string(&mut rand::rng(), 24);
        self.sign("end", &value)
    }
}
