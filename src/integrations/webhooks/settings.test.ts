import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentEndpoints } from './settings.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

void describe('webhook settings', () => {
  void it('no URLs means no endpoints, whatever the secret', () => {
    assert.deepEqual(deploymentEndpoints('', ''), []);
    assert.deepEqual(deploymentEndpoints(' , ', 'x'), []);
  });

  void it('a comma-separated list becomes one endpoint per URL with the shared secret', () => {
    assert.deepEqual(deploymentEndpoints('https://a.example/h, http://127.0.0.1:9/x', SECRET), [
      { url: 'https://a.example/h', secret: SECRET },
      { url: 'http://127.0.0.1:9/x', secret: SECRET },
    ]);
  });

  void it('refuses URLs without a secret, a secret that is not whsec_ base64, and non-http URLs', () => {
    assert.throws(() => deploymentEndpoints('https://a.example', ''), /--webhook-secret/);
    assert.throws(() => deploymentEndpoints('https://a.example', 'whsec_@@@'), /--webhook-secret/);
    assert.throws(() => deploymentEndpoints('ftp://a.example', SECRET), /http/);
    assert.throws(() => deploymentEndpoints('not a url', SECRET), /not a URL/);
  });
});
