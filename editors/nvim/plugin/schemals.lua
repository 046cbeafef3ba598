-- schemals: the :Schemals command. The server itself is configured by `require('schemals').setup()` or,
-- with the defaults, by `vim.lsp.enable('schemals')` (which reads lsp/schemals.lua from this plugin).
if vim.g.loaded_schemals then
  return
end
vim.g.loaded_schemals = true

vim.api.nvim_create_user_command('Schemals', function(command)
  require('schemals').command(command.fargs)
end, {
  nargs = '*',
  desc = 'schemals: generate, refresh, deploy, sandbox start|stop, pipeline-deploy, secret, status, run, log, restart',
  complete = function(arg_lead, cmdline)
    return require('schemals').complete(arg_lead, cmdline)
  end,
})
