# [agent] metrics_file: lvsagent run writes Prometheus text for the textfile
# collector, each line a comment or NAME{LABELS} VALUE; a deleted VIP's
# repair counts; a reload, good and bad, counts; the file is replaced by a
# rename (a symlink planted at its name is replaced, not written through).
. "$(dirname "$0")/lib.sh"
lab_rs_only
conf=$TMP/lvsagent.conf
metrics=$TMP/metrics/lvsagent.prom
mkdir -p "$TMP/metrics"
write_config "$conf" "vip = $VIP4" "vip = $VIP6"
sed -i "s|^\\[agent\\]|[agent]\\nmetrics_file = $metrics|" "$conf"

ip netns exec "$NS_RS" "$LVSAGENT" -c "$conf" run 2>>"$TMP/daemon.log" &
daemon=$!
# value NAME[{LABELS}]: the sample's value, empty while there is none.
value() { awk -v n="$1" '$1 == n { print $2 }' "$metrics" 2>/dev/null; }
is() { [ "$(value "$1")" = "$2" ]; }
# Every line a comment, or a sample: a metric name, optional labels
# name="value", a number (what the textfile collector accepts).
well_formed() {
	[ -s "$metrics" ] && ! grep -Ev '^(# (HELP|TYPE) .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$' "$metrics"
}

eventually_within 5 "the daemon wrote the file once both VIPs were in place" is lvsagent_realserver_vips_in_place 2
check "every line is a comment or NAME{LABELS} VALUE" well_formed
expect_eq "two VIPs managed" 2 "$(value lvsagent_realserver_vips_managed)"
expect_eq "no repairs yet" 0 "$(value 'lvsagent_realserver_repairs_total{kind="vip"}')"
start=$(value lvsagent_realserver_start_time_seconds)
now=$(date +%s)
check "the start time is now" test "$start" -le "$now" -a "$start" -gt "$((now - 60))"
expect_eq "mode 0644 for the collector's user" "-rw-r--r--" "$(stat -c %A "$metrics")"
inode=$(stat -c %i "$metrics")

in_rs ip addr del "$VIP4/32" dev lo
eventually_within 5 "the VIP's repair counted" is 'lvsagent_realserver_repairs_total{kind="vip"}' 1
check "still well formed" well_formed
check "the repair's latency is there, below a second" \
	awk '$1 == "lvsagent_realserver_last_repair_latency_seconds" { exit !($2 > 0 && $2 < 1) }' "$metrics"
expect_eq "both VIPs in place again" 2 "$(value lvsagent_realserver_vips_in_place)"
check "the file was replaced, not rewritten in place" test "$(stat -c %i "$metrics")" != "$inode"
files=("$TMP"/metrics/*)
expect_eq "no temporary file is left beside it" "$metrics" "${files[*]}"

# A symlink planted at the name: the rename replaces it; its target is
# never written.
: >"$TMP/target"
ln -sf "$TMP/target" "$metrics"
write_config "$conf" "vip = $VIP4"
sed -i "s|^\\[agent\\]|[agent]\\nmetrics_file = $metrics|" "$conf"
kill -HUP "$daemon"
eventually_within 5 "a good reload counted" is 'lvsagent_realserver_config_reloads_total{result="success"}' 1
check "the symlink was replaced by a file" test -f "$metrics" -a ! -L "$metrics"
check "and its target not written" test ! -s "$TMP/target"
expect_eq "one VIP managed after the reload" 1 "$(value lvsagent_realserver_vips_managed)"
echo "vip = not-an-address" >>"$conf"
kill -HUP "$daemon"
eventually_within 5 "a refused reload counted" is 'lvsagent_realserver_config_reloads_total{result="failure"}' 1
expect_eq "and the last reload is marked failed" 0 "$(value lvsagent_realserver_config_last_reload_successful)"
check "still well formed" well_formed

kill -TERM "$daemon"
wait "$daemon" || true
[ "$FAILURES" -eq 0 ] || sed 's/^/        | /' "$TMP/daemon.log" | tail -20
finish
