-- message.lua: one message (-D eml=FILE) to the support address, checked
-- against what `support-milter --test` says for it (-D expect=FILE): the
-- SMTP reply of a reject, the replaced body of a mask, the added headers.
dofile(dir .. "/lib.lua")
run(function()
	local conn = open_conn()
	message(conn, "<user@example.co.jp>", {"<supportmail@microsoft.com>"}, eml, expect, label)
	mt.disconnect(conn)
end)
