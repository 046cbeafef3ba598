//! The Amplify commands of the editor (`schemals.sandbox.start`, `.stop`, `schemals.deploy`,
//! `schemals.pipelineDeploy`, `schemals.setConnectionSecret`): the protocol side of
//! `crate::amplify`. A run reports its phase through work-done progress, stops its whole process
//! tree on `window/workDoneProgress/cancel`, writes everything it prints to a log file, ends with
//! one message (success with the elapsed time, or the error), and publishes the failures it can
//! place as diagnostics. One run per workspace at a time; nothing runs unless a command asks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use schemals_ide::{Diagnostic, Project, Severity};
use serde_json::{Value, json};
use std::io::Write;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error as RpcError, Result as RpcResult};
use tower_lsp_server::ls_types::notification::{Notification, Progress};
use tower_lsp_server::ls_types::*;

use super::{Backend, publish_project, snapshot};
use crate::amplify::command::{self, Action, AmpxSettings, CommandLine};
use crate::amplify::output::{self, Phase};
use crate::amplify::process;

pub const SANDBOX_START: &str = "schemals.sandbox.start";
pub const SANDBOX_STOP: &str = "schemals.sandbox.stop";
pub const DEPLOY: &str = "schemals.deploy";
pub const PIPELINE_DEPLOY: &str = "schemals.pipelineDeploy";
pub const SET_CONNECTION_SECRET: &str = "schemals.setConnectionSecret";

/// Every command of this module, for the server's capabilities.
pub const COMMANDS: &[&str] = &[
    SANDBOX_START,
    SANDBOX_STOP,
    DEPLOY,
    PIPELINE_DEPLOY,
    SET_CONNECTION_SECRET,
];

/// The lines of one deployment kept for reading its failure.
const MAX_CYCLE_LINES: usize = 20_000;

/// How long a stopped child gets to exit on TERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// `schemals/sandboxStatus`: `{ "state": "running" | "stopped" }`.
pub enum SandboxStatus {}

impl Notification for SandboxStatus {
    type Params = Value;
    const METHOD: &'static str = "schemals/sandboxStatus";
}

struct ActiveRun {
    action: Action,
    token: ProgressToken,
    pid: u32,
    started: Instant,
    cancelled: Arc<AtomicBool>,
}

/// A diagnostic from a run, with the text of its file at the time: once the file changes the
/// range means nothing, and the diagnostic goes.
struct RunDiagnostic {
    diagnostic: Diagnostic,
    text: Arc<str>,
}

#[derive(Default)]
struct Runs {
    settings: AmpxSettings,
    active: HashMap<PathBuf, ActiveRun>,
    diagnostics: HashMap<PathBuf, Vec<RunDiagnostic>>,
}

fn runs() -> MutexGuard<'static, Runs> {
    static RUNS: OnceLock<Mutex<Runs>> = OnceLock::new();
    RUNS.get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

static NEXT_TOKEN: AtomicU64 = AtomicU64::new(1);

/// Reads the `amplify` object of the `schemals` settings section.
pub fn apply_settings(section: &Value) {
    if let Some(amplify) = section.get("amplify").filter(|v| v.is_object()) {
        runs().settings = AmpxSettings::from_json(amplify);
    }
}

/// The diagnostics of the last run of `root` whose files have not changed since.
pub fn run_diagnostics(root: &Path, project: &Project) -> Vec<Diagnostic> {
    let runs = runs();
    let Some(list) = runs.diagnostics.get(root) else {
        return Vec::new();
    };
    list.iter()
        .filter(|d| {
            project
                .find(&d.diagnostic.path)
                .is_some_and(|f| *f.text == *d.text)
        })
        .map(|d| d.diagnostic.clone())
        .collect()
}

fn elapsed(started: Instant) -> String {
    let seconds = started.elapsed().as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        format!("{}m {:02}s", seconds as u64 / 60, seconds as u64 % 60)
    }
}

