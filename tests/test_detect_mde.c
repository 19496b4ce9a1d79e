/*
 * test_detect_mde.c - Defender for Endpoint onboarding material: the signed
 * blob at one, two and three levels of escaping, the registry and plist
 * forms, the near misses that must stay clean, and file names.
 */
#include "detect.h"
#include "testutil.h"

static sm_detectors *D;

static unsigned mde_hits(const char *text)
{
	GArray *hits = g_array_new(FALSE, TRUE, sizeof(sm_hit));
	sm_view *v = sm_view_new_utf8(text, strlen(text));
	unsigned i, n = 0;
	int d = sm_detectors_match_name(D, "WindowsDefenderATPOnboardingScript.cmd");

	sm_detectors_scan(D, v, NULL, hits, 100);
	for (i = 0; i < hits->len; i++)
		n += g_array_index(hits, sm_hit, i).det == (unsigned)d;
	g_array_free(hits, TRUE);
	sm_view_free(v);
	return n;
}

/* JSON string escaping: \ -> \\, " -> \" */
static char *esc(const char *s)
{
	GString *g = g_string_new(NULL);

	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			g_string_append_c(g, '\\');
		g_string_append_c(g, *s);
	}
	return g_string_free(g, FALSE);
}

static const char *const BODY =
	"{\"previousOrgIds\":[],\"orgId\":\"3f1c2a9e-5b7d-4e21-9a0c-6d8e1f2b3c4d\","
	"\"geoLocationUrl\":\"https://winatp-gw-jpe.microsoft.com/\",\"datacenter\":\"JapanEast\","
	"\"version\":\"1.42\"}";

/* The blob as in a .onboarding file: the body is a JSON string inside JSON. */
static char *blob(bool with_sig)
{
	char *b = esc(BODY);
	char *r = g_strdup_printf("{\"body\":\"%s\"%s}", b,
				  with_sig ? ",\"sig\":\"QUJDREVGRw==\",\"sha256sig\":\"SElKS0xN\","
					     "\"cert\":\"TUlJRg==\",\"chain\":[\"TUlJRw==\"]"
					   : "");

	g_free(b);
	return r;
}

static void test_blob_levels(void)
{
	int sig;

	for (sig = 0; sig <= 1; sig++) {
		char *l1 = blob(sig), *e2 = esc(l1), *e3 = esc(e2);
		char *cmd = g_strdup_printf(
			"reg add \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat "
			"Protection\" /v OnboardingInfo /t REG_SZ /f /d \"%s\" >NUL", e2);
		char *py = g_strdup_printf("json_file.write('''{\n  \"onboardingInfo\": \"%s\"\n}''')",
					   e3);
		char *l2 = g_strdup_printf("value: \"%s\"", e2);

		g_assert_cmpuint(mde_hits(l1), ==, 1);
		g_assert_cmpuint(mde_hits(l2), ==, 1);
		g_assert_cmpuint(mde_hits(e3), ==, 1);
		g_assert_cmpuint(mde_hits(cmd), ==, 1);
		g_assert_cmpuint(mde_hits(py), ==, 1);
		g_free(l1), g_free(e2), g_free(e3), g_free(cmd), g_free(py), g_free(l2);
	}
}

static void test_strong_signals(void)
{
	g_assert_cmpuint(mde_hits("%windir%\\System32\\reg.exe add \"HKLM\\SOFTWARE\\Policies\\"
				  "Microsoft\\Windows Advanced Threat Protection\" /v OnboardingInfo "
				  "/t REG_SZ /f /d \"x\""), ==, 1);
	g_assert_cmpuint(mde_hits("reg add \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced "
				  "Threat Protection\" /v 696C1FA1-4030-4FA4-8713-FAF9B2EA7C0A /t "
				  "REG_SZ /f /d \"x\""), ==, 1);
	g_assert_cmpuint(mde_hits("<dict>\n<key>OnboardingInfo</key>\n<string>x</string>"), ==, 1);
	g_assert_cmpuint(mde_hits("destfile = '/etc/opt/microsoft/mdatp/mdatp_onboard.json'\n"
				  "{\"onboardingInfo\": \"x\"}"), ==, 1);
	g_assert_cmpuint(mde_hits("{\"sig\":\"a\",\"sha256sig\":\"b\",\"cert\":\"c\",\"chain\":[\"d\"]}"),
			 ==, 1);
}

