//! Outlook's `winmail.dat` (`application/ms-tnef`, MS-OXTNEF): the files and the plain
//! text body packed inside it, so that they reach people like any other attachment.
//!
//! A small reader of the TNEF attribute stream, bounded by its input: every length is
//! checked against the bytes that remain, nothing is allocated beyond what the input
//! holds, and at most `MAX_ATTRIBUTES` attributes are read. What it cannot read ends the
//! reading; what was read by then is kept (the original file is kept regardless).

/// The first four bytes of every TNEF stream (little-endian 0x223E9F78).
const SIGNATURE: [u8; 4] = [0x78, 0x9f, 0x3e, 0x22];
/// The most attributes read from one stream.
const MAX_ATTRIBUTES: usize = 10_000;

/// `attBody`: the message's plain text, in the sender's code page.
const ATT_BODY: u32 = 0x0002_800c;
/// `attAttachRendData`: starts a new attachment.
const ATT_ATTACH_REND_DATA: u32 = 0x0006_9002;
/// `attAttachTitle`: an attachment's short (8.3) name.
const ATT_ATTACH_TITLE: u32 = 0x0001_8010;
/// `attAttachData`: an attachment's bytes.
const ATT_ATTACH_DATA: u32 = 0x0006_800f;
/// `attAttachment`: an attachment's MAPI properties (its long name, its MIME type).
const ATT_ATTACHMENT: u32 = 0x0006_9005;
/// `attMsgProps`: the message's MAPI properties (its body when `attBody` is absent).
const ATT_MSG_PROPS: u32 = 0x0006_9003;

/// `PR_ATTACH_LONG_FILENAME`.
const PR_ATTACH_LONG_FILENAME: u16 = 0x3707;
/// `PR_ATTACH_MIME_TAG`.
const PR_ATTACH_MIME_TAG: u16 = 0x370e;
/// `PR_BODY`.
const PR_BODY: u16 = 0x1000;

/// What a TNEF stream holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Unpacked {
    /// The plain text body, when the sender's Outlook put one in.
    pub text: Option<String>,
    /// The files, in order.
    pub files: Vec<PackedFile>,
}

/// One file packed in a TNEF stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedFile {
    /// Its name as Outlook gave it (long name when present), not yet made safe.
    pub name: String,
    /// Its MIME type when Outlook named one.
    pub content_type: Option<String>,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Whether `bytes` start like a TNEF stream.
pub fn is_tnef(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

/// Reads a TNEF stream; `None` when `bytes` are not one.
pub fn unpack(bytes: &[u8]) -> Option<Unpacked> {
    if !is_tnef(bytes) {
        return None;
    }
    let mut reader = Reader {
        bytes,
        at: SIGNATURE.len() + 2,
    };
    let mut unpacked = Unpacked::default();
    let mut current: Option<PackedFile> = None;
    let mut body_from_props = None;
    for _ in 0..MAX_ATTRIBUTES {
        let Some((id, data)) = reader.attribute() else {
            break;
        };
        match id {
            ATT_ATTACH_REND_DATA => {
                unpacked.files.extend(current.take());
                current = Some(PackedFile {
                    name: String::new(),
                    content_type: None,
                    bytes: Vec::new(),
                });
            }
            ATT_ATTACH_TITLE => {
                if let Some(file) = current.as_mut().filter(|f| f.name.is_empty()) {
                    file.name = ansi(data);
                }
            }
            ATT_ATTACH_DATA => {
                if let Some(file) = current.as_mut() {
                    file.bytes = data.to_vec();
                }
            }
            ATT_ATTACHMENT => {
                if let Some(file) = current.as_mut() {
                    let props = properties(data);
                    if let Some(name) = string_property(&props, PR_ATTACH_LONG_FILENAME) {
                        file.name = name;
                    }
                    file.content_type = string_property(&props, PR_ATTACH_MIME_TAG);
                }
            }
            ATT_BODY => unpacked.text = Some(ansi(data)),
            ATT_MSG_PROPS => body_from_props = string_property(&properties(data), PR_BODY),
            _ => {}
        }
    }
    unpacked.files.extend(current);
    unpacked
        .files
        .retain(|f| !f.bytes.is_empty() || !f.name.is_empty());
    for (at, file) in unpacked.files.iter_mut().enumerate() {
        if file.name.is_empty() {
            file.name = format!("attachment-{}", at + 1);
        }
    }
    if unpacked.text.is_none() {
        unpacked.text = body_from_props;
    }
    Some(unpacked)
}

/// A cursor over the stream that refuses to read past its end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    /// One attribute: level (message or attachment), id, length, data, checksum.
    fn attribute(&mut self) -> Option<(u32, &'a [u8])> {
        let _level = self.take(1)?;
        let id = self.u32()?;
        let length = self.u32()? as usize;
        let data = self.take(length)?;
        let _checksum = self.u16()?;
        Some((id, data))
    }

    /// A variable-length value of a MAPI property, padded to four bytes.
    fn padded(&mut self) -> Option<&'a [u8]> {
        let length = self.u32()? as usize;
        let value = self.take(length)?;
        self.take((4 - length % 4) % 4)?;
        Some(value)
    }
}

