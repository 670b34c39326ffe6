//! How phases and errors travel to Flyte: [`PhaseInfo`] to the connector protocol's `Resource`
//! and `AgentError`, the way FlytePropeller's connector plugin reads them.
//!
//! Propeller decides by `Resource.phase` alone: `QUEUED`, `WAITING_FOR_RESOURCES`,
//! `INITIALIZING` and `RUNNING` keep polling; `SUCCEEDED` writes `outputs`; `FAILED` and
//! `ABORTED` fail the task for good; `RETRYABLE_FAILED` fails the attempt and lets Flyte retry.
//! An `UNDEFINED` phase makes it fall back to the deprecated `state` field, whose default is a
//! retryable failure, so this mapping never sends `UNDEFINED`: phases that are not known yet
//! (undefined, not ready, waiting for cache) are `QUEUED`. The deprecated `state` is filled in
//! as well, for older Propellers. `AgentError` carries the code, whether a retry may help
//! (`RECOVERABLE` only for a retryable failure) and who is at fault (`USER`/`SYSTEM`).

use crate::error::ErrorKind;
use crate::json::json_to_struct;
use crate::phase::{LogLink, Phase, PhaseInfo};
use crate::proto::flyteidl::admin::{self, AgentError, Resource, agent_error};
use crate::proto::flyteidl::core::{self, execution_error, task_execution};

/// The connector-protocol phase of a [`Phase`].
pub fn task_execution_phase(phase: Phase) -> task_execution::Phase {
    use task_execution::Phase as W;
    match phase {
        Phase::Undefined | Phase::NotReady | Phase::Queued | Phase::WaitingForCache => W::Queued,
        Phase::WaitingForResources => W::WaitingForResources,
        Phase::Initializing => W::Initializing,
        Phase::Running => W::Running,
        Phase::Success => W::Succeeded,
        Phase::RetryableFailure => W::RetryableFailed,
        Phase::PermanentFailure => W::Failed,
        Phase::Aborted => W::Aborted,
    }
}

/// The deprecated `State` of a [`Phase`], for Propellers that still read it.
#[allow(deprecated)]
pub fn legacy_state(phase: Phase) -> admin::State {
    use admin::State as S;
    match phase {
        Phase::Undefined
        | Phase::NotReady
        | Phase::WaitingForResources
        | Phase::Queued
        | Phase::WaitingForCache => S::Pending,
        Phase::Initializing | Phase::Running => S::Running,
        Phase::Success => S::Succeeded,
        Phase::RetryableFailure => S::RetryableFailure,
        Phase::PermanentFailure | Phase::Aborted => S::PermanentFailure,
    }
}

/// The wire `ErrorKind` of an [`ErrorKind`].
pub fn execution_error_kind(kind: ErrorKind) -> execution_error::ErrorKind {
    match kind {
        ErrorKind::User => execution_error::ErrorKind::User,
        ErrorKind::System => execution_error::ErrorKind::System,
    }
}

/// The `AgentError` of a failed phase (`None` for any other phase).
pub fn agent_error(info: &PhaseInfo) -> Option<AgentError> {
    if !info.phase().is_failure() {
        return None;
    }
    let kind = if info.phase() == Phase::RetryableFailure {
        agent_error::Kind::Recoverable
    } else {
        agent_error::Kind::NonRecoverable
    };
    let origin = match info.error() {
        Some(e) => execution_error_kind(e.kind()),
        None => execution_error::ErrorKind::Unknown,
    };
    Some(AgentError {
        code: info.error_code().to_string(),
        kind: kind as i32,
        origin: origin as i32,
    })
}

/// The wire `TaskLog` of a [`LogLink`].
pub fn task_log(link: &LogLink) -> core::TaskLog {
    core::TaskLog {
        uri: link.uri.clone(),
        name: link.name.clone(),
        show_while_pending: link.show_while_pending,
        hide_once_finished: link.hide_once_finished,
        ..core::TaskLog::default()
    }
}

