--- schemals for Neovim 0.11+: configures the schemals language server with `vim.lsp.config`, attached only
--- to files under an `amplify/` folder, and the `:Schemals` command for the server's commands. It holds no
--- analysis of its own: everything it shows comes from the server.
local M = {}

--- Subcommands of `:Schemals` that run a server command, by the command id the server lists.
--- Each is offered only when the server lists its id in `executeCommandProvider.commands`.
M.actions = {
  { words = { 'generate' }, command = 'schemals.generateSchema', title = 'Generate schema.sql.ts from the database' },
  { words = { 'refresh' }, command = 'schemals.refreshCatalog', title = 'Refresh catalog' },
  { words = { 'deploy' }, command = 'schemals.deploy', title = 'Deploy once (ampx sandbox --once)' },
  { words = { 'sandbox', 'start' }, command = 'schemals.sandbox.start', title = 'Start sandbox' },
  { words = { 'sandbox', 'stop' }, command = 'schemals.sandbox.stop', title = 'Stop sandbox' },
  {
    words = { 'pipeline-deploy' },
    command = 'schemals.pipelineDeploy',
    title = 'Pipeline deploy',
    usage = 'BRANCH APP_ID',
    arguments = function(rest)
      if #rest ~= 2 then
        return nil, 'usage: :Schemals pipeline-deploy BRANCH APP_ID'
      end
      return { { branch = rest[1], appId = rest[2] } }
    end,
  },
  {
    words = { 'secret' },
    command = 'schemals.setConnectionSecret',
    title = 'Set the connection secret',
    usage = '[NAME]',
    arguments = function(rest)
      local name = rest[1] or 'SQL_CONNECTION_STRING'
      -- The value goes to the server only (which hands it to ampx on standard input), never to the
      -- command line or the message history.
      local value = vim.fn.inputsecret(('Value of %s: '):format(name))
      if value == nil or value == '' then
        return nil, 'cancelled'
      end
      return { { name = name, value = value } }
    end,
  },
}

--- Subcommands that do not run a server command.
local LOCAL_SUBCOMMANDS = { 'status', 'run', 'log', 'restart' }

--- The last `schemals/status` of each client, by client id.
local statuses = {}

M.defaults = {
  --- The server command line; nil: `node_modules/.bin/schemals` of the current directory, then `schemals` on PATH.
  cmd = nil,
  --- Passed to the server as initialization options and as the `schemals` section of `workspace/configuration`.
  settings = {
    databaseUrl = nil,
    databaseUrlVariable = nil,
    catalogPath = nil,
    --- Sandbox and deploy: `ampx` (command line, a list of words), `commands`, `cwd`, `env`, `skipChecks`.
    amplify = { ampx = nil, env = nil },
  },
  --- The server's log level (its SCHEMALS_LOG); its log is Neovim's LSP log (`:Schemals log`).
  log_level = nil,
  --- Filetypes the server may attach to (it still attaches only under an `amplify/` folder).
  filetypes = { 'typescript', 'typescriptreact', 'sql' },
}

--- The root of the project a file belongs to: the folder holding its innermost `amplify/` folder, or nil
--- for a file outside any `amplify/` folder (then the server does not attach).
function M.project_root(path)
  if type(path) ~= 'string' or path == '' then
    return nil
  end
  return path:match('^(.*)/amplify/')
end

--- The server binary: `node_modules/.bin/schemals` under `dir` (default: the current directory), then PATH.
function M.find_binary(dir)
  local local_bin = vim.fs.joinpath(dir or vim.fn.getcwd(), 'node_modules', '.bin', 'schemals')
  if vim.fn.executable(local_bin) == 1 then
    return local_bin
  end
  if vim.fn.executable('schemals') == 1 then
    return vim.fn.exepath('schemals')
  end
  return nil
end

local function notify(message, level)
  vim.notify('schemals: ' .. message, level or vim.log.levels.INFO, { title = 'schemals' })
end