fn string_argument(arguments: &[Value], index: usize, key: &str) -> Option<String> {
    let value = match arguments.first() {
        Some(Value::Object(object)) => object.get(key),
        _ => arguments.get(index),
    };
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn refused(reason: String) -> Value {
    json!({ "started": false, "reason": reason })
}

async fn progress(client: &Client, token: &ProgressToken, value: WorkDoneProgress) {
    client
        .send_notification::<Progress>(ProgressParams {
            token: token.clone(),
            value: ProgressParamsValue::WorkDone(value),
        })
        .await;
}

async fn report(client: &Client, token: &ProgressToken, phase: Phase) {
    let report = WorkDoneProgressReport {
        cancellable: Some(true),
        message: Some(phase.label().to_owned()),
        percentage: Some(phase.percentage()),
    };
    progress(client, token, WorkDoneProgress::Report(report)).await;
}

impl Backend {
    /// `window/workDoneProgress/cancel`: stops the run of that progress, if one is running.
    pub(super) async fn work_done_progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        let found = runs()
            .active
            .values()
            .find(|r| r.token == params.token)
            .map(|r| (r.pid, r.cancelled.clone()));
        if let Some((pid, cancelled)) = found {
            cancelled.store(true, Ordering::SeqCst);
            process::kill_tree(pid, STOP_GRACE).await;
        }
    }
}

/// Stops every run (the server is shutting down): no child outlives the server.
pub async fn stop_all() {
    let active: Vec<(u32, Arc<AtomicBool>)> = runs()
        .active
        .values()
        .map(|r| (r.pid, r.cancelled.clone()))
        .collect();
    for (pid, cancelled) in active {
        cancelled.store(true, Ordering::SeqCst);
        process::kill_tree(pid, Duration::from_secs(1)).await;
    }
}

/// Runs one of [`COMMANDS`]. A run answers at once with `{ "started": true, "log": PATH }` and
/// goes on in the background; a refusal answers `{ "started": false, "reason": ... }` and says
/// so in a message.
pub async fn execute(
    backend: &Backend,
    name: &str,
    arguments: &[Value],
) -> RpcResult<Option<Value>> {
    let root = super::lock(&backend.state).workspace_root.clone();
    let Some(root) = root else {
        return Err(RpcError::invalid_params("no workspace folder is open"));
    };
    let mut secret = None;
    let action = match name {
        SANDBOX_START => Action::SandboxWatch,
        DEPLOY => Action::SandboxOnce,
        PIPELINE_DEPLOY => {
            let branch = string_argument(arguments, 0, "branch");
            let app_id = string_argument(arguments, 1, "appId");
            let (Some(branch), Some(app_id)) = (branch, app_id) else {
                return Err(RpcError::invalid_params(
                    "schemals.pipelineDeploy needs a branch and an app id: [{\"branch\": B, \"appId\": A}]",
                ));
            };
            Action::PipelineDeploy { branch, app_id }
        }
        SET_CONNECTION_SECRET => {
            let name = string_argument(arguments, 0, "name");
            // The value is taken as given (no trimming) and never echoed back.
            let value = match arguments.first() {
                Some(Value::Object(object)) => object.get("value"),
                _ => arguments.get(1),
            }
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty());
            let (Some(name), Some(value)) = (name, value) else {
                return Err(RpcError::invalid_params(
                    "schemals.setConnectionSecret needs a secret name and a value: [{\"name\": N, \"value\": V}]",
                ));
            };
            secret = Some(value.to_owned());
            Action::SetSecret { name }
        }
        SANDBOX_STOP => return Ok(Some(stop_sandbox(backend, &root).await)),
        other => return Err(RpcError::invalid_params(format!("unknown command {other}"))),
    };
    if let Some(reason) = busy(&root) {
        backend
            .client
            .show_message(MessageType::WARNING, format!("schemals: {reason}"))
            .await;
        return Ok(Some(refused(reason)));
    }
    let settings = runs().settings.clone();
    if action.deploys()
        && !settings.skip_checks
        && let Some(reason) = check_before_deploy(backend, &root, &action).await
    {
        backend
            .client
            .show_message(MessageType::ERROR, format!("schemals: {reason}"))
            .await;
        return Ok(Some(refused(reason)));
    }
    let line = command::command_line(&root, &action, &settings);
    start(backend, root, action, line, secret).await
}

fn busy(root: &Path) -> Option<String> {
    let runs = runs();
    let run = runs.active.get(root)?;
    let what = match run.action {
        Action::SandboxWatch => "the Amplify sandbox is already running".to_owned(),
        _ => format!("{} is already running", run.action.title()),
    };
    Some(format!(
        "{what} (started {} ago); stop it before starting another",
        elapsed(run.started)
    ))
}

