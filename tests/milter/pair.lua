-- pair.lua: two support messages on one connection (-D eml/expect, then
-- eml2/expect2): the second is answered whatever happened to the first.
dofile(dir .. "/lib.lua")
run(function()
	local conn = open_conn()
	message(conn, "<u@example.co.jp>", {"<supportmail@microsoft.com>"}, eml, expect, "first")
	message(conn, "<u@example.co.jp>", {"<supportmail@microsoft.com>"}, eml2, expect2, "second")
	mt.disconnect(conn)
end)