--- The `vim.lsp.Config` of the server for these options.
function M.config(opts)
  opts = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  local cmd = opts.cmd or { M.find_binary() or 'schemals', 'serve' }
  local env = nil
  if opts.log_level then
    env = { SCHEMALS_LOG = opts.log_level .. ',sqlparser=warn,sqlx=warn' }
  end
  return {
    cmd = cmd,
    cmd_env = env,
    filetypes = opts.filetypes,
    -- Attach only to files under an `amplify/` folder: no callback, no client.
    root_dir = function(bufnr, on_dir)
      local root = M.project_root(vim.api.nvim_buf_get_name(bufnr))
      if root then
        on_dir(root)
      end
    end,
    init_options = opts.settings,
    settings = { schemals = opts.settings },
    handlers = {
      ['schemals/status'] = function(_, status, ctx)
        -- The sandbox state arrives separately (`schemals/sandboxStatus`): keep it across catalog updates.
        local previous = statuses[ctx.client_id] or {}
        if status.sandbox == nil then
          status.sandbox = previous.sandbox
        end
        statuses[ctx.client_id] = status
        vim.api.nvim_exec_autocmds('User', { pattern = 'SchemalsStatus', data = status, modeline = false })
      end,
      ['schemals/sandboxStatus'] = function(_, sandbox, ctx)
        local status = vim.deepcopy(statuses[ctx.client_id] or { catalog = 'none' })
        status.sandbox = sandbox.state
        statuses[ctx.client_id] = status
        vim.api.nvim_exec_autocmds('User', { pattern = 'SchemalsStatus', data = status, modeline = false })
      end,
    },
  }
end

--- Configures and enables the server. Call once, from your config: `require('schemals').setup()`.
function M.setup(opts)
  vim.lsp.config('schemals', M.config(opts))
  vim.lsp.enable('schemals')
end

--- The running schemals clients, the one of the current buffer first.
function M.clients()
  local list = vim.lsp.get_clients({ name = 'schemals', bufnr = 0 })
  if #list == 0 then
    list = vim.lsp.get_clients({ name = 'schemals' })
  end
  return list
end

--- The command ids the server lists.
function M.server_commands(client)
  local provider = client and client.server_capabilities and client.server_capabilities.executeCommandProvider
  return provider and provider.commands or {}
end

--- The last status the server reported (`schemals/status`), or nil.
function M.status(client)
  client = client or M.clients()[1]
  return client and statuses[client.id] or nil
end

local function format_age(seconds)
  if type(seconds) ~= 'number' then
    return nil
  end
  if seconds < 60 then
    return '<1 min'
  elseif seconds < 3600 then
    return ('%d min'):format(seconds / 60)
  elseif seconds < 86400 then
    return ('%d h'):format(seconds / 3600)
  end
  return ('%d d'):format(seconds / 86400)
end

--- A string field of a decoded JSON object, or nil (JSON null decodes to the truthy `vim.NIL`).
local function text_of(value)
  return type(value) == 'string' and value or nil
end

--- One line describing a status, for messages and statuslines.
function M.describe_status(status)
  if not status then
    return 'no status reported yet'
  end
  local text
  if status.catalog == 'live' then
    text = 'catalog live from ' .. (text_of(status.target) or 'the database')
  elseif status.catalog == 'cached' then
    local age = format_age(status.snapshotAgeSeconds)
    text = 'catalog cached from ' .. (text_of(status.snapshot) or 'a snapshot') .. (age and (' (' .. age .. ' old)') or '')
  else
    text = 'no catalog'
  end
  if type(status.sandbox) == 'string' then
    text = text .. '; sandbox ' .. status.sandbox
  end
  if type(status.problem) == 'string' then
    text = text .. '; ' .. status.problem
  end
  return text
end