/// The same checks as `schemals check`; a refusal reason when an error stands.
async fn check_before_deploy(backend: &Backend, root: &Path, action: &Action) -> Option<String> {
    let state = backend.state.clone();
    let generation = backend.generation.clone();
    let r = root.to_path_buf();
    let errors = tokio::task::spawn_blocking(move || {
        let snapshot = snapshot(&state, &generation, &r);
        snapshot
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let position = snapshot
                    .project
                    .find(&d.path)
                    .map(|f| f.lines.line_col(&f.text, d.range.start))
                    .unwrap_or_default();
                let path = d
                    .path
                    .strip_prefix(&r)
                    .unwrap_or(&d.path)
                    .display()
                    .to_string();
                format!(
                    "{path}:{}:{}: {} [{}]",
                    position.line + 1,
                    position.character + 1,
                    d.message,
                    d.code
                )
            })
            .collect::<Vec<_>>()
    })
    .await
    .ok()?;
    let first = errors.first()?;
    // Show them where they are, even in files that are not open.
    publish_project(
        backend.state.clone(),
        backend.generation.clone(),
        backend.client.clone(),
        root.to_path_buf(),
    )
    .await;
    let count = if errors.len() == 1 {
        "1 error".to_owned()
    } else {
        format!("{} errors", errors.len())
    };
    Some(format!(
        "{} stopped before running ampx: {count} in the schema (first: {first}); fix them, or set schemals.amplify.skipChecks to deploy anyway",
        action.title()
    ))
}

async fn stop_sandbox(backend: &Backend, root: &Path) -> Value {
    let found = runs()
        .active
        .get(root)
        .filter(|r| r.action == Action::SandboxWatch)
        .map(|r| (r.pid, r.cancelled.clone()));
    let Some((pid, cancelled)) = found else {
        let reason = "no Amplify sandbox is running".to_owned();
        backend
            .client
            .show_message(MessageType::INFO, format!("schemals: {reason}"))
            .await;
        return json!({ "stopped": false, "reason": reason });
    };
    cancelled.store(true, Ordering::SeqCst);
    process::kill_tree(pid, STOP_GRACE).await;
    json!({ "stopped": true })
}

/// The log of a run: `.amplify/schemals/<action>.log` under the project (Amplify's own scratch
/// folder, which projects do not commit and schemals does not scan).
fn log_path(root: &Path, action: &Action) -> PathBuf {
    root.join(".amplify")
        .join("schemals")
        .join(format!("{}.log", action.key()))
}

async fn start(
    backend: &Backend,
    root: PathBuf,
    action: Action,
    line: CommandLine,
    secret: Option<String>,
) -> RpcResult<Option<Value>> {
    let log = log_path(&root, &action);
    if let Some(dir) = log.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let mut log_file = match std::fs::File::create(&log) {
        Ok(file) => Some(file),
        Err(e) => {
            tracing::warn!("cannot write the log {}: {e}", log.display());
            None
        }
    };
    let mut child = match process::spawn(&line, secret.is_some()) {
        Ok(child) => child,
        Err(e) => {
            let reason = format!(
                "{} could not start `{}` in {}: {e}",
                action.title(),
                line.display(),
                line.cwd.display()
            );
            backend
                .client
                .show_message(MessageType::ERROR, format!("schemals: {reason}"))
                .await;
            return Ok(Some(refused(reason)));
        }
    };
    let Some(pid) = child.id() else {
        return Ok(Some(refused("the child exited at once".to_owned())));
    };
    let token = ProgressToken::String(format!(
        "schemals/ampx/{}",
        NEXT_TOKEN.fetch_add(1, Ordering::SeqCst)
    ));
    let cancelled = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let registered = {
        let mut runs = runs();
        // Another start may have won the race between the check and the spawn.
        let free = !runs.active.contains_key(&root);
        if free {
            runs.active.insert(
                root.clone(),
                ActiveRun {
                    action: action.clone(),
                    token: token.clone(),
                    pid,
                    started,
                    cancelled: cancelled.clone(),
                },
            );
        }
        free
    };
    if !registered {
        process::kill_tree(pid, STOP_GRACE).await;
        let reason = busy(&root).unwrap_or_else(|| "another run started".to_owned());
        return Ok(Some(refused(reason)));
    }
    if let Some(file) = &mut log_file {
        let header = format!("$ {}\n# in {}\n", line.display(), line.cwd.display());
        let _ = file.write_all(header.as_bytes());
    }
    if let (Some(value), Some(mut stdin)) = (secret.clone(), child.stdin.take()) {
        // In its own task: a child that never reads its stdin must not hold the command up.
        // `ampx sandbox secret set` reads a piped stdin to its end, newline included: send the
        // value alone and close.
        tokio::spawn(async move {
            let _ = stdin.write_all(value.as_bytes()).await;
            let _ = stdin.shutdown().await;
        });
    }
    let client = backend.client.clone();
    // Created before the answer, so the editor knows the token when the first report arrives.
    // A client that never answers must not hold the command up: without an answer, no progress.
    let created = tokio::time::timeout(
        Duration::from_secs(5),
        client.create_work_done_progress(token.clone()),
    )
    .await;
    let has_progress = matches!(created, Ok(Ok(())));
    if has_progress {
        let begin = WorkDoneProgressBegin {
            title: action.title().to_owned(),
            cancellable: Some(true),
            message: Some(format!("starting `{}`", line.display())),
            percentage: Some(0),
        };
        progress(&client, &token, WorkDoneProgress::Begin(begin)).await;
    }
    if action == Action::SandboxWatch {
        client
            .send_notification::<SandboxStatus>(json!({ "state": "running" }))
            .await;
    }
    let run = Run {
        client,
        state: backend.state.clone(),
        generation: backend.generation.clone(),
        root,
        action,
        token: has_progress.then_some(token),
        started,
        cancelled,
        log: log.clone(),
        secret,
    };
    tokio::spawn(run.follow(child, log_file));
    Ok(Some(
        json!({ "started": true, "log": log.display().to_string() }),
    ))
}

