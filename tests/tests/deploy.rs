//! The Amplify commands of the editor, through the real `schemals serve` over stdio: deploy and
//! sandbox runs with work-done progress, cancellation that leaves no process behind, failures
//! mapped back to the schema, the check before deploy, and secrets kept off command lines and logs.
//!
//! Most tests configure a stand-in for `ampx` (`tests/fixtures/deploy/stand-in-ampx.sh`, which prints
//! what Amplify prints); one runs the real `@aws-amplify/backend-cli`, installed from the npm
//! registry into `target/ampx-cache/` on first use (about 770 MB and two minutes), without AWS
//! credentials.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use schemals_e2e::lsp_client::{Client, diagnostics_for, temp_project, uri_of};
use schemals_e2e::repo_root;
use serde_json::{Value, json};

/// The `@aws-amplify/backend-cli` version the real-CLI test installs.
const BACKEND_CLI_VERSION: &str = "1.10.0";

fn stand_in() -> PathBuf {
    repo_root().join("tests/fixtures/deploy/stand-in-ampx.sh")
}

/// A session: the server, and every message it sent, in order.
struct Session {
    client: Client,
    log: Vec<Value>,
    root: PathBuf,
}

impl Session {
    /// Starts the server on `root` with the `schemals` settings `settings` as initialization
    /// options. The environment holds no AWS credentials.
    fn start(root: &Path, settings: Value) -> Session {
        let home = root.join(".test-home");
        std::fs::create_dir_all(&home).expect("home");
        let mut client = Client::start_with(root, |command| {
            for (key, _) in std::env::vars() {
                if key.starts_with("AWS_") {
                    command.env_remove(&key);
                }
            }
            command
                .env_remove("npm_config_user_agent")
                .env("HOME", &home)
                .env("AWS_CONFIG_FILE", home.join("no-config"))
                .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .env("AMPLIFY_DISABLE_TELEMETRY", "1");
        });
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri_of(root),
                "capabilities": {"window": {"workDoneProgress": true}},
                "initializationOptions": settings,
            }),
        );
        let commands = &init["result"]["capabilities"]["executeCommandProvider"]["commands"];
        for command in [
            "schemals.sandbox.start",
            "schemals.sandbox.stop",
            "schemals.deploy",
            "schemals.pipelineDeploy",
            "schemals.setConnectionSecret",
        ] {
            assert!(
                commands
                    .as_array()
                    .is_some_and(|c| c.contains(&json!(command))),
                "{command} is not in the capabilities: {commands}"
            );
        }
        client.notify("initialized", json!({}));
        Session {
            client,
            log: Vec::new(),
            root: root.to_path_buf(),
        }
    }

    fn execute(&mut self, command: &str, arguments: Value) -> Value {
        let answer = self.client.request(
            "workspace/executeCommand",
            json!({"command": command, "arguments": arguments}),
        );
        self.log.append(&mut self.client.seen);
        assert!(answer.get("error").is_none(), "{command} failed: {answer}");
        answer["result"].clone()
    }

    /// Waits until a message satisfies `accept` and returns it; messages seen before, since the
    /// last wait, count too. Every message stays in `log`.
    fn wait_for(&mut self, what: &str, seconds: u64, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        if let Some(found) = self.log.iter().find(|m| accept(m)) {
            return found.clone();
        }
        while let Some(message) = self.client.recv(deadline) {
            self.client.answer_server_request(&message);
            self.log.push(message.clone());
            if accept(&message) {
                return message;
            }
        }
        panic!("no {what} within {seconds} s; messages: {:#?}", self.log);
    }

    /// The `$/progress` values so far, in order.
    fn progress(&self) -> Vec<Value> {
        self.log
            .iter()
            .filter(|m| m["method"] == "$/progress")
            .map(|m| m["params"]["value"].clone())
            .collect()
    }

    fn wait_for_message(&mut self, seconds: u64, starts: &str) -> (i64, String) {
        let found = self.wait_for(&format!("message starting {starts:?}"), seconds, |m| {
            m["method"] == "window/showMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(starts))
        });
        (
            found["params"]["type"].as_i64().unwrap_or(0),
            found["params"]["message"].as_str().unwrap_or("").to_owned(),
        )
    }

    fn wait_for_progress_end(&mut self, seconds: u64) -> Value {
        self.wait_for("the end of the progress", seconds, |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
        })["params"]["value"]
            .clone()
    }

    fn finish(self) {
        self.client.shutdown();
        let leftovers = processes_in(&self.root, None);
        assert!(leftovers.is_empty(), "processes left behind: {leftovers:?}");
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Live processes whose working folder is `root` (every child of a run works there), except
/// `except` (the server itself, started there too).
fn processes_in(root: &Path, except: Option<u32>) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if Some(pid) == except || !alive(pid) {
            continue;
        }
        if std::fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd.starts_with(root)) {
            let cmdline = std::fs::read(entry.path().join("cmdline"))
                .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
                .unwrap_or_default();
            found.push((pid, cmdline));
        }
    }
    found
}

