/* `lvsagent director import` of the director scripts people have: the
 * lab's own init script, variables, functions, loops, here-documents,
 * ipvsadm's edits in order, and a note for every line skipped — or an
 * error with its line where what the script does cannot be known. */
#include "fixtures.h"
#include "import_fixture.h"
#include "unit.h"

#include <linux/ip_vs.h>

/* FILE's text (the test runs from the top of the tree). */
static char *read_fixture(const char *file)
{
	FILE *in = fopen(file, "r");
	char *text = NULL;
	size_t len = 0;

	assert_non_null(in);
	assert_int_equal(getdelim(&text, &len, '\0', in) > 0, 1);
	fclose(in);
	return text;
}

static void expect_note(const struct imported *imp, const char *note)
{
	if (diag_has(&imp->notes, note))
		return;
	print_diagnostics(&imp->notes);
	fail_msg("no note: %s", note);
}

static const struct ipvs_dest *dest_at(const struct ipvs_service *svc, const char *addr)
{
	struct ipaddr want = ip(addr);

	for (size_t i = 0; i < svc->dest_count; i++)
		if (ipaddr_equal(&svc->dests[i].addr, &want))
			return &svc->dests[i];
	fail_msg("no real server %s", addr);
	return NULL;
}

/* The DR lab's director script: start's table, everything else noted. */
static void test_lab_script(void **state)
{
	char *script = read_fixture("tests/fixtures/lab_director_dr.sh");
	const struct ipvs_service *svc;
	struct imported imp;

	(void)state;
	import_ok(&imp, script);
	assert_int_equal(director_config_of(&imp.cfg)->service_count, 1);
	svc = configured(&imp, "tcp-192.168.101.168-80");
	assert_string_equal(svc->scheduler, "wlc");
	assert_int_equal(svc->dest_count, 2);
	assert_int_equal(dest_at(svc, "10.10.10.11")->weight, 2);
	assert_int_equal(dest_at(svc, "10.10.10.12")->weight, 1);
	assert_int_equal(dest_at(svc, "10.10.10.12")->fwd, IP_VS_CONN_F_DROUTE);
	expect_note(&imp, "in:25: skipped: /sbin/ifconfig eth1 $VIP broadcast $VIP netmask "
			  "255.255.2... (not an ipvsadm command)");
	expect_note(&imp, "in:41: skipped: ipvsadm -L: a listing");
	expect_note(&imp, "in:16: skipped lines 16-18: function CSTATUS2, which start does not call");
	expect_note(&imp, "in:44: skipped lines 44-54: the stop) branch, which start does not take");
	expect_note(&imp, "in:58: skipped lines 58-60: the *) branch, which start does not take");
	/* CSTATUS1, which start calls: its line is read (and skipped). */
	expect_note(&imp, "in:13: skipped: [ -e /var/lock/subsys/ipvsadm.lock ] ... (not an ipvsadm "
			  "command)");
	release(&imp);
	free(script);
}

static void test_variables_and_loops(void **state)
{
	const struct ipvs_service *svc;
	struct imported imp;

	(void)state;
	import_ok(&imp, "IPVSADM=/sbin/ipvsadm\n"
			"export VIP=\"192.0.2.10\"\n"
			"PORT=${PORT:-80}\n"
			"RIPS='10.0.0.1 10.0.0.2'\n"
			"$IPVSADM -A -t $VIP:${PORT} -s rr   # the web service\n"
			"for rip in $RIPS 10.0.0.3; do\n"
			"\t$IPVSADM -a -t \"$VIP:$PORT\" -r $rip -g \\\n"
			"\t\t-w 3 >/dev/null 2>&1\n"
			"done\n");
	svc = configured(&imp, "tcp-192.0.2.10-80");
	assert_string_equal(svc->scheduler, "rr");
	assert_int_equal(svc->dest_count, 3);
	assert_int_equal(dest_at(svc, "10.0.0.3")->weight, 3);
	release(&imp);
}

static void test_functions_and_case(void **state)
{
	struct imported imp;

	(void)state;
	import_ok(&imp, "start() {\n"
			"\tipvsadm -C\n"
			"\tipvsadm -A -t 192.0.2.1:80\n"
			"}\n"
			"stop() { ipvsadm -C; }\n"
			"case \"$1\" in\n"
			"\tstart|restart) start ;;\n"
			"\tstop)\n"
			"\t\tstop\n"
			"\t\t;;\n"
			"esac\n");
	assert_int_equal(director_config_of(&imp.cfg)->service_count, 1);
	expect_note(&imp, "in:5: skipped: function stop, which start does not call");
	expect_note(&imp, "in:8: skipped lines 8-10: the stop) branch, which start does not take");
	release(&imp);
}

/* ipvsadm 1.31 sends the whole service (or real server) on -E (-e): what
 * the rule leaves out goes back to its default (t_director_import.sh
 * checks this against ipvsadm itself). */
