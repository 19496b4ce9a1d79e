/*
 * scan_warm.c - what the first scan in a process builds, built ahead
 * (sm_scan_warm, scan.h).
 *
 * The first scan of a process builds tables and patterns once for the
 * process: the iconv modules and single-byte tables of the charsets it
 * meets, the detectors' patterns compiled on first use, GMime's set-up.
 * That was 14.7 M instructions with the CP932 table built from iconv (now
 * generated: cp932_table.c), about 6 M without it (docs/performance.md
 * section 5).  A daemon that forks
 * scanning workers calls sm_scan_warm once in the parent, so no worker pays
 * for it on its first message; the children share the pages.
 *
 * Untrusted input: none (the message below is built in: ISO-2022-JP,
 * Shift_JIS in base64, EUC-JP, UTF-8 HTML in quoted-printable and
 * windows-1252 parts, RFC 2047 words in three charsets, and synthetic
 * values that start the card, password and cloud-key detectors: a test card
 * number and AWS's documented example key).  Limits: one scan.
 */
#include "scan_int.h"

static const char warm_msg[] =
	"From: =?Shift_JIS?B?jlKTYw==?= <warm@example.invalid>\r\n"
	"To: support@example.invalid\r\n"
	"Subject: =?ISO-2022-JP?B?GyRCN29MPhsoQg==?= =?UTF-8?B?44OG44K544OI?=\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=\"b\"\r\n"
	"\r\n"
	"--b\r\n"
	"Content-Type: text/plain; charset=ISO-2022-JP\r\n"
	"Content-Transfer-Encoding: 7bit\r\n"
	"\r\n"
	"\x1b$B%Q%9%o!<%I\x1b(B: Wm9#warmup1 \x1b$B%+!<%IHV9f\x1b(B 4111 1111 1111 1111\r\n"
	"--b\r\n"
	"Content-Type: text/plain; charset=Shift_JIS\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"gqiW4oKijYeC7YK5ILbeIEFLSUFJT1NGT0ROTjdFWEFNUExFIIdAh4oggqiW4oKijYeC7YK5ILbeIEFLSUFJT1NGT0ROTjdFWEFNUExFIIdAh4og\r\n"
	"--b\r\n"
	"Content-Type: text/plain; charset=EUC-JP\r\n"
	"Content-Transfer-Encoding: 8bit\r\n"
	"\r\n"
	"\xc8\xeb\xcc\xa9\xb8\xb0 -----BEGIN PRIVATE KEY----- \xbd\xaa\xa4\xef\xa4\xea\r\n"
	"--b\r\n"
	"Content-Type: text/html; charset=UTF-8\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"<p>=E6=97=A5=E6=9C=AC=E8=AA=9E=E3=81=AE<b>=E6=9C=AC=E6=96=87</b>&amp; Windo=\r\n"
	"wsDefenderATPOnboardingScript.cmd</p>\r\n"
	"--b\r\n"
	"Content-Type: text/plain; charset=windows-1252\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"caf=E9 na=EFve\r\n"
	"--b--\r\n";

int sm_scan_warm(sm_policy *p)
{
	/* no envelope: scanned as support mail, every stage runs */
	sm_result *r = sm_scan_mem(p, warm_msg, sizeof(warm_msg) - 1, NULL, (time_t)1733011200);
	/* its synthetic values found: the detectors ran */
	int rc = !r->failed && r->findings->len > 0 ? 0 : -1;

	sm_result_free(r);
	return rc;
}
