//! `loket ticket|quarantine|outbox ...`: read the store, through the running daemon when
//! there is one (sled admits one process), else directly.

use super::{exit, fail, TicketCommand, TicketFilter};
use crate::config::Policy;
use crate::daemon::control::{self, Request};
use crate::daemon::indexing::{self, Knowledge};
use crate::store::{self, Store};
use anyhow::Context;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// `loket ticket list|show`.
pub fn ticket(policy: Policy, command: TicketCommand) -> u8 {
    match command {
        TicketCommand::List { json, filter } => list(&policy, &filter, json),
        TicketCommand::Show { id, json } => {
            show(&policy, &Request::TicketShow { id }, json, print_ticket)
        }
    }
}

fn list(policy: &Policy, filter: &TicketFilter, json: bool) -> u8 {
    let all = match ask(policy, &Request::TicketList) {
        Ok(value) => value,
        Err(e) => return fail(&e, exit::SOFTWARE),
    };
    let chosen: Vec<Value> = all
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| filter.admits(t))
        .cloned()
        .collect();
    let chosen = Value::Array(chosen);
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&chosen).expect("JSON values print")
        );
    } else {
        print_ticket_list(&chosen);
    }
    0
}

/// `loket quarantine list`.
pub fn quarantine(policy: Policy, json: bool) -> u8 {
    show(&policy, &Request::QuarantineList, json, print_rows)
}

/// `loket outbox list`.
pub fn outbox(policy: Policy, json: bool) -> u8 {
    show(&policy, &Request::OutboxList, json, print_rows)
}

fn show(policy: &Policy, request: &Request, json: bool, print: fn(&Value)) -> u8 {
    let value = match ask(policy, request) {
        Ok(value) => value,
        Err(e) => return fail(&e, exit::SOFTWARE),
    };
    if value.is_null() {
        match request {
            Request::TicketShow { id } => eprintln!("loket: no ticket #{id}"),
            _ => eprintln!("loket: nothing found"),
        }
        return exit::NO_INPUT;
    }
    if json {
        say!(
            "{}",
            serde_json::to_string_pretty(&value).expect("JSON values print")
        );
    } else {
        print(&value);
    }
    0
}

/// A request answered by the running daemon, else from the store directly.
pub(super) fn ask(policy: &Policy, request: &Request) -> anyhow::Result<Value> {
    let socket = &policy.control_socket;
    let asked = control::ask(socket, request)
        .with_context(|| format!("cannot talk to the daemon at {}", socket.display()))?;
    if let Some(answer) = asked {
        return answer.map_err(|e| anyhow::anyhow!("the daemon answered: {e}"));
    }
    // A daemon that is starting holds the store before its socket answers: ask again.
    let store = match Store::open_patiently(&policy.store_path, Duration::from_secs(2)) {
        Err(store::Error::Locked { .. }) => {
            if let Some(answer) = control::ask(socket, request)? {
                return answer.map_err(|e| anyhow::anyhow!("the daemon answered: {e}"));
            }
            Store::open(&policy.store_path)
        }
        other => other,
    };
    let store = match store {
        Err(store::Error::Locked { path }) => anyhow::bail!(
            "the store at {} is held by a process that does not answer on {}; is an old loket still running?",
            path.display(),
            socket.display()
        ),
        other => other?,
    };
    let now = crate::clock::Clock::new(&policy.testing).now();
    let knowledge = if request.needs_index() {
        Some(index_here(&store, policy)?)
    } else {
        None
    };
    control::answer(&store, policy, knowledge.as_deref(), now, request)
        .map_err(|e| anyhow::anyhow!(e))
}

