//! The host that runs core plugins: it drives [`CorePlugin::handle`] in the background until a
//! terminal phase, then calls [`CorePlugin::finalize`]; deleting a running task calls
//! [`CorePlugin::abort`] first.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::context::TaskContext;
use crate::phase::PhaseInfo;
use crate::plugin::CorePlugin;

/// Settings of a [`CoreHost`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreHostOptions {
    /// The pause between two `handle` calls.
    pub poll_interval: Duration,
    /// Put the whole task request into the resource meta, so that a restarted connector can
    /// start the task again from the default state when Flyte asks for it. Without it, a task
    /// whose connector restarted reports a retryable system failure.
    pub resume_after_restart: bool,
    /// How many deleted task ids the host remembers (so that a late `GetTask` does not start
    /// a deleted task again from its resource meta); the oldest are forgotten first, which
    /// bounds the memory of a long-running connector.
    pub remembered_deletions: usize,
}

impl Default for CoreHostOptions {
    fn default() -> Self {
        CoreHostOptions {
            poll_interval: Duration::from_millis(500),
            resume_after_restart: true,
            remembered_deletions: 65_536,
        }
    }
}

/// A fresh id for a task: unique within this process and, with high likelihood, across
/// restarts (time, process id and a counter).
pub fn new_task_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:x}-{:x}-{n:x}", std::process::id())
}

struct Running {
    status: watch::Receiver<PhaseInfo>,
    cancel: Arc<Notify>,
    driver: JoinHandle<()>,
}

struct Tasks {
    running: HashMap<String, Running>,
    deleted: Deleted,
}

/// The ids of deleted tasks, at most `capacity` of them, the oldest forgotten first.
struct Deleted {
    ids: HashSet<String>,
    order: VecDeque<String>,
    capacity: usize,
}

impl Deleted {
    fn new(capacity: usize) -> Deleted {
        Deleted {
            ids: HashSet::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    fn insert(&mut self, id: &str) {
        if self.capacity == 0 || !self.ids.insert(id.to_string()) {
            return;
        }
        self.order.push_back(id.to_string());
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.ids.remove(&oldest);
            }
        }
    }
}

/// Runs core plugin tasks in the background.
///
/// Each task gets a driver on the Tokio runtime that calls `handle` with the task's state every
/// [`poll_interval`](CoreHostOptions::poll_interval) and publishes the phase; a `handle` error
/// becomes the failure it stands for ([`PhaseInfo::from_error`]). On a terminal phase the driver
/// calls `finalize` and stops. [`CoreHost::delete`] aborts a task that is still running.
pub struct CoreHost<P: CorePlugin> {
    plugin: Arc<P>,
    options: CoreHostOptions,
    tasks: Arc<Mutex<Tasks>>,
}

