-- nvim_e2e.lua -- the project's Neovim plugin in a real, headless Neovim, against the real schemals binary
-- on a copy of examples/notes-events. Run by run.sh (suite nvim):
--   nvim --headless --clean -l nvim_e2e.lua --plugin DIR --parsers DIR --repo DIR --server BIN --project DIR --out FILE
-- Prints one PASS/FAIL line per check and "N passed, N failed"; exit 1 if any failed.

local opts = {}
do
  local argv = _G.arg or {}
  for i = 1, #argv - 1, 2 do
    opts[argv[i]:gsub('^%-%-', '')] = argv[i + 1]
  end
end
local TIMEOUT = tonumber(opts.timeout or '20000')

local passed, failed = 0, 0
local report = {}
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
  end
  table.insert(report, { name = name, ok = ok and true or false, detail = detail })
  io.stdout:write(('%s %s%s\n'):format(ok and 'PASS' or 'FAIL', name, ok and '' or (': ' .. vim.inspect(detail))))
  io.stdout:flush()
end

local function finish()
  if opts.out then
    local f = io.open(opts.out, 'w')
    if f then
      f:write(vim.json.encode(report))
      f:close()
    end
  end
  io.stdout:write(('%d passed, %d failed\n'):format(passed, failed))
  io.stdout:flush()
  os.exit(failed == 0 and passed > 0 and 0 or 1)
end

--- The 0-based (line, byte column) of the first `needle` in `buf`, plus `shift` bytes.
local function find(buf, needle, shift)
  for n, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = text:find(needle, 1, true)
    if s then
      return n - 1, s - 1 + (shift or 0)
    end
  end
  error('not in the buffer: ' .. needle)
end

-- Everything the plugin reports goes through vim.notify: keep it.
local notes = {}
vim.notify = function(message, level)
  table.insert(notes, { message = message, level = level })
end
local function wait_note(pattern)
  local found
  vim.wait(TIMEOUT, function()
    for _, n in ipairs(notes) do
      if n.message:find(pattern) then
        found = n
        return true
      end
    end
    return false
  end, 20)
  return found
end

