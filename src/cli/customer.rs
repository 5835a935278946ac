//! `loket customer show|forget`: one customer's (or organisation's) tickets and the
//! service they got, and the right to be forgotten.

use super::query::{ask, text};
use super::{exit, fail, CustomerCommand};
use crate::clock::Clock;
use crate::config::Policy;
use crate::daemon::control::Request;
use crate::store::{self, erase, Store};
use crate::types::EmailAddress;
use serde_json::Value;
use std::time::Duration;

/// Runs `loket customer ...`.
pub(super) fn run(policy: &Policy, command: CustomerCommand) -> u8 {
    match command {
        CustomerCommand::Show { who, json } => show(policy, &who, json),
        CustomerCommand::Forget { address } => forget(policy, &address),
    }
}

fn show(policy: &Policy, who: &str, json: bool) -> u8 {
    let value = match ask(
        policy,
        &Request::CustomerShow {
            who: who.to_string(),
        },
    ) {
        Ok(value) => value,
        Err(e) => return fail(&e, exit::SOFTWARE),
    };
    if value["tickets"].as_array().is_none_or(|t| t.is_empty()) {
        eprintln!("loket: no tickets from {who}");
        return exit::NO_INPUT;
    }
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&value).expect("JSON values print")
        );
        return 0;
    }
    say!(
        "{}: {}, {} in the last 30 days, {} open; {}",
        who,
        match value["tickets"].as_array().map_or(0, Vec::len) {
            1 => "1 ticket".to_string(),
            n => format!("{n} tickets"),
        },
        value["last_30_days"],
        value["open"],
        match &value["rating_average"] {
            Value::Null => "no ratings".to_string(),
            average => format!("average rating {:.1} of 5", average.as_f64().unwrap_or(0.0)),
        }
    );
    say!(
        "{:>6}  {:<8}  {:<20}  {:<10}  {:<12}  {:<8}  SUBJECT",
        "ID",
        "STATUS",
        "OPENED",
        "CATEGORY",
        "RESPONSE",
        "RATING"
    );
    for ticket in value["tickets"].as_array().into_iter().flatten() {
        let response = ticket["first_response_business"]
            .as_u64()
            .map_or("-".to_string(), |s| {
                crate::words::duration(Duration::from_secs(s), crate::types::Language::En)
            });
        say!(
            "{:>6}  {:<8}  {:<20}  {:<10}  {:<12}  {:<8}  {}",
            text(ticket, "id"),
            text(ticket, "status"),
            text(ticket, "created_at"),
            text(ticket, "category"),
            response,
            text(ticket, "rating"),
            text(ticket, "subject")
        );
    }
    0
}

fn forget(policy: &Policy, address: &str) -> u8 {
    let Some(address) = EmailAddress::parse(address) else {
        eprintln!("loket: {address:?} is not a mail address");
        return exit::USAGE;
    };
    let store = match Store::open_patiently(&policy.store_path, Duration::from_secs(2)) {
        Ok(store) => store,
        Err(store::Error::Locked { .. }) => {
            eprintln!(
                "loket: the daemon holds the store; stop it first (customer forget rewrites the store's files)"
            );
            return exit::TEMPFAIL;
        }
        Err(e) => return fail(&e.into(), exit::SOFTWARE),
    };
    let by = who_runs_this();
    let now = Clock::new(&policy.testing).now();
    let done = match store.forget(&address, &by, now) {
        Ok(done) => done,
        Err(e) => return fail(&e.into(), exit::SOFTWARE),
    };
    let files = match store.collect_journal() {
        Ok(files) => files,
        Err(e) => return fail(&e.into(), exit::SOFTWARE),
    };
    drop(store);
    if let Err(e) = erase::rewrite(&policy.store_path) {
        return fail(&anyhow::anyhow!("the erasure is recorded, but the store's files could not be rewritten ({e}); run the command again"), exit::SOFTWARE);
    }
    // The index holds their words too; it is built again from the erased store.
    let index = &policy.knowledge.index;
    if let Err(e) = std::fs::remove_dir_all(index) {
        if e.kind() != std::io::ErrorKind::NotFound {
            return fail(&anyhow::anyhow!("the erasure is recorded and the store rewritten, but the search index at {} could not be removed ({e}); remove that folder by hand", index.display()), exit::SOFTWARE);
        }
    }
    say!(
        "{address}: erased from {} tickets ({} messages, {} outgoing mails, {} quarantined); {} journal files removed; the store's files rewritten; the search index removed (it is built again at the next start or search)",
        done.tickets.len(),
        done.messages,
        done.outbox,
        done.quarantined,
        files
    );
    0
}

/// The unix user running the command, for the history.
fn who_runs_this() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| {
            // SAFETY: getuid cannot fail.
            format!("uid {}", unsafe { libc::getuid() })
        })
}