static void test_edits_in_order(void **state)
{
	const struct ipvs_service *svc;
	struct imported imp;

	(void)state;
	import_ok(&imp, "ipvsadm -A -t 192.0.2.1:80 -s rr -p 60\n"
			"ipvsadm -a -t 192.0.2.1:80 -r 10.0.0.1 -w 5\n"
			"ipvsadm -a -t 192.0.2.1:80 -r 10.0.0.2 -w 5\n"
			"ipvsadm -a -t 192.0.2.1:80 -r 10.0.0.3 -m -w 4\n"
			"ipvsadm -A -t 192.0.2.2:80\n"
			"ipvsadm -E -t 192.0.2.1:80 -s sh\n"
			"ipvsadm -e -t 192.0.2.1:80 -r 10.0.0.1 -i\n"
			"ipvsadm -d -t 192.0.2.1:80 -r 10.0.0.2\n"
			"ipvsadm --delete-service -t 192.0.2.2:80\n");
	assert_int_equal(director_config_of(&imp.cfg)->service_count, 1);
	svc = configured(&imp, "tcp-192.0.2.1-80");
	assert_string_equal(svc->scheduler, "sh");
	assert_int_equal(svc->timeout, 0);
	assert_int_equal(svc->dest_count, 2);
	assert_int_equal(dest_at(svc, "10.0.0.1")->fwd, IP_VS_CONN_F_TUNNEL);
	assert_int_equal(dest_at(svc, "10.0.0.1")->weight, 1);
	assert_int_equal(dest_at(svc, "10.0.0.3")->weight, 4);
	release(&imp);
}

static void test_heredoc_restore(void **state)
{
	struct imported imp;

	(void)state;
	import_ok(&imp, "VIP=192.0.2.7\n"
			"/sbin/ipvsadm -R <<EOF\n"
			"-A -t $VIP:80 -s rr\n"
			"-a -t $VIP:80 -r 10.0.0.1:80 -g -w 1\n"
			"EOF\n"
			"ipvsadm -a -t 192.0.2.7:80 -r 10.0.0.2\n");
	assert_int_equal(configured(&imp, "tcp-192.0.2.7-80")->dest_count, 2);
	release(&imp);
	expect_error("ipvsadm -R <<EOF\n-A -t 192.0.2.7:80\n-A -t 192.0.2.7:80\nEOF\n",
		     "in:3: this service was already added on line 2");
}

static void test_skipped_notes(void **state)
{
	struct imported imp;

	(void)state;
	import_ok(&imp, "ipvsadm -Ln\n"
			"ipvsadm --set 900 120 300\n"
			"modprobe ip_vs\n"
			"if [ -x /sbin/ipvsadm ]; then\n"
			"\tipvsadm -A -t '192.0.2.1:80' -s \"rr\"\n"
			"else\n"
			"\techo no ipvsadm; exit 1\n"
			"fi\n"
			"ipvsadm -Lnc | grep ESTABLISHED\n");
	assert_int_equal(director_config_of(&imp.cfg)->service_count, 1);
	expect_note(&imp, "in:1: skipped: ipvsadm -Ln: a listing");
	expect_note(&imp, "in:2: skipped: ipvsadm --set: connection timeouts, not part of the "
			  "table ([director] timeout_tcp, timeout_tcpfin, timeout_udp)");
	expect_note(&imp, "in:3: skipped: modprobe ip_vs (not an ipvsadm command)");
	expect_note(&imp, "in:4: the condition of this if is not tested: import takes its first "
			  "branch");
	expect_note(&imp, "in:6: skipped lines 6-8: a later branch of the if");
	expect_note(&imp, "in:9: skipped: grep ESTABLISHED (not an ipvsadm command)");
	release(&imp);
}

static void test_script_errors(void **state)
{
	(void)state;
	expect_error("ipvsadm -A -t $VIP:80\n",
		     "in:1: $VIP is not set by any assignment before this line");
	expect_error("VIP=$(hostname -i)\nipvsadm -A -t $VIP:80\n",
		     "in:2: $VIP is set on line 1 by a command, which import does not run");
	expect_error("ipvsadm -A -t $1:80\n",
		     "in:1: $1 is an argument of the script, which import cannot know");
	expect_error("$IPVSADM -C\n", "in:1: $IPVSADM is not set by any assignment before this line");
	expect_error("if true; then\n\tipvsadm -C\n", "in:1: the if on line 1 has no \"fi\"");
	expect_error("echo \"unclosed\n", "in:1: the double quote opened on line 1 is never closed");
	expect_error("ipvsadm -R <<EOF\n-C\n", "in:1: the here-document opened on line 1 never ends "
					       "with \"EOF\"");
	expect_error("while true; do\n\tipvsadm -C\ndone\n",
		     "in:1: ipvsadm commands inside a while or until loop, which import cannot run");
	expect_error("ipvsadm -E -t 192.0.2.1:80\n", "in:1: -E for a service no -A rule above adds");
	expect_error("ipvsadm -A -t 192.0.2.1:80\nipvsadm -d -t 192.0.2.1:80 -r 10.0.0.9\n",
		     "in:2: -d of a real server no -a rule above adds to the service");
	expect_error("f() { f; }\nf\n", "in:1: functions call each other more than 16 deep");
	expect_error("ipvsadm -C\ndone\n", "in:2: \"done\" where no block ends");
	expect_error("ipvsadm -A -t ${VIP#x}:80\n", "in:1: ${VIP#x} is a form import does not read "
						    "(only ${NAME}, ${NAME:-default} and "
						    "${NAME-default})");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_script),
		cmocka_unit_test(test_variables_and_loops),
		cmocka_unit_test(test_functions_and_case),
		cmocka_unit_test(test_edits_in_order),
		cmocka_unit_test(test_heredoc_restore),
		cmocka_unit_test(test_skipped_notes),
		cmocka_unit_test(test_script_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