/// A MAPI property value, as far as Loket needs it.
enum Value<'a> {
    Ansi(&'a [u8]),
    Unicode(&'a [u8]),
    Other,
}

const PT_STRING8: u16 = 0x001e;
const PT_UNICODE: u16 = 0x001f;
const PT_BINARY: u16 = 0x0102;
const PT_OBJECT: u16 = 0x000d;
const MV_FLAG: u16 = 0x1000;

/// The properties of a MAPI property list (MS-OXTNEF 2.1.3.4), by id; stops at the first
/// one it cannot read.
fn properties(data: &[u8]) -> Vec<(u16, Value<'_>)> {
    let mut reader = Reader { bytes: data, at: 0 };
    let mut props = Vec::new();
    let Some(count) = reader.u32() else {
        return props;
    };
    for _ in 0..(count as usize).min(MAX_ATTRIBUTES) {
        match property(&mut reader) {
            Some(prop) => props.push(prop),
            None => break,
        }
    }
    props
}

fn property<'a>(reader: &mut Reader<'a>) -> Option<(u16, Value<'a>)> {
    let kind = reader.u16()?;
    let id = reader.u16()?;
    if id >= 0x8000 {
        // A named property: its GUID, then a number or a name.
        reader.take(16)?;
        match reader.u32()? {
            0 => {
                reader.u32()?;
            }
            _ => {
                reader.padded()?;
            }
        }
    }
    let base = kind & !MV_FLAG;
    let variable = matches!(base, PT_STRING8 | PT_UNICODE | PT_BINARY | PT_OBJECT);
    let count = if kind & MV_FLAG != 0 || variable {
        reader.u32()? as usize
    } else {
        1
    };
    let mut first = Value::Other;
    for at in 0..count.min(MAX_ATTRIBUTES) {
        let value = if variable {
            let bytes = reader.padded()?;
            match base {
                PT_STRING8 => Value::Ansi(bytes),
                PT_UNICODE => Value::Unicode(bytes),
                _ => Value::Other,
            }
        } else {
            reader.take(fixed_size(base)?)?;
            Value::Other
        };
        if at == 0 {
            first = value;
        }
    }
    Some((id, first))
}

/// The size of a fixed-length MAPI type, padded to four bytes; `None` for a type this
/// reader does not know (the list cannot be read past it).
fn fixed_size(kind: u16) -> Option<usize> {
    match kind {
        0x0001 | 0x0002 | 0x0003 | 0x0004 | 0x000a | 0x000b => Some(4),
        0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => Some(8),
        0x0048 => Some(16),
        _ => None,
    }
}

