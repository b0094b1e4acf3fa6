import { describeGroup } from './group';

// privileged: true. The engine on these machines runs without the
// capabilities a privileged container needs, so both CLIs create the
// container and fail to start it. Our CLI then removes its container, so the
// create requests are recorded and compared as well.
describeGroup({
  name: 'privileged',
  expectUpFailure: 'this engine rejects privileged containers ("unable to apply caps: operation not permitted")',
  recordCreateRequests: true,
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', privileged: true }, null, 2),
  },
});
