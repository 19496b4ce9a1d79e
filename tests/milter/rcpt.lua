-- rcpt.lua: is mail to -D rcpt=ADDR support mail for the running policy?
-- -D want=continue (it is: DATA continues) or want=accept (accepted at DATA).
dofile(dir .. "/lib.lua")
run(function()
	local conn = open_conn()
	local r = envelope(conn, "<a@example.co.jp>", {"<" .. rcpt .. ">"})
	local expect = want == "continue" and SMFIR_CONTINUE or SMFIR_ACCEPT
	check(rcpt .. ": " .. want .. " at DATA", r == expect)
	mt.disconnect(conn)
end)
