//! The one door for ticket writes: a `Change` applied as a single sled transaction.
//!
//! A change arrives fully decided (the timer index entries and the agents' loads come
//! worked out by the engine's `ledger`); the store applies no helpdesk rule, it only
//! numbers what it appends (history, messages in the index, outbox ids). Everything is
//! read and serialised before the transaction starts, because sled may run the
//! transaction closure more than once; the closure only writes prepared bytes.

use super::journal::MailHash;
use super::records::{Customer, IndexEntry, MessageRecord, OutboxRecord};
use super::{encode, keys, value, DueTimer, Error, Result, Store};
use crate::engine::ledger::ReplyWindow;
use crate::engine::{AgentLoad, HistoryEntry, Ticket};
use crate::types::{AgentId, TicketId, Timestamp};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use sled::Transactional;

/// Everything one engine step changes, to be applied together or not at all.
#[derive(Debug, Clone)]
pub struct Change {
    /// The ticket as it is after the step.
    pub ticket: Ticket,
    /// Whether the ticket is new (its number is then taken from the counter).
    pub is_new_ticket: bool,
    /// Messages to add to the ticket.
    pub messages: Vec<NewMessage>,
    /// History entries to append.
    pub history: Vec<HistoryEntry>,
    /// Mails to queue.
    pub outbox: Vec<NewOutboxMail>,
    /// A customer seen for the first time.
    pub new_customer: Option<Customer>,
    /// Automatic-reply counters as the change leaves them: (window, count).
    pub auto_replies: Vec<(ReplyWindow, u32)>,
    /// Other tickets changed by the same step (a merge), with their history entries.
    pub others: Vec<(Ticket, Vec<HistoryEntry>)>,
    /// Entries to add to the due-time index of timers.
    pub timers_set: Vec<DueTimer>,
    /// Entries to remove from it.
    pub timers_removed: Vec<DueTimer>,
    /// Agents' loads as the change leaves them (only those that changed).
    pub agent_loads: Vec<(AgentId, AgentLoad)>,
}

impl Change {
    /// A change to `ticket` that adds nothing yet.
    pub fn to_ticket(ticket: Ticket, is_new_ticket: bool) -> Change {
        Change {
            ticket,
            is_new_ticket,
            messages: Vec::new(),
            history: Vec::new(),
            outbox: Vec::new(),
            new_customer: None,
            auto_replies: Vec::new(),
            others: Vec::new(),
            timers_set: Vec::new(),
            timers_removed: Vec::new(),
            agent_loads: Vec::new(),
        }
    }
}

/// A message to store with the ticket.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Its record.
    pub record: MessageRecord,
    /// Its raw bytes' journal file (inbound mail only), already on disk.
    pub raw: Option<MailHash>,
}

/// A formatted mail to queue.
#[derive(Debug, Clone)]
pub struct NewOutboxMail {
    /// Its record; the id is given out by the commit.
    pub record: OutboxRecord,
    /// The bytes to send.
    pub raw: Vec<u8>,
    /// Whether it carries files: its bytes then go to the journal whatever their size,
    /// so that dropping them (retention, erasure) takes them off the disk at once.
    pub carries_files: bool,
}

/// One write, prepared as bytes: (tree index in `COMMIT_TREES`, key, value). An empty
/// value in `TIMERS` is a timer.
type Write = (usize, Vec<u8>, Vec<u8>);

/// One key to remove, prepared: (tree index in `COMMIT_TREES`, key).
type Removal = (usize, Vec<u8>);

/// A change as bytes: what to write, what to remove, and the outbox ids given out.
struct Prepared {
    writes: Vec<Write>,
    removals: Vec<Removal>,
    outbox_ids: Vec<u64>,
}

const META: usize = 0;
const TICKETS: usize = 1;
const MESSAGES: usize = 2;
const RAW: usize = 3;
const MESSAGE_INDEX: usize = 4;
const CUSTOMERS: usize = 5;
const HISTORY: usize = 6;
const OUTBOX: usize = 7;
const OUTBOX_RAW: usize = 8;
const OUTBOX_PENDING: usize = 9;
const AUTO_REPLIES: usize = 10;
const TIMERS: usize = 11;
const AGENTS: usize = 12;
const MAIL_FILES: usize = 13;
const TO_INDEX: usize = 14;

