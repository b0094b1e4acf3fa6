import { describeGroup, dockerfile } from './group';

// containerUser and remoteUser, both non-root users made in the Dockerfile.
// The host user is root here. The reference CLI still builds its `-uid`
// image for a non-root remote user, and the `id` probe shows the UIDs it leaves.
describeGroup({
  name: 'users',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        build: { dockerfile: 'Dockerfile' },
        containerUser: 'app',
        remoteUser: 'remote',
        postCreateCommand: 'id -un > /tmp/conf-post-create.user',
      },
      null,
      2,
    ),
    '.devcontainer/Dockerfile': dockerfile('users', [
      'FROM debian:bookworm',
      'RUN useradd -m -u 1000 -s /bin/bash app && useradd -m -u 1001 -s /bin/bash remote',
    ]),
  },
  probes: {
    'user of postCreateCommand': 'cat /tmp/conf-post-create.user',
    'user of PID 1': 'stat -c %U /proc/1',
    'home folder': 'echo "$HOME"',
    'ids of the remote user': 'id',
  },
});