/// The `Resource` that reports a [`PhaseInfo`]: phase (and legacy state), message (the error's
/// message for a failure, else the reason), log links, custom info, outputs and agent error.
pub fn resource(info: PhaseInfo) -> Resource {
    let phase = info.phase();
    let (log_links, custom_info) = match info.info() {
        Some(i) => (
            i.logs.iter().map(task_log).collect(),
            i.custom_info.as_ref().map(json_to_struct),
        ),
        None => (Vec::new(), None),
    };
    #[allow(deprecated)]
    Resource {
        state: legacy_state(phase) as i32,
        outputs: info.outputs().cloned(),
        message: info.message().to_string(),
        log_links,
        phase: task_execution_phase(phase) as i32,
        custom_info,
        agent_error: agent_error(&info),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::literals;
    use crate::phase::TaskInfo;
    use serde_json::json;
    use task_execution::Phase as W;

    // The expected values come from FlytePropeller's connector plugin (`Status`): which wire
    // phases keep polling, succeed, fail for good, or fail retryably.
    #[test]
    fn every_phase_maps_to_what_propeller_expects() {
        let cases = [
            (Phase::Undefined, W::Queued),
            (Phase::NotReady, W::Queued),
            (Phase::WaitingForResources, W::WaitingForResources),
            (Phase::Queued, W::Queued),
            (Phase::Initializing, W::Initializing),
            (Phase::Running, W::Running),
            (Phase::Success, W::Succeeded),
            (Phase::RetryableFailure, W::RetryableFailed),
            (Phase::PermanentFailure, W::Failed),
            (Phase::WaitingForCache, W::Queued),
            (Phase::Aborted, W::Aborted),
        ];
        for (phase, wire) in cases {
            assert_eq!(task_execution_phase(phase), wire, "{phase:?}");
            assert_ne!(task_execution_phase(phase), W::Undefined);
        }
    }

    #[test]
    #[allow(deprecated)]
    fn legacy_state_agrees_with_phase() {
        use admin::State as S;
        assert_eq!(legacy_state(Phase::Queued), S::Pending);
        assert_eq!(legacy_state(Phase::Running), S::Running);
        assert_eq!(legacy_state(Phase::Success), S::Succeeded);
        assert_eq!(legacy_state(Phase::RetryableFailure), S::RetryableFailure);
        assert_eq!(legacy_state(Phase::PermanentFailure), S::PermanentFailure);
    }

    #[test]
    fn system_errors_are_recoverable_user_errors_are_not() {
        let r = resource(PhaseInfo::from_error(Error::system("Flaky", "down")));
        assert_eq!(r.phase, W::RetryableFailed as i32);
        assert_eq!(r.message, "down");
        let e = r.agent_error.unwrap();
        assert_eq!(e.code, "Flaky");
        assert_eq!(e.kind, agent_error::Kind::Recoverable as i32);
        assert_eq!(e.origin, execution_error::ErrorKind::System as i32);

        let r = resource(PhaseInfo::from_error(Error::bad_spec("x: bad")));
        assert_eq!(r.phase, W::Failed as i32);
        let e = r.agent_error.unwrap();
        assert_eq!(e.code, "BadTaskSpecification");
        assert_eq!(e.kind, agent_error::Kind::NonRecoverable as i32);
        assert_eq!(e.origin, execution_error::ErrorKind::User as i32);
    }

    #[test]
    fn explicit_failures_keep_phase_and_kind_apart() {
        // A user error may still be retryable, a system error permanent (Go's constructors).
        let r = resource(PhaseInfo::retryable_failure("Oops", "again"));
        assert_eq!(r.phase, W::RetryableFailed as i32);
        let e = r.agent_error.unwrap();
        assert_eq!(e.kind, agent_error::Kind::Recoverable as i32);
        assert_eq!(e.origin, execution_error::ErrorKind::User as i32);

        let r = resource(PhaseInfo::system_failure("Broken", "for good"));
        assert_eq!(r.phase, W::Failed as i32);
        let e = r.agent_error.unwrap();
        assert_eq!(e.kind, agent_error::Kind::NonRecoverable as i32);
        assert_eq!(e.origin, execution_error::ErrorKind::System as i32);
    }

    #[test]
    fn success_carries_outputs_logs_and_custom_info() {
        let outputs = literals::literal_map([("o", literals::integer(7))]);
        let info = TaskInfo {
            logs: vec![LogLink::new("console", "http://x/1")],
            custom_info: Some(json!({"jobId": "j-1", "n": 2}).as_object().unwrap().clone()),
            occurred_at: None,
        };
        let r = resource(
            PhaseInfo::success_with_outputs(outputs.clone())
                .with_info(info)
                .with_reason("done"),
        );
        assert_eq!(r.phase, W::Succeeded as i32);
        assert_eq!(r.outputs, Some(outputs));
        assert_eq!(r.message, "done");
        assert!(r.agent_error.is_none());
        assert_eq!(r.log_links.len(), 1);
        assert_eq!(r.log_links[0].name, "console");
        assert_eq!(r.log_links[0].uri, "http://x/1");
        let ci = r.custom_info.unwrap();
        assert_eq!(
            crate::json::struct_to_json(&ci).unwrap(),
            *json!({"jobId": "j-1", "n": 2}).as_object().unwrap()
        );
    }

    #[test]
    fn aborted_is_not_an_agent_error() {
        let r = resource(PhaseInfo::aborted("stopped"));
        assert_eq!(r.phase, W::Aborted as i32);
        assert_eq!(r.message, "stopped");
        assert!(r.agent_error.is_none());
    }
}
