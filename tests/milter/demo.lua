-- demo.lua: show what the daemon asks the MTA to do with one message
-- (-D eml=FILE): used by `make demo`, not by the test suite.
dofile(dir .. "/lib.lua")
run(function()
	local conn = open_conn()
	local fields, body = parse_eml(readfile(eml), mt.test_option(conn, SMFIP_HDR_LEADSPC))
	local r = envelope(conn, "<user@example.co.jp>", {"<supportmail@microsoft.com>"})
	send_content(conn, fields, body)
	assert(mt.eom(conn) == nil, "eom")
	r = mt.getreply(conn)
	local what = {[SMFIR_ACCEPT] = "accept", [SMFIR_CONTINUE] = "accept",
		      [SMFIR_REPLYCODE] = "reply code set (reject/tempfail)",
		      [SMFIR_DISCARD] = "discard", [SMFIR_REJECT] = "reject",
		      [SMFIR_TEMPFAIL] = "tempfail"}
	mt.echo("  end of message: " .. (what[r] or tostring(r)))
	mt.echo("  body replaced:  " .. tostring(mt.eom_check(conn, MT_BODYCHANGE)))
	for _, h in ipairs({"X-Support-SR", "X-Support-Findings", "X-Support-Resolution"}) do
		local v = mt.getheader(conn, h, 0)
		if v then mt.echo("  header added:   " .. h .. ":" .. v) end
	end
	mt.disconnect(conn)
end)
