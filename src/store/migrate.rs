//! Schema upgrades: a store written by an earlier Loket is brought up to this build's
//! schema once, when it is opened, before any task runs. Each step says what it changes;
//! a store newer than this build is refused, never rewritten.

use super::{keys, Result, Store};
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
        other => unreachable!("no migration step from schema {other}"),
    }
    Ok(())
}
