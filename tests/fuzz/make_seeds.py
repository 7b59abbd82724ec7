#!/usr/bin/env python3
"""Seeds for tests/fuzz/corpus/ from the existing tests' inputs (run by
hand, its output committed): the example configurations, the text inputs
the unit tests parse (C string literals, adjacent ones joined), and the
host kernel's own rtnetlink dump replies, recorded as fake_kernel.h reads
them. Also the INI dictionary from `lvsagent schema` (pass the binary).

    tests/fuzz/make_seeds.py build/lvsagent
"""
import ast, hashlib, os, re, socket, struct, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
corpus = os.path.join(here, "corpus")


def put(target, data, name=None):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    name = name or "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def literals(path):
    """Each run of adjacent C string literals in PATH, joined and unescaped."""
    text = open(path, encoding="utf-8").read()
    run = re.compile(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+')
    for m in run.finditer(text):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0))
        try:
            yield "".join(ast.literal_eval('"%s"' % p) for p in parts).encode()
        except (ValueError, SyntaxError):
            continue


def from_tests(target, files, looks_like):
    for f in files:
        for lit in literals(os.path.join(root, f)):
            if looks_like(lit):
                put(target, lit)


def record(msgs):
    return b"".join(bytes([0]) + struct.pack("<H", len(m)) + m for m in msgs)


def rtnl_dump(msg_type, family=0, payload=None):
    """The kernel's replies to one dump, each datagram as read."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    body = payload if payload is not None else struct.pack("BxxxI", family, 0)
    s.send(struct.pack("=IHHII", 16 + len(body), msg_type, 0x301, 1, 0) + body)
    got = []
    while True:
        data = s.recv(65536)
        got.append(data)
        if struct.unpack_from("=H", data, 4)[0] == 3:  # NLMSG_DONE
            break
    s.close()
    return got


def main():
    lvsagent = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build/lvsagent")
    for f in ("etc/lvsagent.conf", "etc/director.conf"):
        put("config", open(os.path.join(root, f), "rb").read(), os.path.basename(f))
    from_tests("config", ["tests/unit/test_config.c", "tests/unit/test_director_config.c"],
               lambda t: b"=" in t and (b"[" in t or b"\n" in t))
    from_tests("import", ["tests/unit/test_director_import.c", "tests/unit/ipvsadm_capture.h"],
               lambda t: b"-A " in t or b"-a " in t)
    from_tests("rs_state", ["tests/unit/test_state.c"], lambda t: b"\n" in t)
    from_tests("dir_state", ["tests/unit/test_director_state.c"], lambda t: b"\n" in t)
    # fuzz_rtnl: first byte 0 links, 1 addresses, 2 IPv4 main routes, 6 IPv6.
    put("rtnl", bytes([0]) + record(rtnl_dump(18, payload=struct.pack("BxHiII", 0, 0, 0, 0, 0))), "host-links")
    put("rtnl", bytes([1]) + record(rtnl_dump(22)), "host-addrs")
    put("rtnl", bytes([2]) + record(rtnl_dump(26, payload=struct.pack("BBBBBBBBI", 2, 0, 0, 0, 254, 0, 0, 0, 0))), "host-routes4")
    put("rtnl", bytes([6]) + record(rtnl_dump(26, payload=struct.pack("BBBBBBBBI", 10, 0, 0, 0, 254, 0, 0, 0, 0))), "host-routes6")
    schema = subprocess.run([lvsagent, "schema"], check=True, capture_output=True, text=True).stdout
    words = set()
    for line in schema.splitlines():
        section, key = line.split()
        words.add("[%s]" % section)
        words.add(key)
    words.update(["[service web]", " = ", "\n", "#", ";"])
    with open(os.path.join(here, "config.dict"), "w") as f:
        f.write("# INI keys and sections `lvsagent schema` prints (tests/fuzz/make_seeds.py)\n")
        for w in sorted(words):
            f.write('"%s"\n' % w.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\x0A"))


main()
