//! What a forward to an outside specialist carries: the conversation as readable text and
//! the customer's original attachments, read from the store.

use super::compose::FileAttachment;
use crate::calendar::Calendar;
use crate::mail::files;
use crate::store::{self, Direction, MessageKind, MessageRecord, Store};
use crate::types::{Language, TicketId};
use crate::words;

/// The most attachment bytes one forward carries; later files are listed, not attached.
const MAX_ATTACHED_BYTES: usize = 20 * 1024 * 1024;

/// The conversation of a ticket as text (customer mails and agents' public answers, not
/// internal notes), and the attachments of the customer's mails.
pub fn conversation(
    store: &Store,
    ticket: TicketId,
    reader: &Reader<'_>,
) -> store::Result<(String, Vec<FileAttachment>)> {
    read(store, ticket, true, reader)
}

/// Every file of a ticket's mails (customers' and agents' alike), as many as fit one
/// mail; the others are named in the returned text with the command that fetches them.
pub fn ticket_files(
    store: &Store,
    ticket: TicketId,
    reader: &Reader<'_>,
) -> store::Result<(String, Vec<FileAttachment>)> {
    let mut text = String::new();
    let mut gathered = Gathered::default();
    for message in store.messages(ticket)? {
        for file in message_files(store, &message)? {
            if let Some(left) = gathered.take(file) {
                text.push_str(&words::not_attached(&left.name, reader.language));
                text.push_str(&format!(" loket attachment list {ticket}\n"));
            }
        }
    }
    let files = gathered.files;
    if files.is_empty() && text.is_empty() {
        text.push_str(match reader.language {
            Language::En => "This ticket has no files.\n",
            Language::Id => "Tiket ini tidak punya berkas.\n",
        });
    }
    Ok((text, files))
}

/// The files of a stored message, read from its raw bytes: only mail that came in keeps
/// them, and of those only the ones its record lists (the intake's limits refused the
/// others, which stay in the raw mail).
pub fn message_files(store: &Store, message: &MessageRecord) -> store::Result<Vec<FileAttachment>> {
    if message.direction != Direction::Inbound || message.attachments.is_empty() {
        return Ok(Vec::new());
    }
    let raw = store
        .raw_message(message.ticket, message.seq)?
        .unwrap_or_default();
    Ok(listed(files::attachments(&raw), &message.attachments))
}

/// Of a mail's files in order, those that `listed` names (name and size, in the same
/// order): the record lists the files taken, a subsequence of all.
fn listed(all: Vec<FileAttachment>, listed: &[(String, usize)]) -> Vec<FileAttachment> {
    let mut wanted = listed.iter().peekable();
    all.into_iter()
        .filter(|file| {
            let next = wanted.peek();
            let is_next =
                next.is_some_and(|(name, size)| *name == file.name && *size == file.bytes.len());
            if is_next {
                wanted.next();
            }
            is_next
        })
        .collect()
}

/// Files gathered for one outgoing mail, up to `MAX_ATTACHED_BYTES` in all.
#[derive(Default)]
struct Gathered {
    files: Vec<FileAttachment>,
    bytes: usize,
}

impl Gathered {
    /// Takes `file` when it still fits; hands it back when it does not, to be named.
    fn take(&mut self, file: FileAttachment) -> Option<FileAttachment> {
        if self.bytes + file.bytes.len() > MAX_ATTACHED_BYTES {
            return Some(file);
        }
        self.bytes += file.bytes.len();
        self.files.push(file);
        None
    }
}

/// Who reads the conversation: their language, and the desk's calendar for its dates.
pub struct Reader<'a> {
    /// The reader's language.
    pub language: Language,
    /// The desk's calendar (its time zone).
    pub calendar: &'a Calendar,
}

/// The conversation as text only (a lead's report carries no attachments, so the raw
/// mails are not read).
pub fn history(store: &Store, ticket: TicketId, reader: &Reader<'_>) -> store::Result<String> {
    read(store, ticket, false, reader).map(|(text, _)| text)
}

fn read(
    store: &Store,
    ticket: TicketId,
    with_attachments: bool,
    reader: &Reader<'_>,
) -> store::Result<(String, Vec<FileAttachment>)> {
    let language = reader.language;
    let mut text = format!("\n{}\n", words::conversation_heading(language));
    let mut gathered = Gathered::default();
    for message in store.messages(ticket)? {
        // The customer's mails, and the agents' answers as the customer got them (not the
        // agents' own mails to Loket, with their commands and quoted notifications).
        let public = match message.direction {
            Direction::Inbound => message.kind == MessageKind::Customer,
            Direction::Outbound => message.kind == MessageKind::Agent,
        };
        if !public {
            continue;
        }
        let from = message
            .from
            .as_ref()
            .map_or("unknown".to_string(), ToString::to_string);
        let date = words::date_time(message.date, reader.calendar, language);
        text.push_str(&format!(
            "\n{}\n{}\n",
            words::attribution(&date, &from, language),
            message.new_text().trim_end()
        ));
        if with_attachments {
            for file in message_files(store, &message)? {
                if let Some(left) = gathered.take(file) {
                    text.push_str(&words::not_attached(&left.name, language));
                    text.push('\n');
                }
            }
        }
    }
    Ok((text, gathered.files))
}
