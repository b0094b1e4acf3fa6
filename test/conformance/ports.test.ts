import { describeGroup } from './group';

// appPort publishes a container port. forwardPorts and portsAttributes are
// for the editor and leave the container unchanged. The host port is left
// to the engine (`127.0.0.1::8080`) so the two containers never collide,
// and is bound on loopback only.
describeGroup({
  name: 'ports',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        image: 'debian:bookworm',
        appPort: ['127.0.0.1::8080'],
        forwardPorts: [3000, 'localhost:3001'],
        portsAttributes: { '3000': { label: 'conformance' } },
      },
      null,
      2,
    ),
  },
});
