import { describeGroup, dockerfile } from './group';

// overrideCommand false: the image's own CMD must keep the container alive.
describeGroup({
  name: 'override-command',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify({ build: { dockerfile: 'Dockerfile' }, overrideCommand: false }, null, 2),
    '.devcontainer/Dockerfile': dockerfile('override-command', ['FROM debian:bookworm', 'CMD ["sleep", "infinity"]']),
  },
  probes: {
    'PID 1 command line': 'tr "\\0" " " < /proc/1/cmdline; echo',
  },
});
