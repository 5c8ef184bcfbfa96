//! Files a build keeps for the next one (the build state, the parse
//! cache's index): eight bytes naming the format, the CRC-32 of the rest,
//! then the postcard of a value. A file that is damaged, cut short or of
//! another format reads as nothing, and the build does the work again: a
//! postcard that still decodes could otherwise reuse outputs wrongly.

use std::io;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The bytes of `value` under `magic`.
pub fn seal<T: Serialize>(magic: &[u8; 8], value: &T) -> io::Result<Vec<u8>> {
    let body = postcard::to_stdvec(value).map_err(io::Error::other)?;
    let mut bytes = Vec::with_capacity(magic.len() + 4 + body.len());
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

/// The value [`seal`] put in `bytes` under `magic`, if they are intact.
pub fn open<T: DeserializeOwned>(magic: &[u8; 8], bytes: &[u8]) -> Option<T> {
    let rest = bytes.strip_prefix(magic)?;
    let (crc, body) = rest.split_first_chunk::<4>()?;
    (crc32fast::hash(body) == u32::from_le_bytes(*crc))
        .then(|| postcard::from_bytes(body).ok())
        .flatten()
}
