//! The scheduler task: keeps time for the timers. The worker does the firing (it is the
//! only writer of tickets); this task only asks it to, about once a second.

use super::worker::Input;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::info;

/// The longest the scheduler waits between two looks at the timers (a look reads one
/// key of the due-time index; the clock of a test build may jump meanwhile).
const SCHEDULER_POLL: Duration = Duration::from_secs(1);

/// Asks the worker to fire due timers, about once a second. The worker does the firing
/// (it is the only writer of tickets); this task only keeps time.
pub(super) async fn run(worker: mpsc::Sender<Input>, stop: CancellationToken) {
    loop {
        let (done, report) = oneshot::channel();
        if worker.send(Input::Timers(done)).await.is_err() {
            return;
        }
        if let Ok(report) = report.await {
            if report.fired > 0 {
                info!(
                    fired = report.fired,
                    mails = report.queued_mail,
                    "timers fired"
                );
            }
        }
        tokio::select! {
            () = tokio::time::sleep(SCHEDULER_POLL) => {}
            () = stop.cancelled() => return,
        }
    }
}
