/* What ipvsadm 1.31 printed (`ipvsadm -Sn`) for the table the director
 * tests use: every protocol, fwmark (IPv4 and IPv6), dr/tun/nat, tunnel
 * options, persistence with masks, flags and weights. Captured from the
 * real ipvsadm in the test VM; shared by the list and import tests. */
#ifndef LVSAGENT_TEST_IPVSADM_CAPTURE_H
#define LVSAGENT_TEST_IPVSADM_CAPTURE_H

static const char saved[] =
	"-A -t 192.168.101.168:80 -s rr -b flag-1\n"
	"-a -t 192.168.101.168:80 -r 10.10.10.11:80 -g -w 2\n"
	"-a -t 192.168.101.168:80 -r 10.10.10.12:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum\n"
	"-a -t 192.168.101.168:80 -r 10.10.10.13:8080 -m -w 0\n"
	"-A --sctp-service 192.0.2.5:3868 -s wlc\n"
	"-a --sctp-service 192.0.2.5:3868 -r 10.10.10.14:3868 -m -w 1\n"
	"-A -u [2001:db8::10]:53 -s sh -p 300 -M 64 -o -b sh-fallback,sh-port\n"
	"-a -u [2001:db8::10]:53 -r [2001:db8::11]:53 -i -w 1 --tun-type gre --tun-csum\n"
	"-A -f 7 -s mh -p 60 -M 255.255.255.0 -b mh-port\n"
	"-a -f 7 -r 10.10.10.11:0 -g -w 1\n"
	"-A -f 8 -6 -s wrr\n"
	"-a -f 8 -6 -r [2001:db8::21]:0 -i -w 3 --tun-type ipip\n"
	"-a -f 8 -6 -r [2001:db8::22]:0 -i -w 4 --tun-type ipip\n";

#endif
