//! `schemals generate` against real databases, byte for byte against Amplify's generator 0.11.16:
//! every case of `../shared/amplify/golden/` (written by the real `ampx` CLI) and the cases of
//! `tests/fixtures/generate/` (written by the real generator through `shared/amplify/oracle/generate.sh`).
//!
//! Each case creates its database from `ddl.sql` under the name the expected file was generated
//! from (the `identifier` line hashes host, engine, database and port), runs the real binary, and
//! drops the database. Needs PostgreSQL with PostGIS (127.0.0.1:5432, postgres, trust) and MariaDB
//! (127.0.0.1:3306, root, no password).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use schemals_e2e::{repo_root, schemals_binary, shared_dir};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Engine {
    Postgres,
    Mariadb,
}

struct Case {
    dir: PathBuf,
    engine: Engine,
    database: &'static str,
}

fn golden(name: &str, engine: Engine, database: &'static str) -> Case {
    Case {
        dir: shared_dir().join("amplify/golden").join(name),
        engine,
        database,
    }
}

fn own(name: &str, engine: Engine, database: &'static str) -> Case {
    Case {
        dir: repo_root().join("tests/fixtures/generate").join(name),
        engine,
        database,
    }
}

/// Runs SQL through the real command-line client, as the goldens were loaded.
fn run_sql(engine: Engine, database: Option<&str>, sql: &str) {
    let mut command = match engine {
        Engine::Postgres => {
            let mut c = Command::new("psql");
            c.args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
            ]);
            c.args(["-d", database.unwrap_or("postgres")]);
            c.env("PGOPTIONS", "--client-min-messages=warning");
            c
        }
        Engine::Mariadb => {
            let mut c = Command::new("mariadb");
            c.args([
                "-h",
                "127.0.0.1",
                "-u",
                "root",
                "--default-character-set=utf8mb4",
            ]);
            if let Some(db) = database {
                c.arg(db);
            }
            c
        }
    };
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the database client");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("client stdin");
        stdin.write_all(sql.as_bytes()).expect("send SQL");
    }
    let output = child.wait_with_output().expect("database client");
    assert!(
        output.status.success(),
        "{engine:?} client failed on:\n{sql}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn create_database(case: &Case) {
    let db = case.database;
    match case.engine {
        Engine::Postgres => {
            run_sql(
                Engine::Postgres,
                None,
                &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE);\nCREATE DATABASE {db};\n"),
            );
        }
        Engine::Mariadb => run_sql(
            Engine::Mariadb,
            None,
            &format!(
                "DROP DATABASE IF EXISTS {db};\nCREATE DATABASE {db} CHARACTER SET utf8mb4;\n"
            ),
        ),
    }
    let ddl = std::fs::read_to_string(case.dir.join("ddl.sql")).expect("ddl.sql");
    run_sql(case.engine, Some(db), &ddl);
}

fn drop_database(case: &Case) {
    let db = case.database;
    match case.engine {
        Engine::Postgres => run_sql(
            Engine::Postgres,
            None,
            &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE);\n"),
        ),
        Engine::Mariadb => run_sql(
            Engine::Mariadb,
            None,
            &format!("DROP DATABASE IF EXISTS {db};\n"),
        ),
    }
}

/// The URL the expected file was generated from, as far as the identifier hash goes (host
/// `localhost`, default port); the user differs, which the hash does not include.
fn url(case: &Case) -> String {
    match case.engine {
        Engine::Postgres => format!("postgres://postgres@localhost:5432/{}", case.database),
        Engine::Mariadb => format!("mysql://root@localhost:3306/{}", case.database),
    }
}