impl<P: CorePlugin> std::fmt::Debug for CoreHost<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreHost")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<P: CorePlugin> CoreHost<P> {
    /// A host for a plugin.
    pub fn new(plugin: P, options: CoreHostOptions) -> Self {
        let deleted = Deleted::new(options.remembered_deletions);
        CoreHost {
            plugin: Arc::new(plugin),
            options,
            tasks: Arc::new(Mutex::new(Tasks {
                running: HashMap::new(),
                deleted,
            })),
        }
    }

    /// The plugin.
    pub fn plugin(&self) -> &P {
        &self.plugin
    }

    /// The settings.
    pub fn options(&self) -> &CoreHostOptions {
        &self.options
    }

    fn lock(&self) -> MutexGuard<'_, Tasks> {
        self.tasks.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a task and returns its id. Must be called within a Tokio runtime.
    pub fn start(&self, ctx: TaskContext<P::Custom>) -> String {
        let id = new_task_id();
        self.start_with_id(&id, ctx);
        id
    }

    /// Starts a task under a given id, unless a task with that id runs already or was deleted.
    /// Returns whether it started. Must be called within a Tokio runtime.
    pub fn start_with_id(&self, id: &str, ctx: TaskContext<P::Custom>) -> bool {
        let mut tasks = self.lock();
        if tasks.running.contains_key(id) || tasks.deleted.contains(id) {
            return false;
        }
        let (tx, rx) = watch::channel(PhaseInfo::queued("waiting for the first handle call"));
        let cancel = Arc::new(Notify::new());
        let driver = tokio::spawn(drive(
            Arc::clone(&self.plugin),
            ctx,
            tx,
            Arc::clone(&cancel),
            self.options.poll_interval,
            id.to_string(),
        ));
        tasks.running.insert(
            id.to_string(),
            Running {
                status: rx,
                cancel,
                driver,
            },
        );
        true
    }

    /// The latest phase of a task; `None` for an id this host does not run (never started
    /// here, or deleted).
    pub fn status(&self, id: &str) -> Option<PhaseInfo> {
        self.lock()
            .running
            .get(id)
            .map(|r| r.status.borrow().clone())
    }

    /// Whether the task was deleted.
    pub fn is_deleted(&self, id: &str) -> bool {
        self.lock().deleted.contains(id)
    }

    /// Waits until the task reaches a terminal phase and returns it; `None` for an unknown id.
    pub async fn wait(&self, id: &str) -> Option<PhaseInfo> {
        let mut rx = self.lock().running.get(id)?.status.clone();
        let found = rx
            .wait_for(|p| p.phase().is_terminal())
            .await
            .map(|p| p.clone());
        // An error means the driver is gone (it panicked): report what it published last.
        Some(found.unwrap_or_else(|_| rx.borrow().clone()))
    }

    /// Deletes a task: aborts it if it is still running (then finalizes it), waits for its
    /// driver, and forgets it. Returns the last phase; `None` for an unknown id.
    pub async fn delete(&self, id: &str) -> Option<PhaseInfo> {
        let running = {
            let mut tasks = self.lock();
            let running = tasks.running.remove(id);
            tasks.deleted.insert(id);
            running?
        };
        running.cancel.notify_one();
        if let Err(e) = running.driver.await {
            tracing::error!(task_id = id, error = %e, "core plugin driver failed");
        }
        let last = running.status.borrow().clone();
        Some(last)
    }
}