/// The trees whose values are JSON records, compressed or moved to the journal when large.
const RECORD_TREES: [usize; 7] = [
    TICKETS,
    MESSAGES,
    MESSAGE_INDEX,
    CUSTOMERS,
    HISTORY,
    OUTBOX,
    AGENTS,
];

impl Store {
    /// Applies a change atomically; returns the outbox ids it queued. Not yet durable:
    /// call `flush` before acknowledging anything to a source.
    pub fn commit(&self, change: &Change) -> Result<Vec<u64>> {
        let prepared = self.prepare(change)?;
        self.apply_prepared(&prepared)?;
        Ok(prepared.outbox_ids)
    }

    /// Writes prepared bytes in one transaction over every commit tree.
    fn apply_prepared(&self, prepared: &Prepared) -> Result<()> {
        let trees: Vec<sled::Tree> = keys::COMMIT_TREES
            .iter()
            .map(|name| self.tree(name))
            .collect::<Result<_>>()?;
        trees.as_slice().transaction(|tx| apply(tx, prepared))?;
        Ok(())
    }

    fn prepare(&self, change: &Change) -> Result<Prepared> {
        let id = change.ticket.id;
        let mut writes: Vec<Write> = Vec::new();
        let mut removals: Vec<Removal> = Vec::new();
        if change.is_new_ticket {
            writes.push((
                META,
                keys::LAST_TICKET_KEY.to_vec(),
                id.0.to_be_bytes().to_vec(),
            ));
        }
        writes.push((TICKETS, keys::ticket(id).to_vec(), encode(&change.ticket)));
        let change_mark = self.db.generate_id()?.to_be_bytes().to_vec();
        writes.push((TO_INDEX, keys::ticket(id).to_vec(), change_mark.clone()));
        for message in &change.messages {
            self.prepare_message(message, &mut writes)?;
        }
        self.prepare_history(id, &change.history, &mut writes)?;
        for (other, history) in &change.others {
            writes.push((TICKETS, keys::ticket(other.id).to_vec(), encode(other)));
            writes.push((
                TO_INDEX,
                keys::ticket(other.id).to_vec(),
                change_mark.clone(),
            ));
            self.prepare_history(other.id, history, &mut writes)?;
        }
        for timer in &change.timers_removed {
            removals.push((TIMERS, keys::timer(timer.due, timer.ticket, &timer.kind)));
        }
        for timer in &change.timers_set {
            writes.push((
                TIMERS,
                keys::timer(timer.due, timer.ticket, &timer.kind),
                Vec::new(),
            ));
        }
        for (agent, load) in &change.agent_loads {
            writes.push((AGENTS, agent.0.as_bytes().to_vec(), encode(load)));
        }
        let outbox_ids = self.prepare_outbox(&change.outbox, &mut writes)?;
        if let Some(customer) = &change.new_customer {
            writes.push((
                CUSTOMERS,
                keys::customer(&customer.address),
                encode(customer),
            ));
        }
        for (window, count) in &change.auto_replies {
            let key = keys::reply_window(window);
            writes.push((AUTO_REPLIES, key, count.to_be_bytes().to_vec()));
        }
        self.pack_records(&mut writes)?;
        Ok(Prepared {
            writes,
            removals,
            outbox_ids,
        })
    }

    fn prepare_message(&self, message: &NewMessage, writes: &mut Vec<Write>) -> Result<()> {
        let record = &message.record;
        let key = keys::ticket_item(record.ticket, record.seq).to_vec();
        if let Some(file) = &message.raw {
            writes.push((RAW, key.clone(), value::reference(file)));
            let referrer = keys::mail_file_of_message(record.ticket, record.seq);
            writes.push((MAIL_FILES, file.0.to_vec(), referrer));
        }
        writes.push((MESSAGES, key, encode(record)));
        // Earlier writes in this change may already have indexed the same id.
        let index_key = keys::message_index(&record.message_id);
        let mut entries = match take_pending_index(writes, &index_key) {
            Some(entries) => entries,
            None => self.lookup_message(&record.message_id)?,
        };
        entries.push(IndexEntry {
            ticket: record.ticket,
            seq: record.seq,
            fingerprint: record.fingerprint.clone(),
        });
        writes.push((MESSAGE_INDEX, index_key, encode(&entries)));
        Ok(())
    }

