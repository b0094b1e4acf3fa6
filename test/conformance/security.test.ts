import { describeGroup } from './group';

// init, capAdd and securityOpt. privileged is in privileged.test.ts because
// this engine cannot start privileged containers.
describeGroup({
  name: 'security',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        image: 'debian:bookworm',
        init: true,
        capAdd: ['SYS_PTRACE', 'NET_ADMIN'],
        securityOpt: ['seccomp=unconfined', 'label=disable'],
      },
      null,
      2,
    ),
  },
  probes: {
    'PID 1 and process status': 'cat /proc/1/comm; grep -E "^(CapEff|Seccomp):" /proc/self/status',
  },
});
