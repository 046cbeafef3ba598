//! Which `ampx` to run and with what: the command line of each action, from the project's
//! `node_modules/.bin` first, then `npx`, every part of it overridable by settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One thing the user asked Amplify to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `ampx sandbox`: deploys, then watches and redeploys on save until stopped.
    SandboxWatch,
    /// `ampx sandbox --once`.
    SandboxOnce,
    /// `ampx pipeline-deploy --branch B --app-id A`.
    PipelineDeploy { branch: String, app_id: String },
    /// `ampx sandbox secret set NAME`; the value goes to the child's stdin, never on its command line.
    SetSecret { name: String },
}

impl Action {
    /// The key of this action in the `commands` overrides of the settings.
    pub fn key(&self) -> &'static str {
        match self {
            Action::SandboxWatch => "sandbox",
            Action::SandboxOnce => "deploy",
            Action::PipelineDeploy { .. } => "pipelineDeploy",
            Action::SetSecret { .. } => "setConnectionSecret",
        }
    }

    /// What the editor shows as the progress title and in messages.
    pub fn title(&self) -> &'static str {
        match self {
            Action::SandboxWatch => "Amplify sandbox",
            Action::SandboxOnce => "Amplify sandbox deploy",
            Action::PipelineDeploy { .. } => "Amplify pipeline deploy",
            Action::SetSecret { .. } => "Amplify sandbox secret",
        }
    }

    /// Whether the action deploys, so the schema is checked first.
    pub fn deploys(&self) -> bool {
        !matches!(self, Action::SetSecret { .. })
    }

    fn ampx_arguments(&self) -> Vec<String> {
        let words: Vec<&str> = match self {
            Action::SandboxWatch => vec!["sandbox"],
            Action::SandboxOnce => vec!["sandbox", "--once"],
            Action::PipelineDeploy { branch, app_id } => {
                return vec![
                    "pipeline-deploy".to_owned(),
                    "--branch".to_owned(),
                    branch.clone(),
                    "--app-id".to_owned(),
                    app_id.clone(),
                ];
            }
            Action::SetSecret { name } => {
                return vec![
                    "sandbox".to_owned(),
                    "secret".to_owned(),
                    "set".to_owned(),
                    name.clone(),
                ];
            }
        };
        words.into_iter().map(str::to_owned).collect()
    }

    /// Values for the `{branch}`, `{appId}` and `{name}` placeholders of an overridden command.
    fn placeholders(&self) -> Vec<(&'static str, &str)> {
        match self {
            Action::PipelineDeploy { branch, app_id } => {
                vec![("{branch}", branch.as_str()), ("{appId}", app_id.as_str())]
            }
            Action::SetSecret { name } => vec![("{name}", name.as_str())],
            _ => Vec::new(),
        }
    }
}

/// The `schemals.amplify` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AmpxSettings {
    /// The program (and leading arguments) that stands for `ampx`, instead of the project's.
    pub ampx: Option<Vec<String>>,
    /// Whole command lines per action key (`sandbox`, `deploy`, `pipelineDeploy`,
    /// `setConnectionSecret`), with `{branch}`, `{appId}`, `{name}` placeholders.
    pub commands: BTreeMap<String, Vec<String>>,
    /// The working folder (relative to the project root), instead of the root.
    pub cwd: Option<PathBuf>,
    /// Environment added to the child's.
    pub env: BTreeMap<String, String>,
    /// Deploy even when `schemals check` finds errors.
    pub skip_checks: bool,
}

impl AmpxSettings {
    /// Reads the `amplify` object of the `schemals` settings section; unknown or mistyped
    /// values are ignored rather than fatal.
    pub fn from_json(value: &serde_json::Value) -> AmpxSettings {
        let words = |v: &serde_json::Value| -> Option<Vec<String>> {
            match v {
                serde_json::Value::String(s) if !s.trim().is_empty() => {
                    Some(s.split_whitespace().map(str::to_owned).collect())
                }
                serde_json::Value::Array(items) => {
                    let words: Vec<String> = items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect();
                    (!words.is_empty() && words.len() == items.len()).then_some(words)
                }
                _ => None,
            }
        };
        let mut settings = AmpxSettings {
            ampx: value.get("ampx").and_then(words),
            ..AmpxSettings::default()
        };
        if let Some(commands) = value.get("commands").and_then(|c| c.as_object()) {
            for (key, command) in commands {
                if let Some(command) = words(command) {
                    settings.commands.insert(key.clone(), command);
                }
            }
        }
        settings.cwd = value
            .get("cwd")
            .and_then(|c| c.as_str())
            .filter(|c| !c.is_empty())
            .map(PathBuf::from);
        if let Some(env) = value.get("env").and_then(|e| e.as_object()) {
            for (key, v) in env {
                if let Some(v) = v.as_str() {
                    settings.env.insert(key.clone(), v.to_owned());
                }
            }
        }
        settings.skip_checks = value
            .get("skipChecks")
            .and_then(|s| s.as_bool())
            .unwrap_or(false);
        settings
    }
}

