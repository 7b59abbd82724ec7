#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Ansible module for lvsagent: converge (present) or withdraw (absent) an
LVS real server by running the lvsagent binary with --json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: lvsagent
short_description: Keep an LVS real server's VIPs and ARP suppression in place
description:
  - Runs C(lvsagent apply) (I(state=present)) or C(lvsagent stop)
    (I(state=absent)) with C(--json), and returns what lvsagent changed.
  - Honours check mode (C(--check)) and diff mode (C(--diff)).
  - When the lvsagent daemon manages the host, I(state=present) succeeds
    unchanged if the host already matches the configuration, and fails
    otherwise; reload the daemon (see the example playbook) first.
options:
  state:
    description: C(present) converges the host, C(absent) removes what lvsagent created.
    type: str
    choices: [present, absent]
    default: present
  config:
    description: Path of the lvsagent configuration.
    type: path
    default: /etc/lvsagent/lvsagent.conf
  config_content:
    description:
      - The configuration itself, piped to C(lvsagent -c -) instead of reading
        I(config). Lets check mode judge a rendered configuration that is not
        written yet.
    type: str
  binary:
    description: The lvsagent program.
    type: path
    default: lvsagent
author: lvsagent developers
'''

EXAMPLES = r'''
- name: Converge the real server
  lvsagent:
    state: present
    config: /etc/lvsagent/lvsagent.conf

- name: Converge to a configuration rendered in the play
  lvsagent:
    config_content: "{{ lookup('ansible.builtin.template', 'lvsagent.conf.j2') }}"

- name: Withdraw the VIPs, restore the sysctls
  lvsagent:
    state: absent
'''

RETURN = r'''
changes:
  description: One entry per change made (in check mode, that would be made).
  returned: always
  type: list
  elements: dict
  sample: [{"action": "add", "kind": "vip", "target": "192.168.101.168/32",
            "before": null, "after": "vip 192.168.101.168/32 dev lo"}]
msg:
  description: lvsagent's summary.
  returned: always
  type: str
warnings_from_lvsagent:
  description: What lvsagent left alone, and why.
  returned: always
  type: list
  elements: str
'''

import json

from ansible.module_utils.basic import AnsibleModule


def build_command(module, binary):
    params = module.params
    source = '-' if params['config_content'] is not None else params['config']
    verb = 'apply' if params['state'] == 'present' else 'stop'
    command = [binary, '-c', source, verb, '--json']
    if module.check_mode:
        command.append('--check')
    if module._diff:
        command.append('--diff')
    return command


def run(module):
    binary = module.params['binary']
    if '/' not in binary:
        binary = module.get_bin_path(binary, required=True, opt_dirs=['/usr/local/sbin', '/usr/sbin'])
    command = build_command(module, binary)
    rc, out, err = module.run_command(command, data=module.params['config_content'],
                                      binary_data=True)
    try:
        report = json.loads(out)
    except ValueError:
        module.fail_json(msg='lvsagent did not answer with JSON: %s' % (err.strip() or out.strip()),
                         rc=rc, stdout=out, stderr=err, cmd=command)
    return rc, err, report, command


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'absent']),
            config=dict(type='path', default='/etc/lvsagent/lvsagent.conf'),
            config_content=dict(type='str', no_log=False),
            binary=dict(type='path', default='lvsagent'),
        ),
        supports_check_mode=True,
    )
    rc, err, report, command = run(module)
    result = dict(
        changed=bool(report.get('changed')),
        msg=report.get('msg', ''),
        changes=report.get('changes', []),
        warnings_from_lvsagent=report.get('warnings', []),
        rc=rc,
        cmd=command,
    )
    if module._diff and 'diff' in report:
        result['diff'] = report['diff']
    if rc != 0 or report.get('failed'):
        result['stderr'] = err
        result['failures'] = report.get('failures', [])
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
