//! The control socket: how the CLI reads from a running daemon, which holds the store.
//!
//! One JSON request per line, one JSON answer per line (`{"ok": …}` or `{"error": "…"}`).

use super::indexing::Knowledge;
use crate::clock::Clock;
use crate::config::Policy;
use crate::store::Store;
use crate::types::{TicketId, Timestamp};
use crate::views;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

/// What the CLI may ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Request {
    /// Every ticket.
    TicketList,
    /// One ticket with its messages.
    TicketShow {
        /// Ticket number.
        id: u64,
    },
    /// Every quarantined message.
    QuarantineList,
    /// Every outgoing mail.
    OutboxList,
    /// The raw bytes of one message of a ticket (from 1).
    MessageRaw {
        /// Ticket number.
        id: u64,
        /// Message number, as `ticket show` lists them.
        number: usize,
    },
    /// Every attachment of a ticket.
    AttachmentList {
        /// Ticket number.
        id: u64,
    },
    /// A customer's (or an organisation's) tickets and service.
    CustomerShow {
        /// An address or a domain.
        who: String,
    },
    /// A report over the store.
    Report {
        /// What it covers.
        query: crate::report::Query,
    },
    /// One attachment's bytes.
    AttachmentGet {
        /// Ticket number.
        id: u64,
        /// Message number.
        number: usize,
        /// Attachment number in the message (from 1).
        index: usize,
    },
    /// Tickets and articles found by their words.
    Search {
        /// What to look for.
        query: crate::search::Query,
    },
    /// Build the search index again from the store.
    Reindex,
    /// Tickets opened since a time, grouped by what they are about.
    Clusters {
        /// Only this desk.
        desk: Option<String>,
        /// Opened at or after this.
        since: Timestamp,
    },
}

impl Request {
    /// Whether answering it needs the search index.
    pub fn needs_index(&self) -> bool {
        matches!(
            self,
            Request::Search { .. } | Request::Reindex | Request::Clusters { .. }
        )
    }
}

/// Answers a request from the store, under `policy` (the desks' calendars) at `now`;
/// used by the daemon and by the CLI alike.
pub fn answer(
    store: &Store,
    policy: &Policy,
    knowledge: Option<&Knowledge>,
    now: Timestamp,
    request: &Request,
) -> Result<Value, String> {
    let result = match request {
        Request::TicketList => views::ticket_list(store),
        Request::TicketShow { id } => views::ticket_detail(store, TicketId(*id), policy, now),
        Request::QuarantineList => views::quarantine_list(store),
        Request::OutboxList => views::outbox_list(store),
        Request::AttachmentList { id } => views::attachment_list(store, TicketId(*id)),
        Request::MessageRaw { id, number } => {
            return views::message_raw(store, TicketId(*id), *number)
        }
        Request::Report { query } => views::report(store, policy, query),
        Request::CustomerShow { who } => views::customer(store, policy, who, now),
        Request::AttachmentGet { id, number, index } => {
            return views::attachment_get(store, TicketId(*id), *number, *index)
        }
        Request::Search { query } => return views::search(knowledge, query),
        Request::Clusters { desk, since } => {
            return views::clusters(knowledge, desk.as_deref(), *since)
        }
        Request::Reindex => {
            let knowledge = knowledge.ok_or(views::NO_INDEX)?;
            knowledge.request_rebuild();
            return Ok(json!({ "rebuilding": true }));
        }
    };
    result.map_err(|e| e.to_string())
}

/// Listens on the socket until cancelled.
pub async fn serve(
    listener: UnixListener,
    store: Store,
    policy: Arc<Policy>,
    clock: Clock,
    knowledge: Option<Arc<Knowledge>>,
    stop: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop.cancelled() => return,
        };
        match accepted {
            Ok((stream, _)) => {
                let now = clock.now();
                let (store, policy, knowledge) = (store.clone(), policy.clone(), knowledge.clone());
                tokio::spawn(handle(stream, store, policy, knowledge, now));
            }
            Err(e) => warn!(error = %e, "control socket accept failed"),
        }
    }
}

/// Binds the socket, replacing a stale one (the caller holds the store, so no daemon uses
/// it). It is Loket's user's alone, or also `group`'s (mode 0660) when one is given.
pub fn bind(path: &Path, group: Option<u32>) -> io::Result<UnixListener> {
    if path.exists() {
        std::fs::remove_file(path)?;
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let listener = UnixListener::bind(path)?;
    if let Some(gid) = group {
        use std::os::unix::fs::PermissionsExt;
        std::os::unix::fs::chown(path, None, Some(gid))?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))?;
    }
    Ok(listener)
}

async fn handle(
    stream: UnixStream,
    store: Store,
    policy: Arc<Policy>,
    knowledge: Option<Arc<Knowledge>>,
    now: Timestamp,
) {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    if tokio::io::BufReader::new(read)
        .read_line(&mut line)
        .await
        .is_err()
    {
        return;
    }
    let reply = match serde_json::from_str::<Request>(&line) {
        Ok(request) => {
            debug!(?request, "control request");
            let answered = tokio::task::spawn_blocking(move || {
                answer(&store, &policy, knowledge.as_deref(), now, &request)
            })
            .await;
            answered.unwrap_or_else(|e| Err(e.to_string()))
        }
        Err(e) => Err(format!("bad request: {e}")),
    };
    let body = match reply {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error }),
    };
    let _ = write.write_all(format!("{body}\n").as_bytes()).await;
}

/// Asks a running daemon; `Ok(None)` when no daemon listens on the socket.
pub fn ask(socket: &Path, request: &Request) -> io::Result<Option<Result<Value, String>>> {
    let mut stream = match std::os::unix::net::UnixStream::connect(socket) {
        Ok(stream) => stream,
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    writeln!(
        stream,
        "{}",
        serde_json::to_string(request).map_err(io::Error::other)?
    )?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line)?;
    let reply: Value = serde_json::from_str(&line).map_err(io::Error::other)?;
    Ok(Some(match reply.get("ok") {
        Some(value) => Ok(value.clone()),
        None => Err(reply["error"]
            .as_str()
            .unwrap_or("the daemon gave no answer")
            .to_string()),
    }))
}