--- Sends `workspace/executeCommand` and reports the server's answer with `vim.notify`.
--- `on_done(err, result)` is called after the report, if given.
function M.execute(command, arguments, on_done)
  local client = M.clients()[1]
  if not client then
    notify('the server is not running (open a file under amplify/)', vim.log.levels.WARN)
    return
  end
  if not vim.tbl_contains(M.server_commands(client), command) then
    notify(
      ('the server does not offer %s (it offers: %s)'):format(command, table.concat(M.server_commands(client), ', ')),
      vim.log.levels.WARN
    )
    return
  end
  local params = { command = command, arguments = arguments }
  client:request('workspace/executeCommand', params, function(err, result)
    if err then
      notify(('%s failed: %s'):format(command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) == 'string' then
      notify(result)
    elseif type(result) == 'table' and type(result.message) == 'string' then
      notify(result.message)
    else
      notify(command .. ': done')
    end
    if on_done then
      on_done(err, result)
    end
  end, vim.api.nvim_get_current_buf())
end

--- The action whose words start `args`, and the remaining arguments.
local function find_action(args)
  for _, action in ipairs(M.actions) do
    local matches = #args >= #action.words
    for i, word in ipairs(action.words) do
      matches = matches and args[i] == word
    end
    if matches then
      return action, vim.list_slice(args, #action.words + 1)
    end
  end
  return nil, nil
end

--- `:Schemals SUBCOMMAND [ARGS]`.
function M.command(args)
  local sub = args[1]
  if sub == nil or sub == 'status' then
    local clients = M.clients()
    if #clients == 0 then
      notify('not running (it attaches to files under an amplify/ folder)')
    else
      for _, client in ipairs(clients) do
        notify(('%s: %s'):format(client.root_dir or '?', M.describe_status(statuses[client.id])))
      end
    end
    return
  elseif sub == 'log' then
    local log_path = vim.lsp.log and vim.lsp.log.get_filename and vim.lsp.log.get_filename() or vim.lsp.get_log_path()
    vim.cmd.tabnew(vim.fn.fnameescape(log_path))
    return
  elseif sub == 'restart' then
    local clients = vim.lsp.get_clients({ name = 'schemals' })
    for _, client in ipairs(clients) do
      client:stop()
    end
    -- Enabling again attaches a new client to every matching buffer, once the old ones are gone.
    vim.lsp.enable('schemals', false)
    local function again()
      for _, client in ipairs(clients) do
        if not client:is_stopped() then
          return vim.defer_fn(again, 50)
        end
      end
      vim.lsp.enable('schemals')
    end
    again()
    return
  elseif sub == 'run' then
    if not args[2] then
      notify('usage: :Schemals run COMMAND_ID (one of: ' .. table.concat(M.server_commands(M.clients()[1]), ', ') .. ')')
      return
    end
    M.execute(args[2], vim.list_slice(args, 3))
    return
  end
  local action, rest = find_action(args)
  if not action then
    notify(('unknown subcommand %q; see :help schemals'):format(table.concat(args, ' ')), vim.log.levels.ERROR)
    return
  end
  local arguments, problem = {}, nil
  if action.arguments then
    arguments, problem = action.arguments(rest)
    if not arguments then
      notify(problem, vim.log.levels.WARN)
      return
    end
  end
  M.execute(action.command, arguments)
end

--- Completion of `:Schemals`: only the subcommands whose server command the running server offers.
function M.complete(arg_lead, cmdline)
  local words = vim.split(cmdline, '%s+', { trimempty = true })
  -- The words typed before the one being completed, without the command name.
  local typed = vim.list_slice(words, 2, arg_lead == '' and #words or #words - 1)
  local offered = M.server_commands(M.clients()[1])
  local candidates = {}
  if #typed == 0 then
    vim.list_extend(candidates, LOCAL_SUBCOMMANDS)
  end
  for _, action in ipairs(M.actions) do
    if vim.tbl_contains(offered, action.command) then
      local prefix_matches = #typed < #action.words
      for i = 1, #typed do
        prefix_matches = prefix_matches and action.words[i] == typed[i]
      end
      if prefix_matches then
        table.insert(candidates, action.words[#typed + 1])
      end
    end
  end
  if #typed == 1 and typed[1] == 'run' then
    candidates = vim.deepcopy(offered)
  end
  candidates = vim.fn.uniq(vim.fn.sort(candidates))
  return vim.tbl_filter(function(c)
    return vim.startswith(c, arg_lead)
  end, candidates)
end

return M