/// Whether `pid` runs (a zombie has exited; only its parent's `wait` is missing).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rfind(')')
            .and_then(|i| stat.get(i + 1..))
            .and_then(|s| s.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// The pids the stand-in recorded, once there are `count` of them (it writes a child's pid just
/// after starting it), or whatever there is after ten seconds.
fn stand_in_pids(root: &Path, count: usize) -> Vec<u32> {
    let read = || -> Vec<u32> {
        std::fs::read_to_string(root.join("stand-in.pids"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut pids = read();
    while pids.len() < count && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        pids = read();
    }
    pids
}

/// Settings that run the stand-in for `ampx`, in `mode`, recording its pids in `pids`.
fn stand_in_settings(mode: &str, root: &Path) -> Value {
    json!({"amplify": {
        "ampx": ["sh", stand_in().display().to_string()],
        "env": {
            "STANDIN_MODE": mode,
            "STANDIN_PIDS": root.join("stand-in.pids").display().to_string(),
            "STANDIN_RAN": root.join("stand-in.ran").display().to_string(),
        },
    }})
}

fn message_labels(progress: &[Value]) -> Vec<String> {
    progress
        .iter()
        .filter_map(|v| v["message"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_deploy_reports_its_phases_and_ends_with_the_elapsed_time() {
    let root = temp_project("announcement", "deploy-ok");
    let mut session = Session::start(&root, stand_in_settings("succeed", &root));
    let result = session.execute("schemals.deploy", json!([]));
    let log = root.join(".amplify/schemals/deploy.log");
    assert_eq!(
        result,
        json!({"started": true, "log": log.display().to_string()})
    );
    let end = session.wait_for_progress_end(30);
    let (kind, message) = session.wait_for_message(30, "schemals: Amplify sandbox deploy");
    assert_eq!(kind, 3, "{message}");
    assert!(
        message.starts_with("schemals: Amplify sandbox deploy succeeded in ")
            && message.ends_with(" s"),
        "{message}"
    );
    assert!(
        end["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("succeeded in ")),
        "{end}"
    );
    let progress = session.progress();
    assert_eq!(progress.first().map(|v| &v["kind"]), Some(&json!("begin")));
    assert_eq!(progress[0]["title"], "Amplify sandbox deploy");
    assert_eq!(progress[0]["cancellable"], true);
    let end_message = end["message"].as_str().unwrap_or_default();
    assert_eq!(
        message_labels(&progress[1..]),
        [
            "type checking",
            "synthesizing",
            "publishing assets",
            "deploying",
            "deployed",
            end_message,
        ]
    );
    // The whole output is in the log, without colours or time stamps, after the command line.
    let text = std::fs::read_to_string(&log).expect("log");
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("$ sh {} sandbox --once", stand_in().display())
    );
    assert!(
        text.contains("\nesbuild: \u{fffd}\nSynthesizing backend...\n"),
        "{text}"
    );
    assert!(
        text.contains("\n✔ Deployment completed in 0.3 seconds\n"),
        "{text}"
    );
    session.finish();
}

#[test]
fn cancelling_a_deploy_stops_the_whole_process_tree() {
    let root = temp_project("announcement", "deploy-cancel");
    let mut session = Session::start(&root, stand_in_settings("hang", &root));
    session.execute("schemals.deploy", json!([]));
    let deploying = session.wait_for("the deploying phase", 30, |m| {
        m["method"] == "$/progress" && m["params"]["value"]["message"] == "deploying"
    });
    let token = deploying["params"]["token"].clone();
    // The script and its `sleep` run (the script writes the second pid just after the phase).
    let pids = stand_in_pids(&root, 2);
    assert_eq!(pids.len(), 2, "{pids:?}");
    assert!(pids.iter().all(|p| alive(*p)), "{pids:?}");
    session
        .client
        .notify("window/workDoneProgress/cancel", json!({"token": token}));
    let end = session.wait_for_progress_end(30);
    assert_eq!(end["message"], "cancelled");
    let (kind, message) = session.wait_for_message(10, "schemals: Amplify sandbox deploy");
    assert_eq!(kind, 3);
    assert!(
        message.starts_with("schemals: Amplify sandbox deploy cancelled after "),
        "{message}"
    );
    assert!(
        pids.iter().all(|p| !alive(*p)),
        "still running after cancel: {:?}",
        processes_in(&root, Some(session.client.child.id()))
    );
    assert_eq!(
        processes_in(&root, Some(session.client.child.id())),
        Vec::new()
    );
    session.finish();
}

#[test]
fn the_sandbox_watches_refuses_a_second_start_and_stops() {
    let root = temp_project("announcement", "sandbox");
    let mut session = Session::start(&root, stand_in_settings("succeed", &root));
    let started = session.execute("schemals.sandbox.start", json!([]));
    assert_eq!(started["started"], true);
    session.wait_for("the running status", 30, |m| {
        m["method"] == "schemals/sandboxStatus" && m["params"] == json!({"state": "running"})
    });
    session.wait_for("the watching phase", 30, |m| {
        m["method"] == "$/progress" && m["params"]["value"]["message"] == "watching for changes"
    });
    let (kind, message) = session.wait_for_message(10, "schemals: Amplify sandbox deployed in ");
    assert_eq!(kind, 3);
    assert!(message.ends_with(" s; watching for changes"), "{message}");

    // A second start, or a deploy, while it runs is refused with a message.
    for command in ["schemals.sandbox.start", "schemals.deploy"] {
        let again = session.execute(command, json!([]));
        assert_eq!(again["started"], false, "{again}");
        let reason = again["reason"].as_str().unwrap_or_default().to_owned();
        assert!(
            reason.starts_with("the Amplify sandbox is already running (started ")
                && reason.ends_with(" ago); stop it before starting another"),
            "{reason}"
        );
        let (kind, message) =
            session.wait_for_message(10, "schemals: the Amplify sandbox is already running");
        assert_eq!((kind, message), (2, format!("schemals: {reason}")));
        session.log.retain(|m| m["method"] != "window/showMessage");
    }

    let pids = stand_in_pids(&root, 2);
    assert_eq!(pids.len(), 2, "{pids:?}");
    let stopped = session.execute("schemals.sandbox.stop", json!([]));
    assert_eq!(stopped, json!({"stopped": true}));
    assert_eq!(session.wait_for_progress_end(30)["message"], "stopped");
    session.wait_for("the stopped status", 10, |m| {
        m["method"] == "schemals/sandboxStatus" && m["params"] == json!({"state": "stopped"})
    });
    let (_, message) = session.wait_for_message(10, "schemals: Amplify sandbox stopped after ");
    assert!(message.ends_with(" s"), "{message}");
    assert!(pids.iter().all(|p| !alive(*p)), "{pids:?}");

    // Stopping again says that nothing runs.
    let again = session.execute("schemals.sandbox.stop", json!([]));
    assert_eq!(
        again,
        json!({"stopped": false, "reason": "no Amplify sandbox is running"})
    );
    session.finish();
}

#[test]
fn shutting_the_server_down_stops_a_running_sandbox() {
    let root = temp_project("announcement", "sandbox-shutdown");
    let mut session = Session::start(&root, stand_in_settings("succeed", &root));
    session.execute("schemals.sandbox.start", json!([]));
    session.wait_for("the watching phase", 30, |m| {
        m["method"] == "$/progress" && m["params"]["value"]["message"] == "watching for changes"
    });
    let pids = stand_in_pids(&root, 2);
    assert_eq!(pids.len(), 2, "{pids:?}");
    // `finish` shuts the server down and checks that nothing runs in the project any more.
    session.finish();
    assert!(pids.iter().all(|p| !alive(*p)), "{pids:?}");
}

#[test]
fn a_failed_deploy_maps_its_errors_onto_the_schema() {
    let root = temp_project("announcement", "deploy-fail");
    let resource = root.join("amplify/data/resource.ts");
    let uri = uri_of(&resource);
    let mut session = Session::start(&root, stand_in_settings("fail", &root));
    session.execute("schemals.deploy", json!([]));
    assert_eq!(session.wait_for_progress_end(30)["message"], "failed");
    let (kind, message) = session.wait_for_message(10, "schemals: Amplify sandbox deploy failed");
    assert_eq!(kind, 1);
    let log = root.join(".amplify/schemals/deploy.log");
    let expected_tail = format!(
        ": Failed to instantiate data construct (InvalidSchemaError): Custom operation \
         listEventWithCoord requires both an authorization rule and a handler reference (Error). \
         Check your data schema definition for syntax and type errors. (full output: {})",
        log.display()
    );
    assert!(
        message.starts_with("schemals: Amplify sandbox deploy failed after ")
            && message.ends_with(&expected_tail),
        "{message}"
    );
    assert_mapped_diagnostics(&mut session, &uri);

    // Settings changed in the editor apply to the next run; its success clears the old failure.
    session.client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"schemals": stand_in_settings("succeed", &root)}}),
    );
    session.log.clear();
    session.execute("schemals.deploy", json!([]));
    session.wait_for_message(30, "schemals: Amplify sandbox deploy succeeded in ");
    session.wait_for("diagnostics without the run's", 10, |m| {
        diagnostics_for(m, &uri).is_some_and(|list| {
            !list
                .iter()
                .any(|d| d["code"].as_str().is_some_and(|c| c.starts_with("ampx-")))
        })
    });
    session.finish();
}

/// The diagnostics the stand-in's `fail` output maps to in `resource.ts` of the announcement.
fn assert_mapped_diagnostics(session: &mut Session, uri: &str) {
    let found = session.wait_for("the mapped diagnostics", 10, |m| {
        diagnostics_for(m, uri)
            .is_some_and(|list| list.iter().any(|d| d["code"] == "ampx-schema-error"))
    });
    let list = diagnostics_for(&found, uri).unwrap_or_default();
    let mut mapped: Vec<Value> = list
        .into_iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("ampx-")))
        .map(|d| json!({"code": d["code"], "severity": d["severity"], "message": d["message"], "range": d["range"]}))
        .collect();
    mapped.sort_by_key(|d| d["code"].as_str().unwrap_or_default().to_owned());
    assert_eq!(
        mapped,
        [
            json!({
                "code": "ampx-schema-error",
                "severity": 1,
                "message": "Custom operation listEventWithCoord requires both an authorization rule and a handler reference",
                // The operation's key: `    listEventWithCoord: a`.
                "range": {"start": {"line": 11, "character": 4}, "end": {"line": 11, "character": 22}},
            }),
            json!({
                "code": "ampx-typescript",
                "severity": 1,
                "message": "Type 'number' is not assignable to type 'string'.",
                // `(13,8)`: the word `query` of `      .query()`.
                "range": {"start": {"line": 12, "character": 7}, "end": {"line": 12, "character": 12}},
            }),
        ]
    );
}