/// A child process to run, fully resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub program: String,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    pub env: Vec<(String, String)>,
}

impl CommandLine {
    /// The command line as a user would type it (arguments never hold a secret).
    pub fn display(&self) -> String {
        std::iter::once(self.program.as_str())
            .chain(self.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The package manager `ampx` believes it runs under, from the project's lock file: `ampx` reads
/// `npm_config_user_agent` and refuses to start without it, which only a package manager sets.
fn package_manager_agent(root: &Path) -> &'static str {
    if root.join("pnpm-lock.yaml").exists() {
        "pnpm/9.0.0 node"
    } else if root.join("yarn.lock").exists() {
        "yarn/1.22.0 node"
    } else {
        "npm/10.0.0 node"
    }
}

/// The command line of `action` for the project at `root`.
pub fn command_line(root: &Path, action: &Action, settings: &AmpxSettings) -> CommandLine {
    let cwd = match &settings.cwd {
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => root.join(dir),
        None => root.to_path_buf(),
    };
    let mut env: Vec<(String, String)> = vec![
        // Plain text in the log and the parsers: no colours, no spinners.
        ("NO_COLOR".to_owned(), "1".to_owned()),
        ("FORCE_COLOR".to_owned(), "0".to_owned()),
    ];
    let mut words: Vec<String> = if let Some(command) = settings.commands.get(action.key()) {
        let placeholders = action.placeholders();
        command
            .iter()
            .map(|word| {
                placeholders
                    .iter()
                    .fold(word.clone(), |w, (hole, value)| w.replace(hole, value))
            })
            .collect()
    } else {
        let mut words = match &settings.ampx {
            Some(ampx) => ampx.clone(),
            None => {
                let local = cwd.join("node_modules").join(".bin").join("ampx");
                let local = if local.exists() {
                    Some(local)
                } else {
                    let at_root = root.join("node_modules").join(".bin").join("ampx");
                    at_root.exists().then_some(at_root)
                };
                match local {
                    Some(local) => {
                        if std::env::var_os("npm_config_user_agent").is_none() {
                            env.push((
                                "npm_config_user_agent".to_owned(),
                                package_manager_agent(root).to_owned(),
                            ));
                        }
                        vec![local.to_string_lossy().into_owned()]
                    }
                    // `--no`: never install a package of that name from the registry on the
                    // user's behalf (the npm package `ampx` is not Amplify's).
                    None => vec!["npx".to_owned(), "--no".to_owned(), "ampx".to_owned()],
                }
            }
        };
        words.extend(action.ampx_arguments());
        words
    };
    env.extend(settings.env.iter().map(|(k, v)| (k.clone(), v.clone())));
    let program = if words.is_empty() {
        "npx".to_owned()
    } else {
        words.remove(0)
    };
    CommandLine {
        program,
        args: words,
        cwd,
        env,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn falls_back_to_npx_without_installing() {
        let root = std::env::temp_dir().join("schemals-ampx-no-node-modules");
        let line = command_line(&root, &Action::SandboxOnce, &AmpxSettings::default());
        assert_eq!(line.display(), "npx --no ampx sandbox --once");
        assert_eq!(line.cwd, root);
    }

    #[test]
    fn prefers_the_project_ampx_and_names_a_package_manager() {
        let root = std::env::temp_dir().join(format!("schemals-ampx-local-{}", std::process::id()));
        let bin = root.join("node_modules/.bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        std::fs::write(bin.join("ampx"), "").expect("write");
        let action = Action::PipelineDeploy {
            branch: "main".to_owned(),
            app_id: "d123".to_owned(),
        };
        let line = command_line(&root, &action, &AmpxSettings::default());
        assert_eq!(line.program, bin.join("ampx").to_string_lossy());
        assert_eq!(
            line.args,
            ["pipeline-deploy", "--branch", "main", "--app-id", "d123"]
        );
        if std::env::var_os("npm_config_user_agent").is_none() {
            assert!(line.env.contains(&(
                "npm_config_user_agent".to_owned(),
                "npm/10.0.0 node".to_owned()
            )));
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn settings_override_commands_folder_and_environment() {
        let settings = AmpxSettings::from_json(&json!({
            "ampx": "node fake-ampx.js",
            "commands": {"setConnectionSecret": ["sh", "set.sh", "{name}"]},
            "cwd": "app",
            "env": {"AWS_REGION": "eu-west-1"},
            "skipChecks": true
        }));
        assert!(settings.skip_checks);
        let root = PathBuf::from("/project");
        let secret = Action::SetSecret {
            name: "SQL_CONNECTION_STRING".to_owned(),
        };
        let line = command_line(&root, &secret, &settings);
        assert_eq!(line.display(), "sh set.sh SQL_CONNECTION_STRING");
        assert_eq!(line.cwd, PathBuf::from("/project/app"));
        assert!(
            line.env
                .contains(&("AWS_REGION".to_owned(), "eu-west-1".to_owned()))
        );
        let line = command_line(&root, &Action::SandboxWatch, &settings);
        assert_eq!(line.display(), "node fake-ampx.js sandbox");
    }
}
