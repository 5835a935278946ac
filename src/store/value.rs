//! How values sit in sled: small ones as they are, larger ones compressed with zstd,
//! and what is still too large in the journal, referred to by hash.
//!
//! sled 0.34 writes a page bigger than a quarter of its 512 KiB segment to a file of its
//! own under `blobs/`, with no fsync, while the log that points to it may be synced
//! first: after a power cut such a store does not open. A leaf page holds at most 17
//! entries (sled splits at 16), so with every value at most `MAX_INLINE` bytes and every
//! key at most `keys::MAX_KEY` bytes no page comes near that size, and sled never writes
//! a blob file. What is larger goes to the journal, durably, before the commit that
//! refers to it.

use super::codec::ZSTD_MAGIC;
use super::journal::MailHash;

/// The largest value kept inline in sled.
pub const MAX_INLINE: usize = 4096;

/// Values longer than this are kept compressed. Records are mostly text, which zstd
/// shrinks three- to fivefold, so that even long mails' records stay inline: moving a
/// value to the journal costs an fdatasync in the worker.
pub const COMPRESS_ABOVE: usize = 1024;

/// How a reference starts: 0xFF never starts JSON (or any UTF-8 text), nor a zstd frame.
const MARKER: [u8; 2] = [0xFF, b'J'];

/// The sled value that refers to a journal file.
pub fn reference(hash: &MailHash) -> Vec<u8> {
    let mut value = MARKER.to_vec();
    value.extend_from_slice(&hash.0);
    value
}

/// The journal file a value refers to, if it is a reference.
pub fn referenced(value: &[u8]) -> Option<MailHash> {
    let rest = value.strip_prefix(&MARKER)?;
    Some(MailHash(rest.try_into().ok()?))
}

/// Whether bytes may be stored inline as they are.
pub fn fits_inline(bytes: &[u8]) -> bool {
    bytes.len() <= MAX_INLINE && bytes.first() != Some(&0xFF) && !bytes.starts_with(&ZSTD_MAGIC)
}

/// Whether a value is in its stored form already (compressed or a reference): what an
/// interrupted migration finds done.
pub fn is_packed(value: &[u8]) -> bool {
    referenced(value).is_some() || value.starts_with(&ZSTD_MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_reads_back_and_nothing_inline_looks_like_one() {
        let hash = MailHash::of(b"mail");
        assert_eq!(referenced(&reference(&hash)), Some(hash));
        assert_eq!(referenced(br#"{"id":1}"#), None);
        assert!(
            !fits_inline(&reference(&hash)),
            "a reference is never stored as text"
        );
        assert!(!fits_inline(&vec![b'a'; MAX_INLINE + 1]));
        assert!(fits_inline(&vec![b'a'; MAX_INLINE]));
    }
}
