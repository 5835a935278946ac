//! The JSON shapes the CLI prints, built from the store. The daemon answers the control
//! socket with the same functions, so both paths show the same thing.

use crate::engine::sla::SlaState;
use crate::engine::visit::Visit;
use crate::engine::{HistoryEntry, Ticket};
use crate::store::{self, MessageRecord, Store};
use crate::types::TicketId;
use serde_json::{json, Value};

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

/// One ticket with its messages and history, or `Null` when there is no such ticket.
pub fn ticket_detail(store: &Store, id: TicketId) -> store::Result<Value> {
    let Some(ticket) = store.load_ticket(id)? else {
        return Ok(Value::Null);
    };
    let mut view = ticket_summary(&ticket);
    let messages: Vec<Value> = store.messages(id)?.iter().map(message).collect();
    view["messages"] = Value::Array(messages);
    let history: Vec<Value> = store.history(id)?.iter().map(history_entry).collect();
    view["history"] = Value::Array(history);
    Ok(view)
}

fn message(record: &MessageRecord) -> Value {
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
        "attachments": record.attachments.iter().map(|(name, size)| json!({"name": name, "size": size})).collect::<Vec<_>>(),
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
