//! The right to be forgotten and the retention of raw mail: erasing a person from every
//! record, dropping raw mail of long-closed tickets, removing journal files nothing
//! refers to any more, and rewriting sled's files so that overwritten bytes leave them.

use super::records::{Direction, MessageRecord, OutboxState};
use super::{keys, value, Error, Result, Store};
use crate::engine::{Happening, HistoryEntry, Ticket};
use crate::types::{Contact, EmailAddress, TicketId, Timestamp};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// What stands for an erased address.
pub const ERASED_ADDRESS: &str = "erased@forgotten.invalid";
/// What stands for erased text and names.
pub const ERASED: &str = "(erased)";
/// What stands for the bytes of a sent mail that retention dropped.
const DROPPED: &str = "(dropped after retention.closed_raw_after)";

/// What `forget` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// The tickets the person appeared on.
    pub tickets: Vec<TicketId>,
    /// Messages whose content was erased.
    pub messages: usize,
    /// Outgoing mails erased (those not yet sent are not sent).
    pub outbox: usize,
    /// Quarantined mails removed.
    pub quarantined: usize,
}

/// What a person is known by: their address and every name they wrote under.
struct Person {
    address: String,
    names: Vec<String>,
}

impl Person {
    /// `text` with the address and the names replaced.
    fn scrub(&self, text: &str) -> String {
        let mut out = replace_ignoring_case(text, &self.address, ERASED_ADDRESS);
        for name in &self.names {
            out = replace_words(&out, name, ERASED);
        }
        out
    }

    fn scrub_json(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.scrub(text),
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::Object(fields) => fields.values_mut().for_each(|v| self.scrub_json(v)),
            _ => {}
        }
    }

    fn is(&self, address: &EmailAddress) -> bool {
        address.as_str().eq_ignore_ascii_case(&self.address)
    }
}

fn replace_ignoring_case(text: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return text.to_string();
    }
    let lower = text.to_lowercase();
    let needle = needle.to_lowercase();
    if lower.len() != text.len() {
        // Lower-casing changed lengths (non-ASCII); fall back to an exact match.
        return text.replace(&needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = lower[at..].find(&needle) {
        out.push_str(&text[at..at + found]);
        out.push_str(with);
        at += found + needle.len();
    }
    out.push_str(&text[at..]);
    out
}

/// `text` with `word` replaced where it stands as a whole word.
fn replace_words(text: &str, word: &str, with: &str) -> String {
    if word.chars().count() < 3 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find(word) {
        let before = rest[..found].chars().next_back();
        let after = rest[found + word.len()..].chars().next();
        let whole =
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..found]);
        out.push_str(if whole { with } else { word });
        rest = &rest[found + word.len()..];
    }
    out.push_str(rest);
    out
}

/// A record through JSON, scrubbed, and back.
fn scrubbed<T: serde::Serialize + serde::de::DeserializeOwned>(
    record: &T,
    person: &Person,
) -> Result<T> {
    let mut json = serde_json::to_value(record).map_err(|e| Error::Corrupt {
        what: "record".into(),
        error: e.to_string(),
    })?;
    person.scrub_json(&mut json);
    serde_json::from_value(json).map_err(|e| Error::Corrupt {
        what: "scrubbed record".into(),
        error: e.to_string(),
    })
}

fn placeholder() -> EmailAddress {
    EmailAddress::parse(ERASED_ADDRESS).expect("the placeholder is an address")
}

impl Store {
    /// Erases a person, by address, from every ticket, message, history entry, outgoing
    /// mail, customer record, ledger and quarantined mail (their own mails and everything
    /// on tickets they opened lose their content; elsewhere their address and names are
    /// replaced), records on each ticket that it was done and by whom, and makes it
    /// durable. The measurements stay: times, tiers, categories, ratings.
    ///
    /// The bytes still lie in sled's files and the journal until `collect_journal` and
    /// `rewrite` run (the CLI runs both, with no daemon holding the store).
    pub fn forget(&self, address: &EmailAddress, by: &str, now: Timestamp) -> Result<Forgotten> {
        let tickets = self.tickets()?;
        let person = self.person(address, &tickets)?;
        let mut done = Forgotten::default();
        for ticket in tickets {
            let requester = ticket
                .requester
                .as_ref()
                .is_some_and(|c| person.is(&c.address));
            let involved = requester
                || ticket
                    .participants
                    .iter()
                    .chain(&ticket.cc)
                    .chain(&ticket.specialists)
                    .any(|a| person.is(a));
            if involved {
                let id = ticket.id;
                done.messages += self.forget_on_ticket(ticket, requester, &person, by, now)?;
                done.tickets.push(id);
            }
        }
        done.outbox = self.forget_in_outbox(&done.tickets, &person, now)?;
        self.tree(keys::CUSTOMERS)?
            .remove(keys::customer(address))?;
        let counters = self.tree(keys::AUTO_REPLY_COUNTS)?;
        for key in counters.iter().keys() {
            let key = key?;
            if contains_ignoring_case(&key, person.address.as_bytes()) {
                counters.remove(key)?;
            }
        }
        done.quarantined = self.forget_in_quarantine(&person)?;
        self.flush()?;
        Ok(done)
    }

