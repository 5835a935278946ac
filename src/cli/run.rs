//! `loket run [--once]`: the daemon, or one pass over all pending work.

use super::{exit, fail};
use crate::config::Policy;
use crate::daemon;

/// Runs the daemon (or one pass) on a tokio runtime.
pub fn run(policy: Policy, once: bool) -> u8 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return fail(
                &anyhow::Error::new(e).context("cannot start the async runtime"),
                exit::SOFTWARE,
            )
        }
    };
    if once {
        match runtime.block_on(daemon::run_once(policy)) {
            Ok(report) => {
                let i = report.intake;
                say!(
                    "stored {}, duplicates {}, quarantined {}, left for retry {}, timers fired {}, mail sent {}, not sent {}",
                    i.stored, i.duplicates, i.quarantined, i.retried, report.timers_fired, report.sent, report.not_sent
                );
                0
            }
            Err(e) => fail(&e, exit::SOFTWARE),
        }
    } else {
        match runtime.block_on(daemon::run(policy)) {
            Ok(()) => 0,
            Err(e) => fail(&e, exit::SOFTWARE),
        }
    }
}