fn generate(project: &Path, args: &[&str]) -> Output {
    Command::new(schemals_binary())
        .arg("generate")
        .arg(project)
        .args(args)
        .output()
        .expect("run schemals generate")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("schemals-generate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs one case: the file written must be the expected one byte for byte, or, where Amplify
/// refuses, the command must fail with Amplify's message and leave an existing file untouched.
fn run_case(case: &Case) -> Result<(), String> {
    create_database(case);
    let project = temp_dir(
        case.dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("case"),
    );
    let out_file = project.join("amplify/data/schema.sql.ts");
    let result = (|| {
        let expected_file = case.dir.join("schema.sql.ts");
        if expected_file.exists() {
            let output = generate(&project, &["--database-url", &url(case)]);
            if !output.status.success() {
                return Err(format!(
                    "generate failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            let expected = std::fs::read(&expected_file).map_err(|e| e.to_string())?;
            let actual = std::fs::read(&out_file).map_err(|e| e.to_string())?;
            if expected != actual {
                return Err(format!(
                    "output differs from {}:\n--- expected\n{}\n--- actual\n{}",
                    expected_file.display(),
                    String::from_utf8_lossy(&expected),
                    String::from_utf8_lossy(&actual)
                ));
            }
            // No drift is reported on the generator's own output, nor on the previous format.
            no_drift(&project, &url(case), "schema.sql.ts")?;
            let older = case.dir.join("schema.sql.v0.11.15.ts");
            if older.exists() {
                std::fs::copy(&older, &out_file).map_err(|e| e.to_string())?;
                no_drift(&project, &url(case), "schema.sql.v0.11.15.ts")?;
            }
        } else {
            let error = std::fs::read_to_string(case.dir.join("error.txt"))
                .map_err(|e| format!("neither schema.sql.ts nor error.txt: {e}"))?;
            // The CLI's last line is `[ErrorName] message`; the message is what users see.
            let message = error
                .lines()
                .filter_map(|l| l.split_once("] ").map(|(_, m)| m.trim()))
                .next_back()
                .ok_or("no message in error.txt")?
                .to_owned();
            std::fs::create_dir_all(out_file.parent().expect("parent"))
                .map_err(|e| e.to_string())?;
            let existing = "// the user's file\n";
            std::fs::write(&out_file, existing).map_err(|e| e.to_string())?;
            let output = generate(&project, &["--database-url", &url(case)]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            if output.status.code() != Some(1) || !stderr.contains(&message) {
                return Err(format!(
                    "expected exit 1 with {message:?}, got {:?}:\n{stderr}",
                    output.status.code()
                ));
            }
            if std::fs::read_to_string(&out_file).map_err(|e| e.to_string())? != existing {
                return Err("the existing schema.sql.ts was changed".to_owned());
            }
        }
        Ok(())
    })();
    drop_database(case);
    let _ = std::fs::remove_dir_all(&project);
    result
}

/// `schemals check` against the live database reports no drift on the project's schema.sql.ts.
fn no_drift(project: &Path, url: &str, what: &str) -> Result<(), String> {
    let output = Command::new(schemals_binary())
        .arg("check")
        .arg(project)
        .args(["--format", "json", "--database-url", url])
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let diagnostics: Vec<serde_json::Value> = serde_json::from_str(&stdout)
        .map_err(|e| format!("check output is not JSON ({e}): {stdout}"))?;
    let drift: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| {
            d["code"].as_str().is_some_and(|c| {
                c.starts_with("drift-") || c == "unknown-table" || c == "unknown-column"
            })
        })
        .collect();
    if drift.is_empty() {
        Ok(())
    } else {
        Err(format!("drift reported on {what}: {drift:#?}"))
    }
}

#[test]
fn amplify_goldens_are_reproduced_byte_for_byte() {
    let golden_dir = shared_dir().join("amplify/golden");
    let cases = [
        golden("pg-seed", Engine::Postgres, "gen_seed"),
        golden("pg-rich", Engine::Postgres, "gen_pg_rich"),
        golden("pg-no-pk", Engine::Postgres, "gen_pg_nopk"),
        golden("pg-empty", Engine::Postgres, "gen_pg_empty"),
        golden("mysql-rich", Engine::Mariadb, "gen_mysql_rich"),
    ];
    // Every golden case is covered.
    let mut listed: Vec<String> = std::fs::read_dir(&golden_dir)
        .expect("golden folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    listed.sort();
    let mut covered: Vec<String> = cases
        .iter()
        .map(|c| {
            c.dir
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    covered.sort();
    assert_eq!(listed, covered, "a golden case is not covered");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run_case(case)
                .err()
                .map(|e| format!("{}: {e}", case.dir.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn type_mapping_cases_match_the_real_generator() {
    let cases = [
        own("pg-types", Engine::Postgres, "schemals_gen_pg_types"),
        own("mysql-types", Engine::Mariadb, "schemals_gen_mysql_types"),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run_case(case)
                .err()
                .map(|e| format!("{}: {e}", case.dir.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn secrets_and_skipped_tables_are_reported() {
    let case = own("pg-types", Engine::Postgres, "schemals_gen_pg_secrets");
    create_database(&case);
    let project = temp_dir("secrets");
    let out = project.join("custom/out.sql.ts");
    let output = generate(
        &project,
        &[
            "--database-url",
            &url(&case),
            "--out",
            out.to_str().expect("utf-8 path"),
            "--connection-uri-secret",
            "MY_DB",
            "--ssl-cert-secret",
            "MY_CERT",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    drop_database(&case);
    let _ = std::fs::remove_dir_all(&project);
    assert!(output.status.success(), "{stderr}");
    assert!(
        text.contains(
            "        connectionUri: secret(\"MY_DB\"),\n        sslCert: secret(\"MY_CERT\")\n    }\n"
        ),
        "{text}"
    );
    assert!(
        stderr.contains(
            "note: skipped 3 tables without a primary key (Amplify needs one for a model): live_enums (view), no_key, unique_only\n"
        ),
        "{stderr}"
    );
}

#[test]
fn unreachable_or_refused_database_leaves_the_file_untouched() {
    let project = temp_dir("unreachable");
    let out = project.join("amplify/data/schema.sql.ts");
    std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir");
    std::fs::write(&out, "// keep me\n").expect("write");
    // Nothing listens on port 1.
    let refused = generate(
        &project,
        &[
            "--database-url",
            "postgres://postgres:s3cret@127.0.0.1:1/app",
        ],
    );
    // MariaDB refuses the password.
    let denied = generate(
        &project,
        &[
            "--database-url",
            "mysql://root:wrong-s3cret@127.0.0.1:3306/mysql",
        ],
    );
    let kept = std::fs::read_to_string(&out).expect("read");
    let _ = std::fs::remove_dir_all(&project);
    for (output, what) in [
        (&refused, "cannot reach"),
        (&denied, "authentication failed"),
    ] {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(what), "{stderr}");
        assert!(stderr.contains("was not changed"), "{stderr}");
        assert!(!stderr.contains("s3cret"), "the password leaked: {stderr}");
    }
    assert_eq!(kept, "// keep me\n");
}