local ok_all, err = xpcall(function()
  local project = vim.fn.fnamemodify(opts.project, ':p'):gsub('/$', '')
  local resource = project .. '/amplify/data/resource.ts'
  local snapshot = project .. '/amplify/data/schemals-catalog.json'

  -- The plugin as a user installs it: on the runtimepath, its plugin/ file sourced, setup() called.
  vim.opt.runtimepath:prepend(opts.plugin)
  vim.opt.runtimepath:append(opts.parsers)
  for _, f in ipairs(vim.fn.glob(opts.plugin .. '/plugin/*.lua', true, true)) do
    vim.cmd.source(vim.fn.fnameescape(f))
  end
  vim.cmd('filetype on')
  require('schemals').setup({ cmd = { opts.server, 'serve' } })

  -- 1. attaches to amplify/data/resource.ts
  vim.cmd.edit(vim.fn.fnameescape(resource))
  local buf = vim.api.nvim_get_current_buf()
  local client
  vim.wait(TIMEOUT, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'schemals' })[1]
    return client ~= nil and client.initialized
  end, 20)
  check('attaches to amplify/data/resource.ts', client ~= nil and client.root_dir == project, {
    root_dir = client and client.root_dir,
    filetype = vim.bo[buf].filetype,
  })
  if not client then
    error('the server did not attach; the other checks need it')
  end

  -- 2. the deliberate mistake is reported exactly: code, message, range
  local function schema_errors()
    return vim.tbl_map(function(d)
      return { lnum = d.lnum, col = d.col, end_col = d.end_col, code = d.code, message = d.message, severity = d.severity }
    end, vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR }))
  end
  vim.wait(TIMEOUT, function()
    return #schema_errors() > 0
  end, 20)
  local errors = schema_errors()
  check('the mistake ownerDefinedIn(\'ownr\') is diagnosed', vim.deep_equal(errors, {
    { lnum = 8, col = 63, end_col = 67, code = 'auth-field-missing', message = "Field ownr isn't defined.", severity = 1 },
  }), errors)

  -- 3. SQL inside the inlineSql string: the injected language, and completion of catalog tables
  local parser = vim.treesitter.get_parser(buf, 'typescript')
  parser:parse(true)
  local sql_row, sql_col = find(buf, 'SELECT id, name')
  local lang_in = parser:language_for_range({ sql_row, sql_col, sql_row, sql_col + 1 }):lang()
  local ts_row, ts_col = find(buf, "'ownr'", 1)
  local lang_out = parser:language_for_range({ ts_row, ts_col, ts_row, ts_col + 1 }):lang()
  check('tree-sitter injects sql inside the inlineSql string, and not elsewhere', lang_in == 'sql' and lang_out == 'typescript', {
    inside = lang_in,
    outside = lang_out,
  })

  -- The editor-agnostic path: the server's semantic tokens mark the SQL keyword as a keyword.
  local semantic
  vim.wait(TIMEOUT, function()
    semantic = vim.lsp.semantic_tokens.get_at_pos(buf, sql_row, sql_col + 1)
    return semantic ~= nil and #semantic > 0
  end, 20)
  local semantic_types = vim.tbl_map(function(t)
    return t.type
  end, semantic or {})
  check('the server\'s semantic tokens mark SELECT inside inlineSql as a keyword', vim.deep_equal(semantic_types, { 'keyword' }),
    semantic)

  local from_row, from_col = find(buf, 'FROM events', #'FROM ')
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = from_row, character = from_col },
    context = { triggerKind = 1 },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, TIMEOUT) or {}
  local labels = {}
  for _, r in pairs(responses) do
    local items = r.result and (r.result.items or r.result) or {}
    for _, item in ipairs(items) do
      table.insert(labels, item.label)
    end
  end
  table.sort(labels)
  -- Every table and view of the committed snapshot (public schema).
  local catalog = vim.json.decode(table.concat(vim.fn.readfile(snapshot), '\n'))
  local relations = {}
  for _, t in ipairs(catalog.tables) do
    if t.schema == 'public' then
      table.insert(relations, t.name)
    end
  end
  table.sort(relations)
  local missing = vim.tbl_filter(function(r)
    return not vim.tbl_contains(labels, r)
  end, relations)
  check('completion after FROM inside inlineSql offers the catalog tables', #relations >= 3 and #missing == 0, {
    labels = labels,
    missing = missing,
  })

  -- 4. the DSL query of grammar/queries/amplify.scm finds the schema's landmarks
  local query_text = table.concat(vim.fn.readfile(opts.repo .. '/grammar/queries/amplify.scm'), '\n')
  local parsed_ok, query = pcall(vim.treesitter.query.parse, 'typescript', query_text)
  local captures = {}
  if parsed_ok then
    local tree = parser:trees()[1]
    for id, node in query:iter_captures(tree:root(), buf) do
      local name = query.captures[id]
      if not name:match('^_') then
        captures[name] = captures[name] or {}
        table.insert(captures[name], vim.treesitter.get_node_text(node, buf))
      end
    end
  end
  local function has(name, text)
    return captures[name] ~= nil and vim.tbl_contains(captures[name], text)
  end
  check('grammar/queries/amplify.scm finds types, fields, refs, renames, auth fields and inline SQL', parsed_ok
    and has('amplify.type.name', 'listEventWithCoord') and has('amplify.type.name', 'EventWithCoord')
    and has('amplify.field.name', 'latitude') and has('amplify.field.type', 'float')
    and has('amplify.ref.target', 'EventWithCoord') and has('amplify.rename.from', 'notes')
    and has('amplify.rename.to', 'Note') and has('amplify.model.reference', 'Note')
    and has('amplify.auth.strategy', 'ownerDefinedIn') and has('amplify.auth.field', 'ownr')
    and captures['amplify.sql.inline'] ~= nil and #captures['amplify.sql.inline'] == 1
    and captures['amplify.sql.inline'][1]:find('^`SELECT id, name') ~= nil,
    parsed_ok and captures or query)

  -- 5. an edit clears the diagnostic: ownr -> owner
  local row, col = find(buf, "'ownr'", 1)
  vim.api.nvim_buf_set_text(buf, row, col, row, col + #'ownr', { 'owner' })
  local cleared = vim.wait(TIMEOUT, function()
    return #schema_errors() == 0
  end, 20)
  check("the edit ownr -> owner clears the diagnostic", cleared, schema_errors())

  -- 6. a user command runs and reports back the server's answer
  vim.cmd('Schemals refresh')
  local note = wait_note('^schemals: ')
  check(':Schemals refresh runs schemals.refreshCatalog and reports its answer',
    note ~= nil and note.message == 'schemals: cached from ' .. snapshot, note or notes)

  -- 7. :Schemals status shows the catalog state the server reported (schemals/status)
  vim.wait(TIMEOUT, function()
    return require('schemals').status() ~= nil
  end, 20)
  notes = {}
  vim.cmd('Schemals status')
  local status_note = notes[1]
  check(':Schemals status shows the catalog state from schemals/status', status_note ~= nil
    and status_note.message:find('catalog cached from ' .. snapshot, 1, true) ~= nil, {
    note = status_note,
    status = require('schemals').status(),
  })

  -- 8. completion of :Schemals offers only what the server offers
  local offered = require('schemals').server_commands(client)
  local completed = vim.fn.getcompletion('Schemals ', 'cmdline')
  local expected = { 'log', 'restart', 'run', 'status' }
  for _, action in ipairs(require('schemals').actions) do
    if vim.tbl_contains(offered, action.command) then
      table.insert(expected, action.words[1])
    end
  end
  expected = vim.fn.uniq(vim.fn.sort(expected))
  check(':Schemals completion lists the subcommands of the commands the server offers',
    vim.deep_equal(completed, expected) and vim.tbl_contains(completed, 'refresh'), { completed = completed, offered = offered })

  -- 9. :checkhealth schemals
  vim.cmd('checkhealth schemals')
  io.stdout:write('\n') -- after the "Running healthchecks..." that checkhealth prints in headless mode
  local health = ''
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.bo[b].filetype == 'checkhealth' then
      health = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
    end
  end
  check(':checkhealth schemals finds the server and the running client',
    health:find('OK ' .. opts.server .. ' (schemals ', 1, true) ~= nil
      and health:find('OK client ' .. client.id .. ', project ' .. project, 1, true) ~= nil
      and health:find('OK tree-sitter parser sql', 1, true) ~= nil
      and health:find('catalog cached from ' .. snapshot, 1, true) ~= nil
      and health:find('WARNING', 1, true) == nil,
    health)

  -- 10. a TypeScript file outside amplify/ gets no schemals client
  vim.cmd.edit(vim.fn.fnameescape(project .. '/src/other.ts'))
  local other = vim.api.nvim_get_current_buf()
  vim.wait(2000)
  local attached = vim.lsp.get_clients({ bufnr = other, name = 'schemals' })
  check('does not attach to src/other.ts outside amplify/', vim.bo[other].filetype == 'typescript' and #attached == 0, {
    filetype = vim.bo[other].filetype,
    clients = #attached,
  })

  -- 11. :Schemals restart: the old server exits, a new one attaches to resource.ts
  vim.cmd.buffer(buf)
  vim.cmd('Schemals restart')
  local old_stopped = vim.wait(TIMEOUT, function()
    return client:is_stopped()
  end, 20)
  local new_client
  vim.wait(TIMEOUT, function()
    new_client = vim.lsp.get_clients({ bufnr = buf, name = 'schemals' })[1]
    return new_client ~= nil and new_client.id ~= client.id and new_client.initialized
  end, 20)
  check(':Schemals restart stops the server and attaches a new one', old_stopped and new_client ~= nil
    and new_client.id ~= client.id, { old_stopped = old_stopped, new_client = new_client and new_client.id })

  -- 12. the server exits on shutdown
  local last = new_client or client
  last:stop()
  check('the server exits after shutdown', vim.wait(TIMEOUT, function()
    return last:is_stopped()
  end, 20), nil)
end, debug.traceback)

if not ok_all then
  check('the run completes', false, err)
end
finish()
