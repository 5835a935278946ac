//! Stopping cleanly, and never half-alive: one token every task listens to, a tracker to
//! wait for them, and a supervisor that turns the death of any task into a stop of the
//! whole daemon (with the reason kept for its exit), so that systemd restarts it instead
//! of leaving a live process that takes no mail in.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinError;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{error, warn};

/// The daemon's tasks and the signal that asks them to stop.
#[derive(Clone, Default)]
pub struct Tasks {
    stop: CancellationToken,
    tracker: TaskTracker,
    death: Arc<Mutex<Option<Death>>>,
}

/// Why the daemon stops on its own. A panic is the cause and outranks an early end,
/// which is often only a consequence (a task whose peer died has nothing left to do).
#[derive(Debug, Clone)]
struct Death {
    panicked: bool,
    text: String,
}

impl Tasks {
    /// A fresh set of tasks.
    pub fn new() -> Tasks {
        Tasks::default()
    }

    /// The token cancelled when the daemon should stop.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Starts a named, supervised task. It must run until the stop token is cancelled:
    /// a panic, or an end before that, stops the daemon.
    pub fn spawn<F>(&self, name: &'static str, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(future);
        let tasks = self.clone();
        self.tracker
            .spawn(async move { tasks.supervise(name, handle.await) });
    }

    /// Starts a named, supervised task on its own thread (for work that waits on disk).
    pub fn spawn_blocking<F>(&self, name: &'static str, work: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let handle = tokio::task::spawn_blocking(work);
        let tasks = self.clone();
        self.tracker
            .spawn(async move { tasks.supervise(name, handle.await) });
    }

    fn supervise(&self, name: &'static str, ended: Result<(), JoinError>) {
        let (panicked, why) = match ended {
            Ok(()) if self.stop.is_cancelled() => return,
            Ok(()) => (
                false,
                "it ended before the daemon was asked to stop".to_string(),
            ),
            Err(e) if e.is_panic() => (
                true,
                format!("it panicked: {}", panic_text(&*e.into_panic())),
            ),
            Err(e) => (true, e.to_string()),
        };
        error!(task = name, error = %why, "task died; stopping the daemon so that it can be restarted");
        let mut death = self
            .death
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if death.as_ref().is_none_or(|d| panicked && !d.panicked) {
            let text = format!("the {name} task died: {why}");
            *death = Some(Death { panicked, text });
        }
        self.stop.cancel();
    }

    /// Why the daemon is stopping on its own, if a task died: the first panic reported,
    /// else the first early end.
    pub fn death(&self) -> Option<String> {
        let death = self
            .death
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        death.as_ref().map(|d| d.text.clone())
    }

    /// Asks every task to stop.
    pub fn stop(&self) {
        self.stop.cancel();
    }

    /// Waits for every task to finish, at most `grace`; warns when some did not.
    pub async fn wait(&self, grace: Duration) {
        self.tracker.close();
        if tokio::time::timeout(grace, self.tracker.wait())
            .await
            .is_err()
        {
            warn!(
                grace_secs = grace.as_secs(),
                "some tasks did not stop within the grace period"
            );
        }
    }
}

/// The message a panic carried, for the log.
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn signalled() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the daemon");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_that_panics_stops_every_task_and_says_which_it_was() {
        let tasks = Tasks::new();
        let stop = tasks.stop_token();
        tasks.spawn("intake", async move { stop.cancelled().await });
        tasks.spawn("scheduler", async { panic!("clock broke") });
        tokio::time::timeout(Duration::from_secs(5), tasks.stop_token().cancelled())
            .await
            .expect("the death stops the daemon");
        tasks.wait(Duration::from_secs(5)).await;
        let death = tasks.death().expect("a death is reported");
        assert!(
            death.contains("scheduler") && death.contains("clock broke"),
            "{death}"
        );
    }

    #[tokio::test]
    async fn a_task_that_ends_early_is_a_death_and_one_that_ends_on_stop_is_not() {
        let tasks = Tasks::new();
        tasks.spawn_blocking("worker", || {});
        tokio::time::timeout(Duration::from_secs(5), tasks.stop_token().cancelled())
            .await
            .expect("the early end stops the daemon");
        tasks.wait(Duration::from_secs(5)).await;
        assert!(tasks.death().is_some_and(|d| d.contains("worker")));

        let calm = Tasks::new();
        let stop = calm.stop_token();
        calm.spawn("sender", async move { stop.cancelled().await });
        calm.stop();
        calm.wait(Duration::from_secs(5)).await;
        assert_eq!(calm.death(), None);
    }
}
