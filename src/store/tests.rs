//! Store behaviour on a real sled database in a temporary folder.

use super::*;
use crate::engine::{Happening, Ticket};
use crate::mail::parse;
use crate::thread::MatchedBy;
use crate::types::{DeskId, Timestamp};

fn open_temp() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("store")).expect("opens");
    (dir, store)
}

/// Raw mail written to the journal as an intake does, before its commit.
fn stage(store: &Store, raw: &[u8]) -> MailHash {
    store.journal().stage(raw).expect("journal writes").hash
}

fn change(store: &Store, message_id: &str, fingerprint: &str) -> Change {
    let raw = format!("From: budi@example.id\r\nMessage-ID: <{message_id}>\r\n\r\nhi\r\n");
    let mail = parse(raw.as_bytes());
    let id = store.next_ticket_id().expect("reads");
    let mut ticket = Ticket::open(id, DeskId("support".into()), &mail, None, Timestamp(10));
    ticket.message_count = 1;
    let record = MessageRecord {
        ticket: id,
        seq: 0,
        message_id: mail.message_id.clone(),
        from: mail.from.clone(),
        to: Vec::new(),
        direction: Direction::Inbound,
        kind: MessageKind::Customer,
        matched_by: MatchedBy::New,
        class: None,
        date: Timestamp(10),
        stored_at: Timestamp(10),
        subject: String::new(),
        text: mail.text.clone(),
        text_file: None,
        new_text: None,
        attachments: Vec::new(),
        problems: Vec::new(),
        fingerprint: fingerprint.into(),
    };
    let opened = Happening::Opened {
        matched_by: MatchedBy::New,
        linked_to: None,
    };
    let mut change = Change::to_ticket(ticket, true);
    change.messages.push(NewMessage {
        record,
        raw: Some(stage(store, raw.as_bytes())),
    });
    change.history.push(HistoryEntry {
        at: Timestamp(10),
        happening: opened,
    });
    change
}

#[test]
fn a_commit_writes_ticket_message_raw_index_and_history_together() {
    let (_dir, store) = open_temp();
    store
        .commit(&change(&store, "m1@x", "f1"))
        .expect("commits");
    let id = TicketId(1);
    assert!(store.load_ticket(id).expect("reads").is_some());
    assert_eq!(store.messages(id).expect("reads").len(), 1);
    assert!(store.raw_message(id, 0).expect("reads").is_some());
    assert_eq!(store.history(id).expect("reads").len(), 1);
    let index = store
        .lookup_message(&MessageId::parse("m1@x").expect("id"))
        .expect("reads");
    assert_eq!(index[0].ticket, id);
    assert_eq!(store.next_ticket_id().expect("reads"), TicketId(2));
}

#[test]
fn a_reused_message_id_keeps_both_index_entries() {
    let (_dir, store) = open_temp();
    store
        .commit(&change(&store, "same@x", "first"))
        .expect("commits");
    store
        .commit(&change(&store, "same@x", "second"))
        .expect("commits");
    let index = store
        .lookup_message(&MessageId::parse("same@x").expect("id"))
        .expect("reads");
    let prints: Vec<_> = index.iter().map(|e| e.fingerprint.as_str()).collect();
    assert_eq!(prints, ["first", "second"]);
}

#[test]
fn history_appends_after_existing_entries() {
    let (_dir, store) = open_temp();
    let first = change(&store, "m1@x", "f1");
    store.commit(&first).expect("commits");
    let mut again = first.clone();
    again.is_new_ticket = false;
    again.messages.clear();
    store.commit(&again).expect("commits");
    assert_eq!(store.history(TicketId(1)).expect("reads").len(), 2);
}

/// A closed store holding one committed ticket, and the change that made it.
fn store_with_one_ticket() -> (tempfile::TempDir, Change) {
    let (dir, store) = open_temp();
    let first = change(&store, "a@x", "fa");
    store.commit(&first).expect("commits");
    store.flush().expect("flushes");
    (dir, first)
}

/// The schema version as sled holds it, read without `Store` (which would migrate it).
fn schema_on_disk(path: &std::path::Path) -> Option<Vec<u8>> {
    let db = sled::open(path).expect("opens");
    let meta = db.open_tree(keys::META).expect("tree");
    meta.get(keys::SCHEMA_KEY)
        .expect("reads")
        .map(|v| v.to_vec())
}

