/**
 * hls.js, built by scripts/build-web.mjs into its own bundle (web/dist/hls.js) that HlsPlayer
 * imports only when a listener actually moves to the LL-HLS tier, so the main app stays small.
 */
// the light build: no subtitles, alternate audio, DRM or CMCD, none of which a Space uses
export { default as Hls } from 'hls.js/light';
