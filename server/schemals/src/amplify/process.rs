//! The child process: spawned in its own process group so that stopping it stops everything it
//! started (Amplify runs esbuild, tsc and the CDK toolkit as children), and found again through
//! `/proc` for the children that left the group.

use std::process::Stdio;
use std::time::Duration;

use super::command::CommandLine;

/// Starts `line` with piped output; stdin is piped only when a value must be written to it.
pub fn spawn(line: &CommandLine, with_stdin: bool) -> std::io::Result<tokio::process::Child> {
    let mut command = tokio::process::Command::new(&line.program);
    command
        .args(&line.args)
        .current_dir(&line.cwd)
        .stdin(if with_stdin {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, value) in &line.env {
        command.env(key, value);
    }
    #[cfg(unix)]
    command.process_group(0);
    command.spawn()
}

/// The parent pid of `pid`, from `/proc/PID/stat` (the field after the parenthesised name).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// Every live process below `pid`, children first found first.
pub fn descendants(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let parents: Vec<(u32, u32)> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| Some((p, parent_of(p)?)))
        .collect();
    let mut found = vec![pid];
    let mut i = 0;
    while let Some(&current) = found.get(i) {
        for (child, parent) in &parents {
            if *parent == current && !found.contains(child) {
                found.push(*child);
            }
        }
        i += 1;
    }
    found.remove(0);
    found
}

/// Whether `pid` is a process that has not exited (a zombie has exited).
pub fn is_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rfind(')')
            .and_then(|i| stat.get(i + 1..))
            .and_then(|s| s.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

fn signal(signal: &str, targets: &[String]) {
    if targets.is_empty() {
        return;
    }
    // `kill(1)` rather than libc: the workspace forbids unsafe code.
    let _ = std::process::Command::new("kill")
        .arg("-s")
        .arg(signal)
        .arg("--")
        .args(targets)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Stops the process group led by `pid` and every descendant: TERM, then KILL for whatever is
/// still there after `grace`.
pub async fn kill_tree(pid: u32, grace: Duration) {
    let mut targets: Vec<u32> = descendants(pid);
    targets.push(pid);
    let arguments = |pids: &[u32]| -> Vec<String> {
        std::iter::once(format!("-{pid}"))
            .chain(pids.iter().map(u32::to_string))
            .collect()
    };
    signal("TERM", &arguments(&targets));
    let deadline = tokio::time::Instant::now() + grace;
    while tokio::time::Instant::now() < deadline {
        if targets.iter().all(|p| !is_alive(*p)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Children may have started more children meanwhile.
    for p in descendants(pid) {
        if !targets.contains(&p) {
            targets.push(p);
        }
    }
    let alive: Vec<u32> = targets.into_iter().filter(|p| is_alive(*p)).collect();
    signal("KILL", &arguments(&alive));
}