#[test]
fn a_watching_sandbox_reports_a_failed_deployment_and_goes_on_watching() {
    let root = temp_project("announcement", "sandbox-fail");
    let uri = uri_of(&root.join("amplify/data/resource.ts"));
    let mut session = Session::start(&root, stand_in_settings("fail", &root));
    session.execute("schemals.sandbox.start", json!([]));
    let (kind, message) =
        session.wait_for_message(30, "schemals: Amplify sandbox could not deploy: ");
    assert_eq!(kind, 1);
    assert_eq!(
        message,
        format!(
            "schemals: Amplify sandbox could not deploy: Failed to instantiate data construct \
             (InvalidSchemaError): Custom operation listEventWithCoord requires both an authorization \
             rule and a handler reference (Error). Check your data schema definition for syntax and \
             type errors.; still watching for changes (full output: {})",
            root.join(".amplify/schemals/sandbox.log").display()
        )
    );
    assert_mapped_diagnostics(&mut session, &uri);
    assert_eq!(
        session.execute("schemals.sandbox.stop", json!([])),
        json!({"stopped": true})
    );
    assert_eq!(session.wait_for_progress_end(30)["message"], "stopped");
    session.finish();
}

#[test]
fn a_pipeline_deploy_passes_branch_and_app_id() {
    let root = temp_project("announcement", "pipeline");
    let mut session = Session::start(&root, stand_in_settings("succeed", &root));
    let missing = session.client.request(
        "workspace/executeCommand",
        json!({"command": "schemals.pipelineDeploy", "arguments": [{"branch": "main"}]}),
    );
    assert_eq!(
        missing["error"]["message"],
        "schemals.pipelineDeploy needs a branch and an app id: [{\"branch\": B, \"appId\": A}]"
    );
    let result = session.execute(
        "schemals.pipelineDeploy",
        json!([{"branch": "main", "appId": "d1a2b3c4"}]),
    );
    assert_eq!(result["started"], true);
    assert_eq!(session.wait_for_progress_end(30)["kind"], "end");
    let (kind, message) = session.wait_for_message(10, "schemals: Amplify pipeline deploy");
    assert_eq!(kind, 3);
    assert!(
        message.starts_with("schemals: Amplify pipeline deploy succeeded in "),
        "{message}"
    );
    let log =
        std::fs::read_to_string(root.join(".amplify/schemals/pipelineDeploy.log")).expect("log");
    assert!(
        log.contains("\nargs: pipeline-deploy --branch main --app-id d1a2b3c4\n"),
        "{log}"
    );
    session.finish();
}

