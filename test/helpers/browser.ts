/**
 * Debian's Chromium for browser tests, started the way this project's machines allow: headless,
 * no sandbox (root), no GPU, no background networking (the network is closed). `extraArgs`
 * add what a test needs, e.g. fake media devices, a WAV file as the mic, or autoplay.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const BASE_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** a fake mic and camera, granted without a prompt */
export const FAKE_MEDIA_ARGS = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, ...extraArgs] });
}
