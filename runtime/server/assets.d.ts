// Shell scripts that run in the container. esbuild's text loader (the `.sh`
// entry in scripts/build.mjs) embeds each one in the bundle as a string.
declare module '*.sh' {
  const text: string;
  export default text;
}