#[test]
fn a_schema_1_store_is_migrated_once_and_keeps_its_tickets() {
    let (dir, first) = store_with_one_ticket();
    // Make it what schema 1 wrote: its version, and the ledger of reply times.
    let path = dir.path().join("store");
    {
        let db = sled::open(&path).expect("opens");
        let meta = db.open_tree(keys::META).expect("tree");
        meta.insert(keys::SCHEMA_KEY, &1u32.to_be_bytes())
            .expect("writes");
        let old = db.open_tree(keys::OLD_AUTO_REPLIES).expect("tree");
        old.insert(b"budi@example.id", b"[1790000000]".as_slice())
            .expect("writes");
        db.flush().expect("flushes");
    }
    let store = Store::open(&path).expect("a schema 1 store opens");
    assert_eq!(
        store.load_ticket(first.ticket.id).expect("reads"),
        Some(first.ticket.clone())
    );
    let budi = crate::types::EmailAddress::parse("budi@example.id").expect("valid");
    let window = crate::engine::ledger::ReplyWindow::sender(&budi, Timestamp(1_790_000_000));
    assert_eq!(store.auto_reply_count(&window).expect("reads"), 0);
    drop(store);
    assert_eq!(
        schema_on_disk(&path),
        Some(keys::SCHEMA_VERSION.to_be_bytes().to_vec())
    );
    let db = sled::open(&path).expect("opens");
    let names: Vec<Vec<u8>> = db.tree_names().into_iter().map(|n| n.to_vec()).collect();
    assert!(
        !names.contains(&keys::OLD_AUTO_REPLIES.as_bytes().to_vec()),
        "the old ledger is gone"
    );
}

#[test]
fn a_schema_2_store_moves_its_raw_mail_to_the_journal_and_keeps_every_byte() {
    let (dir, first) = store_with_one_ticket();
    let path = dir.path().join("store");
    let raw = b"From: budi@example.id\r\nMessage-ID: <a@x>\r\n\r\nhi\r\n".to_vec();
    let big_text = noise(16_000);
    let long_id = format!("{}@x", "l".repeat(240));
    let outgoing =
        b"From: support@example.com\r\nSubject: [HD #1]\r\n\r\nTerima kasih\r\n".to_vec();
    // Make it what schema 2 wrote: raw bytes in sled, long keys and large records as
    // they were, and no journal.
    {
        let db = sled::open(&path).expect("opens");
        db.open_tree(keys::META)
            .expect("tree")
            .insert(keys::SCHEMA_KEY, &2u32.to_be_bytes())
            .expect("writes");
        db.drop_tree(keys::MAIL_FILES).expect("drops");
        let key = keys::ticket_item(first.ticket.id, 0);
        db.open_tree(keys::RAW)
            .expect("tree")
            .insert(key, raw.as_slice())
            .expect("writes");
        let mut record = first.messages[0].record.clone();
        record.text = big_text.clone();
        db.open_tree(keys::MESSAGES)
            .expect("tree")
            .insert(key, super::encode(&record))
            .expect("writes");
        let entries = vec![IndexEntry {
            ticket: first.ticket.id,
            seq: 0,
            fingerprint: "fl".into(),
        }];
        db.open_tree(keys::MESSAGE_INDEX)
            .expect("tree")
            .insert(long_id.as_bytes(), super::encode(&entries))
            .expect("writes");
        db.open_tree(keys::OUTBOX_RAW)
            .expect("tree")
            .insert(7u64.to_be_bytes(), outgoing.as_slice())
            .expect("writes");
        db.open_tree(keys::QUARANTINE_RAW)
            .expect("tree")
            .insert(9u64.to_be_bytes(), b"broken mail".as_slice())
            .expect("writes");
        db.flush().expect("flushes");
    }
    std::fs::remove_dir_all(path.join("mail")).expect("no journal before schema 3");

    let store = Store::open(&path).expect("a schema 2 store opens");
    assert_eq!(
        store.raw_message(first.ticket.id, 0).expect("reads"),
        Some(raw.clone())
    );
    assert_eq!(
        store.messages(first.ticket.id).expect("reads")[0].text,
        big_text
    );
    let long = MessageId::parse(&long_id).expect("id");
    assert_eq!(store.lookup_message(&long).expect("reads").len(), 1);
    assert_eq!(
        store.outbox_raw(&7u64.to_be_bytes()).expect("reads"),
        Some(outgoing)
    );
    assert_eq!(
        store.quarantined_raw(9).expect("reads"),
        Some(b"broken mail".to_vec())
    );
    assert!(store.refers_to(&MailHash::of(&raw)).expect("reads"));
    let report = store.fsck().expect("checks");
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(
        report.references, 3,
        "raw, quarantined raw and the large record"
    );
    drop(store);
    assert_eq!(
        schema_on_disk(&path),
        Some(keys::SCHEMA_VERSION.to_be_bytes().to_vec())
    );
    let db = sled::open(&path).expect("opens");
    let raw_tree = db.open_tree(keys::RAW).expect("tree");
    for value in raw_tree.iter().values() {
        assert!(
            value::referenced(&value.expect("reads")).is_some(),
            "sled keeps only references"
        );
    }
    let index = db.open_tree(keys::MESSAGE_INDEX).expect("tree");
    assert!(index
        .iter()
        .keys()
        .all(|k| k.expect("reads").len() <= keys::MAX_KEY));
}

