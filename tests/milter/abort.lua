-- abort.lua: a message aborted half-way (after part of its body), then a
-- good message on the same connection: nothing of the first may leak into
-- the second (-D eml/expect: the second; -D eml1: the aborted one).
dofile(dir .. "/lib.lua")
run(function()
	local conn = open_conn()
	local leadspc = mt.test_option(conn, SMFIP_HDR_LEADSPC)
	local fields, body = parse_eml(readfile(eml1), leadspc)
	check("aborted: DATA continues",
	      envelope(conn, "<user@example.co.jp>", {"<supportmail@microsoft.com>"}) == SMFIR_CONTINUE)
	send_content(conn, fields, body:sub(1, #body // 2))
	assert(mt.abort(conn) == nil, "abort")
	message(conn, "<user@example.co.jp>", {"<supportmail@microsoft.com>"}, eml, expect,
		"after abort")
	-- an abort during the envelope, then again a whole message
	assert(mt.mailfrom(conn, "<x@example.co.jp>") == nil)
	assert(mt.rcptto(conn, "<supportmail@microsoft.com>") == nil)
	assert(mt.abort(conn) == nil, "abort")
	message(conn, "<user@example.co.jp>", {"<supportmail@microsoft.com>"}, eml, expect,
		"after envelope abort")
	mt.disconnect(conn)
end)
