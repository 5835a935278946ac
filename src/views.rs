//! The JSON shapes the CLI prints, built from the store. The daemon answers the control
//! socket with the same functions, so both paths show the same thing.

use crate::config::Policy;

use crate::engine::service::{self, Service, Span};
use crate::engine::sla::SlaState;
use crate::engine::visit::Visit;
use crate::engine::{HistoryEntry, Ticket};
use crate::outbox::forward;
use crate::report::facts::Facts;
use crate::store::{self, Direction, MessageRecord, Store};
use crate::types::{TicketId, Timestamp};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// One ticket as a list row.
pub fn ticket_summary(ticket: &Ticket) -> Value {
    json!({
        "id": ticket.id.0,
        "desk": ticket.desk.0,
        "subject": ticket.subject,
        "status": ticket.status.to_string(),
        "requester": ticket.requester.as_ref().map(|c| c.address.to_string()),
        "requester_name": ticket.requester.as_ref().and_then(|c| c.name.clone()),
        "tier": ticket.tier.0,
        "priority": ticket.priority.to_string(),
        "category": ticket.category,
        "resolution": ticket.resolution,
        "assignee": ticket.assignee.as_ref().map(|a| a.0.clone()),
        "cc": ticket.cc.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        "message_count": ticket.message_count,
        "linked_to": ticket.linked_to.map(|t| t.0),
        "merged_into": ticket.merged_into.map(|t| t.0),
        "participants": ticket.participants.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        "created_at": ticket.created_at.to_rfc3339(),
        "updated_at": ticket.updated_at.to_rfc3339(),
        "team": ticket.team.as_ref().map(|t| t.0.clone()),
        "tags": ticket.tags,
        "breached": ticket.sla.as_ref().is_some_and(|s| s.is_breached()),
        "sla": ticket.sla.as_ref().map(sla),
        "visits": ticket.visits.iter().map(visit).collect::<Vec<_>>(),
    })
}

