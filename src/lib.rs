//! Loket: an email-native helpdesk daemon.
//!
//! Mail comes in (IMAP or the spool), is parsed and classified, threaded into a ticket,
//! handed to the pure ticket engine, and the engine's result is committed to the store
//! in one transaction together with the outgoing mail it causes. A sender drains the
//! outbox; intake acknowledges a message to its source only after the commit is on disk.
//!
//! ```text
//! spool ─► intake ─► mail::parse ─► mail::classify ─► thread::resolve ─► engine::step
//!                                                                          │
//!          outbox::sender ◄── store (ticket + history + outbox, one commit) ◄┘
//! ```
//!
//! Module map:
//! - `types`: ids, addresses, time, priority and language, checked once; shared by config,
//!   templates and engine.
//! - `calendar`: business-hours arithmetic in a desk's working calendar (pure).
//! - `config`: the config file → checked `Policy`.
//! - `templates`: mail templates per language.
//! - `mail`: parse, classify and sanitise mail, strip quotes from replies (pure).
//! - `thread`: which ticket a message belongs to (pure).
//! - `engine`: the helpdesk rules: customers, agents and commands, trust, loops, SLA clocks (pure).
//! - `ics`: iCalendar text for on-site visits: invitations and cancellations out, replies in (pure).
//! - `store`: the sled store and its one door for writes, `Store::commit`.
//! - `intake`: sources of mail and their receipts (IMAP mailboxes, the Maildir spool).
//! - `outbox`: formatting and sending outgoing mail.
//! - `daemon`: the worker (load a snapshot → decide, purely → apply one `Change`), the
//!   tasks and the control socket.
//! - `views`: the JSON shapes shown by the CLI.
//! - `cli`: the `loket` command line.
//! - `secret`: passwords from the file, the environment or a command, never logged.
//! - `shutdown`, `telemetry`: stopping cleanly, logging.
//!
//! Invariants: the engine performs no I/O; nothing is acknowledged to a source before the
//! store has flushed it; every outgoing mail is written in the transaction of the change
//! that caused it; automatic mail never answers automatic mail.
//!
//! Code tags: `TODO(#N)` names the issue that will do it; none without a number.

pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod engine;
pub mod ics;
pub mod intake;
pub mod mail;
pub mod outbox;
pub mod report;
pub mod search;
pub mod secret;
pub mod shutdown;
pub mod store;
pub mod telemetry;
pub mod templates;
pub mod thread;
pub mod types;
pub mod views;
pub mod words;
