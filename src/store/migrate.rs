//! Schema upgrades: a store written by an earlier Loket is brought up to this build's
//! schema once, when it is opened, before any task runs. Each step says what it changes;
//! a store newer than this build is refused, never rewritten. A step interrupted by a
//! crash is run again from the start at the next open, so each step is idempotent.

use super::{keys, value, Error, Result, Store};
use std::path::Path;
use tracing::info;

/// Upgrades the store at `path` from schema `from` to `keys::SCHEMA_VERSION`, one step at
/// a time, each made durable before the next.
pub(super) fn upgrade(store: &Store, path: &Path, from: u32) -> Result<()> {
    for version in from..keys::SCHEMA_VERSION {
        info!(store = %path.display(), from = version, to = version + 1, "store migrating");
        step(store, version)?;
        store
            .tree(keys::META)?
            .insert(keys::SCHEMA_KEY, &(version + 1).to_be_bytes())?;
        store.flush()?;
        info!(store = %path.display(), schema = version + 1, "store migrated");
    }
    Ok(())
}

fn step(store: &Store, from: u32) -> Result<()> {
    match from {
        // 1 → 2: the auto-reply ledger was lists of reply times, rewritten in full at every
        // acknowledgement; it becomes fixed-window counters. The lists only ever counted
        // the last hour, so the counters start at zero and the old tree goes.
        1 => {
            store.db.drop_tree(keys::OLD_AUTO_REPLIES)?;
        }
        // 2 → 3: raw mail moves from sled into the journal, large records and outgoing
        // mail are compressed (or moved to the journal when still too large for a sled
        // page), and keys made of outside text are bounded (see `value`): afterwards
        // sled writes no blob file.
        2 => {
            move_raw_mail(store, keys::RAW, keys::mail_file_of_message_key)?;
            move_raw_mail(
                store,
                keys::QUARANTINE_RAW,
                keys::mail_file_of_quarantine_key,
            )?;
            for tree in [
                keys::MESSAGE_INDEX,
                keys::CUSTOMERS,
                keys::AUTO_REPLY_COUNTS,
            ] {
                bound_keys(store, tree)?;
            }
            for tree in [
                keys::TICKETS,
                keys::MESSAGES,
                keys::MESSAGE_INDEX,
                keys::CUSTOMERS,
                keys::HISTORY,
                keys::OUTBOX,
                keys::AGENTS,
                keys::QUARANTINE,
                keys::OUTBOX_RAW,
            ] {
                pack(store, tree)?;
            }
        }
        other => unreachable!("no migration step from schema {other}"),
    }
    Ok(())
}

/// How often a long step says how far it is.
const PROGRESS_EVERY: usize = 2000;

/// Raw mail in `tree` goes to the journal; the tree keeps references, and `MAIL_FILES`
/// says who refers to each file.
fn move_raw_mail(store: &Store, tree: &str, referrer: fn(&[u8]) -> Vec<u8>) -> Result<()> {
    let raw = store.tree(tree)?;
    let files = store.tree(keys::MAIL_FILES)?;
    let total = raw.len();
    for (done, entry) in raw.iter().enumerate() {
        let (key, bytes) = entry?;
        let hash = match value::referenced(&bytes) {
            Some(hash) => hash,
            None => {
                let hash = store.journal.put_settled(&bytes).map_err(Error::Journal)?;
                raw.insert(&key, value::reference(&hash))?;
                hash
            }
        };
        files.insert(hash.0, referrer(&key))?;
        if (done + 1) % PROGRESS_EVERY == 0 {
            info!(
                tree,
                done = done + 1,
                total,
                "store migrating: raw mail to the journal"
            );
        }
    }
    Ok(())
}

/// Keys longer than `keys::MAX_KEY` are replaced by their bounded form.
fn bound_keys(store: &Store, tree: &str) -> Result<()> {
    let tree = store.tree(tree)?;
    for entry in tree.iter() {
        let (key, bytes) = entry?;
        if key.len() > keys::MAX_KEY {
            tree.insert(keys::bounded(key.to_vec()), bytes)?;
            tree.remove(&key)?;
        }
    }
    Ok(())
}

/// Values take their stored form: compressed when large, in the journal when larger.
fn pack(store: &Store, tree: &str) -> Result<()> {
    let tree = store.tree(tree)?;
    for entry in tree.iter() {
        let (key, bytes) = entry?;
        if !value::is_packed(&bytes) {
            let packed = store.stored_form(bytes.to_vec())?;
            if packed != bytes.as_ref() {
                tree.insert(&key, packed)?;
            }
        }
    }
    Ok(())
}
