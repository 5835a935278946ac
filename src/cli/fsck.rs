//! `loket fsck [--repair]`: checks that the store's records and its mail journal agree.

use super::{exit, fail};
use crate::config::Policy;
use crate::daemon;
use crate::store::FsckReport;

/// Checks the store (the daemon must be stopped); with `repair`, first takes in the
/// mail a crash left in the journal without a commit. Exits 0 when all is well, 1 when
/// something needs the admin.
pub fn run(policy: Policy, repair: bool) -> u8 {
    if repair {
        match daemon::repair_journal(policy.clone()) {
            Ok(taken) => say!(
                "repair: {} mail taken in from the journal, {} of it already stored",
                taken.stored + taken.duplicates + taken.quarantined,
                taken.duplicates
            ),
            Err(e) => return fail(&e, exit::SOFTWARE),
        }
    }
    let report = match daemon::open_store(&policy).and_then(|store| Ok(store.fsck()?)) {
        Ok(report) => report,
        Err(e) => return fail(&e, exit::SOFTWARE),
    };
    print(&report);
    if report.is_clean() {
        0
    } else {
        1
    }
}

fn print(report: &FsckReport) {
    say!(
        "journal: {} files read and checked, {} references from records",
        report.files,
        report.references
    );
    say!(
        "orphans: {} (mail in the journal that no record refers to: `loket fsck --repair` takes it in)",
        report.orphans.len()
    );
    for hash in &report.orphans {
        say!("  {hash}");
    }
    say!(
        "missing: {} (records whose journal file is gone: restore the file from a backup)",
        report.missing.len()
    );
    for (tree, hash) in &report.missing {
        say!("  {hash} (referred to from {tree})");
    }
    say!("damaged: {}", report.damaged.len());
    for (hash, why) in &report.damaged {
        say!("  {hash}: {why}");
    }
    if !report.unsettled.is_empty() {
        say!(
            "not yet in place: {} (committed; moved into place at the next start)",
            report.unsettled.len()
        );
    }
    if report.unreferenced > 0 {
        say!(
            "unreferenced: {} (written for a commit that a crash stopped; harmless)",
            report.unreferenced
        );
    }
    say!(
        "{}",
        if report.is_clean() {
            "store ok"
        } else {
            "store needs attention (see above)"
        }
    );
}