/// The search index of a store no daemon holds, brought up to date (built from the
/// store when it must be, with its progress on a terminal).
pub(super) fn index_here(store: &Store, policy: &Policy) -> anyhow::Result<Arc<Knowledge>> {
    let knowledge = Knowledge::open(policy).with_context(|| {
        format!(
            "cannot open the search index at {}",
            policy.knowledge.index.display()
        )
    })?;
    let mut progress = super::output::Progress::new("indexing tickets");
    let brought = indexing::bring_up_to_date(&knowledge, store, policy, &mut |done, total| {
        progress.show(done, total)
    });
    progress.finish();
    match brought {
        Ok(_) => Ok(knowledge),
        // Another `loket` may be writing it right now; a whole index can still be read.
        Err(e) if knowledge.index().is_ok() => {
            eprintln!(
                "loket: the search index was not brought up to date ({e}); searching what it holds"
            );
            Ok(knowledge)
        }
        Err(e) => Err(e.into()),
    }
}

/// A field of a JSON view as a table cell: strings as they are, `-` for nothing.
pub(super) fn text(value: &Value, key: &str) -> String {
    match &value[key] {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn print_ticket_list(value: &Value) {
    say!(
        "{:>6}  {:<8}  {:>4}  {:<8}  {:>4}  {:<30}  SUBJECT",
        "ID",
        "STATUS",
        "TIER",
        "SLA",
        "MSGS",
        "REQUESTER"
    );
    for ticket in value.as_array().into_iter().flatten() {
        let sla = if ticket["breached"] == Value::Bool(true) {
            "BREACHED"
        } else if ticket["sla"].is_null() {
            "-"
        } else {
            "ok"
        };
        say!(
            "{:>6}  {:<8}  {:>4}  {:<8}  {:>4}  {:<30}  {}",
            text(ticket, "id"),
            text(ticket, "status"),
            text(ticket, "tier"),
            sla,
            text(ticket, "message_count"),
            text(ticket, "requester"),
            text(ticket, "subject")
        );
    }
}

fn print_ticket(ticket: &Value) {
    say!(
        "Ticket #{}: {}",
        text(ticket, "id"),
        text(ticket, "subject")
    );
    for key in [
        "status",
        "tier",
        "team",
        "assignee",
        "priority",
        "category",
        "resolution",
        "desk",
        "requester",
        "linked_to",
        "created_at",
        "updated_at",
    ] {
        say!("  {key:<11} {}", text(ticket, key));
    }
    print_sla(&ticket["sla"]);
    print_service(&ticket["service"]);
    for note in ticket["history"].as_array().into_iter().flatten() {
        if let Some(line) = limit_note(note) {
            say!("  note        {line}");
        }
    }
    for visit in ticket["visits"].as_array().into_iter().flatten() {
        say!(
            "  visit       #{} {} to {} by {} ({})",
            text(visit, "visit"),
            text(visit, "start"),
            text(visit, "end"),
            text(visit, "engineer"),
            text(visit, "status")
        );
    }
    for message in ticket["messages"].as_array().into_iter().flatten() {
        say!();
        say!(
            "--- {} {} from {} ({}, matched by {})",
            text(message, "date"),
            text(message, "direction"),
            text(message, "from"),
            text(message, "kind"),
            text(message, "matched_by")
        );
        say!("Subject: {}", text(message, "subject"));
        say!("{}", shown_text(message));
    }
}

/// The measured service, a few lines: the times (working hours, then wall clock), the
/// SLA targets kept, and how the ticket went.
fn print_service(service: &Value) {
    if service.is_null() {
        return;
    }
    let span = |key: &str| {
        let s = &service[key];
        if s.is_null() {
            return "-".to_string();
        }
        let of = |k: &str| {
            let secs = s[k].as_u64().unwrap_or(0);
            crate::words::duration(Duration::from_secs(secs), crate::types::Language::En)
        };
        format!(
            "{} working time ({} on the clock)",
            of("business"),
            of("wall")
        )
    };
    say!("  responded   {}", span("first_response"));
    say!("  resolved in {}", span("resolution"));
    let kept: Vec<String> = service["sla"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(metric, kept)| format!("{metric} {}", kept.as_str().unwrap_or("?")))
        .collect();
    if !kept.is_empty() {
        say!("  sla kept    {}", kept.join(", "));
    }
    let path: Vec<String> = service["tier_path"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| t.to_string())
        .collect();
    let rating = match &service["rating"] {
        Value::Null => "-".to_string(),
        Value::Object(score) => match (score.get("stars"), score.get("solved")) {
            (Some(stars), _) => format!("{stars}/5"),
            (_, Some(Value::Bool(true))) => "solved".into(),
            _ => "not solved".into(),
        },
        other => other.to_string(),
    };
    say!(
        "  service     tiers {} | agent replies {} | reopens {} | visits {} | first contact {} | rating {}",
        path.join(" -> "),
        service["agent_replies"],
        service["reopens"],
        service["visits"],
        if service["first_contact_resolution"] == Value::Bool(true) { "yes" } else { "no" },
        rating
    );
}

/// What a history entry says about files the intake did not take, in one line; `None`
/// for every other entry.
fn limit_note(entry: &Value) -> Option<String> {
    use crate::mail::parse::RefusedFile;
    use crate::types::Language::En;
    use crate::words;
    let listed = |files: Vec<String>| match files.is_empty() {
        true => String::new(),
        false => format!(": {}", files.join("; ")),
    };
    match entry["what"].as_str()? {
        "mail-too-large" => {
            let size = |key: &str| words::size(entry[key].as_u64().unwrap_or(0) as usize, En);
            let cut: Vec<(String, usize)> =
                serde_json::from_value(entry["refused"].clone()).unwrap_or_default();
            let files = cut
                .iter()
                .map(|(name, bytes)| format!("{name} ({})", words::size(*bytes, En)));
            Some(format!(
                "a mail of {} was over the {} limit; only its first {} are kept{}",
                size("size"),
                size("limit"),
                size("limit"),
                listed(files.map(|f| format!("{f} not kept")).collect())
            ))
        }
        "files-refused" => {
            let files: Vec<RefusedFile> = serde_json::from_value(entry["files"].clone()).ok()?;
            let files = files.iter().map(|file| {
                let why = words::refusal(file.refusal, En);
                format!("{} ({}): {why}", file.name, words::size(file.size, En))
            });
            Some(format!("files not taken in{}", listed(files.collect())))
        }
        _ => None,
    }
}

/// A message's new text, and how many lines of its whole text that leaves out (quoted
/// history, signature, footers): `ticket show --json` has both in full.
fn shown_text(message: &Value) -> String {
    let whole = text(message, "text");
    let new = match message["new_text"].as_str() {
        Some(new) => new.trim_end().to_string(),
        None => return whole.trim_end().to_string(),
    };
    let lines = |t: &str| t.lines().filter(|l| !l.trim().is_empty()).count();
    let hidden = lines(&whole).saturating_sub(lines(&new));
    match hidden {
        0 => new,
        1 => format!("{new}\n(1 line of quote or signature hidden)"),
        n => format!("{new}\n({n} lines of quote and signature hidden)"),
    }
}

fn print_sla(sla: &Value) {
    if sla.is_null() {
        say!("  sla         -");
        return;
    }
    say!("  sla         {}", text(sla, "policy"));
    for (metric, due) in sla["due"].as_object().into_iter().flatten() {
        say!("    {metric:<15} due {}", due.as_str().unwrap_or("-"));
    }
    if let Some(since) = sla["paused_since"].as_str() {
        say!("    paused since {since} (pending)");
    }
    for breach in sla["breaches"].as_array().into_iter().flatten() {
        say!(
            "    BREACHED {} at tier {} ({})",
            text(breach, "metric"),
            text(breach, "tier"),
            text(breach, "at")
        );
    }
}

fn print_rows(value: &Value) {
    let rows = value.as_array().map_or(&[][..], |a| a.as_slice());
    if rows.is_empty() {
        say!("(none)");
    }
    for row in rows {
        say!("{row}");
    }
}