    fn prepare_history(
        &self,
        id: TicketId,
        history: &[HistoryEntry],
        writes: &mut Vec<Write>,
    ) -> Result<()> {
        let last = self
            .tree(keys::HISTORY)?
            .scan_prefix(keys::ticket(id))
            .keys()
            .next_back()
            .transpose()?;
        let first_seq = last.and_then(|k| keys::item_seq(&k)).map_or(0, |s| s + 1);
        for (seq, entry) in (first_seq..).zip(history) {
            writes.push((HISTORY, keys::ticket_item(id, seq).to_vec(), encode(entry)));
        }
        Ok(())
    }

    fn prepare_outbox(&self, mails: &[NewOutboxMail], writes: &mut Vec<Write>) -> Result<Vec<u64>> {
        let mut last = self.last_outbox_id()?;
        let mut ids = Vec::new();
        for mail in mails {
            last += 1;
            let record = OutboxRecord {
                id: last,
                ..mail.record.clone()
            };
            let key = last.to_be_bytes().to_vec();
            writes.push((OUTBOX, key.clone(), encode(&record)));
            let stored = if mail.carries_files {
                let hash = self
                    .journal
                    .put_settled(&mail.raw)
                    .map_err(Error::Journal)?;
                value::reference(&hash)
            } else {
                self.stored_form(mail.raw.clone())?
            };
            writes.push((OUTBOX_RAW, key.clone(), stored));
            writes.push((OUTBOX_PENDING, key, Vec::new()));
            ids.push(last);
        }
        if let Some(last) = ids.last() {
            writes.push((
                META,
                keys::LAST_OUTBOX_KEY.to_vec(),
                last.to_be_bytes().to_vec(),
            ));
        }
        Ok(ids)
    }
}

impl Store {
    /// Records that the scheduled report `name` went out for every period up to
    /// `sent_until`, with its mail queued in the same transaction (none when the report
    /// is only starting to count); returns the mail's outbox id. Not yet durable: call
    /// `flush` before the sender may take it.
    pub fn commit_report(
        &self,
        name: &str,
        sent_until: Timestamp,
        mail: Option<&NewOutboxMail>,
    ) -> Result<Option<u64>> {
        let mut writes: Vec<Write> = vec![(
            META,
            keys::report_state(name),
            sent_until.0.to_be_bytes().to_vec(),
        )];
        let mails = mail.map(std::slice::from_ref).unwrap_or_default();
        let ids = self.prepare_outbox(mails, &mut writes)?;
        let prepared = Prepared {
            writes,
            removals: Vec::new(),
            outbox_ids: ids,
        };
        self.apply_prepared(&prepared)?;
        Ok(prepared.outbox_ids.first().copied())
    }

    /// The end of the last period the scheduled report `name` went out for (or started
    /// counting from), if it ever did.
    pub fn report_sent_until(&self, name: &str) -> Result<Option<Timestamp>> {
        let value = self.tree(keys::META)?.get(keys::report_state(name))?;
        Ok(value
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map(|b| Timestamp(i64::from_be_bytes(b))))
    }
}

impl Store {
    /// Records in their stored form: large ones compressed, or moved to the journal when
    /// still too large for a sled page (see `value`).
    fn pack_records(&self, writes: &mut [Write]) -> Result<()> {
        for (tree, _, bytes) in writes.iter_mut() {
            if RECORD_TREES.contains(tree) {
                *bytes = self.stored_form(std::mem::take(bytes))?;
            }
        }
        Ok(())
    }
}

/// The index entries this change already wrote for a Message-ID, taken out to be rewritten.
fn take_pending_index(writes: &mut Vec<Write>, index_key: &[u8]) -> Option<Vec<IndexEntry>> {
    let position = writes
        .iter()
        .rposition(|(tree, key, _)| *tree == MESSAGE_INDEX && key == index_key)?;
    let (_, _, value) = writes.remove(position);
    Some(serde_json::from_slice(&value).expect("written above by encode"))
}

fn apply(
    trees: &[TransactionalTree],
    prepared: &Prepared,
) -> std::result::Result<(), ConflictableTransactionError<Error>> {
    for (tree, key) in &prepared.removals {
        trees[*tree].remove(key.as_slice())?;
    }
    for (tree, key, value) in &prepared.writes {
        trees[*tree].insert(key.as_slice(), value.as_slice())?;
    }
    Ok(())
}
