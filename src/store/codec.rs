//! zstd for the store: one compression for journal files and large sled values, with a
//! context kept per thread (making one costs more than compressing a few KiB).

use std::cell::RefCell;
use std::io;

/// How a zstd frame starts: never the start of JSON or of a mail's header.
pub const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// zstd level for everything the store compresses: mail is written once and read
/// rarely, and level 1 keeps the worker and the intake fast while still halving text.
const LEVEL: i32 = 1;

/// Compresses with a context kept per thread (making one costs more than compressing a
/// few KiB).
pub fn compress(bytes: &[u8]) -> io::Result<Vec<u8>> {
    thread_local! {
        static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    }
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(zstd::bulk::Compressor::new(LEVEL)?);
        }
        cell.as_mut().expect("made above").compress(bytes)
    })
}

/// Decompresses one zstd frame as `compress` writes it.
pub fn decompress(frame: &[u8]) -> io::Result<Vec<u8>> {
    thread_local! {
        static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
    }
    // The frame says its size; a damaged one must not make us allocate whatever it says.
    let size = zstd::zstd_safe::get_frame_content_size(frame)
        .ok()
        .flatten();
    let Some(size) = size.filter(|s| *s <= 1 << 28).map(|s| s as usize) else {
        return zstd::stream::decode_all(frame);
    };
    DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = Some(zstd::bulk::Decompressor::new()?);
        }
        cell.as_mut().expect("made above").decompress(frame, size)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_bytes_come_back_and_start_as_a_zstd_frame() {
        let text = "Printer di lantai 3 macet lagi.\n".repeat(100);
        let frame = compress(text.as_bytes()).expect("compresses");
        assert!(frame.starts_with(&ZSTD_MAGIC) && frame.len() < text.len() / 10);
        assert_eq!(decompress(&frame).expect("decompresses"), text.as_bytes());
        assert!(decompress(b"not zstd at all").is_err());
    }
}