    fn person(&self, address: &EmailAddress, tickets: &[Ticket]) -> Result<Person> {
        let mut names = BTreeSet::new();
        if let Some(customer) = self.customer(address)? {
            names.extend(customer.name);
        }
        for ticket in tickets {
            if let Some(Contact {
                name: Some(name),
                address: a,
            }) = &ticket.requester
            {
                if a == address {
                    names.insert(name.clone());
                }
            }
        }
        // The whole name first, then each of its words (a greeting names one).
        let mut all: Vec<String> = names.iter().cloned().collect();
        for name in &names {
            all.extend(name.split_whitespace().map(str::to_string));
        }
        all.dedup();
        Ok(Person {
            address: address.as_str().to_lowercase(),
            names: all,
        })
    }

    /// Erases the person from one ticket; returns how many messages lost their content.
    fn forget_on_ticket(
        &self,
        ticket: Ticket,
        requester: bool,
        person: &Person,
        by: &str,
        now: Timestamp,
    ) -> Result<usize> {
        let id = ticket.id;
        let mut ticket = scrubbed(&ticket, person)?;
        if requester {
            ticket.subject = ERASED.into();
            ticket.problem = None;
            ticket.procedure.fields.clear();
            if let Some(contact) = ticket.requester.as_mut() {
                contact.name = Some(ERASED.into());
                contact.address = placeholder();
            }
        }
        let messages = self.tree(keys::MESSAGES)?;
        let raw = self.tree(keys::RAW)?;
        let index = self.tree(keys::MESSAGE_INDEX)?;
        let mut erased = 0;
        for record in self.scan_ticket::<MessageRecord>(keys::MESSAGES, id)? {
            let key = keys::ticket_item(id, record.seq);
            let own = record.from.as_ref().is_some_and(|c| person.is(&c.address));
            let mut record = scrubbed(&record, person)?;
            if requester || own {
                record.subject = ERASED.into();
                record.text = ERASED.into();
                record.text_file = None;
                record.new_text = None;
                record.attachments.clear();
                if let Some(old) = raw.remove(key)? {
                    if let Some(hash) = value::referenced(&old) {
                        self.tree(keys::MAIL_FILES)?.remove(hash.0)?;
                    }
                }
                if record.direction == Direction::Inbound {
                    index.remove(keys::message_index(&record.message_id))?;
                }
                erased += 1;
            }
            messages.insert(key, self.stored_form(super::encode(&record))?)?;
        }
        let history = self.tree(keys::HISTORY)?;
        let mut next = 0;
        for (seq, entry) in self
            .scan_ticket::<HistoryEntry>(keys::HISTORY, id)?
            .into_iter()
            .enumerate()
        {
            let mut entry = scrubbed(&entry, person)?;
            if let Happening::Rated { comment, .. } = &mut entry.happening {
                if requester {
                    *comment = None;
                }
            }
            let key = keys::ticket_item(id, seq as u32);
            history.insert(key, self.stored_form(super::encode(&entry))?)?;
            next = seq as u32 + 1;
        }
        let note = HistoryEntry {
            at: now,
            happening: Happening::Erased {
                erased: if requester {
                    "the requester's mails, address and name (loket customer forget)".into()
                } else {
                    "a participant's mails, address and name (loket customer forget)".into()
                },
                by: by.to_string(),
            },
        };
        history.insert(
            keys::ticket_item(id, next),
            self.stored_form(super::encode(&note))?,
        )?;
        self.tree(keys::TICKETS)?
            .insert(keys::ticket(id), self.stored_form(super::encode(&ticket))?)?;
        Ok(erased)
    }