#[test]
fn a_schema_error_stops_the_deploy_before_ampx_runs() {
    let root = temp_project("announcement", "deploy-broken");
    let resource = root.join("amplify/data/resource.ts");
    let text = std::fs::read_to_string(&resource).expect("resource.ts");
    let broken = text.replacen("a.ref('EventWithCoord')", "a.ref('EventWithCoords')", 1);
    assert_ne!(broken, text);
    std::fs::write(&resource, &broken).expect("write");
    let uri = uri_of(&resource);
    let mut session = Session::start(&root, stand_in_settings("succeed", &root));
    let result = session.execute("schemals.deploy", json!([]));
    let reason = "Amplify sandbox deploy stopped before running ampx: 1 error in the schema \
                  (first: amplify/data/resource.ts:14:23: Invalid ref. listEventWithCoord is referring \
                  to EventWithCoords which is not defined in the schema [unknown-ref]); fix them, or set \
                  schemals.amplify.skipChecks to deploy anyway";
    assert_eq!(result, json!({"started": false, "reason": reason}));
    let (kind, message) = session.wait_for_message(10, "schemals: Amplify sandbox deploy stopped");
    assert_eq!((kind, message), (1, format!("schemals: {reason}")));
    let found = session.wait_for("the check's diagnostics", 10, |m| {
        diagnostics_for(m, &uri).is_some_and(|l| l.iter().any(|d| d["code"] == "unknown-ref"))
    });
    let list = diagnostics_for(&found, &uri).unwrap_or_default();
    let error = list
        .iter()
        .find(|d| d["code"] == "unknown-ref")
        .expect("unknown-ref");
    assert_eq!(
        error["range"],
        json!({"start": {"line": 13, "character": 22}, "end": {"line": 13, "character": 37}})
    );
    assert!(!root.join("stand-in.ran").exists(), "ampx ran");
    assert!(session.progress().is_empty(), "{:?}", session.progress());

    // `skipChecks` deploys anyway.
    let mut settings = stand_in_settings("succeed", &root);
    settings["amplify"]["skipChecks"] = json!(true);
    session.client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"schemals": settings}}),
    );
    let result = session.execute("schemals.deploy", json!([]));
    assert_eq!(result["started"], true, "{result}");
    session.wait_for_message(30, "schemals: Amplify sandbox deploy succeeded in ");
    assert!(root.join("stand-in.ran").exists(), "ampx did not run");
    session.finish();
}

