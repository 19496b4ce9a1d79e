-- multi.lua: several messages on one connection, alternating support mail
-- (-D eml/expect and eml2/expect2) with unrelated mail.
dofile(dir .. "/lib.lua")
run(function()
	local conn = open_conn()
	for i = 1, 3 do
		message(conn, "<u@example.co.jp>", {"<supportmail@microsoft.com>"}, eml, expect,
			"round " .. i .. " first")
		local r = envelope(conn, "<u@example.co.jp>", {"<x@example.net>"})
		check("round " .. i .. " unrelated: accepted at DATA", r == SMFIR_ACCEPT)
		message(conn, "<u@example.co.jp>", {"<x@example.net>", "<support@example.com>"},
			eml2, expect2, "round " .. i .. " second")
	end
	mt.disconnect(conn)
end)
