//! The bundled examples through the real binary: the valid ones (each proven valid by the real
//! Amplify transform, see `oracle_agreement.rs`) give no error and exit 0; the README's example
//! gives exactly its one deliberate mistake, at the right place, and exits 1.

use std::process::Command;

use schemals_e2e::{repo_root, schemals_binary};

fn check(example: &str) -> (i32, Vec<serde_json::Value>) {
    let output = Command::new(schemals_binary())
        .args(["check", "--format", "json"])
        .arg(repo_root().join("examples").join(example))
        .env_remove("SQL_CONNECTION_STRING")
        .output()
        .expect("run schemals check");
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("JSON diagnostics");
    (output.status.code().unwrap_or(-1), list)
}

#[test]
fn valid_examples_have_no_errors() {
    for example in [
        "announcement",
        "dynamodb-todo",
        "combined",
        "split-modules",
        "large-sql",
    ] {
        let (status, list) = check(example);
        let errors: Vec<_> = list.iter().filter(|d| d["severity"] == "error").collect();
        assert!(errors.is_empty(), "{example}: {errors:#?}");
        assert_eq!(status, 0, "{example} exit status");
    }
}

#[test]
fn the_readme_example_reports_its_deliberate_mistake() {
    let (status, list) = check("notes-events");
    assert_eq!(status, 1);
    let errors: Vec<_> = list.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = errors[0];
    assert!(
        error["path"]
            .as_str()
            .unwrap_or("")
            .ends_with("examples/notes-events/amplify/data/resource.ts"),
        "{error}"
    );
    assert_eq!(error["code"], "auth-field-missing");
    assert_eq!(error["message"], "Field ownr isn't defined.");
    assert_eq!(
        error["range"],
        serde_json::json!({"start": {"line": 8, "character": 63}, "end": {"line": 8, "character": 67}})
    );
    // The committed snapshot is used: the embedded SQL was checked against it without a finding,
    // and the two models without rules are reported as reachable by IAM only.
    let warnings: Vec<_> = list
        .iter()
        .filter(|d| d["code"] == "sql-model-iam-only")
        .collect();
    assert_eq!(warnings.len(), 2, "{list:#?}");
}

#[test]
fn human_output_points_at_the_source_line() {
    let output = Command::new(schemals_binary())
        .arg("check")
        .arg(repo_root().join("examples/notes-events"))
        .output()
        .expect("run schemals check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected = "\
amplify/data/resource.ts:9:64: error[auth-field-missing]: Field ownr isn't defined.
  |
9 |     models.Note.authorization((allow) => allow.ownerDefinedIn('ownr')),
  |                                                                ^^^^
";
    assert!(stdout.starts_with(expected), "got:\n{stdout}");
    assert!(stdout.ends_with("1 error, 2 warnings\n"), "got:\n{stdout}");
}

#[test]
fn usage_and_io_failures_exit_2() {
    let missing = Command::new(schemals_binary())
        .args(["check", "/no/such/folder"])
        .output()
        .expect("run");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no such file or folder"));
    let bad_flag = Command::new(schemals_binary())
        .args(["check", "--frobnicate"])
        .output()
        .expect("run");
    assert_eq!(bad_flag.status.code(), Some(2));
}