#[test]
fn large_values_go_to_the_journal_so_sled_writes_no_blob_file() {
    let (dir, store) = open_temp();
    let mut big = change(&store, "big@x", "fb");
    big.messages[0].record.text = noise(500_000);
    big.outbox.push(NewOutboxMail {
        record: outbox_record(),
        raw: (0..3_000_000u64)
            .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
            .collect(),
        carries_files: false,
    });
    big.outbox.push(NewOutboxMail {
        record: outbox_record(),
        raw: b"Subject: ok\r\n\r\nsmall\r\n".to_vec(),
        carries_files: false,
    });
    let ids = store.commit(&big).expect("commits");
    let mut long = change(&store, "long@x", "fl");
    long.messages[0].record.text = "baris log yang panjang\n".repeat(2_000);
    store.commit(&long).expect("commits");
    store.flush().expect("flushes");
    let blobs = dir.path().join("store").join("blobs");
    let blob_files = std::fs::read_dir(&blobs).map_or(0, |d| d.count());
    assert_eq!(blob_files, 0, "sled wrote a blob file");
    let text = &store.messages(big.ticket.id).expect("reads")[0].text;
    assert_eq!(text.len(), 500_000);
    let text = &store.messages(long.ticket.id).expect("reads")[0].text;
    assert_eq!(text.len(), 46_000, "a long text compressed inline");
    let pending = store.pending_outbox(0, 10).expect("reads");
    assert_eq!(pending.len(), 2);
    assert_eq!(
        pending[0].1, big.outbox[0].raw,
        "large outgoing mail from the journal"
    );
    assert_eq!(
        pending[1].1, big.outbox[1].raw,
        "small outgoing mail inline, compressed"
    );
    assert_eq!(ids.len(), 2);
    let report = store.fsck().expect("checks");
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(
        report.references, 4,
        "two raw mails, the large record, the large outgoing mail"
    );
}

#[test]
fn fsck_finds_an_orphaned_journal_file_and_a_missing_one() {
    let (_dir, store) = open_temp();
    let kept = change(&store, "kept@x", "fk");
    store.commit(&kept).expect("commits");
    let orphan = store
        .journal()
        .stage(b"Subject: never committed\r\n\r\nx\r\n")
        .expect("stages");
    store.flush().expect("flushes");
    let report = store.fsck().expect("checks");
    assert_eq!(report.orphans, vec![orphan.hash]);
    assert!(!report.is_clean());
    let found = store.reconcile().expect("reconciles");
    assert_eq!(
        found.orphans.len(),
        1,
        "the orphan is handed back to be taken in"
    );
    assert_eq!(found.settled, 1, "the committed file is moved into place");
    let raw_file = kept.messages[0].raw.expect("has raw");
    std::fs::remove_file(store.journal().settled_path(&raw_file)).expect("removes");
    let report = store.fsck().expect("checks");
    assert_eq!(report.missing, vec![(keys::RAW.to_string(), raw_file)]);
    let error = store.raw_message(kept.ticket.id, 0).expect_err("missing");
    assert!(error.to_string().contains("loket fsck"), "{error}");
}

