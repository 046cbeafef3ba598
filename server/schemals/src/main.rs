//! `schemals`: the language server and CLI for Amplify Gen 2 data schemas.

mod allocator;
mod amplify;
mod cli;
mod host;
mod lsp;
mod saved_evaluation;

use std::process::ExitCode;

const USAGE: &str = "\
schemals: checks Amplify Gen 2 data schemas against your database

Usage:
  schemals serve [--stdio]                  speak LSP over standard input and output
  schemals check [PATH] [OPTIONS]           print diagnostics for a project or a file
      --format human|json                   output format (default human)
      --database-url URL                    check against this live database
      --catalog FILE                        check against this catalog snapshot
      --live                                fail (exit 1) when the snapshot is stale against
                                            the live database, then check against it
  schemals introspect [DIR] [OPTIONS]       write the catalog snapshot of the database
      --database-url URL                    the database (default: from the configure block's secret)
      --out FILE                            where to write (default: next to schema.sql.ts)
  schemals generate [DIR] [OPTIONS]         write schema.sql.ts from the database, as Amplify's
                                            `ampx generate schema-from-database` does
      --database-url URL                    the database (default: from the configure block's secret)
      --out FILE                            where to write (default: amplify/data/schema.sql.ts)
      --connection-uri-secret NAME          secret named in the configure block
                                            (default: the file's, or SQL_CONNECTION_STRING)
      --ssl-cert-secret NAME                secret holding the server's CA certificate
      --schema NAME                         also read this PostgreSQL schema (beyond Amplify)
  schemals --version

Exit status of check: 0 no errors, 1 errors found, 2 usage or I/O failure.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    match command.as_str() {
        "serve" | "--stdio" | "lsp" => {
            allocator::limit_arenas();
            lsp::run()
        }
        "check" => cli::check(rest),
        "introspect" => cli::introspect(rest),
        "generate" => cli::generate(rest),
        "dump-model" => cli::dump_model(rest),
        "--version" | "-V" | "version" => {
            cli::write_stdout(&format!("schemals {}\n", env!("CARGO_PKG_VERSION")));
            ExitCode::SUCCESS
        }
        "--help" | "-h" | "help" => {
            cli::write_stdout(&format!("{USAGE}\n"));
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("schemals: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