    /// The outgoing mails of `tickets`, or to the person: their bytes go, their
    /// addresses are replaced, and those not yet sent never will be.
    fn forget_in_outbox(
        &self,
        tickets: &[TicketId],
        person: &Person,
        now: Timestamp,
    ) -> Result<usize> {
        let records = self.tree(keys::OUTBOX)?;
        let raw = self.tree(keys::OUTBOX_RAW)?;
        let pending = self.tree(keys::OUTBOX_PENDING)?;
        let mut erased = 0;
        for record in self.outbox()? {
            let to_person = record.envelope_to.iter().any(|a| person.is(a));
            if !to_person && !tickets.contains(&record.ticket) {
                continue;
            }
            let key = record.id.to_be_bytes();
            let mut record = scrubbed(&record, person)?;
            if pending.remove(key)?.is_some() {
                record.state = OutboxState::Failed {
                    at: now,
                    error: "erased before it was sent (loket customer forget)".into(),
                };
            }
            records.insert(key, self.stored_form(super::encode(&record))?)?;
            raw.insert(key, ERASED.as_bytes())?;
            erased += 1;
        }
        Ok(erased)
    }

    /// Quarantined mails from or to the person go entirely.
    fn forget_in_quarantine(&self, person: &Person) -> Result<usize> {
        let mut removed = 0;
        for record in self.quarantined()? {
            let Some(bytes) = self.quarantined_raw(record.id)? else {
                continue;
            };
            if contains_ignoring_case(&bytes, person.address.as_bytes()) {
                let key = record.id.to_be_bytes();
                if let Some(old) = self.tree(keys::QUARANTINE_RAW)?.remove(key)? {
                    if let Some(hash) = value::referenced(&old) {
                        self.tree(keys::MAIL_FILES)?.remove(hash.0)?;
                    }
                }
                self.tree(keys::QUARANTINE)?.remove(key)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Drops the raw mail (and so the attachments) of every message of tickets finished
    /// before `before`, and the bytes of their sent mails that carried files, keeping
    /// every record, and removes their journal files once nothing refers to them;
    /// returns how many mails lost theirs and how many files went. Only files it took
    /// the references of are looked at, so a file the intake wrote for a mail not yet
    /// committed is never touched while the daemon runs.
    pub fn drop_raw_of_closed(&self, before: Timestamp) -> Result<(usize, usize)> {
        let mut candidates = Vec::new();
        let raw = self.tree(keys::RAW)?;
        let mut closed = BTreeSet::new();
        let mut dropped = 0;
        for ticket in self.tickets()? {
            let finished = ticket.status.is_finished()
                && ticket.resolved_at.unwrap_or(ticket.updated_at) < before;
            if !finished {
                continue;
            }
            closed.insert(ticket.id);
            for item in raw.scan_prefix(keys::ticket(ticket.id)) {
                let (key, old) = item?;
                if let Some(hash) = value::referenced(&old) {
                    self.tree(keys::MAIL_FILES)?.remove(hash.0)?;
                    candidates.push(hash);
                }
                raw.remove(key)?;
                dropped += 1;
            }
        }
        let outbox_raw = self.tree(keys::OUTBOX_RAW)?;
        for record in self.outbox()? {
            let sent = !matches!(record.state, OutboxState::Pending);
            if !sent || !closed.contains(&record.ticket) {
                continue;
            }
            let key = record.id.to_be_bytes();
            let with_files = outbox_raw.get(key)?.and_then(|v| value::referenced(&v));
            if let Some(hash) = with_files {
                outbox_raw.insert(key, DROPPED.as_bytes())?;
                candidates.push(hash);
                dropped += 1;
            }
        }
        if dropped == 0 {
            return Ok((0, 0));
        }
        self.flush()?;
        let mut referred = BTreeSet::new();
        for name in [keys::RAW, keys::QUARANTINE_RAW, keys::OUTBOX_RAW] {
            for item in self.tree(name)?.iter().values() {
                if let Some(hash) = value::referenced(&item?) {
                    referred.insert(hash.0);
                }
            }
        }
        let files = self.tree(keys::MAIL_FILES)?;
        let mut removed = 0;
        for hash in candidates {
            if !referred.contains(&hash.0) && !files.contains_key(hash.0)? {
                self.journal.remove(&hash).map_err(Error::Journal)?;
                removed += 1;
            }
        }
        Ok((dropped, removed))
    }

    /// Removes every settled journal file that no record refers to any more (after an
    /// erasure); returns how many went. Only with no intake running (the CLI, with the
    /// daemon stopped): the intake writes files before the commit that refers to them.
    pub fn collect_journal(&self) -> Result<usize> {
        let mut referred = BTreeSet::new();
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            for item in tree.iter() {
                let (key, val) = item?;
                if name.as_ref() == keys::MAIL_FILES.as_bytes() {
                    if let Ok(hash) = <[u8; 32]>::try_from(key.as_ref()) {
                        referred.insert(hash);
                    }
                }
                if let Some(hash) = value::referenced(&val) {
                    referred.insert(hash.0);
                }
            }
        }
        let mut removed = 0;
        for hash in self.journal.settled().map_err(Error::Journal)? {
            if !referred.contains(&hash.0) {
                self.journal.remove(&hash).map_err(Error::Journal)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn contains_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Rewrites sled's files of the store at `path` (which no process may hold) into fresh
/// ones holding only the current values, so that bytes overwritten or removed leave the
/// disk, and removes the copy an unclean start made. A crash midway leaves either the
/// old files or, once the new ones are complete, a swap that the next open finishes.
pub fn rewrite(path: &Path) -> Result<()> {
    let fresh = path.join(REWRITE);
    let _ = fs::remove_dir_all(&fresh);
    {
        let old = sled::Config::new().path(path).open()?;
        let new = sled::Config::new().path(&fresh).open()?;
        for name in old.tree_names() {
            let from = old.open_tree(&name)?;
            let to = new.open_tree(&name)?;
            for item in from.iter() {
                let (key, val) = item?;
                to.insert(key, val)?;
            }
        }
        new.flush()?;
    }
    super::durable::sync_tree(&fresh).map_err(Error::Durability)?;
    fs::write(fresh.join(REWRITE_COMPLETE), b"").map_err(Error::Durability)?;
    super::durable::sync_tree(&fresh).map_err(Error::Durability)?;
    finish_rewrite(path).map_err(Error::Durability)?;
    let _ = fs::remove_dir_all(path.join(super::recovery::BEFORE_RECOVERY));
    Ok(())
}

/// Where a rewrite builds sled's new files.
const REWRITE: &str = "rewrite";
/// Written into it once they are complete.
const REWRITE_COMPLETE: &str = "complete";
/// Where the old files go while they are swapped.
const REWRITE_OLD: &str = "rewrite-old";

/// sled's own entries in the store folder (the journal, lock and marks are Loket's).
fn is_sled_entry(name: &str) -> bool {
    name == "conf" || name == "db" || name == "blobs" || name.starts_with("snap.")
}

/// Finishes a rewrite whose new files are complete: the old sled files move aside, the
/// new ones in, and both folders go. Without a complete rewrite, drops its leftovers.
pub(super) fn finish_rewrite(path: &Path) -> std::io::Result<()> {
    let fresh = path.join(REWRITE);
    if !fresh.join(REWRITE_COMPLETE).exists() {
        let _ = fs::remove_dir_all(&fresh);
        return Ok(());
    }
    let old = path.join(REWRITE_OLD);
    fs::create_dir_all(&old)?;
    for entry in fs::read_dir(path)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if is_sled_entry(&name) {
            fs::rename(path.join(&name), old.join(&name))?;
        }
    }
    for entry in fs::read_dir(&fresh)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if is_sled_entry(&name) {
            fs::rename(fresh.join(&name), path.join(&name))?;
        }
    }
    super::durable::sync_dir(path)?;
    fs::remove_dir_all(&fresh)?;
    fs::remove_dir_all(&old)?;
    super::durable::sync_dir(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_names_are_replaced_where_they_stand() {
        let person = Person {
            address: "budi@example.id".into(),
            names: vec!["Budi Santoso".into(), "Budi".into(), "Santoso".into()],
        };
        assert_eq!(
            person.scrub("Dear Budi Santoso <BUDI@example.id>, Pak Budi; Budiman stays"),
            "Dear (erased) <erased@forgotten.invalid>, Pak (erased); Budiman stays"
        );
    }
}