async fn drive<P: CorePlugin>(
    plugin: Arc<P>,
    ctx: TaskContext<P::Custom>,
    status: watch::Sender<PhaseInfo>,
    cancel: Arc<Notify>,
    interval: Duration,
    id: String,
) {
    let mut state = P::State::default();
    let mut calls: u64 = 0;
    loop {
        let info = match plugin.handle(&ctx, &mut state).await {
            Ok(info) => info,
            Err(e) => {
                tracing::warn!(task_id = %id, error = %e, "core plugin handle failed");
                PhaseInfo::from_error(e)
            }
        };
        calls += 1;
        let terminal = info.phase().is_terminal();
        tracing::debug!(task_id = %id, phase = ?info.phase(), calls, "core plugin handled");
        status.send_replace(info);
        if terminal {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = cancel.notified() => {
                if let Err(e) = plugin.abort(&ctx, &mut state).await {
                    tracing::warn!(task_id = %id, error = %e, "core plugin abort failed");
                }
                status.send_replace(PhaseInfo::aborted("deleted before it finished"));
                break;
            }
        }
    }
    if let Err(e) = plugin.finalize(&ctx, &mut state).await {
        tracing::warn!(task_id = %id, error = %e, "core plugin finalize failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::TaskRequest;
    use crate::error::{Error, Result};
    use crate::phase::Phase;
    use crate::plugin::PluginInfo;
    use crate::proto::flyteidl::core::TaskTemplate;
    use std::sync::atomic::AtomicUsize;

    /// Succeeds after `steps` handle calls, or fails with `fail` at that point; counts calls.
    #[derive(Default)]
    struct Steps {
        steps: u32,
        fail: Option<Error>,
        aborts: AtomicUsize,
        finalizes: AtomicUsize,
    }

    impl CorePlugin for Steps {
        type Custom = ();
        type State = u32;

        fn info(&self) -> PluginInfo {
            PluginInfo::new("steps").with_category("steps", 0)
        }

        async fn handle(&self, _ctx: &TaskContext<()>, state: &mut u32) -> Result<PhaseInfo> {
            *state += 1;
            if *state < self.steps {
                return Ok(PhaseInfo::running().with_version(*state));
            }
            match &self.fail {
                Some(e) => Err(e.clone()),
                None => Ok(PhaseInfo::success().with_reason(format!("{state} calls"))),
            }
        }

        async fn abort(&self, _ctx: &TaskContext<()>, _state: &mut u32) -> Result<()> {
            self.aborts.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }

        async fn finalize(&self, _ctx: &TaskContext<()>, _state: &mut u32) -> Result<()> {
            self.finalizes.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    fn ctx() -> TaskContext<()> {
        let template = TaskTemplate {
            r#type: "steps".into(),
            ..Default::default()
        };
        TaskContext::from_request(TaskRequest::new(template)).unwrap()
    }

    fn fast() -> CoreHostOptions {
        CoreHostOptions {
            poll_interval: Duration::from_millis(1),
            ..CoreHostOptions::default()
        }
    }

    #[tokio::test]
    async fn drives_handle_until_terminal_then_finalizes() {
        let host = CoreHost::new(
            Steps {
                steps: 5,
                ..Steps::default()
            },
            fast(),
        );
        let id = host.start(ctx());
        let last = host.wait(&id).await.unwrap();
        assert_eq!(last.phase(), Phase::Success);
        assert_eq!(last.reason(), "5 calls");
        // The driver finalizes right after publishing the terminal phase.
        let finalized = host.delete(&id).await.unwrap();
        assert_eq!(finalized.phase(), Phase::Success);
        assert_eq!(host.plugin().finalizes.load(Ordering::SeqCst), 1);
        assert_eq!(host.plugin().aborts.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn handle_errors_become_failures_by_kind() {
        for (error, phase) in [
            (Error::system("Flaky", "try again"), Phase::RetryableFailure),
            (Error::user("Bad", "never"), Phase::PermanentFailure),
        ] {
            let host = CoreHost::new(
                Steps {
                    steps: 2,
                    fail: Some(error.clone()),
                    ..Steps::default()
                },
                fast(),
            );
            let id = host.start(ctx());
            let last = host.wait(&id).await.unwrap();
            assert_eq!(last.phase(), phase);
            assert_eq!(last.error(), Some(&error));
        }
    }

    #[tokio::test]
    async fn delete_aborts_a_running_task() {
        let host = CoreHost::new(
            Steps {
                steps: u32::MAX,
                ..Steps::default()
            },
            CoreHostOptions {
                poll_interval: Duration::from_secs(3600),
                ..CoreHostOptions::default()
            },
        );
        let id = host.start(ctx());
        // Wait for the first handle call to be published.
        while host.status(&id).unwrap().phase() != Phase::Running {
            tokio::task::yield_now().await;
        }
        let last = host.delete(&id).await.unwrap();
        assert_eq!(last.phase(), Phase::Aborted);
        assert_eq!(host.plugin().aborts.load(Ordering::SeqCst), 1);
        assert_eq!(host.plugin().finalizes.load(Ordering::SeqCst), 1);
        assert!(host.status(&id).is_none());
        assert!(host.is_deleted(&id));
        // A deleted id does not start again.
        assert!(!host.start_with_id(&id, ctx()));
    }

    #[tokio::test]
    async fn remembers_a_bounded_number_of_deletions() {
        let host = CoreHost::new(
            Steps::default(),
            CoreHostOptions {
                remembered_deletions: 2,
                ..fast()
            },
        );
        let ids: Vec<String> = (0..3).map(|_| host.start(ctx())).collect();
        for id in &ids {
            host.delete(id).await;
        }
        // The oldest deletion is forgotten; the two latest are remembered.
        assert!(!host.is_deleted(&ids[0]));
        assert!(host.is_deleted(&ids[1]));
        assert!(host.is_deleted(&ids[2]));
        assert_eq!(host.lock().deleted.order.len(), 2);
        assert!(!host.start_with_id(&ids[2], ctx()));
    }

    // Paused time (auto-advanced by Tokio) makes the interleaving of the driver and the sampler
    // deterministic.
    #[tokio::test(start_paused = true)]
    async fn reports_progress_while_running() {
        let host = CoreHost::new(
            Steps {
                steps: 3,
                ..Steps::default()
            },
            CoreHostOptions {
                poll_interval: Duration::from_millis(20),
                ..CoreHostOptions::default()
            },
        );
        let id = host.start(ctx());
        let mut seen = vec![host.status(&id).unwrap().phase()];
        loop {
            let p = host.status(&id).unwrap();
            if seen.last() != Some(&p.phase()) {
                seen.push(p.phase());
            }
            if p.phase().is_terminal() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert_eq!(seen, vec![Phase::Queued, Phase::Running, Phase::Success]);
    }

    #[test]
    fn task_ids_are_unique() {
        let ids: HashSet<String> = (0..1000).map(|_| new_task_id()).collect();
        assert_eq!(ids.len(), 1000);
    }
}
