// The schemals VS Code extension: starts `schemals serve` for the TypeScript (and SQL) files under an
// `amplify/` folder, offers the server's commands in the palette and shows the server's catalog and
// sandbox state in the status bar. It holds no analysis of its own: diagnostics, completion, hover and
// the rest come from the server, and the palette offers only the commands the server lists.

import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

/** What the server says about its catalog and sandbox (`schemals/status` notification). */
interface ServerStatus {
  catalog: 'live' | 'cached' | 'none';
  target: string | null;
  snapshot: string | null;
  snapshotAgeSeconds: number | null;
  problem: string | null;
  /** Present once the server runs sandboxes: `running`, `starting`, `stopped`, ... */
  sandbox?: string | null;
}

/** A way to ask the user for a command's arguments; `undefined` means the user cancelled. */
type ArgumentPrompt = () => Promise<unknown[] | undefined>;

/**
 * Titles of the server commands this extension knows, and how to ask for their arguments. A command the
 * server lists that is not here is still offered by "schemals: Run a server command…", under its id.
 */
const KNOWN_COMMANDS: Record<string, { title: string; prompt?: ArgumentPrompt }> = {
  'schemals.generateSchema': { title: 'Generate schema.sql.ts from the database' },
  'schemals.refreshCatalog': { title: 'Refresh catalog' },
  'schemals.deploy': { title: 'Deploy once (ampx sandbox --once)' },
  'schemals.sandbox.start': { title: 'Start sandbox' },
  'schemals.sandbox.stop': { title: 'Stop sandbox' },
  'schemals.pipelineDeploy': { title: 'Pipeline deploy', prompt: promptPipelineDeploy },
  'schemals.setConnectionSecret': { title: 'Set the connection secret', prompt: promptConnectionSecret },
};

const LOG_CHANNEL = 'schemals';

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem;
let outputChannel: vscode.OutputChannel;
let lastStatus: ServerStatus | undefined;
/** The command ids whose `schemals.offers.<id>` context key is set: the palette's `when` clauses read them. */
let offeredContext: string[] = [];

async function setOffered(commands: string[]): Promise<void> {
  for (const id of offeredContext.filter((c) => !commands.includes(c))) {
    await vscode.commands.executeCommand('setContext', `schemals.offers.${id}`, false);
  }
  for (const id of commands) {
    await vscode.commands.executeCommand('setContext', `schemals.offers.${id}`, true);
  }
  offeredContext = commands;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel(LOG_CHANNEL);
  statusItem = vscode.window.createStatusBarItem('schemals.status', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'schemals';
  statusItem.command = 'schemals.showLog';
  context.subscriptions.push(outputChannel, statusItem);
  await vscode.commands.executeCommand('setContext', 'schemals.active', true);

  context.subscriptions.push(
    vscode.commands.registerCommand('schemals.showLog', () => outputChannel.show(true)),
    vscode.commands.registerCommand('schemals.restartServer', () => restart(context)),
    vscode.commands.registerCommand('schemals.runServerCommand', pickServerCommand),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The client passes the other settings to the running server itself.
      if (event.affectsConfiguration('schemals.server.path') || event.affectsConfiguration('schemals.logLevel')) {
        void restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  await vscode.commands.executeCommand('setContext', 'schemals.running', false);
  await setOffered([]);
  if (running) {
    await running.stop().catch(() => undefined);
  }
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  showStatus('$(sync~spin) schemals', 'Starting the schemals server');
  const found = await findServer();
  if ('problem' in found) {
    outputChannel.appendLine(found.problem);
    showStatus('$(error) schemals: no server', found.problem);
    // Not awaited: activation must not wait for the user to answer.
    void vscode.window.showErrorMessage(found.problem, 'Open Settings', 'Show Log').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'schemals.server.path');
      } else if (choice === 'Show Log') {
        outputChannel.show(true);
      }
    });
    return;
  }
  outputChannel.appendLine(`starting ${found.path} serve (${found.version})`);

  const config = vscode.workspace.getConfiguration('schemals');
  const level = config.get<string>('logLevel') || 'info';
  const env = { ...process.env, SCHEMALS_LOG: `${level},sqlparser=warn,sqlx=warn` };
  const executable = { command: found.path, args: ['serve'], transport: TransportKind.stdio, options: { env } };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    // Only files under an `amplify/` folder: the TypeScript server keeps every other file to itself.
    documentSelector: [
      { scheme: 'file', language: 'typescript', pattern: '**/amplify/**' },
      { scheme: 'file', language: 'typescriptreact', pattern: '**/amplify/**' },
      { scheme: 'file', language: 'sql', pattern: '**/amplify/**' },
    ],
    initializationOptions: serverSettings(),
    synchronize: { configurationSection: 'schemals' },
    outputChannel,
    middleware: {
      // The client registers a VS Code command for each command the server lists; running one comes
      // here, so the user sees progress and the server's answer.
      executeCommand: (command, args, next) => runWithFeedback(command, args, (c, a) => next(c, a)),
    },
  };
  const started = new LanguageClient('schemals', 'schemals', serverOptions, clientOptions);
  started.onNotification('schemals/status', (status: ServerStatus) => {
    // The sandbox state arrives separately (`schemals/sandboxStatus`): keep it across catalog updates.
    lastStatus = { ...status, sandbox: status.sandbox ?? lastStatus?.sandbox };
    renderStatus(lastStatus);
  });
  started.onNotification('schemals/sandboxStatus', (sandbox: { state: string }) => {
    lastStatus = { ...(lastStatus ?? { catalog: 'none' }), sandbox: sandbox.state } as ServerStatus;
    renderStatus(lastStatus);
  });
  try {
    await started.start();
  } catch (error) {
    const message = `schemals: the server did not start: ${errorMessage(error)}`;
    outputChannel.appendLine(message);
    showStatus('$(error) schemals', message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && outputChannel.show(true));
    return;
  }
  client = started;
  const commands = serverCommands();
  outputChannel.appendLine(`server commands: ${commands.join(', ') || '(none)'}`);
  await setOffered(commands);
  await vscode.commands.executeCommand('setContext', 'schemals.running', true);
  if (lastStatus) {
    renderStatus(lastStatus);
  } else {
    showStatus('$(database) schemals', 'schemals is running; it has not reported its catalog yet. Click for the log.');
  }
  context.subscriptions.push({ dispose: () => void stop() });
}