#[test]
fn the_connection_secret_goes_to_stdin_and_nowhere_else() {
    let root = temp_project("announcement", "secret");
    let value = "postgres://app:s3cr3t-Pa55@db.example.com:5432/notes";
    let mut session = Session::start(&root, stand_in_settings("secret", &root));
    let result = session.execute(
        "schemals.setConnectionSecret",
        json!([{"name": "SQL_CONNECTION_STRING", "value": value}]),
    );
    assert_eq!(result["started"], true);
    session.wait_for_progress_end(30);
    let (kind, message) = session.wait_for_message(10, "schemals: Amplify sandbox secret");
    assert_eq!(kind, 3, "{message}");
    assert!(
        message.starts_with("schemals: Amplify sandbox secret succeeded in "),
        "{message}"
    );
    let log = std::fs::read_to_string(root.join(".amplify/schemals/setConnectionSecret.log"))
        .expect("log");
    assert!(
        log.contains(&format!(
            "args: sandbox secret set SQL_CONNECTION_STRING\nSecret SQL_CONNECTION_STRING set ({} bytes)\n",
            value.len()
        )),
        "{log}"
    );
    assert!(!log.contains("s3cr3t"), "{log}");
    let everything = serde_json::to_string(&session.log).unwrap_or_default();
    assert!(!everything.contains("s3cr3t"), "{everything}");
    session.finish();
}

