-- nvim_snippet.lua -- the Neovim config snippet of editors/README.md ("nvim-lspconfig users"), run verbatim in a
-- headless Neovim without the plugin: it attaches the server to amplify/data/resource.ts, which reports the
-- deliberate mistake, and not to src/other.ts. `schemals` must be on PATH. Run by run.sh (suite nvim):
--   nvim --headless --clean -l nvim_snippet.lua --readme FILE --project DIR
-- Prints one PASS/FAIL line per check and "N passed, N failed"; exit 1 if any failed.

local opts = {}
do
  local argv = _G.arg or {}
  for i = 1, #argv - 1, 2 do
    opts[argv[i]:gsub('^%-%-', '')] = argv[i + 1]
  end
end
local TIMEOUT = 20000
local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
  end
  io.stdout:write(('%s %s%s\n'):format(ok and 'PASS' or 'FAIL', name, ok and '' or (': ' .. vim.inspect(detail))))
end

local ok_all, err = xpcall(function()
  -- The first ```lua block after the line naming nvim-lspconfig users.
  local readme = table.concat(vim.fn.readfile(opts.readme), '\n')
  local after = readme:sub((readme:find('**nvim-lspconfig users**', 1, true) or error('no snippet heading')))
  local snippet = after:match('```lua\n(.-)\n```') or error('no lua block after the heading')
  assert(load(snippet, 'README snippet'))()
  vim.cmd('filetype on')

  local project = vim.fn.fnamemodify(opts.project, ':p'):gsub('/$', '')
  vim.cmd.edit(vim.fn.fnameescape(project .. '/amplify/data/resource.ts'))
  local buf = vim.api.nvim_get_current_buf()
  local client
  vim.wait(TIMEOUT, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'schemals' })[1]
    return client ~= nil and client.initialized
  end, 20)
  local got = vim.wait(TIMEOUT, function()
    return #vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR }) > 0
  end, 20)
  local messages = vim.tbl_map(function(d)
    return d.message
  end, vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR }))
  check("the README's nvim-lspconfig snippet attaches to resource.ts and the mistake is reported",
    client ~= nil and client.root_dir == project and got and vim.deep_equal(messages, { "Field ownr isn't defined." }),
    { root = client and client.root_dir, messages = messages })

  vim.cmd.edit(vim.fn.fnameescape(project .. '/src/other.ts'))
  local other = vim.api.nvim_get_current_buf()
  vim.wait(2000)
  check("the README's nvim-lspconfig snippet does not attach to src/other.ts",
    vim.bo[other].filetype == 'typescript' and #vim.lsp.get_clients({ bufnr = other, name = 'schemals' }) == 0, nil)
  if client then
    client:stop()
    vim.wait(TIMEOUT, function()
      return client:is_stopped()
    end, 20)
  end
end, debug.traceback)
if not ok_all then
  check('the run completes', false, err)
end
io.stdout:write(('%d passed, %d failed\n'):format(passed, failed))
io.stdout:flush()
os.exit(failed == 0 and passed > 0 and 0 or 1)
