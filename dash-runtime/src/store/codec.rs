//! How typed values become stored bytes: one header byte, then MessagePack (rmp-serde, with
//! field names, so `serde_json::Value`, untagged enums and `#[serde(flatten)]` round-trip),
//! zstd-compressed when the encoding is larger than the store's `compress_above`.
//!
//! ```
//! use dash_runtime::store::codec;
//!
//! let value = serde_json::json!({"rows": [1, 2.5, "three", null]});
//! let bytes = codec::encode(&value, 64 * 1024).unwrap();
//! let back: serde_json::Value = codec::decode(&bytes).unwrap();
//! assert_eq!(back, value);
//! ```

use std::io::Read;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::StoreError;

/// Header: MessagePack.
pub(crate) const MSGPACK: u8 = 1;
/// Header: zstd-compressed MessagePack.
pub(crate) const MSGPACK_ZSTD: u8 = 2;
/// Header: an Arrow IPC file (a polars `DataFrame`).
#[cfg_attr(not(feature = "polars"), allow(dead_code))]
pub(crate) const ARROW_IPC: u8 = 3;
/// Header: a zstd-compressed Arrow IPC file.
#[cfg_attr(not(feature = "polars"), allow(dead_code))]
pub(crate) const ARROW_IPC_ZSTD: u8 = 4;

/// zstd level: fast (a 100 MB value compresses in a fraction of a second).
const ZSTD_LEVEL: i32 = 1;

/// The most bytes a compressed value may expand to when decoded (a guard against corrupt or
/// hostile stored bytes).
const MAX_DECODED: u64 = 4 << 30;

/// Encode `value` as stored bytes; compressed with zstd when the encoding is larger than
/// `compress_above` bytes (and compression makes it smaller).
///
/// ```
/// use dash_runtime::store::codec;
///
/// let small = codec::encode(&vec![1u8; 10], 1024).unwrap();
/// let big = codec::encode(&vec![0u32; 100_000], 1024).unwrap();
/// assert!(big.len() < 10_000); // zeros compress well
/// assert_eq!(codec::decode::<Vec<u32>>(&big).unwrap().len(), 100_000);
/// # let _ = small;
/// ```
pub fn encode<T: Serialize + ?Sized>(
    value: &T,
    compress_above: usize,
) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(64);
    out.push(MSGPACK);
    rmp_serde::encode::write_named(&mut out, value)
        .map_err(|e| StoreError::Codec(e.to_string()))?;
    Ok(compress(out, compress_above, MSGPACK_ZSTD))
}

/// Decode stored bytes made by [`encode`] into `T`.
///
/// Bytes without a known header, or that do not hold a `T`, are a [`StoreError::Codec`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    let (header, body) = split(bytes)?;
    match header {
        MSGPACK => from_msgpack(body),
        MSGPACK_ZSTD => from_msgpack(&decompress(body)?),
        ARROW_IPC | ARROW_IPC_ZSTD => Err(StoreError::Codec(
            "the stored value is a DataFrame (Arrow IPC): read it as store::Frame".to_owned(),
        )),
        other => Err(StoreError::Codec(format!("unknown value header {other}"))),
    }
}

fn from_msgpack<T: DeserializeOwned>(body: &[u8]) -> Result<T, StoreError> {
    rmp_serde::from_slice(body).map_err(|e| StoreError::Codec(e.to_string()))
}

/// The header byte and the rest.
pub(crate) fn split(bytes: &[u8]) -> Result<(u8, &[u8]), StoreError> {
    match bytes.split_first() {
        Some((header, body)) => Ok((*header, body)),
        None => Err(StoreError::Codec("empty stored value".to_owned())),
    }
}

/// `encoded` (header byte first) compressed under `header` when larger than `above` and
/// compression pays; else `encoded` unchanged.
pub(crate) fn compress(encoded: Vec<u8>, above: usize, header: u8) -> Vec<u8> {
    if encoded.len() <= above.max(1) {
        return encoded;
    }
    match zstd::bulk::compress(&encoded[1..], ZSTD_LEVEL) {
        Ok(compressed) if compressed.len() + 1 < encoded.len() => {
            let mut out = Vec::with_capacity(compressed.len() + 1);
            out.push(header);
            out.extend_from_slice(&compressed);
            out
        }
        _ => encoded,
    }
}

/// Decompress a zstd frame, bounded by [`MAX_DECODED`].
pub(crate) fn decompress(body: &[u8]) -> Result<Vec<u8>, StoreError> {
    let decoder =
        zstd::stream::read::Decoder::new(body).map_err(|e| StoreError::Codec(e.to_string()))?;
    let mut out = Vec::new();
    decoder
        .take(MAX_DECODED + 1)
        .read_to_end(&mut out)
        .map_err(|e| StoreError::Codec(format!("zstd: {e}")))?;
    if out.len() as u64 > MAX_DECODED {
        return Err(StoreError::Codec(
            "compressed value expands beyond 4 GiB".to_owned(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Number(f64),
        Text(String),
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Row {
        name: String,
        #[serde(default)]
        tags: Vec<String>,
        loose: Vec<Loose>,
    }

    #[test]
    fn typed_values_round_trip() {
        let row = Row {
            name: "a".into(),
            tags: vec!["x".into()],
            loose: vec![Loose::Number(1.5), Loose::Text("t".into())],
        };
        let bytes = encode(&row, 1024).unwrap();
        assert_eq!(bytes[0], MSGPACK);
        assert_eq!(decode::<Row>(&bytes).unwrap(), row);
        let json = serde_json::json!({"a": [1, -2, 3.25, true, null, {"b": "c"}], "u": u64::MAX});
        assert_eq!(
            decode::<serde_json::Value>(&encode(&json, 0).unwrap()).unwrap(),
            json
        );
    }

    #[test]
    fn large_values_are_compressed_and_small_ones_not() {
        let text = "y".repeat(100_000);
        let bytes = encode(&text, 1000).unwrap();
        assert_eq!(bytes[0], MSGPACK_ZSTD);
        assert!(bytes.len() < 1000);
        assert_eq!(decode::<String>(&bytes).unwrap(), text);
        assert_eq!(encode(&text, 200_000).unwrap()[0], MSGPACK);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(matches!(decode::<String>(&[]), Err(StoreError::Codec(_))));
        assert!(matches!(
            decode::<String>(&[9, 1, 2]),
            Err(StoreError::Codec(_))
        ));
        assert!(matches!(
            decode::<String>(&[MSGPACK_ZSTD, 1, 2, 3]),
            Err(StoreError::Codec(_))
        ));
        assert!(matches!(
            decode::<u8>(&encode("text", 10).unwrap()),
            Err(StoreError::Codec(_))
        ));
    }
}
