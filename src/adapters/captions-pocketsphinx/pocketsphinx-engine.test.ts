import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCaptionEngineConformance } from '../../core/ports/captions.conformance.js';
import { speak } from '../../../test/helpers/speech.js';
import { PocketsphinxEngine, pocketsphinxAvailable } from './pocketsphinx-engine.js';

// close() may wait long here: the machine running the tests may be busy, and tests write faster than real time
runCaptionEngineConformance('pocketsphinx', () => new PocketsphinxEngine({ flushMs: 50_000 }), speak);

describe('PocketsphinxEngine', () => {
  it('is available here: the binary and the Debian model are installed (.ci/run installs them)', () => {
    assert.ok(pocketsphinxAvailable());
  });

  it('a missing model folder is not available', () => {
    assert.equal(pocketsphinxAvailable({ modelDir: '/nonexistent' }), false);
  });

  it('a binary that is not there is an error, then closed', async () => {
    const stream = new PocketsphinxEngine({ command: '/nonexistent/pocketsphinx' }).open();
    const errors: Error[] = [];
    stream.events.on('error', (e) => errors.push(e));
    await new Promise<void>((resolve) => stream.events.once('closed', resolve));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /pocketsphinx/);
    await stream.close();
  });
});
