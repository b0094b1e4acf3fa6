// JavaScript that the copied node binary runs in the container. esbuild's
// text loader (the `.in-container.js` entry in scripts/build.mjs) embeds each
// file in the bundle as a string instead of bundling it as a module.
declare module '*.in-container.js' {
  const source: string;
  export default source;
}
