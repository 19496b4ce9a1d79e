/*
 * sandbox.c - what a scanner worker may do: the rlimits and the seccomp
 * filter it enters before its first message, and what the spawner loads
 * beforehand so that the sandbox never has to open a file.
 *
 * The worker holds the message, the spill file and its socket to the
 * daemon; it needs memory, reads, writes, and its clock.  The filter
 * allows those system calls and kills the process on any other (a socket,
 * a connect, an exec, a fork, a ptrace): a subverted parser can then do no
 * more than give a wrong answer for its message, which it could anyway.
 * open/openat fail with EACCES instead of killing (a library probing a
 * file takes its fallback); mmap and mprotect with PROT_EXEC fail with
 * EPERM (the PCRE2 JIT code is compiled in the spawner, before the fork,
 * and shared; a JIT compile inside the worker falls back to the
 * interpreter), so no page is ever both written and run here.
 * Limits: RLIMIT_AS (max_scan_memory / scan_workers: an archive bomb or a
 * GMime tree of 400,000 parts ends in a failed allocation, which aborts the
 * worker, never the daemon), RLIMIT_CORE 0, RLIMIT_NOFILE 64.
 */
#include "worker.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <iconv.h>
#include <linux/prctl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Descriptors a worker may hold: its socket, a request's two, the spill
 * duplicates of nested scans (bounded by max_depth), stdio. */
#define WORKER_NOFILE 64

static int limits(size_t mem, char *err, size_t errlen)
{
	struct rlimit as = {mem, mem}, zero = {0, 0}, nofile = {WORKER_NOFILE, WORKER_NOFILE}, cur;

#ifdef __SANITIZE_ADDRESS__
	(void)as; /* ASan's shadow memory is terabytes of address space: no limit */
	(void)cur;
#else
	/* a lower limit set from outside (systemd LimitAS=, prlimit) stays */
	if (getrlimit(RLIMIT_AS, &cur) == 0 && cur.rlim_max != RLIM_INFINITY &&
	    as.rlim_max > cur.rlim_max)
		as.rlim_cur = as.rlim_max = cur.rlim_max;
	if (setrlimit(RLIMIT_AS, &as) < 0) {
		snprintf(err, errlen, "setrlimit RLIMIT_AS: %s", strerror(errno));
		return -1;
	}
#endif
	if (setrlimit(RLIMIT_CORE, &zero) < 0 || setrlimit(RLIMIT_NOFILE, &nofile) < 0) {
		snprintf(err, errlen, "setrlimit: %s", strerror(errno));
		return -1;
	}
	return 0; /* RLIMIT_CPU is set per message (worker.c) */
}

/* System calls a scan makes.  A missing one kills a worker (logged: signal
 * 31), which the suites that run corpora through the daemon would show:
 * tests/milter.t, hostile_daemon.t, load.t, workers.t. */
static const int allowed[] = {
	SCMP_SYS(read),         SCMP_SYS(readv),       SCMP_SYS(pread64),
	SCMP_SYS(write),        SCMP_SYS(writev),      SCMP_SYS(pwrite64),
	SCMP_SYS(lseek),        SCMP_SYS(close),       SCMP_SYS(fstat),
	SCMP_SYS(fcntl),        SCMP_SYS(ftruncate),   SCMP_SYS(munmap),
	SCMP_SYS(mremap),       SCMP_SYS(madvise),     SCMP_SYS(brk),
	SCMP_SYS(recvmsg),      SCMP_SYS(sendmsg),     SCMP_SYS(futex),
	SCMP_SYS(exit),         SCMP_SYS(exit_group),  SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(nanosleep),    SCMP_SYS(clock_nanosleep), SCMP_SYS(getpid),
	SCMP_SYS(gettid),       SCMP_SYS(getrandom),   SCMP_SYS(getrusage),
	SCMP_SYS(getrlimit),    SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(restart_syscall),
};

/* Path lookups and opens: EACCES, as if every file were unreadable. */
static const int lookups[] = {
	SCMP_SYS(openat), SCMP_SYS(open),      SCMP_SYS(stat),       SCMP_SYS(lstat),
	SCMP_SYS(statx),  SCMP_SYS(access),    SCMP_SYS(faccessat),  SCMP_SYS(faccessat2),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat),
};

static int rule(scmp_filter_ctx f, uint32_t act, int sys, unsigned n, struct scmp_arg_cmp a)
{
	return n ? seccomp_rule_add(f, act, sys, 1, a) : seccomp_rule_add(f, act, sys, 0);
}

