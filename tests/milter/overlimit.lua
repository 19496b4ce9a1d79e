-- overlimit.lua: a message over max_message_bytes gets the configured
-- on_permanent_limit action (reject with 552 5.3.4 by default: the same
-- message fails the same way again), one too large for a scanner worker a
-- transient 451 4.3.0 (code and xcode say which), with a clear reply,
-- and the next message on the connection is scanned normally.
dofile(dir .. "/lib.lua")
run(function()
	local conn = open_conn()
	local r = envelope(conn, "<u@example.co.jp>", {"<supportmail@microsoft.com>"})
	check("big: DATA continues", r == SMFIR_CONTINUE)
	local line = string.rep("x", 998) .. "\r\n"
	local chunk = string.rep(line, 60)
	send_content(conn, {{"Subject", " big"}, {"From", " u@example.co.jp"}}, "")
	for i = 1, tonumber(chunks) do
		assert(mt.bodystring(conn, chunk) == nil, "body")
	end
	assert(mt.eom(conn) == nil, "eom")
	local want, xwant = code or "552", xcode or "5.3.4"
	check("big: " .. want .. " " .. xwant .. " (the limit's action)",
	      mt.eom_check(conn, MT_SMTPREPLY, want, xwant,
			   "Message too complex to scan for confidential data (limit exceeded)"))
	message(conn, "<user@example.co.jp>", {"<supportmail@microsoft.com>"}, eml, expect,
		"after the big one")
	mt.disconnect(conn)
end)