/// `target/ampx-cache/backend-cli-VERSION`, with `@aws-amplify/backend-cli` installed from the
/// npm registry if it is not there yet (into a fresh folder, renamed when complete, so an
/// interrupted install is never taken for a finished one).
fn real_ampx() -> PathBuf {
    let cache = repo_root()
        .join("target/ampx-cache")
        .join(format!("backend-cli-{BACKEND_CLI_VERSION}"));
    if cache.join("node_modules/.bin/ampx").exists() {
        return cache;
    }
    let partial = cache.with_file_name(format!(
        "backend-cli-{BACKEND_CLI_VERSION}.partial-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial).expect("mkdir");
    let manifest = json!({
        "name": "schemals-ampx-cache",
        "private": true,
        "dependencies": {
            "@aws-amplify/backend-cli": BACKEND_CLI_VERSION,
            "@aws-sdk/types": "^3.734.0",
            "aws-cdk-lib": "^2.257.0",
            "constructs": "^10.0.0",
        },
    });
    std::fs::write(partial.join("package.json"), manifest.to_string()).expect("package.json");
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&partial)
        .status()
        .expect("run npm");
    assert!(
        status.success(),
        "npm install of @aws-amplify/backend-cli failed"
    );
    if std::fs::rename(&partial, &cache).is_err() {
        // Another test process finished first.
        let _ = std::fs::remove_dir_all(&partial);
    }
    cache
}

#[test]
fn the_real_ampx_without_credentials_fails_with_a_clear_message() {
    let cache = real_ampx();
    let root = temp_project("announcement", "real-ampx");
    std::os::unix::fs::symlink(cache.join("node_modules"), root.join("node_modules"))
        .expect("link node_modules");
    // No `ampx` setting: the project's `node_modules/.bin/ampx` is found.
    let mut session = Session::start(&root, json!({}));
    let result = session.execute("schemals.deploy", json!([]));
    assert_eq!(result["started"], true, "{result}");
    let begin = session.wait_for("the beginning of the progress", 30, |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin"
    });
    let begin = &begin["params"]["value"];
    let command = format!(
        "starting `{} sandbox --once`",
        root.join("node_modules/.bin/ampx").display()
    );
    assert_eq!(begin["message"], command.as_str());
    assert_eq!(session.wait_for_progress_end(180)["message"], "failed");
    let (kind, message) = session.wait_for_message(10, "schemals: Amplify sandbox deploy failed");
    assert_eq!(kind, 1, "{message}");
    assert!(
        message.contains(
            ": Failed to load default AWS credentials (InvalidCredentialError): Could not load \
             credentials from any providers (CredentialsProviderError). To configure a new Amplify \
             profile, use npx ampx configure profile. (full output: "
        ),
        "{message}"
    );
    // Nothing in the output names the schema: no diagnostic from the run.
    assert!(
        !session.log.iter().any(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"].as_array().is_some_and(|l| {
                    l.iter()
                        .any(|d| d["code"].as_str().is_some_and(|c| c.starts_with("ampx-")))
                })
        }),
        "{:#?}",
        session.log
    );

    // The secret goes to the real `ampx` on stdin; whatever becomes of it (no credentials here),
    // its value is nowhere in what the editor sees or in the log.
    let value = "postgres://app:real-s3cr3t@db.example.com/notes";
    session.log.clear();
    let result = session.execute(
        "schemals.setConnectionSecret",
        json!([{"name": "SQL_CONNECTION_STRING", "value": value}]),
    );
    assert_eq!(result["started"], true, "{result}");
    session.wait_for_progress_end(180);
    // It read the value from stdin and went on to look for credentials.
    let (kind, message) = session.wait_for_message(10, "schemals: Amplify sandbox secret ");
    assert_eq!(kind, 1, "{message}");
    assert!(
        message.starts_with("schemals: Amplify sandbox secret failed after ")
            && message
                .contains(": Failed to load default AWS credentials (InvalidCredentialError)"),
        "{message}"
    );
    let everything = serde_json::to_string(&session.log).unwrap_or_default();
    assert!(!everything.contains("real-s3cr3t"), "{everything}");
    let log = std::fs::read_to_string(root.join(".amplify/schemals/setConnectionSecret.log"))
        .expect("log");
    assert!(!log.contains("real-s3cr3t"), "{log}");
    assert!(
        log.starts_with(&format!(
            "$ {} sandbox secret set SQL_CONNECTION_STRING\n",
            root.join("node_modules/.bin/ampx").display()
        )),
        "{log}\n{message}"
    );
    assert_eq!(
        processes_in(&root, Some(session.client.child.id())),
        Vec::new()
    );
    session.finish();
}