fn string_property(props: &[(u16, Value<'_>)], id: u16) -> Option<String> {
    let text = props
        .iter()
        .find(|(p, _)| *p == id)
        .and_then(|(_, value)| match value {
            Value::Ansi(bytes) => Some(ansi(bytes)),
            Value::Unicode(bytes) => Some(utf16(bytes)),
            Value::Other => None,
        })?;
    (!text.is_empty()).then_some(text)
}

/// An 8-bit string without its terminating NUL: UTF-8 when it is, else Windows-1252,
/// Outlook's code page in the West and in Indonesia.
fn ansi(bytes: &[u8]) -> String {
    let bytes = bytes.split(|b| *b == 0).next().unwrap_or_default();
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// A UTF-16LE string without its terminating NUL.
fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|u| *u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a TNEF stream from attributes (level, id, data), with valid checksums.
    pub(crate) fn stream(attributes: &[(u8, u32, Vec<u8>)]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        out.extend(0x0001u16.to_le_bytes());
        for (level, id, data) in attributes {
            out.push(*level);
            out.extend(id.to_le_bytes());
            out.extend((data.len() as u32).to_le_bytes());
            out.extend(data);
            let sum = data.iter().fold(0u16, |s, b| s.wrapping_add(*b as u16));
            out.extend(sum.to_le_bytes());
        }
        out
    }

    /// A MAPI property list with unicode string properties (and one fixed one first).
    pub(crate) fn unicode_props(props: &[(u16, &str)]) -> Vec<u8> {
        let mut out = ((props.len() + 1) as u32).to_le_bytes().to_vec();
        // PR_ATTACH_METHOD (PT_LONG) = 1, to walk past a fixed-size value.
        out.extend(0x0003u16.to_le_bytes());
        out.extend(0x3705u16.to_le_bytes());
        out.extend(1u32.to_le_bytes());
        for (id, text) in props {
            out.extend(PT_UNICODE.to_le_bytes());
            out.extend(id.to_le_bytes());
            out.extend(1u32.to_le_bytes());
            let mut value: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            value.extend([0, 0]);
            out.extend((value.len() as u32).to_le_bytes());
            let pad = (4 - value.len() % 4) % 4;
            out.extend(value);
            out.extend(std::iter::repeat_n(0, pad));
        }
        out
    }

    /// What Outlook sends: a body, a file with only a short name and one with a long
    /// name and a MIME type in its properties.
    pub(crate) fn outlook_winmail() -> Vec<u8> {
        stream(&[
            (1, 0x0009_8008, b"IPM.Microsoft Mail.Note\0".to_vec()),
            (
                1,
                ATT_BODY,
                b"Printer di lantai 3 macet lagi.\r\n\0".to_vec(),
            ),
            (2, ATT_ATTACH_REND_DATA, vec![1, 0, 0, 0, 0, 0, 0, 0]),
            (2, ATT_ATTACH_TITLE, b"FOTO.JPG\0".to_vec()),
            (2, ATT_ATTACH_DATA, b"\xff\xd8\xff\xe0 jpeg".to_vec()),
            (2, ATT_ATTACH_REND_DATA, vec![1, 0, 0, 0, 0, 0, 0, 0]),
            (2, ATT_ATTACH_TITLE, b"LAPORA~1.PDF\0".to_vec()),
            (2, ATT_ATTACH_DATA, b"%PDF-1.4 laporan".to_vec()),
            (
                2,
                ATT_ATTACHMENT,
                unicode_props(&[
                    (PR_ATTACH_LONG_FILENAME, "Laporan Kerusakan — Lantai 3.pdf"),
                    (PR_ATTACH_MIME_TAG, "application/pdf"),
                ]),
            ),
        ])
    }

    #[test]
    fn files_and_body_come_out_with_long_names() {
        let unpacked = unpack(&outlook_winmail()).expect("a TNEF stream");
        assert_eq!(
            unpacked.text.as_deref(),
            Some("Printer di lantai 3 macet lagi.\r\n")
        );
        assert_eq!(unpacked.files.len(), 2);
        assert_eq!(unpacked.files[0].name, "FOTO.JPG");
        assert_eq!(unpacked.files[0].bytes, b"\xff\xd8\xff\xe0 jpeg");
        assert_eq!(unpacked.files[0].content_type, None);
        assert_eq!(unpacked.files[1].name, "Laporan Kerusakan — Lantai 3.pdf");
        assert_eq!(unpacked.files[1].bytes, b"%PDF-1.4 laporan");
        assert_eq!(
            unpacked.files[1].content_type.as_deref(),
            Some("application/pdf")
        );
    }

    #[test]
    fn the_body_may_come_from_the_message_properties() {
        let winmail = stream(&[(
            1,
            ATT_MSG_PROPS,
            unicode_props(&[(PR_BODY, "Halo, tolong cek.")]),
        )]);
        let unpacked = unpack(&winmail).expect("a TNEF stream");
        assert_eq!(unpacked.text.as_deref(), Some("Halo, tolong cek."));
        assert!(unpacked.files.is_empty());
    }

    #[test]
    fn a_cut_or_lying_stream_gives_what_was_read_and_never_panics() {
        let whole = outlook_winmail();
        for end in 0..whole.len() {
            let _ = unpack(&whole[..end]);
        }
        // Cut inside the second file: the first is whole, the second not taken.
        let cut = &whole[..whole.len() - 60];
        let unpacked = unpack(cut).expect("a TNEF stream");
        assert_eq!(unpacked.files[0].name, "FOTO.JPG");
        assert!(unpacked.files.len() <= 2);
        // A length far past the end is refused, not allocated: the file whose bytes
        // cannot be read is not made up (the winmail.dat itself is kept).
        let mut lying = stream(&[(2, ATT_ATTACH_REND_DATA, vec![0; 8])]);
        lying.extend([2]);
        lying.extend(ATT_ATTACH_DATA.to_le_bytes());
        lying.extend(u32::MAX.to_le_bytes());
        assert!(unpack(&lying).expect("a TNEF stream").files.is_empty());
        assert_eq!(unpack(b"not tnef at all"), None);
    }

    #[test]
    fn eight_bit_names_in_the_windows_code_page_are_read() {
        let winmail = stream(&[
            (2, ATT_ATTACH_REND_DATA, vec![0; 8]),
            (2, ATT_ATTACH_TITLE, b"caf\xe9.txt\0".to_vec()),
            (2, ATT_ATTACH_DATA, b"x".to_vec()),
        ]);
        assert_eq!(unpack(&winmail).expect("tnef").files[0].name, "café.txt");
    }
}
