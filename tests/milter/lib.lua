-- lib.lua: helpers shared by the miltertest scripts.
-- Globals set by the driver with -D: sock (milter socket), dir (this
-- directory), and per script eml / expect files.
-- Every script calls run(function() ... end): errors are printed, not lost,
-- and the last line is "N passed, M failed".

passed, failed = 0, 0

function check(name, cond)
	if cond then
		passed = passed + 1
		mt.echo("ok " .. name)
	else
		failed = failed + 1
		mt.echo("FAIL " .. name)
	end
end

function run(body)
	local ok, err = pcall(body)
	if not ok then
		failed = failed + 1
		mt.echo("FAIL lua error: " .. tostring(err))
	end
	mt.echo(passed .. " passed, " .. failed .. " failed")
end

function readfile(path)
	local f = assert(io.open(path, "rb"))
	local s = f:read("*a")
	f:close()
	return s
end

-- connect and negotiate, then send the steps the milter did not skip
function open_conn()
	-- replies can take long on a loaded machine (2 cores, sanitizer builds
	-- beside): a read timeout is not what these scripts test
	mt.set_timeout(120)
	local conn = mt.connect(sock, 20, 0.1)
	assert(conn, "cannot connect to " .. tostring(sock))
	assert(mt.negotiate(conn, nil, nil, nil) == nil, "negotiate failed")
	if not mt.test_option(conn, SMFIP_NOCONNECT) then
		assert(mt.conninfo(conn, "localhost", "127.0.0.1") == nil)
	end
	if not mt.test_option(conn, SMFIP_NOHELO) then
		assert(mt.helo(conn, "client.test.invalid") == nil)
	end
	return conn
end

-- split an .eml into header fields {name, value} and a CRLF body
function parse_eml(text, leadspc)
	local sep = text:find("\r?\n\r?\n")
	local head, body
	if sep then
		local _, e = text:find("\r?\n\r?\n")
		head, body = text:sub(1, sep - 1), text:sub(e + 1)
	else
		head, body = text, ""
	end
	local fields = {}
	for line in (head .. "\n"):gmatch("([^\n]*)\n") do
		line = line:gsub("\r$", "")
		if line:match("^[ \t]") and #fields > 0 then
			local f = fields[#fields]
			f[2] = f[2] .. "\r\n" .. line
		elseif line ~= "" then
			local n, v = line:match("^([^:]+):(.*)$")
			if n then
				if not leadspc then v = v:gsub("^[ \t]+", "") end
				fields[#fields + 1] = {n, v}
			end
		end
	end
	body = body:gsub("\r\n", "\n"):gsub("\n", "\r\n")
	return fields, body
end

-- MAIL, RCPT(s), DATA; returns the reply to DATA
function envelope(conn, from, rcpts)
	assert(mt.mailfrom(conn, from) == nil, "mailfrom")
	for _, r in ipairs(rcpts) do
		assert(mt.rcptto(conn, r) == nil, "rcptto " .. r)
	end
	if mt.test_option(conn, SMFIP_NODATA) then
		return SMFIR_CONTINUE
	end
	assert(mt.data(conn) == nil, "data")
	return mt.getreply(conn)
end

-- headers, end of headers, body in chunks of at most 65535 bytes
function send_content(conn, fields, body)
	for _, f in ipairs(fields) do
		assert(mt.header(conn, f[1], f[2]) == nil, "header " .. f[1])
	end
	if not mt.test_option(conn, SMFIP_NOEOH) then
		assert(mt.eoh(conn) == nil, "eoh")
	end
	local i = 1
	while i <= #body do
		assert(mt.bodystring(conn, body:sub(i, i + 65534)) == nil, "body")
		i = i + 65535
	end
end

-- expectations written by the driver from `support-milter --test`
function read_expect(path)
	local e = {hdrs = {}}
	for line in io.lines(path) do
		local k, v = line:match("^([%w_]+)=(.*)$")
		if k == "hdr" then
			local n, val = v:match("^([^\t]+)\t(.*)$")
			e.hdrs[#e.hdrs + 1] = {n, val}
		elseif k then
			e[k] = v
		end
	end
	return e
end

-- the verdict of the last eom against the --test expectation
function check_eom(conn, e, label)
	local rej = e.action == "reject" or e.action == "tempfail"
	if rej and #e.text > 400 then
		-- wrapped into a multi-line reply, which MT_SMTPREPLY cannot match:
		-- the reply is set; tests/postfix.t checks its text as clients see it
		check(label .. ": multi-line SMTP reply set", mt.getreply(conn) == SMFIR_REPLYCODE)
		return
	elseif rej then
		check(label .. ": SMTP reply " .. e.code .. " " .. e.xcode,
		      mt.eom_check(conn, MT_SMTPREPLY, e.code, e.xcode, e.text))
		return
	end
	if e.action == "discard" then
		check(label .. ": discarded", mt.getreply(conn) == SMFIR_DISCARD)
		return
	end
	check(label .. ": accepted (" .. e.action .. ")",
	      mt.getreply(conn) == SMFIR_ACCEPT or mt.getreply(conn) == SMFIR_CONTINUE)
	if e.body and e.body ~= "" then
		local b = readfile(e.body)
		check(label .. ": body replaced as --test says", mt.eom_check(conn, MT_BODYCHANGE, b))
	else
		check(label .. ": body not replaced", not mt.eom_check(conn, MT_BODYCHANGE))
	end
	for _, h in ipairs(e.hdrs) do
		local got = mt.getheader(conn, h[1], 0)
		check(label .. ": header " .. h[1],
		      got ~= nil and got:gsub("^[ \t]+", "") == h[2]:gsub("^[ \t]+", ""))
	end
end

-- one complete message from an .eml file, checked against its expectation
function message(conn, from, rcpts, eml, expect, label)
	local leadspc = mt.test_option(conn, SMFIP_HDR_LEADSPC)
	local fields, body = parse_eml(readfile(eml), leadspc)
	local r = envelope(conn, from, rcpts)
	check(label .. ": DATA continues", r == SMFIR_CONTINUE)
	send_content(conn, fields, body)
	assert(mt.eom(conn) == nil, "eom")
	check_eom(conn, read_expect(expect), label)
end