/// SLA policy, deadlines (running clocks), whether paused, and what was missed.
fn sla(state: &SlaState) -> Value {
    let deadlines: serde_json::Map<String, Value> = state
        .clocks
        .iter()
        .map(|c| (c.metric.to_string(), Value::String(c.due.to_rfc3339())))
        .collect();
    json!({
        "policy": state.policy,
        "due": deadlines,
        "paused_since": state.paused_at.map(|t| t.to_rfc3339()),
        "breaches": state.breaches.iter().map(|b| json!({
            "metric": b.metric.to_string(),
            "tier": b.tier,
            "at": b.at.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "overdue": state.overdue.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
        "next_reminder": state.remind_at.map(|t| t.to_rfc3339()),
    })
}

fn visit(visit: &Visit) -> Value {
    json!({
        "visit": visit.seq,
        "engineer": visit.engineer.0,
        "start": visit.start.to_rfc3339(),
        "end": visit.end.to_rfc3339(),
        "note": visit.note,
        "status": visit.status,
        "uid": visit.uid,
    })
}

/// Every ticket, by number.
pub fn ticket_list(store: &Store) -> store::Result<Value> {
    Ok(Value::Array(
        store.tickets()?.iter().map(ticket_summary).collect(),
    ))
}

/// One ticket with its messages, history and measured service (in its desk's working
/// hours, spans still running ending at `now`), or `Null` when there is no such ticket.
pub fn ticket_detail(
    store: &Store,
    id: TicketId,
    policy: &Policy,
    now: Timestamp,
) -> store::Result<Value> {
    let Some(ticket) = store.load_ticket(id)? else {
        return Ok(Value::Null);
    };
    let mut view = ticket_summary(&ticket);
    let history = store.history(id)?;
    let calendar = &crate::engine::desk_of(policy, &ticket).calendar;
    view["service"] = service(&service::measure(&ticket, &history, calendar, now));
    let mut messages = Vec::new();
    for record in store.messages(id)? {
        let files = files_of(store, &record)?;
        messages.push(message(&record, &files));
    }
    view["messages"] = Value::Array(messages);
    let history: Vec<Value> = history.iter().map(history_entry).collect();
    view["history"] = Value::Array(history);
    Ok(view)
}

/// What a report needs of every ticket of the store, each measured in its desk's working
/// hours. The tickets are read in as many ranges as there are cores, at once.
pub fn all_facts(store: &Store, policy: &Policy) -> store::Result<Vec<Facts>> {
    let last = store.next_ticket_id()?.0;
    let parts = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8) as u64;
    let share = last.div_ceil(parts).max(1);
    let read = |part: u64| -> store::Result<Vec<Facts>> {
        let first = TicketId(part * share);
        let end = (part + 1 < parts).then_some(TicketId((part + 1) * share));
        let mut facts = Vec::new();
        store.each_ticket_with_history(first, end, |ticket, history| {
            let calendar = &crate::engine::desk_of(policy, &ticket).calendar;
            facts.push(Facts::of(&ticket, &history, calendar));
        })?;
        Ok(facts)
    };
    let mut all = Vec::new();
    std::thread::scope(|scope| -> store::Result<()> {
        let readers: Vec<_> = (0..parts)
            .map(|part| scope.spawn(move || read(part)))
            .collect();
        for reader in readers {
            all.extend(reader.join().expect("a report reader does not panic")?);
        }
        Ok(())
    })?;
    Ok(all)
}

/// A report over every ticket of the store; days and weeks cut in the calendar of the
/// queried desk (else the default desk).
pub fn report(
    store: &Store,
    policy: &Policy,
    query: &crate::report::Query,
) -> store::Result<Value> {
    let all = all_facts(store, policy)?;
    let desk = policy.desk_or_default(query.desk.as_deref());
    let built = crate::report::build(&all, query, &desk.calendar);
    Ok(serde_json::to_value(built).expect("a report is JSON"))
}

/// A customer's tickets (`who` an address) or an organisation's (`who` a domain), each
/// with its status and measured service, and the totals: how many, how many in the 30
/// days before `now`, how many open, the average rating.
pub fn customer(store: &Store, policy: &Policy, who: &str, now: Timestamp) -> store::Result<Value> {
    let who = who.trim().to_lowercase();
    let is_theirs = |ticket: &Ticket| {
        ticket.requester.as_ref().is_some_and(|c| {
            let address = c.address.as_str().to_lowercase();
            address == who || (!who.contains('@') && c.address.domain().eq_ignore_ascii_case(&who))
        })
    };
    let mut tickets = Vec::new();
    let (mut recent, mut open, mut stars, mut rated) = (0, 0, 0u32, 0u32);
    store.each_ticket_with_history(TicketId(0), None, |ticket, history| {
        if !is_theirs(&ticket) {
            return;
        }
        let calendar = &crate::engine::desk_of(policy, &ticket).calendar;
        let measured = service::measure(&ticket, &history, calendar, now);
        if now.0 - ticket.created_at.0 <= 30 * 86_400 {
            recent += 1;
        }
        if ticket.is_open() {
            open += 1;
        }
        if let Some(crate::engine::satisfaction::Score::Stars(n)) = measured.rating {
            stars += u32::from(n);
            rated += 1;
        }
        tickets.push(json!({
            "id": ticket.id.0,
            "desk": ticket.desk.0,
            "subject": ticket.subject,
            "status": ticket.status.to_string(),
            "category": ticket.category,
            "created_at": ticket.created_at.to_rfc3339(),
            "requester": ticket.requester.as_ref().map(|c| c.address.to_string()),
            "first_response_business": measured.first_response.map(|s| s.business),
            "resolution_business": measured.resolution.map(|s| s.business),
            "rating": measured.rating.map(|s| s.to_string()),
            "service": service(&measured),
        }));
    })?;
    Ok(json!({
        "customer": who,
        "tickets": tickets,
        "last_30_days": recent,
        "open": open,
        "rating_average": (rated > 0).then(|| f64::from(stars) / f64::from(rated)),
    }))
}

/// Measured service as JSON: spans in seconds, wall clock and working hours.
pub fn service(service: &Service) -> Value {
    let span = |s: &Option<Span>| s.map(|s| json!({ "wall": s.wall, "business": s.business }));
    let sla: serde_json::Map<String, Value> = service
        .sla
        .iter()
        .map(|(metric, kept)| (metric.to_string(), json!(kept)))
        .collect();
    json!({
        "first_response": span(&service.first_response),
        "resolution": span(&service.resolution),
        "sla": sla,
        "reopens": service.reopens,
        "first_contact_resolution": service.first_contact_resolution,
        "tier_path": service.tier_path,
        "time_per_tier": service.time_per_tier.iter().map(|(tier, s)| json!({
            "tier": tier,
            "wall": s.wall,
            "business": s.business,
        })).collect::<Vec<_>>(),
        "escalations": service.escalations,
        "agent_replies": service.agent_replies,
        "visits": service.visits,
        "rating": service.rating,
        "ratings_received": service.ratings_received,
    })
}

/// The files of a stored message, with their place in it (from 1): read from its raw
/// bytes, which only inbound mail keeps.
fn files_of(store: &Store, record: &MessageRecord) -> store::Result<Vec<Value>> {
    Ok(forward::message_files(store, record)?
        .iter()
        .enumerate()
        .map(|(at, file)| {
            json!({
                "index": at + 1,
                "name": file.name,
                "content_type": file.content_type,
                "size": file.bytes.len(),
                "sha256": hex::encode(Sha256::digest(&file.bytes)),
            })
        })
        .collect())
}

/// Every attachment of a ticket's messages: message number (from 1, as `ticket show`
/// lists them), index in the message, name, type, size and sha256; `null` when there is
/// no such ticket.
pub fn attachment_list(store: &Store, id: TicketId) -> store::Result<Value> {
    if store.load_ticket(id)?.is_none() {
        return Ok(Value::Null);
    }
    let mut all = Vec::new();
    for (at, record) in store.messages(id)?.iter().enumerate() {
        for mut file in files_of(store, record)? {
            file["message"] = json!(at + 1);
            all.push(file);
        }
    }
    Ok(Value::Array(all))
}

/// The raw bytes of message `number` (from 1) of a ticket, base64-encoded, or why there
/// are none.
pub fn message_raw(store: &Store, id: TicketId, number: usize) -> Result<Value, String> {
    let record = nth_message(store, id, number)?;
    if record.direction != Direction::Inbound {
        return Err(format!(
            "message {number} of ticket {id} is one Loket sent; its bytes are in `loket outbox list`"
        ));
    }
    let raw = store
        .raw_message(id, record.seq)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the store has no bytes of message {number} of ticket {id}"))?;
    Ok(json!({ "base64": BASE64.encode(raw) }))
}

/// One attachment's decoded bytes, base64-encoded, with its name and type.
pub fn attachment_get(
    store: &Store,
    id: TicketId,
    number: usize,
    index: usize,
) -> Result<Value, String> {
    let record = nth_message(store, id, number)?;
    let files = forward::message_files(store, &record).map_err(|e| e.to_string())?;
    let file = index
        .checked_sub(1)
        .and_then(|i| files.get(i))
        .ok_or_else(|| {
            format!(
                "message {number} of ticket {id} has {} attachment(s), not one numbered {index}; see `loket attachment list {id}`",
                files.len()
            )
        })?;
    Ok(json!({
        "name": file.name,
        "content_type": file.content_type,
        "base64": BASE64.encode(&file.bytes),
    }))
}

fn nth_message(store: &Store, id: TicketId, number: usize) -> Result<MessageRecord, String> {
    if store.load_ticket(id).map_err(|e| e.to_string())?.is_none() {
        return Err(format!("no ticket #{id}"));
    }
    let messages = store.messages(id).map_err(|e| e.to_string())?;
    let count = messages.len();
    number
        .checked_sub(1)
        .and_then(|i| messages.into_iter().nth(i))
        .ok_or_else(|| format!("ticket {id} has {count} message(s), not one numbered {number}"))
}

fn message(record: &MessageRecord, files: &[Value]) -> Value {
    json!({
        "message_id": record.message_id.as_str(),
        "from": record.from.as_ref().map(|c| c.address.to_string()),
        "direction": record.direction,
        "kind": record.kind,
        "matched_by": record.matched_by.to_string(),
        "class": record.class.as_ref().map(|c| c.to_string()),
        "date": record.date.to_rfc3339(),
        "subject": record.subject,
        "text": record.text,
        "new_text": record.new_text(),
        "attachments": if files.is_empty() {
            record.attachments.iter().map(|(name, size)| json!({"name": name, "size": size})).collect::<Vec<_>>()
        } else {
            files.to_vec()
        },
        "problems": record.problems,
    })
}

fn history_entry(entry: &HistoryEntry) -> Value {
    let mut value = serde_json::to_value(&entry.happening).unwrap_or(Value::Null);
    value["at"] = Value::String(entry.at.to_rfc3339());
    value
}

/// Every quarantined message.
pub fn quarantine_list(store: &Store) -> store::Result<Value> {
    let records = store.quarantined()?;
    Ok(serde_json::to_value(records).unwrap_or(Value::Null))
}

/// Every outgoing mail and its state.
pub fn outbox_list(store: &Store) -> store::Result<Value> {
    Ok(serde_json::to_value(store.outbox()?).unwrap_or(Value::Null))
}

/// Why a search cannot be answered when the daemon runs without an index.
pub const NO_INDEX: &str =
    "this daemon runs without a search index (its log says why it could not open one)";

/// What `loket search` shows: the hits, best first.
pub fn search(
    knowledge: Option<&crate::daemon::indexing::Knowledge>,
    query: &crate::search::Query,
) -> Result<Value, String> {
    let hits = ready_index(knowledge)?
        .search(query)
        .map_err(|e| e.to_string())?;
    Ok(json!({ "hits": hits }))
}

/// How alike tickets must be to be grouped by `loket search --cluster` and in reports.
pub const CLUSTER_LIKENESS: f32 = 0.25;

/// What `loket search --cluster` shows: groups of tickets about the same thing.
pub fn clusters(
    knowledge: Option<&crate::daemon::indexing::Knowledge>,
    desk: Option<&str>,
    since: Timestamp,
) -> Result<Value, String> {
    let clusters = ready_index(knowledge)?
        .clusters(desk, since, None, CLUSTER_LIKENESS)
        .map_err(|e| e.to_string())?;
    Ok(json!({ "clusters": clusters }))
}

fn ready_index(
    knowledge: Option<&crate::daemon::indexing::Knowledge>,
) -> Result<&crate::search::SearchIndex, String> {
    knowledge.ok_or(NO_INDEX)?.index().map_err(|building| {
        format!(
            "the search index is being built from the store ({} of {} tickets); try again in a moment",
            building.done, building.total
        )
    })
}
