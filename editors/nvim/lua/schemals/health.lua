--- `:checkhealth schemals`: the Neovim version, the server binary, the running clients and their catalog,
--- and what SQL highlighting inside inlineSql strings needs.
local M = {}

function M.check()
  local health = vim.health
  local schemals = require('schemals')

  health.start('Neovim')
  if vim.fn.has('nvim-0.11') == 1 and vim.lsp.config ~= nil then
    health.ok('Neovim ' .. tostring(vim.version()) .. ' has vim.lsp.config')
  else
    health.error('Neovim 0.11 or newer is needed (vim.lsp.config, vim.lsp.enable)')
  end

  health.start('Server')
  local config = vim.lsp.config and vim.lsp.config.schemals
  local cmd = config and type(config.cmd) == 'table' and config.cmd or { schemals.find_binary() or 'schemals' }
  local binary = cmd[1]
  if vim.fn.executable(binary) ~= 1 then
    health.error(('%s is not executable'):format(binary), {
      'Install it: `cargo install --path server/schemals` from the schemals repository',
      "or pass its path: require('schemals').setup({ cmd = { '/path/to/schemals', 'serve' } })",
    })
  else
    local result = vim.system({ binary, '--version' }, { text = true }):wait(10000)
    local version = vim.trim(result.stdout or '')
    if result.code == 0 and vim.startswith(version, 'schemals') then
      health.ok(('%s (%s)'):format(binary, version))
    else
      health.error(('%s --version failed (exit %s): %s'):format(binary, tostring(result.code), vim.trim(result.stderr or '')))
    end
  end
  if vim.lsp.is_enabled and not vim.lsp.is_enabled('schemals') then
    health.warn("the server is not enabled", { "call require('schemals').setup() or vim.lsp.enable('schemals')" })
  end

  local clients = vim.lsp.get_clients({ name = 'schemals' })
  if #clients == 0 then
    health.info('no schemals client is running (it attaches to files under an amplify/ folder)')
  end
  for _, client in ipairs(clients) do
    health.ok(('client %d, project %s'):format(client.id, client.root_dir or '?'))
    health.info('server commands: ' .. table.concat(schemals.server_commands(client), ', '))
    local status = schemals.status(client)
    local line = schemals.describe_status(status)
    if status and type(status.problem) == 'string' then
      health.warn(line)
    elseif status and status.catalog == 'none' then
      health.warn(line, { 'commit amplify/data/schemals-catalog.json, or set the database URL (see :help schemals)' })
    else
      health.info(line)
    end
  end

  health.start('SQL highlighting in inlineSql strings')
  for _, lang in ipairs({ 'typescript', 'sql' }) do
    local ok = pcall(vim.treesitter.language.add, lang)
    if ok then
      health.ok(('tree-sitter parser %s'):format(lang))
    else
      health.warn(('no tree-sitter parser for %s'):format(lang), { ('nvim-treesitter: :TSInstall %s'):format(lang) })
    end
  end
  local files = vim.api.nvim_get_runtime_file('queries/typescript/injections.scm', true)
  local ours = vim.tbl_filter(function(f)
    local ok, lines = pcall(vim.fn.readfile, f)
    return ok and table.concat(lines, '\n'):find('inlineSql', 1, true) ~= nil
  end, files)
  if #ours > 0 then
    health.ok('injection query: ' .. ours[1])
  else
    health.warn('the schemals injection query is not on the runtimepath', { 'add this plugin to the runtimepath' })
  end
  health.info('the server also sends semantic tokens, which color SQL inside inlineSql without tree-sitter')
end

return M
