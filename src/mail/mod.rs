//! Reading mail: parse raw bytes into a cleaned `Mail`, classify its sender, sanitise text.
//!
//! Everything here is pure: no store, no network, no clock.

pub mod charset;
pub mod classify;
pub mod files;
pub mod flowed;
pub mod html;
pub mod parse;
pub mod quote;
pub mod sanitize;
pub mod signature;
pub mod tnef;

pub use classify::{classify, Class};
pub use parse::{parse, Mail};