#[test]
fn a_store_of_another_schema_version_is_refused_not_rewritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("store");
    {
        let db = sled::open(&path).expect("opens");
        let meta = db.open_tree(keys::META).expect("tree");
        meta.insert(keys::SCHEMA_KEY, &99u32.to_be_bytes())
            .expect("writes");
        db.flush().expect("flushes");
    }
    let refused = Store::open(&path).err().expect("refused");
    assert!(
        matches!(refused, Error::UnknownSchema { ref found, .. } if found == "99"),
        "{refused}"
    );
    assert_eq!(
        schema_on_disk(&path),
        Some(99u32.to_be_bytes().to_vec()),
        "left untouched"
    );
}

fn timer(due: i64, ticket: TicketId) -> DueTimer {
    DueTimer {
        due: Timestamp(due),
        ticket,
        kind: "breach:first_response".into(),
    }
}

#[test]
fn the_due_time_index_takes_the_entries_a_change_brings() {
    let (_dir, store) = open_temp();
    let mut first = change(&store, "a@x", "fa");
    first.timers_set = vec![timer(500, first.ticket.id)];
    store.commit(&first).expect("commits");
    let mut second = change(&store, "b@x", "fb");
    second.timers_set = vec![timer(100, second.ticket.id)];
    store.commit(&second).expect("commits");
    // Earliest first; only what is due.
    assert_eq!(store.next_timer().expect("reads"), Some(Timestamp(100)));
    let due = store.due_timers(Timestamp(499), 10).expect("reads");
    assert_eq!(due, vec![timer(100, second.ticket.id)]);
    assert_eq!(
        store.due_timers(Timestamp(500), 10).expect("reads").len(),
        2
    );
    // An entry moves: the old one goes, the new one comes, in the same commit.
    let mut moved = Change::to_ticket(second.ticket.clone(), false);
    moved.timers_removed = vec![timer(100, second.ticket.id)];
    moved.timers_set = vec![timer(900, second.ticket.id)];
    store.commit(&moved).expect("commits");
    let due = store.due_timers(Timestamp(1000), 10).expect("reads");
    let dues: Vec<i64> = due.iter().map(|t| t.due.0).collect();
    assert_eq!(dues, vec![500, 900]);
}

#[test]
fn agents_loads_are_written_as_the_change_gives_them() {
    let (_dir, store) = open_temp();
    let andi = crate::types::AgentId("andi".into());
    let mut opened = change(&store, "a@x", "fa");
    let load = AgentLoad {
        open: 1,
        last_assigned: Some(Timestamp(10)),
        away: Some(true),
    };
    opened.agent_loads = vec![(andi.clone(), load)];
    store.commit(&opened).expect("commits");
    assert_eq!(store.agent_load(&andi).expect("reads"), load);
}

#[test]
fn raw_mail_of_any_bytes_is_stored_even_the_old_removal_marker() {
    // Removals once travelled as a marker value among the writes; a raw mail of exactly
    // those bytes would have deleted itself instead of being kept.
    let (_dir, store) = open_temp();
    let mut odd = change(&store, "odd@x", "fo");
    odd.messages[0].raw = Some(stage(&store, b"\0remove"));
    store.commit(&odd).expect("commits");
    assert_eq!(
        store.raw_message(odd.ticket.id, 0).expect("reads"),
        Some(b"\0remove".to_vec())
    );
}

/// Text that compresses badly: letters from a xorshift generator.
fn noise(len: usize) -> String {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (b'a' + (state % 26) as u8) as char
        })
        .collect()
}

fn outbox_record() -> OutboxRecord {
    OutboxRecord {
        id: 0,
        ticket: TicketId(1),
        message_id: MessageId::parse("out@example.com").expect("id"),
        envelope_from: EmailAddress::parse("support@example.com").expect("address"),
        envelope_to: vec![EmailAddress::parse("budi@example.id").expect("address")],
        state: OutboxState::Pending,
        attempts: 0,
        next_attempt: Timestamp(0),
        last_error: None,
        queued_at: Timestamp(10),
    }
}
