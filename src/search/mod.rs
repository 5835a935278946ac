//! Knowledge: every ticket and article findable by its words, in Indonesian and English.
//!
//! The index is derived data: built from the store (`loket reindex`), kept up to date by
//! the daemon after each commit, and rebuilt whenever it is missing or was left half
//! built. Losing it loses nothing.

pub mod analysis;
pub mod entry;
pub mod index;

pub use entry::{Entry, Source, KB_CANDIDATE};
pub use index::{Answer, Cluster, Completeness, Hit, Probe, Query, SearchIndex, Similar};

#[cfg(test)]
mod tests;
