//! Agreement with Amplify: every example and every fixture case goes through the real
//! `@aws-amplify/data-schema` transform (`../shared/amplify/oracle`). Valid examples and `accepts`
//! fixtures must transform; `rejects` fixtures must fail with the message schemals reports; the
//! other error fixtures document why the transform cannot see them (deploy, runtime, catalog).

use std::process::Command;

use schemals_e2e::{repo_root, shared_dir};

#[test]
fn amplify_agrees_with_every_fixture_and_example() {
    let shared = shared_dir();
    let setup = shared.join("amplify/oracle/setup.sh");
    assert!(
        setup.exists(),
        "the Amplify oracle is missing at {} (set SCHEMALS_SHARED to the folder holding amplify/oracle)",
        setup.display()
    );
    let oracle_home = repo_root().join(".oracle");
    let status = Command::new("bash")
        .arg(&setup)
        .env("ORACLE_HOME", &oracle_home)
        .current_dir(repo_root())
        .status()
        .expect("run the oracle setup");
    assert!(status.success(), "oracle setup failed");
    for script in [
        "tests/oracle/run-fixtures.sh",
        "tests/oracle/check-examples.sh",
    ] {
        run_oracle_script(script, &oracle_home, &shared);
    }
}

fn run_oracle_script(script: &str, oracle_home: &std::path::Path, shared: &std::path::Path) {
    let output = Command::new("bash")
        .arg(repo_root().join(script))
        .env("ORACLE_HOME", oracle_home)
        .env("SCHEMALS_SHARED", shared)
        .current_dir(repo_root())
        .output()
        .expect("run the oracle over the fixtures");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script}: Amplify disagrees:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(" passed, 0 failed"),
        "unexpected oracle report:\n{stdout}"
    );
}
