import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.js';

void test('stage thread settings: defaults, flags and environment, and out-of-range values refused', () => {
  const d = loadConfig({}, {});
  assert.equal(d.stageThread, true);
  assert.equal(d.stageNice, -20);
  assert.equal(loadConfig({ '--stage-nice': '-5' }, {}).stageNice, -5);
  assert.equal(loadConfig({}, { ROSTRA_STAGE_NICE: '0' }).stageNice, 0);
  assert.throws(() => loadConfig({ '--stage-nice': '-21' }, {}));
  assert.throws(() => loadConfig({ '--stage-nice': '3' }, {}));
  assert.throws(() => loadConfig({ '--stage-nice': 'high' }, {}));
});

void test('admission defaults are the measured ones (docs/admission.md)', () => {
  const d = loadConfig({}, {});
  assert.equal(d.maxListeners, 14_000);
  assert.equal(d.joinRate, 1_000);
  assert.equal(d.joinBurst, 2_000);
  assert.equal(d.maxWaiting, 4_000);
});
