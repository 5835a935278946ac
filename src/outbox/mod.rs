//! Outgoing mail: formatting (`compose`), the configured transport, and the sender that
//! drains the store's outbox. Mail is queued by `store::commit`, never sent directly.

pub mod compose;
pub mod forward;
pub mod sender;
pub mod transport;

pub use compose::{compose, Composed, FileAttachment};
pub use sender::{DrainReport, Sender};
pub use transport::Transport;
