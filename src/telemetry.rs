//! Logging setup. One INFO line per state change, with ids; details at DEBUG.
//!
//! The level comes from `LOKET_LOG` (tracing's env-filter syntax), default `info`.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Sends panics to the log as one line instead of a multi-line report on standard error:
/// the worker catches a panicking message and quarantines it, and the log says why.
pub fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(location = location.as_deref().unwrap_or("?"), error = %message, "internal error (panic)");
    }));
}

/// Installs the global logger, writing to standard error.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_env("LOKET_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
