//! What the search index still has to take in. Every commit marks the tickets it
//! changed (in the same transaction), and the indexer clears a mark only once the index
//! holds that change: a crash between the two indexes the ticket again, which is
//! harmless, and no change is ever missed.

use super::{keys, Result, Store};
use crate::engine::Ticket;
use crate::store::records::MessageRecord;
use crate::types::TicketId;

/// A ticket changed since the index last took it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToIndex {
    /// The ticket.
    pub ticket: TicketId,
    /// Which change: taking the ticket in clears the mark only if no later change came.
    mark: Vec<u8>,
}

impl Store {
    /// Up to `limit` tickets changed since the index took them in, by number.
    pub fn tickets_to_index(&self, limit: usize) -> Result<Vec<ToIndex>> {
        self.tree(keys::TO_INDEX)?
            .iter()
            .take(limit)
            .map(|item| {
                let (key, mark) = item?;
                let id: [u8; 8] = key.as_ref().try_into().unwrap_or_default();
                Ok(ToIndex {
                    ticket: TicketId(u64::from_be_bytes(id)),
                    mark: mark.to_vec(),
                })
            })
            .collect()
    }

    /// How many tickets wait for the index.
    pub fn tickets_to_index_count(&self) -> Result<usize> {
        Ok(self.tree(keys::TO_INDEX)?.len())
    }

    /// Clears the marks of changes the index now holds; a ticket changed again since
    /// keeps its (newer) mark. Needs no flush: a mark lost in a crash is indexed again.
    pub fn indexed(&self, taken: &[ToIndex]) -> Result<()> {
        let tree = self.tree(keys::TO_INDEX)?;
        for item in taken {
            let key = keys::ticket(item.ticket);
            // A failed swap means a newer change: its mark stays for the next round.
            let _ = tree.compare_and_swap(key, Some(item.mark.as_slice()), None::<&[u8]>)?;
        }
        Ok(())
    }

    /// Calls `visit` with every ticket and its messages, by number, one at a time.
    pub fn each_ticket_with_messages(
        &self,
        mut visit: impl FnMut(Ticket, Vec<MessageRecord>),
    ) -> Result<()> {
        for value in self.tree(keys::TICKETS)?.iter().values() {
            let ticket: Ticket = self.decode("ticket", &value?)?;
            let messages = self.messages(ticket.id)?;
            visit(ticket, messages);
        }
        Ok(())
    }

    /// How many tickets the store holds.
    pub fn ticket_count(&self) -> Result<usize> {
        Ok(self.tree(keys::TICKETS)?.len())
    }
}
