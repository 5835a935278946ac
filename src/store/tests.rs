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
        raw: Some(raw.into_bytes()),
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
    let (dir, store) = open_temp();
    let first = change(&store, "a@x", "fa");
    store.commit(&first).expect("commits");
    store.flush().expect("flushes");
    drop(store);
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
    odd.messages[0].raw = Some(b"\0remove".to_vec());
    store.commit(&odd).expect("commits");
    assert_eq!(
        store.raw_message(odd.ticket.id, 0).expect("reads"),
        Some(b"\0remove".to_vec())
    );
}