static void test_near_misses(void)
{
	static const char *const clean[] = {
		"WindowsDefenderATPOnboardingScript.cmd は正常終了しましたが、ポータルに端末が表示されません。",
		"レジストリの OnboardingInfo 値 は存在します。",
		"OnboardingState : 1\nOrgId : 3f1c2a9e-5b7d-4e21-9a0c-6d8e1f2b3c4d",
		"Onboarding script failed: error 65 (insufficient privileges). See "
		"https://go.microsoft.com/fwlink/p/?linkid=822807",
		"reg query \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Advanced Threat Protection\" "
		"/v OnboardingInfo",
		"The gateway winatp-gw-jpe.microsoft.com is reachable; orgId is shown in the portal.",
		"We ran MicrosoftDefenderATPOnboardingLinuxServer.py and mdatp health shows org_id.",
		"The offboarding value 696C1FA1-4030-4FA4-8713-FAF9B2EA7C0A is still present.",
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(clean); i++) {
		unsigned n = mde_hits(clean[i]);

		if (n)
			g_test_message("near miss %zu reported", i);
		g_assert_cmpuint(n, ==, 0);
	}
}

static void test_names(void)
{
	static const char *const bad[] = {
		"WindowsDefenderATPOnboardingPackage.zip",
		"GatewayWindowsDefenderATPOnboardingPackage.zip",
		"windowsdefenderatponboardingscript.CMD",
		"WindowsDefenderATPLocalOnboardingScript.cmd",
		"WindowsDefenderATP.onboarding",
		"WindowsDefenderATP.offboarding",
		"MicrosoftDefenderATPOnboardingLinuxServer.py",
		"MicrosoftDefenderATPOnboardingMacOs.sh",
		"MicrosoftDefenderATPOnboardingMacOs.py",
		"WindowsDefenderATPOnboarding.xml",
		"WindowsDefenderATPOnboarding.plist",
		"com.microsoft.wdav.atp",
		"com.microsoft.wdav.atp.plist",
		"com.microsoft.wdav.atp.mobileconfig",
		"WindowsDefenderATPOffboardingScript_valid_until_2025-02-28.cmd",
		"WindowsDefenderATPOffboardingScript_valid_until_2031-12-01 (1).cmd",
		"DeviceComplianceOffboardingScript_valid_until_2025-02-28.cmd",
		"WindowsDefenderATPOffboardingPackage_valid_until_2025-02-28.zip",
		"MicrosoftDefenderATPOffboardingLinuxServer_valid_until_2025-02-28.py",
		"WindowsDefenderATPOnboardingScript - Copy.cmd",
		"WindowsDefenderATPOnboardingScript.cmd.txt",
		"C:\\Users\\a\\Downloads\\WindowsDefenderATPOnboardingPackage.zip",
		"pkg/WindowsDefenderATPOnboardingScript.cmd",
		"ＷｉｎｄｏｗｓＤｅｆｅｎｄｅｒＡＴＰＯｎｂｏａｒｄｉｎｇＳｃｒｉｐｔ．ｃｍｄ",
	};
	static const char *const good[] = {
		"onboarding_manual.pdf", "MDE_onboarding_log.txt", "screenshot.png",
		"WindowsDefenderATPOnboardingScript_error.png", "mdatp_health.txt",
		"ATPOnboardingScript.cmd", "",
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		int d = sm_detectors_match_name(D, bad[i]);

		if (d < 0)
			g_test_message("name not matched: %s", bad[i]);
		g_assert_cmpint(d, >=, 0);
		if (d >= 0)
			g_assert_cmpstr(sm_detectors_info(D, (unsigned)d)->id, ==, "mde_onboarding");
	}
	for (i = 0; i < G_N_ELEMENTS(good); i++) {
		int d = sm_detectors_match_name(D, good[i]);

		if (d >= 0)
			g_test_message("name wrongly matched: %s", good[i]);
		g_assert_cmpint(d, <, 0);
	}
	g_assert_cmpint(sm_detectors_match_name(D, NULL), <, 0);
}

static void test_actions(void)
{
	int d = sm_detectors_match_name(D, "WindowsDefenderATPOnboardingScript.cmd");
	const sm_detector_info *i = d >= 0 ? sm_detectors_info(D, (unsigned)d) : NULL;

	g_assert_nonnull(i);
	if (!i)
		return;
	g_assert_cmpint(i->action, ==, SM_ACT_REJECT);
	g_assert_cmpint(i->archive_action, ==, SM_ACT_REJECT);
	/* the reply is for the sender: plain words, never the internal id */
	g_assert_nonnull(strstr(i->reply, "onboarding and offboarding scripts"));
	g_assert_null(strstr(i->reply, "mde_onboarding"));
}

int main(int argc, char **argv)
{
	char err[512];
	int rc;

	sm_test_init(&argc, &argv);
	D = sm_detectors_load(NULL, err, sizeof(err));
	g_assert_nonnull(D);
	g_test_add_func("/detect_mde/blob_levels", test_blob_levels);
	g_test_add_func("/detect_mde/strong_signals", test_strong_signals);
	g_test_add_func("/detect_mde/near_misses", test_near_misses);
	g_test_add_func("/detect_mde/names", test_names);
	g_test_add_func("/detect_mde/actions", test_actions);
	rc = g_test_run();
	sm_detectors_free(D);
	return rc;
}
