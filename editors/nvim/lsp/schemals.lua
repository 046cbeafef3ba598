-- The default configuration of the schemals server, read by `vim.lsp.enable('schemals')` (Neovim 0.11+).
-- `require('schemals').setup(opts)` overrides it.
return require('schemals').config()