/** The settings the server reads, as initialization options (the same object `workspace/configuration` gives). */
function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('schemals');
  return {
    databaseUrl: config.get<string>('databaseUrl') ?? '',
    databaseUrlVariable: config.get<string>('databaseUrlVariable') ?? '',
    catalogPath: config.get<string>('catalogPath') ?? '',
    logLevel: config.get<string>('logLevel') ?? 'info',
    // The server reads the `amplify` object: `ampx` (command line; empty means its default) and `env`.
    amplify: { ampx: config.get<string[]>('ampx.command') ?? [], env: config.get<Record<string, string>>('ampx.env') ?? {} },
  };
}

function serverCommands(): string[] {
  return client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
}

async function runWithFeedback(
  command: string,
  args: unknown[],
  send: (command: string, args: unknown[]) => Promise<unknown>,
): Promise<unknown> {
  const known = KNOWN_COMMANDS[command];
  const title = known?.title ?? command;
  let finalArgs = args;
  if (finalArgs.length === 0 && known?.prompt) {
    const asked = await known.prompt();
    if (!asked) {
      return undefined;
    }
    finalArgs = asked;
  }
  outputChannel.appendLine(`run ${command}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `schemals: ${title}`, cancellable: false },
      () => send(command, finalArgs),
    );
    const text = describeResult(result);
    outputChannel.appendLine(`${command}: ${text ?? 'done'}`);
    void vscode.window.showInformationMessage(`schemals: ${text ?? `${title}: done`}`);
    return result;
  } catch (error) {
    const message = `schemals: ${title} failed: ${errorMessage(error)}`;
    outputChannel.appendLine(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && outputChannel.show(true));
    return undefined;
  }
}

/** "schemals: Run a server command…": every command the server lists, known or not. */
async function pickServerCommand(): Promise<void> {
  const running = client;
  if (!running) {
    void vscode.window.showWarningMessage('schemals: the server is not running');
    return;
  }
  const items = serverCommands().map((id) => ({ label: KNOWN_COMMANDS[id]?.title ?? id, description: id, id }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Server command to run' });
  if (!picked) {
    return;
  }
  await runWithFeedback(picked.id, [], (command, args) =>
    running.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }),
  );
}

async function promptPipelineDeploy(): Promise<unknown[] | undefined> {
  const branch = await vscode.window.showInputBox({ prompt: 'Branch to deploy (ampx pipeline-deploy --branch)' });
  if (!branch) {
    return undefined;
  }
  const appId = await vscode.window.showInputBox({ prompt: 'Amplify app id (ampx pipeline-deploy --app-id)' });
  return appId ? [{ branch, appId }] : undefined;
}

async function promptConnectionSecret(): Promise<unknown[] | undefined> {
  const name = await vscode.window.showInputBox({
    prompt: 'Name of the secret (the secret(...) of the configure block of schema.sql.ts)',
    value: 'SQL_CONNECTION_STRING',
  });
  if (!name) {
    return undefined;
  }
  // The value goes to the server only, which passes it to ampx on standard input.
  const value = await vscode.window.showInputBox({ prompt: `Value of ${name}`, password: true });
  return value ? [{ name, value }] : undefined;
}

function describeResult(result: unknown): string | undefined {
  if (result === null || result === undefined) {
    return undefined;
  }
  if (typeof result === 'string') {
    return result;
  }
  if (typeof result === 'object' && typeof (result as { message?: unknown }).message === 'string') {
    return (result as { message: string }).message;
  }
  return JSON.stringify(result);
}

function renderStatus(status: ServerStatus): void {
  let text: string;
  const lines: string[] = [];
  switch (status.catalog) {
    case 'live':
      text = '$(database) schemals: live';
      lines.push(`Catalog: live from ${status.target ?? 'the database'}`);
      break;
    case 'cached': {
      const age = status.snapshotAgeSeconds === null ? '' : ` ${formatAge(status.snapshotAgeSeconds)}`;
      text = `$(database) schemals: cached${age}`;
      lines.push(`Catalog: snapshot ${status.snapshot ?? ''}${age ? ` (written${age} ago)` : ''}`);
      break;
    }
    default:
      text = '$(circle-slash) schemals: no catalog';
      lines.push('Catalog: none; database checks are off');
  }
  if (status.sandbox) {
    text += ` · sandbox ${status.sandbox}`;
    lines.push(`Sandbox: ${status.sandbox}`);
    void vscode.commands.executeCommand('setContext', 'schemals.sandbox', status.sandbox);
  }
  if (status.problem) {
    text = `$(warning) ${text.replace(/^\$\([^)]*\) /, '')}`;
    lines.push(`Problem: ${status.problem}`);
  }
  lines.push('Click for the server log.');
  showStatus(text, lines.join('\n'));
}

function showStatus(text: string, tooltip: string): void {
  statusItem.text = text;
  statusItem.tooltip = tooltip;
  statusItem.show();
}

function formatAge(seconds: number): string {
  if (seconds < 60) {
    return '<1 min';
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min`;
  }
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)} h`;
  }
  return `${Math.floor(seconds / 86400)} d`;
}

// ---------------------------------------------------------------- finding the server

type Found = { path: string; version: string } | { problem: string };

/** The setting, then the workspace's `node_modules/.bin`, then `PATH`; each candidate must answer `--version`. */
async function findServer(): Promise<Found> {
  const configured = vscode.workspace.getConfiguration('schemals').get<string>('server.path')?.trim();
  if (configured) {
    const resolved = expandPath(configured);
    const version = await serverVersion(resolved);
    if (typeof version === 'string') {
      return { path: resolved, version };
    }
    return {
      problem: `schemals: the schemals.server.path setting points to ${resolved}, which does not run (${version.error}). Fix the setting or clear it to use schemals from PATH.`,
    };
  }
  const binary = process.platform === 'win32' ? 'schemals.exe' : 'schemals';
  const candidates = [
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, 'node_modules', '.bin', binary)),
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, binary)),
  ];
  for (const candidate of candidates) {
    if (!isExecutable(candidate)) {
      continue;
    }
    const version = await serverVersion(candidate);
    if (typeof version === 'string') {
      return { path: candidate, version };
    }
    outputChannel.appendLine(`skipping ${candidate}: ${version.error}`);
  }
  return {
    problem:
      'schemals: the schemals binary was not found (looked in the workspace node_modules/.bin and PATH). ' +
      'Install it with `cargo install --path server/schemals` from the schemals repository, or set schemals.server.path.',
  };
}

function expandPath(value: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  let expanded = value.replace(/\$\{workspaceFolder\}/g, folder);
  if (expanded.startsWith('~/')) {
    expanded = path.join(os.homedir(), expanded.slice(2));
  }
  return path.isAbsolute(expanded) || !folder ? expanded : path.join(folder, expanded);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function serverVersion(file: string): Promise<string | { error: string }> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 10000 }, (error, stdout) => {
      const line = stdout.toString().trim().split('\n')[0] ?? '';
      if (error) {
        resolve({ error: errorMessage(error) });
      } else if (!line.startsWith('schemals')) {
        resolve({ error: `\`--version\` printed "${line}", not schemals` });
      } else {
        resolve(line);
      }
    });
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
