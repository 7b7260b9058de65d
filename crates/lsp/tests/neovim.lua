-- Driven by neovim.rs: Neovim's own LSP client (0.7+) opens a fixture module, waits for
-- the evaluation, and writes what hover and completion answer to $RNIX_LSP_OUT.
local root = os.getenv('RNIX_LSP_ROOT')
local out = io.open(os.getenv('RNIX_LSP_OUT'), 'w')
local loaded = nil
local client_id = vim.lsp.start_client({
  cmd = { os.getenv('RNIX_LSP_BIN') },
  root_dir = root,
  init_options = { debounceMs = 0, timeoutMs = 20000 },
  handlers = { ['rnix-eval/loaded'] = function(_, result) loaded = result end },
})
vim.cmd('edit ' .. root .. '/hosts/web.nix')
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
vim.wait(120000, function() return loaded ~= nil end, 50)
out:write('loaded ' .. tostring(loaded and loaded.host) .. '\n')

local function find(pattern)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = l:find(pattern, 1, true)
    if col then return i - 1, col - 1 end
  end
end
local function request(method, position)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position }
  local replies = vim.lsp.buf_request_sync(buf, method, params, 30000)
  for _, r in pairs(replies or {}) do return r.result end
end

local line, col = find('greeting =')
local hover = request('textDocument/hover', { line = line, character = col + 1 })
if hover then out:write('hover ' .. hover.contents.value:gsub('\n', ' ') .. '\n') end

local enable = find('enable = true;')
vim.api.nvim_buf_set_lines(buf, enable + 1, enable + 1, false, { '      gre' })
-- Neovim sends the change after its debounce; ask until the server has seen it.
local items
vim.wait(30000, function()
  items = request('textDocument/completion', { line = enable + 1, character = 9 })
  items = (items and items.items) or items or {}
  return #items > 0
end, 200)
for _, item in ipairs(items) do
  out:write('completion ' .. item.label .. '\n')
end
out:close()
vim.cmd('qa!')