static int add_rules(scmp_filter_ctx f)
{
	struct scmp_arg_cmp none = {0};
	size_t i;
	int rc = 0;

	for (i = 0; i < G_N_ELEMENTS(allowed) && rc == 0; i++)
		rc = rule(f, SCMP_ACT_ALLOW, allowed[i], 0, none);
	if (rc == 0) /* fstat(fd) is newfstatat(fd, "", AT_EMPTY_PATH): no path */
		rc = rule(f, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
			  SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
	if (rc == 0)
		rc = rule(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			  SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = rule(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mmap), 1,
			  SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	if (rc == 0)
		rc = rule(f, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
			  SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = rule(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mprotect), 1,
			  SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	/* only this process's own RLIMIT_CPU (the per-message CPU share) */
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2,
				      SCMP_A0(SCMP_CMP_EQ, 0), SCMP_A1(SCMP_CMP_EQ, RLIMIT_CPU));
	/* abort() signals itself */
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	/* a path looked up (stat, access, a link read): refused, not killed.
	 * Libraries look files up lazily (glibc's time zone on libarchive's
	 * first mktime, for a zip member's time); they then go on without. */
	if (rc == 0)
		rc = rule(f, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(newfstatat), 1,
			  SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0));
	for (i = 0; i < G_N_ELEMENTS(lookups) && rc == 0; i++)
		rc = rule(f, SCMP_ACT_ERRNO(EACCES), lookups[i], 0, none);
	if (rc == 0)
		rc = rule(f, SCMP_ACT_ERRNO(ENOTTY), SCMP_SYS(ioctl), 0, none);
	return rc;
}

int sm_sandbox_enter(size_t mem, char *err, size_t errlen)
{
	scmp_filter_ctx f;
	int rc;

	if (limits(mem, err, errlen) < 0)
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "prctl: %s", strerror(errno));
		return -1;
	}
	f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!f) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	rc = add_rules(f);
	if (rc == 0)
		rc = seccomp_load(f);
	seccomp_release(f);
	if (rc != 0) {
		snprintf(err, errlen, "seccomp: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ preloading */

/* One charset converter module loaded for good (its descriptor is never
 * closed, so glibc keeps the module mapped for every later iconv_open). */
static void load_converter(const char *from)
{
	char *name = g_strdup(from);
	char *slash = strstr(name, "//");

	if (slash)
		*slash = '\0';
	if (*name && g_ascii_strcasecmp(name, "INTERNAL") != 0)
		(void)iconv_open("UTF-8", name);
	g_free(name);
}

/* "module FROM TO FILE COST" lines of one gconv-modules file. */
static void load_converters_in(const char *path)
{
	char *text = NULL, **lines, *const *l;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return;
	lines = g_strsplit(text, "\n", -1);
	for (l = lines; *l; l++) {
		char **w = g_strsplit_set(g_strstrip(*l), " \t", -1), **f = w;
		char *word[3] = {NULL, NULL, NULL};
		int k = 0;

		for (; *f && k < 3; f++)
			if (**f)
				word[k++] = *f;
		if (k == 3 && strcmp(word[0], "module") == 0)
			load_converter(word[1]);
		g_strfreev(w);
	}
	g_strfreev(lines);
	g_free(text);
}

/* Every converter glibc lists, found next to the libc that is loaded. */
static void load_converters(void)
{
	Dl_info di;
	char *dir, *gconv, *d_path;
	GDir *d;
	const char *name;

	if (!dladdr((void *)iconv_open, &di) || !di.dli_fname)
		return;
	dir = g_path_get_dirname(di.dli_fname);
	gconv = g_build_filename(dir, "gconv", NULL);
	d_path = g_build_filename(gconv, "gconv-modules", NULL);
	load_converters_in(d_path);
	g_free(d_path);
	d_path = g_build_filename(gconv, "gconv-modules.d", NULL);
	if ((d = g_dir_open(d_path, 0, NULL))) {
		while ((name = g_dir_read_name(d)))
			if (g_str_has_suffix(name, ".conf")) {
				char *f = g_build_filename(d_path, name, NULL);

				load_converters_in(f);
				g_free(f);
			}
		g_dir_close(d);
	}
	g_free(d_path);
	g_free(gconv);
	g_free(dir);
}

void sm_sandbox_preload(void)
{
	load_converters();
	/* The local time zone read once, here: with TZ naming the file, glibc
	 * does not look it up again (libarchive's mktime for zip member times),
	 * and GLib keeps its local zone while TZ stays the same. */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 1);
	tzset();
	g_time_zone_unref(g_time_zone_new_local());
}
