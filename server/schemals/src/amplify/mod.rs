//! Running Amplify's own CLI (`ampx`) for the user: sandbox, deploy, pipeline deploy, secrets.
//! What to run (`command`), how to run and stop it (`process`), and how to read what it prints
//! (`output`). The LSP side is `lsp::commands`; nothing here runs unless a user command asks.

pub mod command;
pub mod output;
pub mod process;
