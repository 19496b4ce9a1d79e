/* scan.c - placeholder until the pipeline lands (issue 2): accepts unchanged. */
#include "policy.h"

#include <string.h>
#include <unistd.h>

struct sm_result {
	sm_verdict v;
	GBytes *msg;
};

sm_result *sm_scan_mem(sm_policy *p, const void *buf, size_t len, const sm_envelope *env,
		       time_t now)
{
	sm_result *r = g_new0(sm_result, 1);

	r->msg = g_bytes_new(buf, len);
	return r;
}

sm_result *sm_scan_fd(sm_policy *p, int fd, const sm_envelope *env, time_t now)
{
	GByteArray *a = g_byte_array_new();
	char buf[65536];
	ssize_t n;
	sm_result *r;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_byte_array_append(a, (guint8 *)buf, n);
	r = sm_scan_mem(p, a->data, a->len, env, now);
	g_byte_array_free(a, TRUE);
	return r;
}

void sm_result_free(sm_result *r)
{
	if (!r)
		return;
	g_bytes_unref(r->msg);
	g_free(r);
}

sm_verdict sm_result_verdict(const sm_result *r) { return r->v; }
void sm_result_reply(const sm_result *r, const char **c, const char **x, const char **t)
{
	*c = *x = *t = NULL;
}
bool sm_result_failed(const sm_result *r) { return false; }
size_t sm_result_header_count(const sm_result *r) { return 0; }
void sm_result_header(const sm_result *r, size_t i, char *op, const char **name,
		      const char **value, int *index) {}
const char *const *sm_result_add_rcpts(const sm_result *r)
{
	static const char *const none[] = {NULL};
	return none;
}
bool sm_result_body_changed(const sm_result *r) { return false; }
int sm_result_write_body(const sm_result *r, sm_write_fn fn, void *ud) { return 0; }
int sm_result_write_message(const sm_result *r, sm_write_fn fn, void *ud)
{
	gsize n;
	const void *d = g_bytes_get_data(r->msg, &n);
	return fn(ud, d, n);
}
char *sm_result_json(const sm_result *r) { return g_strdup("{\"action\":\"accept\",\"findings\":[]}"); }
char *sm_result_audit_json(const sm_result *r, const sm_envelope *env, time_t now)
{
	return g_strdup("{}");
}
char *sm_result_summary(const sm_result *r) { return g_strdup("accept"); }
