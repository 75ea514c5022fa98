//! polars DataFrames as Arrow IPC (feature `polars`): no JSON on the way.

use std::io::Cursor;

use polars::prelude::{DataFrame, IpcReader, IpcWriter, SerReader, SerWriter};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::codec::{self, ARROW_IPC, ARROW_IPC_ZSTD};
use super::StoreError;

/// A polars `DataFrame` that the store keeps as an Arrow IPC file.
///
/// Serialised with serde it is one byte string holding the IPC file, so `Frame` works as a
/// typed store value (`store.put(key, &frame, ..)`, `Serverside<Frame>`) at the cost of one
/// MessagePack header; [`Frame::encode`] / [`Frame::decode`] give the stored bytes directly.
///
/// ```
/// use dash_runtime::store::Frame;
/// use polars::prelude::*;
///
/// let df = df!("x" => [1.0, 2.0], "y" => ["a", "b"]).unwrap();
/// let bytes = Frame(df.clone()).encode(64 * 1024).unwrap();
/// assert!(Frame::decode(&bytes).unwrap().0.equals(&df));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Frame(pub DataFrame);

impl Frame {
    /// The frame as an Arrow IPC file.
    pub fn to_ipc(&self) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::new();
        let mut df = self.0.clone();
        IpcWriter::new(&mut out)
            .finish(&mut df)
            .map_err(|e| StoreError::Codec(format!("Arrow IPC: {e}")))?;
        Ok(out)
    }

    /// A frame from an Arrow IPC file.
    pub fn from_ipc(bytes: &[u8]) -> Result<Frame, StoreError> {
        IpcReader::new(Cursor::new(bytes))
            .finish()
            .map(Frame)
            .map_err(|e| StoreError::Codec(format!("Arrow IPC: {e}")))
    }

    /// Stored bytes: a header byte and the IPC file, zstd-compressed above `compress_above`.
    pub fn encode(&self, compress_above: usize) -> Result<Vec<u8>, StoreError> {
        let ipc = self.to_ipc()?;
        let mut out = Vec::with_capacity(ipc.len() + 1);
        out.push(ARROW_IPC);
        out.extend_from_slice(&ipc);
        Ok(codec::compress(out, compress_above, ARROW_IPC_ZSTD))
    }

    /// A frame from bytes made by [`encode`](Self::encode), or by [`codec::encode`] of a
    /// `Frame`.
    pub fn decode(bytes: &[u8]) -> Result<Frame, StoreError> {
        let (header, body) = codec::split(bytes)?;
        match header {
            ARROW_IPC => Frame::from_ipc(body),
            ARROW_IPC_ZSTD => Frame::from_ipc(&codec::decompress(body)?),
            _ => codec::decode(bytes),
        }
    }

    /// The frame.
    pub fn into_inner(self) -> DataFrame {
        self.0
    }
}

impl From<DataFrame> for Frame {
    fn from(df: DataFrame) -> Self {
        Frame(df)
    }
}

impl Serialize for Frame {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ipc = self.to_ipc().map_err(serde::ser::Error::custom)?;
        serializer.serialize_bytes(&ipc)
    }
}

impl<'de> Deserialize<'de> for Frame {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Frame;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an Arrow IPC file as bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Frame, E> {
                Frame::from_ipc(v).map_err(E::custom)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Frame, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    bytes.push(b);
                }
                Frame::from_ipc(&bytes).map_err(serde::de::Error::custom)
            }
        }
        deserializer.deserialize_bytes(Visit)
    }
}