/// What the background task of one run holds.
struct Run {
    client: Client,
    state: Arc<Mutex<super::State>>,
    generation: Arc<AtomicU64>,
    root: PathBuf,
    action: Action,
    token: Option<ProgressToken>,
    started: Instant,
    cancelled: Arc<AtomicBool>,
    log: PathBuf,
    secret: Option<String>,
}

impl Run {
    async fn follow(self, mut child: tokio::process::Child, mut log_file: Option<std::fs::File>) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        if let Some(stdout) = child.stdout.take() {
            tokio::spawn(forward_lines(stdout, tx.clone()));
        }
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(forward_lines(stderr, tx.clone()));
        }
        drop(tx);
        // Lines of the current deployment (a watching sandbox starts a new one on each save).
        let mut cycle: Vec<String> = Vec::new();
        let mut cycle_started = self.started;
        let mut phase = None;
        while let Some(raw) = rx.recv().await {
            let mut line = output::clean_line(&raw);
            if let Some(secret) = self.secret.as_deref() {
                line = line.replace(secret, "********");
            }
            if let Some(file) = &mut log_file {
                // Small appends to a local file: not worth a blocking thread.
                let _ = writeln!(file, "{line}");
            }
            if output::starts_cycle(&line) {
                cycle.clear();
                cycle_started = Instant::now();
            }
            cycle.push(line.clone());
            // Failures are printed last: a long deployment's early lines can go.
            if cycle.len() > MAX_CYCLE_LINES {
                cycle.drain(..MAX_CYCLE_LINES / 2);
            }
            let Some(next) = output::phase_of(&line) else {
                continue;
            };
            if phase != Some(next)
                && let Some(token) = &self.token
            {
                report(&self.client, token, next).await;
            }
            phase = Some(next);
            if next == Phase::Watching && self.action == Action::SandboxWatch {
                // One deployment of the watching sandbox ended: say how it went.
                self.conclude_cycle(&cycle, cycle_started).await;
                cycle.clear();
            }
        }
        let status = child.wait().await;
        if let Some(file) = &mut log_file {
            let _ = file.flush();
        }
        runs().active.remove(&self.root);
        let took = elapsed(self.started);
        let title = self.action.title();
        let log = self.log.display();
        let (kind, message, end) = if self.cancelled.load(Ordering::SeqCst) {
            let what = if self.action == Action::SandboxWatch {
                "stopped"
            } else {
                "cancelled"
            };
            (
                MessageType::INFO,
                format!("schemals: {title} {what} after {took}"),
                what.to_owned(),
            )
        } else if status.as_ref().is_ok_and(|s| s.success()) {
            // Clears what an earlier failed run left on the files.
            let _ = self.failure_summary(&cycle).await;
            (
                MessageType::INFO,
                format!("schemals: {title} succeeded in {took}"),
                format!("succeeded in {took}"),
            )
        } else {
            let exit = match &status {
                Ok(s) => match s.code() {
                    Some(code) => format!("exit status {code}"),
                    None => "killed by a signal".to_owned(),
                },
                Err(e) => e.to_string(),
            };
            // Without an Amplify error, the exit status and the last words are all there is.
            let why = match self.failure_summary(&cycle).await {
                Some(summary) => summary,
                None => match last_words(&cycle) {
                    Some(words) => {
                        format!("{exit} without an error message; it last printed: {words}")
                    }
                    None => format!("{exit} without any output"),
                },
            };
            (
                MessageType::ERROR,
                format!("schemals: {title} failed after {took}: {why} (full output: {log})"),
                "failed".to_owned(),
            )
        };
        if let Some(token) = &self.token {
            let end = WorkDoneProgressEnd { message: Some(end) };
            progress(&self.client, token, WorkDoneProgress::End(end)).await;
        }
        if self.action == Action::SandboxWatch {
            self.client
                .send_notification::<SandboxStatus>(json!({ "state": "stopped" }))
                .await;
        }
        self.client.show_message(kind, message).await;
    }

    /// In watch mode, after each deployment: the failure as a message and diagnostics, or a
    /// short success message.
    async fn conclude_cycle(&self, cycle: &[String], cycle_started: Instant) {
        let title = self.action.title();
        match self.failure_summary(cycle).await {
            Some(why) => {
                self.client
                    .show_message(
                        MessageType::ERROR,
                        format!(
                            "schemals: {title} could not deploy: {why}; still watching for changes (full output: {})",
                            self.log.display()
                        ),
                    )
                    .await;
            }
            None => {
                let deployed = cycle
                    .iter()
                    .any(|l| output::phase_of(l) == Some(Phase::Deployed));
                if deployed {
                    self.client
                        .show_message(
                            MessageType::INFO,
                            format!(
                                "schemals: {title} deployed in {}; watching for changes",
                                elapsed(cycle_started)
                            ),
                        )
                        .await;
                }
            }
        }
    }

    /// Reads a failure from `lines`, stores and publishes the diagnostics it can place (or clears
    /// the old ones), and returns its summary.
    async fn failure_summary(&self, lines: &[String]) -> Option<String> {
        let failure = output::parse_failure(lines);
        let summary = failure.summary();
        let state = self.state.clone();
        let generation = self.generation.clone();
        let root = self.root.clone();
        let placed = tokio::task::spawn_blocking(move || {
            let snapshot = snapshot(&state, &generation, &root);
            output::diagnostics(&failure, &snapshot.project, &snapshot.model)
                .into_iter()
                .filter_map(|diagnostic| {
                    let text = snapshot.project.find(&diagnostic.path)?.text.clone();
                    Some(RunDiagnostic { diagnostic, text })
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let had = runs()
            .diagnostics
            .get(&self.root)
            .is_some_and(|d| !d.is_empty());
        let has = !placed.is_empty();
        runs().diagnostics.insert(self.root.clone(), placed);
        if had || has {
            // The run's diagnostics join the checks' in the next publication.
            self.generation.fetch_add(1, Ordering::SeqCst);
            publish_project(
                self.state.clone(),
                self.generation.clone(),
                self.client.clone(),
                self.root.clone(),
            )
            .await;
        }
        summary
    }
}

/// Sends each line `from` prints to `to`. Bytes that are not UTF-8 are replaced, never a reason
/// to stop reading: a child whose pipe is not drained blocks for ever.
async fn forward_lines(
    from: impl tokio::io::AsyncRead + Unpin,
    to: tokio::sync::mpsc::UnboundedSender<String>,
) {
    let mut reader = BufReader::new(from);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match reader.read_until(b'\n', &mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let line = String::from_utf8_lossy(&buffer);
                let line = line.trim_end_matches(['\n', '\r']).to_owned();
                if to.send(line).is_err() {
                    break;
                }
            }
        }
    }
}

/// The last non-empty lines of a run's output, for a failure Amplify did not format.
fn last_words(lines: &[String]) -> Option<String> {
    let words: Vec<&str> = lines
        .iter()
        .rev()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .take(2)
        .collect();
    (!words.is_empty()).then(|| words.into_iter().rev().collect::<Vec<_>>().join(" / "))
}
